"""Where a checklist recommendation leads, and which team takes it.

- `plan_for`: for a checklist recommendation, the script to say and what to do before
  transferring; when the authority check on the call says a senior rep may grant it,
  the senior-rep route instead of a supervisor.
- `Contact` and `rank_contacts`: the directory entries, and which team fits this call
  best (the supervisor desk for level 3, the senior reps for a senior-rep approval; for
  level 2 the team whose topics share most words with the cards consulted).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workaid.core.content.hours import (
    DAY_NAMES,
    ContactHours,
    HoursError,
    is_open,
    next_open,
)
from workaid.core.desk.abusive import PROTOCOL_CARD, PROTOCOL_SCRIPTS
from workaid.core.desk.checklist import LEVELS, Recommendation

CHECKLIST_CARD = "escalation-checklist"
SCRIPT_FOR = {
    "expert": "script-handoff-expert",
    "supervisor": "script-handoff-supervisor",
    "senior": "script-handoff-senior-rep",
}
# A contact with one of these topics is the level-3 (supervisor) desk.
SUPERVISOR_TOPICS = frozenset({"level-3-escalations", "supervisor-requests"})
# ... and with one of these, the senior reps who approve what is inside their row on a fee card.
SENIOR_TOPICS = frozenset({"senior-rep-approvals"})
# The checklist question the authority check answers better than the rep's guess.
DISCRETION_STEP = "beyond-discretion"

OUTCOME_TITLES = {
    "handle": "Handle it yourself",
    "expert": "Pass it to an expert",
    "supervisor": "Bring in a supervisor",
    "senior": "Ask a senior rep",
}
# A senior rep's approval stays at level 1: the front line resolves it, no supervisor.
OUTCOME_LEVELS = {**LEVELS, "senior": 1}

# From the escalation checklist card ("Every escalation, whatever the level") and the
# hand-off scripts: what the rep does before the customer leaves the line.
BEFORE_TRANSFER = {
    "handle": (
        "Resolve it now, within policy and your discretion limits.",
        "Tell the customer what happens next and when.",
    ),
    "expert": (
        "Pick one team: transferring twice is worse than once.",
        "Write the hand-off note before you transfer, not after.",
        "Tell the customer who will contact them, and by when.",
        "Give the case reference and the team's direct contact.",
        "Set the follow-up owner and the callback time.",
    ),
    "supervisor": (
        "Write the hand-off note before you transfer, not after.",
        "Brief the supervisor before connecting: issue, what you checked, the reference.",
        "Stay on the line until the supervisor picks up.",
        "Set the follow-up owner and the callback time.",
    ),
    "senior": (
        "Tell the customer what you can't approve yourself, and that a senior colleague can.",
        "Message the senior reps with the one-line issue, the amount and the case reference.",
        "Stay on the line, checking in every 90 seconds, until the senior rep answers.",
        "Confirm the outcome to the customer and note who approved it.",
    ),
}

CHANNEL_LABELS = {"phone": "Phone", "email": "Email", "chat": "Chat", "ticket": "Ticket", "transfer": "Live transfer"}

# Placeholders the team taking over fills (in the hand-off scripts), from its contact card.
TARGET_VALUES = {"team": "team", "direct_contact": "direct"}
# Words that say nothing about a topic (they are on every escalation card).
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "who",
        "with",
        "you",
        "your",
        "escalation",
        "escalations",
        "escalate",
        "expert",
        "experts",
        "checklist",
        "contact",
        "contacts",
        "script",
        "scripts",
        "level",
        "supervisor",
        "handoff",
        "hand",
        "off",
        "call",
        "calls",
        "rep",
        "reps",
        "team",
        "teams",
    ]
)


# -- where a recommendation leads ------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """What the rep does with a checklist recommendation."""

    outcome: str
    level: int
    title: str
    reason: str
    card: str | None  # the card the checklist names, e.g. expert-directory
    script: str | None  # the script card to say, e.g. script-handoff-expert
    before: tuple[str, ...]

    @property
    def needs_target(self) -> bool:
        return self.outcome in ("expert", "supervisor", "senior")


def plan_for(rec: Recommendation, authority: Any = None) -> Plan:
    """Where a recommendation leads, given what the authority check on this call said.

    The checklist asks "beyond your discretion?" and sends every yes to a supervisor; the
    card's discretion table knows better. When the check on the open call says a senior
    rep may grant it, the route is the senior rep (their contact and script), not a
    supervisor, and the reason says which limit decided."""
    outcome, reason = rec.outcome, rec.reason
    if (
        rec.outcome == "supervisor"
        and DISCRETION_STEP in (rec.step_id, rec.card)
        and getattr(authority, "verdict", None) == "senior"
    ):
        outcome = "senior"
        reason = (
            f"Beyond the rep's discretion, within a {authority.who.replace('-', ' ')}'s ({authority.deciding_limit})"
        )
    script = SCRIPT_FOR.get(outcome)
    if rec.card == PROTOCOL_CARD:
        script = PROTOCOL_SCRIPTS["end-or-transfer"]
    return Plan(
        outcome=outcome,
        level=OUTCOME_LEVELS[outcome],
        title=OUTCOME_TITLES[outcome],
        reason=reason,
        card=rec.card,
        script=script,
        before=BEFORE_TRANSFER[outcome],
    )


# -- the directory ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Contact:
    """A contact card's directory entry."""

    id: str
    title: str
    team: str
    topics: tuple[str, ...]
    channel: str
    direct: str
    hours: ContactHours | None = None
    hours_problem: str = ""  # the hours on the card cannot be read

    @classmethod
    def from_card(cls, card: Any) -> Contact:
        """From a stored contact card (anything with .id, .title and .fields)."""
        f: Mapping[str, Any] = getattr(card, "fields", None) or {}
        hours, problem = None, ""
        try:
            hours = ContactHours.from_fields(f)
        except HoursError as e:
            problem = str(e)
        raw_topics, raw_team = f.get("topics"), f.get("team")
        topics = raw_topics if isinstance(raw_topics, list) else []
        team: str = raw_team if isinstance(raw_team, str) and raw_team.strip() else getattr(card, "title", "")
        return cls(
            id=card.id,
            title=getattr(card, "title", card.id),
            team=team.strip(),
            topics=tuple(str(t) for t in topics),
            channel=str(f.get("channel") or ""),
            direct=str(f.get("direct") or "").strip(),
            hours=hours,
            hours_problem=problem,
        )

    @property
    def is_supervisor_desk(self) -> bool:
        return bool(SUPERVISOR_TOPICS & set(self.topics))

    @property
    def is_senior_desk(self) -> bool:
        return bool(SENIOR_TOPICS & set(self.topics)) and not self.is_supervisor_desk

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel.capitalize())

    @property
    def topics_text(self) -> str:
        return ", ".join(t.replace("-", " ") for t in self.topics)

    @property
    def hours_text(self) -> str:
        if self.hours is not None:
            return self.hours.describe()
        return self.hours_problem or "No hours on the card"

    def open_at(self, when: dt.datetime) -> bool | None:
        """Open at `when`? None when the card gives no (readable) hours."""
        if self.hours is None:
            return None
        return is_open(self.hours.hours, self.hours.tz, when)

    def now_text(self, now: dt.datetime) -> str:
        """'Open now', or 'Closed now — opens Thu 08:00' (the team's local time), for the rep to read."""
        if self.hours is None:
            return (
                "Hours unknown: check the card" if self.hours_problem else "No hours given: ask before promising a time"
            )
        if self.open_at(now):
            return "Open now"
        opens = next_open(self.hours.hours, self.hours.tz, now)
        same_day = opens.date() == now.astimezone(self.hours.tz).date()
        day = "today" if same_day else DAY_NAMES[opens.weekday()][:3]
        local = ""
        if opens.utcoffset() != now.utcoffset():
            local = f" ({opens.astimezone(now.tzinfo):%H:%M} your time)"
        return f"Closed now — opens {day} {opens:%H:%M}{local}"


def _words(text: str) -> set[str]:
    out = set()
    for w in re.split(r"[^a-z0-9]+", text.lower()):
        if len(w) > 3 and w.endswith("s"):
            w = w[:-1]
        if w and w not in _STOP and not w.isdigit():
            out.add(w)
    return out


def hint_words(cards: Iterable[Any]) -> set[str]:
    """Topic words of the cards consulted: their tags and titles."""
    words: set[str] = set()
    for c in cards:
        for tag in getattr(c, "tags", ()) or ():
            words |= _words(str(tag))
        words |= _words(str(getattr(c, "title", "") or ""))
    return words


def rank_contacts(contacts: Iterable[Contact], outcome: str, hints: Iterable[str] = ()) -> list[Contact]:
    """The directory, best fit first: for a supervisor, the supervisor desk; for a senior
    rep, the senior reps; for an expert, the teams sharing most topic words with `hints`
    (senior reps, then supervisor desks, last)."""
    hint_set = set()
    for h in hints:
        hint_set |= _words(h)

    def key(c: Contact) -> tuple[bool, bool, int, str]:
        score = len(hint_set & (_words(" ".join(c.topics)) | _words(c.team)))
        if outcome == "supervisor":
            return (not c.is_supervisor_desk, c.is_senior_desk, -score, c.team.lower())
        if outcome == "senior":
            return (not c.is_senior_desk, c.is_supervisor_desk, -score, c.team.lower())
        return (c.is_supervisor_desk, c.is_senior_desk, -score, c.team.lower())

    return sorted(contacts, key=key)
