"""The abusive-caller protocol: one key opens it, each step shows its words and is
time-stamped, the order is kept, and the record copies out for the call log."""

from __future__ import annotations

import datetime as dt

from deskhelpers import WED_1110, Keyboard, desk_of, focused
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

K = Qt.Key


class Clock:
    def __init__(self) -> None:
        self.now = WED_1110

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=20)
        return self.now


def open_protocol(window, qtbot):
    desk = desk_of(window, qtbot, clock=None)
    desk.set_clock(Clock())
    keys = Keyboard(qtbot)
    window.search_box.setFocus()
    qtbot.waitUntil(window.search_box.hasFocus)
    keys.ctrl_shift(K.Key_A)
    panel = desk.pane.current
    assert window.card_view.card.id == "abusive-caller-protocol"
    assert panel is desk.pane.panels["abusive"] and focused() is panel
    return desk, panel, keys


def test_warn_final_warning_then_end(window, qtbot):
    desk, panel, keys = open_protocol(window, qtbot)
    desk.session.remember({"customer_name": "Mr Grant", "customer_issue": "the broadband outage"})
    panel.refresh()
    assert panel.say_title.text() == "Step 1 — first warning: say calmly, at normal pace"
    assert panel.say_text.text().startswith(
        "\"Mr Grant, I want to help you with the broadband outage, but I can't continue"
    )
    assert not panel.end.isVisible()
    keys.press(K.Key_E)  # not yet: the warnings come first
    assert panel.record.steps == [] and focused() is panel
    assert (
        panel.message.text()
        == "The protocol takes Enter (first warning given) or H here; Ctrl+K goes back to the search."
    )
    keys.press(K.Key_Return)
    assert panel.say_title.text().startswith("Step 2 — final warning")
    assert panel.steps_model.index(0, 0).data().startswith("1. First warning — ✓ given at ")
    keys.press(K.Key_Return)
    assert panel.say_title.text().startswith("Step 3 — end the call, or transfer")
    assert "[case_ref?]" in panel.say_text.text()  # unfilled words are marked, never hidden
    keys.press(K.Key_Return)
    assert panel.message.text() == "Both warnings are given: E ends the call, T transfers it."
    keys.press(K.Key_E)
    assert panel.record.next_step is None
    assert [s.kind for s in panel.record.steps] == ["first-warning", "final-warning", "ended"]
    keys.ctrl_shift(K.Key_C)
    text = QApplication.clipboard().text()
    assert text.splitlines()[0] == "Abusive-caller protocol, Wed 25 Nov 2026 (times GMT):"
    assert [line.split("  ", 1)[1] for line in text.splitlines()[1:]] == [
        "First warning given",
        "Final warning given",
        "Call ended as warned",
    ]
    assert "Abusive-caller protocol: First warning given" in desk.session.tried_text()


def test_transfer_goes_to_the_duty_supervisor(window, qtbot):
    _desk, panel, keys = open_protocol(window, qtbot)
    keys.press(K.Key_Return)
    keys.press(K.Key_Return)
    assert panel.transfer.text() == "T  Transfer to Duty supervisor desk"
    keys.press(K.Key_T)
    assert panel.record.steps[-1].to == "Duty supervisor desk"


def test_threat_of_harm_skips_the_warnings(window, qtbot):
    _desk, panel, keys = open_protocol(window, qtbot)
    keys.press(K.Key_H)
    assert [s.kind for s in panel.record.steps] == ["supervisor-alerted"]
    assert panel.record.next_step == "end-or-transfer" and not panel.harm.isVisible()


def test_nothing_to_copy_before_the_first_step(window, qtbot):
    _desk, panel, keys = open_protocol(window, qtbot)
    QApplication.clipboard().setText("before")
    keys.ctrl_shift(K.Key_C)
    assert QApplication.clipboard().text() == "before"
    assert panel.message.text() == "Nothing to copy yet: no step has been taken."
