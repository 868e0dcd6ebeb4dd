"""A whole call at the escalation desk, keyboard only, on the real main window.

Start the timer, find the late-fee card, check authority, walk the escalation
checklist to an expert, fill and copy the expert hand-off script, write and copy the
hand-off note, log the escalation and see it counted. Every key is counted (a
chord such as Ctrl+Shift+C, or a capital letter, is one keystroke).
"""

from __future__ import annotations

from deskhelpers import Keyboard, desk_of, focused
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uihelpers import result_ids

K = Qt.Key
# The keystrokes this call takes; a change here is a change in how fast a rep is.
FULL_CALL_KEYS = 87


def test_a_full_call_by_keyboard(window, qtbot, capsys):
    desk = desk_of(window, qtbot)
    keys = Keyboard(qtbot)
    clipboard = QApplication.clipboard()

    # 1. The call starts: Ctrl+T.
    keys.ctrl(K.Key_T)
    assert desk.session.timer.running and desk.bar.timer.text().startswith("●")

    # 2. Find the rule: "late fee", Enter.
    keys.type("late fee")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "late fee")
    assert result_ids(window)[0] == "late-fee-waiver"
    keys.press(K.Key_Return)
    assert window.card_view.card.id == "late-fee-waiver"
    panel = desk.pane.current
    assert panel is desk.pane.panels["authority"] and panel.isVisible()

    # 3. Authority: Tab into the amount; the answer is there as soon as it is typed.
    keys.press(K.Key_Tab)
    assert focused() is panel.amount
    keys.type("20")
    assert panel.verdict.text() == "Check first: first offence, account in good standing, how often they have had it"
    assert panel.offer.text().startswith("Until then: Escalate to supervisor")
    # The facts: not a first offence (N), account in good standing (Y), one waiver already (1).
    keys.press(K.Key_Tab)
    keys.press(K.Key_N)
    keys.press(K.Key_Tab)
    keys.press(K.Key_Y)
    keys.press(K.Key_Tab)
    keys.press(K.Key_1)
    assert panel.verdict.text() == "Needs a senior rep"
    assert panel.offer.text() == "You may not offer anything yourself."
    assert "senior-rep: up to £24, twice per 12 months, if account-in-good-standing" in panel.detail.text()

    # 4. The escalation checklist: Ctrl+Shift+E, then N (not abusive), Y (beyond what I know).
    keys.ctrl_shift(K.Key_E)
    checklist = desk.pane.current
    assert window.card_view.card.id == "escalation-checklist" and checklist is desk.pane.panels["checklist"]
    assert focused() is checklist
    assert checklist.question.text().startswith("Is the caller still threatening or abusive")
    keys.press(K.Key_N)
    keys.press(K.Key_Y)
    assert checklist.walk.finished
    assert checklist.outcome.text() == "Pass it to an expert"
    assert checklist.reason.text() == "Reason: Beyond the rep's knowledge"
    assert checklist.team.currentText() == "Billing specialists"  # the team for a fee question
    assert "Write the hand-off note before you transfer, not after." in checklist.before.text()

    # 5. Enter opens the expert hand-off script, the team already filled in.
    keys.press(K.Key_Return)
    script = desk.pane.current
    assert window.card_view.card.id == "script-handoff-expert" and script is desk.pane.panels["script"]
    assert script.fields["team"].text() == "Billing specialists"
    assert script.fields["direct_contact"].text() == "020 7946 0410"
    assert focused() is script.fields["customer_name"]
    keys.type("Ann Lee")
    keys.press(K.Key_Return)  # on to the next empty field
    keys.type("a late fee she paid on time")
    assert "a late fee she paid on time" in window.card_view.toPlainText()  # the preview follows the typing
    keys.press(K.Key_Return)
    assert focused() is script.fields["callback_time"]
    keys.type("tomorrow 10:00")
    keys.press(K.Key_Return)
    keys.type("WA-20418")
    keys.ctrl_shift(K.Key_C)
    text = clipboard.text()
    assert text.startswith('"Ann Lee, I want to make sure you get the right answer about a late fee she paid on time')
    assert "contact you by tomorrow 10:00" in text and "Your reference is WA-20418" in text
    assert "[" not in text and "{" not in text
    mime = clipboard.mimeData()
    assert mime.hasHtml() and mime.hasText()
    assert "Ann Lee" in mime.html() and "<p>" in mime.html()

    # 6. The hand-off note: Ctrl+H; everything typed so far is in it.
    keys.ctrl(K.Key_H)
    dialog = desk.handoff
    qtbot.waitUntil(lambda: dialog.isVisible())
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    note = dialog.preview.toPlainText()
    assert "Reason: Beyond the rep's knowledge" in note
    assert "Issue: a late fee she paid on time" in note
    assert "To: Billing specialists — 020 7946 0410" in note
    assert "Callback: Thu 26 Nov 2026 10:00 GMT, by Billing specialists" in note
    assert "late-fee-waiver (Waiving a late-payment fee)" in note
    assert "Authority check (Waiving a late-payment fee): £20.00 asked as rep — needs a senior rep" in note
    assert dialog.problems.text().startswith("<b>Ready to send:</b>")
    keys.ctrl_shift(K.Key_C)
    assert clipboard.text() == note

    # 7. Log it (Ctrl+Enter), then see it counted (Ctrl+Shift+L).
    keys.ctrl(K.Key_Return)
    qtbot.waitUntil(lambda: desk.session.logged_at is not None)
    keys.ctrl_shift(K.Key_L)
    view = desk.log_view
    qtbot.waitUntil(lambda: view.isVisible() and view.loaded)
    m = view.model
    rows = [
        (
            m.index(r, 0).data(m.ReasonRole),
            m.index(r, 0).data(m.LevelRole),
            m.index(r, 0).data(m.TodayRole),
            m.index(r, 0).data(m.WeekRole),
        )
        for r in range(m.rowCount())
    ]
    assert rows == [("Beyond the rep's knowledge", 2, 1, 1)]
    assert view.totals.text() == "Today 1 · This week 1"

    with capsys.disabled():
        print(f"\n[desk] the full call took {keys.count} keystrokes")
    assert keys.count == FULL_CALL_KEYS
