"""The window's layout: its size and place, and the split between the results and the
card, remembered across runs; and the width below which the card goes under the results.

The split is kept per orientation ("narrow" is vertical, the card under the results):
a rep who moves the window between a wide and a narrow monitor gets back the split
they chose for each. The desk reads NARROW_WIDTH too, so it lives here rather than in
the main window (neither imports the other).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QRect, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from workaid.core.settings import Settings
from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = LazyQt(globals())

# Below this window width the card goes under the results and the desk bar turns compact.
NARROW_WIDTH = 760
DEFAULT_SIZE = (1280, 800)


COMPACT_SIZE = (440, 640)
MAX_PLACES = 12
# Of the window's title bar, at least this much must lie on some screen to be reachable.
REACHABLE = (120, 40)


def screens_key(compact: bool = False) -> str:
    """The set of monitors attached, as a key: the window is remembered per set-up, so a
    laptop docked and undocked each get their own place."""
    parts = sorted(
        f"{s.name()}:{g.width()}x{g.height()}+{g.x()}+{g.y()}"
        for s in QGuiApplication.screens()
        for g in [s.geometry()]
    )
    return "|".join(parts) + ("|compact" if compact else "")


def keep_on_screen(window: QWidget) -> bool:
    """Move (and shrink) the window onto the primary screen when its title bar is on no
    screen any more (a monitor gone since); True when it had to move."""
    frame = window.frameGeometry()
    title = QRect(frame.left(), frame.top(), frame.width(), max(REACHABLE[1], 1))
    for screen in QGuiApplication.screens():
        seen = screen.availableGeometry().intersected(title)
        if seen.width() >= min(REACHABLE[0], frame.width()) and seen.height() >= min(REACHABLE[1], title.height()):
            return False
    primary = QGuiApplication.primaryScreen()
    if primary is None:
        return False
    area = primary.availableGeometry()
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()  # the title bar, borders
    width, height = min(window.width(), area.width() - extra_w), min(window.height(), area.height() - extra_h)
    window.resize(width, height)
    left = area.left() + (area.width() - width - extra_w) // 2
    top = area.top() + (area.height() - height - extra_h) // 2
    window.move(left, top)  # move() places the frame
    return True


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

    def restore(self, compact: bool = False) -> None:
        """Size and place as last used on this set of monitors (in this mode), never off-screen."""
        geometry = self._places().get(screens_key(compact)) or (
            "" if compact else self._settings.get("window.geometry")
        )
        if not (geometry and self._window.restoreGeometry(_unb64(geometry))):
            self._window.resize(*(COMPACT_SIZE if compact else DEFAULT_SIZE))
        keep_on_screen(self._window)
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
            if self.narrow in self._sized and self._splitter.count() > 1:  # not compact mode's card alone
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

    def reapply_split(self) -> None:
        """The split chosen for this width, again (the results are back beside the card)."""
        saved = self._states.get(self.narrow)
        if saved is not None and not saved.isEmpty() and self._splitter.restoreState(saved):
            self.sync_orientation()
        else:
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

    def remember_place(self, compact: bool) -> None:
        """The window's place on this set of monitors, for this mode (normal or compact)."""
        places = self._places()
        places[screens_key(compact)] = _b64(self._window.saveGeometry())
        while len(places) > MAX_PLACES:  # the oldest set-ups go first
            places.pop(next(iter(places)))
        self._settings.set("window.places", json.dumps(places))

    def _places(self) -> dict[str, str]:
        raw = self._settings.get("window.places")
        try:
            places = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return places if isinstance(places, dict) else {}

    def save(self, compact: bool = False) -> None:
        """Put the layout into the settings (the caller saves them)."""
        self.remember_place(compact)
        if not compact:
            self._settings.set("window.geometry", _b64(self._window.saveGeometry()))
        self._settings.set("window.state", _b64(self._window.saveState()))
        if not compact:  # in compact mode the splitter holds the card alone: nothing to keep
            self._states[self.narrow] = self._splitter.saveState()
        for narrow, key in ((False, "window.splitter"), (True, "window.splitter_narrow")):
            state = self._states.get(narrow)
            if state is not None and not state.isEmpty():
                self._settings.set(key, _b64(state))
