"""The hand-off note composer and the escalation log: pre-filled from the call, the callback
checked against the team's hours, logged without customer details, counted, exported."""

from __future__ import annotations

import csv
import datetime as dt

from deskhelpers import LONDON, Keyboard, desk_of
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

K = Qt.Key


def expert_call(window, qtbot, clock=None):
    """A call walked to 'expert' with the billing team chosen; returns the desk and the open composer."""
    desk = desk_of(window, qtbot) if clock is None else desk_of(window, qtbot, clock)
    desk.toggle_timer()
    window.open_card("late-fee-waiver")
    desk.open_checklist()
    panel = desk.pane.current
    panel.answer(False)
    panel.answer(True)
    desk.open_handoff()
    dialog = desk.handoff
    qtbot.waitUntil(dialog.isActiveWindow)
    return desk, dialog


def test_prefilled_from_the_call(window, qtbot):
    desk, dialog = expert_call(window, qtbot)
    assert dialog.level.currentData() == 2
    assert dialog.reason.text() == "Beyond the rep's knowledge"
    assert dialog.target.currentText() == "Billing specialists"
    assert dialog.direct.text() == "020 7946 0410"
    assert dialog.owner.text() == "Billing specialists"
    assert [
        dialog.cards_model.index(r, 0).data(dialog.cards_model.IdRole) for r in range(dialog.cards_model.rowCount())
    ] == [
        "late-fee-waiver",
        "escalation-checklist",
    ]
    # What is still missing is said, and the keyboard starts at the first gap.
    problems = dialog.problems.text()
    assert "Add a summary of the issue" in problems and "Set a callback time" in problems
    assert dialog.focusWidget() is dialog.summary
    for w in (
        dialog.level,
        dialog.reason,
        dialog.target,
        dialog.direct,
        dialog.case_ref,
        dialog.summary,
        dialog.tried,
        dialog.callback,
        dialog.owner,
        dialog.cards,
        dialog.outcome,
        dialog.preview,
    ):
        assert w.accessibleName(), w


def test_callback_is_read_and_checked_against_the_team_hours(window, qtbot):
    desk, dialog = expert_call(window, qtbot)
    dialog.summary.setPlainText("Says the payment left her bank on the 3rd")
    dialog.callback.setFocus()
    keys = Keyboard(qtbot)
    keys.type("tomorrow 10:00")
    assert dialog.callback_check.text() == "Thu 26 Nov 2026 10:00 GMT, Billing specialists open then"
    assert dialog.callback_check.property("tone") == "ok"
    assert "Ready to send" in dialog.problems.text()
    # Saturday: Billing specialists work Mon-Fri.
    dialog.callback.clear()
    keys.type("sat 10:00")
    assert dialog.callback_check.property("tone") == "warn"
    assert "Billing specialists are closed at 10:00 on Saturday" in dialog.callback_check.text()
    assert "next open Monday 08:00" in dialog.problems.text()
    # Unreadable: a clear message, and the note says the callback is not set.
    dialog.callback.clear()
    keys.type("soonish")
    assert dialog.callback_check.property("tone") == "error"
    assert "needs a time of day" in dialog.callback_check.text()
    assert "Callback: not set" in dialog.preview.toPlainText()
    # Typed once: the callback time fills the scripts too.
    assert desk.session.values["callback_time"] == "soonish"


def test_copy_with_problems_asks_for_a_second_press(window, qtbot):
    _desk, dialog = expert_call(window, qtbot)
    QApplication.clipboard().setText("before")
    keys = Keyboard(qtbot)
    keys.ctrl_shift(K.Key_C)
    assert QApplication.clipboard().text() == "before"
    assert dialog.message.text().startswith("Not copied yet: 2 things to fix")
    keys.ctrl_shift(K.Key_C)
    assert QApplication.clipboard().text() == dialog.preview.toPlainText()
    assert "Reason: Beyond the rep's knowledge" in QApplication.clipboard().text()


def test_logging_keeps_no_customer_details_and_is_counted(window, qtbot, library):
    desk, dialog = expert_call(window, qtbot)
    dialog.summary.setPlainText("Mrs Ann Lee, account 12345678, says she paid")
    dialog.case_ref.setText("WA-99")
    dialog.log_escalation()
    qtbot.waitUntil(lambda: desk.session.logged_at is not None)
    assert not dialog.log_button.isEnabled() and dialog.log_button.text().startswith("Logged")
    dialog.log_escalation()  # once per call
    assert dialog.message.text().startswith("Already logged for this call")

    desk.open_log()
    view = desk.log_view
    qtbot.waitUntil(lambda: view.loaded)
    assert view.totals.text() == "Today 1 · This week 1"

    out = library.data_dir / "export" / "escalations.csv"
    view.ask_path = lambda: out
    view.export()
    qtbot.waitUntil(lambda: view.message.text().startswith("Exported"))
    assert view.message.text() == f"Exported 1 escalation to {out}."
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["time_utc", "level", "reason", "target", "cards", "outcome", "call_seconds"]
    assert rows[1][1:6] == [
        "2",
        "Beyond the rep's knowledge",
        "Billing specialists",
        "late-fee-waiver escalation-checklist",
        "Callback booked",
    ]
    text = out.read_text(encoding="utf-8")
    assert "Ann" not in text and "12345678" not in text and "WA-99" not in text
    assert not list(out.parent.glob(".*.tmp"))  # written atomically: no temp file left behind


def test_export_failure_is_a_clear_message(window, qtbot, library):
    desk = desk_of(window, qtbot)
    desk.open_log()
    view = desk.log_view
    blocker = library.data_dir / "not-a-folder"
    blocker.write_text("x")
    view.ask_path = lambda: blocker / "log.csv"
    view.export()
    qtbot.waitUntil(lambda: view.message.text().startswith("Not exported"))
    assert view.message.property("tone") == "error"
    assert view.export_button.isEnabled()


def test_log_refuses_an_escalation_without_a_reason(window, qtbot):
    desk = desk_of(window, qtbot)
    desk.open_handoff()
    dialog = desk.handoff
    qtbot.waitUntil(dialog.isVisible)
    dialog.log_escalation()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Not logged"))
    assert "The reason is missing" in dialog.message.text()
    assert dialog.log_button.isEnabled()


def test_a_week_of_counts(window, qtbot):
    """Entries from earlier in the week count for the week, not for today."""
    from workaid.core.desk.escalation_log import EscalationEntry

    thursday = dt.datetime(2026, 11, 26, 9, 0, tzinfo=LONDON)
    desk = desk_of(window, qtbot, clock=thursday)
    done = []
    for days, reason in (
        (0, "Customer asked for a supervisor"),
        (1, "Customer asked for a supervisor"),
        (3, "Beyond the rep's knowledge"),
        (4, "Old"),
    ):
        entry = EscalationEntry(
            level=3 if "supervisor" in reason else 2, reason=reason, at=thursday - dt.timedelta(days=days)
        )
        desk.log_service.add(entry, done.append, lambda e: done.append(e))
    qtbot.waitUntil(lambda: len(done) == 4)
    desk.open_log()
    view = desk.log_view
    qtbot.waitUntil(lambda: view.loaded)
    m = view.model
    rows = {
        (m.index(r, 0).data(m.ReasonRole), m.index(r, 0).data(m.TodayRole), m.index(r, 0).data(m.WeekRole))
        for r in range(m.rowCount())
    }
    assert rows == {
        ("Customer asked for a supervisor", 1, 2),
        ("Beyond the rep's knowledge", 0, 1),
    }  # Sunday's is last week
    assert view.totals.text() == "Today 1 · This week 3"


def test_what_the_note_adds_fills_the_open_script(window, qtbot):
    """Regression: the issue and case reference typed into the hand-off note did not reach
    the script still open under it, so the rep typed them a second time."""
    desk = desk_of(window, qtbot)
    desk.toggle_timer()
    assert desk.open_card("script-handoff-supervisor", focus_panel=True)
    panel = desk.pane.current
    assert panel.fields["issue_summary"].text() == ""
    desk.open_handoff()
    dialog = desk.handoff
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.summary.setFocus()
    Keyboard(qtbot).type("Double charge")
    dialog.case_ref.setFocus()
    Keyboard(qtbot).type("WA-7")
    assert panel.fields["issue_summary"].text() == "Double charge"
    assert panel.fields["case_ref"].text() == "WA-7"
    assert "[case_ref?]" not in window.card_view.toPlainText()
