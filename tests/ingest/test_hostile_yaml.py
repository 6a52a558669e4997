"""Hostile dataset YAML: a list or mapping used as a key, nesting thousands of levels deep, aliases that could
stand for gigabytes, a folder where a file is expected. Each is refused by ``check`` with one line naming the
file and line, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from veeduria.cli import main
from veeduria.ingest.yamlfile import MAX_DEPTH, MAX_EXPANDED, YamlProblem, read_yaml
from veeduria.records import models as m

pytestmark = pytest.mark.django_db

ACTIVITY = """- id: act-1
  kind: exercise
  name_es: Ejercicio de prueba
  host_country: hst
  countries: [hst]
  citations: [{source: src-official}]
"""


def _check(folder: Path, name: str, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    before = m.Activity.objects.count()
    assert main(["check", str(folder)]) != 0
    assert main(["load", str(folder)]) != 0
    assert m.Activity.objects.count() == before
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error:" not in err.split(":", 1)[0]
    return err


def test_a_list_as_a_key(mini_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _check(mini_dataset, "activities.yaml", ACTIVITY + "  ? [a, b]\n  : x\n", capsys)
    assert "activities.yaml: línea 7: una clave debe ser un texto, no list" in err
    assert "unhashable" not in err


def test_nesting_too_deep(mini_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = "- id: act-1\n  notes: " + "[" * 5000 + "]" * 5000 + "\n"
    err = _check(mini_dataset, "activities.yaml", deep, capsys)
    assert f"activities.yaml: línea 2: más de {MAX_DEPTH} niveles anidados" in err
    assert "RecursionError" not in err


def test_aliases_standing_for_billions_are_refused(mini_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nine levels of nine aliases: 387,420,489 values in a few hundred bytes."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    err = _check(mini_dataset, "activities.yaml", "\n".join(lines) + "\n", capsys)
    assert f"activities.yaml: los alias de YAML (*nombre) hacen que el archivo valga por más de {MAX_EXPANDED}" in err


def test_shared_values_written_as_aliases_are_read(tmp_path: Path) -> None:
    """A YAML writer writes a value shared by two records once, with an alias: that is read as it was."""
    shared = [{"source": "src-official"}]
    path = tmp_path / "shared.yaml"
    path.write_text(yaml.safe_dump([{"id": "a", "citations": shared}, {"id": "b", "citations": shared}]))
    assert "*id001" in path.read_text()
    assert read_yaml(path) == [{"id": "a", "citations": shared}, {"id": "b", "citations": shared}]


def test_a_folder_where_a_file_is_expected(mini_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (mini_dataset / "activities.yaml").mkdir()
    before = m.Activity.objects.count()
    assert main(["check", str(mini_dataset)]) != 0
    err = capsys.readouterr().err
    assert "activities.yaml: es una carpeta, no un archivo" in err
    assert "IsADirectoryError" not in err
    assert m.Activity.objects.count() == before


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n", encoding="utf-8")
    value = read_yaml(path)  # the mapping and MAX_DEPTH - 1 lists: MAX_DEPTH levels
    for _ in range(MAX_DEPTH):
        value = value["a"] if isinstance(value, dict) else value[0]
    assert value == 1
    path.write_text("a: " + "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH + "\n", encoding="utf-8")
    with pytest.raises(YamlProblem):
        read_yaml(path)
