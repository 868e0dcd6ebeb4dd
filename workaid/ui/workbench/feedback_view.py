"""The workbench's Feedback and Report views: what reps flagged and what desks found.

Both read the share's outbox (every desk's small files) off the GUI thread and build
one report (core.feedback.report). Feedback lists the flags, identical ones together,
and lets the owner mark them fixed ("fixed in version N") or answer them; the answer
goes into the folder's answers file and reaches the desks with the next publish.
Report shows the charts and tables of the HTML report, and turns a search that found
nothing into a synonym with one click: the card that holds the vocabulary opens in the
editor with the term added, for the owner to check, save and publish.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workaid.core.errors import WorkAidError, for_person
from workaid.ui.desk.common import present
from workaid.ui.tasks import Tasks
from workaid.ui.workbench.feedback_models import FlagsModel, QueriesModel

if TYPE_CHECKING:
    from workaid.core.feedback.report import FlagRow, Report
    from workaid.ui.workbench.window import WorkbenchWindow

log = logging.getLogger("workaid.ui.workbench.feedback")


@dataclass(frozen=True)
class FeedbackSource:
    """Where the view reads from and writes to."""

    source: Path  # the owner's folder: cards and the answers file
    share: Path  # the shared folder whose outbox the desks write
    trusted: tuple[Any, ...]  # publisher keys, to read the published versions
    author: str


def load_report(where: FeedbackSource, since: dt.date | None, today: dt.date) -> Report:
    """Everything the two views show, read and built on a worker."""
    from workaid.core.content.answers import load_answers
    from workaid.core.feedback.outbox_read import read_outbox
    from workaid.core.feedback.report import build_report, cards_from_folder, cards_from_share

    data = read_outbox(where.share, since)
    cards = cards_from_folder(where.source)
    try:
        published = cards_from_share(where.share, list(where.trusted)) if where.trusted else {}
    except WorkAidError as e:  # no verifiable pack yet: the folder's cards stand in
        log.info("report without the published versions: %s", e)
        published = {}
    cards = {**cards, **published}
    return build_report(data, cards, load_answers(where.source), today)


class FeedbackWindow(QDialog):
    """Two tabs over one report: Flags, and Report."""

    answered = Signal(int)  # answers saved (flags marked fixed or answered)

    def __init__(self, where: FeedbackSource, workbench: WorkbenchWindow | None = None) -> None:
        super().__init__(workbench)
        self.where = where
        self.workbench = workbench
        self.report: Report | None = None
        self.today: dt.date = dt.date.today()
        self.setObjectName("FeedbackWindow")
        self.setWindowTitle("Feedback from the desks — WorkAid workbench")
        self.setModal(False)
        self.setMinimumSize(760, 520)
        self.resize(1100, 760)
        self._tasks = Tasks(self, max_threads=1)
        outer = QVBoxLayout(self)
        self.summary = QLabel("Reading the desks' outbox…", self)
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        outer.addWidget(self.tabs, 1)
        self._build_flags()
        self._build_report()
        self.message = QLabel(self)
        self.message.setObjectName("FeedbackMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        foot = QHBoxLayout()
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.html_button = QPushButton("Save HTML report…", self)
        self.html_button.clicked.connect(lambda: self.save_html())
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        foot.addWidget(self.refresh_button)
        foot.addWidget(self.html_button)
        foot.addStretch(1)
        foot.addWidget(close)
        outer.addLayout(foot)

    # -- building ----------------------------------------------------------------------------
    def _build_flags(self) -> None:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.flags_model = FlagsModel(self)
        self.flags = QTableView(page)
        self.flags.setAccessibleName("Flags from reps")
        self.flags.setModel(self.flags_model)
        self.flags.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.flags.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.flags.verticalHeader().hide()
        header = self.flags.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.flags.setWordWrap(True)
        lay.addWidget(self.flags, 1)
        row = QHBoxLayout()
        self.version = QSpinBox(page)
        self.version.setRange(1, 1_000_000)
        self.version.setPrefix("version ")
        self.version.setAccessibleName("Fixed in version")
        self.fixed_button = QPushButton("Mark fixed in", page)
        self.fixed_button.clicked.connect(lambda: self.mark_fixed())
        self.answer_text = QLineEdit(page)
        self.answer_text.setAccessibleName("Answer to the rep")
        self.answer_text.setPlaceholderText("Your words to the rep who flagged it (shown on their desk)")
        self.answer_text.setMaxLength(1000)
        self.answer_button = QPushButton("Answer", page)
        self.answer_button.clicked.connect(lambda: self.answer())
        self.open_button = QPushButton("Open the card", page)
        self.open_button.clicked.connect(self.open_flagged_card)
        row.addWidget(self.fixed_button)
        row.addWidget(self.version)
        row.addWidget(self.answer_text, 1)
        row.addWidget(self.answer_button)
        row.addWidget(self.open_button)
        lay.addLayout(row)
        self.tabs.addTab(page, "Flags")
        self.flags.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._on_flag(cur.row()))
        self._enable_flag_buttons(None)

    def _build_report(self) -> None:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        top = QHBoxLayout()
        self.queries_model = QueriesModel(self)
        self.queries = QListView(page)
        self.queries.setAccessibleName("Searches without a result")
        self.queries.setModel(self.queries_model)
        self.queries.setMaximumHeight(180)
        side = QVBoxLayout()
        side.addWidget(QLabel("<b>Searches without a result</b> (typed on two desks or more)", page))
        side.addWidget(self.queries)
        self.synonym_button = QPushButton("Add as synonym of…", page)
        self.synonym_button.setEnabled(False)
        self.synonym_button.clicked.connect(lambda: self.add_synonym())
        side.addWidget(self.synonym_button)
        top.addLayout(side, 1)
        lay.addLayout(top)
        self.charts_area = QScrollArea(page)
        self.charts_area.setWidgetResizable(True)
        self.charts = QWidget(self.charts_area)
        self.charts_layout = QVBoxLayout(self.charts)
        self.charts_area.setWidget(self.charts)
        lay.addWidget(self.charts_area, 1)
        self.tabs.addTab(page, "Report")
        self.queries.selectionModel().currentChanged.connect(
            lambda cur, _prev: self.synonym_button.setEnabled(cur.isValid())
        )

    # -- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        self.summary.setText("Reading the desks' outbox…")
        where, today = self.where, self.today
        self._tasks.run(lambda: load_report(where, None, today), self._loaded, self._failed)

    def _loaded(self, report: Report) -> None:
        self.report = report
        self.refresh_button.setEnabled(True)
        open_flags = sum(1 for r in report.flags if r.status == "open")
        span = f"{report.first_day} to {report.last_day}" if report.first_day else "no days yet"
        self.summary.setText(
            f"{report.desks} desks, {report.day_records} desk-days ({span}), {report.searches} searches; "
            f"{len(report.flags)} flagged points, {open_flags} open."
            + (f"  {report.withheld} queries typed on one desk only are not shown." if report.withheld else "")
        )
        for note in report.notes:
            log.info("report: %s", note)
        self.flags_model.set_rows(report.flags)
        self.flags.resizeColumnsToContents()
        if self.flags_model.rowCount():
            self.flags.selectRow(0)
        self.queries_model.set_rows(report.no_result)
        self._show_charts(report)

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.summary.setText(f"Could not read the desks' feedback: {for_person(exc)}")

    def _show_charts(self, report: Report) -> None:
        from PySide6.QtSvgWidgets import QSvgWidget

        from workaid.core.feedback.report import report_charts

        while self.charts_layout.count():
            item = self.charts_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for title, svg in report_charts(report):
            chart = QSvgWidget(self.charts)
            chart.setAccessibleName(title)
            chart.load(QByteArray(svg.encode("utf-8")))
            size = chart.renderer().defaultSize()
            chart.setMinimumHeight(max(220, min(size.height(), 520)))
            self.charts_layout.addWidget(chart)
        if not self.charts_layout.count():
            self.charts_layout.addWidget(QLabel("Nothing to chart yet: no desk has sent its figures.", self.charts))
        self.charts_layout.addStretch(1)

    # -- flags ------------------------------------------------------------------------------------
    def current_flag(self) -> FlagRow | None:
        return self.flags_model.row(self.flags.currentIndex().row())

    def _on_flag(self, row: int) -> None:
        r = self.flags_model.row(row)
        self._enable_flag_buttons(r)
        if r is not None:
            self.version.setValue(self._suggested_version(r))

    def _enable_flag_buttons(self, r: FlagRow | None) -> None:
        for b in (self.fixed_button, self.answer_button, self.open_button):
            b.setEnabled(r is not None)

    def _suggested_version(self, r: FlagRow) -> int:
        """The version the fix is in: the next one when the folder's card has unpublished edits."""
        published = r.current_version or r.version
        entries = self.workbench.catalog_entries() if self.workbench is not None else []
        entry = next((e for e in entries if e.id == r.card), None)
        from workaid.core.authoring.catalog import CHANGED

        return published + 1 if entry is not None and entry.publish_state == CHANGED else published

    def mark_fixed(self, version: int | None = None, text: str | None = None) -> int:
        r = self.current_flag()
        if r is None:
            return 0
        return self._save(
            r, "fixed", version or self.version.value(), self.answer_text.text() if text is None else text
        )

    def answer(self, text: str | None = None) -> int:
        r = self.current_flag()
        if r is None:
            return 0
        words = self.answer_text.text() if text is None else text
        if not words.strip():
            self.message.setText("Type the answer first: the rep reads it on their desk.")
            self.answer_text.setFocus()
            return 0
        return self._save(r, "answered", None, words)

    def _save(self, r: FlagRow, status: str, version: int | None, text: str) -> int:
        from workaid.core.clock import stamp
        from workaid.core.content import answers as ans

        try:
            made = {
                fid: ans.make_answer(fid, r.card, status, version, text, self.where.author, stamp())
                for fid in r.flag_ids
            }
            ans.save_all(self.where.source, {**ans.load_answers(self.where.source), **made})
        except WorkAidError as e:
            self.message.setText(f"Not saved: {for_person(e)}")
            return 0
        what = f"fixed in version {version}" if status == "fixed" else "answered"
        self.message.setText(
            f"Marked {what} for {len(made)} flag{'s' if len(made) != 1 else ''} on “{r.title or r.card}”. "
            "Publish (Ctrl+Shift+P) to send the answer to the desks."
        )
        self.answer_text.clear()
        self.answered.emit(len(made))
        self.refresh()
        return len(made)

    def open_flagged_card(self) -> None:
        r = self.current_flag()
        if r is None or self.workbench is None:
            return
        entry = next((e for e in self.workbench.catalog_entries() if e.id == r.card), None)
        if entry is None:
            self.message.setText(f"“{r.card}” is not in this folder.")
            return
        self.workbench.open_card(entry.path)
        present(self.workbench)

    # -- synonyms ---------------------------------------------------------------------------------
    def add_synonym(self, of: str | None = None) -> bool:
        """Add the chosen failed search as a synonym of a term; the card opens with it added."""
        from workaid.core.authoring.vocabulary import add_synonym, groups_in_folder

        index = self.queries.currentIndex()
        query = index.data(QueriesModel.QueryRole) if index.isValid() else None
        if not query or self.workbench is None:
            return False
        groups = groups_in_folder(self.where.source)  # term -> card path holding its group
        if of is None:
            terms = sorted(groups)
            of, ok = QInputDialog.getItem(
                self, "Add as synonym", f"Customers typed “{query}”. It means the same as:", terms, 0, True
            )
            if not ok or not of.strip():
                return False
        path = groups.get(of.strip().lower())
        if path is None:
            card = self.workbench.card
            if card is None:
                self.message.setText(f"No card holds “{of}” yet: open the card it belongs on, then try again.")
                return False
            path = card.path
        if not self.workbench.open_card(path):
            return False
        try:
            text = add_synonym(self.workbench.source_text(), query, of.strip())
        except WorkAidError as e:
            self.message.setText(f"Not added: {for_person(e)}")
            return False
        self.workbench.set_source_text(text)
        self.message.setText(
            f"Added “{query}” = “{of.strip()}” on {path}: check it in the editor, save (Ctrl+S) and publish."
        )
        return True

    # -- the HTML report -------------------------------------------------------------------------
    def save_html(self, path: Path | None = None) -> Path | None:
        from workaid.core.feedback.report import report_html
        from workaid.core.fileio import atomic_write

        if self.report is None:
            self.message.setText("The report is still being read.")
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the report", "workaid-report.html", "HTML (*.html)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            atomic_write(path, report_html(self.report))
        except OSError as e:
            self.message.setText(f"Not saved: {e.strerror or e} ({path}).")
            return None
        self.message.setText(f"Saved the report to {path}: it opens in any browser, offline.")
        return path

    def open_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(0 if name == "flags" else 1)
        present(self)
        if self.report is None:
            self.refresh()
