"""Search benchmark: the application's ``search()`` (tantivy) against raw SQLite FTS5 on the same generated corpus.

    python bench/search.py                    # 1,000,000 passages
    python bench/search.py --passages 20000   # quicker

The corpus is generated, seeded, from the real texts in the repository (the bundled dataset's YAML, data/README,
the shared research notes when present): half of each passage is real text (runs of consecutive words), half
words drawn from a Zipf distribution over the real vocabulary plus generated inflected forms (at least 50,000
distinct words). Each passage gets a record type, a year, countries and source kinds, like real passages.

Measured: index build time and size for both; latency p50/p95/p99 of 5 query classes (rare words, common words,
two words, phrases, prefixes), top 20 by relevance. The application's search also counts every match and the four
facets and cuts the snippets; FTS5 (a contentless table of PyStemmer-stemmed Spanish and English tokens and
folded words, the same analysis; phrases on the folded words as search() reads them) returns only the top 20
ids by bm25.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path("/work/shared/research/peru-us-facts.md")
SEED = 8
WORD = re.compile(r"[^\W_\d]{2,}")
TYPES = [
    "activities", "authorizations", "agreements", "facilities", "funding", "statements", "legal_norms",
    "facility_uses", "actors", "documents",
]  # fmt: skip
COUNTRIES = ["per", "usa", "col", "bra", "chl", "ecu", "bol", "arg", "mex", "can"]
KINDS = ["official", "press", "dataset", "repository", "leak", "weak"]
SUFFIXES_ES = ["s", "es", "a", "as", "o", "os", "ción", "ciones", "mente", "ado", "ada", "ados", "adas", "ando",
               "aron", "ían", "ista", "istas", "idad", "ero", "era"]  # fmt: skip
SUFFIXES_EN = ["s", "ed", "ing", "er", "ers", "ly", "ness", "ment", "ments", "al"]
QUERIES_PER_CLASS = 40


def real_texts() -> list[str]:
    paths = [*sorted((ROOT / "data" / "peru-us").glob("*.yaml")), ROOT / "data" / "README.md"]
    if RESEARCH.exists():
        paths.append(RESEARCH)
    return [p.read_text(encoding="utf-8") for p in paths]


class Corpus:
    """A seeded generator of passages from the real words."""

    def __init__(self, seed: int = SEED) -> None:
        texts = real_texts()
        self.runs = [w for t in texts for w in WORD.findall(t)]  # real text, in order
        counts = Counter(w.lower() for w in self.runs)
        real = [w for w, _ in counts.most_common()]
        rng = random.Random(seed)
        generated: list[str] = []
        seen = set(real)
        stems = [w for w in real if len(w) > 4]
        while len(seen) < 60_000:
            base = rng.choice(stems)
            cut = base[: rng.randint(3, len(base) - 1)]
            form = cut + rng.choice(SUFFIXES_ES + SUFFIXES_EN)
            if form not in seen:
                seen.add(form)
                generated.append(form)
        self.vocabulary = real + generated
        weights = [1.0 / (rank + 2.7) for rank in range(len(self.vocabulary))]
        self.cum = list(itertools.accumulate(weights))
        self.real_counts = counts
        self.seed = seed

    def passages(self, n: int) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed)
        runs, vocab, cum, total = self.runs, self.vocabulary, self.cum, self.cum[-1]
        for i in range(n):
            length = rng.randint(15, 90)
            start = rng.randrange(0, len(runs) - length)
            real_part = runs[start : start + length // 2]
            drawn = [vocab[bisect.bisect(cum, rng.random() * total)] for _ in range(length - len(real_part))]
            words = real_part + drawn if rng.random() < 0.5 else drawn + real_part
            yield {
                "type": TYPES[i % len(TYPES)],
                "id": f"p{i}",
                "page": rng.randint(1, 40) if i % len(TYPES) == len(TYPES) - 1 else 0,
                "title": " ".join(words[:8]),
                "text": " ".join(words),
                "year": rng.randint(1980, 2025),
                "countries": tuple(rng.sample(COUNTRIES, rng.randint(1, 2))),
                "kinds": (rng.choice(KINDS),),
            }


def queries(corpus: Corpus, doc_freq: Callable[[str], int], n: int) -> dict[str, list[str]]:
    rng = random.Random(SEED + 1)
    from veeduria.search.text import fold

    real = [w for w, _ in corpus.real_counts.most_common() if len(w) > 3]
    common = real[:QUERIES_PER_CLASS]
    tail = corpus.vocabulary[len(corpus.vocabulary) // 2 :]
    rare: list[str] = []
    for word in rng.sample(tail, min(len(tail), 2000)):
        if 1 <= doc_freq(word) <= max(50, n // 2000):  # at most 0.05 % of the passages
            rare.append(word)
        if len(rare) == QUERIES_PER_CLASS:
            break
    middle = real[40:2000]
    runs = corpus.runs
    phrases = []
    while len(phrases) < QUERIES_PER_CLASS:
        i = rng.randrange(len(runs) - 3)
        if all(len(w) > 3 for w in runs[i : i + 2]):
            phrases.append(f'"{runs[i]} {runs[i + 1]}"')
    return {
        "rare word": rare[:QUERIES_PER_CLASS],
        "common word": common,
        "two words": [f"{rng.choice(middle)} {rng.choice(middle)}" for _ in range(QUERIES_PER_CLASS)],
        "phrase": phrases,
        "prefix": [f"{fold(w)[:4]}*" for w in rng.sample(middle, QUERIES_PER_CLASS)],
    }


# -- raw FTS5, the reference -------------------------------------------------------------------------------
def fts5_build(path: Path, corpus: Corpus, n: int) -> float:
    from veeduria.search.text import stem, words

    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(es, en, raw, content='', tokenize='unicode61 remove_diacritics 2')")
    start = time.perf_counter()
    batch = []
    for i, p in enumerate(corpus.passages(n)):
        folded = words(f"{p['title']} {p['text']}")
        batch.append(
            (i + 1, " ".join(stem(w, "spanish") for w in folded), " ".join(stem(w, "english") for w in folded),
             " ".join(folded))
        )  # fmt: skip
        if len(batch) == 10_000:
            db.executemany("INSERT INTO p(rowid, es, en, raw) VALUES (?, ?, ?, ?)", batch)
            batch = []
    db.executemany("INSERT INTO p(rowid, es, en, raw) VALUES (?, ?, ?, ?)", batch)
    db.execute("INSERT INTO p(p) VALUES ('optimize')")
    db.commit()
    db.close()
    return time.perf_counter() - start


def fts5_query(text: str) -> str:
    from veeduria.search.query import parse
    from veeduria.search.text import stem

    parts = []
    for clause in parse(text).clauses:
        if clause.kind == "prefix":
            parts.append(f'raw:"{clause.words[0]}"*')
            continue
        if clause.kind == "phrase":  # the exact words, as search() reads a phrase
            parts.append(f'raw:"{" ".join(clause.words)}"')
            continue
        alternatives = []
        for column, language in (("es", "spanish"), ("en", "english")):
            stems = " ".join(stem(w, language) for w in clause.words)
            alternatives.append(f'{column}:"{stems}"')
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0] * 1000,) * 3 if values else (0.0, 0.0, 0.0)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def timed(function: Callable[[], Any], repeat: int = 3) -> list[float]:
    found = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        found.append(time.perf_counter() - start)
    return found


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--workdir", help="where to build the indexes (default: a temporary directory)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--reuse", action="store_true", help="query the indexes already built in --workdir")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="veeduria-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["VEEDURIA_DATA_DIR"] = str(work / "var")
    os.environ["VEEDURIA_SEARCH_DIR"] = str(work / "tantivy")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from veeduria.search.results import Passage
    from veeduria.search.service import engine, search

    n = args.passages
    corpus = Corpus()
    print(f"vocabulary: {len(corpus.vocabulary):,} distinct words; {n:,} passages; work dir {work}", file=sys.stderr)

    def passages() -> Iterator[Passage]:
        for p in corpus.passages(n):
            yield Passage(p["type"], p["id"], p["page"], p["title"], p["title"], p["text"], p["year"],
                          p["countries"], p["kinds"])  # fmt: skip

    fts_path = work / "fts5.sqlite3"
    tantivy_build = fts_build = float("nan")
    if not args.reuse:
        start = time.perf_counter()
        engine().rebuild(passages())
        tantivy_build = time.perf_counter() - start
    tantivy_size = dir_size(work / "tantivy")
    print(f"tantivy: built in {tantivy_build:.1f} s, {tantivy_size / 1e6:.0f} MB", file=sys.stderr)
    if not args.reuse:
        fts_path.unlink(missing_ok=True)
        fts_build = fts5_build(fts_path, corpus, n)
    fts_size = fts_path.stat().st_size
    print(f"FTS5: built in {fts_build:.1f} s, {fts_size / 1e6:.0f} MB", file=sys.stderr)

    fts = sqlite3.connect(fts_path)

    def doc_freq(word: str) -> int:
        from veeduria.search.text import fold

        return int(fts.execute("SELECT count(*) FROM p WHERE p MATCH ?", (f'raw:"{fold(word)}"',)).fetchone()[0])

    rows = []
    for name, texts in queries(corpus, doc_freq, n).items():
        ours: list[float] = []
        theirs: list[float] = []
        matches = []
        for text in texts:
            match = fts5_query(text)
            if not match:
                continue
            ours += timed(lambda text=text: [h.snippet for h in search(text, limit=20).hits])
            theirs += timed(
                lambda match=match: fts.execute(
                    "SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT 20", (match,)
                ).fetchall()
            )
            matches.append(search(text, limit=1).total)
        o, t = percentiles(ours), percentiles(theirs)
        rows.append({
            "class": name, "queries": len(matches), "median matches": int(statistics.median(matches)),
            "search p50": o[0], "search p95": o[1], "search p99": o[2],
            "fts5 p50": t[0], "fts5 p95": t[1], "fts5 p99": t[2],
        })  # fmt: skip
    print(f"\n{n:,} passages, {len(corpus.vocabulary):,} distinct words")
    print(
        f"build: tantivy {tantivy_build:.1f} s ({tantivy_size / 1e6:.0f} MB), FTS5 {fts_build:.1f} s "
        f"({fts_size / 1e6:.0f} MB); ratio {tantivy_build / fts_build:.2f}x time, {tantivy_size / fts_size:.2f}x size"
    )
    print(
        "| class | queries | median matches | search() p50 / p95 / p99 ms | FTS5 p50 / p95 / p99 ms "
        "| p95 FTS5 / search() |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['class']} | {r['queries']} | {r['median matches']:,} | {r['search p50']:.1f} / "
              f"{r['search p95']:.1f} / {r['search p99']:.1f} | {r['fts5 p50']:.1f} / {r['fts5 p95']:.1f} / "
              f"{r['fts5 p99']:.1f} | {r['fts5 p95'] / r['search p95']:.1f}x |")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps({"passages": n, "rows": rows, "tantivy_build_s": tantivy_build,
                                               "fts5_build_s": fts_build, "tantivy_bytes": tantivy_size,
                                               "fts5_bytes": fts_size}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
