"""Hostile files: clear one-line errors naming file, line and column, and a database left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from veeduria.ingest.importers import ImportFailed, run_import
from veeduria.records.models import Activity

from .conftest import counts

pytestmark = pytest.mark.django_db
HEADER = (
    "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost,"
    "page_number,source_path,source_commit\n"
)
GOOD = [
    "2019_2020,IMET-1 - Fiscal Year 2019 Department of State Training,BASIC OFFICER,FT BENNING,Army,GA,"
    '1/7/2019,6/14/2019,2,"$22,660",12,x.xml,abc\n',
    "2019_2020,FMF - Fiscal Year 2019 Department of State Training,NAVAL ENGINEERING,NAVSCIATTS,Navy,MS,"
    '2/4/2019,4/5/2019,3,"$30,000",13,x.xml,abc\n',
    "2019_2020,INCLE - Fiscal Year 2019 Department of State Training,POLICE COURSE,INL,Police,Lima,"
    "5/6/2019,5/24/2019,30,$0,14,x.xml,abc\n",
]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def populated(fixtures: Path) -> dict[str, int]:
    """Something already in the database, to show that a rejected file leaves it untouched."""
    run_import("fmtrpt", fixtures / "fmtrpt_final_COL.tsv")
    return counts()


def rejected(path: Path, populated: dict[str, int], *, fmt: str = "fmtrpt", country: str | None = "PER") -> str:
    with pytest.raises(ImportFailed) as info:
        run_import(fmt, path, country=country)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert counts() == populated
    return message


@pytest.mark.parametrize("content", [b"", b"   \n\n  \n"])
def test_empty_file(tmp_path: Path, populated: dict[str, int], content: bytes) -> None:
    message = rejected(write(tmp_path, "empty.csv", content), populated)
    assert "line 1, column 1: the file is empty" in message


def test_header_only_imports_nothing(tmp_path: Path, populated: dict[str, int]) -> None:
    report = run_import("fmtrpt", write(tmp_path, "header.csv", HEADER), country="PER")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)


def test_missing_required_column(tmp_path: Path, populated: dict[str, int]) -> None:
    header = HEADER.replace("total_cost,", "")
    rows = [r.replace(',"$22,660"', "").replace(',"$30,000"', "").replace(",$0", "") for r in GOOD]
    message = rejected(write(tmp_path, "nocost.csv", header + "".join(rows)), populated)
    assert "line 1, column 13: missing required column(s): total_cost" in message


def test_wrong_columns_entirely(tmp_path: Path, populated: dict[str, int]) -> None:
    message = rejected(write(tmp_path, "other.csv", "a,b,c\n1,2,3\n"), populated)
    assert "line 1, column 1: no header row with the required columns" in message


def test_wrong_delimiter(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER.replace(",", ";") + GOOD[0].replace(",", ";")
    message = rejected(write(tmp_path, "semicolons.csv", content), populated)
    assert "line 1, column 1: columns are separated by semicolons; expected comma or tab" in message


def test_wrong_encoding(tmp_path: Path, populated: dict[str, int]) -> None:
    line = GOOD[1].replace("Navy", "Armada Perú")
    content = (HEADER + GOOD[0] + line).encode("latin-1")
    message = rejected(write(tmp_path, "latin1.csv", content), populated)
    assert f"line 3, column {line.index('ú') + 1}: not UTF-8 text (byte 0xfa)" in message


def test_binary_junk(tmp_path: Path, populated: dict[str, int]) -> None:
    junk = bytes(range(256)) * 4
    message = rejected(write(tmp_path, "junk.csv", junk), populated)
    assert "line 1, column 1: binary data (NUL byte); not a text file" in message


def test_truncated_inside_a_quoted_field(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER + GOOD[0] + GOOD[1][: GOOD[1].index('"$30') + 3]
    message = rejected(write(tmp_path, "truncated.csv", content), populated)
    assert "line 3, column 1: malformed CSV" in message and "truncated" in message


def test_truncated_row(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER + GOOD[0] + GOOD[1][:40]
    message = rejected(write(tmp_path, "cut.csv", content), populated)
    assert "line 3, column 3: 2 fields where the header has 13 (truncated row?)" in message


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("twelve", "line 3, column quantity (9): 'twelve' is not a number"),
        ("-4", "line 3, column quantity (9): negative count '-4'"),
        ("2.5", "line 3, column quantity (9): '2.5' is not a whole number"),
    ],
)
def test_bad_number(tmp_path: Path, populated: dict[str, int], bad: str, expected: str) -> None:
    content = HEADER + GOOD[0] + GOOD[1].replace(",3,", f",{bad},") + GOOD[2]
    message = rejected(write(tmp_path, "badnumber.csv", content), populated)
    assert expected in message
    assert message.endswith(" (--skip-bad-rows imports the other rows)")


def test_text_in_cost(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER + GOOD[0].replace('"$22,660"', "about a thousand")
    message = rejected(write(tmp_path, "badcost.csv", content), populated)
    assert "line 2, column total_cost (10): 'about a thousand' is not a number" in message


def test_unparseable_date(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER + GOOD[0] + GOOD[1].replace("2/4/2019", "13/45/2019") + GOOD[2]
    message = rejected(write(tmp_path, "baddate.csv", content), populated)
    assert "line 3, column start_date (7): '13/45/2019' is not a valid date" in message


def test_several_bad_rows_are_all_counted(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER + GOOD[0].replace(",2,", ",x,") + GOOD[1].replace(",3,", ",y,") + GOOD[2]
    message = rejected(write(tmp_path, "two.csv", content), populated)
    assert "line 2, column quantity (9)" in message
    assert "(and 1 more bad row, at line 3; --skip-bad-rows imports the other rows)" in message


def test_not_a_workbook(tmp_path: Path, populated: dict[str, int]) -> None:
    path = write(tmp_path, "register.xlsx", HEADER + GOOD[0])
    message = rejected(path, populated, fmt="congress-register", country=None)
    assert "line 1, column 1: not an Excel .xlsx workbook" in message


def test_missing_file(tmp_path: Path, populated: dict[str, int]) -> None:
    message = rejected(tmp_path / "nowhere.csv", populated)
    assert "cannot read the file" in message


def test_unknown_format_and_country() -> None:
    with pytest.raises(ImportFailed, match="unknown import format 'xml'"):
        run_import("xml", Path("x.csv"))
    with pytest.raises(ImportFailed, match="expected an ISO 3166-1 alpha-3 code"):
        run_import("fmtrpt", Path("x.csv"), country="Peru")


def test_skip_bad_rows(tmp_path: Path, populated: dict[str, int], data_dir: Path) -> None:
    content = HEADER + GOOD[0] + GOOD[1].replace(",3,", ",three,") + GOOD[2].replace("5/6/2019", "5/66/2019")
    path = write(tmp_path, "some_bad.csv", content)
    report = run_import("fmtrpt", path, country="PER", skip_bad_rows=True)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert len(report.skipped) == 2
    assert report.skipped[0].startswith("line 3, column quantity (9): 'three' is not a number")
    assert report.skipped[1].startswith("line 4, column start_date (7): '5/66/2019' is not a valid date")
    written = Path(report.report_file)
    assert written.parent == data_dir / "reports" and written.exists()
    text = written.read_text(encoding="utf-8")
    assert "2 row(s) skipped" in text and "line 3, column quantity" in text
    assert "bad rows skipped" in report.summary() and str(written) in report.summary()
    assert Activity.objects.filter(host_country__iso3="PER").count() == 1


def test_unknown_columns_are_reported(tmp_path: Path) -> None:
    content = HEADER.replace("\n", ",reviewer\n") + GOOD[0].replace("\n", ",ana\n")
    report = run_import("fmtrpt", write(tmp_path, "extra.csv", content), country="PER")
    assert report.created == 1 and report.unknown_columns == ["reviewer"]
    assert "unknown columns (not imported): reviewer" in report.summary()
