"""The one way the UI runs slow work: a core function off the GUI thread, its outcome
back on the GUI thread (the pattern of Anki's QueryOp).

`Tasks.run(fn, on_done, on_error)` runs `fn` in a QThreadPool; `fn` gets no widgets
and must touch none. Its result reaches `on_done`, queued to the GUI thread. A failure
is routed one way, whoever ran the work:

- an error a person can act on (`core.errors.is_expected`: our own kinds, the OS
  refusing a file) goes to `on_error`; with no `on_error` it goes to the crash
  reporter, which shows an environment problem calmly with a Retry;
- anything else is a bug: it always goes to the crash reporter (logged with its
  traceback, a dialog says so), and then to `on_error` too, so the caller can put
  its buttons and flags back (`core.errors.for_person` words either kind).

The search thread is the one exception: it is a long-lived thread that owns its own
connection and interrupts stale queries (workaid.ui.search_worker).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from workaid.core.errors import is_expected

log = logging.getLogger("workaid.ui.tasks")

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


def report_bug(exc: BaseException) -> None:
    """Hand an exception to whatever reports uncaught ones (workaid.ui.errors in the app)."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


class _Relay(QObject):
    """Lives in the GUI thread; its own slots receive the worker's signals, queued."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: Tasks, on_done: OnDone | None, on_error: OnError | None) -> None:
        super().__init__()
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        self._owner._finished(self)
        if self._on_done is not None and not self._owner.closed:
            self._on_done(result)

    @Slot(object)
    def _deliver_failed(self, exc: BaseException) -> None:
        self._owner._finished(self)
        if self._owner.closed:
            log.info("background task failed after close: %r", exc)
            return
        if not is_expected(exc) or self._on_error is None:
            report_bug(exc)
        if self._on_error is not None:
            self._on_error(exc)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as e:  # reported to the GUI thread, which routes it
            self._relay.failed.emit(e)
        else:
            self._relay.done.emit(result)


class Tasks(QObject):
    """A small pool of background workers owned by a window; `close()` before closing."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self._closed = False

    def run(self, fn: Callable[[], Any], on_done: OnDone | None = None, on_error: OnError | None = None) -> None:
        if self._closed:
            return
        relay = _Relay(self, on_done, on_error)
        self._relays.add(relay)
        self._pool.start(_Runnable(fn, relay))

    @property
    def closed(self) -> bool:
        return self._closed

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)

    def busy(self) -> bool:
        return bool(self._relays)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def close(self) -> None:
        """Stop delivering results and wait for running work to end."""
        self._closed = True
        self._pool.waitForDone()
        self._relays.clear()
