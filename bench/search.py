"""Search speed, keystroke by keystroke, against the bare FTS5 query and a folder scan.

    python bench/search.py                 # generate a 20,000-card folder and measure
    python bench/search.py --folder DIR    # measure on any folder of cards
    python bench/search.py --cards 5000    # smaller generated folder

Prints p50/p95/max per keystroke for:
  ours  - Library.search(), everything a rep sees (ranking, snippets, fallbacks,
          the owners' synonyms: one card in 50 holds groups)
  nosyn - the same with synonym expansion off: what the vocabulary costs
  +sig  - ours plus recording the feedback signal of each keystroke, as the desk does
  bare  - MATCH … ORDER BY bm25 LIMIT 50 with snippet(), each token hand-escaped
  scan  - reading every file in the folder and testing every word (no index)
The import is run as a separate `workaid import` process so its time and peak memory
are its own. Figures only: no pass/fail, these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import QUERIES, SYNONYM_QUERIES, generate  # noqa: E402
from workaid.core.content.library import Library  # noqa: E402
from workaid.core.content.search import parse_query  # noqa: E402
from workaid.core.content.text import fold, words  # noqa: E402
from workaid.core.feedback.signals import SignalRecorder  # noqa: E402
from workaid.core.perf import settle_after_startup  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def line(name: str, ms: list[float]) -> str:
    return f"  {name:<6} n={len(ms):<5} p50 {pct(ms, 50):7.2f} ms   p95 {pct(ms, 95):7.2f} ms   max {max(ms):8.2f} ms"


def timed(lib: Library, keys: list[str], recorder: SignalRecorder | None = None) -> list[float]:
    """Milliseconds per keystroke, each from a cold answer cache (as a rep's new query)."""
    lib.searcher.invalidate()
    out: list[float] = []
    for k in keys:
        t = time.perf_counter()
        response = lib.search(k)
        if recorder is not None:  # what FeedbackService does with each answer, on the GUI thread
            recorder.searched(response.query, len(response.results))
        out.append((time.perf_counter() - t) * 1000)
    if recorder is not None:
        recorder.take(final=True)  # the batch the worker stores
    return out


def keystrokes(queries: list[str]) -> list[str]:
    return [q[:k] for q in queries for k in range(1, len(q) + 1)]


def bare_query(conn, text: str) -> list:
    q = parse_query(text)
    if not q.tokens:
        return []
    expr = " ".join('"' + t.replace('"', '""') + '"' for t in q.tokens) + ("*" if q.prefix else "")
    sql = (
        "SELECT rowid, snippet(cards_fts, 2, '[', ']', '…', 12) FROM cards_fts "
        "WHERE cards_fts MATCH ? ORDER BY bm25(cards_fts, 10.0, 6.0, 1.0) LIMIT 50"
    )
    return conn.execute(sql, [expr]).fetchall()


def scan_folder(folder: Path, text: str) -> list[Path]:
    """What a team without the app does: open every file and look for every word."""
    needles = words(text)
    hits = []
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".md"):
                p = Path(root, name)
                body = fold(p.read_text(encoding="utf-8", errors="replace"))
                if all(n in body for n in needles):
                    hits.append(p)
    return hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, help="measure on this folder instead of a generated one")
    ap.add_argument("--cards", type=int, default=20000)
    ap.add_argument(
        "--scan-samples",
        type=int,
        default=12,
        help="keystrokes timed for the folder scan (each reads the whole folder)",
    )
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="workaid-bench-"))
    try:
        folder = args.folder
        if folder is None:
            folder = work / "cards"
            t = time.perf_counter()
            generate(folder, args.cards)
            print(f"generated {args.cards:,} cards in {time.perf_counter() - t:.1f} s -> {folder}")
        data = work / "data"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "workaid", "--data-dir", str(data), "import", str(folder)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
            raise SystemExit("import failed")
        db_mb = (data / "content.db").stat().st_size / 1e6
        print(
            f"import: {elapsed:.1f} s (target <= 15 s), peak RSS {max(peak, before) / 1024:.0f} MB, database {db_mb:.0f} MB"
        )
        print(f"  {proc.stdout.strip().splitlines()[-1]}")

        lib = Library(data)
        n_cards = lib.status().count
        keys = keystrokes(QUERIES)
        # Warm the page cache the way a desk that has been running would have it.
        for k in keys[:20]:
            lib.search(k)
        lib.searcher.invalidate()
        settle_after_startup()  # as the app does once its window is up

        ours = timed(lib, keys)
        syn_keys = keystrokes(SYNONYM_QUERIES)
        syn_on = timed(lib, syn_keys)
        lib.searcher.expand_synonyms = False
        syn_off = timed(lib, syn_keys)
        nosyn = timed(lib, keys)
        lib.searcher.expand_synonyms = True
        signalled = timed(lib, keys, SignalRecorder())
        bare: list[float] = []
        for k in keys:
            t = time.perf_counter()
            bare_query(lib.store.conn, k)
            bare.append((time.perf_counter() - t) * 1000)
        step = max(1, len(keys) // args.scan_samples)
        scan: list[float] = []
        for k in keys[::step][: args.scan_samples]:
            t = time.perf_counter()
            scan_folder(folder, k)
            scan.append((time.perf_counter() - t) * 1000)

        print(
            f"\nsearch, {len(QUERIES)} queries typed from the first character: {len(keys)} keystrokes over {n_cards:,} cards"
        )
        print(line("ours", ours) + "   (target p95 <= 10 ms)")
        print(line("nosyn", nosyn) + "   (synonym expansion off)")
        print(line("+sig", signalled) + "   (recording each keystroke's signal; target: p95 as ours)")
        print(line("bare", bare))
        print(line("scan", scan) + "   (sampled keystrokes)")
        worst = sorted(zip(ours, keys, strict=False), reverse=True)[:5]
        print("  slowest of ours: " + ", ".join(f"{k!r} {ms:.1f} ms" for ms, k in worst))
        rec = SignalRecorder()
        t = time.perf_counter()
        for i, k in enumerate(keys * 100):
            rec.searched(k, i % 7)
        per_call_us = (time.perf_counter() - t) / (len(keys) * 100) * 1e6
        rec.take(final=True)
        print(f"  recording alone: {per_call_us:.2f} µs a keystroke ({len(keys) * 100:,} calls)")
        n_groups = lib.store.conn.execute("SELECT COUNT(DISTINCT card_id || ':' || group_no) FROM synonyms").fetchone()[
            0
        ]
        print(f"\nsynonym queries {SYNONYM_QUERIES}, {len(syn_keys)} keystrokes, {n_groups:,} groups in the pack:")
        print(line("syn", syn_on) + "   (target p95 <= 10 ms)")
        print(line("nosyn", syn_off) + "   (the same keystrokes without expansion: most find nothing)")
        found = sum(1 for q in SYNONYM_QUERIES if lib.search(q).results)
        lib.searcher.expand_synonyms = False
        lib.searcher.invalidate()
        unfound = sum(1 for q in SYNONYM_QUERIES if lib.search(q).results)
        lib.searcher.expand_synonyms = True
        print(f"  queries with a result: {found} of {len(SYNONYM_QUERIES)} with synonyms, {unfound} without")
        print(
            f"\nratios: bare/ours p50 {pct(bare, 50) / pct(ours, 50):.1f}x, p95 {pct(bare, 95) / pct(ours, 95):.1f}x; "
            f"scan/ours p50 {pct(scan, 50) / pct(ours, 50):.0f}x, p95 {pct(scan, 95) / pct(ours, 95):.0f}x (target >= 20x)"
        )
        lib.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
