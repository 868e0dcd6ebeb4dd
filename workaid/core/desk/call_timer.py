"""The call timer: how long this call has lasted, immune to wall-clock jumps.

The escalation checklist's time threshold (20 minutes) is judged from this, so it
runs on time.monotonic: a clock change, an NTP correction or a DST switch during
a call must not add or remove minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from workaid.core.errors import WorkAidError


class CallTimerError(WorkAidError, ValueError):
    """A threshold that is not a usable number of seconds."""


class CallTimer:
    """Start/stop/reset stopwatch; `clock` returns seconds (time.monotonic by default)."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        # Looked up when the timer is made, not when this module is: a test can then
        # stand in for time.monotonic and see that it is the clock the timer reads.
        self._clock = clock if clock is not None else time.monotonic
        self._banked = 0.0  # seconds from earlier runs since the last reset
        self._started: float | None = None

    @property
    def running(self) -> bool:
        return self._started is not None

    def start(self) -> None:
        """Start, or carry on after a stop (a call taken off hold); no effect while running."""
        if self._started is None:
            self._started = self._clock()

    def stop(self) -> None:
        if self._started is not None:
            self._banked += max(0.0, self._clock() - self._started)
            self._started = None

    def reset(self) -> None:
        """Back to zero and stopped, for the next call."""
        self._banked = 0.0
        self._started = None

    def elapsed(self) -> float:
        """Seconds on this call so far."""
        if self._started is None:
            return self._banked
        return self._banked + max(0.0, self._clock() - self._started)

    def over(self, threshold_seconds: float) -> bool:
        """Whether the call has reached `threshold_seconds` (e.g. 20 * 60)."""
        if (
            isinstance(threshold_seconds, bool)
            or not isinstance(threshold_seconds, (int, float))
            or not math.isfinite(threshold_seconds)
            or threshold_seconds < 0
        ):
            raise CallTimerError(
                f"A time threshold must be a number of seconds of 0 or more, not {threshold_seconds!r}."
            )
        return self.elapsed() >= threshold_seconds


def format_elapsed(seconds: float) -> str:
    """'4:05' or '1:02:09': how a call length reads on screen."""
    total = int(max(0.0, seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
