"""The result list gives way to a desk panel in use, in a narrow window.

On a second monitor the window is often a 480–760 px strip: the results, the card
and the panel over it all share one column (or two thin ones), and the panel's
verdict, fields and buttons would otherwise sit behind a scroll. While the keyboard
is in the panel (or in the card under it) the results step aside: hidden in a narrow
window (the card goes under the results there, so they take height), cut to their
narrowest beside the card below WIDE_ENOUGH. As soon as the rep goes back to the
search box, the results, the kind filter or the call bar, the panel is closed, the
window crosses the narrow width, or the window closes, the split comes back exactly
as it was: the saved layout (workaid.ui.layout) never sees the given-way state.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from workaid.ui.layout import NARROW_WIDTH

if TYPE_CHECKING:
    from workaid.ui.desk.desk import DeskPane
    from workaid.ui.desk.host import DeskHost

log = logging.getLogger("workaid.ui.desk")

# From this window width the results beside the card leave the panel room enough.
WIDE_ENOUGH = 1000


class ResultsGiveWay(QObject):
    """Hides or narrows the host window's result list while a desk panel is in use."""

    def __init__(self, host: DeskHost, pane: DeskPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._widget = host.window()
        self._pane = pane
        # Any window with a `splitter` holding its `results` (the main window) can give way.
        splitter = getattr(host, "splitter", None)
        results = getattr(host, "results", None)
        ok = isinstance(splitter, QSplitter) and isinstance(results, QWidget)
        self._splitter: QSplitter | None = splitter if ok else None
        self._results: QWidget | None = results if ok else None
        self._saved: QByteArray | None = None  # the split before giving way
        self._narrow_when_given: bool | None = None
        self._check_pending = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        self._widget.installEventFilter(self)

    @property
    def active(self) -> bool:
        """The results have stepped aside for the panel."""
        return self._saved is not None

    def in_use(self) -> bool:
        """The panel is open and the keyboard is in it, or in the card it sits over."""
        pane = self._pane
        if pane.current is None or pane.host.isHidden():
            return False
        focus = QApplication.focusWidget()
        view = pane.view
        return focus is not None and (focus is view or view.isAncestorOf(focus))

    def check_later(self) -> None:
        if not self._check_pending:
            self._check_pending = True
            QTimer.singleShot(0, self, self.check)

    def check(self) -> None:
        """Give way or come back, as the panel and the keyboard now ask."""
        self._check_pending = False
        if self._splitter is None or self._results is None:
            return
        if self._splitter.indexOf(self._results) < 0:  # compact mode: the results are its drop-down
            self._saved = None
            return
        wanted = self.in_use() and self._widget.width() < WIDE_ENOUGH
        if wanted and not self.active:
            self._give_way()
        elif not wanted and self.active:
            self.restore()

    def _give_way(self) -> None:
        splitter, results = self._splitter, self._results
        assert splitter is not None and results is not None
        self._saved = splitter.saveState()
        narrow = self._widget.width() < NARROW_WIDTH
        self._narrow_when_given = narrow
        if narrow or splitter.orientation() == Qt.Orientation.Vertical:
            results.hide()  # the card (and its panel) get the whole column
        else:
            sizes = splitter.sizes()
            i = splitter.indexOf(results)
            least = max(results.minimumWidth(), results.minimumSizeHint().width())
            spare = sizes[i] - least
            if spare > 0:
                sizes[i] = least
                other = 1 if i == 0 else 0
                sizes[other] += spare
                splitter.setSizes(sizes)
        log.debug("results give way to the %s", type(self._pane.current).__name__)
        self._pane.fit_later()

    def restore(self) -> None:
        """The split as it was before giving way (safe to call when it has not)."""
        saved, self._saved = self._saved, None
        if saved is None or self._splitter is None or self._results is None:
            return
        if self._splitter.indexOf(self._results) < 0:
            return  # compact mode took the results meanwhile; its own switch restores the split
        self._results.show()
        self._splitter.restoreState(saved)
        self._pane.fit_later()

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new.window() is not self._widget:
            return  # a dialog or another window: the main window stays as it is
        self.check_later()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Before the window itself handles them: the layout saves the split on close and
        # when the window crosses the narrow width; it must save the rep's own split.
        if watched is not self._widget:
            return False
        kind = event.type()
        if kind == QEvent.Type.Close:
            self.restore()
        elif kind == QEvent.Type.Resize:
            if self.active and (self._widget.width() < NARROW_WIDTH) != self._narrow_when_given:
                self.restore()
            self.check_later()
        return False
