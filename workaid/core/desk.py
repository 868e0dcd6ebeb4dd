"""The escalation desk's working memory for one call, and where a checklist result leads.

The desk puts the rules of authority.py, checklist.py, scripts.py, hours.py,
handoff.py and escalation_log.py in front of the rep during a call. What those
modules do not know is how one call ties them together, and that is here:

- `CallSession`: the call timer, the cards opened since it started (for the
  hand-off note), the placeholder values the rep has typed (typed once, used by
  every script and the hand-off note), the checklist's recommendation, the team
  chosen, the last authority check. It lives in memory only and is cleared for the
  next call; nothing in it is ever written to disk (the escalation log takes only
  the `log_entry` fields, which hold no customer details).
- `plan_for`: for a checklist recommendation, the script to say and what to do
  before transferring; when the authority check on the call says a senior rep may
  grant it, the senior-rep route instead of a supervisor.
- `CallSession.say`: every "say this" text, filled from the call by the one rule in
  scripts.say_text (complete, or the fields still missing; never the rep's note for
  colleagues in words for the customer).
- `Contact` and `rank_contacts`: the directory entries, and which team fits this
  call best (the supervisor desk for level 3, the senior reps for a senior-rep
  approval; for level 2 the team whose topics share most words with the cards consulted).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from workaid.core.calltimer import CallTimer
from workaid.core.checklist import LEVELS, TIME_STEP, Recommendation, from_call_timer
from workaid.core.handoff import ConsultedCard, HandoffNote
from workaid.core.hours import DAY_NAMES, ContactHours, HoursError, is_open, next_open
from workaid.core.scripts import CUSTOMER_ISSUE, SayText, Section, say_text

CHECKLIST_CARD = "escalation-checklist"
PROTOCOL_CARD = "abusive-caller-protocol"
# The abusive-caller protocol's three steps and the script for each.
PROTOCOL_SCRIPTS = {
    "first-warning": "script-abusive-first-warning",
    "final-warning": "script-abusive-final-warning",
    "end-or-transfer": "script-end-abusive-call",
}
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
TIME_THRESHOLD_MINUTES = 20

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
    "a an and are as at be by for from how in is it of on or the to what when who with you your "
    "escalation escalations escalate expert experts checklist contact contacts script scripts level "
    "supervisor handoff hand off call calls rep reps team teams".split()
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
        reason = f"Beyond the rep's discretion, within a {authority.who.replace('-', ' ')}'s ({authority.deciding_limit})"
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
        f = getattr(card, "fields", None) or {}
        hours, problem = None, ""
        try:
            hours = ContactHours.from_fields(f)
        except HoursError as e:
            problem = str(e)
        topics = f.get("topics") if isinstance(f.get("topics"), list) else []
        team = f.get("team") if isinstance(f.get("team"), str) and f.get("team").strip() else getattr(card, "title", "")
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
            return "Hours unknown: check the card" if self.hours_problem else "No hours given: ask before promising a time"
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

    def key(c: Contact) -> tuple:
        score = len(hint_set & (_words(" ".join(c.topics)) | _words(c.team)))
        if outcome == "supervisor":
            return (not c.is_supervisor_desk, c.is_senior_desk, -score, c.team.lower())
        if outcome == "senior":
            return (not c.is_senior_desk, c.is_supervisor_desk, -score, c.team.lower())
        return (c.is_supervisor_desk, c.is_senior_desk, -score, c.team.lower())

    return sorted(contacts, key=key)


# -- the call ------------------------------------------------------------------------------------
@dataclass
class CallSession:
    """Everything the desk gathers during one call; `new_call` clears it all."""

    timer: CallTimer = field(default_factory=CallTimer)
    cards: list[ConsultedCard] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    recommendation: Recommendation | None = None
    checklist_summary: str = ""
    target: Contact | None = None
    authority_note: str = ""
    authority: Any = None  # the last authority Decision on this call
    protocol_note: str = ""  # the abusive-caller protocol's steps, one line
    logged_at: dt.datetime | None = None
    started: bool = False  # the timer has been started since the last new call

    # -- the call timer -------------------------------------------------------------
    def toggle_timer(self) -> bool:
        """Start (or carry on after a pause), or pause; returns whether it now runs."""
        if self.timer.running:
            self.timer.stop()
        else:
            self.timer.start()
            self.started = True
        return self.timer.running

    def new_call(self) -> None:
        """Forget the last call: timer back to zero and stopped, nothing remembered."""
        self.timer.reset()
        self.cards.clear()
        self.values.clear()
        self.recommendation = None
        self.checklist_summary = ""
        self.target = None
        self.authority_note = ""
        self.authority = None
        self.protocol_note = ""
        self.logged_at = None
        self.started = False

    def over_threshold(self) -> bool:
        return self.timer.over(TIME_THRESHOLD_MINUTES * 60)

    def timer_answer(self, step_id: str) -> bool | tuple[bool, str] | None:
        """The answer the call timer gives to a checklist step, if any: only for the
        time-threshold step, only once the timer was started, only under the threshold."""
        if step_id != TIME_STEP or not self.started:
            return None
        return from_call_timer(self.timer.elapsed(), TIME_THRESHOLD_MINUTES).get(step_id)

    # -- what was consulted and typed --------------------------------------------------
    def note_card(self, card_id: str, title: str) -> bool:
        """Remember a card opened during the call (once; only after the timer was started)."""
        if not self.started or any(c.id == card_id for c in self.cards):
            return False
        self.cards.append(ConsultedCard(card_id, title))
        return True

    def remember(self, values: Mapping[str, Any]) -> None:
        """Keep typed placeholder values for the rest of the call; a blank one is forgotten."""
        for name, value in values.items():
            text = " ".join(str(value or "").split())
            if text:
                self.values[name] = text
            else:
                self.values.pop(name, None)

    def set_target(self, contact: Contact | None) -> None:
        """The team that takes the call over; its name and direct contact fill the hand-off scripts."""
        old = self.target
        self.target = contact
        for name, attr in TARGET_VALUES.items():
            if old is not None and self.values.get(name) == getattr(old, attr):
                self.values.pop(name)

    def script_values(self, placeholders: Iterable[str], card_id: str | None = None) -> dict[str, str]:
        """What is already known for a script's placeholders.

        The team taking over fills {team} and {direct_contact} only in the hand-off
        scripts: elsewhere the same names can mean something else (the abusive-call
        script's {direct_contact} is how the customer writes to us)."""
        handoff = card_id is None or card_id in SCRIPT_FOR.values()
        out = {}
        for name in placeholders:
            if self.values.get(name):
                out[name] = self.values[name]
            elif handoff and self.target is not None and name in TARGET_VALUES:
                value = getattr(self.target, TARGET_VALUES[name])
                if value:
                    out[name] = value
            elif handoff and name == "expert" and self.target is not None:
                out[name] = "a specialist"  # the card's own wording when no person is named
        return out

    def say(self, section: Section | str, card_id: str | None = None, title: str = "") -> SayText:
        """Words to say, filled from this call (see scripts.say_text: the one rule)."""
        wanted = say_text(section, {}, title).fields
        return say_text(section, self.script_values(wanted, card_id), title)

    def record_checklist(self, rec: Recommendation | None, summary: str) -> None:
        self.recommendation = rec
        self.checklist_summary = summary if rec is not None else ""

    def record_authority(self, summary: str, decision: Any) -> None:
        """The authority check's answer on this call: the note's 'Tried' line, and the
        decision the checklist's route follows."""
        self.authority_note = summary
        self.authority = decision

    def plan(self) -> Plan | None:
        """Where the checklist's recommendation leads, with the authority check taken into account."""
        return plan_for(self.recommendation, self.authority) if self.recommendation is not None else None

    # -- the hand-off note and the log ---------------------------------------------------
    def tried_text(self) -> str:
        lines = []
        if self.authority_note:
            lines.append(self.authority_note)
        if self.protocol_note:
            lines.append(self.protocol_note)
        plan = self.plan()
        if plan is not None:
            lines.append(f"Escalation checklist: {plan.reason}.")
        return "\n".join(lines)

    def draft_note(self) -> HandoffNote:
        """The hand-off note as far as the call so far can fill it."""
        plan = self.plan()
        target = self.target
        return HandoffNote(
            level=plan.level if plan is not None else 2,
            reason=plan.reason if plan is not None else "",
            target=target.team if target is not None else self.values.get("team", ""),
            target_contact=target.direct if target is not None else self.values.get("direct_contact", ""),
            cards=list(self.cards),
            tried=self.tried_text(),
            # The note is for colleagues: the rep's own summary, else the customer's words
            # (never the other way round: see scripts.FOR_CUSTOMER).
            summary=self.values.get("issue_summary") or self.values.get(CUSTOMER_ISSUE, ""),
            callback=None,
            callback_owner=target.team if target is not None else "",
            case_ref=self.values.get("case_ref", ""),
        )

    def call_seconds(self) -> int | None:
        return int(self.timer.elapsed()) if self.started else None


def protocol_summary(record: Any, tz: dt.tzinfo | None = None) -> str:
    """One line for the hand-off note's 'Tried': the abusive-caller protocol's steps and times."""
    from workaid.core.escalation_log import STEP_LABELS

    steps = []
    for s in getattr(record, "steps", []):
        at = s.at.astimezone(tz) if tz else s.at
        steps.append(f"{STEP_LABELS[s.kind]}{' to ' + s.to if s.to else ''} {at:%H:%M}")
    return f"Abusive-caller protocol: {'; '.join(steps)}." if steps else ""


def authority_summary(card_title: str, decision: Any) -> str:
    """One line for the hand-off note's 'Tried': what the authority check said."""
    from workaid.core.authority import money, verdict_label

    if decision.unlimited:
        own = "no limit for my role"
    elif decision.may_offer > 0:
        own = f"I may offer up to {money(decision.may_offer, decision.unit)} myself"
    else:
        own = "I may not offer anything myself"
    line = f"Authority check ({card_title}): {money(decision.amount, decision.unit)} asked as {decision.role} — {verdict_label(decision).lower()}; {own}."
    if decision.unconfirmed:
        line += " Not yet confirmed: " + ", ".join("waiver history" if u == "times-used" else u for u in decision.unconfirmed) + "."
    return line
