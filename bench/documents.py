"""Text extraction benchmark: pages per second of Veeduría's extraction against poppler's ``pdftotext``.

    python bench/documents.py                    # 20 generated PDFs of 50 pages (1,000 pages), 3 rounds
    python bench/documents.py --files 5 --pages 200 --rounds 1

The PDFs are written by the tests' minimal PDF writer (``tests/documents/pdfs.py``: Helvetica text content
streams, 40 lines of Spanish per page). On the same files in the same run, each measured as the best of the
rounds (run one after the other in each round):

* ``pdftotext``: Debian poppler-utils, one process per file writing all its pages (the floor for a C extractor);
* ``pypdf in process``: :func:`veeduria.documents.pages.file_pages` (pypdf's text layer, page by page);
* ``extract``: what ``veeduria documents extract`` runs: one child process (``python -m veeduria.documents.worker``)
  for the whole batch, a job and its JSON events per document, read by the parent with the time limit (no database).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.documents.pdfs import text_pdf  # noqa: E402

TEXT = (
    "el congreso autoriza el ingreso de personal militar extranjero al territorio de la república con armas de "
    "guerra para realizar actividades de cooperación y entrenamiento conjunto durante el periodo indicado"
)
WORDS = TEXT.split()


def make_files(folder: Path, files: int, pages: int) -> list[Path]:
    paths = []
    for f in range(files):
        doc = []
        for p in range(pages):
            lines = [" ".join(WORDS[(f + p + i + j) % len(WORDS)] for j in range(12)) for i in range(40)]
            doc.append([f"Resolución {f}, página {p + 1}", *lines])
        path = folder / f"doc-{f:03d}.pdf"
        path.write_bytes(text_pdf(doc))
        paths.append(path)
    return paths


def timed(run: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    pages = run()
    return time.perf_counter() - start, pages


def run_pdftotext(paths: list[Path]) -> int:
    pages = 0
    for path in paths:
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
        pages += out.stdout.count(b"\f")
    return pages


def run_in_process(paths: list[Path]) -> int:
    from veeduria.documents.pages import Limits, file_pages

    limits = Limits(max_pages=100_000, tesseract="/nonexistent", pdftoppm="/nonexistent")
    return sum(1 for path in paths for event in file_pages(path, "pdf", limits) if "number" in event)


def run_worker(paths: list[Path]) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")
    import django

    django.setup()
    from veeduria.documents.child import Worker
    from veeduria.documents.extraction import limits

    wanted = {**limits(), "tesseract": "/nonexistent"}
    with Worker() as worker:
        return sum(1 for path in paths for event in worker.run(path, "pdf", wanted, 600) if "number" in event)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("pdftotext"):
        print("pdftotext is missing: apt-get install poppler-utils (make system-deps)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="veeduria-bench-docs-") as tmp:
        paths = make_files(Path(tmp), args.files, args.pages)
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.files} PDFs × {args.pages} pages = {args.files * args.pages:,} pages, {size / 1e6:.1f} MB")
        extractors = {
            "pdftotext": run_pdftotext,
            "pypdf in process": run_in_process,
            "extract (child process)": run_worker,
        }
        best: dict[str, tuple[float, int]] = {}
        for _round in range(args.rounds):  # interleaved: a load change on the machine touches every extractor
            for name, func in extractors.items():
                seconds, pages = timed(lambda f=func: f(paths))
                best[name] = min(best.get(name, (seconds, pages)), (seconds, pages))
        floor = best["pdftotext"][0]
        rows = [(name, seconds, pages) for name, (seconds, pages) in best.items()]
    print("| extractor | pages | seconds | pages/s | time / pdftotext |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, pages in rows:
        print(f"| {name} | {pages:,} | {seconds:.2f} | {pages / seconds:,.0f} | {seconds / floor:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
