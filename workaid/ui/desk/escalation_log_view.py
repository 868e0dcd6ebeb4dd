"""The rep's own escalation counts (Ctrl+Shift+L): by reason and level, today and this
week, and an export to CSV for the team lead or the content owners."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workaid.core.errors import for_person
from workaid.ui.desk.common import Message, desk_stylesheet, present
from workaid.ui.desk.log_service import Counts
from workaid.ui.desk.models import CountsModel

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk


class EscalationLogDialog(QDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("EscalationLogDialog")
        self.setWindowTitle("Escalation log — WorkAid")
        self.setAccessibleName("Escalation log")
        self.setStyleSheet(desk_stylesheet())
        self.setModal(False)
        # An explicit minimum: the layout then never resizes the shown window's limits
        # (which some platforms, the tests' offscreen one included, cannot take).
        self.setMinimumSize(360, 260)
        self.loaded = False  # the counts on screen are current

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        head = QFrame(self)
        head.setObjectName("DialogHead")
        hl = QHBoxLayout(head)
        hl.setContentsMargins(18, 12, 18, 10)
        title = QLabel("Your escalations", head)
        title.setObjectName("DialogTitle")
        self.totals = QLabel(head)
        self.totals.setObjectName("Totals")
        self.totals.setAccessibleName("Totals")
        hl.addWidget(title)
        hl.addStretch(1)
        hl.addWidget(self.totals)
        outer.addWidget(head)

        body = QWidget(self)
        bl = QVBoxLayout(body)
        bl.setContentsMargins(18, 12, 18, 8)
        bl.setSpacing(8)
        self.model = CountsModel(self)
        self.table = QTableView(body)
        self.table.setObjectName("CountsTable")
        self.table.setAccessibleName("Escalations by reason and level")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # long reasons wrap
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("No escalations logged this week.", body)
        self.empty.setObjectName("DeskHint")
        self.empty.hide()
        note = QLabel(
            "Kept on this computer only, with no customer details: time, level, reason, team, cards used, outcome, call length.",
            body,
        )
        note.setObjectName("DeskHint")
        note.setWordWrap(True)
        bl.addWidget(self.table, 1)
        bl.addWidget(self.empty)
        bl.addWidget(note)
        outer.addWidget(body, 1)

        foot = QFrame(self)
        foot.setObjectName("DialogFoot")
        fl = QVBoxLayout(foot)
        fl.setContentsMargins(18, 6, 18, 12)
        self.message = Message(foot, "Log message")
        fl.addWidget(self.message)
        row = QHBoxLayout()
        self.export_button = QPushButton("&Export CSV…", foot)
        self.export_button.setObjectName("PrimaryButton")
        self.export_button.setAccessibleName("Export the log as CSV")
        self.close_button = QPushButton("Close  Esc", foot)
        self.close_button.setObjectName("SecondaryButton")
        self.close_button.setAccessibleName("Close")
        for b in (self.export_button, self.close_button):
            b.setAutoDefault(False)
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        fl.addLayout(row)
        outer.addWidget(foot)

        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.export)
        desk.log_service.changed.connect(self.refresh)
        desk.log_service.noticed.connect(self._tell)

    def open_view(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            pg = parent.frameGeometry()
            w = min(720, max(420, pg.width() - 40))
            h = min(460, max(320, pg.height() // 2))
            self.resize(w, h)
            self.move(pg.x() + (pg.width() - w) // 2, pg.y() + max(0, (pg.height() - h) // 3))
        present(self)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.desk.log_service.notice:
            self._tell(self.desk.log_service.notice)
        self.refresh()

    def refresh(self) -> None:
        self.loaded = False
        self.desk.log_service.counts(self.desk.clock(), self._show, self._failed)

    def _show(self, counts: tuple[Counts, Counts]) -> None:
        today, week = counts
        self.model.set_counts(today, week)
        t, w = self.model.totals()
        self.totals.setText(f"Today {t} · This week {w}")
        self.table.setVisible(self.model.rowCount() > 0)
        self.empty.setVisible(self.model.rowCount() == 0)
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.loaded = True

    def _tell(self, notice: str) -> None:
        self.message.say(notice, "info")

    def _failed(self, exc: BaseException) -> None:
        self.loaded = True
        self.message.say(f"The log cannot be read: {for_person(exc)}", "error")

    # -- export -------------------------------------------------------------------------
    def ask_path(self) -> Path | None:
        """Where to save the CSV (a file dialog); None when the rep cancels."""
        default = Path.home() / f"escalations-{dt.date.today():%Y-%m-%d}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export the escalation log", str(default), "CSV files (*.csv)")
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".csv" else path.with_name(path.name + ".csv")

    def export(self) -> None:
        path = self.ask_path()
        if path is None:
            return
        self.export_button.setEnabled(False)
        self.message.say(f"Exporting to {path}…", "info")

        def done(n: int) -> None:
            self.export_button.setEnabled(True)
            self.message.say(f"Exported {n} escalation{'s' if n != 1 else ''} to {path}.", "ok")

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            self.message.say(f"Not exported: {for_person(exc)}", "error")

        self.desk.log_service.export(path, done, failed)

    def hideEvent(self, e: QHideEvent) -> None:
        super().hideEvent(e)
        parent = self.parentWidget()
        if parent is not None and parent.isVisible():
            parent.activateWindow()  # Esc: the keyboard goes back to the main window
