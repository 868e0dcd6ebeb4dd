"""The authority answer in words: one view-model for the panel, the terminal and the hand-off note.

`AuthorityAnswer.of(decision)` turns a `Decision` into every sentence a rep reads about
it: the badge ("Needs a senior rep"), the one-sentence headline, what the rep may offer,
the limit, the reasons, and, while conditions are unconfirmed, the "if it all checks
out / until then" pair. The desk panel, `workaid authority` and the hand-off note's
"Tried" line all take their words from here, so they cannot drift apart.

Where the three places word the same thing differently on purpose, the difference is
spelt out here: the panel names conditions as its fact boxes do ("first offence"), the
terminal as `--fact` takes them ("first-offence"), and the note is written in the
rep's own voice ("I may offer up to £12.00 myself").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from workaid.core.content.limits import money
from workaid.core.desk.authority import HISTORY, Decision

Voice = Literal["screen", "text", "note"]

# What to check about the waiver history, in each place it is named.
_HISTORY_WORDS: dict[Voice, str] = {
    "screen": "how often they have had it",
    "text": "the waiver history (how often this customer has had it)",
    "note": "waiver history",
}


@dataclass(frozen=True)
class AuthorityAnswer:
    """Every wording of one authority decision; build it with `AuthorityAnswer.of`."""

    decision: Decision
    label: str  # a badge: 'Within your discretion', 'Needs a senior rep', 'Escalate to supervisor'
    headline: str  # the answer in one sentence
    offer: str  # 'You may offer up to £12.00 yourself.'
    if_confirmed: AuthorityAnswer | None  # the answer once every check in `checks` turns out well

    @classmethod
    def of(cls, decision: Decision) -> AuthorityAnswer:
        hope = cls.of(decision.if_confirmed) if decision.if_confirmed is not None else None
        offer = _own(decision, "you") + "."
        return cls(decision, verdict_label(decision), headline(decision), offer[:1].upper() + offer[1:], hope)

    # -- the parts ---------------------------------------------------------------------
    @property
    def tone(self) -> str:
        """'within', 'senior' or 'escalate'; 'check' while a check would change the answer."""
        return "check" if self.if_confirmed is not None else self.decision.verdict

    @property
    def limit(self) -> str:
        """The limit that decides, once the checks are done."""
        return (self.decision.if_confirmed or self.decision).deciding_limit

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.decision.reasons

    @property
    def ignored(self) -> tuple[str, ...]:
        return self.decision.ignored_facts

    def checks(self, voice: Voice) -> list[str]:
        """What to confirm before the answer can improve, named for `voice`."""
        return [_check_name(u, voice) for u in self.decision.unconfirmed]

    # -- the panel ---------------------------------------------------------------------
    @property
    def title(self) -> str:
        """The panel's headline: the badge, or what to check first."""
        if self.if_confirmed is None:
            return self.label
        return f"Check first: {', '.join(self.checks('screen'))}"

    @property
    def offer_line(self) -> str:
        """The panel's line under the headline: what the rep may offer (until the checks are done)."""
        if self.if_confirmed is None:
            return self.offer
        return f"Until then: {self.label} — {_lower_first(self.offer)}"

    @property
    def checks_out(self) -> str:
        """After 'If it all checks out:': the badge and offer once the checks are done ('' when none matter)."""
        hope = self.if_confirmed
        return f"{hope.label} — {hope.offer}" if hope is not None else ""

    # -- the terminal and the clipboard ---------------------------------------------------
    def text(self) -> str:
        """The answer as a rep reads it in a terminal or pastes it: answer first, then the limit and why."""
        lines = [self.headline]
        if self.if_confirmed is not None:
            lines = [f"Check first: {_and(self.checks('text'))}."]
            lines.append(f"If it all checks out — {_lower_first(self.if_confirmed.headline)}")
            lines.append(f"Until then — {_lower_first(self.headline)}")
        lines.append(f"Limit: {self.limit}.")
        if self.reasons:
            lines.append("Why:")
            lines.extend(f"  - {r}" for r in self.reasons)
        if self.ignored:
            lines.append(f"Not a condition on this card (ignored): {', '.join(self.ignored)}.")
        return "\n".join(lines)

    # -- the hand-off note -----------------------------------------------------------------
    def note_line(self, card_title: str) -> str:
        """One line for the hand-off note's 'Tried', in the rep's voice."""
        d = self.decision
        line = (
            f"Authority check ({card_title}): {money(d.amount, d.unit)} asked as {d.role} — "
            f"{self.label.lower()}; {_own(d, 'I')}."
        )
        if d.unconfirmed:
            line += f" Not yet confirmed: {', '.join(self.checks('note'))}."
        return line

    @property
    def brief(self) -> str:
        """The answer in a few words, for 'was: …' after the card changed: 'within your discretion up to £24'."""
        d = self.decision
        label = _lower_first(self.label)
        if d.unlimited:
            return label
        if d.verdict == "within":
            return f"{label} up to {money(d.may_offer, d.unit, short=True)}"
        own = f"you may offer up to {money(d.may_offer, d.unit, short=True)}" if d.may_offer > 0 else "nothing yourself"
        return f"{label} ({own})"


def format_decision(decision: Decision) -> str:
    """The decision as a rep reads it in a terminal or on the clipboard (see `AuthorityAnswer.text`)."""
    return AuthorityAnswer.of(decision).text()


def verdict_label(d: Decision) -> str:
    """The answer in three or four words, for a badge: 'Within your discretion', 'Needs a senior rep', 'Escalate to supervisor'."""
    who = d.who.replace("-", " ")
    if d.unlimited:
        return "Within your authority"
    if d.verdict == "within":
        return "Within your discretion"
    if d.verdict == "senior":
        return f"Needs a {who}"
    return f"Escalate to {who}"


def headline(d: Decision) -> str:
    """The answer in one sentence, e.g. 'Needs a senior-rep: £20.00 is beyond what you may grant; …'."""
    asked = money(d.amount, d.unit)
    own = _own(d, "you") + "."
    if d.unlimited:
        return f"Within your authority: this card puts no limit on a {d.role}; {own}"
    if d.verdict == "within":
        return f"Within your discretion: you may offer up to {money(d.may_offer, d.unit)} ({asked} asked)."
    if d.verdict == "senior":
        return f"Needs a {d.who}: {asked} is beyond what you may grant; {own}"
    return f"Escalate to {d.who}: no role on this card may grant {asked} with these facts; {own}"


def _own(d: Decision, person: Literal["you", "I"]) -> str:
    """What the rep may offer on their own, as 'you' (on screen) or 'I' (in the note)."""
    self_ = "yourself" if person == "you" else "myself"
    if d.unlimited:
        return f"you may offer the {money(d.amount, d.unit)} asked" if person == "you" else "no limit for my role"
    if d.may_offer > 0:
        return f"{person} may offer up to {money(d.may_offer, d.unit)} {self_}"
    return f"{person} may not offer anything {self_}"


def _check_name(name: str, voice: Voice) -> str:
    if name == HISTORY:
        return _HISTORY_WORDS[voice]
    if voice == "screen":  # as the panel's fact boxes name it
        return name.replace("-", " ").replace("_", " ").strip().lower()
    return name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
