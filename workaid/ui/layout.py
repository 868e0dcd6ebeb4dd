"""The window's layout: its size and place, and the split between the results and the
card, remembered across runs; and the width below which the card goes under the results.

The split is kept per orientation ("narrow" is vertical, the card under the results):
a rep who moves the window between a wide and a narrow monitor gets back the split
they chose for each. The desk reads NARROW_WIDTH too, so it lives here rather than in
the main window (neither imports the other).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QTimer, Slot
from PySide6.QtWidgets import QMainWindow, QSplitter

from workaid.core.settings import Settings
from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = LazyQt(globals())

# Below this window width the card goes under the results and the desk bar turns compact.
NARROW_WIDTH = 760
DEFAULT_SIZE = (1280, 800)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray.fromBase64(text.encode("ascii"))


class WindowLayout(QObject):
    """Restores, follows and saves one main window's layout (settings `window.*`)."""

    def __init__(
        self,
        window: QMainWindow,
        splitter: QSplitter,
        settings: Settings,
        on_compact: Callable[[bool], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._splitter = splitter
        self._settings = settings
        self._on_compact = on_compact
        self.narrow = False  # the splitter is created horizontal
        self._states: dict[bool, QByteArray | None] = {
            False: _unb64(settings.get("window.splitter")) or None,
            True: _unb64(settings.get("window.splitter_narrow")) or None,
        }
        self._sized: set[bool] = set()
        # Before the first paint a saved state's orientation is left for `sync_orientation`
        # to set back: that needs the Qt enum namespace, which the first frame does without.
        self.painted = False

    def restore(self) -> None:
        geometry = self._settings.get("window.geometry")
        if not (geometry and self._window.restoreGeometry(_unb64(geometry))):
            self._window.resize(*DEFAULT_SIZE)
        state = self._settings.get("window.state")
        if state:
            self._window.restoreState(_unb64(state))
        self.follow(self._window.width())

    def follow(self, width: int) -> None:
        """Turn the split for a new window width; a wide window needs no Qt enum."""
        narrow = width < NARROW_WIDTH
        if narrow == self.narrow and narrow in self._sized:
            return
        if narrow != self.narrow:
            if self.narrow in self._sized:
                self._states[self.narrow] = self._splitter.saveState()
            self.narrow = narrow
            self._splitter.setOrientation(self.orientation())
        self._on_compact(narrow)
        self._sized.add(narrow)
        saved = self._states.get(narrow)
        if saved is not None and not saved.isEmpty() and self._splitter.restoreState(saved):
            # The saved state carries its own orientation; states are stored per
            # orientation, so only a hand-edited preferences file disagrees.
            if self.painted:
                self.sync_orientation()
            return
        QTimer.singleShot(0, self, self._default_split)

    def orientation(self) -> Qt.Orientation:
        return Qt.Orientation.Vertical if self.narrow else Qt.Orientation.Horizontal

    def sync_orientation(self) -> None:
        self.painted = True
        if self._splitter.orientation() != self.orientation():
            self._splitter.setOrientation(self.orientation())

    @Slot()
    def _default_split(self) -> None:
        if not self.narrow:
            total = max(self._splitter.width(), 2)
            first = int(total * 0.4)
        else:
            total = max(self._splitter.height(), 2)
            first = int(total * 0.42)
        self._splitter.setSizes([first, total - first])

    def save(self) -> None:
        """Put the layout into the settings (the caller saves them)."""
        self._settings.set("window.geometry", _b64(self._window.saveGeometry()))
        self._settings.set("window.state", _b64(self._window.saveState()))
        self._states[self.narrow] = self._splitter.saveState()
        for narrow, key in ((False, "window.splitter"), (True, "window.splitter_narrow")):
            state = self._states.get(narrow)
            if state is not None and not state.isEmpty():
                self._settings.set(key, _b64(state))
