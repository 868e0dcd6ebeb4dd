"""The authority check: may this rep grant this amount, or who must decide?

A guideline card's ``discretion`` block (docs/card-format.md) lists, from least to
most authority, what each role may grant, how often per customer, and under which
conditions; beyond every row the card names who decides (``escalate_to``).

The answer is deliberately two-sided. Reps escalate too much when they are unsure,
and give too much when nobody tells them the ceiling, so a decision always names
the most *this* rep may offer now, not just a yes or no.

Rules of the reading, chosen to match how the cards are written and taught:

- Authority is cumulative: a role may grant whatever a role below it may (a senior
  rep is never refused what a rep would be allowed).
- A condition the rep has not confirmed counts as not met, and so does an unknown
  waiver history when the row limits how often; the decision then also says what
  the answer would be once those are confirmed (``if_confirmed``), so "not checked
  yet" never reads as "escalate".
- The ``escalate_to`` role, and a standard role ranked at or above it (a manager
  when the card escalates to a supervisor), has no limit on the card.

The sentences a rep reads about a decision are in workaid.core.desk.authority_words.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workaid.core.content.limits import RoleLimit as RoleLimit
from workaid.core.content.limits import how_often
from workaid.core.content.limits import money as money
from workaid.core.content.limits import times_word as times_word
from workaid.core.content.limits import unit_symbol as unit_symbol
from workaid.core.errors import WorkAidError

VERDICTS = ("within", "senior", "escalate")
# The usual ladder, least authority first; used only to place a role the card does not list.
STANDARD_ROLES = ("rep", "senior-rep", "supervisor", "manager")
# No fee or credit a rep asks about comes near this; above it the input is a typo.
MAX_AMOUNT = Decimal("1000000000")
MAX_PLACES = 6  # finer than any price; more is a float artefact or a typo
HISTORY = "times-used"  # the name `unconfirmed` uses for an unknown waiver history

_AMOUNT_RE = re.compile(r"^[£$€]?\s*(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_ROLE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class AuthorityInputError(WorkAidError, ValueError):
    """The amount, role, facts or the card's discretion block cannot be used; the message says why."""


@dataclass(frozen=True)
class Discretion:
    """A card's discretion block, checked and typed."""

    unit: str
    escalate_to: str
    roles: tuple[RoleLimit, ...]

    @classmethod
    def from_fields(cls, discretion: Any) -> Discretion:
        """Read the ``discretion`` block; a malformed one is an input error, never a crash.

        Cards from the store were validated on import, but the check is repeated
        because a caller may hand in any mapping (a draft in the editor, a test).
        """
        if isinstance(discretion, Discretion):
            return discretion
        if not isinstance(discretion, Mapping):
            raise AuthorityInputError(
                "This card has no discretion limits (no 'discretion' block with unit, escalate_to and roles)."
            )
        unit = discretion.get("unit")
        if not isinstance(unit, (str, int)) or isinstance(unit, bool) or not str(unit).strip():
            raise AuthorityInputError("The card's discretion block has no 'unit' (e.g. GBP).")
        escalate_to = discretion.get("escalate_to")
        if not isinstance(escalate_to, str) or not escalate_to.strip():
            raise AuthorityInputError(
                "The card's discretion block does not say who decides beyond every limit ('escalate_to')."
            )
        rows = discretion.get("roles")
        if not isinstance(rows, list) or not rows:
            raise AuthorityInputError("The card's discretion block has no list of roles.")
        limits: list[RoleLimit] = []
        for n, row in enumerate(rows, 1):
            limits.append(_role_limit(row, n, [r.role for r in limits]))
        return cls(str(unit).strip(), _norm_role(escalate_to), tuple(limits))

    def role_names(self) -> list[str]:
        return [r.role for r in self.roles]

    def index(self, role: str) -> int | None:
        names = self.role_names()
        return names.index(role) if role in names else None

    def conditions(self) -> list[str]:
        """Every condition named on the card, in order of first mention."""
        return list(dict.fromkeys(c for r in self.roles for c in r.conditions))


@dataclass(frozen=True)
class Decision:
    """What the rep may do, who decides otherwise, and why.

    ``verdict`` treats anything not confirmed as not met, so it is always safe to act
    on; ``if_confirmed`` is the decision once everything in ``unconfirmed`` checks out
    (None when confirming would change nothing).
    """

    verdict: str
    who: str
    may_offer: Decimal
    deciding_limit: str
    reasons: tuple[str, ...]
    unit: str
    role: str
    amount: Decimal
    unconfirmed: tuple[str, ...] = ()
    if_confirmed: Decision | None = None
    ignored_facts: tuple[str, ...] = ()
    unlimited: bool = False

    def as_json(self) -> dict[str, Any]:
        """Plain JSON data; amounts as strings so no float rounding creeps in."""
        return {
            "verdict": self.verdict,
            "who": self.who,
            "may_offer": _plain_number(self.may_offer),
            "deciding_limit": self.deciding_limit,
            "reasons": list(self.reasons),
            "unit": self.unit,
            "role": self.role,
            "amount": _plain_number(self.amount),
            "unconfirmed": list(self.unconfirmed),
            "if_confirmed": self.if_confirmed.as_json() if self.if_confirmed else None,
            "ignored_facts": list(self.ignored_facts),
        }


# -- input ---------------------------------------------------------------------------
def parse_amount(value: Any) -> Decimal:
    """The amount asked for as a Decimal, or an AuthorityInputError saying what to type.

    Accepts int, float, Decimal and text such as "12", "12.50", "£12.50" or "1,250".
    Floats go through their shortest text form, so 10.1 stays 10.1, not 10.0999….
    """
    if isinstance(value, bool):
        raise AuthorityInputError("The amount must be a number like 12.50, not true/false.")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        if abs(value) > MAX_AMOUNT:
            raise AuthorityInputError(_too_big(value))
        d = Decimal(value)
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise AuthorityInputError("The amount must be a number like 12.50, not NaN or infinity.")
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 40:
            raise AuthorityInputError("The amount is too long to be an amount; type it like 12.50.")
        if not text:
            raise AuthorityInputError("No amount given: type how much the customer is asking for, like 12.50.")
        if text.startswith("-"):
            raise AuthorityInputError(
                f"The amount {text!r} is negative; type how much the customer asks for, like 12.50."
            )
        if not _AMOUNT_RE.match(text) or text.lstrip("£$€ ").startswith(",") or text in ("£", "$", "€"):
            hint = " (use a dot for pence: 12.50)" if re.fullmatch(r"[£$€]?\d+,\d{1,2}", text) else ""
            raise AuthorityInputError(f"The amount {text!r} is not a number{hint}; type it like 12.50.")
        d = Decimal(text.lstrip("£$€ ").replace(",", ""))
    else:
        raise AuthorityInputError(f"The amount must be a number like 12.50, not {type(value).__name__}.")
    if d.is_nan() or d.is_infinite():
        raise AuthorityInputError("The amount must be a number like 12.50, not NaN or infinity.")
    if d < 0:
        raise AuthorityInputError(
            f"The amount {_plain_number(d)} is negative; type how much the customer asks for, like 12.50."
        )
    if d > MAX_AMOUNT:
        raise AuthorityInputError(_too_big(d))
    exponent = d.as_tuple().exponent  # an int: NaN and infinity were refused above
    if (
        d != 0
        and isinstance(exponent, int)
        and exponent < -MAX_PLACES
        and d != d.quantize(Decimal(1).scaleb(-MAX_PLACES))
    ):
        raise AuthorityInputError(f"The amount has more than {MAX_PLACES} decimal places; round it, like 12.50.")
    return d + 0  # drops a negative zero's sign


def _too_big(value: Any) -> str:
    text = str(value)
    shown = text if len(text) <= 20 else text[:20] + "…"
    return f"The amount {shown} is far too large to be a fee or credit (at most {MAX_AMOUNT:,}); check the number."


def _check_facts(facts: Any) -> dict[str, bool | None]:
    if facts is None:
        return {}
    if not isinstance(facts, Mapping):
        raise AuthorityInputError("Facts must be given as condition names with yes or no, e.g. first-offence=yes.")
    out: dict[str, bool | None] = {}
    for name, value in facts.items():
        if not isinstance(name, str) or not name.strip():
            raise AuthorityInputError(f"A fact needs a condition name such as first-offence, not {name!r}.")
        if value is not None and not isinstance(value, bool):
            raise AuthorityInputError(f"The fact '{name}' must be yes or no, not {value!r}.")
        out[name.strip()] = value
    return out


def _check_used(times_used: Any) -> int | None:
    if times_used is None:
        return None
    if isinstance(times_used, bool) or not isinstance(times_used, int):
        raise AuthorityInputError(
            f"The number of earlier waivers must be a whole number like 0 or 1, not {times_used!r}."
        )
    if times_used < 0:
        raise AuthorityInputError(f"The number of earlier waivers cannot be negative ({times_used}).")
    return times_used


def _norm_role(role: str) -> str:
    return re.sub(r"[\s_]+", "-", role.strip().lower())


def _role_limit(row: Any, n: int, seen: list[str]) -> RoleLimit:
    where = f"Role {n} in the card's discretion table"
    if not isinstance(row, Mapping):
        raise AuthorityInputError(f"{where} is not a block with role and max_amount.")
    name = row.get("role")
    if not isinstance(name, str) or not _ROLE_RE.match(_norm_role(name)):
        raise AuthorityInputError(f"{where} has no role name such as rep or senior-rep.")
    name = _norm_role(name)
    if name in seen:
        raise AuthorityInputError(f"The card's discretion table lists role '{name}' twice.")
    raw = row.get("max_amount")
    limit = None
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        try:
            limit = parse_amount(raw)
        except AuthorityInputError:
            pass
    if limit is None:
        raise AuthorityInputError(
            f"The '{name}' row of the card's discretion table has no usable max_amount (a number of 0 or more)."
        )
    conditions = row.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, str) and c.strip() for c in conditions):
        raise AuthorityInputError(f"The '{name}' row's conditions must be a list of names like first-offence.")
    per = row.get("per_customer")
    count: int | None = None
    months: int | None = None
    if per is not None:
        if not isinstance(per, Mapping) or not all(_positive_int(per.get(k)) for k in ("count", "months")):
            raise AuthorityInputError(
                f"The '{name}' row's per_customer must be {{count: N, months: M}} with whole numbers above 0."
            )
        count, months = per["count"], per["months"]
    return RoleLimit(name, limit, tuple(c.strip() for c in conditions), count, months)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _resolve_role(d: Discretion, role: Any) -> tuple[str, int | None]:
    """(role name, its row index) — index None means no limit on this card."""
    if not isinstance(role, str) or not role.strip():
        raise AuthorityInputError(f"Say which role you are: {_role_list(d)}.")
    name = _norm_role(role)
    index = d.index(name)
    if index is not None and name != d.escalate_to:
        return name, index
    if name == d.escalate_to:
        return name, None
    if (
        name in STANDARD_ROLES
        and d.escalate_to in STANDARD_ROLES
        and STANDARD_ROLES.index(name) >= STANDARD_ROLES.index(d.escalate_to)
    ):
        return name, None
    close = difflib.get_close_matches(name, d.role_names() + [d.escalate_to], n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise AuthorityInputError(f"Unknown role '{role.strip()[:40]}' for this card: {_role_list(d)}.{hint}")


def _role_list(d: Discretion) -> str:
    return f"its roles are {', '.join(d.role_names())}, and {d.escalate_to} decides beyond them"


# -- the decision -----------------------------------------------------------------------
@dataclass
class _Row:
    grants: bool  # conditions and frequency hold (the amount aside)
    failures: list[str] = field(default_factory=list)


def _check_row(
    row: RoleLimit, amount: Decimal, facts: Mapping[str, bool | None], used: int | None, unit: str
) -> tuple[_Row, bool]:
    """(whether the row may grant at all, with what stops it; whether the amount fits)."""
    out = _Row(grants=True)
    fits_amount = amount <= row.max_amount
    if not fits_amount:
        if row.max_amount == 0:
            out.failures.append(f"A {row.role} may not grant any amount of this.")
        else:
            out.failures.append(
                f"{money(amount, unit)} is above the {row.role} limit of {money(row.max_amount, unit)}."
            )
    for cond in row.conditions:
        value = facts.get(cond)
        if value is True:
            continue
        out.grants = False
        if value is None:
            out.failures.append(
                f"The {row.role} limit needs {cond}, which is not confirmed yet: check it before offering anything."
            )
        else:
            out.failures.append(f"The {row.role} limit needs {cond}, which is not met.")
    if row.per_count:
        period = how_often(row.per_count, row.per_months)
        if used is None:
            out.grants = False
            out.failures.append(
                f"The {row.role} limit allows this {period}: check how many times this customer has had it in that time (not confirmed yet)."
            )
        elif used >= row.per_count:
            out.grants = False
            out.failures.append(
                f"The {row.role} limit allows this {period}, and this customer has already had it {times_word(used)}."
            )
    return out, fits_amount


def decide(
    discretion: Any,
    role: str,
    amount: Any,
    facts: Mapping[str, bool | None] | None = None,
    times_used: int | None = None,
) -> Decision:
    """Decide what `role` may do about `amount` under a card's discretion block.

    `facts` maps condition names to True/False (None or absent: not confirmed);
    `times_used` is how often this customer already had this within the period
    (None: not checked). Raises only AuthorityInputError, with a message for a person.
    """
    d = Discretion.from_fields(discretion)
    amt = parse_amount(amount)
    fact_map = _check_facts(facts)
    used = _check_used(times_used)
    name, index = _resolve_role(d, role)
    known = set(d.conditions())
    ignored = []
    for fact in fact_map:
        if fact not in known:
            close = difflib.get_close_matches(fact, sorted(known), n=1, cutoff=0.7)
            ignored.append(f"{fact} (did you mean {close[0]}?)" if close else fact)
    decision = _decide(d, name, index, amt, fact_map, used)
    unconfirmed = [c for c in d.conditions() if fact_map.get(c) is None]
    if used is None and any(r.per_count for r in d.roles):
        unconfirmed.append(HISTORY)
    if_confirmed = None
    if unconfirmed:
        hopeful = _hopeful(d, name, index, amt, fact_map, used, unconfirmed)
        if _outcome(hopeful) == _outcome(decision):
            unconfirmed = []  # confirming them would change nothing: not worth the rep's time now
        else:
            if_confirmed = hopeful
            # Ask only for the checks that matter: those whose absence changes the answer.
            needed = [
                u
                for u in unconfirmed
                if _outcome(_hopeful(d, name, index, amt, fact_map, used, [x for x in unconfirmed if x != u]))
                != _outcome(hopeful)
            ]
            unconfirmed = needed or unconfirmed  # several may matter only together
    return dataclasses.replace(
        decision, unconfirmed=tuple(unconfirmed), if_confirmed=if_confirmed, ignored_facts=tuple(ignored)
    )


def _hopeful(
    d: Discretion,
    role: str,
    index: int | None,
    amount: Decimal,
    facts: Mapping[str, bool | None],
    used: int | None,
    assume: list[str],
) -> Decision:
    """The decision if every check in `assume` turns out in the customer's favour."""
    hoped = {**facts, **{c: True for c in assume if c != HISTORY}}
    return _decide(d, role, index, amount, hoped, 0 if HISTORY in assume else used)


def _outcome(d: Decision) -> tuple[str, str, Decimal]:
    return d.verdict, d.who, d.may_offer


def _decide(
    d: Discretion, role: str, index: int | None, amount: Decimal, facts: Mapping[str, bool | None], used: int | None
) -> Decision:
    checks = [_check_row(r, amount, facts, used, d.unit) for r in d.roles]
    fitting = [i for i, (row, fits_amount) in enumerate(checks) if row.grants and fits_amount]
    lowest = fitting[0] if fitting else None
    if index is None:  # escalate_to or above: no limit on this card
        who = d.roles[lowest].role if lowest is not None else role
        return Decision(
            "within",
            who,
            amount,
            f"{d.escalate_to}: decides beyond every limit on this card",
            (),
            d.unit,
            role,
            amount,
            unlimited=True,
        )

    granting = [i for i in range(index + 1) if checks[i][0].grants]
    may_offer = max((d.roles[i].max_amount for i in granting), default=Decimal(0))
    if lowest is not None and lowest <= index:
        best = max(granting, key=lambda i: (d.roles[i].max_amount, i))
        reasons: list[str] = []
        if best != index:
            reasons = list(checks[index][0].failures)
            reasons.append(f"The {d.roles[best].role} limit still applies to you.")
        return Decision(
            "within",
            d.roles[lowest].role,
            may_offer,
            d.roles[best].describe(d.unit),
            tuple(reasons),
            d.unit,
            role,
            amount,
        )

    stop = lowest if lowest is not None else len(d.roles)
    reasons = [f for i in range(index, stop) for f in checks[i][0].failures]
    if lowest is not None:
        return Decision(
            "senior",
            d.roles[lowest].role,
            may_offer,
            d.roles[lowest].describe(d.unit),
            tuple(reasons),
            d.unit,
            role,
            amount,
        )
    top = d.roles[-1].describe(d.unit)
    return Decision(
        "escalate",
        d.escalate_to,
        may_offer,
        f"{top}; beyond that, {d.escalate_to} decides",
        tuple(reasons),
        d.unit,
        role,
        amount,
    )


# -- words (the row wording itself is in workaid.core.content.limits) -------------------
def _plain_number(d: Decimal) -> str:
    return f"{d:f}"
