"""The engine on the real database: bundled data, scenarios loaded on top, recompute after one change, CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from veeduria.cli import main
from veeduria.ingest.dataset import load_folder
from veeduria.oversight.engine import recompute_all, recompute_for
from veeduria.oversight.models import Finding
from veeduria.records.models import Activity

SCENARIOS = """\
- id: scn-outside
  kind: exercise
  name_es: Fuera de plazo
  host_country: per
  start_date: 2023-09-10
  end_date: 2023-09-12
  place: Lima
  place_precision: locality
  personnel_best: 10
  countries: [usa]
  citations: [{source: rl-31757-congreso}]
"""


@pytest.mark.django_db(transaction=True)
def test_bundled_dataset_and_recompute_after_one_change() -> None:
    load_folder(Path(settings.DEFAULT_DATASET_DIR))
    n = recompute_all()
    assert n == Finding.objects.count() > 0
    rs = Activity.objects.get(pk="resolute-sentinel-2023")
    assert not Finding.objects.filter(activity=rs, severity="violation").exists()  # year-precision: undetermined
    rs.start_date = date(2023, 9, 10)
    rs.start_precision = "day"
    rs.end_date = date(2023, 9, 12)
    rs.save()  # the signal recomputes this activity on commit
    assert Finding.objects.filter(activity=rs, rule="outside_window", severity="violation").exists()
    rs.start_date, rs.end_date = date(2023, 7, 1), date(2023, 7, 5)
    rs.save(update_fields=["start_date", "end_date"])
    recompute_for(rs)
    assert not Finding.objects.filter(activity=rs, rule="outside_window").exists()


@pytest.mark.django_db(transaction=True)
def test_cli_exit_codes_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    load_folder(Path(settings.DEFAULT_DATASET_DIR))
    assert main(["oversight", "recompute"]) == 0
    capsys.readouterr()
    assert main(["oversight", "--format", "csv"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("severity,rule,activity,authorization")
    Finding.objects.filter(severity="notice").delete()
    assert main(["oversight", "--severity", "notice", "--format", "json"]) == 0
    assert '"count": 0' in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["oversight", "--severity", "nope"])
    assert exc.value.code == 2
