"""Starting the desktop app: QApplication, logging, error handling, the main window.

Start-up is kept short: only PySide6 and the light core modules are imported here;
markdown, nh3 and sqlite-utils load later (the renderer is warmed up on a worker
thread after the first paint, sqlite-utils only when content is written).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from workaid.core import logs, paths
from workaid.core.errors import EnvironmentProblem
from workaid.core.library import Library
from workaid.core.settings import Settings
from workaid.ui.errors import ErrorReporter
from workaid.ui.main_window import MainWindow
from workaid.ui.qtcheck import binding_problem

log = logging.getLogger("workaid.ui")

PREFERENCES_FILE = "preferences.json"


def settings_for(data_dir: Path) -> Settings:
    return Settings(Path(data_dir) / PREFERENCES_FILE)


def load_stylesheet() -> str:
    path = paths.resources_dir() / "style.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        log.warning("stylesheet %s not loaded: %s", path, e)
        return ""


def light_palette() -> QPalette:
    """A light palette, so a dark desktop theme can't make the stylesheet unreadable."""
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#f4f6f9",
        QPalette.ColorRole.WindowText: "#1d232b",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f6f8fa",
        QPalette.ColorRole.Text: "#1d232b",
        QPalette.ColorRole.Button: "#ffffff",
        QPalette.ColorRole.ButtonText: "#1d232b",
        QPalette.ColorRole.Highlight: "#cfe0fa",
        QPalette.ColorRole.HighlightedText: "#0f1720",
        QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: "#1d232b",
        QPalette.ColorRole.PlaceholderText: "#8a94a0",
        QPalette.ColorRole.Link: "#1a5fb4",
        QPalette.ColorRole.BrightText: "#ffffff",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa3ad"))
    return p


def configure_app(app: QApplication) -> None:
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName("")
    app.setDesktopFileName("workaid")
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(load_stylesheet())


def build_window(library: Library, settings: Settings) -> MainWindow:
    """The main window over `library`, its layout restored from `settings`, content loading started."""
    window = MainWindow(library, settings)
    window.restore_layout()
    window.start()
    return window


def _open_library(data_dir: Path, bundled: Path | None) -> Library | None:
    """Open the content store; on an environment problem ask to retry (None: the user gave up)."""
    while True:
        try:
            return Library(data_dir, bundled)
        except EnvironmentProblem as e:
            log.warning("cannot open the library: %s", e)
            box = QMessageBox(QMessageBox.Icon.Warning, "WorkAid", "WorkAid can't open its cards right now.")
            box.setInformativeText(str(e))
            retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(retry)
            box.exec()
            if box.clickedButton() is not retry:
                return None


def run(data_dir: Path, bundled: Path | None = None, argv: list[str] | None = None) -> int:
    """Run the desktop app until its window closes; returns the exit code."""
    data_dir = Path(data_dir)
    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv[:1])
    try:
        log_path = logs.setup(data_dir)
    except OSError as e:
        QMessageBox.critical(None, "WorkAid", f"WorkAid can't write to its data folder {data_dir}:\n{e}")
        return 74  # EX_IOERR
    problem = binding_problem()
    if problem:
        # Refuse to start rather than crash at a random moment during a call.
        log.error("broken Qt binding: %s", problem)
        print(f"WorkAid: {problem}", file=sys.stderr)
        QMessageBox.critical(None, "WorkAid cannot start", problem)
        return 70  # EX_SOFTWARE
    configure_app(app)  # type: ignore[arg-type]
    log.info("starting WorkAid UI, data dir %s", data_dir)
    reporter = ErrorReporter(log_path)
    reporter.install()
    library = None
    try:
        library = _open_library(data_dir, bundled)
        if library is None:
            return 75  # EX_TEMPFAIL: the environment was not ready
        window = build_window(library, settings_for(data_dir))
        reporter.window = window
        window.show()
        window.raise_()
        window.activateWindow()
        code = app.exec()
        window.shutdown()
        log.info("WorkAid UI closed (exit code %s)", code)
        return code
    finally:
        reporter.uninstall()
        if library is not None:
            library.close()
