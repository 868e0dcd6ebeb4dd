"""Flagging a card from the card view: Ctrl+Shift+F, a digit for the reason, Enter.

Three keystrokes because a rep flags between calls, or while the customer talks:
anything slower is not done. The comment is optional and is masked before it is
stored (core.feedback.privacy); the window says so under the box, so nobody types a
customer's details expecting them to reach the owner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QPushButton, QWidget

from workaid.ui.desk.common import DeskDialog, present

if TYPE_CHECKING:
    from workaid.core.content.store import StoredCard

# The reasons in the order of their digit keys, with the words the rep reads.
REASONS: tuple[tuple[str, str], ...] = (
    ("wrong", "Wrong: it says something that is not so"),
    ("unclear", "Unclear: I could not tell what to do"),
    ("out-of-date", "Out of date: the policy or a figure changed"),
    ("missing", "Something missing: the case I had is not covered"),
    ("other", "Other"),
)
REASON_WORDS = {key: words.split(":")[0] for key, words in REASONS}

_Index = QModelIndex | QPersistentModelIndex


class ReasonsModel(QAbstractListModel):
    """The five reasons, each with its digit key."""

    KeyRole = Qt.ItemDataRole.UserRole + 1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(REASONS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(REASONS):
            return None
        key, words = REASONS[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}   {words}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{words}, key {index.row() + 1}"
        if role == self.KeyRole:
            return key
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return {**super().roleNames(), self.KeyRole: QByteArray(b"reason")}


class FlagDialog(DeskDialog):
    """One card's flag: the reason (1–5), an optional comment, Enter sends."""

    submitted = Signal(str, str)  # reason, comment

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("FlagDialog", "Flag this card", "Flag this card", "Flag this card", parent)
        self.setMinimumSize(420, 360)
        self.card: StoredCard | None = None
        self.card_label = QLabel(self.body)
        self.card_label.setObjectName("Hint")
        self.card_label.setWordWrap(True)
        self.model = ReasonsModel(self)
        self.reasons = QListView(self.body)
        self.reasons.setModel(self.model)
        self.reasons.setAccessibleName("Reason")
        self.reasons.setObjectName("FlagReasons")
        self.reasons.installEventFilter(self)
        self.comment = QLineEdit(self.body)
        self.comment.setAccessibleName("Comment (optional)")
        self.comment.setPlaceholderText("What is wrong or missing? (optional)")
        self.comment.setMaxLength(500)
        privacy = QLabel(
            "No customer details: numbers, e-mail addresses and what you typed for this call are removed before it is sent.",
            self.body,
        )
        privacy.setObjectName("Hint")
        privacy.setWordWrap(True)
        comment_label = QLabel("&Comment", self.body)
        comment_label.setBuddy(self.comment)
        self.mine = QLabel(self.body)  # this rep's earlier flags on the card, and their answers
        self.mine.setObjectName("Hint")
        self.mine.setWordWrap(True)
        self.mine.setAccessibleName("Your flags on this card")
        for w in (self.card_label, self.reasons, comment_label, self.comment, privacy, self.mine):
            self.body_layout.addWidget(w)
        self.send_button = QPushButton("Send flag  Enter", self.foot)
        self.send_button.setObjectName("PrimaryButton")
        self.send_button.setAccessibleName("Send flag")
        self.send_button.clicked.connect(self.send)
        self.add_buttons(self.send_button)
        self.reasons.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.comment.returnPressed.connect(self.send)
        self.setTabOrder(self.reasons, self.comment)
        self.setTabOrder(self.comment, self.send_button)

    def open_for(self, card: StoredCard, mine: str) -> None:
        """Show the dialog for `card`, the reason list taking the keys."""
        self.card = card
        self.card_label.setText(f"“{card.title}” — version {card.version}. Press 1–5 for the reason, then Enter.")
        self.reasons.setCurrentIndex(QModelIndex())
        self.reasons.clearSelection()
        self.comment.clear()
        self.mine.setText(mine)
        self.mine.setVisible(bool(mine))
        self.message.clear_message()
        self._enable()
        present(self)
        self.reasons.setFocus(Qt.FocusReason.OtherFocusReason)

    def reason(self) -> str | None:
        index = self.reasons.currentIndex()
        return str(index.data(ReasonsModel.KeyRole)) if index.isValid() else None

    def choose(self, row: int) -> None:
        self.reasons.setCurrentIndex(self.model.index(row, 0))

    def _enable(self) -> None:
        self.send_button.setEnabled(self.reason() is not None)

    def send(self) -> None:
        reason = self.reason()
        if reason is None:
            self.message.say("Choose a reason first: press 1 to 5.", "warn")
            self.reasons.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.submitted.emit(reason, self.comment.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Digits pick a reason and Enter sends while the list has the keys (a list view
        would take the digit for its type-ahead and Enter for "activate")."""
        if watched is self.reasons and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
            if plain and Qt.Key.Key_1 <= key < Qt.Key.Key_1 + len(REASONS):
                self.choose(key - Qt.Key.Key_1)
                return True
            if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.send()
                return True
        return super().eventFilter(watched, event)
