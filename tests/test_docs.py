"""Docs that cannot drift: every schema field is documented; the README names every CLI command."""

from __future__ import annotations

import re
from pathlib import Path

from veeduria.cli import build_parser
from veeduria.ingest.schema import file_specs

ROOT = Path(__file__).parent.parent


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^(#{3,4} .+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_schema_field_is_documented() -> None:
    sections = _sections((ROOT / "docs" / "dataset-format.md").read_text())
    missing = []
    for key, spec in file_specs().items():
        body = sections.get(f"### `{key}.yaml`", "")
        missing += [f"{key}.{name}" for name in spec.fields if f"| `{name}` |" not in body]
        for child, fields in spec.children.items():
            child_body = sections.get(f"#### `{key}.yaml`: `{child}` (list)", "")
            missing += [f"{key}.{child}.{name}" for name in fields if f"| `{name}` |" not in child_body]
    assert not missing, f"fields missing from docs/dataset-format.md: {missing}"


def test_readme_documents_every_cli_command() -> None:
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = [name for name in commands if f"veeduria {name}" not in readme]
    assert not missing, f"commands not in README: {missing}"


def test_readme_quickstart_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]
    assert commands == ["make serve", "make test"]
