"""Starting the workbench on its own (`workaid edit SOURCE`): the same application set-up
as the rep's window (style, palette, stylesheet, log file, crash reporter, workaid.ui.app),
then the workbench window instead of the search window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from workaid.ui import boot
from workaid.ui.app import EX_IOERR, configure_app, open_startup_log
from workaid.ui.errors import ErrorReporter
from workaid.ui.qtcheck import binding_problem

log = logging.getLogger("workaid.ui.workbench")


def run(source_dir: Path, data_dir: Path, argv: list[str] | None = None) -> int:
    """Run the workbench until its window closes; returns the exit code."""
    data_dir = Path(data_dir)
    app = boot.start(list(argv) if argv is not None else sys.argv[:1])
    own_app = boot.made_here(app)
    boot.pause_collector()
    startup_log = open_startup_log(data_dir)
    if startup_log is None:
        return EX_IOERR
    try:
        problem = binding_problem()
        if problem:
            log.error("broken Qt binding: %s", problem)
            print(f"WorkAid: {problem}", file=sys.stderr)
            return 70  # EX_SOFTWARE
        configure_app(app, set_style=not own_app)
        log.info("starting the workbench on %s, data dir %s", source_dir, data_dir)
        startup_log.attach()  # no first-paint race to win here: the log file at once
        boot.resume_collector()
        reporter = ErrorReporter(startup_log.path)
        reporter.install()
        try:
            from workaid.ui.workbench.window import WorkbenchWindow

            window = WorkbenchWindow(source_dir, data_dir)
            reporter.window = window
            window.show()
            window.raise_()
            window.activateWindow()
            code = app.exec()
            window.shutdown()
            log.info("workbench closed (exit code %s)", code)
            return code
        finally:
            reporter.uninstall()
    finally:
        startup_log.attach()
        boot.resume_collector()
