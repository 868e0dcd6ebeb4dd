"""Start-up: the first frame is the real window, built without what it does not show;
the rest (card view, delegate, keys, search, log file) arrives right after.

No timing here (bench/startup.py measures); these tests pin down what the fast start
relies on, so that an innocent-looking import does not quietly undo it.
"""

from __future__ import annotations

import logging
import re
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from uihelpers import CONTENT, run_gui_probe

import workaid
from workaid.cli import _parser, _plain_gui_start
from workaid.core import logs
from workaid.core.content.library import Library
from workaid.ui.lazy import LazyQt
from workaid.ui.models import ResultsModel


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["gui"],
        ["--data-dir", "d"],
        ["--data-dir=d", "gui"],
        ["--data-dir", ""],
        ["--config", "c.toml", "--data-dir", "d", "gui"],
        ["--data-dir", "d", "--config=c.toml"],
    ],
)
def test_plain_gui_start_parses_as_argparse_does(argv):
    assert vars(_plain_gui_start(argv)) == vars(_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "fee"],
        ["--data-dir"],
        ["--data-dir", "--config", "c"],
        ["--data", "d"],  # an abbreviation: argparse's business
        ["--data-dir", "a", "--data-dir", "b"],
        ["gui", "--data-dir", "d"],
        ["gui", "extra"],
        ["--version"],
        ["-h"],
        ["--", "gui"],
    ],
)
def test_anything_else_goes_through_argparse(argv):
    assert _plain_gui_start(argv) is None


def test_lazy_qt_becomes_the_real_namespace_on_first_use():
    namespace = {}
    namespace["Qt"] = LazyQt(namespace)
    assert namespace["Qt"].Key.Key_Escape == Qt.Key.Key_Escape
    assert namespace["Qt"] is Qt


def test_model_roles_are_qt_roles():
    assert ResultsModel.IdRole == Qt.ItemDataRole.UserRole + 1
    assert ResultsModel.SnippetPartsRole == Qt.ItemDataRole.UserRole + 9
    names = ResultsModel().roleNames()
    assert bytes(names[int(Qt.ItemDataRole.DisplayRole)].data()) == b"display"
    assert bytes(names[int(Qt.ItemDataRole.ToolTipRole)].data()) == b"toolTip"


@pytest.fixture
def workaid_logging():
    """Leave the workaid logger (and logs.setup's memory) as the test found them."""
    root = logging.getLogger("workaid")
    handlers, level, configured = list(root.handlers), root.level, logs._configured
    yield root
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    for h in handlers:
        if h not in root.handlers:
            root.addHandler(h)
    root.setLevel(level)
    logs._configured = configured


def test_startup_log_keeps_records_until_attached(tmp_path, workaid_logging, qtbot):
    from workaid.ui.app import StartupLog

    early = StartupLog(tmp_path)
    assert early.path == logs.log_file(tmp_path) and early.path.parent.is_dir()
    logging.getLogger("workaid.ui").info("first")
    logging.getLogger("workaid.store").warning("second")
    assert not early.path.exists()
    assert early.attach() == early.path
    logging.getLogger("workaid.ui").info("third")
    for h in workaid_logging.handlers:
        h.flush()
    lines = early.path.read_text(encoding="utf-8").splitlines()
    assert [line.rsplit(": ", 1)[1] for line in lines] == ["first", "second", "third"]
    assert early not in workaid_logging.handlers
    assert early.attach() == early.path  # only the first call does anything


def test_an_error_sets_the_log_file_up_at_once(tmp_path, workaid_logging, qtbot):
    from workaid.ui.app import StartupLog

    early = StartupLog(tmp_path)
    logging.getLogger("workaid.ui").error("boom")
    qtbot.waitUntil(lambda: early not in workaid_logging.handlers)
    for h in workaid_logging.handlers:
        h.flush()
    assert "ERROR workaid.ui: boom" in early.path.read_text(encoding="utf-8")


# Runs the real `workaid gui` offscreen, as bench/startup.py does, and reports what the
# first painted frame was made of, then what the window holds once it is ready.
_PROBE = textwrap.dedent(
    """
    import builtins, sys, threading
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    report = {}
    loaded = lambda *names: [n for n in names if n in sys.modules]

    class Probe(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and getattr(obj, "isWindow", lambda: False)() and not report:
                import PySide6.QtCore
                w = obj
                focus = QApplication.focusWidget()
                report["first"] = {
                    "focus": focus.objectName() if focus else None,
                    "visible": [x.objectName() for x in (w.search_box, w.kind_filter, w.results, w.splitter.widget(1), w.statusBar()) if x.isVisible()],
                    "status": w.status_label.text(),
                    "qt_namespace": "Qt" in vars(PySide6.QtCore),
                    "deferred_loaded": loaded("workaid.ui.card_view", "workaid.ui.delegate", "workaid.ui.search_worker", "workaid.core.content.search", "logging.handlers"),
                    "feature_hook": builtins.__import__ is getattr(builtins, "__feature_import__", None),
                    "threads": sorted(t.name for t in threading.enumerate()),
                }
                w.ready.connect(lambda: QTimer.singleShot(50, lambda: done(w)))
            return False

    def done(w):
        from workaid.ui.delegate import ResultDelegate
        report["ready"] = {
            "card_pane": type(w.splitter.widget(1)).__name__,
            "card_text": w.card_view.toPlainText()[:60],
            "delegate": isinstance(w.results.itemDelegate(), ResultDelegate),
            "rows": w.model.rowCount(),
            "clear_button": w.search_box.isClearButtonEnabled(),
            "focus": QApplication.focusWidget().objectName(),
        }
        w.close()

    """
)


def test_first_frame_is_the_real_window_and_the_rest_follows(tmp_path):
    lib = Library(tmp_path, bundled=CONTENT)
    lib.load_bundled()
    count = lib.store.count()
    lib.close()
    report = run_gui_probe(_PROBE, tmp_path)

    first = report["first"]
    assert first["focus"] == "SearchBox"
    assert first["visible"] == ["SearchBox", "KindFilter", "Results", "CardPane", "StatusBar"]
    assert first["status"].startswith(f"{count:,} cards from bundled content pack")
    assert first["deferred_loaded"] == []
    assert first["qt_namespace"] is False
    assert first["feature_hook"] is False  # workaid.ui.boot put the plain import back
    assert first["threads"] == ["MainThread"]  # the font thread is done before Qt starts

    ready = report["ready"]
    assert ready["card_pane"] == "CardView"
    assert "Find the right card in two keystrokes." in ready["card_text"]
    assert ready["delegate"] is True
    assert ready["rows"] > 0
    assert ready["clear_button"] is True
    assert ready["focus"] == "SearchBox"

    log_text = logs.log_file(tmp_path).read_text(encoding="utf-8")
    assert "starting WorkAid UI" in log_text and "WorkAid UI closed" in log_text


def test_workaid_uses_no_pyside_feature_switch():
    """workaid.ui.boot drops PySide's ``__feature__`` import hook for a faster start;
    that is only right while no module of ours selects a feature."""
    root = Path(workaid.__file__).parent
    users = [
        p.relative_to(root)
        for p in root.rglob("*.py")
        if re.search(r"^\s*from\s+__feature__\s+import", p.read_text(encoding="utf-8"), re.M)
    ]
    assert users == []


def test_feature_hook_is_dropped_only_when_it_is_pysides(monkeypatch):
    import builtins

    from workaid.ui import boot

    def pyside_hook(*args, **kwargs):
        return wrapped(*args, **kwargs)

    wrapped = getattr(builtins, "__orig_import__", builtins.__import__)  # the import under any hook
    monkeypatch.setattr(builtins, "__feature_import__", pyside_hook, raising=False)
    monkeypatch.setattr(builtins, "__orig_import__", wrapped, raising=False)
    monkeypatch.setattr(builtins, "__import__", pyside_hook)
    assert boot.drop_feature_hook() is True
    assert builtins.__import__ is wrapped

    def profiler_hook(*args, **kwargs):  # someone else's, installed after PySide's
        return wrapped(*args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", profiler_hook)
    assert boot.drop_feature_hook() is False
    assert builtins.__import__ is profiler_hook
