"""Living with WorkAid on a second monitor: compact mode, always on top, zoom, dark theme,
pinned cards, the place on screen, and one window per session."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from deskhelpers import Keyboard
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from workaid.ui import theme
from workaid.ui.pins import PinsModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def light_again():
    """The look is the application's: every test leaves it light and at 100%."""
    yield
    look = theme.current()
    look.choose("light")
    look.set_zoom(100)


def ready(window, qtbot):
    qtbot.waitUntil(lambda: window.modes is not None and window.model.rowCount() > 0, timeout=10000)
    return window.modes


def test_pins_model(qtmodeltester):
    model = PinsModel()
    model.pin("late-fee-waiver", "Waiving a late-payment fee")
    model.pin("escalation-checklist", "Escalation checklist")
    qtmodeltester.check(model)
    assert model.index(1, 0).data(PinsModel.KeyRole) == "Alt+2"


# -- compact mode -------------------------------------------------------------------------------
def test_compact_mode_is_a_strip_with_the_results_as_a_drop_down(window, qtbot):
    modes = ready(window, qtbot)
    keys = Keyboard(qtbot)
    keys.ctrl_shift(Qt.Key.Key_S)
    assert modes.compact and window.settings.get("window.compact")
    assert window.width() <= 480
    assert window.splitter.indexOf(window.results) < 0  # the card has the whole height
    assert not window.kind_filter.isVisible()
    qtbot.keyClicks(window.search_box, "late fee")
    qtbot.waitUntil(lambda: window.results.isVisible() and window.model.rowCount() > 0, timeout=5000)
    box_bottom = window.search_box.mapTo(window, window.search_box.rect().bottomLeft()).y()
    assert window.results.mapTo(window, window.results.rect().topLeft()).y() >= box_bottom
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.card_view.card is not None)
    assert not window.results.isVisible()  # the card gets the space back
    assert window.search_box.hasFocus()

    keys.ctrl_shift(Qt.Key.Key_S)
    assert not modes.compact
    assert window.splitter.indexOf(window.results) == 0 and window.results.isVisible()
    assert window.kind_filter.isVisible()


def test_compact_mode_and_its_place_are_remembered(library, make_window, qtbot):
    w = make_window(library)
    ready(w, qtbot)
    w.modes.set_compact(True)
    w.move(40, 30)
    w.close()
    again = make_window(library)
    assert again.splitter.indexOf(again.results) < 0 and again.width() <= 480
    ready(again, qtbot)
    assert again.modes.compact and again.modes.actions["compact"].isChecked()


# -- always on top ---------------------------------------------------------------------------------
def test_always_on_top_toggles_and_is_remembered(library, make_window, qtbot):
    w = make_window(library)
    ready(w, qtbot)
    Keyboard(qtbot).ctrl_shift(Qt.Key.Key_O)
    assert w.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert w.isVisible()  # changing the flag hid it; it is shown again
    w.close()
    again = make_window(library)
    assert again.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    ready(again, qtbot)
    again.modes.set_on_top(False)
    assert not again.windowFlags() & Qt.WindowType.WindowStaysOnTopHint


# -- zoom --------------------------------------------------------------------------------------------
def test_zoom_keys_scale_the_text_and_are_remembered(library, make_window, qtbot):
    w = make_window(library)
    ready(w, qtbot)
    assert w.open_card("late-fee-waiver")
    base = QApplication.font().pointSizeF()
    keys = Keyboard(qtbot)
    keys.ctrl(Qt.Key.Key_Equal)
    keys.ctrl(Qt.Key.Key_Equal)
    assert w.settings.get("window.zoom") == 125
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
    assert "18.8pt" in w.card_view.document().defaultStyleSheet()  # the title's 15pt, zoomed
    assert "Text size 125%" in w.statusBar().currentMessage()
    keys.ctrl(Qt.Key.Key_Minus)
    assert w.settings.get("window.zoom") == 110
    w.close()
    again = make_window(library)
    assert theme.current().zoom == 110
    ready(again, qtbot)
    Keyboard(qtbot).ctrl(Qt.Key.Key_0)
    assert again.settings.get("window.zoom") == 100
    assert QApplication.font().pointSizeF() == pytest.approx(base)


# -- light or dark -------------------------------------------------------------------------------------
def lightness(color) -> float:
    return color.lightnessF()


def test_dark_theme_turns_every_surface_over_and_keeps_text_readable(window, qtbot):
    modes = ready(window, qtbot)
    assert window.open_card("late-fee-waiver")
    modes.set_theme("dark")
    palette = QApplication.palette()
    assert lightness(palette.color(QPalette.ColorRole.Window)) < 0.3
    assert lightness(palette.color(QPalette.ColorRole.WindowText)) > 0.7
    assert "#ffffff" not in QApplication.instance().styleSheet().lower()  # white surfaces went dark
    css = window.card_view.document().defaultStyleSheet()
    assert "#1d232b" not in css  # the body's dark text colour was turned over
    assert window.settings.get("window.theme") == "dark"
    # The card's own words never change: only colours in styles do.
    assert "£12" in window.card_view.toPlainText()
    modes.set_theme("light")
    assert lightness(QApplication.palette().color(QPalette.ColorRole.Window)) > 0.9


def test_the_system_theme_is_followed_live(window, qtbot):
    modes = ready(window, qtbot)
    modes.set_theme("system")
    hints = QGuiApplication.styleHints()
    if not hasattr(hints, "setColorScheme"):
        pytest.skip("this Qt cannot set its colour scheme (Qt 6.8+ can)")
    hints.setColorScheme(Qt.ColorScheme.Dark)
    if hints.colorScheme() != Qt.ColorScheme.Dark:
        hints.unsetColorScheme()
        pytest.skip("this platform plugin does not let the colour scheme be set")
    try:
        qtbot.waitUntil(lambda: theme.current().dark, timeout=3000)
        hints.setColorScheme(Qt.ColorScheme.Light)
        qtbot.waitUntil(lambda: not theme.current().dark, timeout=3000)
    finally:
        hints.unsetColorScheme()


def test_following_the_system_switches_when_the_desktop_does(window, qtbot, monkeypatch):
    """What the desktop's colour-scheme signal calls, with the desktop's answer faked (the
    offscreen platform has no desktop to ask)."""
    modes = ready(window, qtbot)
    look = theme.current()
    desktop = {"dark": False}
    monkeypatch.setattr(type(look), "system_is_dark", lambda self: desktop["dark"])
    modes.set_theme("system")
    assert not look.dark
    desktop["dark"] = True
    look._follow_system()
    assert look.dark and QApplication.palette().color(QPalette.ColorRole.Window).lightnessF() < 0.3
    modes.set_theme("light")  # a fixed choice no longer follows
    look._follow_system()
    assert not look.dark


def test_dark_colours_keep_their_contrast():
    for fg, bg in (("#17202a", "#ffffff"), ("#1a1400", "#ffe58a"), ("#1f4e8c", "#e4eefb")):
        dark_fg, dark_bg = theme.dark_hex(fg), theme.dark_hex(bg)
        assert theme.QColor(dark_fg).lightnessF() > theme.QColor(dark_bg).lightnessF() + 0.4, (fg, bg)


# -- pinned cards ---------------------------------------------------------------------------------------
def test_pinned_cards_switch_with_alt_digits_and_a_new_call_clears_them(window, qtbot):
    modes = ready(window, qtbot)
    keys = Keyboard(qtbot)
    for card_id in ("late-fee-waiver", "escalation-checklist", "script-apology-rep"):
        assert window.open_card(card_id)
        keys.ctrl(Qt.Key.Key_P)
    assert modes.pins.ids() == ["late-fee-waiver", "escalation-checklist", "script-apology-rep"]
    assert modes.pin_bar.isVisible() and len(modes.pin_bar.buttons) == 3
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.card_view.card.id == "late-fee-waiver"
    assert modes.pin_bar.buttons[0].isChecked() and not modes.pin_bar.buttons[2].isChecked()
    keys.press(Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.card_view.card.id == "script-apology-rep"
    keys.press(Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)  # nothing pinned there: said, not silent
    assert "No card is pinned as 5" in window.statusBar().currentMessage()
    keys.ctrl_shift(Qt.Key.Key_T)  # new call
    assert modes.pins.rowCount() == 0 and not modes.pin_bar.isVisible()


# -- the place on screen ---------------------------------------------------------------------------------
def test_a_place_on_a_monitor_that_is_gone_is_never_restored_off_screen(library, make_window, qtbot):
    w = make_window(library)
    ready(w, qtbot)
    w.move(4200, 2600)  # on a monitor that was to the right
    w.close()
    again = make_window(library)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    frame = again.frameGeometry()
    assert screen.contains(frame) or screen.intersected(frame).width() >= min(frame.width(), screen.width()) - 2
    assert screen.contains(frame.topLeft())  # the title bar is where the rep can reach it


def test_the_window_is_remembered_per_set_of_monitors(library, make_window, qtbot, monkeypatch):
    from workaid.ui import layout

    def on(setup: str) -> None:
        monkeypatch.setattr(layout, "screens_key", lambda compact=False: setup + ("|compact" if compact else ""))

    on("docked")
    w = make_window(library)
    ready(w, qtbot)
    w.resize(700, 500)
    w.close()
    on("laptop")
    laptop = make_window(library)  # a set-up never seen: the last place, kept on screen
    ready(laptop, qtbot)
    laptop.resize(520, 610)
    laptop.close()
    on("docked")
    docked = make_window(library)
    assert (docked.width(), docked.height()) == (700, 500)
    docked.close()
    on("laptop")
    assert (make_window(library).width(), make_window(library).height()) == (520, 610)


# -- one window per session ---------------------------------------------------------------------------------
@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no window manager
def test_a_second_start_raises_the_running_window_with_its_search(window, qtbot, tmp_path, monkeypatch):
    from workaid.ui import single_instance
    from workaid.ui.single_instance_server import install

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    data = Path(window.library.data_dir)
    primary = single_instance.claim(data)
    assert primary is not None and primary.lock is not None
    server = install(window, primary, window.come_forward)
    assert server.listening
    window.search_box.clear()
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    second = subprocess.Popen(
        [sys.executable, "-m", "workaid", "--data-dir", str(data), "--search", "fee waiver"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=20000)
    out, err = second.communicate()
    assert second.returncode == 0, err.decode()
    assert window.search_box.text() == "fee waiver"
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 and window.search_box.hasFocus(), timeout=5000)
    server.close()


def test_a_socket_left_by_a_crashed_window_does_not_stop_the_next_start(qtbot, tmp_path, monkeypatch):
    from workaid.ui import single_instance
    from workaid.ui.single_instance_server import InstanceServer

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    where = single_instance.address(tmp_path / "data")
    Path(where.path).write_bytes(b"")  # what a killed window leaves behind
    primary = single_instance.claim(tmp_path / "data", wait=0.2)
    assert primary is not None and primary.lock is not None  # nobody answered: this one runs
    server = InstanceServer(primary)
    assert server.listen()
    got: list[object] = []
    server.requested.connect(got.append)
    answered: list[bool] = []
    client = threading.Thread(
        target=lambda: answered.append(single_instance.hand_off(where, single_instance.message("ceo")))
    )
    client.start()  # the client blocks; the server needs this thread's event loop
    qtbot.waitUntil(lambda: bool(answered), timeout=5000)
    client.join()
    assert answered == [True] and got == [{"cmd": "show", "search": "ceo"}]
    server.close()


def test_a_malformed_request_is_ignored_with_a_log_line(caplog):
    from workaid.ui import single_instance

    assert single_instance.parse(b"not json") is None
    assert single_instance.parse(b'{"v": 99, "cmd": "show"}') is None
    assert single_instance.parse(b'{"v": 1, "cmd": "show", "search": "late fee"}') == {
        "cmd": "show",
        "search": "late fee",
    }
    assert "ignored" in caplog.text


@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "This plugin does not support raise")  # offscreen: no tray, no WM
def test_the_tray_offers_show_compact_and_quit_where_a_tray_exists(library, make_window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QSystemTrayIcon

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    w = make_window(library)
    modes = ready(w, qtbot)
    assert modes.tray is not None and not modes.tray.icon().isNull()
    texts = [a.text() for a in modes.tray.contextMenu().actions() if not a.isSeparator()]
    assert texts == ["Show WorkAid", "Compact mode", "Quit"]
    w.showMinimized()
    modes.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    qtbot.waitUntil(lambda: not w.isMinimized())
    assert w.search_box.hasFocus()


def test_without_a_tray_there_is_no_tray_icon(window, qtbot):
    from PySide6.QtWidgets import QSystemTrayIcon

    modes = ready(window, qtbot)
    assert (modes.tray is not None) == QSystemTrayIcon.isSystemTrayAvailable()
    assert not window.windowIcon().isNull()  # the window has WorkAid's icon either way
