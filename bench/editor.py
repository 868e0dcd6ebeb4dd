"""The content owners' workbench: how long its slow steps take.

    python bench/editor.py              # every section
    python bench/editor.py --runs 50

Sections (each a function called from main, so more can be added beside them):
  - diff of two versions of a 100 KB card differing in scattered words: the whole
    card diff (both versions parsed, fields compared, body word by word), the body's
    word diff alone, and the side-by-side rows (target ≤ 50 ms for the card diff)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workaid.core.authoring.versions import diff_raw  # noqa: E402
from workaid.core.content.diff import side_by_side, word_diff  # noqa: E402

_VOCABULARY = (
    "account arrears balance bill billing call card charge check credit customer date days debit direct due "
    "escalate fee first goodwill history late limit manager note offence offer outage paid payment period "
    "plan policy rep refund review senior standing statement supervisor team threshold time waive waiver "
    "within year the a an and or if when then before after on in for to of with without your their this"
)
_WORDS = _VOCABULARY.split()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def line(name: str, ms: list[float], target: str = "") -> str:
    text = f"  {name:<14} n={len(ms):<4} p50 {pct(ms, 50):7.2f} ms   p95 {pct(ms, 95):7.2f} ms   max {max(ms):7.2f} ms"
    return f"{text}   ({target})" if target else text


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # the first run pays for imports and regex compilation, which an open workbench has paid
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def big_card(rng: random.Random, size: int = 100_000) -> str:
    """A guideline card of about `size` bytes: front matter with limits, then headings,
    paragraphs, lists and a table, as a long policy card is written."""
    head = (
        "---\nid: big-policy\nkind: guideline\ntitle: A very long fee policy\ntags: [fees, discretion]\n"
        "owner: billing-team\nreview_by: 2027-03-01\nsummary: Everything about the fee, in one card.\n"
        "discretion:\n  unit: GBP\n  escalate_to: supervisor\n  roles:\n"
        "    - role: rep\n      max_amount: 12\n      per_customer: {count: 1, months: 12}\n"
        "    - role: senior-rep\n      max_amount: 24\n      per_customer: {count: 2, months: 12}\n---\n"
    )
    parts = [head]
    n = 0
    while sum(map(len, parts)) < size:
        n += 1
        kind = n % 7
        if kind == 0:
            parts.append(f"\n## Section {n}\n\n")
        elif kind == 3:
            parts.extend(f"- {' '.join(rng.choices(_WORDS, k=rng.randint(5, 14)))}.\n" for _ in range(4))
        elif kind == 5:
            parts.append("\n| situation | who |\n|---|---|\n")
            parts.extend(f"| {' '.join(rng.choices(_WORDS, k=6))} | {rng.choice(_WORDS)} |\n" for _ in range(3))
        else:
            sentences = [" ".join(rng.choices(_WORDS, k=rng.randint(8, 20))).capitalize() + "." for _ in range(5)]
            parts.append("\n" + " ".join(sentences) + "\n")
    return "".join(parts)


def scattered_edit(rng: random.Random, text: str, edits: int = 40) -> str:
    """`edits` words replaced at random places in the body, and one limit raised."""
    head, sep, body = text.partition("\n---\n")
    words = body.split(" ")
    for _ in range(edits):
        words[rng.randrange(len(words))] = rng.choice(_WORDS).upper()
    return head.replace("max_amount: 24", "max_amount: 28") + sep + " ".join(words)


def bench_diff(runs: int) -> None:
    rng = random.Random(11)
    old = big_card(rng)
    new = scattered_edit(rng, old)
    diff = diff_raw(old, new, "big-policy")
    removed, added = sum(s.op == "delete" for s in diff.body), sum(s.op == "insert" for s in diff.body)
    print(
        f"diff of two versions of a {len(old.encode()) / 1000:.0f} KB card "
        f"({len(old.splitlines())} lines; {removed} removals, {added} additions; fields: {'; '.join(diff.field_lines)})"
    )
    _, _, old_body = old.partition("\n---\n")
    _, _, new_body = new.partition("\n---\n")
    print(line("card diff", timed(lambda: diff_raw(old, new, "big-policy"), runs), "target <= 50 ms"))
    print(line("word diff", timed(lambda: word_diff(old_body, new_body), runs)))
    print(line("side by side", timed(lambda: side_by_side(old_body, new_body), runs)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20, help="timed runs of each step (default 20)")
    args = ap.parse_args()
    bench_diff(args.runs)


if __name__ == "__main__":
    main()
