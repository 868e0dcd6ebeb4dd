"""The rep's window offers the workbench only where a source folder is configured.

A content owner's desk has `source = "…"` in workaid.toml; every other desk never sees
an editing action. The configuration is read off the GUI thread after start-up, and the
window gets one "Edit cards…" button in its status bar, and Ctrl+Shift+W.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton

from workaid.core.errors import for_person
from workaid.ui.desk.common import present

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from workaid.ui.tasks import Tasks
    from workaid.ui.workbench.window import WorkbenchWindow

log = logging.getLogger("workaid.ui.workbench")

SHORTCUT = "Ctrl+Shift+W"


def configured_source() -> str | None:
    """The `source` setting (on a worker thread: it reads the config files)."""
    from workaid.core.distribution.config import load_config

    return load_config().source


class WorkbenchLauncher(QObject):
    """Owns the button, the shortcut and the one workbench window opened from the rep's window."""

    def __init__(self, window: QMainWindow, data_dir: Path, source: str) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = Path(data_dir)
        self.source = Path(source)
        self.workbench: WorkbenchWindow | None = None
        self.button = QPushButton("Edit cards…", window.statusBar())
        self.button.setObjectName("EditCardsButton")
        self.button.setToolTip(f"Open the workbench on {self.source} ({SHORTCUT})")
        self.button.setAccessibleName("Edit cards")
        self.button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.button.setFlat(True)
        self.button.clicked.connect(self.open)
        window.statusBar().addPermanentWidget(self.button, 0)
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), window)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.open)

    def open(self) -> WorkbenchWindow:
        """Show the workbench (the same one again if it is open)."""
        from workaid.ui.workbench.window import WorkbenchWindow

        wb = self.workbench
        if wb is None or wb.closed:
            wb = WorkbenchWindow(self.source, self.data_dir)
            self.workbench = wb
        present(wb)
        return wb


def offer(window: QMainWindow, tasks: Tasks, data_dir: Path) -> None:
    """Read the configuration in the background; add the launcher if a source folder is set."""

    def on_done(source: str | None) -> None:
        if not source or getattr(window, "workbench_launcher", None) is not None:
            return
        window.workbench_launcher = WorkbenchLauncher(window, data_dir, source)  # type: ignore[attr-defined]  # MainWindow declares it

    def on_error(exc: BaseException) -> None:
        # The sync status already says what is wrong with the configuration.
        log.info("no workbench offered: %s", for_person(exc))

    tasks.run(configured_source, on_done, on_error)
