"""Child process of one extraction: reads the job as JSON on stdin, writes one JSON event per line on stdout.

Run apart so that a time limit can stop a page that never ends and a crash cannot stop the others.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from veeduria.documents.pages import Limits, file_pages


def main() -> int:
    job = json.load(sys.stdin)
    limits = Limits(**job["limits"])
    try:
        for event in file_pages(Path(job["path"]), job["kind"], limits):
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    except Exception as exc:  # reported as the document's error, never a crash of the caller
        sys.stdout.write(json.dumps({"status": "failed", "error": f"{type(exc).__name__}: {exc}"}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
