"""A guideline's discretion table in words: the one place limits are worded.

The desk enforces the structured ``discretion`` block, so a figure typed by hand in
the body can drift from it (the desk saying "senior-rep: up to £28" above a card table
that says £24). Cards therefore show their limits through a ``{{limits}}`` line, which
`expand_limits` turns into a table built from the block itself, and `disagreements`
finds hand-written amounts that contradict it, for `check` to warn about.

The row wording ("£12", "once per 12 months", "if first-offence and …") is here and
only here: the desk's authority answer and its change banner word limits through it,
so the card's table and the desk's answer cannot say different things.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MARKER = "{{limits}}"

_CURRENCY = {"GBP": "£", "EUR": "€", "USD": "$"}
# The marker on a line of its own (up to three spaces in: four would make it code).
_MARKER_LINE = re.compile(r"^ {0,3}\{\{[ \t]*limits[ \t]*\}\}[ \t]*$")
_MARKER_ANY = re.compile(r"\{\{[ \t]*limits[ \t]*\}\}")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
# Words that make an amount a ceiling ("up to £28"), looked for just before it.
_LIMIT_WORDS = re.compile(
    r"(?:up\s+to|upto|max(?:imum)?|limit(?:ed)?(?:\s+(?:of|is|to))?|at\s+most|no\s+more\s+than|"
    r"ceiling(?:\s+of)?|cap(?:ped)?(?:\s+(?:of|at))?)\W{0,3}$",
    re.I,
)


@dataclass(frozen=True)
class RoleLimit:
    """One row of a discretion table."""

    role: str
    max_amount: Decimal
    conditions: tuple[str, ...] = ()
    per_count: int | None = None
    per_months: int | None = None

    def describe(self, unit: str) -> str:
        """The row as a rep would read it out, e.g. 'rep: up to £12, once per 12 months, if first-offence'."""
        if self.max_amount == 0:
            parts = [f"{self.role}: {NOTHING}"]
        else:
            parts = [f"{self.role}: up to {money(self.max_amount, unit, short=True)}"]
        if self.per_count:
            parts.append(how_often(self.per_count, self.per_months))
        if self.conditions:
            parts.append("if " + conditions_words(self.conditions))
        return ", ".join(parts)


NOTHING = "nothing (may not grant this)"


@dataclass(frozen=True)
class Limits:
    """A card's discretion table as read for showing it (see `read_limits`)."""

    unit: str
    escalate_to: str
    roles: tuple[RoleLimit, ...]


# -- the words -----------------------------------------------------------------------
def money(amount: Decimal, unit: str, short: bool = False) -> str:
    """An amount in its unit: £12.00 (or £12 when `short` and whole), CHF 12.00, 3 credits."""
    if amount == amount.to_integral_value() and short:
        number = f"{amount:,.0f}"
    elif amount == amount.quantize(Decimal("0.01")):
        number = f"{amount:,.2f}"
    else:
        number = f"{amount.normalize():,f}"
    unit = unit.strip()
    if unit.upper() in _CURRENCY:
        return f"{_CURRENCY[unit.upper()]}{number}"
    if re.fullmatch(r"[A-Z]{3}", unit):
        return f"{unit} {number}"
    return f"{number} {unit}"


def unit_symbol(unit: str) -> str:
    """What to show by an amount field: £ for GBP, else the unit itself (CHF, credits)."""
    unit = str(unit).strip()
    return _CURRENCY.get(unit.upper(), unit)


def times_word(n: int | None) -> str:
    """1 -> 'once', 2 -> 'twice', 3 -> '3 times'."""
    return {1: "once", 2: "twice"}.get(n or 0, f"{n} times")


def how_often(count: int | None, months: int | None) -> str:
    """'once per 12 months', 'twice per 6 months'."""
    return f"{times_word(count)} per {months} months"


def conditions_words(conditions: Sequence[str]) -> str:
    """'first-offence and account-in-good-standing' (the names as the card and the desk's fact boxes use them)."""
    return " and ".join(conditions)


# -- reading the table ------------------------------------------------------------------
def read_limits(fields: Mapping[str, Any] | None) -> Limits | None:
    """The card's discretion table, or None when it has none or it cannot be read.

    Lenient and never raising: a stored card was validated on import, and a draft in
    the editor that is half typed simply shows no table until it reads (the parser
    reports what is wrong with it).
    """
    d = (fields or {}).get("discretion") if isinstance(fields, Mapping) else None
    if not isinstance(d, Mapping):
        return None
    unit, escalate_to, rows = d.get("unit"), d.get("escalate_to"), d.get("roles")
    if isinstance(unit, bool) or not isinstance(unit, (str, int)) or not str(unit).strip():
        return None
    if not isinstance(escalate_to, str) or not escalate_to.strip() or not isinstance(rows, list) or not rows:
        return None
    out: list[RoleLimit] = []
    for row in rows:
        limit = _row(row)
        if limit is None:
            return None
        out.append(limit)
    return Limits(str(unit).strip(), escalate_to.strip(), tuple(out))


def _row(row: Any) -> RoleLimit | None:
    if not isinstance(row, Mapping) or not isinstance(row.get("role"), str) or not row["role"].strip():
        return None
    amount = _decimal(row.get("max_amount"))
    conditions = row.get("conditions") or []
    if amount is None or amount < 0 or not isinstance(conditions, list):
        return None
    per = row.get("per_customer")
    count = months = None
    if isinstance(per, Mapping):
        count, months = per.get("count"), per.get("months")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (count, months)):
            return None
    elif per is not None:
        return None
    return RoleLimit(row["role"].strip(), amount, tuple(str(c).strip() for c in conditions), count, months)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


# -- the table the marker shows -----------------------------------------------------------
def limits_markdown(fields: Mapping[str, Any] | None) -> str | None:
    """The discretion table as Markdown (who | up to | how often | only if), then who decides beyond it.

    None when the card has no readable discretion table.
    """
    limits = read_limits(fields)
    if limits is None:
        return None
    lines = ["| Who | Up to | How often | Only if |", "| --- | --- | --- | --- |"]
    for r in limits.roles:
        if r.max_amount == 0:
            cells = [r.role, NOTHING, "—", "—"]
        else:
            cells = [
                r.role,
                money(r.max_amount, limits.unit, short=True),
                how_often(r.per_count, r.per_months) if r.per_count else "no limit",
                conditions_words(r.conditions) if r.conditions else "—",
            ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    lines.append(f"Beyond that: {_cell(limits.escalate_to)} decides.")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a table cell: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def _lines(body: str) -> Iterator[tuple[int, str]]:
    """(0-based line number, line) of the body's lines outside fenced code blocks."""
    fence: str | None = None
    for n, line in enumerate(body.split("\n")):
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
            continue
        if fence is None:
            yield n, line


def marker_lines(body: str) -> list[tuple[int, bool]]:
    """(0-based body line, whether the marker is on a line of its own) for every marker outside code."""
    if "{{" not in body:
        return []
    return [(n, bool(_MARKER_LINE.match(line))) for n, line in _lines(body) if _MARKER_ANY.search(line)]


def expand_limits(body: str, fields: Mapping[str, Any] | None) -> str:
    """The body with each ``{{limits}}`` line replaced by the card's own limits table.

    What a rep reads (the card view, `workaid show`, the search index) goes through
    here. A body without the marker, or a card without a readable table, comes back
    unchanged (the parser refuses a marker on a card with no table).
    """
    found = [n for n, own in marker_lines(body) if own]
    if not found:
        return body
    table = limits_markdown(fields)
    if table is None:
        return body
    lines = body.split("\n")
    for n in found:
        lines[n] = f"\n{table}\n"
    return "\n".join(lines)


# -- hand-written amounts that disagree ----------------------------------------------------
def disagreements(fields: Mapping[str, Any] | None, body: str, body_line: int = 1) -> list[tuple[int, str]]:
    """(file line, warning) for each amount the body states for a role that the table contradicts.

    Only lines that name one of the table's roles are read (a table row or prose), so
    the fee itself ("the late-payment fee is £12") is never taken for a limit. On such
    a line, an amount in the table's unit that is none of the table's amounts is
    reported when it is written as a ceiling ("up to £28") or is more than the nearest
    named role may grant; a smaller amount without "up to" is an example within the
    limit ("under 12 hours: £5, rep") and is left alone. Amounts next to the role that
    decides beyond every limit are left alone too: the table sets no limit for it.
    """
    limits = read_limits(fields)
    if limits is None or not body:
        return []
    amount_re = _amount_pattern(limits.unit)
    role_res = _role_patterns([r.role for r in limits.roles] + [limits.escalate_to])
    known = {r.max_amount for r in limits.roles}
    rows = {r.role: r for r in limits.roles}
    # A plain substring test first: most lines of a long card name no amount at all.
    code = limits.unit.strip().upper()
    if code in _CURRENCY:
        marks = {_CURRENCY[code].lower(), code.lower()}
    else:  # a unit of its own ("credits"): its singular is in its plural too
        marks = {limits.unit.strip().lower().removesuffix("s") or limits.unit.strip().lower()}
    out: list[tuple[int, str]] = []
    for n, line in _lines(body):
        lowered = line.lower()
        if not any(m in lowered for m in marks) or not amount_re.search(line):
            continue
        named = _roles_on(line, role_res)
        if not named:
            continue
        for m in amount_re.finditer(line):
            amount = _decimal(
                ((m.group("n1") or m.group("n2")) or "").replace(",", "") + (m.group("f1") or m.group("f2") or "")
            )
            if amount is None or amount in known:
                continue
            role = min(named, key=lambda r: max(r[0] - m.end(), m.start() - r[1], 0))[2]
            row = rows.get(role)
            if row is None:
                continue
            ceiling = _LIMIT_WORDS.search(line[max(0, m.start() - 24) : m.start()]) is not None
            if ceiling or amount > row.max_amount:
                said = " ".join(m.group(0).split())
                table = money(row.max_amount, limits.unit, short=True) if row.max_amount else "nothing"
                out.append(
                    (
                        body_line + n,
                        f"the body says {said} for {role}, but the discretion table says {table}; "
                        f"use {MARKER} to show the table's own figures",
                    )
                )
    return out


def _amount_pattern(unit: str) -> re.Pattern[str]:
    """An amount written in `unit`: £24, £24.00, GBP 24, 24 GBP; CHF 24; 24 credits."""
    unit = unit.strip()
    code = unit.upper()
    before = [re.escape(_CURRENCY[code]), re.escape(code)] if code in _CURRENCY else [re.escape(unit)]
    after = [re.escape(code)] if code in _CURRENCY else [re.escape(unit) + ("s?" if unit[-1:].isalpha() else "")]
    lead = "|".join(before)
    tail = "|".join(after)
    return re.compile(
        rf"(?:(?:{lead})\s?(?P<n1>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<f1>\.\d+)?(?![\d])"
        rf"|(?<![\d.,])(?P<n2>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<f2>\.\d+)?\s?(?:{tail})(?![\w]))",
        re.I,
    )


def _role_patterns(roles: Sequence[str]) -> list[tuple[str, re.Pattern[str]]]:
    """A pattern per role name, longest first, matching 'senior-rep', 'senior rep', 'Senior reps'."""
    out = []
    for role in sorted(dict.fromkeys(roles), key=len, reverse=True):
        parts = [re.escape(p) for p in re.split(r"[-_\s]+", role) if p]
        if parts:
            out.append((role, re.compile(r"(?<![\w-])" + r"[-_\s]+".join(parts) + r"(?:s|'s)?(?![\w-])", re.I)))
    return out


def _roles_on(line: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[int, int, str]]:
    """(start, end, role) of each role named on `line`; a longer name hides the shorter one inside it."""
    found: list[tuple[int, int, str]] = []
    for role, pattern in patterns:
        for m in pattern.finditer(line):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), role))
    return found
