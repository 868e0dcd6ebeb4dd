"""The call timer, the cards a call consulted, a new call, the contact panel, the desk menu,
and the first frame (the desk is built after it, never before)."""

from __future__ import annotations

import textwrap

from deskhelpers import WED_1110, Keyboard, desk_of
from PySide6.QtCore import Qt
from uihelpers import CONTENT, run_gui_probe

from workaid.core.content.library import Library

K = Qt.Key


def test_ctrl_t_starts_and_pauses_ctrl_shift_t_starts_a_new_call(window, qtbot):
    desk = desk_of(window, qtbot)
    keys = Keyboard(qtbot)
    window.search_box.setFocus()
    qtbot.waitUntil(window.search_box.hasFocus)
    timer = desk.bar.timer
    assert timer.text() == "▶ Start call" and timer.property("tone") == "idle"
    width = timer.width()
    keys.ctrl(K.Key_T)
    assert desk.session.timer.running and timer.property("tone") == "running" and timer.text().startswith("● 0:0")
    assert timer.width() == width  # the search box beside it never moves
    keys.ctrl(K.Key_T)
    assert not desk.session.timer.running and timer.text().startswith("❚❚ ")
    assert timer.accessibleDescription().startswith("Call paused at")
    keys.ctrl_shift(K.Key_T)
    assert timer.text() == "▶ Start call" and desk.session.timer.elapsed() == 0
    assert window.statusBar().currentMessage().startswith("New call")


def test_cards_are_tracked_from_the_start_of_the_call(window, qtbot):
    desk = desk_of(window, qtbot)
    window.open_card("paper-statement-fee")  # before the call: not part of it
    window.open_card("late-fee-waiver")
    desk.toggle_timer()  # the card on screen when the call starts is
    window.open_card("expert-directory")
    window.open_card("late-fee-waiver")
    assert [c.id for c in desk.session.cards] == ["late-fee-waiver", "expert-directory"]
    desk.new_call()
    assert desk.session.cards == []


def test_contact_cards_show_the_directory_entry(window, qtbot):
    desk = desk_of(window, qtbot)  # Wednesday 11:10 in London
    window.open_card("contact-retentions")
    panel = desk.pane.current
    assert panel is desk.pane.panels["contact"]
    assert panel.team.text() == "Retentions and cancellations"
    assert (
        panel.values["topics"].text()
        == "cancellations, early termination fees, moving home, contract renewals, price rises"
    )
    assert panel.values["channel"].text() == "Live transfer"
    assert panel.values["direct"].text() == "020 7946 0740"
    assert panel.values["hours"].text() == "Mon-Fri 08:00-20:00, Sat 09:00-17:00 Europe/London — Wed 11:10 there now"
    assert panel.now.text() == "Open now" and panel.now.property("tone") == "ok"
    desk.set_clock(lambda: WED_1110.replace(hour=21))
    panel.refresh_now()
    assert panel.now.text() == "Closed now — opens Thu 08:00" and panel.now.property("tone") == "warn"
    assert panel.copy() and panel.message.text() == "Copied Retentions and cancellations's direct contact."
    panel.use_for_handoff()
    assert desk.session.target.id == "contact-retentions"


def test_the_desk_menu_lists_every_command_with_its_key(window, qtbot):
    desk = desk_of(window, qtbot)
    entries = [(a.text(), a.shortcut().toString()) for a in desk.bar.menu.actions() if not a.isSeparator()]
    assert entries == [
        ("Start / pause the call timer", "Ctrl+T"),
        ("New call (timer to 0:00, forget this call)", "Ctrl+Shift+T"),
        ("Escalation checklist", "Ctrl+Shift+E"),
        ("Hand-off note…", "Ctrl+H"),
        ("Abusive-caller protocol", "Ctrl+Shift+A"),
        ("Escalation log…", "Ctrl+Shift+L"),
        ("Recently updated cards…", "Ctrl+Shift+U"),
        ("Dismiss the marked changes", "Ctrl+Shift+D"),
        ("Copy (script, record, contact)", "Ctrl+Shift+C"),
    ]
    for w in (desk.bar.timer, desk.bar.menu_button):
        assert w.accessibleName() and w.focusPolicy() != Qt.FocusPolicy.NoFocus


def test_alt_a_reaches_the_amount(window, qtbot):
    desk = desk_of(window, qtbot)
    window.open_card("late-fee-waiver")
    window.search_box.setFocus()
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClick(window.search_box, K.Key_A, Qt.KeyboardModifier.AltModifier)
    assert desk.pane.current.amount.hasFocus()


# The real `workaid gui`, offscreen: what is loaded at the first paint, and once ready.
_PROBE = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    report = {}
    desk = lambda: sorted(n for n in sys.modules if n.startswith("workaid.ui.desk") or n == "workaid.core.desk.session")

    class Probe(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and getattr(obj, "isWindow", lambda: False)() and "first" not in report:
                report["first"] = desk()
                obj.ready.connect(lambda: QTimer.singleShot(100, lambda: done(obj)))
            return False

    def done(w):
        report["ready"] = desk()
        report["built"] = w.desk is not None
        w.close()

    """
)


def test_the_first_frame_does_not_load_the_desk(tmp_path):
    lib = Library(tmp_path, bundled=CONTENT)
    lib.load_bundled()
    lib.close()
    report = run_gui_probe(_PROBE, tmp_path)
    assert report["first"] == []
    assert report["built"] is True
    assert "workaid.ui.desk.desk" in report["ready"]
    # Panels and dialogs wait until a card or a key asks for them.
    assert "workaid.ui.desk.handoff_dialog" not in report["ready"]
    assert "workaid.ui.desk.authority_panel" not in report["ready"]


def test_every_desk_control_has_an_accessible_name(window, qtbot):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QWidget,
    )

    desk = desk_of(window, qtbot)
    for card_id in (
        "late-fee-waiver",
        "escalation-checklist",
        "script-handoff-expert",
        "contact-billing-specialists",
        "abusive-caller-protocol",
    ):
        window.open_card(card_id)
    desk.open_handoff()
    desk.open_log()
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit, QAbstractSpinBox)
    roots = [desk.bar, desk.pane.host, desk.handoff, desk.log_view]
    unnamed = []
    for root in roots:
        for w in root.findChildren(QWidget):
            if not isinstance(w, kinds):
                continue
            parent, inside_combo = w.parentWidget(), False
            while parent is not None:
                inside_combo = inside_combo or isinstance(parent, (QComboBox, QAbstractSpinBox))
                parent = parent.parentWidget()
            if inside_combo or w.objectName().startswith("qt_"):
                continue  # a combo box's own line edit and list: the combo box carries the name
            if w.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(w, QAbstractButton):
                continue
            if not w.accessibleName():
                unnamed.append(f"{type(w).__name__} {w.objectName()} {getattr(w, 'text', lambda: '')()}")
    assert unnamed == [], "\n".join(unnamed)
