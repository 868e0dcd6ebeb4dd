"""What changed in a card while a rep had it open, in words a rep can act on.

A sync may replace the card on screen in the middle of a call. If its limits moved, the
rep may already have told the customer something the card no longer says, so the
change is named field by field ("senior-rep limit now £25"), with who published it and
when, rather than the screen silently showing different numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workaid.core.clock import parse_stamp
from workaid.core.desk.authority import AuthorityInputError, Decision, Discretion, RoleLimit, money, times_word
from workaid.core.desk.authority_words import AuthorityAnswer

_TEXT_CHANGED = "text changed"


@dataclass(frozen=True)
class CardChange:
    """One card replaced by a newer version: what changed, by whom, when."""

    card_id: str
    title: str
    changes: tuple[str, ...]
    author: str = ""
    at: dt.datetime | None = None
    limits_changed: bool = False

    def banner(self, tz: dt.tzinfo | None = None) -> str:
        """'Updated 01:42 by Olu: senior-rep limit now £25' (the time in the desk's zone)."""
        when = f" {self.at.astimezone(tz):%H:%M}" if self.at is not None else ""
        by = f" by {self.author}" if self.author else ""
        return f"Updated{when}{by}: {'; '.join(self.changes)}"


def _row_changes(old: RoleLimit, new: RoleLimit, unit: str) -> list[str]:
    out = []
    if old.max_amount != new.max_amount:
        out.append(f"{new.role} limit now {money(new.max_amount, unit, short=True)}")
    if (old.per_count, old.per_months) != (new.per_count, new.per_months):
        out.append(
            f"{new.role} now {times_word(new.per_count)} per {new.per_months} months"
            if new.per_count
            else f"{new.role} no longer limited per customer"
        )
    if old.conditions != new.conditions:
        out.append(
            f"{new.role} now needs {' and '.join(new.conditions)}"
            if new.conditions
            else f"{new.role} no longer needs any condition"
        )
    return out


def limit_changes(old: Any, new: Any) -> list[str]:
    """The differences between two discretion blocks, row by row; [] when they agree."""
    if old == new:
        return []
    try:
        a, b = Discretion.from_fields(old), Discretion.from_fields(new)
    except AuthorityInputError:
        if new is None:
            return ["limits removed"]
        if old is None:
            return ["limits added"]
        return ["limits changed"]
    out: list[str] = []
    if a.unit != b.unit:
        out.append(f"limits now in {b.unit}")
    before = {r.role: r for r in a.roles}
    for row in b.roles:
        if row.role not in before:
            out.append(f"new {row.describe(b.unit)}")
        else:
            out.extend(_row_changes(before[row.role], row, b.unit))
    for role in before:
        if b.index(role) is None:
            out.append(f"{role} row removed")
    if a.escalate_to != b.escalate_to:
        out.append(f"beyond every limit, {b.escalate_to} now decides")
    return out or ["limits changed"]


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Field-level summary of two cards' structured fields (the discretion block row by row)."""
    old, new = dict(old or {}), dict(new or {})
    before, after = old.pop("discretion", None), new.pop("discretion", None)
    out = limit_changes(before, after)
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if key not in new:
            out.append(f"{key} removed")
        elif isinstance(new[key], (str, int, float, list)) and not isinstance(new[key], bool):
            out.append(f"{key} now {_show(new[key])}")
        else:
            out.append(f"{key} changed")
    return out


def _when(version: Mapping[str, Any]) -> dt.datetime | None:
    for key in ("published_at", "recorded_at"):
        stamp = version.get(key)
        if isinstance(stamp, str) and stamp:
            try:
                return parse_stamp(stamp)
            except ValueError:
                continue
    return None


def compare(old: Any, new: Any, history: Sequence[Mapping[str, Any]] | None = None) -> CardChange | None:
    """How `new` differs from `old` (two versions of one stored card); None when it does not.

    `history` is the store's card_versions for the card, newest first: the version now
    shown gives the author and the time."""
    if old is None or new is None or old.id != new.id:
        return None
    changes = field_changes(getattr(old, "fields", {}) or {}, getattr(new, "fields", {}) or {})
    if old.title != new.title:
        changes.insert(0, f"title now “{new.title}”")
    if not changes and old.body != new.body:
        changes = [_TEXT_CHANGED]
    if not changes:
        return None
    limits = (old.fields or {}).get("discretion") != (new.fields or {}).get("discretion")
    versions = list(history or [])
    shown = next(
        (v for v in versions if v.get("version") == getattr(new, "version", None)), versions[0] if versions else {}
    )
    return CardChange(
        card_id=new.id,
        title=new.title,
        changes=tuple(changes),
        author=str(shown.get("author") or ""),
        at=_when(shown),
        limits_changed=limits,
    )


def decision_words(decision: Decision) -> str:
    """An authority answer in a few words, for 'was: …': 'within your discretion up to £24'."""
    return AuthorityAnswer.of(decision).brief
