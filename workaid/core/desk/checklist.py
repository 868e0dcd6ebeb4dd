"""Walking a checklist card one yes/no question at a time, to a recommendation.

The escalation checklist is asked in order under pressure, so the walk keeps a
trail (what was asked, what was answered, when) that goes straight into the
hand-off note, and lets the rep undo an answer given too fast.

Some answers are known before the rep is asked: under 20 minutes on the call
timer, the time-threshold question is "no". Those are answered automatically but
stay visible in the trail with where they came from, and one `back()` turns an
automatic answer back into a question for the rep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workaid.core.clock import utc_now
from workaid.core.content.kinds import check_kind
from workaid.core.errors import WorkAidError

LEVELS = {"handle": 1, "expert": 2, "supervisor": 3}
TIME_STEP = "time-threshold"
TIMER = "the call timer"


class ChecklistError(WorkAidError, ValueError):
    """The checklist cannot be walked (bad steps) or the walk cannot do what was asked."""


@dataclass(frozen=True)
class Step:
    id: str
    question: str
    help: str = ""


@dataclass(frozen=True)
class Recommendation:
    """Where the checklist ends: who handles the call, at which level, and which card next."""

    outcome: str
    level: int
    reason: str
    card: str | None
    step_id: str

    def describe(self) -> str:
        who = {"handle": "Handle it yourself", "expert": "Pass it to an expert", "supervisor": "Bring in a supervisor"}[
            self.outcome
        ]
        nxt = f" Next card: {self.card}." if self.card else ""
        return f"Level {self.level} — {who}: {self.reason}.{nxt}"


@dataclass(frozen=True)
class TrailEntry:
    step_id: str
    question: str
    yes: bool
    at: dt.datetime
    source: str | None = None  # None: the rep answered; else where the answer came from

    def describe(self) -> str:
        how = f" (from {self.source})" if self.source else ""
        return f"{self.question} — {'yes' if self.yes else 'no'}{how}"


class Walk:
    """One pass through a checklist's steps.

    `auto_answers` maps step ids to answers known in advance: a bool, or
    (bool, source) to say where it came from (default source: the call timer).
    `clock` supplies the trail's timestamps.
    """

    def __init__(
        self,
        steps: Any,
        auto_answers: Mapping[str, bool | tuple[bool, str]] | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._steps = _check_steps(steps)
        self._order = list(self._steps)
        self._clock = clock
        self._auto: dict[str, tuple[bool, str]] = {}
        for step_id, value in (auto_answers or {}).items():
            self.set_auto_answer(step_id, value, _advance=False)
        self._trail: list[TrailEntry] = []
        self._declined: set[str] = set()  # automatic answers the rep took back
        self._at: str | None = self._order[0]
        self._result: Recommendation | None = None
        self._apply_auto()

    @classmethod
    def from_card(cls, card: Any, **kw: Any) -> Walk:
        """A walk over a stored checklist card (anything with .kind and .fields)."""
        if getattr(card, "kind", None) != "checklist":
            raise ChecklistError(f"Card '{getattr(card, 'id', '?')}' is not a checklist.")
        return cls((getattr(card, "fields", None) or {}).get("steps"), **kw)

    # -- state ------------------------------------------------------------------------
    @property
    def current(self) -> Step | None:
        """The question to ask now; None once the walk has reached a recommendation."""
        return self._step(self._at) if self._at else None

    @property
    def result(self) -> Recommendation | None:
        return self._result

    @property
    def finished(self) -> bool:
        return self._result is not None

    @property
    def trail(self) -> list[TrailEntry]:
        return list(self._trail)

    @property
    def can_go_back(self) -> bool:
        return bool(self._trail)

    def steps(self) -> list[Step]:
        return [self._step(s) for s in self._order]

    # -- moving -------------------------------------------------------------------------
    def answer(self, yes: bool) -> Step | Recommendation:
        """Answer the current question; returns the next question or the recommendation."""
        if not isinstance(yes, bool):
            raise ChecklistError(f"An answer is yes or no (True or False), not {yes!r}.")
        if self._at is None:
            raise ChecklistError("The checklist is finished; go back to change an answer.")
        self._record(self._at, yes, None)
        self._apply_auto()
        return self._result if self._result is not None else self.current  # type: ignore[return-value]

    def back(self) -> Step:
        """Undo the last answer and return its question again.

        Undoing an automatic answer leaves that question for the rep to answer, and
        it is not filled in automatically again during this walk.
        """
        if not self._trail:
            raise ChecklistError("Nothing to undo: this is the first question.")
        last = self._trail.pop()
        if last.source is not None:
            self._declined.add(last.step_id)
        self._at = last.step_id
        self._result = None
        return self._step(last.step_id)

    def set_auto_answer(self, step_id: str, value: bool | tuple[bool, str], _advance: bool = True) -> None:
        """Learn an answer in advance (e.g. the call timer passed a threshold mid-walk)."""
        if step_id not in self._steps:
            raise ChecklistError(f"This checklist has no step '{step_id}'; its steps are {', '.join(self._order)}.")
        if (
            isinstance(value, tuple)
            and len(value) == 2
            and isinstance(value[0], bool)
            and isinstance(value[1], str)
            and value[1].strip()
        ):
            self._auto[step_id] = (value[0], value[1].strip())
        elif isinstance(value, bool):
            self._auto[step_id] = (value, TIMER)
        else:
            raise ChecklistError(
                f"The answer for '{step_id}' must be yes/no, or (yes/no, where it came from); not {value!r}."
            )
        if _advance:
            self._apply_auto()

    def summary(self) -> str:
        """The trail and the recommendation as plain lines, for a hand-off note."""
        lines = [e.describe() for e in self._trail]
        if self._result:
            lines.append(self._result.describe())
        return "\n".join(lines)

    # -- inside ---------------------------------------------------------------------------
    def _step(self, step_id: str) -> Step:
        raw = self._steps[step_id]
        return Step(
            step_id,
            raw["question"].strip(),
            (raw.get("help") or "").strip() if isinstance(raw.get("help"), str) else "",
        )

    def _record(self, step_id: str, yes: bool, source: str | None) -> None:
        raw = self._steps[step_id]
        self._trail.append(TrailEntry(step_id, raw["question"].strip(), yes, self._clock(), source))
        target = raw["yes" if yes else "no"]
        if isinstance(target, str):
            self._at = target
        else:
            self._at = None
            card = target.get("card")
            self._result = Recommendation(
                outcome=target["outcome"],
                level=LEVELS[target["outcome"]],
                reason=str(target["reason"]).strip(),
                card=card.strip() if isinstance(card, str) and card.strip() else None,
                step_id=step_id,
            )

    def _apply_auto(self) -> None:
        # Steps only lead forward (checked in _check_steps), so this ends.
        while self._at is not None and self._at in self._auto and self._at not in self._declined:
            yes, source = self._auto[self._at]
            self._record(self._at, yes, source)


def from_call_timer(
    elapsed_seconds: float, threshold_minutes: float = 20, step_id: str = TIME_STEP
) -> dict[str, tuple[bool, str]]:
    """Auto answers the call timer can give for the time-threshold step.

    Under the threshold the answer is certainly "no". Over it the timer cannot
    know whether there is a clear path to a resolution, which the question also
    asks, so the rep is still asked.
    """
    if elapsed_seconds < threshold_minutes * 60:
        return {step_id: (False, TIMER)}
    return {}


def _check_steps(steps: Any) -> dict[str, dict[str, Any]]:
    """The steps by id, in order, checked by the rules a checklist card meets on import
    (content.kinds, the one place they live): a walk may also be built from a draft or a
    test, and a bad step list must give a message rather than a KeyError mid-call."""
    if isinstance(steps, list):
        steps = [_yes_no_keys(raw) if isinstance(raw, Mapping) else raw for raw in steps]
    problems: list[str] = []

    def bad(where: Any, message: str) -> None:
        step = where[1] + 1 if isinstance(where, tuple) and len(where) > 1 and isinstance(where[1], int) else None
        text = message[0].upper() + message[1:]
        if step is None:
            problems.append(f"{text}.")
        elif message.startswith("step "):
            problems.append(f"Step {step} of the checklist {message.removeprefix('step ')}.")
        else:
            problems.append(f"Step {step} of the checklist: {message}.")

    check_kind("checklist", {"steps": steps}, "", bad)
    if problems:
        raise ChecklistError(problems[0])
    return {raw["id"]: raw for raw in steps}


def _yes_no_keys(raw: Mapping[Any, Any]) -> dict[str, Any]:
    """YAML 1.1 reads a bare `yes:`/`no:` key as true/false: take those as the answers."""
    return {(("yes" if k else "no") if isinstance(k, bool) else k): v for k, v in raw.items()}
