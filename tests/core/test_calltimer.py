"""The call timer, driven by a fake monotonic clock."""

from __future__ import annotations

import pytest

from tests.core.bundled_cards import bundled
from workaid.core.desk.call_timer import CallTimer, CallTimerError, format_elapsed
from workaid.core.desk.checklist import Walk, from_call_timer


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
    # Both clocks are stood in for, so the answer shows which one the timer reads: the
    # wall clock jumps an hour back and a day forward, the monotonic one moves 90 s.
    import time

    monotonic, wall = Clock(), iter([5_000_000.0, 5_000_000.0 - 3600, 5_000_000.0 + 86_400])
    monkeypatch.setattr(time, "monotonic", monotonic)
    monkeypatch.setattr(time, "time", lambda: next(wall))
    timer = CallTimer()
    timer.start()
    monotonic.t += 90
    assert timer.elapsed() == 90
    monotonic.t += 30
    timer.stop()
    assert timer.elapsed() == 120


def test_an_injected_clock_is_the_one_read():
    reads = []

    def clock() -> float:
        reads.append(len(reads))
        return 100.0 * len(reads)

    timer = CallTimer(clock)
    timer.start()  # reads 100
    assert timer.elapsed() == 100  # reads 200
    timer.stop()  # reads 300: 200 banked
    assert timer.elapsed() == 200 and len(reads) == 3


def test_the_timer_answers_the_checklists_time_question():
    clock = Clock()
    timer = CallTimer(clock)
    timer.start()
    clock.t += 12 * 60
    walk = Walk.from_card(bundled("escalation-checklist"), auto_answers=from_call_timer(timer.elapsed()))
    for _ in range(4):
        walk.answer(False)
    assert walk.current.id == "beyond-discretion"


@pytest.mark.parametrize(
    "seconds, text", [(0, "0:00"), (65.9, "1:05"), (1200, "20:00"), (3729, "1:02:09"), (-3, "0:00")]
)
def test_format_elapsed(seconds, text):
    assert format_elapsed(seconds) == text
