"""The escalation desk's working memory for one call.

The desk puts the rules of the other desk modules (authority, checklist, routing,
scripts, hand-off, escalation log) in front of the rep during a call. What those
modules do not know is how one call ties them together, and that is here:

- `CallSession`: the call timer, the cards opened since it started (for the
  hand-off note), the placeholder values the rep has typed (typed once, used by
  every script and the hand-off note), the checklist's recommendation, the team
  chosen, the last authority check. It lives in memory only and is cleared for the
  next call; nothing in it is ever written to disk (the escalation log takes only
  the `log_entry` fields, which hold no customer details).
- `CallSession.say`: every "say this" text, filled from the call by the one rule in
  scripts.say_text (complete, or the fields still missing; never the rep's note for
  colleagues in words for the customer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workaid.core.desk.call_timer import CallTimer
from workaid.core.desk.checklist import TIME_STEP, Recommendation, from_call_timer
from workaid.core.desk.handoff import ConsultedCard, HandoffNote
from workaid.core.desk.routing import SCRIPT_FOR, TARGET_VALUES, Contact, Plan, plan_for
from workaid.core.desk.scripts import CUSTOMER_ISSUE, SayText, Section, say_text

if TYPE_CHECKING:
    from workaid.core.desk.authority import Decision

# The call timer turns the checklist's time question to yes after this long.
TIME_THRESHOLD_MINUTES = 20


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
    authority: Decision | None = None  # the last authority decision on this call
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

    def record_authority(self, summary: str, decision: Decision | None) -> None:
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


def authority_summary(card_title: str, decision: Decision) -> str:
    """One line for the hand-off note's 'Tried': what the authority check said (see AuthorityAnswer.note_line)."""
    from workaid.core.desk.authority_words import AuthorityAnswer  # the desk may open with no authority check

    return AuthorityAnswer.of(decision).note_line(card_title)
