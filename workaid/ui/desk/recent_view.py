"""Recently updated (Ctrl+Shift+U): the cards the shared folder changed lately, newest
first, the ones this rep has not opened since marked; Enter opens one, with its
changes highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workaid.core.desk.seen import recent_changes
from workaid.core.errors import EnvironmentProblem
from workaid.ui.desk.common import Message, desk_stylesheet, present
from workaid.ui.desk.models import RecentModel

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

RECENT_LIMIT = 50


class RecentDialog(QDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("RecentDialog")
        self.setWindowTitle("Recently updated — WorkAid")
        self.setAccessibleName("Recently updated cards")
        self.setStyleSheet(desk_stylesheet())
        self.setModal(False)
        self.setMinimumSize(360, 260)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        head = QFrame(self)
        head.setObjectName("DialogHead")
        hl = QHBoxLayout(head)
        hl.setContentsMargins(18, 12, 18, 10)
        title = QLabel("Recently updated", head)
        title.setObjectName("DialogTitle")
        self.count = QLabel(head)
        self.count.setObjectName("Totals")
        hl.addWidget(title)
        hl.addStretch(1)
        hl.addWidget(self.count)
        outer.addWidget(head)

        body = QWidget(self)
        bl = QVBoxLayout(body)
        bl.setContentsMargins(18, 12, 18, 8)
        self.model = RecentModel(lambda: self.desk.clock().tzinfo, self)
        self.list = QListView(body)
        self.list.setObjectName("RecentList")
        self.list.setAccessibleName("Recently updated cards, newest first")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.empty = QLabel("No card has changed since this desk first loaded its cards.", body)
        self.empty.setObjectName("DeskHint")
        self.empty.setWordWrap(True)
        self.empty.hide()
        hint = QLabel("● not opened since it changed · Enter opens the card with its changes marked", body)
        hint.setObjectName("DeskHint")
        hint.setWordWrap(True)
        bl.addWidget(self.list, 1)
        bl.addWidget(self.empty)
        bl.addWidget(hint)
        outer.addWidget(body, 1)

        foot = QFrame(self)
        foot.setObjectName("DialogFoot")
        fl = QVBoxLayout(foot)
        fl.setContentsMargins(18, 6, 18, 12)
        self.message = Message(foot, "Recently updated message")
        fl.addWidget(self.message)
        row = QHBoxLayout()
        self.open_button = QPushButton("&Open", foot)
        self.open_button.setObjectName("PrimaryButton")
        self.close_button = QPushButton("Close  Esc", foot)
        self.close_button.setObjectName("SecondaryButton")
        for b in (self.open_button, self.close_button):
            b.setAutoDefault(False)
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        fl.addLayout(row)
        outer.addWidget(foot)

        self.open_button.clicked.connect(self.open_current)
        self.close_button.clicked.connect(self.reject)
        self.list.activated.connect(self._open_index)
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self.list, self.open_current)

    def open_view(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            pg = parent.frameGeometry()
            w = min(640, max(400, pg.width() - 40))
            h = min(480, max(320, pg.height() // 2))
            self.resize(w, h)
            self.move(pg.x() + (pg.width() - w) // 2, pg.y() + max(0, (pg.height() - h) // 3))
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
