"""Spreadsheet-safe CSV: formula-like cells neutralised, unknown empty."""

from __future__ import annotations

import csv
import io

import pytest

from veeduria.publicdata.csv_safe import neutralise, write_csv


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+51 1 234", "'+51 1 234"),
        ("-3", "-3"),  # a plain number stays a number
        ("-3+1", "'-3+1"),
        ("-x", "'-x"),
        (" -3", " -3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Lima", "Lima"),
        ("a=b", "a=b"),
        (None, ""),
        (0, "0"),
        (True, "true"),
        (2.5, "2.5"),
    ],
)
def test_neutralise(value: object, cell: str) -> None:
    assert neutralise(value) == cell


def test_write_csv_reads_back() -> None:
    out = io.StringIO()
    count = write_csv(out, ["Título", "Personal"], [["=1+1", None], ["Base, norte", 12]])
    assert count == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["Título", "Personal"], ["'=1+1", ""], ["Base, norte", "12"]]
