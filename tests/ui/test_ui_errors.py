"""Environment problems get a calm message and Retry; bugs are logged and get a crash dialog."""

from __future__ import annotations

import logging
import sys

from workaid.core.errors import EnvironmentProblem
from workaid.ui.errors import ErrorReporter


def test_environment_problem_shows_in_the_status_bar_with_retry(window, qtbot):
    reporter = ErrorReporter()
    reporter.window = window
    dialogs = []
    reporter.show_crash_dialog = lambda summary, details: dialogs.append(summary)
    exc = EnvironmentProblem("The shared folder is offline.")
    reporter.excepthook(EnvironmentProblem, exc, None)
    qtbot.waitUntil(lambda: window.problem_label.isVisible())
    assert window.problem_label.text() == "The shared folder is offline."
    assert window.retry_button.isVisible()
    assert window.retry_button.text() == "Retry"
    assert dialogs == []

    retried = []
    window.search.results.connect(lambda r: retried.append(r))
    window.retry_button.click()
    assert window.problem_label.isHidden()
    qtbot.waitUntil(lambda: bool(retried))


def test_retry_button_says_retry_when_a_problem_comes_before_the_window_is_up(library, make_window):
    """The button is made without its text (its first text costs ~2 ms before the first paint);
    a problem reported before start-up finished must still get a labelled button."""
    window = make_window(library, show=False)
    window.report_problem("The shared folder is offline.", retry=lambda: None)
    assert window.retry_button.text() == "Retry"
    assert not window.retry_button.isHidden()


def test_bug_is_logged_with_traceback_and_gets_the_crash_dialog(window, qtbot, caplog):
    reporter = ErrorReporter()
    reporter.window = window
    dialogs = []
    reporter.show_crash_dialog = lambda summary, details: dialogs.append((summary, details))
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    with caplog.at_level(logging.ERROR, logger="workaid"):
        reporter.excepthook(*exc_info)
    qtbot.waitUntil(lambda: bool(dialogs))
    summary, details = dialogs[0]
    assert summary == "ValueError: boom"
    assert "Traceback" in details and "raise ValueError" in details
    record = next(r for r in caplog.records if r.name == "workaid.ui.errors")
    assert record.exc_info is not None
    assert window.problem_label.isHidden()


def test_install_and_uninstall_restore_the_previous_hook():
    before = sys.excepthook
    reporter = ErrorReporter()
    reporter.install()
    assert sys.excepthook == reporter.excepthook
    reporter.uninstall()
    assert sys.excepthook is before
