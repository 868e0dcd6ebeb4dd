"""Scripts: placeholders become a form, the card previews as it is filled, and copying
puts rich and plain text on the clipboard, never an unfilled placeholder."""

from __future__ import annotations

from deskhelpers import Keyboard, desk_of, focused
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

K = Qt.Key


def open_script(window, qtbot, card_id="script-apology-rep"):
    desk = desk_of(window, qtbot)
    assert desk.open_card(card_id, focus_panel=True)
    panel = desk.pane.current
    assert panel is desk.pane.panels["script"]
    return desk, panel


def test_placeholders_become_a_form_in_the_order_the_script_uses_them(window, qtbot):
    _desk, panel = open_script(window, qtbot)
    assert list(panel.fields) == ["customer_name", "customer_issue", "agent_name", "case_ref"]
    edit = panel.fields["case_ref"]
    assert edit.accessibleName() == "Case ref" and edit.placeholderText() == "The case reference, e.g. WA-20418"
    assert focused() is panel.fields["customer_name"]
    assert panel.count.text() == "0 of 4 filled"
    assert "[customer_name?]" in window.card_view.toPlainText()


def test_two_column_form_reads_left_to_right_in_the_scripts_order(window, qtbot):
    """Regression: the form was laid out column by column, so Enter after the first field
    jumped to the one below it while the eye went to the one beside it, and a rep typed
    the issue into the manager's name."""
    window.resize(1280, 800)
    _desk, panel = open_script(window, qtbot)
    qtbot.waitUntil(lambda: panel._columns == 2)
    names = list(panel.fields)
    positions = [panel.grid.getItemPosition(panel.grid.indexOf(panel.fields[n]))[:2] for n in names]
    assert positions == sorted(positions)  # row by row, left to right
    assert positions[0][0] == positions[1][0]  # the second field is beside the first


def test_preview_follows_the_typing(window, qtbot):
    _desk, panel = open_script(window, qtbot)
    Keyboard(qtbot).type("Ann")
    assert "\"Ann, I'm sorry about [customer_issue?]" in window.card_view.toPlainText()
    assert panel.count.text() == "1 of 4 filled"


def test_unfilled_placeholders_are_refused_with_a_clear_message(window, qtbot):
    desk, panel = open_script(window, qtbot)
    clipboard = QApplication.clipboard()
    clipboard.setText("before")
    keys = Keyboard(qtbot)
    keys.type("Ann")
    keys.press(K.Key_Return)  # Enter: the next empty field
    assert focused() is panel.fields["customer_issue"]
    panel.fields["case_ref"].setFocus()
    keys.ctrl_shift(K.Key_C)
    assert clipboard.text() == "before"
    assert panel.message.text() == (
        "Not copied: Issue, in words for the customer, Agent name, Case ref are still empty. Fill in the highlighted fields, then copy again."
    )
    assert panel.message.property("tone") == "error"
    assert panel.fields["agent_name"].property("missing") is True
    assert focused() is panel.fields["customer_issue"]  # the first empty one
    keys.type("a double charge")
    assert not panel.fields["customer_issue"].property("missing")


def test_copy_puts_rich_and_plain_text_on_the_clipboard(window, qtbot):
    _desk, panel = open_script(window, qtbot)
    values = {
        "customer_name": "Ann <b>Lee</b>",
        "customer_issue": "charged twice for March",
        "agent_name": "Sam",
        "case_ref": "WA-1",
    }
    for name, value in values.items():
        panel.fields[name].setFocus()
        qtbot.keyClicks(panel.fields[name], value)
    keys = Keyboard(qtbot)
    keys.ctrl(K.Key_Return)  # Ctrl+Enter copies too
    mime = QApplication.clipboard().mimeData()
    assert mime.text().startswith("\"Ann <b>Lee</b>, I'm sorry about charged twice for March.")
    assert "**" not in mime.text() and "[" not in mime.text()
    assert mime.hasHtml() and "Ann &lt;b&gt;Lee&lt;/b&gt;" in mime.html()
    assert panel.message.text() == "Copied “Say” as rich and plain text: ready to paste."


def test_the_whole_script_can_be_copied_too(window, qtbot):
    _desk, panel = open_script(window, qtbot, "script-abusive-final-warning")
    assert [panel.part.itemText(i) for i in range(panel.part.count())] == ["Say — calmly, clearly", "Whole script"]
    panel.fields["customer_name"].setText("Ann")
    panel._on_edit("customer_name", "Ann")
    panel.part.setCurrentIndex(1)
    assert panel.copy()
    text = QApplication.clipboard().text()
    assert text.startswith("Step 2 of the Abusive-caller protocol.") and "If it happens again" in text


def test_values_typed_once_fill_the_next_script(window, qtbot):
    desk, panel = open_script(window, qtbot)
    qtbot.keyClicks(panel.fields["customer_name"], "Ann")
    qtbot.keyClicks(panel.fields["case_ref"], "WA-7")
    assert desk.open_card("script-set-callback")
    assert window.card_view.card.id == "script-set-callback"
    assert panel.fields["customer_name"].text() == "Ann" and panel.fields["case_ref"].text() == "WA-7"
    desk.new_call()
    assert panel.fields["customer_name"].text() == "" and desk.session.values == {}


_COPY_AND_EXIT = """
from PySide6.QtWidgets import QApplication
from workaid.ui.desk.common import copy_to_clipboard
app = QApplication([])
copy_to_clipboard("Ann, I'm sorry", "<p>Ann, I'm sorry</p>")
print(QApplication.clipboard().text())
"""


def test_process_ends_cleanly_after_a_copy():
    """Regression: after a copy, Qt 6.11's offscreen platform crashed the process at exit
    (segfault, exit code 139) even though everything had worked; CI read it as a failure."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", _COPY_AND_EXIT], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Ann, I'm sorry"
