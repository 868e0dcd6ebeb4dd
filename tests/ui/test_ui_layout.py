"""Window layout: restored after a restart, and re-flowed for a narrow second-monitor strip."""

from __future__ import annotations

from PySide6.QtCore import Qt

from workaid.core.settings import Settings
from workaid.ui.app import PREFERENCES_FILE


def test_geometry_and_splitter_survive_a_restart(library, make_window, qtbot):
    # The offscreen screen is 800x600, and restoreGeometry keeps a window on its screen.
    first = make_window(library, size=(780, 560))
    qtbot.waitUntil(lambda: first.width() == 780)
    first.splitter.setSizes([300, first.splitter.width() - 300 - first.splitter.handleWidth()])
    sizes = first.splitter.sizes()
    assert first.splitter.orientation() == Qt.Orientation.Horizontal
    first.close()

    saved = Settings(library.data_dir / PREFERENCES_FILE)
    assert saved.get("window.geometry") and saved.get("window.splitter")

    second = make_window(library)
    qtbot.waitUntil(lambda: second.splitter.sizes() == sizes)
    assert (second.width(), second.height()) == (780, 560)
    assert second.splitter.orientation() == Qt.Orientation.Horizontal


def test_narrow_window_puts_the_card_under_the_results(library, make_window, qtbot):
    w = make_window(library, size=(480, 900))
    qtbot.waitUntil(lambda: w.width() == 480)
    assert w.splitter.orientation() == Qt.Orientation.Vertical
    # w.card_view first: it is built on first use if the first results are not painted yet.
    assert w.card_view is w.splitter.widget(1) and w.splitter.widget(0) is w.results
    qtbot.waitUntil(lambda: min(w.splitter.sizes()) > 100)

    w.resize(1280, 800)
    qtbot.waitUntil(lambda: w.splitter.orientation() == Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: w.splitter.sizes()[0] > 0 and 0.3 < w.splitter.sizes()[0] / sum(w.splitter.sizes()) < 0.5)


def test_narrow_splitter_is_remembered_separately(library, make_window, qtbot):
    w = make_window(library, size=(480, 580))  # fits the 800x600 offscreen screen
    qtbot.waitUntil(lambda: w.splitter.orientation() == Qt.Orientation.Vertical and min(w.splitter.sizes()) > 100)
    total = sum(w.splitter.sizes())
    w.splitter.setSizes([250, total - 250])
    narrow_sizes = w.splitter.sizes()
    w.close()
    again = make_window(library)
    qtbot.waitUntil(lambda: again.splitter.orientation() == Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: again.splitter.sizes() == narrow_sizes)


def test_widgets_have_accessible_names(window):
    assert window.windowTitle() == "WorkAid"
    for widget in (window.search_box, window.kind_filter, window.results, window.card_view):
        assert widget.accessibleName(), widget
    assert window.search_box.placeholderText() == "Search cards — Ctrl+K"
    assert window.search_box.isClearButtonEnabled()
    assert [window.kind_filter.itemText(i) for i in range(window.kind_filter.count())] == [
        "All kinds",
        "Guideline",
        "Script",
        "Checklist",
        "Contact",
        "Scenario",
    ]
