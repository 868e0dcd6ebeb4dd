"""The authority panel: answers as the rep types, names what they may offer, remembers the role."""

from __future__ import annotations

from deskhelpers import Keyboard, desk_of, focused
from PySide6.QtCore import Qt

from workaid.core.settings import Settings
from workaid.ui.app import PREFERENCES_FILE

K = Qt.Key


def open_fee_card(window, qtbot, card_id="late-fee-waiver"):
    desk = desk_of(window, qtbot)
    assert window.open_card(card_id)
    panel = desk.pane.current
    assert panel is desk.pane.panels["authority"]
    return desk, panel


def test_only_cards_with_discretion_limits_get_the_panel(window, qtbot):
    desk = desk_of(window, qtbot)
    window.open_card("expert-directory")  # a guideline without limits
    assert desk.pane.current is None and not desk.pane.host.isVisible()
    window.open_card("late-fee-waiver")
    assert desk.pane.current is desk.pane.panels["authority"] and desk.pane.host.isVisible()
    assert desk.pane.height > 100  # the card's text starts under the panel


def test_the_answer_follows_every_keystroke(window, qtbot):
    desk, panel = open_fee_card(window, qtbot)
    assert panel.verdict.text() == "Type the amount the customer asks for"
    assert "rep: up to £12, once per 12 months, if first-offence and account-in-good-standing" in panel.detail.text()
    panel.amount.setFocus()
    keys = Keyboard(qtbot)
    keys.type("1")
    assert panel.verdict.text().startswith("Check first")
    for box in panel.facts:
        box.set_value(True)
    panel._set_used(0)
    assert panel.verdict.text() == "Within your discretion"
    assert panel.offer.text() == "You may offer up to £12.00 yourself."
    assert panel.verdict_frame.property("tone") == "within"
    keys.type("2")  # 12
    assert panel.verdict.text() == "Within your discretion"
    keys.type("0")  # 120: beyond every role on the card
    assert panel.verdict.text() == "Escalate to supervisor"
    assert panel.offer.text() == "You may offer up to £12.00 yourself."  # as quick to say what they MAY do
    assert "beyond that, supervisor decides" in panel.detail.text()
    assert panel.verdict_frame.property("tone") == "escalate"
    keys.press(K.Key_Backspace)
    keys.press(K.Key_Backspace)
    keys.type("5")  # 15: a senior rep's
    assert panel.verdict.text() == "Needs a senior rep"
    assert "senior-rep: up to £24" in panel.detail.text()
    assert desk.session.authority_note.startswith("Authority check (Waiving a late-payment fee): £15.00 asked as rep")


def test_bad_input_gets_a_clear_message(window, qtbot):
    _desk, panel = open_fee_card(window, qtbot)
    panel.amount.setText("12,5")
    assert panel.verdict.text() == "Check the input"
    assert panel.offer.text() == "The amount '12,5' is not a number (use a dot for pence: 12.50); type it like 12.50."
    assert panel.verdict_frame.property("tone") == "bad"
    panel.amount.setText("-3")
    assert "negative" in panel.offer.text()


def test_facts_answer_to_y_and_n_and_delete(window, qtbot):
    _desk, panel = open_fee_card(window, qtbot)
    box = panel.facts[0]
    assert box.value() is None and box.text() == "First offence: not checked"
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, K.Key_Y)
    assert box.value() is True and box.text() == "First offence: yes"
    qtbot.keyClick(box, K.Key_N)
    assert box.value() is False
    qtbot.keyClick(box, K.Key_Delete)
    assert box.value() is None
    qtbot.keyClick(box, K.Key_Space)  # cycles: not checked -> yes
    assert box.value() is True
    assert box.accessibleName() == "First offence — yes"


def test_times_used_by_typing_a_digit(window, qtbot):
    _desk, panel = open_fee_card(window, qtbot)
    items = [panel.used.itemText(i) for i in range(panel.used.count())]
    assert items == ["not checked", "0 (never)", "1 time", "2 or more times"]
    panel.used.setFocus()
    qtbot.waitUntil(panel.used.hasFocus)
    qtbot.keyClicks(panel.used, "1")
    assert panel.used.currentData() == 1


def test_role_is_remembered(window, qtbot, library):
    _desk, panel = open_fee_card(window, qtbot)
    panel.amount.setText("20")
    panel.role.setCurrentIndex(panel.role.findData("senior-rep"))
    assert panel.inputs()[0] == "senior-rep"
    assert window.settings.get("desk.role") == "senior-rep"
    for box in panel.facts:
        box.set_value(True)
    panel._set_used(0)
    assert panel.verdict.text() == "Within your discretion"
    window.close()  # saves the preferences
    assert Settings(library.data_dir / PREFERENCES_FILE).get("desk.role") == "senior-rep"


def test_inputs_stay_with_their_card_for_the_call(window, qtbot):
    desk, panel = open_fee_card(window, qtbot)
    panel.amount.setText("20")
    window.open_card("paper-statement-fee")
    assert panel.amount.text() == ""
    window.open_card("late-fee-waiver")
    assert panel.amount.text() == "20"
    desk.new_call()
    assert panel.amount.text() == ""


def test_keyboard_reaches_every_control(window, qtbot):
    _desk, panel = open_fee_card(window, qtbot)
    window.search_box.setFocus()
    qtbot.waitUntil(window.search_box.hasFocus)
    seen = []
    for _ in range(len(panel.focus_chain())):
        qtbot.keyClick(focused(), K.Key_Tab)
        seen.append(focused())
    assert seen == panel.focus_chain()
    for w in panel.focus_chain():
        assert w.accessibleName(), w


def test_the_same_card_opened_again_keeps_the_rep_typing(window, qtbot):
    """New content synced (or a retry) opens the open card again: the amount keeps the keyboard."""
    _desk, panel = open_fee_card(window, qtbot)
    panel.amount.setFocus()
    qtbot.waitUntil(panel.amount.hasFocus)
    qtbot.keyClicks(panel.amount, "2")
    window.open_card("late-fee-waiver", keep_focus=True)
    assert panel.amount.hasFocus() and panel.amount.text() == "2"
    qtbot.keyClick(panel.amount, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # the rep goes back to the search
    assert window.search_box.hasFocus()
    qtbot.wait(10)
    window.open_card("late-fee-waiver", keep_focus=True)
    assert window.search_box.hasFocus()


def test_ctrl_shift_c_copies_the_answer(window, qtbot):
    from PySide6.QtWidgets import QApplication

    _desk, panel = open_fee_card(window, qtbot)
    panel.amount.setText("20")
    panel.amount.setFocus()
    qtbot.waitUntil(panel.amount.hasFocus)
    qtbot.keyClick(panel.amount, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.clipboard().text().startswith("Check first: first-offence, account-in-good-standing")
    assert window.statusBar().currentMessage() == "Copied the authority check."


def test_the_panel_shows_the_same_words_as_the_terminal_and_the_note(window, qtbot):
    from workaid.core.desk.authority_words import AuthorityAnswer
    from workaid.core.desk.session import authority_summary

    desk, panel = open_fee_card(window, qtbot)
    for amount in ("12", "20", "40"):
        panel.amount.setText(amount)
        d = panel.decision
        answer = AuthorityAnswer.of(d)
        assert panel.verdict.text() == answer.title
        assert panel.offer.text() == answer.offer_line
        assert panel.verdict_frame.toolTip() == answer.text()  # what the terminal prints
        assert desk.session.authority_note.startswith(authority_summary(panel.card.title, d))
        if answer.if_confirmed is not None:
            assert f"If it all checks out:</b> {answer.checks_out}" in panel.detail.text()
