"""Child process of one extraction: reads the job as JSON on stdin, writes one JSON event per line on stdout.

Run apart so that a time limit can stop a page that never ends and a crash cannot stop the others.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from veeduria.documents.pages import Limits, file_pages


def main() -> int:
    job = json.load(sys.stdin)
    limits = Limits(**job["limits"])
    if limits.memory_mb:
        size = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    try:
        for event in file_pages(Path(job["path"]), job["kind"], limits):
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    except MemoryError:
        sys.stdout.write(json.dumps({"status": "failed", "error": "memory limit reached"}) + "\n")
    except Exception as exc:  # reported as the document's error, never a crash of the caller
        sys.stdout.write(json.dumps({"status": "failed", "error": f"{type(exc).__name__}: {exc}"}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
