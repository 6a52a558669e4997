"""The extraction child process: reads one job per line (JSON) on stdin, writes one JSON event per line on stdout.

Run apart (see :mod:`.child`) so that a time limit can stop a page that never ends and a crash of the PDF library
cannot stop the others. Every job ends with an event that has a ``status``.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from veeduria.documents.pages import Limits, file_pages


def _write(event: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run(job: dict[str, object]) -> None:
    limits = Limits(**job["limits"])  # type: ignore[arg-type]
    if limits.memory_mb:
        size = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    try:
        for event in file_pages(Path(str(job["path"])), str(job["kind"]), limits):
            _write(event)
    except MemoryError:
        _write({"status": "failed", "error": "memory limit reached"})
    except Exception as exc:  # reported as the document's error, never a crash of the caller
        _write({"status": "failed", "error": f"{type(exc).__name__}: {exc}"})


def main() -> int:
    for line in sys.stdin:
        run(json.loads(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
