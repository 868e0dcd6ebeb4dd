"""Starting the desktop app: QApplication, logging, error handling, the main window.

Start-up is kept short (bench/startup.py: process start to the first painted
window). `workaid gui` first runs workaid.ui.boot.prepare (fonts set up on a thread,
this module and the core imported before Qt, so PySide's import hook never reads
them), then runs `run`. No Qt is imported at this module's top, only in the
functions that need it; markdown, nh3 and sqlite-utils load later (the renderer is
warmed up on a worker thread once the first results are in, sqlite-utils only when
content is written). The log file is set up once the window is up (`StartupLog`),
and the garbage collector stays off until then (see workaid.core.perf). What the
window itself defers is workaid.ui.startup's.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workaid.core import logs, paths
from workaid.core.content.library import Library
from workaid.core.distribution.refill import open_library
from workaid.core.errors import EnvironmentProblem
from workaid.core.settings import Settings
from workaid.ui import boot
from workaid.ui.errors import ErrorReporter
from workaid.ui.qtcheck import binding_problem

if TYPE_CHECKING:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from workaid.ui.main_window import MainWindow
    from workaid.ui.single_instance import Primary

log = logging.getLogger("workaid.ui")

PREFERENCES_FILE = "preferences.json"


class StartupLog(logging.Handler):
    """Keeps the workaid.* records of the first moments until the log file is set up.

    logs.setup imports logging.handlers (with socket, pickle, queue …), so the
    file handler is set up once the window is up (`attach`), and what was logged
    before is written to it then, in order. An error makes it attach at once (from the
    event loop): a crash dialog never points at a log file that lacks the crash.
    Creating it checks, as logs.setup does, that the log folder can be made.
    """

    def __init__(self, data_dir: Path) -> None:
        super().__init__(logging.INFO)
        self.data_dir = data_dir
        self.path = logs.log_file(data_dir)
        self.path.parent.mkdir(parents=True, exist_ok=True)  # OSError: the data folder is not writable
        self._records: list[logging.LogRecord] = []
        self._attached = False
        self._scheduled = False
        root = logging.getLogger("workaid")
        root.addHandler(self)
        root.setLevel(logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append(record)
        if record.levelno >= logging.ERROR and not self._scheduled:
            self._scheduled = True
            from PySide6.QtCore import QCoreApplication, QTimer

            app = QCoreApplication.instance()
            if app is not None:  # from any thread: runs on the GUI thread, before queued reports
                QTimer.singleShot(0, app, self.attach)

    def attach(self) -> Path:
        """Set up the log file and write the kept records to it; only the first call does anything."""
        root = logging.getLogger("workaid")
        with self.lock:  # type: ignore[union-attr]
            if self._attached:
                return self.path
            self._attached = True
            try:
                # The file handler first: a record logged meanwhile on another thread
                # waits for this lock, then reaches the file handler itself.
                self.path = logs.setup(self.data_dir)
            except OSError as e:
                print(f"WorkAid: cannot write the log file {self.path}: {e}", file=sys.stderr)
            root.removeHandler(self)
            records, self._records = self._records, []
        for handler in root.handlers:
            if getattr(handler, "_workaid", False):
                for record in records:
                    if record.levelno >= handler.level:
                        handler.handle(record)
        return self.path


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
    from PySide6.QtGui import QColor, QPalette

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


def configure_app(app: QApplication, set_style: bool = True) -> None:
    """Names, style, palette, font and stylesheet. `set_style=False` when the app was
    created with ``-style`` (see `workaid.ui.boot.start`)."""
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName("")
    app.setDesktopFileName("workaid")
    if set_style:
        app.setStyle(boot.STYLE)
    from PySide6.QtGui import QFont

    palette, sheet = light_palette(), load_stylesheet()
    app.setPalette(palette)
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(sheet)
    from workaid.ui import theme

    theme.current().set_base(sheet, palette)  # the dark look is derived from these (window.theme)


def build_window(library: Library, settings: Settings) -> MainWindow:
    """The main window over `library`, its layout restored from `settings`, content loading started."""
    from workaid.ui.main_window import MainWindow

    window = MainWindow(library, settings)
    window.restore_layout()
    window.start()
    return window


def _open_library(data_dir: Path, bundled: Path | None) -> Library | None:
    """Open the content store; on an environment problem ask to retry (None: the user gave up)."""
    while True:
        try:
            return open_library(data_dir, bundled)
        except EnvironmentProblem as e:
            from PySide6.QtWidgets import QMessageBox

            log.warning("cannot open the library: %s", e)
            box = QMessageBox(QMessageBox.Icon.Warning, "WorkAid", "WorkAid can't open its cards right now.")
            box.setInformativeText(str(e))
            retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(retry)
            box.exec()
            if box.clickedButton() is not retry:
                return None


EX_IOERR = 74  # sysexits: the data folder cannot be written


def open_startup_log(data_dir: Path) -> StartupLog | None:
    """This run's log file; None, after saying so in a dialog, when the data folder
    cannot be written (the window could keep nothing: preferences, drafts, logs)."""
    try:
        return StartupLog(data_dir)
    except OSError as e:
        from PySide6.QtWidgets import QMessageBox

        boot.resume_collector()
        QMessageBox.critical(None, "WorkAid", f"WorkAid can't write to its data folder {data_dir}:\n{e}")
        return None


def run(
    data_dir: Path, bundled: Path | None = None, argv: list[str] | None = None, instance: Primary | None = None
) -> int:
    """Run the desktop app until its window closes; returns the exit code. With
    `instance` (single_instance.claim), later starts raise this window."""
    data_dir = Path(data_dir)
    app = boot.start(list(argv) if argv is not None else sys.argv[:1])
    own_app = boot.made_here(app)
    gc_was_enabled = boot.pause_collector()  # already paused by boot.prepare in `workaid gui`
    startup_log = open_startup_log(data_dir)
    if startup_log is None:
        return EX_IOERR
    try:
        return _run(app, own_app, data_dir, bundled, startup_log, gc_was_enabled, instance)
    finally:
        startup_log.attach()
        boot.resume_collector()


def _run(
    app: QApplication,
    own_app: bool,
    data_dir: Path,
    bundled: Path | None,
    startup_log: StartupLog,
    gc_was_enabled: bool,
    instance: Primary | None = None,
) -> int:
    problem = binding_problem()
    if problem:
        # Refuse to start rather than crash at a random moment during a call.
        log.error("broken Qt binding: %s", problem)
        print(f"WorkAid: {problem}", file=sys.stderr)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "WorkAid cannot start", problem)
        return 70  # EX_SOFTWARE
    configure_app(app, set_style=not own_app)
    log.info("starting WorkAid UI, data dir %s", data_dir)
    reporter = ErrorReporter(startup_log.path)
    reporter.install()
    library = None
    try:
        library = _open_library(data_dir, bundled)
        if library is None:
            return 75  # EX_TEMPFAIL: the environment was not ready
        window = build_window(library, settings_for(data_dir))
        reporter.window = window

        def settle_gc() -> None:
            if gc_was_enabled:
                from workaid.core import perf

                perf.settle_after_startup()  # one full collection now, none of start-up's objects later
            boot.resume_collector()

        def settle() -> None:
            # The window is up and its first results are on screen: two short pauses, not one long.
            from PySide6.QtCore import QTimer

            startup_log.attach()
            QTimer.singleShot(0, window, settle_gc)

        window.ready.connect(settle)
        server = None
        if instance is not None:
            from workaid.ui.single_instance_server import install as serve_instance

            server = serve_instance(window, instance, window.come_forward)
            if instance.search:
                window.search_box.setText(instance.search)
        window.show_as_saved()
        window.raise_()
        window.activateWindow()
        code = app.exec()
        if server is not None:
            server.close()
        window.shutdown()
        log.info("WorkAid UI closed (exit code %s)", code)
        return code
    finally:
        reporter.uninstall()
        if library is not None:
            library.close()
