"""Small helpers shared by the UI tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"

# Appended to a probe: installs its `Probe` event filter app-wide, runs the real
# `workaid gui`, and prints the probe's `report` with the exit code.
_RUN_GUI = """
import json, sys
from PySide6.QtWidgets import QApplication
original_exec = QApplication.exec
def exec_(self=None):
    app = QApplication.instance()
    app._probe = Probe()
    app.installEventFilter(app._probe)
    return original_exec()
QApplication.exec = exec_

from workaid.cli import main
code = main(["--data-dir", sys.argv[1], "gui"])
print(json.dumps({"code": code, **report}))
"""


def run_gui_probe(probe: str, data_dir: Path) -> dict:
    """Run `workaid gui` offscreen in a child process, as a user starts it, with `probe`
    (code defining a `report` dict and a `Probe` event filter that closes the window when
    it has seen enough); return the report once the app exited cleanly."""
    code = textwrap.dedent(probe) + _RUN_GUI
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    return report


def type_slowly(qtbot, widget, text: str) -> None:
    """Type like a person: one key at a time, letting the event loop run in between."""
    for ch in text:
        qtbot.keyClicks(widget, ch)
        qtbot.wait(1)


def result_ids(window) -> list[str]:
    from workaid.ui.models import ResultsModel

    m = window.model
    return [m.data(m.index(r, 0), ResultsModel.IdRole) for r in range(m.rowCount())]
