"""Running a slow function off the GUI thread and hearing back on the GUI thread.

The function runs in a QThreadPool; it gets no widgets and must touch none. Its
result (or exception) comes back through a queued signal to callbacks that run on
the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("workaid.ui.tasks")


class _Relay(QObject):
    """Lives in the GUI thread; its own slots receive the worker's signals, queued."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: Tasks, on_done, on_error) -> None:
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
        if self._on_error is not None:
            self._on_error(exc)
        else:
            raise exc


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as e:  # reported to the GUI thread, which decides what it is
            self._relay.failed.emit(e)
        else:
            self._relay.done.emit(result)


class Tasks(QObject):
    """A small pool of background workers owned by a window; `wait()` before closing."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self._closed = False

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
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
