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
        ("³", "line 3, column quantity (9): '³' is not a number"),
        ("٣", "line 3, column quantity (9): '٣' is not a number"),
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
    assert Activity.objects.filter(countries__iso3="PER").count() == 1  # the trainees' country


def test_unknown_columns_are_reported(tmp_path: Path) -> None:
    content = HEADER.replace("\n", ",reviewer\n") + GOOD[0].replace("\n", ",ana\n")
    report = run_import("fmtrpt", write(tmp_path, "extra.csv", content), country="PER")
    assert report.created == 1 and report.unknown_columns == ["reviewer"]
    assert "unknown columns (not imported): reviewer" in report.summary()


# -- values the database cannot hold or the rules refuse (veeduria.evidence.cleaning) -----------------------------

HUGE = "1" + "0" * 30


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            ',"$30,000",',
            f",${HUGE},",
            f"line 3, column total_cost (10): {HUGE} has more than 16 digits before the decimal point",
        ),
        (',"$30,000",', ",Infinity,", "line 3, column total_cost (10): 'Infinity' is not a number"),
        (',"$30,000",', ",12345678901234567.5,", "has more than 16 digits before the decimal point"),
        (",3,", ",3000000000,", "line 3, column quantity (9): 3000000000 is out of range (0 to 2147483647)"),
        (',"$30,000",', ',"$3²",', "line 3, column total_cost (10): '$3²' is not an amount"),
        (',"$30,000",', ",123456789012345678901234567890,", "line 3, column total_cost (10): "),
        (',"$30,000",', ",1234567890123456789012345678901234567890.5,", "line 3, column total_cost (10): "),
        (",3,", ",123456789012345678901234567890,", "line 3, column quantity (9): "),
    ],
)
def test_values_beyond_the_fields_limits(
    tmp_path: Path, populated: dict[str, int], old: str, new: str, expected: str
) -> None:
    assert old in GOOD[1]
    content = HEADER + GOOD[0] + GOOD[1].replace(old, new) + GOOD[2]
    message = rejected(write(tmp_path, "limits.csv", content), populated)
    assert expected in message


def test_bad_value_row_is_skipped_with_skip_bad_rows(tmp_path: Path, populated: dict[str, int]) -> None:
    content = HEADER + GOOD[0] + GOOD[1].replace(',"$30,000",', f",{HUGE},") + GOOD[2]
    report = run_import("fmtrpt", write(tmp_path, "skip.csv", content), country="PER", skip_bad_rows=True)
    assert report.created == 2 and len(report.skipped) == 1
    assert report.skipped[0].startswith("line 3, column total_cost (10): ")


def test_nan_cost_is_unknown(tmp_path: Path, populated: dict[str, int]) -> None:
    """'NaN' in a CSV cell is how data sets write a missing value: unknown, never a number."""
    content = HEADER + GOOD[1].replace(',"$30,000",', ",NaN,")
    run_import("fmtrpt", write(tmp_path, "nan.csv", content), country="PER")
    course = Activity.objects.get(pk__startswith="fmtrpt-per-", name_es__contains="NAVAL ENGINEERING")
    assert course.cost is None and course.currency == ""


def test_training_end_before_start_keeps_the_course_without_its_end(tmp_path: Path, populated: dict[str, int]) -> None:
    """The published reports contain such typos: the course is kept, its end left empty, the report's value
    in the reading notes."""
    content = HEADER + GOOD[0].replace("6/14/2019", "1/6/2019")
    run_import("fmtrpt", write(tmp_path, "ends.csv", content), country="PER")
    course = Activity.objects.get(pk__startswith="fmtrpt-per-", name_es__contains="BASIC OFFICER")
    assert (course.start_date.isoformat(), course.end_date, course.end_precision) == ("2019-01-07", None, "unknown")
    assert "end date 2019-01-06 is before start date 2019-01-07 in the report; end date left empty" in (
        course.description_en
    )


MME_HEADER = (
    "MMEID,Ex_Name,Series_Name,Location,lat,lon,StartDate,s.year,s.month,s.day,EndDate,e.year,e.month,e.day,"
    "CPX,Air,Land,Sea,Amphibious,Cyber,Warfighting,Peacekeeping,Humanitarian,FocusDescription,"
    "AdditionalParticipantInfo,StateA,StateB,StateC\n"
)
MME_ROW = (
    "mme9001,Fuerzas Aliadas Humanitarias 2008,FAHUM,Guayaquil,-2.19,-79.88,2008-04-xx,2008,4,xx,2008-04-xx,"
    "2008,4,xx,0,0,1,0,0,0,0,0,1,disaster response,,Ecuador,United States,Colombia\n"
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2008-04-xx,2008,4,xx,0", "2008-03-xx,2008,3,xx,0", "column EndDate (11): 2008-03-01 is before 'start_date'"),
        (",-2.19,", ",-92.19,", "line 2, column lat (5): -92.19 is out of range (-90 to 90)"),
        (",-79.88,", ",-279.88,", "line 2, column lon (6): -279.88 is out of range (-180 to 180)"),
        (",-79.88,", ",Infinity,", "line 2, column lon (6): 'Infinity' is not a number"),
    ],
)
def test_exercise_dates_and_coordinates(
    tmp_path: Path, populated: dict[str, int], old: str, new: str, expected: str
) -> None:
    assert MME_ROW.count(old) == 1
    row = MME_ROW.replace(old, new)
    message = rejected(write(tmp_path, "mme_ECU.csv", MME_HEADER + row), populated, fmt="mme", country="ECU")
    assert expected in message


def test_exercise_end_in_the_start_month_is_accepted(tmp_path: Path, populated: dict[str, int]) -> None:
    """A start on the 12th and an end known only to the month of the start are in order."""
    row = MME_ROW.replace("2008-04-xx,2008,4,xx,2008-04-xx", "2008-04-12,2008,4,12,2008-04-xx")
    report = run_import("mme", write(tmp_path, "mme_ECU.csv", MME_HEADER + row), country="ECU")
    assert report.created == 1


def test_register_published_before_promulgated(tmp_path: Path, populated: dict[str, int]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NORMA", "NÚMERO", "DENOMINACIÓN", "PROMULGACIÓN", "PUBLICACIÓN", "ENLACES"])
    title = "RESOLUCIÓN LEGISLATIVA QUE AUTORIZA EL INGRESO DE UNIDADES NAVALES Y PERSONAL MILITAR DE ESTADOS UNIDOS"
    sheet.append(["RESOLUCION LEGISLATIVA", "31999", title, "10/05/2023", "09/05/2023", ""])
    path = tmp_path / "register.xlsx"
    book.save(path)
    message = rejected(path, populated, fmt="congress-register", country=None)
    assert "line 2, column" in message and "2023-05-09 is before 'promulgated_on' (2023-05-10)" in message
