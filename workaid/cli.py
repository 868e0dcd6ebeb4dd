"""The `workaid` command: the GUI by default, sub-commands for scripting and support.

Exit codes: 0 success; 1 the content or the input was rejected (every problem is
printed); 2 wrong usage; 3 an environment problem (disk, locked database) — retry.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from workaid import __version__

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

    from workaid.core.content.cards import Problem
    from workaid.core.content.folder import Skipped
    from workaid.core.content.library import Library
    from workaid.core.distribution.config import Config
    from workaid.core.distribution.keys import PrivateKey, PublicKey
    from workaid.core.errors import ContentError

log = logging.getLogger("workaid.cli")

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


# Each command: its one line for `workaid --help`, and what adds its own arguments.
# The parser of a command is built only when that command is given, so opening the
# window (the default) does not wait for sixteen parsers and the modules behind them.
COMMAND_HELP: dict[str, str] = {
    "gui": "open the window (the default)",
    "search": "search the cards and print ranked results",
    "import": "validate a folder of cards and load it; all or nothing",
    "check": "validate a folder of cards without loading it",
    "show": "print one card's Markdown",
    "history": "list the versions of a card this desk has seen",
    "keygen": "make an Ed25519 publisher key pair (publisher.key, publisher.pub)",
    "publish": "validate a source folder and publish what changed to the shared folder",
    "checkout": "copy the shared folder's current cards into a folder to edit",
    "sync": "check the shared folder once and apply a new verified pack",
    "config": "print the effective configuration, where each value came from, and the data and log folders",
    "doctor": "check this desk: versions, folders, configuration, share, content database, an offscreen window",
    "authority": "may this role grant this amount under a card's discretion limits, or who decides?",
    "script": "print a script card with its placeholders filled in",
    "edit": "open the content owners' workbench on a source folder of cards",
    "diff": "show what changed between two versions of a card (default: the last two)",
    "restore": "put an old version of a card into a source folder, to publish as a new version",
    "review": "list a source folder's cards that are overdue or due for review soon",
    "report": "what the desks sent back: failed searches, opened cards, flags, escalations (text, --json, --html)",
}


def _parser() -> argparse.ArgumentParser:
    """The top level: the options every command shares, the command, and the rest of the
    line, which the command's own parser (`_command_parser`) reads."""
    import argparse

    width = max(map(len, COMMAND_HELP)) + 2
    p = argparse.ArgumentParser(
        prog="workaid",
        description="Guideline cards, discretion limits and escalation help for contact-centre reps.",
        epilog="commands (workaid COMMAND --help for each):\n"
        + "\n".join(f"  {name:<{width}}{text}" for name, text in COMMAND_HELP.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"workaid {__version__}")
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the local database, preferences and logs live (default: $WORKAID_DATA_DIR or the per-user data folder)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="a configuration file to use instead of the per-user one (also: $WORKAID_CONFIG)",
    )
    p.add_argument(
        "--search",
        metavar="WORDS",
        help="open the window with this search; when WorkAid is already open, its window comes up and searches",
    )
    p.add_argument("command", nargs="?", metavar="COMMAND", choices=COMMAND_HELP, help="what to do (default: gui)")
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return p


def _command_parser(command: str) -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(prog=f"workaid {command}", description=COMMAND_HELP[command])
    _add_arguments(command, p)
    return p


def _add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    if command == "search":
        p.add_argument("query", nargs="+", help="words to search for; the last one matches as a prefix")
        p.add_argument("--json", action="store_true", help="print a JSON list of results")
        p.add_argument("--kind", choices=["guideline", "script", "checklist", "contact", "scenario"])
        p.add_argument("--tag")
        p.add_argument("--limit", type=int, default=10, help="how many results to print (default 10, at most 50)")
    elif command in ("import", "check"):
        p.add_argument("folder", type=Path)
    elif command == "show":
        p.add_argument("card_id")
    elif command == "history":
        p.add_argument("card_id")
        p.add_argument("--json", action="store_true")
    elif command == "keygen":
        p.add_argument("--out", type=Path, required=True, metavar="DIR")
        p.add_argument(
            "--passphrase",
            action="store_true",
            help="protect the private key with a passphrase (asked for, or $WORKAID_KEY_PASSPHRASE)",
        )
    elif command == "publish":
        p.add_argument("source", type=Path)
        p.add_argument("share", type=Path)
        p.add_argument("--key", type=Path, required=True, help="the publisher's private key file")
        p.add_argument("--note", default="", help="why: shown in every card's history")
        p.add_argument(
            "--author", help="who publishes (default: the 'author' setting in workaid.toml, else your login name)"
        )
    elif command == "checkout":
        p.add_argument("share", type=Path)
        p.add_argument("dest", type=Path)
        p.add_argument(
            "--trusted-key",
            action="append",
            metavar="KEY",
            help="the publisher's public key file (publisher.pub) or key text (default: trusted_keys from the configuration)",
        )
        p.add_argument(
            "--force",
            action="store_true",
            help="overwrite unpublished edits in DEST after copying them to a backup folder beside it",
        )
    elif command == "sync":
        p.add_argument("--share", help="the shared folder (default: from the configuration)")
        p.add_argument(
            "--trusted-key",
            action="append",
            metavar="KEY",
            help="a trusted public key file or key text (default: from the configuration)",
        )
    elif command in ("authority", "script"):
        from workaid.cli_escalation import add_arguments

        add_arguments(command, p)
    elif command == "edit":
        p.add_argument(
            "source",
            nargs="?",
            type=Path,
            help="the folder of card files (default: the 'source' setting in workaid.toml)",
        )
    elif command in ("diff", "restore", "review"):
        from workaid.cli_authoring import add_arguments as add_authoring_arguments

        add_authoring_arguments(command, p)
    elif command == "report":
        from workaid.cli_feedback import add_arguments as add_feedback_arguments

        add_feedback_arguments(command, p)
    elif command == "doctor":
        from workaid.cli_doctor import add_arguments as add_doctor_arguments

        add_doctor_arguments(command, p)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The whole line: shared options, the command (gui when none), its own arguments."""
    top = _parser().parse_args(argv)
    command = top.command or "gui"
    args = _command_parser(command).parse_args(top.rest)
    args.data_dir, args.config, args.command = top.data_dir, top.config, command
    args.search = top.search
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from workaid.core import paths

    if args.config:
        from workaid.core.distribution.config import use_config_file

        use_config_file(args.config)  # labelled "--config file" in `workaid config`, not $WORKAID_CONFIG
    data_dir = paths.data_dir(args.data_dir)
    command = args.command
    if command == "gui":
        from workaid.ui import boot

        refused = boot.refuse_without_display(data_dir)  # else Qt aborts with a misleading xcb message
        if refused is not None:
            return refused
        from workaid.ui import single_instance

        primary = single_instance.claim(data_dir, args.search)  # before Qt: a second start is quick
        if primary is None:
            return EXIT_OK  # the running window came up (and searches)
        boot.prepare()  # before Qt is imported: see workaid.ui.boot
        from workaid.ui.app import run

        return run(data_dir, instance=primary)
    if command == "edit":
        return _edit(args.source, data_dir)
    try:
        if command == "check":
            return _check(args.folder)
        if command != "doctor":  # doctor only looks: it must not create the data folder for its log
            _setup_logging(data_dir)
        return _run_command(command, args, data_dir)
    except BrokenPipeError:
        return _output_closed()
    except BaseException as e:
        code = _exit_code_for(e, data_dir)
        if code is None:
            raise
        return code


def _edit(source: Path | None, data_dir: Path) -> int:
    """`workaid edit [SOURCE]`: the workbench on SOURCE, else on the `source` setting.
    The folder is checked before Qt starts, so a mistake gets a sentence, not a window."""
    if source is None:
        from workaid.core.distribution.config import load_config
        from workaid.core.errors import ConfigError, EnvironmentProblem

        try:
            config = load_config()
        except (ConfigError, EnvironmentProblem) as e:
            print(f"workaid: {e}", file=sys.stderr)
            return EXIT_REJECTED if isinstance(e, ConfigError) else EXIT_ENVIRONMENT
        if config.source is None:
            print(
                "workaid edit: which folder of cards? Name it (workaid edit FOLDER), or set "
                'source = "FOLDER" in workaid.toml (workaid config shows which files are read).',
                file=sys.stderr,
            )
            return EXIT_USAGE
        source = Path(config.source)
    if not source.is_dir():
        print(
            f"workaid edit: {source} is not a folder (or cannot be opened); name the folder of card files.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    from workaid.ui import boot

    refused = boot.refuse_without_display(data_dir)  # else Qt aborts with a misleading xcb message
    if refused is not None:
        return refused
    boot.prepare()  # before Qt is imported: see workaid.ui.boot
    from workaid.ui.workbench import run

    return run(source, data_dir)


def _run_command(command: str, args: argparse.Namespace, data_dir: Path) -> int:
    """The sub-command; damage found by its reads has set the content database aside
    (Store.set_aside), so it runs once more on the rebuilt database."""
    from workaid.core.content.store import DamagedDatabase

    try:
        return _dispatch(command, args, data_dir)
    except DamagedDatabase as e:
        print(f"workaid: {e} Rebuilding it and trying again.", file=sys.stderr)
        return _dispatch(command, args, data_dir)


def _dispatch(command: str, args: argparse.Namespace, data_dir: Path) -> int:
    if command in _COMMANDS:
        return _COMMANDS[command](args, data_dir)
    if command in ("diff", "restore", "review"):
        from workaid.cli_authoring import COMMANDS as AUTHORING

        return AUTHORING[command](args, data_dir)
    if command == "report":
        from workaid.cli_feedback import COMMANDS as FEEDBACK

        return FEEDBACK[command](args, data_dir)
    if command == "doctor":
        from workaid.cli_doctor import COMMANDS as DOCTOR

        return DOCTOR[command](args, data_dir)
    from workaid.cli_escalation import COMMANDS

    return COMMANDS[command](args, _library(data_dir))


def _setup_logging(data_dir: Path) -> None:
    """The log file; a data folder that cannot be written (read-only) still lets the
    desk search what it holds, so this is said once, not fatal."""
    from workaid.core import logs

    try:
        logs.setup(data_dir)
    except OSError as e:
        print(
            f"workaid: not keeping a log: cannot write {logs.log_file(data_dir)} ({e.strerror or e}).", file=sys.stderr
        )


def _output_closed() -> int:
    """The reader of our output went away (`workaid search a | head -1`): stop quietly.
    stdout is pointed at devnull so the interpreter's final flush raises nothing."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_OK


def _exit_code_for(e: BaseException, data_dir: Path) -> int | None:
    """Print the sentence for an error the user can act on and return its exit code;
    None for a bug (re-raised: a traceback, logged)."""
    import errno
    import sqlite3

    from workaid.core.errors import ConfigError, EnvironmentProblem
    from workaid.core.schema import environment_problem

    if isinstance(e, ConfigError):
        print(f"workaid: {e}", file=sys.stderr)
        return EXIT_REJECTED
    if isinstance(e, sqlite3.OperationalError):
        mapped = environment_problem(e, data_dir / "content.db", "database")
        if mapped is None:
            return None
        e = mapped
    if isinstance(e, EnvironmentProblem):
        print(f"workaid: {e}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    if isinstance(e, OSError):
        where = Path(e.filename) if e.filename else None
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            folder = (where.parent if where and not where.is_dir() else where) or data_dir
            print(
                f"workaid: the disk holding {folder} is full; nothing was changed. Free some space there and try again.",
                file=sys.stderr,
            )
        else:
            print(f"workaid: {e.strerror or e}: {where or data_dir}. Check the disk and try again.", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return None


def _library(data_dir: Path) -> Library:
    """The desk's library, filled when empty; after damage, rebuilt from the newest
    content it can verify (Library.rebuild), and the rep is told how."""
    from workaid.core.distribution.refill import open_library

    lib = open_library(data_dir)
    if lib.store.read_only:
        if lib.store.count() == 0:
            from workaid.core.errors import EnvironmentProblem

            raise EnvironmentProblem(
                f"The content database in {data_dir} is empty and that folder is read-only for this user."
            )
        return lib
    if lib.needs_bundled_import() or lib.rebuild_pending():
        lib.load_bundled()
    if lib.store.damage is not None:
        print(f"workaid: {lib.status().note}.", file=sys.stderr)
    return lib


def _print_problems(folder: Path, problems: Sequence[Problem]) -> None:
    """Each problem as `path:line — message`, with paths an editor can open."""
    for p in problems:
        where = folder / p.source if p.source else folder
        print(f"{where}:{p.line} — {p.message}" if p.line else f"{where} — {p.message}", file=sys.stderr)


def _problems(e: ContentError) -> list[Problem]:
    """The error's problems: content.cards.Problem items (core.errors stands below the
    content wing, so it cannot name their type)."""
    return cast("list[Problem]", e.problems)


def _print_skipped(folder: Path, skipped: Sequence[Skipped] | None = None) -> None:
    """Files that look like cards but were not loaded (sync debris, hidden, links), as notes."""
    if skipped is None:
        from workaid.core.content.folder import skipped_files

        skipped = skipped_files(folder)
    for s in skipped:
        print(f"note: {folder / s.source} — skipped: {s.reason}")


def _print_warnings(folder: Path, warnings: Sequence[Problem]) -> None:
    """What an owner should look at but that does not stop the cards loading, as `warning: path:line — …`."""
    for w in warnings:
        where = folder / w.source if w.source else folder
        print(f"warning: {where}:{w.line} — {w.message}" if w.line else f"warning: {where} — {w.message}")


def _check(folder: Path) -> int:
    from workaid.core.content.folder import load_folder

    result = load_folder(folder)
    _print_problems(folder, result.problems)
    _print_warnings(folder, result.warnings)
    _print_skipped(folder, result.skipped)
    bad = len({p.source for p in result.problems})
    print(f"{result.files} files: {len(result.cards)} valid cards, {bad} rejected")
    return EXIT_REJECTED if result.problems or not result.cards else EXIT_OK


def _search(args: argparse.Namespace, data_dir: Path) -> int:
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
        stale = "  [STALE]" if r.is_stale() else ""
        print(f"{n:>2}. {r.title}  ({r.kind}; {r.id}){stale}")
        print(f"    {r.snippet.marked('[', ']')}")
    return EXIT_OK


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.content.library import Library
    from workaid.core.distribution.config import load_config
    from workaid.core.errors import ContentError

    share = load_config().share
    if share:
        # The next sync would see the share's pointer unchanged and say "Up to date"
        # while the desk holds only the imported cards: refuse instead of diverging.
        print(
            f"workaid: this desk syncs from {share}; a local import would be replaced by nothing and hide the "
            f"share's cards. Use `workaid check {args.folder}` to validate the folder, publish it to the share, "
            "or unset 'share' in workaid.toml to run this desk on local cards. Nothing was loaded.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    lib = Library(data_dir)
    try:
        report = lib.import_folder(args.folder)
    except ContentError as e:
        _print_problems(args.folder, _problems(e))
        _print_skipped(args.folder)
        print(
            f"Nothing was loaded: {len(e.problems)} problem(s) in {args.folder}. Fix them and import again.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    _print_warnings(args.folder, report.warnings)
    _print_skipped(args.folder)
    print(
        f"Loaded {report.total:,} cards from {args.folder}: {report.added} added, {report.changed} changed, "
        f"{report.removed} removed, {report.unchanged} unchanged."
    )
    return EXIT_OK


def _show(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.content.limits import expand_limits

    card = _library(data_dir).card(args.card_id)
    if card is None:
        print(f"workaid: no card with id '{args.card_id}'", file=sys.stderr)
        return EXIT_REJECTED
    print(
        f"# {card.title}\n\nkind: {card.kind}   tags: {', '.join(card.tags) or '-'}   owner: {card.owner or '-'}   "
        f"review by: {card.review_by or '-'}{'  (STALE)' if card.is_stale() else ''}\n"
    )
    print(expand_limits(card.body, card.fields).strip())
    return EXIT_OK


def _history(args: argparse.Namespace, data_dir: Path) -> int:
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
        title = r["title"] or "(title not recorded: published before WorkAid kept titles)"
        print(f"v{r['version']}  {r['published_at'] or r['recorded_at']}{who}  {r['sha256'][:12]}  {title}{note}")
    return EXIT_OK


def _passphrase(confirm: bool) -> str | None:
    import getpass
    import os

    if os.environ.get("WORKAID_KEY_PASSPHRASE"):
        return os.environ["WORKAID_KEY_PASSPHRASE"]
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("Passphrase for the publisher key: ")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise SystemExit("workaid: the two passphrases differ; nothing was written")
    return first or None


def _keygen(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.distribution import keys

    passphrase = _passphrase(confirm=True) if args.passphrase else None
    if args.passphrase and not passphrase:
        print("workaid: --passphrase needs a terminal to ask on, or $WORKAID_KEY_PASSPHRASE", file=sys.stderr)
        return EXIT_USAGE
    key_path, pub_path = keys.generate(args.out, passphrase)
    pub = keys.load_public_key(str(pub_path))
    print(
        f"Private key: {key_path} (keep it secret; owner-only permissions{', passphrase-protected' if passphrase else ''})"
    )
    print(f"Public key:  {pub_path}  id {keys.key_id(pub)}")
    print(f"Give IT the public key file, or this line for trusted_keys:\n  {keys.public_key_text(pub)}")
    return EXIT_OK


def _load_private(path: Path) -> PrivateKey:
    from workaid.core.distribution import keys

    try:
        return keys.load_private_key(path, None)
    except keys.KeyProblem as e:
        passphrase = _passphrase(confirm=False)
        if passphrase is None:
            raise e
        return keys.load_private_key(path, passphrase)


def _trusted(
    args_keys: list[str] | None, overrides: dict[str, str | None] | None = None
) -> tuple[list[PublicKey], Config]:
    from workaid.core.distribution import keys
    from workaid.core.distribution.config import load_config

    config = load_config({"trusted_keys": args_keys, **(overrides or {})})
    return [keys.load_public_key(k) for k in config.trusted_keys], config


def _publish(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.distribution import pack
    from workaid.core.errors import ContentError

    private_key = _load_private(args.key)
    author = args.author
    try:
        trusted, config = _trusted(None)
        author = author or config.author
    except Exception as e:  # a desk config is not needed to publish
        log.info("no trusted keys from configuration (%s); verifying the share with the publisher's own key", e)
        trusted = []
    try:
        report = pack.publish(args.source, args.share, private_key, note=args.note, author=author, trusted=trusted)
    except ContentError as e:
        _print_problems(args.source, _problems(e))
        _print_skipped(args.source)
        print(f"Nothing was published: {len(e.problems)} problem(s) in {args.source}.", file=sys.stderr)
        return EXIT_REJECTED
    except (pack.PublishConflict, pack.PackError) as e:
        print(f"workaid: {e}", file=sys.stderr)
        return EXIT_REJECTED
    for line in report.notes:
        print(f"note: {line}")
    _print_warnings(args.source, report.warnings)
    if report.nothing:
        print(f"Nothing to publish: {args.share} already has these {report.unchanged} cards.")
        return EXIT_OK
    print(
        f"Published serial {report.serial} to {args.share}: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed, {report.unchanged} unchanged."
    )
    for label, ids in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if ids and len(ids) <= 20:
            print(f"  {label}: {', '.join(ids)}")
    return EXIT_OK


def _checkout(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.distribution import pack

    trusted, _ = _trusted(args.trusted_key)
    try:
        report = pack.check_out(args.share, args.dest, trusted, force=args.force)
    except (pack.PackError, pack.UnpublishedEdits) as e:
        print(f"workaid: {e}", file=sys.stderr)
        return EXIT_REJECTED
    if report.backup:
        print(f"Kept {len(report.kept)} edited file(s) that were never published in {report.backup}.")
    print(
        f"Wrote {report.written} cards to {args.dest}. Edit them there, then: workaid publish {args.dest} {args.share} --key KEY"
    )
    return EXIT_OK


def _sync(args: argparse.Namespace, data_dir: Path) -> int:
    from workaid.core.distribution.share import open_share
    from workaid.core.distribution.sync import Syncer, SyncFailed, sync_status
    from workaid.core.errors import EnvironmentProblem

    trusted, config = _trusted(args.trusted_key, {"share": args.share})
    if not config.share:
        print(
            "workaid: no shared folder is configured (set 'share' in workaid.toml, or pass --share); "
            "this desk stays on its current content.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    lib = _library(data_dir)
    try:
        result = Syncer(lib, open_share(config.share), trusted).sync_once()
    except SyncFailed as e:
        print(f"workaid: sync from {config.share} failed: {e}", file=sys.stderr)
        print(f"Still using: {sync_status(lib).describe()}", file=sys.stderr)
        # An unreachable, hung or full share is worth a retry; a pack that fails its checks is not.
        return EXIT_ENVIRONMENT if isinstance(e.__cause__, EnvironmentProblem) else EXIT_REJECTED
    print(result.describe())
    print(sync_status(lib).describe())
    return EXIT_OK


def _config(args: argparse.Namespace, data_dir: Path) -> int:
    """The effective configuration (TOML lines with their sources, then the files
    consulted), then the data folder and log file as comments: the output stays
    something a line of which can be pasted into workaid.toml."""
    from workaid.core import logs
    from workaid.core.distribution.config import describe, load_config
    from workaid.core.doctor import data_dir_source

    print(describe(load_config()))
    print(f"\n# data folder: {data_dir}    # from {data_dir_source(args.data_dir)}")
    print(f"# log file:    {logs.log_file(data_dir)}")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "search": _search,
    "import": _import,
    "show": _show,
    "history": _history,
    "keygen": _keygen,
    "publish": _publish,
    "checkout": _checkout,
    "sync": _sync,
    "config": _config,
}
