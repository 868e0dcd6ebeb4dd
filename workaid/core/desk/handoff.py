"""The hand-off note: what the next person needs so the customer never repeats their story.

It follows the "Writing a hand-off note" card: short labelled lines, facts in
full (amounts, times, references), and the follow-up mapped — who owns it, when
the customer will be called, how to reach that owner. `problems` lists what is
missing before the note is sent, because an unmapped follow-up is how a level-2
case turns into a level-4 complaint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workaid.core.content.hours import ContactHours, HoursError, check_callback

LEVEL_NAMES = {1: "handled by the rep", 2: "expert (product/technical)", 3: "supervisor/manager"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class ConsultedCard:
    id: str
    title: str


@dataclass
class HandoffNote:
    level: int
    reason: str
    target: str = ""  # team or person taking it over
    target_contact: str = ""  # their direct number, address or queue
    cards: list[ConsultedCard] = field(default_factory=list)
    tried: str = ""
    summary: str = ""
    callback: dt.datetime | None = None
    callback_owner: str = ""
    case_ref: str = ""

    def add_card(self, card_id: str, title: str) -> None:
        """Remember a card opened during the call, once, in the order first opened."""
        if all(c.id != card_id for c in self.cards):
            self.cards.append(ConsultedCard(card_id, title))


def _clean(text: Any) -> str:
    if text is None:
        return ""
    text = _CONTROL.sub(" ", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _line(label: str, value: str) -> str:
    """`Label: value`, continuation lines indented under the value so the label column stays clean."""
    pad = " " * (len(label) + 2)
    first, *rest = value.split("\n")
    return "\n".join([f"{label}: {first}", *(pad + r for r in rest)])


def format_time(when: dt.datetime) -> str:
    """A callback time with weekday, date and zone, e.g. 'Tue 24 Nov 2026 16:00 GMT'."""
    zone = when.tzname() or ""
    return f"{when:%a %d %b %Y %H:%M}{' ' + zone if zone else ''}"


def render(note: HandoffNote) -> str:
    """The note as plain text for a ticketing system: one labelled fact per line."""
    lines: list[str] = []
    level = note.level if isinstance(note.level, int) else 0
    lines.append(_line("Level", f"{level} — {LEVEL_NAMES[level]}" if level in LEVEL_NAMES else str(note.level)))
    for label, value in (
        ("Reason", note.reason),
        ("Case", note.case_ref),
        ("Issue", note.summary),
        ("Tried", note.tried),
    ):
        value = _clean(value)
        if value:
            lines.append(_line(label, value))
    target = " — ".join(v for v in (_clean(note.target), _clean(note.target_contact)) if v)
    if target:
        lines.append(_line("To", target))
    if note.callback is not None:
        owner = _clean(note.callback_owner) or "owner not set"
        lines.append(_line("Callback", f"{format_time(note.callback)}, by {owner}"))
    elif level in (2, 3):
        lines.append(_line("Callback", "not set"))
    if note.cards:
        lines.append(_line("Cards", "; ".join(f"{_clean(c.id)} ({_clean(c.title)})" for c in note.cards)))
    return "\n".join(lines) + "\n"


def problems(note: HandoffNote, contact_hours: ContactHours | None = None) -> list[str]:
    """What to fix before sending, as sentences; empty when the note is ready."""
    out: list[str] = []
    if note.level not in LEVEL_NAMES:
        out.append(f"The level must be 1, 2 or 3, not {note.level!r}.")
    if not _clean(note.reason):
        out.append("Give the reason for the escalation (the checklist's outcome gives one).")
    if not _clean(note.summary):
        out.append("Add a summary of the issue in the customer's words, so they never have to repeat it.")
    escalated = note.level in (2, 3)
    if escalated and not _clean(note.target):
        out.append("Say who takes it over: the team or the person.")
    if escalated and not _clean(note.target_contact):
        out.append("Add the direct contact for whoever takes it over, so the customer need not use the main line.")
    if escalated and note.callback is None:
        out.append("Set a callback time: at level 2 and 3 the customer must be told when to expect contact.")
    if note.callback is not None:
        if not _clean(note.callback_owner):
            out.append("Name the callback owner: one person or one queue.")
        if (
            not isinstance(note.callback, dt.datetime)
            or note.callback.tzinfo is None
            or note.callback.utcoffset() is None
        ):
            out.append(
                "The callback time has no time zone; pick it again so it can be checked against the team's hours."
            )
        elif contact_hours is not None:
            try:
                warning = check_callback(
                    contact_hours.hours, contact_hours.tz, note.callback, contact_hours.team or _clean(note.target)
                )
            except HoursError as e:
                warning = f"The team's hours cannot be checked: {e}"
            if warning:
                out.append(warning + ".")
    return out


def consulted(cards: Iterable[Any]) -> list[ConsultedCard]:
    """ConsultedCard entries from stored cards (anything with .id and .title), duplicates dropped."""
    seen: dict[str, ConsultedCard] = {}
    for c in cards:
        cid, title = getattr(c, "id", None), getattr(c, "title", None)
        if isinstance(cid, str) and cid not in seen:
            seen[cid] = ConsultedCard(cid, title if isinstance(title, str) else "")
    return list(seen.values())
