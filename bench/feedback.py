"""The owner's report over a big outbox: how long reading it takes, and how much memory.

    python bench/feedback.py                  # 5,000 desks × 30 days (150,000 day files)
    python bench/feedback.py --quick          # 500 desks × 30 days: a smoke run
    python bench/feedback.py --dir DIR        # generate into DIR (kept), or reuse DIR if it holds an outbox
    python bench/feedback.py --desks 2000 --days 14

Generates SHARE/outbox/<desk>/day-<YYYY-MM-DD>.json files as desks write them (format 1:
about 20 no-result queries, 10 abandoned ones, 40 opened cards, a few authority checks
and escalations per file, drawn from a vocabulary with a long tail, so popular queries
repeat across desks and rare ones come from one desk only) and a flags file for one desk
in ten. Then, each in a fresh `python` process (so every module is imported cold and its
peak memory is its own; the files are in the page cache, as on an owner's second run):

  ours  - read_outbox + build_report + report_html, what `workaid report --html` does
  plain - os.scandir over every desk folder, one open/read of each file, nothing parsed
  json  - the plain scan plus json.loads of each file (what any reader must pay at least)

Prints wall time and peak RSS (ru_maxrss of the child) beside the targets (≤ 10 s,
≤ 300 MB) and the ratio ours/plain. Figures only, no pass/fail: these machines are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S, TARGET_MB = 10.0, 300.0
_REASONS = ("beyond my discretion", "customer asked for a manager", "abusive caller", "complaint", "(other)")
_FLAG_REASONS = ("wrong", "unclear", "out-of-date", "missing", "other")
_HEAD_WORDS = (
    "ceo president bbb regulator ombudsman chargeback refund fee waiver late payment direct debit "
    "arrears overdraft complaint manager supervisor escalate goodwill credit outage compensation "
    "cancel contract broadband roaming porting sim upgrade handset repair warranty courier parcel"
)
_TAIL_WORDS = (
    "policy limit form address letter email number time days amount rules process team review "
    "deadline charge notice history request status"
)
_HEADS, _TAILS = _HEAD_WORDS.split(), _TAIL_WORDS.split()


def vocabulary(size: int, seed: int) -> list[str]:
    """`size` distinct queries of one to three words: the first ones are the popular ones."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < size:
        n = rng.choice((1, 2, 2, 3))
        q = " ".join([rng.choice(_HEADS), *rng.sample(_TAILS, n - 1)])
        if rng.random() < 0.1:
            q += f" {rng.choice(('£##', '##', '# days'))}"
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


def _zipf_index(rng: random.Random, n: int) -> int:
    """An index into a list of n, popular ones far more often (roughly Zipf, s≈1)."""
    return min(n - 1, int(n ** rng.random()) - 1)


def generate(share: Path, desks: int, days: int, seed: int = 12) -> int:
    """Write the outbox; returns how many files were written."""
    rng = random.Random(seed)
    queries = vocabulary(4000, seed)
    cards = [f"card-{i:05d}" for i in range(3000)]
    outbox = share / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    last = dt.date(2026, 12, 2)
    written = 0
    for d in range(desks):
        desk = f"{rng.getrandbits(64):016x}"
        folder = outbox / desk
        folder.mkdir()
        for k in range(days):
            day = last - dt.timedelta(days=days - 1 - k)
            no_result: dict[str, int] = {}
            for _ in range(rng.randint(14, 26)):
                q = queries[_zipf_index(rng, len(queries))]
                no_result[q] = no_result.get(q, 0) + 1
            abandoned: dict[str, int] = {}
            for _ in range(rng.randint(5, 15)):
                q = queries[_zipf_index(rng, len(queries))]
                abandoned[q] = abandoned.get(q, 0) + 1
            opens: dict[str, int] = {}
            for _ in range(rng.randint(30, 50)):
                c = cards[_zipf_index(rng, len(cards))]
                opens[c] = opens.get(c, 0) + rng.randint(1, 4)
            authority = {
                cards[_zipf_index(rng, 200)]: {
                    "within": rng.randint(0, 8),
                    "escalate": rng.randint(0, 3),
                    "refer": rng.randint(0, 1),
                }
                for _ in range(rng.randint(2, 6))
            }
            escalations = []
            for _ in range(rng.randint(0, 4)):
                level = rng.randint(1, 4)
                escalations.append(
                    {
                        "level": level,
                        "reason": rng.choice(_REASONS),
                        "recommended": rng.choice((None, max(1, level - 1), level)),
                        "cards": [cards[_zipf_index(rng, 200)]],
                        "n": 1,
                    }
                )
            body = {
                "format": 1,
                "type": "day",
                "desk": desk,
                "day": day.isoformat(),
                "serial": 40 + k // 7,
                "searches_no_result": no_result,
                "searches_abandoned": abandoned,
                "searches": sum(no_result.values()) + sum(abandoned.values()) + rng.randint(20, 80),
                "opens": opens,
                "authority": authority,
                "escalations": escalations,
            }
            (folder / f"day-{day.isoformat()}.json").write_text(json.dumps(body), encoding="utf-8")
            written += 1
        if d % 10 == 0:
            flags = [
                {
                    "id": f"{rng.getrandbits(128):032x}",
                    "card": cards[_zipf_index(rng, 300)],
                    "version": rng.randint(1, 5),
                    "reason": rng.choice(_FLAG_REASONS),
                    "comment": rng.choice(("", "the £## limit is not clear", "says # days, the policy says ##")),
                    "at": f"{last.isoformat()}T10:{rng.randint(10, 59)}:00Z",
                }
                for _ in range(rng.randint(1, 3))
            ]
            stamp = f"{last:%Y%m%d}T101500Z"
            body = {"format": 1, "type": "flags", "desk": desk, "written_at": f"{last}T10:15:00Z", "flags": flags}
            (folder / f"flags-{stamp}-{rng.getrandbits(24):06x}.json").write_text(json.dumps(body), encoding="utf-8")
            written += 1
    return written


# -- what the child processes run ------------------------------------------------------

_OURS = """
import datetime as dt, sys, time, resource
from pathlib import Path
t0 = time.perf_counter()
from workaid.core.feedback.outbox_read import read_outbox
from workaid.core.feedback.report import build_report, report_html
share = Path(sys.argv[1])
data = read_outbox(share)
t1 = time.perf_counter()
report = build_report(data, {}, {}, dt.date(2026, 12, 3))
t2 = time.perf_counter()
html = report_html(report)
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest reading process
print(f"{t3 - t0:.3f} {peak:.1f} {t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {data.day_records} {len(data.flags)} {len(html)} {child:.1f}")
"""

_PLAIN = """
import json, os, sys, time, resource
t0 = time.perf_counter()
parse = sys.argv[2] == "json"
outbox = os.path.join(sys.argv[1], "outbox")
n = size = 0
with os.scandir(outbox) as desks:
    for desk in desks:
        with os.scandir(desk.path) as files:
            for f in files:
                with open(f.path, "rb") as fh:
                    raw = fh.read()
                if parse:
                    json.loads(raw)
                n += 1
                size += len(raw)
t1 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{t1 - t0:.3f} {peak:.1f} {n} {size}")
"""


def _child(code: str, *argv: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"the measured process failed:\n{out.stderr}")
    return out.stdout.split()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="500 desks: a smoke run")
    ap.add_argument("--desks", type=int, help="how many desks (default 5,000; 500 with --quick)")
    ap.add_argument("--days", type=int, default=30, help="days of files per desk (default 30)")
    ap.add_argument("--dir", type=Path, help="generate into this folder and keep it (reused when it has an outbox)")
    ap.add_argument("--runs", type=int, default=2, help="runs of each measurement; the best is shown (default 2)")
    args = ap.parse_args()
    desks = args.desks or (500 if args.quick else 5000)

    tmp = None
    if args.dir is not None:
        share = args.dir
    else:
        tmp = Path(tempfile.mkdtemp(prefix="workaid-bench-feedback-"))
        share = tmp / "share"
    try:
        if (share / "outbox").is_dir():
            files = sum(len(os.listdir(share / "outbox" / d)) for d in os.listdir(share / "outbox"))
            print(f"Reusing {share}: {files:,} files")
        else:
            t = time.perf_counter()
            files = generate(share, desks, args.days)
            print(f"Generated {files:,} files ({desks:,} desks × {args.days} days) in {time.perf_counter() - t:.1f} s")
        size = sum(f.stat().st_size for d in (share / "outbox").iterdir() for f in d.iterdir())
        print(f"  {size / 1e6:.1f} MB in all, {size / max(files, 1) / 1024:.1f} KiB a file on average\n")

        plain = min((_child(_PLAIN, str(share), "plain") for _ in range(args.runs)), key=lambda r: float(r[0]))
        parsed = min((_child(_PLAIN, str(share), "json") for _ in range(args.runs)), key=lambda r: float(r[0]))
        ours = min((_child(_OURS, str(share)) for _ in range(args.runs)), key=lambda r: float(r[0]))
        total, peak, read_s, build_s, html_s, records, flags, html_len, child = ours
        print(f"  {'':<6} {'time':>9} {'peak RSS':>10}")
        print(
            f"  {'ours':<6} {float(total):8.2f}s {float(peak):8.0f}MB   (target ≤ {TARGET_S:.0f} s, ≤ {TARGET_MB:.0f} MB); "
            f"each reading process ≤ {float(child):.0f} MB"
        )
        print(f"  {'plain':<6} {float(plain[0]):8.2f}s {float(plain[1]):8.0f}MB   open + read of every file")
        print(f"  {'json':<6} {float(parsed[0]):8.2f}s {float(parsed[1]):8.0f}MB   open + read + json.loads")
        print(
            f"\n  ours: read_outbox {float(read_s):.2f} s (imports included), build_report {float(build_s):.2f} s, "
            f"report_html {float(html_s):.2f} s; {int(records):,} day records, {int(flags):,} flags, "
            f"{int(html_len) / 1024:.0f} KiB of HTML"
        )
        print(
            f"  ratio ours/plain {float(total) / float(plain[0]):.1f}×, ours/json {float(total) / float(parsed[0]):.1f}×"
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
