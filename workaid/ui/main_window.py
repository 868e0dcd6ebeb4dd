"""The main window: a search box that owns the keyboard, results, and the open card.

What is built when is workaid.ui.startup's job (the first frame holds only what the rep
uses: no result delegate, no QTextBrowser, no shortcuts, no search thread, and no `Qt`
enum namespace, see workaid.ui.lazy); the size, place and split are workaid.ui.layout's;
the shared-folder status is workaid.ui.sync_status's. The window holds the search,
opening cards, and the calm problem line in its status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workaid.core.content.library import Library
from workaid.core.distribution.refill import open_library
from workaid.core.errors import ContentError, EnvironmentProblem, for_person
from workaid.core.settings import Settings
from workaid.ui.layout import WindowLayout
from workaid.ui.lazy import LazyQt
from workaid.ui.models import KIND_LABELS, ResultsModel
from workaid.ui.search_box import FOCUS_KEYS, SearchBox
from workaid.ui.startup import StartupSequence
from workaid.ui.status_line import StatusText  # issue 13 #8
from workaid.ui.tasks import Tasks

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtGui import QCloseEvent, QPaintEvent, QResizeEvent

    from workaid.core.content.library import Status
    from workaid.core.content.search import Response
    from workaid.core.content.store import ImportReport
    from workaid.ui.card_view import CardView
    from workaid.ui.desk.desk import Desk
    from workaid.ui.feedback.service import FeedbackService
    from workaid.ui.search_worker import SearchController
    from workaid.ui.sync_poller import SyncPoller
    from workaid.ui.sync_status import SyncStatus
    from workaid.ui.window_modes import WindowModes
    from workaid.ui.workbench.launcher import WorkbenchLauncher
else:
    Qt = LazyQt(globals())

log = logging.getLogger("workaid.ui")

KINDS = (("", "All kinds"), *KIND_LABELS.items())


class MainWindow(QMainWindow):
    cardOpened = Signal(str)
    # Start-up is over: the first results are on screen and the background work has begun.
    ready = Signal()

    def __init__(self, library: Library, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.setWindowTitle("WorkAid")
        self.setObjectName("MainWindow")
        self.setMinimumSize(360, 420)
        self._bundled_started = False
        self._shut = False
        self._loading = False
        self._retry: Callable[[], object] | None = None
        self._card_view: CardView | None = None
        self._card_message: str | None = None  # the empty card view's message, until it exists
        self._compact = False
        self._search: SearchController | None = None
        self.desk: Desk | None = None  # the escalation desk (workaid.ui.desk), built by build_desk
        self.sync: SyncPoller | None = None
        self.feedback: FeedbackService | None = None  # built once the first results are painted
        self.sync_label: SyncStatus | None = None
        self.workbench_launcher: WorkbenchLauncher | None = None  # set when a source folder is configured
        self.modes: WindowModes | None = None  # compact, on top, zoom, theme, tray, pins (after the first paint)
        self.tasks = Tasks(self)
        self.startup = StartupSequence(self, self)

        self._build()
        self._connect()
        self.layout_store = WindowLayout(self, self.splitter, settings, self._set_compact)

        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- building -------------------------------------------------------------------
    def _build(self) -> None:
        """What the first frame shows. No `Qt.*` here: see the module docstring."""
        central = QWidget(self)
        central.setObjectName("Central")
        outer = QVBoxLayout(central)
        self._outer = outer
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        bar = QFrame(central)
        bar.setObjectName("SearchBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(14, 12, 14, 6)
        bar_layout.setSpacing(8)
        self.search_box = SearchBox(bar)
        self.kind_filter = QComboBox(bar)
        self.kind_filter.setObjectName("KindFilter")
        self.kind_filter.setAccessibleName("Kind filter")
        self.kind_filter.setAccessibleDescription("Show only cards of one kind")
        self.kind_filter.setToolTip("Show only cards of one kind")
        for value, label in KINDS:
            self.kind_filter.addItem(label, value)
        saved_kind = self.settings.get("search.kind")
        index = self.kind_filter.findData(saved_kind)
        self.kind_filter.setCurrentIndex(index if index >= 0 else 0)
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar_layout.addWidget(self.search_box, 1)
        bar_layout.addWidget(self.kind_filter, 0)
        self._search_bar_layout = bar_layout
        outer.addWidget(bar)

        notice_row = QFrame(central)
        notice_row.setObjectName("NoticeRow")
        notice_layout = QHBoxLayout(notice_row)
        notice_layout.setContentsMargins(16, 0, 16, 4)
        notice_layout.setSpacing(8)
        self.notice = QLabel(notice_row)
        self.notice.setObjectName("Notice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Search notice")
        self.count_label = QLabel(notice_row)
        self.count_label.setObjectName("Count")
        notice_layout.addWidget(self.notice, 1)
        notice_layout.addWidget(self.count_label, 0)
        # The row keeps its height whether or not there is a notice: the list never jumps.
        self.notice.setText("x")
        notice_row.setMinimumHeight(self.notice.sizeHint().height() + 4)
        self.notice.clear()
        self.notice.hide()
        outer.addWidget(notice_row)

        # QSplitter(parent) would make PySide6 check the QSplitter(Qt.Orientation, …)
        # overload and so create the Qt namespace; the keyword form does not. Horizontal
        # is QSplitter's default orientation.
        self.splitter = QSplitter(parent=central)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)

        self.model = ResultsModel(self)
        self.results = QListView(self.splitter)
        self.results.setObjectName("Results")
        self.results.setAccessibleName("Search results")
        self.results.setAccessibleDescription("Cards matching the search. Enter or click opens one.")
        self.results.setModel(self.model)
        self.results.setUniformItemSizes(True)
        self.results.setMouseTracking(True)
        self.results.setMinimumWidth(220)
        self.results.setMinimumHeight(120)

        # The card pane: an empty stand-in, styled like the card view, until the card
        # view (a QTextBrowser, and the renderer's module) is built after the first paint.
        self._card_pane: QWidget | None = QFrame(self.splitter)
        self._card_pane.setObjectName("CardPane")
        self._card_pane.setMinimumWidth(240)
        self._card_pane.setMinimumHeight(160)

        self.splitter.addWidget(self.results)
        self.splitter.addWidget(self._card_pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        status = self.statusBar()
        status.setObjectName("StatusBar")
        status.setSizeGripEnabled(False)
        # -- issue 13 #8 (workaid.ui.status_line): status texts elide, never hard-cut --
        self.status_label = StatusText(status)
        self.status_label.setObjectName("StatusText")
        # Built now although hidden: the status bar's height counts them.
        self.problem_label = StatusText(status)
        self.problem_label.setObjectName("Problem")
        # -- end issue 13 #8 --
        self.problem_label.hide()
        # Its text is set when it is first needed: Qt's first push-button text is slow
        # (bench/startup.py shows it), too much before the first paint for a hidden button.
        self.retry_button = QPushButton(status)
        self.retry_button.setObjectName("RetryButton")
        self.retry_button.setAccessibleName("Retry")
        self.retry_button.hide()
        # A problem takes the place of the status text (it matters more) until it is cleared.
        status.addWidget(self.status_label, 1)
        status.addWidget(self.problem_label, 1)
        status.addPermanentWidget(self.retry_button, 0)

        self.search_box.setFocus()  # Qt.FocusReason.OtherFocusReason, the default

    # -- start-up steps, in the order workaid.ui.startup runs them ----------------------
    def first_search(self) -> None:
        """Right after the first paint: the first search, and what showing its results needs."""
        self._run_search()  # the search thread works while the delegate is built
        from PySide6.QtWidgets import QAbstractItemView

        from workaid.ui.delegate import ResultDelegate

        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.results.setItemDelegate(ResultDelegate(self.results))
        self.results.setFrameShape(QFrame.Shape.NoFrame)  # the stylesheet draws no frame anyway
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Clicking a result must not take the keyboard away from the search box.
        self.results.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.layout_store.sync_orientation()

    def build_rest(self) -> None:
        """After the first results: the card view and the keyboard handling."""
        self.kind_filter.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.retry_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._label_retry()
        self.search_box.setClearButtonEnabled(True)
        view = self.card_view  # built now if nothing asked for it yet
        # Typing while the list has focus goes to the search box.
        self.results.installEventFilter(self)
        self.setTabOrder(self.search_box, self.kind_filter)
        self.setTabOrder(self.kind_filter, self.results)
        self.setTabOrder(self.results, view)
        self._connect_keys()
        # -- issue 13 #8: the whole status text (Ctrl+Shift+M, a click) and F1's list of keys --
        from workaid.ui import shortcuts_help, status_line

        status_line.install(self)
        shortcuts_help.install(self)
        # -- end issue 13 #8 --

    def build_desk(self) -> None:
        """Right after the card view: the escalation desk (call timer, panels over the card, its
        keys), then the second monitor's modes (workaid.ui.window_modes)."""
        from workaid.ui.desk import install

        self.desk = install(self)
        self._build_modes()

    def _build_modes(self) -> None:
        from workaid.ui.window_modes import WindowModes, app_icon

        QApplication.setWindowIcon(app_icon())
        self.modes = WindowModes(self)

    def insert_over_card(self, widget: QWidget) -> None:
        """A row between the search bar and the results and card (the pinned cards)."""
        self._outer.insertWidget(self._outer.indexOf(self.splitter), widget)

    def set_results_docked(self, docked: bool) -> None:
        """The results beside (or over) the card, or floating as compact mode's drop-down."""
        in_splitter = self.splitter.indexOf(self.results) >= 0
        self.results.setProperty("dropdown", not docked)  # style.qss frames the drop-down
        self.results.style().unpolish(self.results)
        self.results.style().polish(self.results)
        if docked and not in_splitter:
            self.splitter.insertWidget(0, self.results)
            self.results.show()
        elif not docked and in_splitter:
            self.results.hide()
            self.results.setParent(self.centralWidget())

    def come_forward(self, search: str | None = None) -> None:
        """Another start of WorkAid, or the tray: the window up front, searching `search`."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        if search:
            self.search_box.setText(search)
        self.focus_search()
        log.info("brought forward%s", " with a search" if search else "")

    def show_as_saved(self) -> None:
        self.show()

    def start_background(self) -> None:
        """Once the first results are painted: check the bundled content, warm up the
        renderer, poll the shared folder."""
        if not self._bundled_started:
            self.load_bundled_if_needed()
        self.warm_up_later()
        self._start_sync()
        self._start_feedback()
        self._offer_workbench()
        self.ready.emit()

    def _start_feedback(self) -> None:
        """Flags (Ctrl+Shift+F) and this desk's search figures, sent with the sync (workaid.ui.feedback)."""
        from workaid.ui.feedback.service import FeedbackService

        self.feedback = FeedbackService(self)

    def _offer_workbench(self) -> None:
        """The workbench's "Edit cards…" (Ctrl+Shift+W) only where workaid.toml names a
        `source` folder; reps without one never see it (workaid.ui.workbench.launcher)."""
        from workaid.ui.workbench.launcher import offer

        offer(self, self.tasks, self.library.data_dir)

    def add_to_search_bar(self, widget: QWidget) -> None:
        """Room for the desk's call bar: after the kind filter, at its natural width."""
        self._search_bar_layout.addWidget(widget, 0)

    @property
    def card_view(self) -> CardView:
        """The card view; built on first use (normally once the first results are painted)."""
        view = self._card_view
        if view is None:
            view = self._build_card_view()
        return view

    def _build_card_view(self) -> CardView:
        from workaid.ui.card_view import CardView

        view = CardView()
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setMinimumWidth(240)
        view.setMinimumHeight(160)
        view.set_compact(self._compact)
        if self._card_message is not None:
            view.show_empty(self._card_message)
        self._card_view = view
        pane, self._card_pane = self._card_pane, None
        index = self.splitter.indexOf(pane) if pane is not None else -1
        if pane is not None and index >= 0:
            self.splitter.replaceWidget(index, view)  # same place, same size
            pane.deleteLater()
        else:
            self.splitter.addWidget(view)
        self.splitter.setStretchFactor(self.splitter.indexOf(view), 3)  # the stretch lives on the widget
        view.cardLinkActivated.connect(lambda cid: self.open_card(cid, keep_focus=False))
        # Typing while the card has focus goes to the search box.
        view.installEventFilter(self)
        return view

    @property
    def search(self) -> SearchController:
        """The search thread's controller; started right after the first paint, or on first use."""
        if self._search is None:
            from workaid.ui.search_worker import SearchController

            self._search = SearchController(
                self.library.store.path, limit=self.settings.get("search.limit"), parent=self
            )
            self._search.results.connect(self._on_results)
            self._search.problem.connect(self._on_search_problem)
            self._search.damaged.connect(self._on_content_damaged)
            if self._shut:
                self._search.shutdown()  # a closed window searches no more
        return self._search

    def _show_card_empty(self, message: str | None = None) -> None:
        if self._card_view is None:
            self._card_message = message
        else:
            self._card_view.show_empty(message)

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._on_query_changed)
        self.search_box.returnPressed.connect(self.open_current)
        self.search_box.navigate.connect(self._navigate)
        self.kind_filter.currentIndexChanged.connect(self._on_kind_changed)
        self.results.clicked.connect(self._on_result_clicked)
        self.results.activated.connect(self._on_result_activated)
        self.notice.linkActivated.connect(self._on_notice_link)
        self.retry_button.clicked.connect(self._on_retry_clicked)

    def _connect_keys(self) -> None:
        from PySide6.QtGui import QKeySequence, QShortcut

        for key in FOCUS_KEYS:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.focus_search)
        quit_ = QShortcut(QKeySequence("Ctrl+Q"), self)
        quit_.setContext(Qt.ShortcutContext.WindowShortcut)
        quit_.activated.connect(self.close)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WindowShortcut)
        escape.activated.connect(self._on_escape)

    # -- start-up -------------------------------------------------------------------
    def start(self) -> None:
        """Show the content status; the rest follows the first paint (workaid.ui.startup).

        An empty library starts loading the bundled pack at once."""
        status = self.refresh_status()
        if status is None or status.count == 0:
            self.load_bundled_if_needed()
        self.startup.begin()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.startup.paint_seen()

    def load_bundled_if_needed(self) -> None:
        if self._loading:
            return
        self._loading = True
        self._bundled_started = True
        data_dir, bundled = self.library.data_dir, self.library.bundled
        try:
            empty = self.library.store.count() == 0
        except EnvironmentProblem:  # damaged: the store set it aside and is empty now
            empty = True
        if empty:
            self.status_label.setText("Loading the bundled content pack…")
            self._show_card_empty("Loading the cards…")

        def job() -> ImportReport | None:
            # Its own Library (own connection): the GUI thread's connection is never shared.
            lib = open_library(data_dir, bundled)
            try:
                return lib.load_bundled() if lib.needs_bundled_import() else None
            finally:
                lib.close()

        self.tasks.run(job, self._on_bundled_loaded, self._on_bundled_failed)

    @Slot(str)
    def _on_content_damaged(self, _message: str) -> None:  # the status line says it below
        """Damage the search thread met after start-up (a large database is checked whole
        only at open when that is cheap): set the file aside and rebuild it off the GUI
        thread, exactly as a start on a damaged file would, then read the fresh one."""
        if self._loading:
            return
        self._loading = True
        self.status_label.setText("The content database is damaged; rebuilding the cards…")
        data_dir, bundled = self.library.data_dir, self.library.bundled

        def job() -> ImportReport | None:
            from workaid.core.content.store import DamagedDatabase

            lib = open_library(data_dir, bundled)
            try:
                try:
                    lib.store.verify()
                except DamagedDatabase:
                    pass  # set aside; the fresh store is rebuilt below
                return lib.load_bundled() if lib.needs_bundled_import() else None
            finally:
                lib.close()

        def done(report: ImportReport | None) -> None:
            self.library.store.reopen()
            self._on_bundled_loaded(report)

        def failed(exc: BaseException) -> None:
            self.library.store.reopen()
            self._on_bundled_failed(exc)

        self.tasks.run(job, done, failed)

    def _on_bundled_loaded(self, report: ImportReport | None) -> None:
        self._loading = False
        if report is not None:
            log.info("bundled content loaded: %s", report)
            self.library.searcher.invalidate()
            self.search.resubmit()
            if self._card_view is None or self._card_view.card is None:
                self._show_card_empty()
        self.refresh_status()

    def _on_bundled_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.refresh_status()
        if isinstance(exc, EnvironmentProblem):
            self.report_problem(f"Could not load the bundled cards: {exc}", retry=self.retry)
        elif isinstance(exc, ContentError):
            log.error("bundled content pack is invalid:\n%s", exc)
            self.report_problem(
                "The bundled content pack has errors; the last good cards are kept (details in the log)."
            )
        else:  # the OS refusing a file, or a bug (already with the crash reporter: workaid.ui.tasks)
            log.warning("loading the bundled content failed: %r", exc)
            self.report_problem(f"Could not load the bundled cards: {for_person(exc)}", retry=self.retry)

    def warm_up_later(self) -> None:
        """Import the renderer on a worker so the first card opens at once."""
        from workaid.ui.card_view import warm_up

        self.tasks.run(warm_up, None, lambda e: log.warning("renderer warm-up failed: %r", e))

    # -- searching ------------------------------------------------------------------
    def current_kind(self) -> str:
        return self.kind_filter.currentData() or ""

    def _run_search(self) -> None:
        self.search.submit(self.search_box.text(), self.current_kind() or None)

    @Slot(str)
    def _on_query_changed(self, _text: str) -> None:
        self._run_search()

    @Slot(int)
    def _on_kind_changed(self, _index: int) -> None:
        self.settings.set("search.kind", self.current_kind())
        self._run_search()

    @Slot(object)
    def _on_results(self, response: Response) -> None:
        self.model.set_response(response)
        if self.model.rowCount() > 0:
            self.results.setCurrentIndex(self.model.index(0, 0))
            self.results.scrollToTop()
        self._show_notice(response)
        self.startup.results_arrived(self.results.viewport())

    @Slot(str)
    def _on_search_problem(self, message: str) -> None:
        self.report_problem(message, retry=self.retry)
        self.startup.results_failed()

    def _show_notice(self, response: Response) -> None:
        import html  # not before the first paint: nothing there needs it

        q = html.escape(" ".join(response.query.split()))
        n = len(response.results)
        if response.mode == "corrected" and response.suggestion:
            s = html.escape(response.suggestion)
            self.notice.setText(f"No cards match “{q}”. Showing results for “<b>{s}</b>”.")
            self.notice.setProperty("tone", "info")
        elif response.mode == "none" and q:
            text = f"No cards match “{q}”."
            if response.suggestion:
                s = html.escape(response.suggestion)
                text += f' Did you mean <a href="suggest:{s}">“{s}”</a>?'
            kind = self.current_kind()
            if kind:
                text += f" (Only {html.escape(KIND_LABELS.get(kind, kind))} cards are shown: try All kinds.)"
            self.notice.setText(text)
            self.notice.setProperty("tone", "empty")
        else:
            self.notice.setText("")
            self.notice.setProperty("tone", "")
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)
        self.notice.setVisible(bool(self.notice.text()))
        if response.mode == "browse":
            self.count_label.setText(f"{n:,} card{'s' if n != 1 else ''}")
        elif n:
            self.count_label.setText(f"{n:,} result{'s' if n != 1 else ''}")
        else:
            self.count_label.setText("")

    @Slot(str)
    def _on_notice_link(self, link: str) -> None:
        if link.startswith("suggest:"):
            self.search_box.setText(link.split(":", 1)[1])
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keyboard ---------------------------------------------------------------------
    @Slot()
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    @Slot()
    def _on_escape(self) -> None:
        if self.search_box.hasFocus():
            if self.search_box.text():
                self.search_box.clear()
        else:
            self.focus_search()

    @Slot(int)
    def _navigate(self, key: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.results.currentIndex().row()
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            row_h = max(1, self.results.sizeHintForRow(0))
            step = max(1, self.results.viewport().height() // row_h - 1)
        else:
            step = 1
        if current < 0:
            target = 0
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp):
            target = max(0, current - step)
        else:
            target = min(rows - 1, current + step)
        index = self.model.index(target, 0)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and watched in (self.results, self._card_view):
            e: QKeyEvent = event  # type: ignore[assignment]
            mods = e.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
            text = e.text()
            if mods == Qt.KeyboardModifier.NoModifier and text and text.isprintable() and not text.isspace():
                self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
                self.search_box.insert(text)
                return True
        return super().eventFilter(watched, event)

    # -- opening cards ----------------------------------------------------------------
    @Slot()
    def open_current(self) -> None:
        index = self.results.currentIndex()
        if not index.isValid():
            if self.model.rowCount() == 0:
                return
            index = self.model.index(0, 0)
            self.results.setCurrentIndex(index)
        self.open_card(index.data(ResultsModel.IdRole), keep_focus=True)

    def _on_result_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_card(index.data(ResultsModel.IdRole), keep_focus=True)

    def _on_result_activated(self, index: QModelIndex) -> None:
        # Enter on the list itself (reached with Tab); clicks are handled by _on_result_clicked.
        if index.isValid() and self.results.hasFocus():
            self.open_card(index.data(ResultsModel.IdRole), keep_focus=False)

    def open_card(self, card_id: str, keep_focus: bool = True) -> bool:
        """Show a card. With keep_focus, the search box keeps (or gets back) the keyboard."""
        try:
            card = self.library.card(card_id)
        except EnvironmentProblem as e:
            self.report_problem(str(e), retry=lambda: self.open_card(card_id, keep_focus))
            return False
        if card is None:
            self.report_problem(f"The card “{card_id}” is not in the library.")
            return False
        self.card_view.show_card(card)
        row = self.model.row_of(card_id)
        if row >= 0 and self.results.currentIndex().row() != row:
            self.results.setCurrentIndex(self.model.index(row, 0))
        if keep_focus and not self.search_box.hasFocus() and not self.card_view.hasFocus():
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.cardOpened.emit(card_id)
        log.info("opened card %s", card_id)
        return True

    # -- shared-folder sync -------------------------------------------------------------
    def _start_sync(self) -> None:
        """Poll the configured shared folder in the background (nothing shows if none is set)."""
        from workaid.ui.sync_poller import SyncPoller
        from workaid.ui.sync_status import SyncStatus

        self.sync = SyncPoller(self.tasks, self.library.data_dir, self.library.bundled, self)
        self.sync_label = SyncStatus(self.library, self.sync, self.statusBar())
        self.statusBar().addPermanentWidget(self.sync_label, 0)
        self.sync.applied.connect(self._on_sync_applied)
        self.sync.start()

    @Slot(object)
    def _on_sync_applied(self, _result: object) -> None:
        self.library.searcher.invalidate()
        self.search.resubmit()
        self.refresh_status()
        if self._card_view is not None and self._card_view.card is not None:
            self.open_card(self._card_view.card.id, keep_focus=True)

    # -- status and problems ------------------------------------------------------------
    def refresh_status(self) -> Status | None:
        """Show where the content came from; returns that status (None: it could not be read)."""
        try:
            status = self.library.status()
        except EnvironmentProblem as e:
            self.report_problem(str(e), retry=self.retry)
            return None
        self.status_label.setText(status.describe())
        return status

    def report_problem(self, message: str, retry: Callable[[], object] | None = None) -> None:
        """A calm message in the status bar, with Retry when retrying can help."""
        log.warning("shown to the user: %s", message)
        self.problem_label.setText(message)
        self.problem_label.setToolTip(message)
        self.status_label.hide()
        self.problem_label.show()
        self._retry = retry
        if retry is not None:
            self._label_retry()
        self.retry_button.setVisible(retry is not None)

    def _label_retry(self) -> None:
        if not self.retry_button.text():
            self.retry_button.setText("Retry")

    def clear_problem(self) -> None:
        self.problem_label.clear()
        self.problem_label.hide()
        self.status_label.show()
        self.retry_button.hide()
        self._retry = None

    @Slot()
    def _on_retry_clicked(self) -> None:
        retry = self._retry
        self.clear_problem()
        if retry is not None:
            retry()
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def retry(self) -> None:
        """Try again whatever may have failed: content, the search, the open card."""
        self.load_bundled_if_needed()
        self.refresh_status()
        self.search.resubmit()
        if self._card_view is not None and self._card_view.card is not None:
            self.open_card(self._card_view.card.id, keep_focus=True)

    # -- layout ---------------------------------------------------------------------
    def restore_layout(self) -> None:
        """Before the first show: the look, the mode and the place the rep left."""
        from workaid.ui import theme

        look, choice = theme.current(), self.settings.get("window.theme")
        if choice != "system":  # "system" asks Qt's style hints: after the first paint (WindowModes)
            look.choose(choice)
        look.set_zoom(self.settings.get("window.zoom"))
        if self.settings.get("window.on_top"):
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        compact = bool(self.settings.get("window.compact"))
        if compact:
            self.set_results_docked(False)
            self.kind_filter.hide()
        self.layout_store.restore(compact=compact)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.layout_store.follow(event.size().width())

    def _set_compact(self, compact: bool) -> None:
        self._compact = compact
        if self._card_view is not None:
            self._card_view.set_compact(compact)

    def save_layout(self) -> None:
        self.layout_store.save(compact=self.modes.compact if self.modes is not None else False)
        self.settings.set("search.kind", self.current_kind())
        try:
            self.settings.save()
        except OSError as e:
            log.warning("could not save preferences: %s", e)

    # -- closing ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._shut:
            self.save_layout()
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def shutdown(self) -> None:
        """Stop the search thread and background work; safe to call more than once."""
        if self._shut:
            return
        self._shut = True
        self.startup.stop()
        if self.feedback is not None:
            self.feedback.shutdown()
        if self.sync is not None:
            self.sync.stop()
        if self._search is not None:
            self._search.shutdown()
        if self.desk is not None:
            self.desk.shutdown()
        if self.modes is not None and self.modes.tray is not None:
            self.modes.tray.hide()
        self.tasks.close()
