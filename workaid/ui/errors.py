"""What happens to an exception nobody caught.

Two kinds (see workaid.core.errors): an *environment* problem gets a calm message in
the status bar and a Retry button; anything else is a *bug*: logged with its
traceback, and a crash dialog says so and where the log is. The hook may be called
on any thread; the dialog is always shown on the GUI thread.

The reporter is installed before the main window is first painted, so it stays light
until something actually goes wrong: this module imports no Qt (workaid.ui.boot imports
it before PySide6, so PySide's import hook never reads it), its GUI-thread relay is
built when it is installed, the queued connection (which needs the `Qt` enum
namespace, see workaid.ui.lazy) is made on the first report, and QMessageBox is
imported when a dialog is shown.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from workaid.core.errors import EnvironmentProblem

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger("workaid.ui.errors")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]
ThreadHook = Callable[[threading.ExceptHookArgs], Any]


Deliver = Callable[[type[BaseException], BaseException, "TracebackType | None"], None]


@functools.cache
def _relay_class() -> Callable[[Deliver], Any]:
    """A QObject that lives in the GUI thread: a report emitted from any thread reaches
    it there, queued. Defined on first use, so importing this module needs no Qt."""
    from PySide6.QtCore import QObject, Signal, Slot

    class Relay(QObject):
        raised = Signal(object, object, object)

        def __init__(self, deliver: Deliver) -> None:
            super().__init__()
            self._deliver = deliver

        @Slot(object, object, object)
        def deliver(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            self._deliver(exc_type, exc, tb)

    return Relay


class ErrorReporter:
    def __init__(self, log_path: Path | None = None) -> None:
        self.log_path = log_path
        self.window: QWidget | None = None
        self._previous_hook: ExceptHook | None = None
        self._previous_thread_hook: ThreadHook | None = None
        self._showing = False
        self.bugs = 0
        self._connect_lock = threading.Lock()
        self._connected = False
        self._relay: Any = None  # _relay_class(), made on the GUI thread
        # Replaceable in tests, where a modal dialog would block.
        self.show_crash_dialog: Callable[[str, str], None] = self._crash_dialog

    def install(self) -> None:
        """Take over uncaught exceptions; call on the GUI thread (the relay lives there)."""
        self._make_relay()
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
            self._previous_hook = None
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
            self._previous_thread_hook = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        self.excepthook(args.exc_type, exc, args.exc_traceback)

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            from PySide6.QtWidgets import QApplication

            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        if isinstance(exc, EnvironmentProblem):
            log.warning("environment problem: %s", exc)
        else:
            self.bugs += 1
            log.error("bug: unhandled %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
        self._connect()
        self._relay.raised.emit(exc_type, exc, tb)

    def _make_relay(self) -> None:
        if self._relay is None:
            self._relay = _relay_class()(self._on_raised)

    def _connect(self) -> None:
        """Connect the report to the GUI thread, queued (also from the GUI thread itself): once."""
        with self._connect_lock:
            if not self._connected:
                from PySide6.QtCore import Qt

                self._make_relay()  # installed reporters have it already, made on the GUI thread
                self._relay.raised.connect(self._relay.deliver, Qt.ConnectionType.QueuedConnection)
                self._connected = True

    def _on_raised(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        window = self.window
        if isinstance(exc, EnvironmentProblem):
            if window is not None and hasattr(window, "report_problem"):
                window.report_problem(str(exc), retry=getattr(window, "retry", None))
            else:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.warning(None, "WorkAid", str(exc))
            return
        if self._showing:
            return  # one dialog at a time; the rest is in the log
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        self._showing = True
        try:
            self.show_crash_dialog(f"{exc_type.__name__}: {exc}", details)
        finally:
            self._showing = False

    def _crash_dialog(self, summary: str, details: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("WorkAid — something went wrong")
        box.setText("WorkAid hit a problem it did not expect. This is a bug, not something you did.")
        where = f"\n\nThe details are in the log file:\n{self.log_path}" if self.log_path else ""
        box.setInformativeText(
            "You can keep working: the cards are safe. If it happens again, please send the log file to IT." + where
        )
        box.setDetailedText(details)
        keep = box.addButton("Keep working", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit WorkAid", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is not keep:
            from PySide6.QtWidgets import QApplication

            app = QApplication.instance()
            if app is not None:
                app.exit(70)  # EX_SOFTWARE
