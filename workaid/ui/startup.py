"""The order in which the main window is finished after its first frame.

A rep opens WorkAid mid-call: the first frame must come as soon as possible and show
what they will use (the search box with the keyboard, the kind filter, the results,
the card pane, the status). Everything else waits its turn (bench/startup.py measures
process start to the first painted frame):

1. first paint → `first_search`: the first search goes to the search thread, and the
   results list gets its delegate and settings;
2. the first results painted (or the search failed) → `build_rest`: the card view,
   the keys and the tab order; then, one event later, `build_desk`: the escalation desk;
3. at the same moment → `start_background`: the bundled-content check and the renderer
   warm-up on worker threads (no worker holding the GIL runs before the first paint).

Each step also runs after a short while if what it waits for never comes (a window
that is never shown, a search that never answers); each runs once, and none after stop.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QWidget

# If no paint comes (a window built but never shown), finish starting up anyway.
FINISH_FALLBACK_MS = 400
# The card view and the keys wait for the first results to be painted, the background
# work too; but never longer than this.
REST_FALLBACK_MS = 150
BACKGROUND_FALLBACK_MS = 1000


class StartupSteps(Protocol):
    def first_search(self) -> None: ...
    def build_rest(self) -> None: ...
    def build_desk(self) -> None: ...
    def start_background(self) -> None: ...


class StartupSequence(QObject):
    def __init__(self, steps: StartupSteps, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps = steps
        self._done: set[str] = set()
        self._watched: QWidget | None = None
        self._stopped = False

    def _once(self, step: str) -> bool:
        if self._stopped or step in self._done:
            return False
        self._done.add(step)
        return True

    def begin(self) -> None:
        QTimer.singleShot(FINISH_FALLBACK_MS, self, self.first_painted)

    @Slot()
    def first_painted(self) -> None:
        if not self._once("first_search"):
            return
        self._steps.first_search()
        QTimer.singleShot(REST_FALLBACK_MS, self, self._rest)
        QTimer.singleShot(BACKGROUND_FALLBACK_MS, self, self._background)

    def paint_seen(self) -> None:
        """The window's first paint: finish at the next turn of the event loop."""
        if "painted" not in self._done:
            self._done.add("painted")
            QTimer.singleShot(0, self, self.first_painted)

    def results_arrived(self, viewport: QWidget) -> None:
        """The first results are in the list: go on once they are painted."""
        if self._watched is None and "background" not in self._done:
            self._watched = viewport
            viewport.installEventFilter(self)

    def results_failed(self) -> None:
        """No results will come for now: go on without them."""
        self._go_on()

    def _go_on(self) -> None:
        if "background" not in self._done:
            QTimer.singleShot(0, self, self._rest)
            QTimer.singleShot(0, self, self._background)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._watched = None
            self._go_on()
        return False

    @Slot()
    def _rest(self) -> None:
        if self._once("rest"):
            self._steps.build_rest()
            QTimer.singleShot(0, self, self._desk)

    @Slot()
    def _desk(self) -> None:
        if self._once("desk"):
            self._steps.build_desk()

    @Slot()
    def _background(self) -> None:
        if self._once("background"):
            self._steps.start_background()

    def stop(self) -> None:
        self._stopped = True
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None
