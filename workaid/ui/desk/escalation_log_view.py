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
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from workaid.core.errors import for_person
from workaid.ui.desk.common import DeskDialog, present
from workaid.ui.desk.log_service import Counts
from workaid.ui.desk.models import CountsModel

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk


class EscalationLogDialog(DeskDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__("EscalationLogDialog", "Escalation log", "Escalation log", "Your escalations", parent)
        self.desk = desk
        self.loaded = False  # the counts on screen are current
        self.totals = self.figure
        self.totals.setAccessibleName("Totals")

        self.model = CountsModel(self)
        self.table = QTableView(self.body)
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
        self.empty = QLabel("No escalations logged this week.", self.body)
        self.empty.setObjectName("DeskHint")
        self.empty.hide()
        note = QLabel(
            "Kept on this computer only, with no customer details: time, level, reason, team, cards used, outcome, call length.",
            self.body,
        )
        note.setObjectName("DeskHint")
        note.setWordWrap(True)
        self.body_layout.addWidget(self.table, 1)
        self.body_layout.addWidget(self.empty)
        self.body_layout.addWidget(note)

        self.export_button = QPushButton("&Export CSV…", self.foot)
        self.export_button.setObjectName("PrimaryButton")
        self.export_button.setAccessibleName("Export the log as CSV")
        self.add_buttons(self.export_button)

        self.export_button.clicked.connect(self.export)
        QShortcut(QKeySequence("Ctrl+S"), self, self.export)
        desk.log_service.changed.connect(self.refresh)
        desk.log_service.noticed.connect(self._tell)

    def open_view(self) -> None:
        self.place_over_parent(720, 460)
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
