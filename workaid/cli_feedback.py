"""`workaid report SHARE`: what the desks sent back, for the content owner, from a terminal
(workaid.core.feedback does the work; this module parses and prints).

    workaid report SHARE                      # plain text: each section as a short table
    workaid report SHARE --since 2026-11-01
    workaid report SHARE --json               # the whole report as JSON
    workaid report SHARE --html report.html   # one self-contained page with charts
    workaid report SHARE --compact            # owner only: merge files older than 35 days

Cards are named from the share's signed pack (trusted keys from the configuration);
when it cannot be verified, from the source folder (--source or the `source` setting),
else by id only, with a note saying so.

Exit codes follow cli.py: 0 done; 1 the input was rejected (the message says why, on
stderr); 2 wrong usage (argparse); 3 an environment problem (share unreachable, disk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workaid.core.feedback.outbox_read import OutboxData
    from workaid.core.feedback.report import AnswerLike, CardInfo, Report

EXIT_OK, EXIT_REJECTED, EXIT_ENVIRONMENT = 0, 1, 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD (e.g. 2026-11-01)") from None


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    """The arguments of `workaid report`."""
    p.add_argument("share", type=Path, metavar="SHARE", help="the shared folder desks send their outbox files to")
    p.add_argument("--since", type=_date, metavar="DATE", help="only what was sent for this day (YYYY-MM-DD) and later")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--html", type=Path, metavar="FILE", help="write the report as one HTML page with charts")
    p.add_argument(
        "--source",
        type=Path,
        metavar="FOLDER",
        help="the owner's folder of card files: answers to flags, and card titles when the pack cannot be verified "
        "(default: the 'source' setting)",
    )
    p.add_argument(
        "--compact",
        action="store_true",
        help="owner only: merge outbox files older than 35 days into monthly archives, then remove them",
    )
    p.add_argument(
        "--before", type=_date, metavar="DATE", help="with --compact: merge the days before this one instead"
    )


def _fail(message: str, code: int = EXIT_REJECTED) -> int:
    print(f"workaid report: {message}", file=sys.stderr)
    return code


def _report(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.feedback.outbox_read import compact, read_outbox
    from workaid.core.feedback.report import build_report, report_html, report_json

    share: Path = args.share
    if not share.is_dir():
        return _fail(f"{share} is not a folder (or cannot be reached); name the shared folder the desks send to.")
    if args.before and not args.compact:
        return _fail("--before goes with --compact (which days to merge); use --since to choose what to report.")
    today = dt.datetime.now(dt.UTC).date()
    if args.compact:
        if args.json or args.html or args.since:
            return _fail("--compact only tidies the outbox; run the report as a second command.")
        before = args.before or today - dt.timedelta(days=35)
        if before > today:
            return _fail(f"--before {before.isoformat()} is in the future; only closed days can be merged.")
        print(compact(share, before).describe())
        return EXIT_OK
    html_path: Path | None = args.html
    if html_path is not None:
        problem = _unwritable(html_path)
        if problem:
            return _fail(problem)

    data = read_outbox(share, args.since)
    source = _source(args.source)
    cards, card_note = _cards(share, source, _mentioned(data))
    answers, answer_note = _answers(share, source)
    report = build_report(data, cards, answers, today)
    report.notes.extend(n for n in (card_note, answer_note) if n)

    if args.json:
        print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    elif html_path is not None:
        from workaid.core.fileio import atomic_write

        try:
            atomic_write(html_path, report_html(report))
        except OSError as e:
            return _fail(
                f"could not write {html_path}: {e.strerror or e}. Choose another file or folder.", EXIT_ENVIRONMENT
            )
        print(f"Wrote the report to {html_path} ({_summary(report)}).")
        for note in report.notes:
            print(f"note: {note}")
    else:
        _print_text(report)
    return EXIT_OK


def _unwritable(path: Path) -> str | None:
    """Why the HTML file cannot be written there (checked before the outbox is read)."""
    import os

    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return f"{path} is a folder; name the HTML file to write (e.g. {path / 'report.html'})."
    if not folder.is_dir():
        return f"cannot write {path}: the folder {folder} does not exist."
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"cannot write {path}: this user may not write there. Choose another file or folder."
    return None


def _source(given: Path | None) -> Path | None:
    if given is not None:
        return given
    from workaid.core.distribution.config import load_config
    from workaid.core.errors import ConfigError

    try:
        configured = load_config().source
    except ConfigError:
        return None
    return Path(configured) if configured else None


def _mentioned(data: OutboxData) -> set[str]:
    """The cards the report can name: only these are read from the pack."""
    ids = set(data.opens) | set(data.authority) | {f.card for f in data.flags}
    for key in data.escalations:
        ids.update(key.cards)
    return ids


def _cards(share: Path, source: Path | None, ids: Iterable[str]) -> tuple[Mapping[str, CardInfo], str]:
    """Card titles, versions and review dates: the pack first, then the source folder."""
    from workaid.core.errors import WorkAidError
    from workaid.core.feedback.report import cards_from_folder, cards_from_share

    why = ""
    try:
        keys = _trusted_keys()
        if not keys:
            why = "no trusted publisher key is configured"
        else:
            cards = cards_from_share(share, keys, ids)
            if cards:
                return cards, ""
            why = "nothing is published there yet"
    except WorkAidError as e:  # PackError, KeyProblem, ConfigError, an unreachable share
        why = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if source is not None and source.is_dir():
        return (
            cards_from_folder(source),
            f"Card titles and review dates come from {source}: the share's pack could not be used ({why}).",
        )
    return {}, f"Cards are shown by id only: the share's pack could not be used ({why}); --source FOLDER names them."


def _trusted_keys() -> list[Any]:
    from workaid.core.distribution.config import load_config
    from workaid.core.distribution.sync import trusted_keys

    return trusted_keys(load_config().trusted_keys)


def _answers(share: Path, source: Path | None) -> tuple[Mapping[str, AnswerLike], str]:
    """The owner's answers to flags: the source folder's file (it has answers not yet
    published), else those published in the share's pack, else none."""
    from workaid.core.errors import WorkAidError

    if source is not None and source.is_dir():
        from workaid.core.content.answers import load_answers

        try:
            return load_answers(source), ""
        except WorkAidError as e:
            return {}, f"The answers to flags in {source} could not be read, so every flag shows as open: {e}"
    from workaid.core.feedback.report import answers_from_share

    try:
        keys = _trusted_keys()
        return (answers_from_share(share, keys), "") if keys else ({}, "")
    except WorkAidError:
        return {}, ""  # the card note already says the pack could not be used


# -- plain text -----------------------------------------------------------------------------------


def _summary(r: Report) -> str:
    span = f"{r.first_day} to {r.last_day}" if r.first_day and r.last_day else "no day records yet"
    return f"{r.desks} desk(s), {r.day_records} day record(s), {span}, {r.searches:,} searches, {len(r.flags)} flag group(s)"


def _card(card: str, title: str) -> str:
    if not card:
        return "(no card)"
    return f"{card} — {title}" if title else card


def _section(title: str, head: Sequence[str], rows: Iterable[Sequence[Any]], numeric: int) -> None:
    """A heading and a small table: the first `numeric` columns right-aligned."""
    print(f"\n{title}")
    table = [[str(c) for c in row] for row in rows]
    if not table:
        print("  (nothing yet)")
        return
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)]

    def line(cells: Sequence[str]) -> str:
        out = [c.rjust(w) if i < numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return ("  " + "  ".join(out)).rstrip()

    print(line(head))
    for row in table:
        print(line(row))


def _print_text(r: Report) -> None:
    from workaid.core.feedback.report import MIN_DESKS

    since = f" since {r.since}" if r.since else ""
    print(f"Feedback{since}: {_summary(r)}.")
    print(
        f"A query is shown only when at least {MIN_DESKS} desks typed it"
        + (f" ({r.withheld} withheld)." if r.withheld else ".")
    )
    sections: list[tuple[str, Sequence[str], Callable[[], Iterable[Sequence[Any]]], int]] = [
        (
            "Top searches without a result",
            ("times", "desks", "query"),
            lambda: ((q.times, q.desks, q.query) for q in r.no_result),
            2,
        ),
        (
            "Searches after which no card was opened",
            ("times", "desks", "query"),
            lambda: ((q.times, q.desks, q.query) for q in r.abandoned),
            2,
        ),
        ("Most-opened cards", ("opens", "card"), lambda: ((o.opens, _card(o.card, o.title)) for o in r.most_opened), 1),
        (
            "Cards with most flags",
            ("open", "fixed", "answered", "card"),
            lambda: ((f.open, f.fixed, f.answered, _card(f.card, f.title)) for f in r.most_flagged),
            3,
        ),
        (
            "Escalations per week",
            ("n", "level", "week", "reason"),
            lambda: ((w.n, w.level, w.week, w.reason) for w in r.escalations),
            2,
        ),
        (
            "Stale cards still opened",
            ("opens", "review by", "card"),
            lambda: ((s.opens, s.review_by.isoformat(), _card(s.card, s.title)) for s in r.stale),
            1,
        ),
        (
            "Prevention review: ended higher than the checklist recommended",
            ("count", "level", "recommended", "card", "reason"),
            lambda: ((p.count, p.level, p.recommended, _card(p.card, p.title), p.reason) for p in r.prevention),
            3,
        ),
        (
            "Flags",
            ("desks", "version", "status", "card", "reason", "comment"),
            lambda: (
                (f.desks, f.version, f.status, _card(f.card, f.title), f.reason, f.comment or "-") for f in r.flags
            ),
            2,
        ),
    ]
    for title, head, rows, numeric in sections:
        _section(title, head, rows(), numeric)
    if r.notes:
        print()
        for note in r.notes:
            print(f"note: {note}")


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {"report": _report}
