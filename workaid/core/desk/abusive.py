"""The abusive-caller protocol: its steps in their enforced order, the time-stamped
record of one call, and the scripts and one-line summary the desk shows for it.

The order (first warning, final warning, then end or transfer; a threat of harm
alerts the duty supervisor at once) is what protects the rep and the next rep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workaid.core.clock import utc_now
from workaid.core.errors import WorkAidError

PROTOCOL_CARD = "abusive-caller-protocol"
# The abusive-caller protocol's three steps and the script for each.
PROTOCOL_SCRIPTS = {
    "first-warning": "script-abusive-first-warning",
    "final-warning": "script-abusive-final-warning",
    "end-or-transfer": "script-end-abusive-call",
}


# -- the abusive-caller protocol ---------------------------------------------------------
class ProtocolError(WorkAidError, ValueError):
    """A protocol step was taken out of order; the message says what comes first."""


STEP_LABELS = {
    "first-warning": "First warning given",
    "final-warning": "Final warning given",
    "supervisor-alerted": "Duty supervisor alerted (threat of harm: warnings skipped)",
    "ended": "Call ended as warned",
    "transferred": "Transferred",
}


@dataclass(frozen=True)
class ProtocolStep:
    kind: str
    at: dt.datetime
    note: str = ""
    to: str = ""


@dataclass
class AbusiveCallRecord:
    """The time-stamped steps of the abusive-caller protocol on one call.

    The order is enforced (first warning, final warning, then end or transfer)
    because the protocol only protects the rep and the next rep if it is
    predictable; a threat of harm skips the warnings and alerts the supervisor.
    """

    clock: Callable[[], dt.datetime] = utc_now
    steps: list[ProtocolStep] = field(default_factory=list)

    def _kinds(self) -> list[str]:
        return [s.kind for s in self.steps]

    @property
    def next_step(self) -> str | None:
        """'first-warning', 'final-warning', 'end-or-transfer', or None once the call has ended."""
        kinds = self._kinds()
        if "ended" in kinds or "transferred" in kinds:
            return None
        if "final-warning" in kinds or "supervisor-alerted" in kinds:
            return "end-or-transfer"
        if "first-warning" in kinds:
            return "final-warning"
        return "first-warning"

    def _add(self, kind: str, note: str = "", to: str = "") -> ProtocolStep:
        if self.next_step is None:
            raise ProtocolError("The call has already ended or been transferred; nothing more can be added.")
        step = ProtocolStep(kind, self.clock(), " ".join(str(note or "").split()), " ".join(str(to or "").split()))
        self.steps.append(step)
        return step

    def first_warning(self, note: str = "") -> ProtocolStep:
        if "first-warning" in self._kinds():
            raise ProtocolError(
                "The first warning was already given; the next step is the final warning (never a second first warning)."
            )
        return self._add("first-warning", note)

    def final_warning(self, note: str = "") -> ProtocolStep:
        kinds = self._kinds()
        if "first-warning" not in kinds:
            raise ProtocolError("Give the first warning before the final warning.")
        if "final-warning" in kinds:
            raise ProtocolError("The final warning was already given; the next step is to end or transfer the call.")
        return self._add("final-warning", note)

    def alert_supervisor(self, note: str = "") -> ProtocolStep:
        """A threat of harm: warnings are skipped and the duty supervisor takes over."""
        if "supervisor-alerted" in self._kinds():
            raise ProtocolError("The duty supervisor has already been alerted.")
        return self._add("supervisor-alerted", note)

    def end_call(self, note: str = "") -> ProtocolStep:
        self._ready_to_finish()
        return self._add("ended", note)

    def transfer(self, to: str, note: str = "") -> ProtocolStep:
        if not isinstance(to, str) or not to.strip():
            raise ProtocolError("Say who the call was transferred to, e.g. the duty supervisor desk.")
        self._ready_to_finish()
        return self._add("transferred", note, to)

    def _ready_to_finish(self) -> None:
        if self.next_step == "first-warning":
            raise ProtocolError(
                "Give the first and final warnings before ending or transferring (unless there was a threat of harm)."
            )
        if self.next_step == "final-warning":
            raise ProtocolError("Give the final warning before ending or transferring the call.")

    def render(self, tz: dt.tzinfo | None = None) -> str:
        """Plain text for the call log: one time-stamped line per step."""
        if not self.steps:
            return "Abusive-caller protocol: no steps taken.\n"
        first = self.steps[0].at.astimezone(tz) if tz else self.steps[0].at
        lines = [f"Abusive-caller protocol, {first:%a %d %b %Y} (times {first.tzname() or 'local'}):"]
        for s in self.steps:
            at = s.at.astimezone(tz) if tz else s.at
            label = STEP_LABELS[s.kind] + (f" to {s.to}" if s.to else "")
            lines.append(f"{at:%H:%M:%S}  {label}{' — ' + s.note if s.note else ''}")
        return "\n".join(lines) + "\n"


def protocol_summary(record: Any, tz: dt.tzinfo | None = None) -> str:
    """One line for the hand-off note's 'Tried': the abusive-caller protocol's steps and times."""
    steps = []
    for s in getattr(record, "steps", []):
        at = s.at.astimezone(tz) if tz else s.at
        steps.append(f"{STEP_LABELS[s.kind]}{' to ' + s.to if s.to else ''} {at:%H:%M}")
    return f"Abusive-caller protocol: {'; '.join(steps)}." if steps else ""
