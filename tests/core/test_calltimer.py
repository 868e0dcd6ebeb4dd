"""The call timer, driven by a fake monotonic clock."""

from __future__ import annotations

import pytest

from workaid.core.calltimer import CallTimer, CallTimerError, format_elapsed
from workaid.core.checklist import Walk, from_call_timer
from tests.core.bundled_cards import bundled


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_start_stop_resume_and_reset():
    clock = Clock()
    timer = CallTimer(clock)
    assert timer.elapsed() == 0 and not timer.running
    timer.start()
    clock.t += 300
    assert timer.elapsed() == 300 and timer.running
    timer.stop()
    clock.t += 600  # on hold, timer stopped: does not count
    assert timer.elapsed() == 300
    timer.start()
    timer.start()  # a second start changes nothing
    clock.t += 60
    assert timer.elapsed() == 360
    timer.reset()
    assert timer.elapsed() == 0 and not timer.running


def test_over_the_twenty_minute_threshold():
    clock = Clock()
    timer = CallTimer(clock)
    timer.start()
    clock.t += 20 * 60 - 1
    assert not timer.over(20 * 60)
    clock.t += 1
    assert timer.over(20 * 60)
    for bad in (-1, float("nan"), float("inf"), "20", None, True):
        with pytest.raises(CallTimerError, match="number of seconds"):
            timer.over(bad)  # type: ignore[arg-type]


def test_a_clock_that_goes_backwards_never_makes_time_negative():
    clock = Clock()
    timer = CallTimer(clock)
    timer.start()
    clock.t -= 50
    assert timer.elapsed() == 0


def test_the_default_clock_is_monotonic_so_wall_clock_jumps_do_not_count(monkeypatch):
    import time

    timer = CallTimer()
    timer.start()
    monkeypatch.setattr(time, "time", lambda: 0.0)  # the wall clock jumps back to 1970
    assert 0 <= timer.elapsed() < 5


def test_the_timer_answers_the_checklists_time_question():
    clock = Clock()
    timer = CallTimer(clock)
    timer.start()
    clock.t += 12 * 60
    walk = Walk.from_card(bundled("escalation-checklist"), auto_answers=from_call_timer(timer.elapsed()))
    for _ in range(4):
        walk.answer(False)
    assert walk.current.id == "beyond-discretion"


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (65.9, "1:05"), (1200, "20:00"), (3729, "1:02:09"), (-3, "0:00")])
def test_format_elapsed(seconds, text):
    assert format_elapsed(seconds) == text
