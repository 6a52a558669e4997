"""``make audit``: pip-audit over ``requirements.lock``, telling a known vulnerability from a look-up that failed.

    python tools/audit.py [--require-data] [--ignore-vuln ID ...] [LOCKFILE]

* a known vulnerability in a locked version: exit 1, each one named (package, version, id, fixed versions);
* vulnerability data that could not be had for some packages (pip-audit's service unreachable, or a package
  index mirror without PyPI's per-version JSON): said loudly with the count; exit 1 with ``--require-data``
  (``make audit AUDIT=strict``), else exit 0 so that an offline machine can still run the tests;
* otherwise exit 0 with the number of packages checked.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


#: seconds pip-audit may take: past them every package counts as not checked
TIMEOUT = float(os.environ.get("AUDIT_TIMEOUT", "300"))


def locked_names(lockfile: Path) -> list[str]:
    """The package names pinned by ``lockfile`` (``name==version`` lines)."""
    lines = lockfile.read_text(encoding="utf-8").splitlines()
    return [line.split("==")[0].strip() for line in lines if "==" in line and not line.lstrip().startswith("#")]


def run_pip_audit(lockfile: Path, ignored: list[str]) -> dict[str, Any]:
    """pip-audit's JSON report of ``lockfile`` (no resolution: the file pins every package)."""
    command = [str(BIN / "pip-audit"), "--requirement", str(lockfile), "--no-deps", "--disable-pip"]
    command += ["--progress-spinner", "off", "--format", "json"]
    for vuln in ignored:
        command += ["--ignore-vuln", vuln]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"make audit: pip-audit had no answer in {TIMEOUT} s (its vulnerability service is out of reach)")
        return {"dependencies": [{"name": name, "skip_reason": "timeout"} for name in locked_names(lockfile)]}
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"make audit: pip-audit gave no report (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}")
    return report


def summarise(report: dict[str, Any]) -> tuple[list[str], list[str], int]:
    """(vulnerabilities as lines, packages not looked up, packages checked)."""
    found, skipped, checked = [], [], 0
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(dep["name"])
            continue
        checked += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            found.append(f"{dep['name']} {dep.get('version', '')}: {vuln.get('id', '?')} (fixed in: {fixes})")
    return found, skipped, checked


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lockfile", nargs="?", type=Path, default=Path("requirements.lock"))
    parser.add_argument("--require-data", action="store_true", help="fail when a package could not be checked")
    parser.add_argument("--ignore-vuln", action="append", default=[], metavar="ID", help="a vulnerability to accept")
    args = parser.parse_args(argv)
    require_data, ignored, lockfile = args.require_data, args.ignore_vuln, args.lockfile
    found, skipped, checked = summarise(run_pip_audit(lockfile, ignored))
    for line in found:
        print(f"make audit: VULNERABLE {line}")
    if skipped:
        print(
            f"make audit: NOT CHECKED {len(skipped)} of {len(skipped) + checked} locked packages: their vulnerability "
            "data could not be had (offline, or a package index mirror without PyPI's per-version JSON): "
            + ", ".join(skipped[:8])
            + (" …" if len(skipped) > 8 else "")
        )
    if found:
        return 1
    if skipped and require_data:
        print("make audit: failing (AUDIT=strict asks for every package to be checked)")
        return 1
    print(f"make audit: no known vulnerability in {checked} checked packages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
