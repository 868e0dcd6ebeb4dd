"""The escalation log off the GUI thread.

The log is its own SQLite file in the user's data dir (workaid.core.desk.escalation_log);
it is opened, written, counted and exported on one worker thread, one job at a
time, and the results come back to the GUI thread by signal (workaid.ui.tasks, which
also routes failures: callers word them with core.errors.for_person).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workaid.core.desk.escalation_log import (
    EscalationEntry,
    EscalationLog,
    default_path,
    start_of_day,
    start_of_week,
)
from workaid.ui.tasks import Tasks

log = logging.getLogger("workaid.ui.desk.log")

Counts = dict[tuple[str, int], int]


class LogService(QObject):
    # An entry was added: views showing counts refresh.
    changed = Signal()
    # Once: the log in use changed (the old one is damaged and kept for IT); the sentence for the rep.
    noticed = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = default_path(data_dir)
        self._tasks = Tasks(self, max_threads=1)  # one at a time: one connection, used in turn
        self._log: EscalationLog | None = None
        self.notice: str | None = None  # set once, from the worker, before `noticed`

    def _open(self) -> EscalationLog:  # on the worker
        if self._log is None:
            self._log = EscalationLog(self.path)
            if self._log.notice:
                self.notice = self._log.notice
                log.warning("told the rep: %s", self.notice)
                self.noticed.emit(self.notice)  # queued to the GUI thread
        elif self._log.notice and self.notice is None:  # the log changed on a write
            self.notice = self._log.notice
            log.warning("told the rep: %s", self.notice)
            self.noticed.emit(self.notice)
        return self._log

    def busy(self) -> bool:
        return self._tasks.busy()

    def add(
        self, entry: EscalationEntry, on_done: Callable[[int], None], on_error: Callable[[BaseException], None]
    ) -> None:
        def done(row_id: int) -> None:
            on_done(row_id)
            self.changed.emit()

        def job() -> int:
            row_id = self._open().add(entry)
            self._open()  # a write that met damage switched logs: say so
            return row_id

        self._tasks.run(job, done, on_error)

    def counts(
        self,
        now: dt.datetime,
        on_done: Callable[[tuple[Counts, Counts]], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """(today's, this week's) counts by (reason, level); `now` is the desk's local time."""

        def job() -> tuple[Counts, Counts]:
            lg = self._open()
            return lg.counts(start_of_day(now)), lg.counts(start_of_week(now))

        self._tasks.run(job, on_done, on_error)

    def export(self, path: Path, on_done: Callable[[int], None], on_error: Callable[[BaseException], None]) -> None:
        self._tasks.run(lambda: self._open().export_csv(path), on_done, on_error)

    def close(self) -> None:
        self._tasks.close()
        if self._log is not None:
            try:
                self._log.close()
            except Exception as e:
                log.warning("closing the escalation log: %r", e)
            self._log = None
