from __future__ import annotations

import pytest
from uihelpers import CONTENT

from workaid.core.content.library import Library


@pytest.fixture(scope="session")
def _qt_binding_ok():
    from workaid.ui.qtcheck import binding_problem

    return binding_problem()


@pytest.fixture(autouse=True)
def _sane_qt_binding(_qt_binding_ok):
    """Fail clearly instead of letting the interpreter abort half-way through the run."""
    if _qt_binding_ok:
        pytest.fail(_qt_binding_ok, pytrace=False)


@pytest.fixture(autouse=True)
def _styled_app(_sane_qt_binding, qapp):
    """The tests see the app as users do: same style, palette, font and stylesheet."""
    from workaid.ui.app import configure_app

    configure_app(qapp)
    yield


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path, bundled=CONTENT)
    lib.load_bundled()
    yield lib
    lib.close()


@pytest.fixture
def make_window(qtbot):
    """Build (and show) a main window over a library; every window is closed at the end."""
    from workaid.ui.app import build_window, settings_for

    made = []

    def make(lib: Library, show: bool = True, size: tuple[int, int] | None = None):
        window = build_window(lib, settings_for(lib.data_dir))
        qtbot.addWidget(window)
        made.append(window)
        if size:
            window.resize(*size)
        if show:
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()
            qtbot.waitUntil(lambda: window.isActiveWindow())
        return window

    yield make
    for window in made:
        window.close()


@pytest.fixture
def window(library, make_window, qtbot):
    w = make_window(library)
    # The first (empty-query) search lists every card.
    qtbot.waitUntil(lambda: w.model.rowCount() > 0)
    return w


@pytest.fixture
def open_workbench(qtbot, tmp_path):
    """Open (and show) a workbench on a folder; the tests answer its questions themselves."""
    from workaid.ui.workbench.window import DISCARD, WorkbenchWindow

    made = []

    def make(folder, data_dir=None, autosave_ms=3000):
        w = WorkbenchWindow(folder, data_dir or tmp_path / "data", autosave_ms=autosave_ms)
        w.ask_unsaved = lambda _path: DISCARD
        qtbot.addWidget(w)
        made.append(w)
        w.show()
        qtbot.waitExposed(w)
        qtbot.waitUntil(lambda: w.catalog is not None)
        return w

    yield make
    for w in made:
        w.shutdown()
