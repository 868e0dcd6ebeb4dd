"""The shared-folder line in the status bar: content serial, publisher and last check,
or exactly why the last check failed. Hidden while no share is configured.

A StatusText (workaid.ui.status_line): squeezed by a narrow window it elides with "…"
instead of being cut; the whole line is its tooltip, its accessible description, and a
click or Ctrl+Shift+M away."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from workaid.core.content.library import Library
from workaid.ui.status_line import StatusText
from workaid.ui.sync_poller import SyncPoller


class SyncStatus(StatusText):
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
        self.setText(status.describe())
        self.setProperty("problem", bool(status.last_error))
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
