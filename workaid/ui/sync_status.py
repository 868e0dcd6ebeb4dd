"""The shared-folder line in the status bar: content serial, publisher and last check,
or exactly why the last check failed. Hidden while no share is configured."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from workaid.core.content.library import Library
from workaid.ui.sync_poller import SyncPoller

MAX_CHARS = 90  # longer lines are cut, the whole text is in the tooltip


class SyncStatus(QLabel):
    def __init__(self, library: Library, poller: SyncPoller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncStatus")
        self.setAccessibleName("Shared content status")
        self.hide()
        self._library = library
        self._poller = poller
        poller.checked.connect(self.refresh)

    def refresh(self) -> None:
        from workaid.core.distribution.sync import sync_status

        if not self._poller.configured:
            self.hide()
            return
        status = sync_status(self._library)
        text = status.describe()
        self.setText(text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 3] + "…")
        self.setToolTip(text)
        self.setProperty("problem", bool(status.last_error))
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
