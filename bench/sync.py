"""Publishing and syncing over a 20,000-card share: time and bytes read.

    python bench/sync.py               # 20,000 generated cards
    python bench/sync.py --cards 5000

Prints, for ours and for a naive desk that re-reads every file in the share:
  - first publish of the whole folder, and a publish changing 100 cards (targets: ≤ 1 s)
  - a desk's first full sync (target ≤ 20 s)
  - a poll when nothing changed (target ≤ 20 ms median), bytes read
  - a desk's sync of the 100-card change (target ≤ 1 s), bytes read
The share is a local folder; on a network share the bytes read are what scale
with the number of desks, so they are printed beside the times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402
from workaid.core.content.library import Library  # noqa: E402
from workaid.core.distribution import keys, pack  # noqa: E402
from workaid.core.distribution.share import FolderShare  # noqa: E402
from workaid.core.distribution.sync import Syncer  # noqa: E402


def naive_poll(share: Path) -> tuple[float, int]:
    """A desk without pointer/manifest: read every file on the share to see what changed."""
    t = time.perf_counter()
    total = 0
    for root, _, files in os.walk(share):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                total += len(fh.read())
    return time.perf_counter() - t, total


def mb(n: int) -> str:
    return f"{n / 1e6:,.2f} MB" if n >= 100_000 else f"{n:,} B"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cards", type=int, default=20000)
    ap.add_argument("--polls", type=int, default=50)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="workaid-syncbench-"))
    try:
        src, share = work / "src", work / "share"
        generate(src, args.cards)
        key = keys.load_private_key(keys.generate(work / "keys")[0])
        pub = key.public_key()

        t = time.perf_counter()
        r = pack.publish(src, share, key, note="initial", author="bench")
        first_publish = time.perf_counter() - t
        print(f"share: {args.cards:,} cards; first publish {first_publish:.1f} s (serial {r.serial})")

        desk = Library(work / "desk", bundled=work / "no-bundled-content")
        source = FolderShare(share)
        syncer = Syncer(desk, source, [pub])
        t = time.perf_counter()
        full = syncer.sync_once()
        first_sync = time.perf_counter() - t
        print(
            f"first full sync:   {first_sync:6.2f} s   (target <= 20 s)  read {mb(full.bytes_read)} in {full.reads:,} reads"
        )

        polls, poll_bytes = [], 0
        for _ in range(args.polls):
            t = time.perf_counter()
            res = syncer.sync_once()
            polls.append((time.perf_counter() - t) * 1000)
            poll_bytes = res.bytes_read
        naive_t, naive_b = naive_poll(share)
        print(
            f"no-change poll:    {statistics.median(polls):6.2f} ms median, p95 {sorted(polls)[int(len(polls) * 0.95)]:.2f} ms "
            f"(target <= 20 ms)  read {mb(poll_bytes)}"
        )
        print(
            f"  naive poll (re-read the share): {naive_t * 1000:8.0f} ms, read {mb(naive_b)}  "
            f"-> ours reads {naive_b / max(poll_bytes, 1):,.0f}x fewer bytes, {naive_t * 1000 / statistics.median(polls):,.0f}x faster"
        )

        # A content owner edits 100 cards.
        files = sorted(src.rglob("*.md"))[:: max(1, len(list(src.rglob("*.md"))) // 100)][:100]
        for f in files:
            f.write_text(f.read_text(encoding="utf-8") + "\nUpdated paragraph for this bench.\n", encoding="utf-8")
        t = time.perf_counter()
        r = pack.publish(src, share, key, note="100 edits", author="bench")
        delta_publish = time.perf_counter() - t
        print(
            f"publish 100 changed cards: {delta_publish:6.2f} s (target <= 1 s), serial {r.serial}, {len(r.changed)} changed"
        )
        t = time.perf_counter()
        delta = syncer.sync_once()
        delta_sync = time.perf_counter() - t
        print(
            f"desk sync of it:   {delta_sync:6.2f} s   (target <= 1 s)  read {mb(delta.bytes_read)} in {delta.reads} reads, "
            f"{delta.objects_fetched} objects fetched"
        )
        manifest_size = (share / f"manifests/{r.serial}.json").stat().st_size
        naive_t, naive_b = naive_poll(share)
        print(
            f"  for scale: whole manifest {mb(manifest_size)}; naive delta (re-read the share) {naive_t:.2f} s, {mb(naive_b)} "
            f"-> ours reads {naive_b / max(delta.bytes_read, 1):,.0f}x fewer bytes"
        )
        print(
            f"  5,000 desks x this change: ours {mb(5000 * delta.bytes_read)} from the share; "
            f"whole-manifest desks {mb(5000 * (manifest_size + delta.bytes_read))}; naive {mb(5000 * naive_b)}"
        )
        desk.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
