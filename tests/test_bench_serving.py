"""bench/serving.py: reading wrk's output, the ratios against the issue's targets, and the missing tools named."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/api/v1/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.27ms   10.01ms  76.12ms   70.00%
  Latency Distribution
     50%  850.00us
     75%   25.00ms
     90%   40.00ms
     99%    1.50s
  7347 requests in 10.00s, 1.00MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 12
Requests/sec:    734.70
Transfer/sec:    102.00KB
"""


@pytest.fixture(scope="module")
def serving() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "serving.py"
    spec = importlib.util.spec_from_file_location("bench_serving", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_wrk_output_read_in_milliseconds_with_its_errors(serving: ModuleType) -> None:
    rps, p50, p99, errors = serving.parse_wrk(WRK_OUTPUT)
    assert rps == 734.70
    assert p50 == pytest.approx(0.85)
    assert p99 == pytest.approx(1500.0)
    assert "timeout 3" in errors and "Non-2xx or 3xx responses: 12" in errors


def _results(serving: ModuleType, v_rps: float, v_p99: float) -> list[object]:
    r = serving.Result
    rows = []
    for name in ("list of 100 (JSON)", "one record (JSON)", "text search (JSON)"):
        rows += [r(name, "veeduria serve", "", v_rps, 1.0, v_p99), r(name, "Datasette", "", 100.0, 1.0, 10.0)]
    page = "record page (HTML)"
    rows += [
        r(page, "veeduria serve", "", 60.0, 1.0, 10.0),
        r(page, "Datasette", "", 100.0, 1.0, 10.0),
        r(page, "nginx: publication", "", 400.0, 1.0, 1.0),
        r(page, "nginx: one file (limit)", "", 1000.0, 1.0, 1.0),
    ]
    return rows


def test_targets_met_only_with_enough_throughput_and_no_worse_p99(serving: ModuleType) -> None:
    met = serving.ratios(_results(serving, 150.0, 10.0))
    assert "| list of 100 (JSON): Veeduría / Datasette | 1.50x | 1.00x | ≥ 1.5x, p99 ≤ 1x: met |" in met
    assert "serve / Datasette row page | 0.60x | 1.00x | ≥ 0.50x (2x the 0.25x of the issue): met |" in met
    assert "publication / limit | 0.40x | 1.00x | ≥ 0.50x: missed |" in met
    slow_tail = serving.ratios(_results(serving, 200.0, 11.0))
    assert "| one record (JSON): Veeduría / Datasette | 2.00x | 1.10x | ≥ 1.5x, p99 ≤ 1x: missed |" in slow_tail


def test_missing_tools_named(serving: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(serving, "nginx_path", lambda: None)
    assert serving.missing_tools() == ["wrk", "nginx"]
