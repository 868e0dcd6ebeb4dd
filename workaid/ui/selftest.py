"""The Qt half of `workaid doctor`: the Qt versions, and the real window, offscreen.

`window_check` builds the real MainWindow (workaid.ui.app.build_window, as `workaid
gui` does) over a data folder it is given, which the caller makes a temporary one:
the window fills it from the bundled pack, searches, opens the first result and
renders the card, and the user's own data is never opened. Doctor runs it in a child
process (workaid.cli_doctor) so Qt starts with QT_QPA_PLATFORM=offscreen before any
QApplication exists, a configuration that names no share (the window's sync and
feedback then touch nothing outside that folder), and so that Qt aborting the
process (a missing platform plugin) is reported instead of ending doctor.

Nothing here imports Qt at the top: doctor imports this module lazily.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workaid.core.doctor import Check, failed, passed

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger("workaid.ui")

QUERY = "fee"  # a word the bundled pack is sure to answer
WINDOW_TIMEOUT_S = 60.0


class _TimedOut(Exception):
    pass


def qt_check() -> Check:
    """The Qt and PySide6 versions (imported, no QApplication made), and the binding's
    known fault (workaid.ui.qtcheck)."""
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError as e:
        return failed("Qt", str(e), f"PySide6 cannot be imported: {e}.")
    from workaid.ui.qtcheck import binding_problem

    detail = f"Qt {QtCore.qVersion()}; PySide6 {PySide6.__version__}"
    problem = binding_problem()
    return failed("Qt", detail, problem) if problem else passed("Qt", detail)


def window_check(data_dir: Path, bundled: Path | None = None, timeout_s: float = WINDOW_TIMEOUT_S) -> Check:
    """Open the window over `data_dir` (empty or a copy: it is written), search QUERY,
    open the first result and check the card shows its title as text and as pixels.

    Uses the running QApplication if there is one (tests); otherwise makes one on the
    offscreen platform. The window is closed and the library released before returning."""
    started = time.monotonic()
    deadline = started + timeout_s
    from PySide6.QtWidgets import QApplication

    from workaid.ui import boot

    if QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = boot.start(["workaid"])
    from workaid.ui.qtcheck import binding_problem

    problem = binding_problem()
    if problem:
        return failed("window", "not opened", problem)
    from workaid.core.distribution.refill import open_library
    from workaid.ui.app import build_window, configure_app, settings_for

    configure_app(app, set_style=not boot.made_here(app))
    library = open_library(data_dir, bundled)
    window = None
    marks: list[tuple[str, float]] = []
    try:
        window = build_window(library, settings_for(data_dir))
        window.show()
        _wait(app, lambda: window is not None and window.model.rowCount() > 0, deadline, "the cards to load")
        marks.append(("cards listed", time.monotonic()))
        window.search_box.setText(QUERY)
        _wait(
            app,
            lambda: window.model.response is not None and window.model.response.query == QUERY,
            deadline,
            f"the search for “{QUERY}”",
        )
        results = window.model.rowCount()
        if results == 0:
            return failed("window", _timings(started, marks), f"The window's search for “{QUERY}” found no cards.")
        marks.append(("searched", time.monotonic()))
        window.open_current()
        view = window.card_view
        card = view.card
        title = card.title if card is not None else ""
        _wait(app, lambda: bool(title) and title in view.toPlainText(), deadline, "the card to show")
        if not _has_pixels(view):
            return failed("window", _timings(started, marks), "The card view drew nothing (a blank image).")
        marks.append(("card rendered", time.monotonic()))
        detail = (
            f"platform {app.platformName()}; opened, searched “{QUERY}” ({results} results), "
            f"rendered “{title}”; {_timings(started, marks)}"
        )
        return passed("window", detail)
    except _TimedOut as e:
        return failed(
            "window", _timings(started, marks), f"The offscreen window timed out after {timeout_s:g} s waiting for {e}."
        )
    finally:
        if window is not None:
            window.shutdown()
            window.close()
            window.deleteLater()
        library.close()
        app.processEvents()


def _wait(app: QApplication, done: Callable[[], bool], deadline: float, what: str) -> None:
    """Run the event loop until `done()`; the window's work arrives as queued signals."""
    from PySide6.QtCore import QEventLoop

    while not done():
        if time.monotonic() > deadline:
            raise _TimedOut(what)
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)


def _has_pixels(widget: QWidget) -> bool:
    """Whether the widget's rendering has more than one colour (text was drawn)."""
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 10 or image.height() < 10:
        return False
    colours = {image.pixel(x * image.width() // 40, y * image.height() // 40) for x in range(40) for y in range(40)}
    return len(colours) > 1


def _timings(started: float, marks: list[tuple[str, float]]) -> str:
    if not marks:
        return f"{time.monotonic() - started:.2f} s"
    return ", ".join(f"{name} at {at - started:.2f} s" for name, at in marks)
