"""Start-up: the first frame is the real window, built without what it does not show;
the rest (card view, delegate, keys, search, log file) arrives right after.

No timing here (bench/startup.py measures); these tests pin down what the fast start
relies on, so that an innocent-looking import does not quietly undo it.
"""

from __future__ import annotations

import logging
import textwrap

import pytest
from PySide6.QtCore import Qt
from uihelpers import CONTENT, run_gui_probe

from workaid.cli import parse_args
from workaid.core import logs
from workaid.core.content.library import Library
from workaid.ui.lazy import LazyQt
from workaid.ui.models import ResultsModel


@pytest.mark.parametrize(
    ("argv", "data_dir", "config", "command"),
    [
        ([], None, None, "gui"),
        (["gui"], None, None, "gui"),
        (["--data-dir", "d"], "d", None, "gui"),
        (["--data-dir=d", "gui"], "d", None, "gui"),
        (["--data-dir", ""], "", None, "gui"),
        (["--config", "c.toml", "--data-dir", "d", "gui"], "d", "c.toml", "gui"),
        (["--data-dir", "d", "--config=c.toml"], "d", "c.toml", "gui"),
    ],
)
def test_the_ways_to_start_the_window_parse(argv, data_dir, config, command):
    args = parse_args(argv)
    assert (args.data_dir, args.config, args.command) == (data_dir, config, command)


def test_the_collector_is_paused_for_start_up_and_resumed_as_it_was_found():
    import gc

    from workaid.ui import boot

    was_enabled = gc.isenabled()
    try:
        gc.enable()
        assert boot.pause_collector() is True and not gc.isenabled()
        assert boot.pause_collector() is True  # app.run after boot.prepare: the first answer stands
        boot.resume_collector()
        assert gc.isenabled()
        gc.disable()
        assert boot.pause_collector() is False
        boot.resume_collector()
        assert not gc.isenabled()
    finally:
        boot.resume_collector()
        (gc.enable if was_enabled else gc.disable)()


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
    import gc, sys, threading
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
                    "collector": gc.isenabled(),
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
            "collector": gc.isenabled(),
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
    assert first["collector"] is False  # paused by workaid.ui.boot until the window is up
    assert first["threads"] == ["MainThread"]  # the font thread is done before Qt starts

    ready = report["ready"]
    assert ready["card_pane"] == "CardView"
    assert "Find the right card in two keystrokes." in ready["card_text"]
    assert ready["delegate"] is True
    assert ready["rows"] > 0
    assert ready["clear_button"] is True
    assert ready["focus"] == "SearchBox"
    assert ready["collector"] is True  # and on again once it is

    log_text = logs.log_file(tmp_path).read_text(encoding="utf-8")
    assert "starting WorkAid UI" in log_text and "WorkAid UI closed" in log_text
