"""Recently updated (Ctrl+Shift+U): the cards the shared folder changed lately, newest
first, the ones this rep has not opened since marked; Enter opens one, with its
changes highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QPushButton,
    QWidget,
)

from workaid.core.desk.seen import recent_changes
from workaid.core.errors import EnvironmentProblem
from workaid.ui.desk.common import DeskDialog, present
from workaid.ui.desk.models import RecentModel

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

RECENT_LIMIT = 50


class RecentDialog(DeskDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__("RecentDialog", "Recently updated", "Recently updated cards", "Recently updated", parent)
        self.desk = desk
        self.count = self.figure
        self.model = RecentModel(lambda: self.desk.clock().tzinfo, self)
        self.list = QListView(self.body)
        self.list.setObjectName("RecentList")
        self.list.setAccessibleName("Recently updated cards, newest first")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.empty = QLabel("No card has changed since this desk first loaded its cards.", self.body)
        self.empty.setObjectName("DeskHint")
        self.empty.setWordWrap(True)
        self.empty.hide()
        hint = QLabel("● not opened since it changed · Enter opens the card with its changes marked", self.body)
        hint.setObjectName("DeskHint")
        hint.setWordWrap(True)
        self.body_layout.addWidget(self.list, 1)
        self.body_layout.addWidget(self.empty)
        self.body_layout.addWidget(hint)
        self.open_button = QPushButton("&Open", self.foot)
        self.open_button.setObjectName("PrimaryButton")
        self.add_buttons(self.open_button)

        self.open_button.clicked.connect(self.open_current)
        self.list.activated.connect(self._open_index)
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self.list, self.open_current)

    def open_view(self) -> None:
        self.place_over_parent(640, 480)
        self.refresh()
        present(self)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        try:
            rows = self.desk.library.recent_changes(RECENT_LIMIT)
        except EnvironmentProblem as e:
            self.message.say(f"The recent changes cannot be read: {e}", "error")
            return
        changes = recent_changes(rows, self.desk.seen)
        self.model.set_rows(changes)
        unread = sum(c.unread for c in changes)
        self.count.setText(f"{unread} not opened yet" if unread else "")
        self.list.setVisible(bool(changes))
        self.empty.setVisible(not changes)
        if changes:
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _open_index(self, index: QModelIndex) -> None:
        card_id = index.data(RecentModel.IdRole)
        if card_id:
            self.accept()
            self.desk.open_card(card_id, focus_panel=False)

    def open_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self._open_index(index)
