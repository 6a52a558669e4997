"""Two processes give the same findings as one: the activities split by id, and a real forked worker on a real
SQLite file (an in-memory test database cannot be seen from a second connection)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from veeduria.ingest.dataset import load_folder
from veeduria.oversight import parallel
from veeduria.oversight.engine import iter_activities
from veeduria.records.models import Activity


@pytest.mark.django_db
def test_the_two_parts_are_the_whole() -> None:
    load_folder(Path(settings.DEFAULT_DATASET_DIR))
    whole = list(iter_activities(Activity.objects.all()))
    split = parallel.split_point()
    assert split is not None
    first = list(iter_activities(Activity.objects.all(), (None, split)))
    second = list(iter_activities(Activity.objects.all(), (split, None)))
    assert first and second and first + second == whole
    assert all(a.id < split for a in first) and second[0].id == split


CHILD = """
import json, django
django.setup()
from django.core.management import call_command
from django.conf import settings
from pathlib import Path
from veeduria.ingest.dataset import load_folder
from veeduria.oversight import engine, parallel
from veeduria.oversight.models import Finding

call_command("migrate", verbosity=0)
load_folder(Path(settings.DEFAULT_DATASET_DIR))
fields = ("activity_id", "authorization_id", "rule", "severity", "reason", "values")
out = {}
for name, start_from in (("one", 10**12), ("two", 1)):
    parallel.PARALLEL_FROM = start_from
    out[name + "_used"] = parallel.worth_it()
    out[name + "_n"] = engine.recompute_all()
    out[name] = [list(r) for r in Finding.objects.order_by("pk").values_list(*fields)]
print(json.dumps(out))
"""


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two cores")
def test_a_forked_worker_gives_the_same_findings_in_the_same_order(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    spill = tmp_path / "spill"
    spill.mkdir()
    env.update(VEEDURIA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="veeduria.settings", TMPDIR=str(spill))
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["one_used"] is False and out["two_used"] is True
    assert out["one_n"] == out["two_n"] == len(out["two"]) > 0
    assert out["one"] == out["two"]
    assert not list(spill.iterdir())  # the worker's spill file is removed
