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
from workaid.core.content.limits import conditions_words, how_often
from workaid.core.desk.authority import AuthorityInputError, Decision, Discretion, RoleLimit, money
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


@dataclass(frozen=True)
class FieldChange:
    """One structured field that differs between two versions of a card, in two wordings.

    The rep mid-call needs only the news ("senior-rep limit now £25"); an owner comparing
    versions needs both sides ("senior-rep: up to £24 → £25"). One differ makes both, so
    the banner and the owner's diff can never disagree about what changed.
    """

    field: str  # the front-matter key ("discretion", "direct")
    now: str
    before_after: str


def _amount(row: RoleLimit, unit: str) -> str:
    return "nothing" if row.max_amount == 0 else f"up to {money(row.max_amount, unit, short=True)}"


def _how_often(row: RoleLimit) -> str:
    return how_often(row.per_count, row.per_months) if row.per_count else "no per-customer limit"


def _needs(row: RoleLimit) -> str:
    return conditions_words(row.conditions) if row.conditions else "no conditions"


def _row_changes(old: RoleLimit, new: RoleLimit, unit: str, old_unit: str) -> list[FieldChange]:
    out = []
    role = new.role
    if old.max_amount != new.max_amount:
        out.append(
            FieldChange(
                "discretion",
                f"{role} limit now {money(new.max_amount, unit, short=True)}",
                f"{role}: up to {money(old.max_amount, old_unit, short=True)} → {money(new.max_amount, unit, short=True)}"
                if old.max_amount and new.max_amount
                else f"{role}: {_amount(old, old_unit)} → {_amount(new, unit)}",
            )
        )
    if (old.per_count, old.per_months) != (new.per_count, new.per_months):
        out.append(
            FieldChange(
                "discretion",
                f"{role} now {how_often(new.per_count, new.per_months)}"
                if new.per_count
                else f"{role} no longer limited per customer",
                f"{role}: {_how_often(old)} → {_how_often(new)}",
            )
        )
    if old.conditions != new.conditions:
        out.append(
            FieldChange(
                "discretion",
                f"{role} now needs {conditions_words(new.conditions)}"
                if new.conditions
                else f"{role} no longer needs any condition",
                f"{role} needs: {_needs(old)} → {_needs(new)}",
            )
        )
    return out


def limit_diff(old: Any, new: Any) -> list[FieldChange]:
    """The differences between two discretion blocks, row by row; [] when they agree."""
    if old == new:
        return []
    try:
        a, b = Discretion.from_fields(old), Discretion.from_fields(new)
    except AuthorityInputError:
        if new is None:
            return [FieldChange("discretion", "limits removed", "limits removed")]
        if old is None:
            return [FieldChange("discretion", "limits added", "limits added")]
        return [FieldChange("discretion", "limits changed", "limits changed")]
    out: list[FieldChange] = []
    if a.unit != b.unit:
        out.append(FieldChange("discretion", f"limits now in {b.unit}", f"limits in: {a.unit} → {b.unit}"))
    before = {r.role: r for r in a.roles}
    for row in b.roles:
        if row.role not in before:
            out.append(FieldChange("discretion", f"new {row.describe(b.unit)}", f"new row {row.describe(b.unit)}"))
        else:
            out.extend(_row_changes(before[row.role], row, b.unit, a.unit))
    for role, row in before.items():
        if b.index(role) is None:
            out.append(FieldChange("discretion", f"{role} row removed", f"row removed {row.describe(a.unit)}"))
    if a.escalate_to != b.escalate_to:
        out.append(
            FieldChange(
                "discretion",
                f"beyond every limit, {b.escalate_to} now decides",
                f"beyond every limit: {a.escalate_to} → {b.escalate_to} decides",
            )
        )
    return out or [FieldChange("discretion", "limits changed", "limits changed")]


def limit_changes(old: Any, new: Any) -> list[str]:
    """The differences between two discretion blocks, row by row, as news; [] when they agree."""
    return [c.now for c in limit_diff(old, new)]


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _plain_value(value: Any) -> bool:
    return isinstance(value, (str, int, float, list)) and not isinstance(value, bool)


def _nested(value: Any) -> bool:
    """A list of blocks (a checklist's steps): named part by part, never as one long repr."""
    return isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value)


def field_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """Field-level differences of two cards' structured fields (the discretion block row by row)."""
    old, new = dict(old or {}), dict(new or {})
    before, after = old.pop("discretion", None), new.pop("discretion", None)
    out = limit_diff(before, after)
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if key not in new:
            was = f" (was {_show(old[key])})" if _plain_value(old[key]) and not _nested(old[key]) else ""
            out.append(FieldChange(key, f"{key} removed", f"{key} removed{was}"))
        elif _plain_value(new[key]) and not _nested(new[key]):
            if key in old and _plain_value(old[key]) and not _nested(old[key]):
                both = f"{key}: {_show(old[key]) or '(empty)'} → {_show(new[key]) or '(empty)'}"
            elif key in old:
                both = f"{key} now {_show(new[key])}"
            else:
                both = f"{key} added: {_show(new[key])}"
            out.append(FieldChange(key, f"{key} now {_show(new[key])}", both))
        else:
            parts = _leaf_changes(key, old[key], new[key]) if key in old else [f"{key} added"]
            out.extend(FieldChange(key, f"{key} changed", part) for part in parts or [f"{key} changed"])
    return out


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Field-level summary of two cards' structured fields as news (the discretion block row by row).

    A nested block (a checklist's steps) differs leaf by leaf for the owner but is one
    piece of news for the rep, hence the duplicates dropped."""
    return list(dict.fromkeys(c.now for c in field_diff(old, new)))


_MAX_LEAVES = 8  # an owner reads a whole rewrite better in the file's own diff than in 40 arrows


def _items(value: Any) -> dict[str, Any]:
    """A block's parts by name: a mapping's keys; a list's items by their id, else by number."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    ids = [str(v["id"]) for v in value if isinstance(v, Mapping) and isinstance(v.get("id"), str)]
    if len(ids) == len(value) and len(set(ids)) == len(ids):
        return dict(zip(ids, value, strict=True))
    return {str(n): v for n, v in enumerate(value, 1)}


def _leaf_changes(path: str, old: Any, new: Any) -> list[str]:
    """'steps › abusive › yes › outcome: supervisor → expert', one line per changed leaf of a
    nested block (a checklist's steps, a script's placeholders), at most _MAX_LEAVES."""
    out: list[str] = []
    _walk_leaves(path, old, new, out)
    if len(out) > _MAX_LEAVES:
        out[_MAX_LEAVES - 1 :] = [f"and {len(out) - _MAX_LEAVES + 1} more changes in {path}"]
    return out


def _walk_leaves(where: str, a: Any, b: Any, out: list[str]) -> None:
    if a == b or len(out) > _MAX_LEAVES:
        return
    if (
        isinstance(a, (Mapping, list))
        and isinstance(b, (Mapping, list))
        and isinstance(a, Mapping) == isinstance(b, Mapping)
    ):
        x, y = _items(a), _items(b)
        for k in list(x) + [k for k in y if k not in x]:
            if k not in y:
                out.append(f"{where} › {k} removed")
            elif k not in x:
                shown = "" if isinstance(y[k], (Mapping, list)) else f": {_show(y[k])}"
                out.append(f"{where} › {k} added{shown}")
            else:
                _walk_leaves(f"{where} › {k}", x[k], y[k], out)
    elif isinstance(a, (Mapping, list)) or isinstance(b, (Mapping, list)):
        out.append(f"{where} changed")
    else:
        out.append(f"{where}: {_show(a)} → {_show(b)}")


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
