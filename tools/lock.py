"""Write ``requirements.lock``: the exact installed version of every package Veeduría and its test extra need,
followed from the declared requirements through the installed distributions (``make lock``).

Only what ``pip install -e '.[test]'`` brings in is listed, not whatever else the environment holds; pip-audit
reads the file (``make audit``).
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = "veeduria"
EXTRAS = ("test",)
HEADER = "# veeduria[test]'s dependencies, exact versions, written by `make lock` (tools/lock.py) for `make audit`\n"


def _needed(name: str, extras: tuple[str, ...]) -> list[Requirement]:
    """The requirements of the installed ``name`` that apply here with ``extras``."""
    out = []
    for line in metadata.requires(name) or []:
        req = Requirement(line)
        envs = [{"extra": e} for e in extras or ("",)]
        if req.marker is None or any(req.marker.evaluate(env) for env in envs):
            out.append(req)
    return out


def locked() -> dict[str, str]:
    """Canonical name → installed version of every distribution reached from ``veeduria[test]``."""
    versions: dict[str, str] = {}
    queue: list[tuple[str, tuple[str, ...]]] = [(ROOT, EXTRAS)]
    while queue:
        name, extras = queue.pop()
        for req in _needed(name, extras):
            key = canonicalize_name(req.name)
            if key in versions:
                continue
            try:
                versions[key] = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                sys.exit(f"lock: {req.name} (needed by {name}) is not installed: run make install-test first")
            queue.append((req.name, tuple(sorted(req.extras))))
    return versions


def render() -> str:
    """The lock file's text."""
    lines = [f"{name}=={version}" for name, version in sorted(locked().items())]
    return HEADER + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """``lock.py [FILE]`` writes the file; ``lock.py --check [FILE]`` says whether it is current (exit 1 if not)."""
    check = "--check" in argv
    names = [a for a in argv if a != "--check"]
    target = Path(names[0] if names else "requirements.lock")
    text = render()
    if not check:
        target.write_text(text, encoding="utf-8")
        print(f"{target}: {text.count(chr(10)) - 1} packages")
        return 0
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if current == text:
        return 0
    old, new = set(current.splitlines()[1:]), set(text.splitlines()[1:])
    changes = [f"-{x}" for x in sorted(old - new)] + [f"+{x}" for x in sorted(new - old)]
    print(f"{target} is not current for the installed dependencies ({', '.join(changes)}): run make lock")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
