"""`workaid authority` and `workaid script`: the escalation desk from a terminal.

Content owners use these to check a card's discretion table or script the way a
rep would meet it, and automation uses `--json`. cli.py builds the command's parser
with `add_arguments(name, parser)` and calls `COMMANDS[name](args, library)`.

Exit codes follow cli.py: 0 done; 1 the input or the card was rejected (the
message says why, on stderr); 2 wrong usage (argparse).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from workaid.core.content.library import Library

EXIT_OK, EXIT_REJECTED = 0, 1

_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


# What each command says of itself under `workaid COMMAND --help`; the one-line help
# for `workaid --help` is in workaid.cli.COMMAND_HELP.
DESCRIPTIONS = {
    "authority": "Check a guideline card's discretion table: what the given role may offer now, "
    "and who decides otherwise. A condition not given with --fact counts as not confirmed.",
    "script": "Fill a script card's {placeholders}. Anything left unfilled is printed as [name?] "
    "and the command exits 1 naming it.",
}


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    """The arguments of `workaid authority` or `workaid script`."""
    p.description = DESCRIPTIONS[command]
    if command == "authority":
        p.add_argument(
            "card_id", metavar="CARD_ID", help="a guideline card with a discretion table, e.g. late-fee-waiver"
        )
        p.add_argument("--role", required=True, help="your role, e.g. rep, senior-rep, supervisor")
        p.add_argument("--amount", required=True, help="how much the customer asks for, e.g. 12.50")
        p.add_argument(
            "--fact",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a condition and whether it holds, e.g. first-offence=yes (yes/no, true/false, 1/0); repeat for each",
        )
        p.add_argument(
            "--used",
            metavar="N",
            help="how many times this customer already had this in the card's period (default: not checked)",
        )
        p.add_argument("--json", action="store_true", help="print the decision as JSON")
    else:
        p.add_argument("card_id", metavar="CARD_ID", help="a script card, e.g. script-apology-rep")
        p.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            dest="values",
            help="a placeholder's value, e.g. customer_name='Ann Lee'; repeat for each",
        )


def _fail(message: str) -> int:
    print(f"workaid: {message}", file=sys.stderr)
    return EXIT_REJECTED


def _pairs(items: list[str], option: str) -> tuple[list[tuple[str, str]], str | None]:
    """NAME=VALUE strings split at the first '=', or the message for the first bad one."""
    out = []
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            return (
                [],
                f"{option} {item!r} is not NAME=VALUE, e.g. {option} {'first-offence=yes' if option == '--fact' else 'customer_name=Ann'}",
            )
        out.append((name.strip(), value))
    return out, None


def _authority(args: argparse.Namespace, library: Library) -> int:
    from workaid.core.desk.authority import AuthorityInputError, decide
    from workaid.core.desk.authority_words import AuthorityAnswer

    card = library.card(args.card_id)
    if card is None:
        return _fail(f"no card with id '{args.card_id}'")
    discretion = card.fields.get("discretion") if card.kind == "guideline" else None
    if not discretion:
        return _fail(
            f"card '{card.id}' ({card.kind}: {card.title}) has no discretion limits. "
            "Cards with limits are tagged 'discretion': try `workaid search fee --tag discretion`."
        )
    pairs, problem = _pairs(args.fact, "--fact")
    if problem:
        return _fail(problem)
    facts: dict[str, bool] = {}
    for name, value in pairs:
        answer = _YES.get(value.strip().lower())
        if answer is None:
            return _fail(f"--fact {name}={value!r}: the value must be yes or no (also true/false or 1/0)")
        if facts.get(name, answer) != answer:
            return _fail(f"--fact {name} is given as both yes and no; give it once")
        facts[name] = answer
    used = None
    if args.used is not None:
        text = args.used.strip()
        if not text.isdigit() or not text.isascii():
            return _fail(
                f"--used {args.used!r} must be a whole number of 0 or more: how many times this customer already had it"
            )
        used = int(text)
    try:
        decision = decide(discretion, args.role, args.amount, facts, used)
    except AuthorityInputError as e:
        return _fail(str(e))
    reply = AuthorityAnswer.of(decision)
    if args.json:
        # The words the panel and the terminal show, beside the data, so automation need not re-word them.
        words = {"label": reply.label, "headline": reply.headline, "offer": reply.offer}
        data = {"card": card.id, "title": card.title, **decision.as_json(), "words": words}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"{card.title} ({card.id}), as {decision.role}:")
        print(reply.text())
    return EXIT_OK


def _script(args: argparse.Namespace, library: Library) -> int:
    from workaid.core.content.kinds import placeholders_in
    from workaid.core.desk.scripts import field_help, fill, placeholder_help, speakable

    card = library.card(args.card_id)
    if card is None:
        return _fail(f"no card with id '{args.card_id}'")
    if card.kind != "script":
        return _fail(
            f"card '{card.id}' is a {card.kind}, not a script; scripts can be listed with `workaid search script --kind script`"
        )
    pairs, problem = _pairs(args.values, "--set")
    if problem:
        return _fail(problem)
    values = dict(pairs)
    body = speakable(card.body)  # the rep's internal summary never goes into words for the customer
    used = placeholders_in(body)
    filled = fill(body, values)
    print(filled.text.rstrip("\n"))
    status = EXIT_OK
    for name in values:
        if name not in used:
            import difflib  # here: every start, the window's too, imports this module for its parsers

            close = difflib.get_close_matches(name, used, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            status = _fail(
                f"'{name}' is not a placeholder in {card.id}{hint}; its placeholders are: {', '.join(used) or 'none'}"
            )
    if filled.missing:
        help_for = placeholder_help(card.fields)
        n = len(filled.missing)
        status = _fail(
            f"{n} placeholder{'s' if n != 1 else ''} left unfilled (shown as [name?]): {', '.join(filled.missing)}"
        )
        for name in filled.missing:
            print(f"  --set {name}=…   {field_help(name, help_for)}".rstrip(), file=sys.stderr)
    return status


COMMANDS: dict[str, Callable[[argparse.Namespace, Library], int]] = {"authority": _authority, "script": _script}
