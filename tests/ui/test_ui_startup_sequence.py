"""The start-up order (workaid.ui.startup) on its own: each step once, in its turn,
and the window still finishes starting when what a step waits for never comes."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from workaid.ui import startup
from workaid.ui.startup import StartupSequence


class Steps:
    def __init__(self) -> None:
        self.ran: list[str] = []

    def first_search(self) -> None:
        self.ran.append("first_search")

    def build_rest(self) -> None:
        self.ran.append("rest")

    def build_desk(self) -> None:
        self.ran.append("desk")

    def start_background(self) -> None:
        self.ran.append("background")


def test_a_window_that_is_never_painted_still_finishes_starting(qtbot):
    steps = Steps()
    seq = StartupSequence(steps)
    seq.begin()
    qtbot.waitUntil(lambda: len(steps.ran) == 4, timeout=5000)
    assert steps.ran.index("first_search") < steps.ran.index("rest") < steps.ran.index("desk")
    assert set(steps.ran) == {"first_search", "rest", "desk", "background"}


def test_painted_results_move_the_rest_forward_once(qtbot, monkeypatch):
    # The fallbacks out of the way: only the results' paint can move start-up on.
    monkeypatch.setattr(startup, "REST_FALLBACK_MS", 600_000)
    monkeypatch.setattr(startup, "BACKGROUND_FALLBACK_MS", 600_000)
    steps = Steps()
    seq = StartupSequence(steps)
    seq.paint_seen()
    seq.paint_seen()  # a second paint changes nothing
    qtbot.waitUntil(lambda: steps.ran == ["first_search"], timeout=2000)
    qtbot.wait(50)
    assert steps.ran == ["first_search"]  # waiting for results
    viewport = QWidget()
    qtbot.addWidget(viewport)
    seq.results_arrived(viewport)
    viewport.show()  # its first paint
    qtbot.waitUntil(lambda: len(steps.ran) == 4, timeout=2000)
    seq.results_failed()  # late news: nothing runs twice
    seq.first_painted()
    qtbot.wait(50)
    assert sorted(steps.ran) == ["background", "desk", "first_search", "rest"]


def test_failed_results_move_the_rest_forward(qtbot, monkeypatch):
    monkeypatch.setattr(startup, "REST_FALLBACK_MS", 600_000)
    monkeypatch.setattr(startup, "BACKGROUND_FALLBACK_MS", 600_000)
    steps = Steps()
    seq = StartupSequence(steps)
    seq.paint_seen()
    qtbot.waitUntil(lambda: steps.ran == ["first_search"], timeout=2000)
    seq.results_failed()  # the search could not answer: the rep still gets the desk and the rest
    qtbot.waitUntil(lambda: len(steps.ran) == 4, timeout=2000)


def test_nothing_runs_after_stop(qtbot):
    steps = Steps()
    seq = StartupSequence(steps)
    seq.begin()
    seq.stop()
    qtbot.wait(600)
    assert steps.ran == []
