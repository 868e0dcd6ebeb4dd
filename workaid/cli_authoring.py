"""`workaid diff`, `workaid restore` and `workaid review`: the owners' workbench from a
terminal (workaid.core.authoring does the work; this module parses and prints).

Exit codes follow cli.py: 0 done; 1 the input was rejected (the message says why, on
stderr); 2 wrong usage (argparse); 3 an environment problem (disk, locked file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workaid.core.authoring.review_queue import MarkResult
    from workaid.core.content.diff import Row, Span

EXIT_OK, EXIT_REJECTED = 0, 1


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    """The arguments of `workaid diff`, `restore` or `review`."""
    if command == "diff":
        p.add_argument("card_id", metavar="CARD_ID")
        p.add_argument("old", nargs="?", type=int, metavar="FROM", help="a version number (default: the one before TO)")
        p.add_argument("new", nargs="?", type=int, metavar="TO", help="a version number (default: the latest)")
        p.add_argument("--side-by-side", action="store_true", help="the two versions in two columns")
        p.add_argument("--json", action="store_true", help="print the changes as JSON")
    elif command == "restore":
        p.add_argument("card_id", metavar="CARD_ID")
        p.add_argument("version", type=int, metavar="VERSION", help="the version to take back (see workaid history)")
        p.add_argument("--into", type=Path, required=True, metavar="SOURCE", help="the source folder of card files")
        p.add_argument(
            "--force",
            action="store_true",
            help="replace unpublished edits to the card's file (they are kept in a backup beside it)",
        )
    elif command == "review":
        p.add_argument("source", type=Path, help="the source folder of card files")
        p.add_argument("--within", type=int, default=30, metavar="DAYS", help="due within this many days (default 30)")
        p.add_argument("--owner", help="only this owner's cards")
        p.add_argument(
            "--mark",
            action="append",
            default=[],
            metavar="CARD_ID",
            help="mark this card reviewed: its review date moves on by the owner's usual period; repeat for each",
        )
        p.add_argument("--json", action="store_true", help="print the queue as JSON")


def _fail(message: str) -> int:
    print(f"workaid: {message}", file=sys.stderr)
    return EXIT_REJECTED


# -- diff and restore (versions the desk keeps: card_versions) --------------------------


def _diff(args: argparse.Namespace, data_dir: Path) -> int:
    import json

    from workaid.cli import _library
    from workaid.core.authoring.versions import VersionError, diff_versions

    lib = _library(data_dir)
    try:
        diff = diff_versions(lib, args.card_id, args.old, args.new)
    except VersionError as e:
        return _fail(str(e))
    finally:
        lib.close()
    if args.json:
        out = diff.as_json()
        if args.side_by_side:
            out["rows"] = [
                {
                    "old_line": r.left_no,
                    "new_line": r.right_no,
                    "old": r.left_text,
                    "new": r.right_text,
                    "changed": r.changed,
                }
                for r in diff.side_by_side()
            ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    assert diff.old is not None and diff.new is not None  # diff_versions always names both
    title = diff.new.title or diff.old.title
    print(f"{args.card_id}{f': {title}' if title else ''}")
    print(f"  from {diff.old.label()}")
    print(f"  to   {diff.new.label()}")
    for note in diff.notes:
        print(f"  note: {note}")
    print("\nFields:" if diff.fields else "\nFields: unchanged")
    for line in diff.field_lines:
        print(f"  {line}")
    print(f"\n{diff.body_summary()[:1].upper()}{diff.body_summary()[1:]}")
    if diff.body_summary() != "body unchanged":
        if args.side_by_side:
            _print_side_by_side(diff.side_by_side())
        else:
            _print_inline(diff.body)
    return EXIT_OK


def _print_inline(spans: Sequence[Span]) -> None:
    """The changed lines of the body with the words marked, three lines of context around them."""
    from workaid.core.content.diff import inline_lines

    for line in inline_lines(spans, context=3):
        print("  …" if line is None else f"  {line}")


def _print_side_by_side(rows: Sequence[Row]) -> None:
    """Old | new in two columns as wide as the terminal allows, long lines wrapped; the
    middle column says how a row changed, as `diff -y` does (| changed, < removed, > added)."""
    import shutil
    import textwrap

    from workaid.core.content.diff import inline_text, with_context

    width = max(30, (shutil.get_terminal_size((120, 24)).columns - 15) // 2)
    for row in with_context(rows, context=3):
        if row is None:
            print("  …")
            continue
        left, right = inline_text(row.left), inline_text(row.right)
        mark = " " if not row.changed else "<" if row.right_no is None else ">" if row.left_no is None else "|"
        lefts = textwrap.wrap(left, width, replace_whitespace=False) or [""]
        rights = textwrap.wrap(right, width, replace_whitespace=False) or [""]
        for n in range(max(len(lefts), len(rights))):
            lno = f"{row.left_no:>4}" if n == 0 and row.left_no is not None else "    "
            rno = f"{row.right_no:>4}" if n == 0 and row.right_no is not None else "    "
            lpart = lefts[n] if n < len(lefts) else ""
            rpart = rights[n] if n < len(rights) else ""
            print(f"{lno} {lpart:<{width}} {mark if n == 0 else ' '} {rno} {rpart}".rstrip())


def _restore(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.cli import _library
    from workaid.core.authoring.versions import UnpublishedEdits, VersionError, restore

    lib = _library(data_dir)
    try:
        done = restore(lib, args.card_id, args.version, args.into, force=args.force)
    except (VersionError, UnpublishedEdits) as e:
        return _fail(str(e))
    finally:
        lib.close()
    print(done.message())
    return EXIT_OK


# -- review -----------------------------------------------------------------------------
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: dt.date) -> str:
    """'1 Mar 2027': unambiguous in every locale, unlike 01/03/2027."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _days_in_words(days: int) -> str:
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return "due tomorrow" if days == 1 else f"due in {days} days"


def _review(args: argparse.Namespace, data_dir: Path) -> int:
    import json

    from workaid.core.authoring.review_queue import DUE, NO_DATE, OVERDUE, load_review_queue

    source: Path = args.source
    if not source.is_dir():
        return _fail(f"{source} is not a folder (or cannot be opened)")
    if args.within < 0:
        return _fail("--within must be 0 days or more")
    today = dt.date.today()
    if args.mark:
        return _mark(args, data_dir, today)
    items, problems = load_review_queue(source, today, args.within, args.owner)
    if problems:
        n = len({p.source for p in problems})
        print(
            f"workaid: note: {n} file{'s' if n != 1 else ''} could not be read as cards and "
            f"{'are' if n != 1 else 'is'} not in the queue; `workaid check {source}` says why",
            file=sys.stderr,
        )
    if args.json:
        out = [
            {
                "id": i.id,
                "title": i.title,
                "owner": i.owner,
                "review_by": i.review_by.isoformat() if i.review_by else None,
                "days": i.days,
                "status": i.status,
                "path": str(i.path),
            }
            for i in items
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    groups = (
        (OVERDUE, "Overdue"),
        (DUE, f"Due within {args.within} day{'s' if args.within != 1 else ''}"),
        (NO_DATE, "No review date (never shown as stale: give each a review_by)"),
    )
    whose = f" for owner '{args.owner}'" if args.owner else ""
    if not any(i.status != NO_DATE for i in items):
        print(f"Nothing is overdue or due within {args.within} days{whose}.")
    width = max((len(i.id) for i in items), default=0)
    for status, heading in groups:
        group = [i for i in items if i.status == status]
        if not group:
            continue
        print(f"\n{heading}{whose}: {len(group)}")
        for i in group:
            when = f"{_days_in_words(i.days)} ({_day(i.review_by)})" if i.days is not None and i.review_by else ""
            owner = f" · {i.owner}" if i.owner and not args.owner else ""
            print(f"  {i.id:<{width}}  {i.title}{owner}" + (f" — {when}" if when else ""))
    return EXIT_OK


def _mark(args: argparse.Namespace, data_dir: Path, today: dt.date) -> int:
    import json

    from workaid.core.authoring.review_queue import MarkRefused, mark_reviewed
    from workaid.core.content.folder import load_folder

    folder = load_folder(args.source)
    paths = {c.id: args.source / c.source for c in folder.cards}
    wanted = list(dict.fromkeys(args.mark))
    missing = [card_id for card_id in wanted if card_id not in paths]
    if missing:  # checked before anything is written, so a typo changes nothing
        names = ", ".join(f"'{m}'" for m in missing)
        hint = f" ({len(folder.problems)} problem(s) there: `workaid check {args.source}`)" if folder.problems else ""
        return _fail(f"no card with id {names} in {args.source}; nothing was marked{hint}")
    marked: list[MarkResult] = []
    for card_id in wanted:
        try:
            result = mark_reviewed(paths[card_id], today, history=_published_review_dates(data_dir, card_id))
        except MarkRefused as e:
            for done in marked:
                print(_moved(done))
            return _fail(str(e))
        marked.append(result)
    if args.json:
        rows = [
            {
                "id": r.id,
                "path": str(r.path),
                "old": r.old.isoformat() if r.old else None,
                "new": r.new.isoformat(),
                "period_days": r.period_days,
                "note": r.note,
            }
            for r in marked
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in marked:
        print(_moved(r))
    return EXIT_OK


def _moved(r: MarkResult) -> str:
    old = f"review by {_day(r.old)}" if r.old else "no review date"
    return f"{r.id}: {old} → {_day(r.new)}; publish with the note '{r.note}'"


def _published_review_dates(data_dir: Path, card_id: str) -> list[dt.date]:
    """The review dates of the card's versions this desk has seen, for the owner's
    usual period; none (so the default period) when the desk has no database yet or
    it cannot be read: a missing history must never stop a review being recorded."""
    import logging

    from workaid.core.authoring.review_queue import review_dates_in
    from workaid.core.content.store import DB_NAME, Store

    path = data_dir / DB_NAME
    if not path.is_file():
        return []
    try:
        store = Store(path)
        try:
            hashes = [row["sha256"] for row in store.history(card_id)]
            return review_dates_in(store.raw_by_hash(hashes).values())
        finally:
            store.close()
    except Exception:
        logging.getLogger("workaid.review").warning("could not read the history of %s", card_id, exc_info=True)
        return []


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "diff": _diff,
    "restore": _restore,
    "review": _review,
}
