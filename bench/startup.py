"""Start-up: process start to the main window shown and painted, offscreen.

    python bench/startup.py                  # builds a 20,000-card database first
    python bench/startup.py --data-dir DIR   # use an existing data dir
    python bench/startup.py --runs 9

Prints the median of N runs for WorkAid on the 20k-card database beside a bare
PySide6 QMainWindow, and the ratio (target: our own code adds at most 30%).
Each run is a fresh process; the clock starts just before the process is spawned and
stops when the child reports its first paint event (it then exits at once).

How the child notices that paint (`--probe`): `window` (default) filters only the shown
top-level window's events; `app` filters every event of every widget in the process, which
runs a Python call per event and makes Qt build Python types for every widget class it
passes, a cost the real app never pays and that grows with the number of widgets, so it
weighs on a real window more than on an empty one (about 5-8 ms here). Either way the
probe is put in only when the child imports PySide6.QtWidgets itself, so both children
import in their own order.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Both children quit on the first paint of a top-level window and print "painted".
# The probe goes in when the child itself imports PySide6.QtWidgets, so the child
# imports what it imports in its own order (the app imports its Qt-free modules before
# Qt: see workaid.ui.boot); importing Qt here first would change what is measured.
_QUIT_ON_PAINT = r"""
import os as _os, sys as _sys
from importlib.machinery import PathFinder as _PathFinder
PROBE = _os.environ.get("STARTUP_PROBE", "window")

def _install(widgets):
    from PySide6.QtCore import QObject, QEvent
    QApplication = widgets.QApplication
    class _QuitOnPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and getattr(obj, "isWindow", lambda: False)():
                print("painted", flush=True)
                _os._exit(0)
            return False
    _orig_exec = QApplication.exec
    def _exec(self=None):
        app = QApplication.instance()
        app._quit_filter = _QuitOnPaint()
        if PROBE == "app":
            app.installEventFilter(app._quit_filter)
        else:  # only the shown windows' own events pass through Python
            for w in QApplication.topLevelWidgets():
                if w.isVisible():
                    w.installEventFilter(app._quit_filter)
        return _orig_exec()
    QApplication.exec = _exec

class _WhenQtWidgetsLoads:
    def find_spec(self, name, path=None, target=None):
        if name != "PySide6.QtWidgets":
            return None
        _sys.meta_path.remove(self)
        spec = _PathFinder.find_spec(name, path)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            _install(module)
        spec.loader.exec_module = exec_module
        return spec

_sys.meta_path.insert(0, _WhenQtWidgetsLoads())
"""

BARE = (
    _QUIT_ON_PAINT
    + r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 800); w.setWindowTitle("bare"); w.show()
QApplication.exec()
"""
)

OURS = (
    _QUIT_ON_PAINT
    + r"""
import sys
from workaid.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "gui"]))
"""
)


def child_env() -> dict[str, str]:
    """Offscreen, and with byte-code caching on: an installed or frozen app always runs
    from compiled byte-code, while PYTHONDONTWRITEBYTECODE (set on some dev machines)
    would make every run recompile our modules and measure the compiler."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def time_child(code: str, *args: str) -> float:
    env = child_env()
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t
    proc.wait(timeout=30)
    if line.strip() != "painted":
        raise SystemExit(f"child did not paint: {line!r} {proc.stderr.read()}")
    return elapsed * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--cards", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--probe", choices=("window", "app"), default="window", help="how the child notices its first paint (see above)"
    )
    args = ap.parse_args()
    os.environ["STARTUP_PROBE"] = args.probe

    work = None
    data = args.data_dir
    if data is None:
        from bench.corpus import generate

        work = Path(tempfile.mkdtemp(prefix="workaid-startup-"))
        folder, data = work / "cards", work / "data"
        generate(folder, args.cards)
        subprocess.run(
            [sys.executable, "-m", "workaid", "--data-dir", str(data), "import", str(folder)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    try:
        db = data / "content.db"
        cards = "?"
        if db.exists():
            import sqlite3

            cards = f"{sqlite3.connect(db).execute('SELECT COUNT(*) FROM cards').fetchone()[0]:,}"
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "workaid")],
            env=child_env(),
            check=True,
            capture_output=True,
        )
        time_child(OURS, str(data))  # first run warms the page cache
        time_child(BARE)
        bare, ours = [], []
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            bare.append(time_child(BARE))
            ours.append(time_child(OURS, str(data)))
        mb, mo = statistics.median(bare), statistics.median(ours)
        print(
            f"start-up to first paint, offscreen, median of {args.runs} (database: {cards} cards; probe: {args.probe})"
        )
        print(f"  bare PySide6 window  {mb:7.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in bare)})")
        print(f"  WorkAid              {mo:7.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in ours)})")
        print(f"  ours adds {mo - mb:.0f} ms = {100 * (mo - mb) / mb:.0f}% over the bare window (target <= 30%)")
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
