"""Search off the GUI thread, always answering the newest keystroke.

The GUI calls `SearchController.submit(query, kind)` on every keystroke. The request
is stored as *the* pending one (older pending requests are simply replaced) and the
worker thread is woken. If the worker is busy with an older query, that query is
interrupted (sqlite3 interrupt via Searcher.interrupt), so the worker moves on to the
newest query at once. Every reply carries the sequence number of its request; the
controller drops replies that are not for the newest request.

The worker owns its own sqlite3 connection and Searcher: the GUI thread's
connection is never used from the worker, and vice versa. This is the one piece of
background work that is not a workaid.ui.tasks job: a pool task could neither keep
its connection on one thread nor be interrupted by the next keystroke. Its failures
still take the one route: a message for a person comes back by signal, damage goes
to the window's rebuild, and a bug reaches the crash reporter (sys.excepthook).
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from workaid.core.content.search import Response, Searcher
from workaid.core.content.store import DamagedDatabase, connect
from workaid.core.errors import EnvironmentProblem

log = logging.getLogger("workaid.ui.search")


@dataclass(frozen=True)
class SearchRequest:
    seq: int
    query: str
    kind: str | None


class SearchWorker(QObject):
    """Lives in the search thread. Runs only the newest pending request."""

    replied = Signal(int, object)  # seq, Response
    failed = Signal(int, str)  # seq, message for a person
    damaged = Signal(str)  # the content database is damaged (a message for a person)

    def __init__(self, db_path: Path, limit: int = 50) -> None:
        super().__init__()
        self._db_path = Path(db_path)
        self._limit = limit
        self._lock = threading.Lock()
        self._pending: SearchRequest | None = None
        self._running: SearchRequest | None = None
        self._searcher: Searcher | None = None
        self._closed = False

    # -- called from the GUI thread --------------------------------------------
    def post(self, request: SearchRequest) -> None:
        """Make `request` the next to run; interrupt an older one still running."""
        with self._lock:
            self._pending = request
            running = self._running
            searcher = self._searcher
        if running is not None and running.seq < request.seq and searcher is not None:
            searcher.interrupt()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._pending = None
            searcher = self._searcher
        if searcher is not None:
            searcher.interrupt()

    def release(self) -> None:
        """Close the connection; call only once the thread has finished."""
        with self._lock:
            searcher, self._searcher = self._searcher, None
        if searcher is not None:
            try:
                searcher.conn.close()
            except Exception:  # closing is best effort at shutdown
                log.debug("closing the search connection failed", exc_info=True)

    # -- runs in the worker thread -------------------------------------------
    @Slot()
    def run_pending(self) -> None:
        while True:
            with self._lock:
                request, self._pending = self._pending, None
                if request is None or self._closed:
                    self._running = None
                    return
                self._running = request
            try:
                searcher = self._ensure_searcher()
                response = searcher.search(request.query, request.kind)
            except EnvironmentProblem as e:
                with self._lock:
                    self._running = None
                if isinstance(e, DamagedDatabase):
                    # The next search reconnects, to the fresh file once the window has set
                    # the damaged one aside and rebuilt it (MainWindow._on_content_damaged).
                    self.release()
                    self.damaged.emit(str(e))
                self.failed.emit(request.seq, str(e))
                continue
            with self._lock:
                newer = self._pending is not None
                if response.cancelled and not newer and not self._closed:
                    # Interrupted, but nothing newer came in (a race with post()): run it again.
                    self._pending = request
                    continue
                self._running = None
            if not response.cancelled:
                self.replied.emit(request.seq, response)

    def _ensure_searcher(self) -> Searcher:
        with self._lock:
            searcher = self._searcher
        if searcher is None:
            searcher = Searcher(connect(self._db_path), limit=self._limit)
            with self._lock:
                self._searcher = searcher
        return searcher


_live_controllers: weakref.WeakSet[SearchController] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    # A QThread destroyed while running aborts the process: stop any left running.
    for controller in list(_live_controllers):
        controller.shutdown()


class SearchController(QObject):
    """GUI-side owner of the search thread. Emits only replies to the newest request."""

    results = Signal(object)  # Response
    problem = Signal(str)
    damaged = Signal(str)
    _wake = Signal()

    def __init__(self, db_path: Path, limit: int = 50, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seq = 0
        self._latest: SearchRequest | None = None
        self._thread = QThread()
        self._thread.setObjectName("workaid-search")
        self._worker = SearchWorker(db_path, limit)
        self._worker.moveToThread(self._thread)
        self._wake.connect(self._worker.run_pending)
        self._worker.replied.connect(self._on_replied)
        self._worker.failed.connect(self._on_failed)
        self._worker.damaged.connect(self.damaged)
        self._thread.start()
        self._stopped = False
        self.dropped = 0  # replies thrown away because a newer request existed
        _live_controllers.add(self)

    @property
    def latest(self) -> SearchRequest | None:
        return self._latest

    def submit(self, query: str, kind: str | None = None) -> int:
        if self._stopped:
            return self._seq
        self._seq += 1
        request = SearchRequest(self._seq, query, kind or None)
        self._latest = request
        self._worker.post(request)
        self._wake.emit()
        return self._seq

    def resubmit(self) -> None:
        """Run the newest request again (new content arrived, or after a problem)."""
        if self._latest is not None:
            self.submit(self._latest.query, self._latest.kind)

    @Slot(int, object)
    def _on_replied(self, seq: int, response: Response) -> None:
        if self._stopped or seq != self._seq:
            self.dropped += 1
            return
        self.results.emit(response)

    @Slot(int, str)
    def _on_failed(self, seq: int, message: str) -> None:
        if not self._stopped and seq == self._seq:
            self.problem.emit(message)

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        _live_controllers.discard(self)
        self._worker.close()
        self._thread.quit()
        self._thread.wait()
        self._worker.release()
