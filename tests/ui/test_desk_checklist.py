"""The escalation checklist, keyboard only: Y / N, Backspace, Enter; the call timer answers
the time question when it can; each outcome names who, why, what to say and what first."""

from __future__ import annotations

from deskhelpers import Keyboard, desk_of, focused
from PySide6.QtCore import Qt

K = Qt.Key


def open_checklist(window, qtbot):
    desk = desk_of(window, qtbot)
    keys = Keyboard(qtbot)
    window.search_box.setFocus()
    qtbot.waitUntil(window.search_box.hasFocus)
    keys.ctrl_shift(K.Key_E)
    panel = desk.pane.current
    assert panel is desk.pane.panels["checklist"] and focused() is panel
    return desk, panel, keys


def test_questions_in_order_and_back(window, qtbot):
    _desk, panel, keys = open_checklist(window, qtbot)
    assert panel.progress.text() == "Question 1 of 6"
    assert not panel.back_button.isEnabled()
    keys.press(K.Key_Backspace)
    assert panel.message.text() == "This is the first question: nothing to take back."
    keys.press(K.Key_N)
    assert panel.progress.text() == "Question 2 of 6"
    assert panel.question.text() == "Is the question beyond what you know or can find in the cards?"
    assert panel.trail_model.rowCount() == 1
    keys.press(K.Key_Backspace)
    assert panel.progress.text() == "Question 1 of 6" and panel.trail_model.rowCount() == 0


def test_supervisor_outcome_names_the_duty_desk_and_the_script(window, qtbot):
    desk, panel, keys = open_checklist(window, qtbot)
    for key in (K.Key_N, K.Key_N, K.Key_N, K.Key_Y):  # the customer asked for a supervisor
        keys.press(key)
    assert panel.outcome.text() == "Bring in a supervisor"
    assert panel.badge.text() == "LEVEL 3 · SUPERVISOR"
    assert panel.reason.text() == "Reason: Customer asked for a supervisor"
    assert panel.team.currentText() == "Duty supervisor desk"
    assert panel.team_status.text() == "Open now · Phone 020 7946 0900 (internal ext 900)"
    assert "Stay on the line until the supervisor picks up." in panel.before.text()
    assert panel.script_line.text().startswith("<b>Say:</b> Hand-off to a supervisor — Enter opens it")
    assert desk.session.recommendation.level == 3
    # Up / Down choose another team; Enter opens the supervisor hand-off script.
    keys.press(K.Key_Down)
    assert panel.team.currentIndex() == 1 and desk.session.target.id != "contact-duty-supervisor"
    keys.press(K.Key_Up)
    assert desk.session.target.id == "contact-duty-supervisor"
    keys.press(K.Key_Return)
    assert window.card_view.card.id == "script-handoff-supervisor"
    # Backspace on the result takes the last answer back.
    window.open_card("escalation-checklist")
    panel.setFocus()
    keys.press(K.Key_Backspace)
    assert not panel.walk.finished and desk.session.recommendation is None


def test_handle_it_leads_to_the_card_to_use(window, qtbot):
    desk, panel, keys = open_checklist(window, qtbot)
    for _ in range(6):  # the timer is not running: the time question is asked too
        keys.press(K.Key_N)
    assert panel.outcome.text() == "Handle it yourself"
    assert not panel.team_row.isVisible()
    keys.press(K.Key_Return)
    assert window.card_view.card.id == "preventing-escalations"


def test_the_call_timer_answers_the_time_question(window, qtbot):
    desk, panel, keys = open_checklist(window, qtbot)
    for _ in range(4):
        keys.press(K.Key_N)
    assert panel.walk.current.id == "time-threshold"
    assert "The call timer is not running" in panel.timer_note.text()
    keys.ctrl(K.Key_T)  # the rep starts the timer: under 20 minutes the answer is known
    assert panel.walk.current.id == "beyond-discretion"
    assert panel.trail_model.index(4, 0).data().endswith("— No (from the call timer)")
    # Taking the automatic answer back asks the rep instead.
    panel.setFocus()
    keys.press(K.Key_Backspace)
    assert panel.walk.current.id == "time-threshold"
    keys.press(K.Key_Y)
    assert panel.outcome.text() == "Bring in a supervisor"
    assert panel.reason.text() == "Reason: Call over the 20-minute team threshold"


def test_abusive_outcome_opens_the_protocol_script(window, qtbot):
    _desk, panel, keys = open_checklist(window, qtbot)
    keys.press(K.Key_Y)
    assert panel.reason.text() == "Reason: Caller still abusive after de-escalation"
    keys.press(K.Key_Return)
    assert window.card_view.card.id == "script-end-abusive-call"


def test_controls_have_names(window, qtbot):
    _desk, panel, keys = open_checklist(window, qtbot)
    keys.press(K.Key_N)
    keys.press(K.Key_Y)
    for w in (panel, panel.yes, panel.no, panel.back_button, panel.team, panel.trail, panel.reason):
        assert w.accessibleName(), w
    assert "Enter opens the script" in panel.accessibleDescription()
