"""Polling the shared folder in the background and telling the window what happened.

Each poll runs on a worker (never the GUI thread: a share can hang) with its own
Library connection, and re-reads the configuration, so IT can point a running desk
at a share or change keys without a restart. Polls never overlap; a stuck read ends
at the share's time limit and the next tick tries again, joining the read still stuck
on the same file (share.FolderShare) rather than stranding one more thread per poll.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from workaid.core.distribution.config import POLL_DEFAULT
from workaid.core.errors import for_person
from workaid.ui.tasks import Tasks

if TYPE_CHECKING:
    from workaid.core.distribution.sync import SyncResult

log = logging.getLogger("workaid.ui.sync")

NOT_CONFIGURED = "not-configured"


def _poll(data_dir: Path, bundled: Path | None) -> tuple[int, SyncResult | str]:
    """One poll, on a worker thread: (poll_seconds, SyncResult | NOT_CONFIGURED)."""
    from workaid.core.content.library import Library
    from workaid.core.distribution.config import load_config
    from workaid.core.distribution.share import open_share
    from workaid.core.distribution.sync import Syncer, trusted_keys

    config = load_config()
    if not config.share:
        return config.poll_seconds, NOT_CONFIGURED
    lib = Library(data_dir, bundled)
    try:
        return config.poll_seconds, Syncer(lib, open_share(config.share), trusted_keys(config.trusted_keys)).sync_once()
    finally:
        lib.close()


class SyncPoller(QObject):
    applied = Signal(object)  # a SyncResult that changed the content
    checked = Signal()  # after every poll that reached a verdict (ok, failed or not configured)
    failed = Signal(str)  # why the last poll failed; the last good content stays

    def __init__(self, tasks: Tasks, data_dir: Path, bundled: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.data_dir = data_dir
        self.bundled = bundled
        self.configured = False
        self.busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_DEFAULT * 1000)
        self._timer.timeout.connect(self.poll_now)

    def start(self) -> None:
        self.poll_now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll_now(self) -> None:
        if self.busy:
            return
        self.busy = True
        data_dir, bundled = self.data_dir, self.bundled
        self.tasks.run(lambda: _poll(data_dir, bundled), self._on_done, self._on_error)

    def _on_done(self, outcome: tuple[int, SyncResult | str]) -> None:
        self.busy = False
        poll_seconds, result = outcome
        if self._timer.interval() != poll_seconds * 1000:
            self._timer.setInterval(poll_seconds * 1000)
        self.configured = not isinstance(result, str)
        if not isinstance(result, str) and result.changed:
            log.info("%s", result.describe())
            self.applied.emit(result)
        self.checked.emit()

    def _on_error(self, exc: BaseException) -> None:
        # A bug has already gone to the crash reporter (workaid.ui.tasks); either way the
        # status line says the last poll failed and the next tick tries again.
        self.busy = False
        self.configured = True
        self.failed.emit(for_person(exc).splitlines()[0])
        self.checked.emit()
