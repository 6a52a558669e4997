"""The importers speak the active language: Spanish messages when Spanish is active (the command's default)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from veeduria.ingest.importers import ImportFailed, run_import
from veeduria.records.models import Activity

from .test_hostile import GOOD, HEADER, write

pytestmark = pytest.mark.django_db


def rejected_in_spanish(path: Path) -> str:
    with translation.override("es"), pytest.raises(ImportFailed) as info:
        run_import("fmtrpt", path, country="PER")
    assert not Activity.objects.exists()
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_hostile_file_rejected_in_spanish(tmp_path: Path) -> None:
    content = HEADER + GOOD[0].replace(",2,", ",dos,") + GOOD[1].replace(",3,", ",doce,") + GOOD[2]
    message = rejected_in_spanish(write(tmp_path, "malas.csv", content))
    assert "línea 2, columna quantity (9): 'dos' no es un número" in message
    assert message.endswith("(y 1 fila errónea más, en la línea 3; --skip-bad-rows importa las demás filas)")

    semicolons = write(tmp_path, "puntoycoma.csv", HEADER.replace(",", ";") + GOOD[0].replace(",", ";"))
    message = rejected_in_spanish(semicolons)
    assert (
        "línea 1, columna 1: las columnas están separadas por puntos y comas; se esperaba coma o tabulador" in message
    )

    message = rejected_in_spanish(write(tmp_path, "vacio.csv", b""))
    assert message == f"{tmp_path / 'vacio.csv'}, línea 1, columna 1: el archivo está vacío"


def test_summary_and_report_in_spanish(tmp_path: Path) -> None:
    content = HEADER.replace("\n", ",revisor\n") + "".join(
        [GOOD[0].replace("\n", ",ana\n"), GOOD[1].replace(",3,", ",tres,").replace("\n", ",ana\n")]
    )
    with translation.override("es"):
        report = run_import("fmtrpt", write(tmp_path, "algunas.csv", content), country="PER", skip_bad_rows=True)
        summary = report.summary()
    assert summary.splitlines() == [
        "1 creados, 0 actualizados, 0 sin cambios; 1 fila errónea omitida",
        "columnas desconocidas (no importadas): revisor",
        "lugar de los cursos: 0 en el país de los alumnos, 1 en otro país, 0 sin país conocido",
        "filas omitidas:",
        "  línea 3, columna quantity (9): 'tres' no es un número",
        f"informe escrito en {report.report_file}",
    ]
    assert "# 1 fila omitida:" in Path(report.report_file).read_text(encoding="utf-8")
