"""Slow work happens off the GUI thread: content loading, searching, the renderer warm-up."""

from __future__ import annotations

import threading
from typing import ClassVar

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from uihelpers import CONTENT

from workaid.core.content.library import Library
from workaid.core.content.search import Response
from workaid.core.errors import EnvironmentProblem, for_person
from workaid.ui import search_worker
from workaid.ui.search_worker import SearchController
from workaid.ui.tasks import Tasks


def test_first_start_loads_the_bundled_pack_in_the_background(tmp_path, make_window, qtbot):
    lib = Library(tmp_path, bundled=CONTENT)
    assert lib.store.count() == 0
    try:
        w = make_window(lib)
        qtbot.waitUntil(lambda: w.model.rowCount() == lib.store.count() and lib.store.count() > 40, timeout=20000)
        qtbot.waitUntil(lambda: "cards from bundled content pack" in w.status_label.text())
        assert not lib.needs_bundled_import()
    finally:
        lib.close()


def test_only_the_newest_query_is_answered(library, qtbot):
    controller = SearchController(library.store.path)
    answered: list[str] = []
    controller.results.connect(lambda r: answered.append(r.query))
    try:
        for end in range(1, len("abusive") + 1):
            controller.submit("abusive"[:end])
        qtbot.waitUntil(lambda: "abusive" in answered)
        qtbot.wait(50)
        assert answered == ["abusive"]
    finally:
        controller.shutdown()


class _SlowSearcher:
    """Stands in for Searcher: the query "slow" runs until interrupted."""

    started = threading.Event()
    interrupted = threading.Event()
    threads: ClassVar[set[str]] = set()

    def __init__(self, conn, limit=50):
        self.conn = conn

    def search(self, query, kind=None, tag=None):
        type(self).threads.add(threading.current_thread().name)
        if query == "slow":
            type(self).started.set()
            type(self).interrupted.wait(10)
            return Response(query, mode="none", cancelled=True)
        return Response(query, mode="browse")

    def interrupt(self):
        type(self).interrupted.set()


def test_a_running_search_is_interrupted_by_the_next_keystroke(library, qtbot, monkeypatch):
    monkeypatch.setattr(search_worker, "Searcher", _SlowSearcher)
    controller = SearchController(library.store.path)
    answered: list[str] = []
    controller.results.connect(lambda r: answered.append(r.query))
    try:
        controller.submit("slow")
        assert _SlowSearcher.started.wait(10)
        controller.submit("fast")
        qtbot.waitUntil(lambda: answered == ["fast"])
        assert _SlowSearcher.interrupted.is_set()
        assert threading.main_thread().name not in _SlowSearcher.threads
    finally:
        controller.shutdown()


def test_tasks_run_off_the_gui_thread_and_report_on_it(qtbot):
    tasks = Tasks()
    seen = {}

    def job():
        seen["job"] = QThread.currentThread()
        return 42

    def done(value):
        seen["done"] = QThread.currentThread()
        seen["value"] = value

    tasks.run(job, done)
    qtbot.waitUntil(lambda: "done" in seen)
    gui = QApplication.instance().thread()
    assert seen["value"] == 42
    assert seen["done"] is gui
    assert seen["job"] is not gui
    tasks.close()


def test_a_bug_in_background_work_reaches_the_crash_reporter_and_the_caller(qtbot):
    """A bug is never only the caller's business: it goes to the crash reporter (logged
    with its traceback), and the caller still hears of it to put its buttons back."""
    tasks = Tasks()
    errors = []
    with qtbot.capture_exceptions() as reported:
        tasks.run(lambda: 1 / 0, None, lambda e: errors.append((e, QThread.currentThread())))
        qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0][0], ZeroDivisionError)
    assert errors[0][1] is QApplication.instance().thread()
    assert [type(exc) for _t, exc, _tb in reported] == [ZeroDivisionError]
    tasks.close()


def test_an_environment_problem_in_background_work_goes_only_to_the_caller(qtbot):
    tasks = Tasks()
    errors = []

    def job():
        raise EnvironmentProblem("The shared folder is not reachable.")

    with qtbot.capture_exceptions() as reported:
        tasks.run(job, None, errors.append)
        qtbot.waitUntil(lambda: bool(errors))
    assert for_person(errors[0]) == "The shared folder is not reachable."
    assert reported == []  # not a bug: no crash dialog
    tasks.close()


def test_an_environment_problem_nobody_handles_reaches_the_reporter_calmly(qtbot):
    tasks = Tasks()
    with qtbot.capture_exceptions() as reported:
        tasks.run(lambda: (_ for _ in ()).throw(EnvironmentProblem("disk full")))
        qtbot.waitUntil(lambda: bool(reported))
    assert isinstance(reported[0][1], EnvironmentProblem)
    tasks.close()
