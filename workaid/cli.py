"""The `workaid` command: the GUI by default, sub-commands for scripting and support.

Exit codes: 0 success; 1 the content or the input was rejected (every problem is
printed); 2 wrong usage; 3 an environment problem (disk, locked database) — retry.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from workaid import __version__

log = logging.getLogger("workaid.cli")

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workaid", description="Guideline cards, discretion limits and escalation help for contact-centre reps.")
    p.add_argument("--version", action="version", version=f"workaid {__version__}")
    p.add_argument("--data-dir", metavar="DIR", help="where the local database, preferences and logs live (default: $WORKAID_DATA_DIR or the per-user data folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="open the window (the default)")

    s = sub.add_parser("search", help="search the cards and print ranked results")
    s.add_argument("query", nargs="+", help="words to search for; the last one matches as a prefix")
    s.add_argument("--json", action="store_true", help="print a JSON list of results")
    s.add_argument("--kind", choices=["guideline", "script", "checklist", "contact", "scenario"])
    s.add_argument("--tag")
    s.add_argument("--limit", type=int, default=10, help="how many results to print (default 10, at most 50)")

    i = sub.add_parser("import", help="validate a folder of cards and load it; all or nothing")
    i.add_argument("folder", type=Path)

    c = sub.add_parser("check", help="validate a folder of cards without loading it")
    c.add_argument("folder", type=Path)

    sh = sub.add_parser("show", help="print one card's Markdown")
    sh.add_argument("card_id")

    h = sub.add_parser("history", help="list the versions of a card this desk has seen")
    h.add_argument("card_id")
    h.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from workaid.core import paths
    from workaid.core.errors import EnvironmentProblem

    data_dir = paths.data_dir(args.data_dir)
    command = args.command or "gui"
    if command == "gui":
        from workaid.ui.app import run

        return run(data_dir)
    if command == "check":
        return _check(args.folder)
    try:
        from workaid.core import logs

        logs.setup(data_dir)
        return _COMMANDS[command](args, data_dir)
    except EnvironmentProblem as e:
        print(f"workaid: {e}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except OSError as e:
        print(f"workaid: {e.strerror or e}: {e.filename or data_dir}. Check the disk and try again.", file=sys.stderr)
        return EXIT_ENVIRONMENT


def _library(data_dir: Path):
    from workaid.core.library import Library

    lib = Library(data_dir)
    if lib.needs_bundled_import():
        lib.load_bundled()
    return lib


def _print_problems(folder: Path, problems: list) -> None:
    """Each problem as `path:line — message`, with paths an editor can open."""
    for p in problems:
        where = folder / p.source if p.source else folder
        print(f"{where}:{p.line} — {p.message}" if p.line else f"{where} — {p.message}", file=sys.stderr)


def _check(folder: Path) -> int:
    from workaid.core.cards import load_folder

    result = load_folder(folder)
    _print_problems(folder, result.problems)
    bad = len({p.source for p in result.problems})
    print(f"{result.files} files: {len(result.cards)} valid cards, {bad} rejected")
    return EXIT_REJECTED if result.problems or not result.cards else EXIT_OK


def _search(args, data_dir: Path) -> int:
    lib = _library(data_dir)
    query = " ".join(args.query)
    response = lib.search(query, kind=args.kind, tag=args.tag)
    results = response.results[: max(1, min(args.limit, 50))]
    if args.json:
        if response.suggestion:
            print(f"Did you mean: {response.suggestion}?", file=sys.stderr)
        print(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=2))
        return EXIT_OK
    if response.suggestion:
        print(f"Did you mean: {response.suggestion}?")
        if response.mode == "corrected":
            print(f"No cards match “{query}”; showing results for “{response.suggestion}”.\n")
    if not results:
        print(f"No cards match “{query}”.")
        return EXIT_OK
    for n, r in enumerate(results, 1):
        stale = "  [STALE]" if r.review_by and r.review_by < _today() else ""
        print(f"{n:>2}. {r.title}  ({r.kind}; {r.id}){stale}")
        print(f"    {r.snippet.marked('[', ']')}")
    return EXIT_OK


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def _import(args, data_dir: Path) -> int:
    from workaid.core.errors import ContentError
    from workaid.core.library import Library

    lib = Library(data_dir)
    try:
        report = lib.import_folder(args.folder)
    except ContentError as e:
        _print_problems(args.folder, e.problems)
        print(f"Nothing was loaded: {len(e.problems)} problem(s) in {args.folder}. Fix them and import again.", file=sys.stderr)
        return EXIT_REJECTED
    print(
        f"Loaded {report.total:,} cards from {args.folder}: {report.added} added, {report.changed} changed, "
        f"{report.removed} removed, {report.unchanged} unchanged."
    )
    return EXIT_OK


def _show(args, data_dir: Path) -> int:
    card = _library(data_dir).card(args.card_id)
    if card is None:
        print(f"workaid: no card with id '{args.card_id}'", file=sys.stderr)
        return EXIT_REJECTED
    print(f"# {card.title}\n\nkind: {card.kind}   tags: {', '.join(card.tags) or '-'}   owner: {card.owner or '-'}   "
          f"review by: {card.review_by or '-'}{'  (STALE)' if card.is_stale() else ''}\n")
    print(card.body.strip())
    return EXIT_OK


def _history(args, data_dir: Path) -> int:
    lib = _library(data_dir)
    rows = lib.history(args.card_id)
    if not rows:
        print(f"workaid: no versions of a card with id '{args.card_id}'", file=sys.stderr)
        return EXIT_REJECTED
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for r in rows:
        who = f" by {r['author']}" if r["author"] else ""
        note = f" — {r['note']}" if r["note"] else ""
        print(f"v{r['version']}  {r['published_at'] or r['recorded_at']}{who}  {r['sha256'][:12]}  {r['title']}{note}")
    return EXIT_OK


_COMMANDS = {"search": _search, "import": _import, "show": _show, "history": _history}
