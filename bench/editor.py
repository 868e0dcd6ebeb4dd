"""The content owners' workbench: how long its slow steps take.

    python bench/editor.py                     # every section (a few minutes on 2 cores)
    python bench/editor.py --quick             # smaller folders, fewer runs (under a minute)
    python bench/editor.py --sections typing,diff
    python bench/editor.py --runs 50 --open-cards 5000

Sections (each a function called from main, so more can be added beside them):
  - open: the workbench on a 20,000-card source folder, offscreen: from constructing
    WorkbenchWindow to its first paint, to the card list filled (the `scanned` signal),
    and to the list's first paint after that; beside a plain scan of the same folder
    (workaid.core.content.folder.load_folder) and the catalog scan the window runs on
    its worker (workaid.core.authoring.catalog.scan). The process has opened one
    workbench before (Qt, fonts and our modules loaded), as when the main window
    offers it; a cold `workaid edit` adds the process start that bench/startup.py measures
  - typing: a ~20 KB guideline (a discretion table and a long body) open in a workbench
    on the same folder; each keystroke inserts one character in the source editor and
    calls window.revalidate() directly, which is what the debounce timer calls (parse,
    problems, the list row, the preview render, then the form and the desk panel through
    `textParsed`), then lets Qt paint; beside parse_card alone (target p95 <= 30 ms)
  - diff: two versions of a 100 KB card differing in scattered words: the whole card
    diff (both versions parsed, fields compared, body word by word), the body's word
    diff alone, and the side-by-side rows (target <= 50 ms for the card diff)
  - publish: 100 changed cards in a 2,000-card folder, to a local share: the workbench's
    way (plan_publish, which the publish dialog shows first, then pack.publish, with the
    key loaded from its file) against the CLI's way, both in this process (pack.publish
    alone, as `workaid publish` calls it) and as a `python -m workaid publish` process
Figures only, no pass/fail: these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Before anything imports Qt: the workbench is measured offscreen, with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.corpus import generate  # noqa: E402
from workaid.core.authoring.catalog import scan  # noqa: E402
from workaid.core.authoring.publishing import plan_publish  # noqa: E402
from workaid.core.authoring.versions import diff_raw  # noqa: E402
from workaid.core.content.cards import parse_card  # noqa: E402
from workaid.core.content.diff import side_by_side, word_diff  # noqa: E402
from workaid.core.content.folder import load_folder  # noqa: E402
from workaid.core.distribution import keys, pack  # noqa: E402
from workaid.ui.workbench import window as window_module  # noqa: E402
from workaid.ui.workbench.window import WorkbenchWindow  # noqa: E402

_VOCABULARY = (
    "account arrears balance bill billing call card charge check credit customer date days debit direct due "
    "escalate fee first goodwill history late limit manager note offence offer outage paid payment period "
    "plan policy rep refund review senior standing statement supervisor team threshold time waive waiver "
    "within year the a an and or if when then before after on in for to of with without your their this"
)
_WORDS = _VOCABULARY.split()
SECTIONS = ("open", "typing", "diff", "publish")
WAIT_S = 300  # the longest a window may take to fill its list before the bench gives up


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def line(name: str, ms: list[float], target: str = "") -> str:
    text = f"  {name:<24} n={len(ms):<4} p50 {pct(ms, 50):7.2f} ms   p95 {pct(ms, 95):7.2f} ms   max {max(ms):7.2f} ms"
    return f"{text}   ({target})" if target else text


def runs_line(name: str, ms: list[float], target: str = "") -> str:
    """A step measured a few times, each run a long one: the median and every run."""
    text = f"  {name:<34} {statistics.median(ms):8.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in ms)})"
    return f"{text}   ({target})" if target else text


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # the first run pays for imports and regex compilation, which an open workbench has paid
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


# -- generated content ---------------------------------------------------------------------
def _policy_body(rng: random.Random, parts: list[str], size: int) -> str:
    """Headings, paragraphs, lists and tables appended to `parts` until about `size` bytes."""
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
    return _policy_body(rng, [head], size)


def typing_card(rng: random.Random, size: int = 20_000) -> str:
    """A fee guideline of about `size` bytes as the bundled ones are written: a discretion
    table with conditions, the generated limits table, then a long body."""
    head = (
        "---\nid: typing-fee-policy\nkind: guideline\ntitle: Waiving the account fee\n"
        "tags: [fees, discretion, billing]\nowner: billing-team\nreview_by: 2027-03-01\n"
        "summary: A rep may waive one fee a year for a first offence on an account in good standing.\n"
        "discretion:\n  unit: GBP\n  escalate_to: supervisor\n  roles:\n"
        "    - role: rep\n      max_amount: 12\n      per_customer: {count: 1, months: 12}\n"
        "      conditions: [first-offence, account-in-good-standing]\n"
        "    - role: senior-rep\n      max_amount: 24\n      per_customer: {count: 2, months: 12}\n"
        "      conditions: [account-in-good-standing]\n"
        "    - role: team-lead\n      max_amount: 60\n      per_customer: {count: 3, months: 12}\n---\n"
        "The account fee is **£12**. If the request fits your row below, waive it on the call and note it.\n\n"
        "## Your limits\n\n{{limits}}\n"
    )
    return _policy_body(rng, [head], size)


def scattered_edit(rng: random.Random, text: str, edits: int = 40) -> str:
    """`edits` words replaced at random places in the body, and one limit raised."""
    head, sep, body = text.partition("\n---\n")
    words = body.split(" ")
    for _ in range(edits):
        words[rng.randrange(len(words))] = rng.choice(_WORDS).upper()
    return head.replace("max_amount: 24", "max_amount: 28") + sep + " ".join(words)


class Folders:
    """The generated source folders, made once and shared by the sections that need them."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self._made: dict[tuple[str, int], Path] = {}

    def cards(self, name: str, count: int) -> Path:
        key = (name, count)
        if key not in self._made:
            folder = self.work / f"{name}-{count}"
            t = time.perf_counter()
            generate(folder, count)
            print(f"(generated {count:,} cards in {time.perf_counter() - t:.1f} s)")
            self._made[key] = folder
        return self._made[key]


# -- the window, offscreen -------------------------------------------------------------------
def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0]])
    return app


class FirstPaint(QObject):
    """Notes when a widget first paints (after `after` was noted, when given)."""

    def __init__(self, marks: dict[str, float], name: str, after: str | None = None) -> None:
        super().__init__()
        self.marks, self.name, self.after = marks, name, after

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and self.name not in self.marks
            and (self.after is None or self.after in self.marks)
        ):
            self.marks[self.name] = time.perf_counter()
        return False


def wait_for(done: Callable[[], bool], what: str) -> None:
    """Run Qt's event loop (as the app would be, idle between events) until `done()`."""
    give_up = time.perf_counter() + WAIT_S
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(5)  # only decides when to stop: the times are noted by the signals themselves
    poll.timeout.connect(lambda: loop.quit() if done() or time.perf_counter() > give_up else None)
    poll.start()
    loop.exec()
    poll.stop()
    if not done():
        raise SystemExit(f"the workbench did not {what} within {WAIT_S} s")


def open_window(folder: Path, data: Path) -> tuple[WorkbenchWindow, dict[str, float]]:
    """A shown workbench on `folder` with its list filled and painted; the moments it got there."""
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    w = WorkbenchWindow(folder, data)
    marks["built"] = time.perf_counter()
    w.scanned.connect(lambda: marks.setdefault("scanned", time.perf_counter()))
    filters = [FirstPaint(marks, "painted"), FirstPaint(marks, "list painted", after="scanned")]
    w.installEventFilter(filters[0])
    w.card_list.viewport().installEventFilter(filters[1])
    w.show()
    wait_for(lambda: "painted" in marks and "list painted" in marks, "fill and paint its card list")
    w.removeEventFilter(filters[0])
    w.card_list.viewport().removeEventFilter(filters[1])
    return w, {k: (v - t0) * 1000 for k, v in marks.items()}


def close_window(w: WorkbenchWindow) -> None:
    w.ask_unsaved = lambda _path: window_module.DISCARD  # a modal question would block the bench
    w.close()
    w.deleteLater()
    application().processEvents()


# -- sections ----------------------------------------------------------------------------------
def bench_open(folders: Folders, cards: int, runs: int) -> None:
    application()
    folder = folders.cards("cards", cards)
    data = folders.work / "owner-data"
    # One workbench opened and closed first, on a small folder: Qt, its fonts, our modules.
    w, _ = open_window(folders.cards("warm-up", 20), data)
    close_window(w)
    load_folder(folder)  # the page cache warm for both, as for a folder the owner works in
    plain, catalog, built, painted, filled, shown = [], [], [], [], [], []
    for _ in range(runs):  # interleaved, so machine noise hits each alike
        t = time.perf_counter()
        result = load_folder(folder)
        plain.append(since(t))
        t = time.perf_counter()
        scan(folder)
        catalog.append(since(t))
        w, marks = open_window(folder, data)
        built.append(marks["built"])
        painted.append(marks["painted"])
        filled.append(marks["scanned"])
        shown.append(marks["list painted"])
        n_rows = w.model.rowCount()
        close_window(w)
    print(
        f"\nopening the workbench on {len(result.cards):,} cards ({len(result.problems)} problems; "
        f"{n_rows:,} rows listed), offscreen, {runs} run(s)"
    )
    print(runs_line("plain scan (load_folder)", plain, "the baseline"))
    print(runs_line("catalog scan (the worker's job)", catalog))
    print(runs_line("window: constructed", built))
    print(runs_line("window: first paint", painted))
    print(runs_line("window: card list filled", filled))
    print(runs_line("window: list painted", shown))
    base = statistics.median(plain)
    print(
        f"  ratios to the plain scan (medians): list filled {statistics.median(filled) / base:.2f}x, "
        f"list painted {statistics.median(shown) / base:.2f}x, catalog scan {statistics.median(catalog) / base:.2f}x "
        "(no target in the issue)"
    )


def bench_typing(folders: Folders, cards: int, keystrokes: int) -> None:
    app = application()
    folder = folders.cards("cards", cards)
    text = typing_card(random.Random(3))
    rel = "owners/typing-fee-policy.md"
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        w, _ = open_window(folder, folders.work / "typing-data")
        if not w.open_card(rel) or w.parsed is None or w.parsed.card is None:
            raise SystemExit(f"the typing card did not open cleanly: {w.parsed and w.parsed.problems}")
        app.processEvents()
        w.tabs.setCurrentIndex(0)  # the Source tab, where the owner types

        # Time the parts of revalidate by wrapping what it calls (instance attributes and the
        # module's own name for the parser), so the remainder is the form, the desk panel
        # and the list row.
        parts: dict[str, list[float]] = {"parse": [], "problems": [], "preview": []}

        def spy(fn: Callable[..., object], bucket: list[float]) -> Callable[..., object]:
            def wrapper(*args: object, **kwargs: object) -> object:
                t = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    bucket.append(since(t))

            return wrapper

        module: Any = window_module  # patched here only, and put back after typing
        patched: Any = w
        real_parse = module.parse_card
        module.parse_card = spy(real_parse, parts["parse"])
        patched._show_problems = spy(w._show_problems, parts["problems"])
        patched.preview.show_card = spy(w.preview.show_card, parts["preview"])

        # Type into a body paragraph half way down: the card stays valid, so every keystroke
        # renders a new preview.
        at = text.index("\n", len(text) // 2) - 1
        typed = ("and waive the fee once " * (keystrokes // 20 + 2))[:keystrokes]
        cursor = w.editor.textCursor()
        cursor.setPosition(at)
        w.editor.setTextCursor(cursor)
        w.editor.setFocus()
        insert, update, paint, total, texts = [], [], [], [], []
        for ch in typed:
            t0 = time.perf_counter()
            w.editor.insertPlainText(ch)
            t1 = time.perf_counter()
            w.revalidate()
            t2 = time.perf_counter()
            app.processEvents()  # the repaint: editor, preview layout, form
            t3 = time.perf_counter()
            insert.append((t1 - t0) * 1000)
            update.append((t2 - t1) * 1000)
            paint.append((t3 - t2) * 1000)
            total.append((t3 - t0) * 1000)
            texts.append(w.editor.toPlainText().encode("utf-8"))
        module.parse_card = real_parse
        problems = len(w.parsed.problems) if w.parsed else -1
        close_window(w)
    finally:
        path.unlink()
    rest = [
        u - p - q - r for u, p, q, r in zip(update, parts["parse"], parts["problems"], parts["preview"], strict=True)
    ]
    bare = []
    for raw in texts:
        t = time.perf_counter()
        parse_card(raw, rel)
        bare.append(since(t))
    print(
        f"\nper-keystroke preview update: {len(typed)} keystrokes into a {len(text.encode()) / 1000:.0f} KB guideline "
        f"({len(text.splitlines())} lines, discretion table, {{{{limits}}}}) in a workbench on {cards:,} cards; "
        f"problems at the end: {problems}"
    )
    print(line("revalidate()", update, "target p95 <= 30 ms"))
    print(line("  of which parse", parts["parse"]))
    print(line("  of which problems", parts["problems"]))
    print(line("  of which preview", parts["preview"]))
    print(line("  rest (form, desk, row)", rest))
    print(line("insert the character", insert))
    print(line("paint after it", paint))
    print(line("keystroke in all", total))
    print(line("parse_card alone", bare, "the baseline"))
    print(
        f"  ratio revalidate/parse_card: p50 {pct(update, 50) / pct(bare, 50):.1f}x, "
        f"p95 {pct(update, 95) / pct(bare, 95):.1f}x"
    )


def bench_diff(runs: int) -> None:
    rng = random.Random(11)
    old = big_card(rng)
    new = scattered_edit(rng, old)
    diff = diff_raw(old, new, "big-policy")
    removed, added = sum(s.op == "delete" for s in diff.body), sum(s.op == "insert" for s in diff.body)
    print(
        f"\ndiff of two versions of a {len(old.encode()) / 1000:.0f} KB card "
        f"({len(old.splitlines())} lines; {removed} removals, {added} additions; fields: {'; '.join(diff.field_lines)})"
    )
    _, _, old_body = old.partition("\n---\n")
    _, _, new_body = new.partition("\n---\n")
    print(line("card diff", timed(lambda: diff_raw(old, new, "big-policy"), runs), "target <= 50 ms"))
    print(line("word diff", timed(lambda: word_diff(old_body, new_body), runs)))
    print(line("side by side", timed(lambda: side_by_side(old_body, new_body), runs)))


def bench_publish(folders: Folders, cards: int, changed: int, runs: int) -> None:
    work = folders.work / "publish"
    src, share = work / "src", work / "share"
    shutil.copytree(folders.cards("publish", cards), src)
    private_path, public_path = keys.generate(work / "keys")
    public = keys.load_public_key(public_path)
    t = time.perf_counter()
    pack.publish(src, share, keys.load_private_key(private_path), note="initial", author="bench")
    first = since(t)
    files = sorted(src.rglob("*.md"))
    for f in files[:: max(1, len(files) // changed)][:changed]:
        f.write_text(f.read_text(encoding="utf-8") + "\nUpdated paragraph for this bench.\n", encoding="utf-8")

    def copy(name: str) -> tuple[Path, Path]:
        """The edited folder and its share, as they are now (copytree keeps the times the
        publish record's stamps compare)."""
        s, h = work / name / "src", work / name / "share"
        shutil.rmtree(work / name, ignore_errors=True)
        shutil.copytree(src, s)
        shutil.copytree(share, h)
        return s, h

    plan_ms, wb_publish_ms, workbench, after, cli_inproc, cli_process = [], [], [], [], [], []
    n_changes = 0
    for _ in range(runs):  # interleaved, so machine noise hits each alike
        s, h = copy("workbench")
        t = time.perf_counter()
        plan = plan_publish(s, h, [public])
        t1 = time.perf_counter()
        if plan.blocked is not None:
            raise SystemExit(f"the plan is blocked: {plan.blocked}")
        n_changes = len(plan.changes)
        report = pack.publish(
            s, h, keys.load_private_key(private_path), note="100 edits", author="bench", trusted=[public]
        )
        t2 = time.perf_counter()
        plan_ms.append((t1 - t) * 1000)
        wb_publish_ms.append((t2 - t1) * 1000)
        workbench.append((t2 - t) * 1000)
        if len(report.changed) != changed:
            raise SystemExit(f"the workbench published {len(report.changed)} changes, not {changed}")
        t = time.perf_counter()
        plan_publish(s, h, [public])  # the dialog reads the share again to show the result
        scan(s)  # and the window re-reads the folder for its list
        after.append(since(t))

        s, h = copy("cli")
        t = time.perf_counter()
        report = pack.publish(s, h, keys.load_private_key(private_path), note="100 edits", author="bench")
        cli_inproc.append(since(t))
        if len(report.changed) != changed:
            raise SystemExit(f"the CLI path published {len(report.changed)} changes, not {changed}")

        s, h = copy("cli-process")
        argv = [sys.executable, "-m", "workaid", "--data-dir", str(work / "cli-data"), "publish", str(s), str(h)]
        argv += ["--key", str(private_path), "--note", "100 edits", "--author", "bench"]
        t = time.perf_counter()
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
        cli_process.append(since(t))
        if proc.returncode != 0 or f"{changed} changed" not in proc.stdout:
            raise SystemExit(f"`workaid publish` failed: {proc.stdout}{proc.stderr}")
    print(
        f"\npublish of {changed} changed cards in a {cards:,}-card folder to a local share "
        f"({n_changes} in the plan; first publish of the whole folder took {first:.0f} ms)"
    )
    print(runs_line("workbench: plan_publish", plan_ms))
    print(runs_line("workbench: pack.publish", wb_publish_ms))
    print(runs_line("workbench: plan, then publish", workbench))
    print(runs_line("  then: re-plan and list rescan", after))
    print(runs_line("CLI: pack.publish in process", cli_inproc, "the baseline"))
    print(runs_line("CLI: `python -m workaid publish`", cli_process))
    base = statistics.median(cli_inproc)
    print(
        f"  ratios (medians): workbench/CLI in process {statistics.median(workbench) / base:.2f}x, "
        f"CLI process/in process {statistics.median(cli_process) / base:.2f}x (no target in the issue)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller folders and fewer runs, to try the bench out")
    ap.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated, of: {', '.join(SECTIONS)}")
    ap.add_argument("--runs", type=int, help="timed runs of each diff step (default 20; quick 5)")
    ap.add_argument("--open-cards", type=int, help="cards in the folder the workbench opens (default 20,000)")
    ap.add_argument("--open-runs", type=int, help="times the workbench is opened (default 3; quick 1)")
    ap.add_argument("--keystrokes", type=int, help="keystrokes typed into the 20 KB card (default 100; quick 30)")
    ap.add_argument("--publish-cards", type=int, help="cards in the folder published from (default 2,000)")
    ap.add_argument("--publish-runs", type=int, help="times each way of publishing runs (default 3; quick 1)")
    args = ap.parse_args()
    q = args.quick
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        ap.error(f"unknown section(s): {', '.join(unknown)}")
    open_cards = args.open_cards or (2000 if q else 20000)
    work = Path(tempfile.mkdtemp(prefix="workaid-editorbench-"))
    try:
        folders = Folders(work)
        if "open" in sections:
            bench_open(folders, open_cards, args.open_runs or (1 if q else 3))
        if "typing" in sections:
            bench_typing(folders, open_cards, args.keystrokes or (30 if q else 100))
        if "diff" in sections:
            bench_diff(args.runs or (5 if q else 20))
        if "publish" in sections:
            bench_publish(
                folders, args.publish_cards or (500 if q else 2000), 100, args.publish_runs or (1 if q else 3)
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
