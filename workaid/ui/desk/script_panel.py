"""A script card's placeholders as a small form, the card below as a live preview.

What the rep types is kept for the whole call (CallSession.values), so the name,
the issue and the reference typed once fill every later script and the hand-off
note. The issue in words for the customer ({customer_issue}) is a field of its own:
the rep's summary for colleagues ({issue_summary}) goes to the hand-off note and to
words said to a colleague, never to the customer (scripts.speakable). Ctrl+Shift+C (or Ctrl+Enter) copies the chosen "Say" part as rich and plain
text; an empty placeholder is never copied: the copy is refused, saying which, and
the first empty field gets the keyboard.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workaid.core.content.kinds import placeholders_in
from workaid.core.desk.scripts import (
    CUSTOMER_ISSUE,
    Section,
    field_help,
    fill,
    fill_for_copy,
    placeholder_help,
    say_sections,
    speakable,
)
from workaid.ui.desk.common import (
    DeskPanel,
    FlowLayout,
    Message,
    copy_to_clipboard,
    preview_html,
    repolish,
)

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

WHOLE = "Whole script"
TWO_COLUMNS_FROM = 620  # px of panel width


def human(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# Two fields that look alike and must never be mixed up: what the customer hears, and the
# rep's note for colleagues.
FIELD_LABELS = {CUSTOMER_ISSUE: "Issue, in words for the customer", "issue_summary": "Issue summary (for colleagues)"}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, human(name))


class PlaceholderEdit(QLineEdit):
    """Enter moves on to the next empty field (Ctrl+Enter copies: a window shortcut)."""

    def __init__(self, name: str, panel: ScriptPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._panel = panel

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            e.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._panel.focus_next_empty(after=self)
            e.accept()
            return
        super().keyPressEvent(e)


def labelled_field(name: str, tip: str, panel: Any, parent: QWidget, on_edit: Any) -> tuple[PlaceholderEdit, QLabel]:
    """One call field as every form of the desk shows it: the edit (Enter goes to the
    next empty one on `panel`), its help as placeholder text and tooltip, and its label."""
    edit = PlaceholderEdit(name, panel, parent)
    edit.setObjectName("PlaceholderEdit")
    edit.setAccessibleName(field_label(name))
    edit.setAccessibleDescription(tip)
    edit.setPlaceholderText(tip)
    edit.setToolTip(tip)
    edit.setMaxLength(300)
    edit.textEdited.connect(lambda text, n=name: on_edit(n, text))
    lab = QLabel(field_label(name), parent)
    lab.setObjectName("FieldLabel")
    lab.setBuddy(edit)
    return edit, lab


class ScriptPanel(DeskPanel):
    title = "Script"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ScriptPanel")
        self.desk = desk
        self.card: Any = None
        self.body = ""  # the card's text as said: see scripts.speakable
        self.fields: dict[str, PlaceholderEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self.sections: list[Section] = []
        self._columns = 0
        self._loading = False

        outer, self.count = self.headed_layout("Fill in the script")
        self.count.setAccessibleName("Placeholders filled")

        self.form_box = QWidget(self)
        self.grid = QGridLayout(self.form_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        outer.addWidget(self.form_box)

        row_box = QWidget(self)
        row = FlowLayout(row_box, h_spacing=8, v_spacing=6)  # wraps in a narrow window
        part_box = QWidget(row_box)
        pl = QHBoxLayout(part_box)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.setSpacing(6)
        part_label = QLabel("C&opy", part_box)
        self.part = QComboBox(part_box)
        self.part.setObjectName("CopyPart")
        self.part.setAccessibleName("Part of the script to copy")
        part_label.setBuddy(self.part)
        pl.addWidget(part_label)
        pl.addWidget(self.part)
        self.copy_button = QPushButton("Copy  Ctrl+Shift+C", row_box)
        self.copy_button.setObjectName("PrimaryButton")
        self.copy_button.setAccessibleName("Copy the filled script")
        self.copy_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.keys = QLabel("Enter: next empty field", row_box)
        self.keys.setObjectName("DeskHint")
        self.keys.setMinimumHeight(self.copy_button.sizeHint().height())
        row.addWidget(part_box)
        row.addWidget(self.copy_button)
        row.addWidget(self.keys)
        outer.addWidget(row_box)
        self.message = Message(self, "Script message")
        outer.insertWidget(1, self.message)  # under the title: in view even when the panel scrolls

        self.copy_button.clicked.connect(self.copy)
        self.part.currentIndexChanged.connect(lambda _i: self.message.clear_message())

    # -- the card ---------------------------------------------------------------------
    def show_card(self, card: Any) -> None:
        same = self.card is not None and self.card.id == card.id
        self.card = card
        # Words for the customer never take the note for colleagues (scripts.speakable).
        self.body = speakable(card.body)
        # In the order the script uses them (the declared list may come back sorted).
        names = placeholders_in(self.body)
        renamed = set(placeholders_in(card.body)) - set(
            names
        )  # only in words for the customer: asked for as their field
        names += [n for n in placeholder_help(card.fields) if n not in names and n not in renamed]
        if not same or list(self.fields) != names:
            self._build_fields(names, placeholder_help(card.fields))
        self._fill_known()
        for edit in self.fields.values():
            self._mark(edit, False)
        current = self.part.currentText() if same else ""
        self.sections = say_sections(self.body)
        self.part.blockSignals(True)
        self.part.clear()
        for s in self.sections:
            self.part.addItem(s.title)
        self.part.addItem(WHOLE)
        i = self.part.findText(current)
        self.part.setCurrentIndex(i if i >= 0 else 0)
        self.part.blockSignals(False)
        self.message.clear_message()
        self.update_preview()
        self.resized.emit()

    def refill(self) -> None:
        """Take up what the call now knows (typed elsewhere, or the team chosen); the form
        and sections stay, and the preview is drawn again only when a field changed."""
        if self.card is not None and self._fill_known():
            self.update_preview()

    def _fill_known(self) -> bool:
        """Put the call's known values in the fields; True when any field changed."""
        known = self.desk.session.script_values(list(self.fields), self.card.id)
        changed = False
        self._loading = True
        for name, edit in self.fields.items():
            value = known.get(name, "")
            if edit.text() != value:
                edit.setText(value)
                self._mark(edit, False)
                changed = True
        self._loading = False
        return changed

    def _build_fields(self, names: list[str], help_for: dict[str, str]) -> None:
        for w in [*self.fields.values(), *self.labels.values()]:
            self.grid.removeWidget(w)
            w.deleteLater()
        self.fields, self.labels = {}, {}
        for name in names:
            edit, lab = labelled_field(name, field_help(name, help_for), self, self.form_box, self._on_edit)
            self.fields[name] = edit
            self.labels[name] = lab
        self._columns = 0
        self._layout_fields()

    def _layout_fields(self) -> None:
        columns = 2 if self.width() >= TWO_COLUMNS_FROM and len(self.fields) > 3 else 1
        if columns == self._columns:
            return
        self._columns = columns
        for w in [*self.fields.values(), *self.labels.values()]:
            self.grid.removeWidget(w)
        # Row by row, left to right, in the order the script uses them: where the eye
        # reads next is where Enter and Tab go next.
        for i, name in enumerate(self.fields):
            row, col = divmod(i, columns)
            self.grid.addWidget(self.labels[name], row, col * 2)
            self.grid.addWidget(self.fields[name], row, col * 2 + 1)
        for c in range(4):
            self.grid.setColumnStretch(c, 1 if c % 2 and c < columns * 2 else 0)
        # Tab runs down the fields in reading order.
        names = list(self.fields)
        for a, b in itertools.pairwise(names):
            QWidget.setTabOrder(self.fields[a], self.fields[b])
        self.resized.emit()

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._layout_fields()

    # -- typing --------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        return {n: e.text() for n, e in self.fields.items()}

    def _on_edit(self, name: str, text: str) -> None:
        if self._loading:
            return
        self.desk.session.remember({name: text})
        self._mark(self.fields[name], False)
        self.message.clear_message()
        self.update_preview()

    def update_preview(self) -> None:
        if self.card is None:
            return
        filled = fill(self.body, self.values())
        done = len(filled.placeholders) - len(filled.missing)
        self.count.setText(
            f"{done} of {len(filled.placeholders)} filled" if filled.placeholders else "Nothing to fill in"
        )
        self.desk.show_card_body(self.card, preview_html(filled.html))

    def focus_next_empty(self, after: QWidget | None = None) -> None:
        names = list(self.fields)
        start = names.index(after.name) + 1 if isinstance(after, PlaceholderEdit) and after.name in names else 0
        order = names[start:] + names[:start]
        for n in order:
            if not self.fields[n].text().strip():
                self.fields[n].setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.message.say("Everything is filled in: Ctrl+Shift+C copies it.", "info")
        self.copy_button.setFocus(Qt.FocusReason.TabFocusReason)

    def focus_first(self) -> None:
        self.focus_next_empty()

    def focus_chain(self) -> list[QWidget]:
        return [*self.fields.values(), self.part, self.copy_button]

    def _mark(self, edit: QLineEdit, missing: bool) -> None:
        if bool(edit.property("missing")) != missing:
            edit.setProperty("missing", missing)
            repolish(edit)

    # -- copying ----------------------------------------------------------------------------
    def current_markdown(self) -> tuple[str, str]:
        i = self.part.currentIndex()
        if 0 <= i < len(self.sections):
            return self.sections[i].title, self.sections[i].markdown
        return WHOLE, self.body

    def copy(self) -> bool:
        if self.card is None:
            return False
        what, markdown_text = self.current_markdown()
        filled = fill_for_copy(markdown_text, self.values())
        if filled.missing:
            names = [field_label(n) for n in filled.missing]
            for n in filled.missing:
                if n in self.fields:
                    self._mark(self.fields[n], True)
            self.message.say(
                f"Not copied: {', '.join(names)} {'is' if len(names) == 1 else 'are'} still empty. "
                "Fill in the highlighted field" + ("s" if len(names) > 1 else "") + ", then copy again.",
                "error",
            )
            first = self.fields.get(filled.missing[0])
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        copy_to_clipboard(filled.text, filled.html)
        self.message.say(f"Copied “{what}” as rich and plain text: ready to paste.", "ok")
        return True
