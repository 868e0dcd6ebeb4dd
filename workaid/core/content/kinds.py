"""Card kinds: which keys each kind holds, and the rules each kind's fields must meet.

The parser (cards.py) checks the keys every card shares, then hands a kind's own
fields to `check_kind`; a kind with nothing of its own to check (scenario) simply has
no entry in the registry. The checks report through the parser's `bad`, so every
problem is located in the file like the parser's own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any, TypeGuard

KINDS = ("guideline", "script", "checklist", "contact", "scenario")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "guideline": ("discretion",),
    "script": ("placeholders", "variant"),
    "checklist": ("steps",),
    "contact": ("team", "topics", "channel", "direct", "hours", "timezone"),
    "scenario": (),
}
OUTCOMES = ("handle", "expert", "supervisor")
CHANNELS = ("phone", "email", "chat", "ticket", "transfer")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
PLACEHOLDER_RE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")

# Where a problem is: a path of keys and list positions in the front matter, or a
# file line (a placeholder's first use in the body).
Where = tuple[Any, ...] | int
Report = Callable[[Where, str], None]
KindCheck = Callable[[dict[str, Any], str, Report, int], None]


def check_kind(kind: str, fields: dict[str, Any], body: str, bad: Report, body_line: int = 1) -> None:
    """Apply `kind`'s own rules to its fields (and, for a script, its body)."""
    check = _CHECKS.get(kind)
    if check is not None:
        check(fields, body, bad, body_line)
    _check_limits_marker(kind, fields, body, bad, body_line)


def placeholders_in(body: str) -> list[str]:
    """Placeholder names used in a script body, in order of first use."""
    names: list[str] = []
    for m in PLACEHOLDER_RE.finditer(body):
        if m.group(1) is not None and m.group(1) not in names:
            names.append(m.group(1))
    return names


# -- value helpers, shared with the parser's checks of the common keys ----------------
def as_text(value: Any) -> str | None:
    """A scalar as the text it stands for (numbers too); None for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def shown(value: Any, limit: int = 60) -> str:
    """A value for a message: quoted, short, and safe for any type (even a huge int)."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def closest(word: str, options: list[str]) -> str | None:
    """The option a typo most likely meant, for a "did you mean" hint."""
    import difflib  # lazy: only a card with a typo needs it

    found = difflib.get_close_matches(word, options, n=1, cutoff=0.7)
    return found[0] if found else None


def _number(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v not in (float("inf"), float("-inf"))


def _whole_above_zero(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


# -- the kinds --------------------------------------------------------------------------
def _check_guideline(fields: dict[str, Any], body: str, bad: Report, body_line: int = 1) -> None:
    d = fields.get("discretion")
    if d is None:
        return
    if not isinstance(d, dict):
        bad(("discretion",), "discretion must be a block with unit, escalate_to and roles")
        return
    for key in d:
        if key not in ("unit", "escalate_to", "roles"):
            bad(("discretion", key), f"unknown key '{key}' in discretion")
    if not as_text(d.get("unit")):
        bad(("discretion",), "discretion needs a 'unit' (e.g. GBP)")
    if not isinstance(d.get("escalate_to"), str) or not d["escalate_to"].strip():
        bad(("discretion",), "discretion needs 'escalate_to': who decides beyond every limit")
    roles = d.get("roles")
    if not isinstance(roles, list) or not roles:
        bad(("discretion", "roles") if "roles" in d else ("discretion",), "discretion needs a list of 'roles'")
        return
    seen: set[str] = set()
    for i, r in enumerate(roles):
        where = ("discretion", "roles", i)
        if not isinstance(r, dict):
            bad(where, "each role must be a block with role and max_amount")
            continue
        for key in r:
            if key not in ("role", "max_amount", "per_customer", "conditions"):
                bad((*where, key), f"unknown key '{key}' in a discretion role")
        name = r.get("role")
        if not isinstance(name, str) or not ID_RE.match(name):
            bad(where, "role needs a name such as rep or senior-rep")
        elif name in seen:
            bad((*where, "role"), f"role '{name}' is listed twice")
        else:
            seen.add(name)
        amt = r.get("max_amount")
        if not _number(amt) or amt < 0:
            bad((*where, "max_amount") if "max_amount" in r else where, "max_amount must be a number of 0 or more")
        pc = r.get("per_customer")
        if pc is not None:
            ok = (
                isinstance(pc, dict)
                and set(pc) <= {"count", "months"}
                and all(_whole_above_zero(pc.get(k)) for k in ("count", "months"))
            )
            if not ok:
                bad((*where, "per_customer"), "per_customer must be {count: N, months: M} with whole numbers above 0")
        conds = r.get("conditions")
        if conds is not None and (
            not isinstance(conds, list) or not all(isinstance(c, str) and ID_RE.match(c) for c in conds)
        ):
            bad((*where, "conditions"), "conditions must be a list of names like first-offence")
    # Authority is cumulative (a senior rep may grant what a rep may), so limits must
    # not shrink up the list, and one "times used" answer must fit every row.
    amounts = [
        (i, r["max_amount"]) for i, r in enumerate(roles) if isinstance(r, dict) and _number(r.get("max_amount"))
    ]
    for (_, lower), (i, higher) in itertools.pairwise(amounts):
        if higher < lower:
            bad(
                ("discretion", "roles", i, "max_amount"),
                "max_amount must not be lower than the role above it in the list (roles go from least to most authority)",
            )
    months = {
        shown(r["per_customer"].get("months"))
        for r in roles
        if isinstance(r, dict) and isinstance(r.get("per_customer"), dict)
    }
    if len(months) > 1:
        bad(("discretion", "roles"), "every role's per_customer must count over the same number of months")
    if isinstance(d.get("escalate_to"), str) and d["escalate_to"] in seen:
        bad(
            ("discretion", "escalate_to"),
            f"escalate_to '{d['escalate_to']}' is also a listed role; it should be the role above them all",
        )


def _check_limits_marker(kind: str, fields: dict[str, Any], body: str, bad: Report, body_line: int) -> None:
    """A {{limits}} marker must stand on its own line, on a card whose discretion table it can show."""
    from workaid.core.content.limits import MARKER, marker_lines

    for n, own in marker_lines(body):
        if not own:
            if kind != "script":  # in a script, {{ and }} are also how literal braces are written
                bad(body_line + n, f"{MARKER} must be on a line of its own, where the limits table goes")
        elif kind != "guideline":
            bad(body_line + n, f"{MARKER} shows a guideline's discretion table, and a {kind} card has none; remove it")
        elif fields.get("discretion") is None:
            bad(
                body_line + n,
                f"{MARKER} shows the card's discretion table, but this card has none: "
                "add a 'discretion' block to the front matter, or remove the marker",
            )


def _first_use_lines(body: str, body_line: int) -> dict[str, int]:
    """Each placeholder name used in the body -> the file line of its first use."""
    lines: dict[str, int] = {}
    for m in PLACEHOLDER_RE.finditer(body):
        if m.group(1) is not None and m.group(1) not in lines:
            lines[m.group(1)] = body_line + body.count("\n", 0, m.start())
    return lines


def _check_script(fields: dict[str, Any], body: str, bad: Report, body_line: int = 1) -> None:
    ph = fields.get("placeholders", {}) or {}
    if not isinstance(ph, dict):
        bad(("placeholders",), "placeholders must be 'name: description' lines")
        return
    for name, desc in ph.items():
        if not isinstance(name, str) or not NAME_RE.match(name):
            bad(("placeholders", name), f"placeholder name {shown(name)} must be like customer_name")
        if as_text(desc) is None:
            bad(("placeholders", name), f"placeholder '{name}' needs a description")
    used = placeholders_in(body)
    declared = [n for n in ph if isinstance(n, str)]
    suggested: set[str] = set()
    for name, line in _first_use_lines(body, body_line).items():
        if name in ph:
            continue
        guess = closest(name, declared) or closest(re.sub(r"\W+", "_", name.strip().lower()), declared)
        if guess:
            suggested.add(guess)
            bad(line, f"the text uses {{{name}}}, which 'placeholders' does not declare — did you mean {{{guess}}}?")
        else:
            bad(line, f"the text uses {{{name}}} but 'placeholders' does not declare it")
    for name in declared:
        if name not in used and name not in suggested:
            bad(("placeholders", name), f"placeholder '{name}' is declared but the text never uses {{{name}}}")
    variant = fields.get("variant")
    if variant is not None and variant not in ("rep", "manager"):
        bad(("variant",), "variant must be rep or manager")


def _check_checklist(fields: dict[str, Any], body: str, bad: Report, body_line: int = 1) -> None:
    steps = fields.get("steps")
    if not isinstance(steps, list) or not steps:
        bad(("steps",) if "steps" in fields else (), "a checklist needs a list of 'steps'")
        return
    ids: list[str] = []
    for i, s in enumerate(steps):
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            if s["id"] in ids:
                bad(("steps", i, "id"), f"step id '{s['id']}' is used twice")
            ids.append(s["id"])
    for i, s in enumerate(steps):
        where = ("steps", i)
        if not isinstance(s, dict):
            bad(where, "each step must be a block with id, question, yes and no")
            continue
        for key in s:
            if key not in ("id", "question", "yes", "no", "help"):
                bad((*where, key), f"unknown key '{key}' in a step")
        if not isinstance(s.get("id"), str) or not NAME_RE.match(s["id"].replace("-", "_")):
            bad(where, "step needs an 'id' such as abusive or beyond-knowledge")
        if not as_text(s.get("question")):
            bad(where, "step needs a 'question'")
        for answer in ("yes", "no"):
            a = s.get(answer)
            if a is None:
                bad(where, f"step needs a '{answer}' answer: a next step id or {{outcome: …}}")
            elif isinstance(a, str):
                if a not in ids:
                    bad((*where, answer), f"'{answer}' leads to step '{a}', which does not exist")
                elif ids.index(a) <= i:
                    bad((*where, answer), f"'{answer}' leads back to step '{a}'; steps may only lead forward")
            elif isinstance(a, dict):
                if a.get("outcome") not in OUTCOMES:
                    bad((*where, answer), f"outcome must be one of: {', '.join(OUTCOMES)}")
                for key in a:
                    if key not in ("outcome", "reason", "card"):
                        bad((*where, answer, key), f"unknown key '{key}' in an outcome")
                if not as_text(a.get("reason")):
                    bad((*where, answer), "an outcome needs a 'reason' the rep can read out or log")
            else:
                bad((*where, answer), f"'{answer}' must be a step id or {{outcome: …}}")


def _check_contact(fields: dict[str, Any], body: str, bad: Report, body_line: int = 1) -> None:
    if not as_text(fields.get("team")):
        bad(("team",) if "team" in fields else (), "a contact needs a 'team'")
    topics = fields.get("topics")
    if not isinstance(topics, list) or not topics or not all(as_text(t) for t in topics):
        bad(("topics",) if "topics" in fields else (), "a contact needs a list of 'topics'")
    if fields.get("channel") not in CHANNELS:
        bad(("channel",) if "channel" in fields else (), f"channel must be one of: {', '.join(CHANNELS)}")
    if not as_text(fields.get("direct")):
        bad(("direct",) if "direct" in fields else (), "a contact needs 'direct': a number or address to reach them")
    hours = fields.get("hours")
    if hours is not None:
        from workaid.core.content.hours import HoursError, parse_hours

        try:
            parse_hours(hours)  # the same parser the callback check uses, so every part is checked
        except HoursError as e:
            bad(("hours",), f"{e} (hours look like 'Mon-Fri 08:00-18:00, Sat 09:00-13:00')")
        tz = fields.get("timezone")
        if not isinstance(tz, str):
            bad(("hours",), "hours need a 'timezone' such as Europe/London")
        else:
            try:
                import zoneinfo

                zoneinfo.ZoneInfo(tz)
            except Exception:
                bad(("timezone",), f"timezone {shown(tz)} is not a known IANA time-zone name")


_CHECKS: dict[str, KindCheck] = {
    "guideline": _check_guideline,
    "script": _check_script,
    "checklist": _check_checklist,
    "contact": _check_contact,
}
