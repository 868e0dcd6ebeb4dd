"""Living with WorkAid on a second monitor: compact mode, always on top, zoom, light or
dark, a tray icon, and the cards pinned for the current call.

Each choice is a setting (core/settings.py: window.compact, window.on_top, window.zoom,
window.theme) read before the window first shows (MainWindow.restore_layout), so it
opens as it was left (a theme that follows the system is resolved just after); the
actions, their menu (the "View" button in the search bar) and the tray are built after
the first paint, like every other shortcut (workaid.ui.startup).

Compact mode is a narrow strip for a small corner of a screen: the search box and the
card; the results become a drop-down under the box while the rep types, and give the
space back to the card once one is opened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QToolButton

from workaid.core import paths
from workaid.core.settings import ZOOM_STEPS
from workaid.ui import theme
from workaid.ui.pins import PinBar, PinsModel

if TYPE_CHECKING:
    from workaid.ui.main_window import MainWindow

log = logging.getLogger("workaid.ui.modes")

DROPDOWN_MAX_ROWS = 8


def app_icon() -> QIcon:
    """WorkAid's icon (window, tray, .desktop entry): resources/icons/workaid.svg."""
    return QIcon(str(paths.resources_dir() / "icons" / "workaid.svg"))


def zoom_step(current: int, direction: int) -> int:
    """The next zoom level up (+1) or down (-1) from `current`; 0 resets to 100."""
    if direction == 0:
        return 100
    steps = list(ZOOM_STEPS)
    if current not in steps:
        current = min(steps, key=lambda s: abs(s - current))
    i = steps.index(current) + direction
    return steps[max(0, min(len(steps) - 1, i))]


class WindowModes(QObject):
    """The View menu's actions and what they switch."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.actions: dict[str, QAction] = {}
        self.compact = False
        self.tray: QSystemTrayIcon | None = None
        theme.current().choose(self.settings.get("window.theme"))  # "system" is resolved here
        self.pins = PinsModel(self)
        self.pin_bar = PinBar(self.pins, window.centralWidget())
        window.insert_over_card(self.pin_bar)
        self.pin_bar.chosen.connect(lambda cid: window.open_card(cid, keep_focus=True))
        window.cardOpened.connect(self.pin_bar.mark_open)
        self._build_actions()
        self._build_menu()
        self._build_tray()
        theme.on_change(self, lambda _dark: self._look_changed())
        window.search_box.textChanged.connect(self._follow_typing)
        window.search_box.installEventFilter(self)
        window.cardOpened.connect(lambda _cid: self._opened())
        central = window.centralWidget()
        assert central is not None  # MainWindow._build set it
        central.installEventFilter(self)
        # Kept here: the filter also sees events while the window is being destroyed.
        self._central, self._box, self._results = central, window.search_box, window.results
        self._typing = False  # the rep has typed since the last card was opened
        window.model.modelReset.connect(self._results_arrived)
        if self.settings.get("window.compact"):  # restore_layout put the window in it already
            self.compact = True
            self.actions["compact"].setChecked(True)

    # -- actions ---------------------------------------------------------------------------
    def _action(self, key: str, text: str, keys: tuple[str, ...], slot: object, checkable: bool = False) -> QAction:
        act = QAction(text, self.window)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        self.window.addAction(act)
        self.actions[key] = act
        return act

    def _build_actions(self) -> None:
        s = self.settings
        self._action("compact", "Compact mode", ("Ctrl+Shift+S",), self.set_compact, checkable=True)
        self._action("on_top", "Always on top", ("Ctrl+Shift+O",), self.set_on_top, checkable=True)
        self.actions["on_top"].setChecked(bool(s.get("window.on_top")))
        self._action("zoom_in", "Larger text", ("Ctrl+=", "Ctrl++"), lambda: self.zoom(+1))
        self._action("zoom_out", "Smaller text", ("Ctrl+-",), lambda: self.zoom(-1))
        self._action("zoom_reset", "Text size 100%", ("Ctrl+0",), lambda: self.zoom(0))
        group = QActionGroup(self)
        for choice, text in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            act = QAction(text, self.window)
            act.setCheckable(True)
            act.setChecked(theme.current().choice == choice)
            act.triggered.connect(lambda _checked=False, c=choice: self.set_theme(c))
            group.addAction(act)
            self.actions[f"theme_{choice}"] = act
        self._action("pin", "Pin the open card for this call", ("Ctrl+P",), self.pin_open_card)
        for n in range(1, 10):
            self._action(f"pin_{n}", f"Pinned card {n}", (f"Alt+{n}",), lambda _c=False, n=n: self.open_pin(n))
        desk = self.window.desk
        if desk is not None:
            desk.newCall.connect(self.pins.clear)

    def _build_menu(self) -> None:
        button = QToolButton(self.window)
        button.setObjectName("ViewMenuButton")
        button.setText("View")
        button.setAccessibleName("View menu")
        button.setToolTip("Compact mode, always on top, text size, light or dark, pinned cards")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        menu = QMenu(button)
        for key in ("compact", "on_top"):
            menu.addAction(self.actions[key])
        menu.addSeparator()
        for key in ("zoom_in", "zoom_out", "zoom_reset"):
            menu.addAction(self.actions[key])
        looks = menu.addMenu("Light or dark")
        for key in ("theme_system", "theme_light", "theme_dark"):
            looks.addAction(self.actions[key])
        menu.addSeparator()
        menu.addAction(self.actions["pin"])
        button.setMenu(menu)
        button.setFixedHeight(self.window.kind_filter.sizeHint().height())
        self.menu_button = button
        self.window.add_to_search_bar(button)

    def _build_tray(self) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return  # GNOME without an extension, a kiosk session: the window is all there is
        tray = QSystemTrayIcon(app_icon(), self)
        tray.setToolTip("WorkAid")
        menu = QMenu(self.window)
        show = menu.addAction("Show WorkAid")
        show.triggered.connect(lambda: self.window.come_forward(None))
        menu.addAction(self.actions["compact"])
        menu.addSeparator()
        quit_ = menu.addAction("Quit")
        quit_.triggered.connect(self.window.close)
        tray.setContextMenu(menu)
        tray.activated.connect(
            lambda reason: (
                self.window.come_forward(None) if reason == QSystemTrayIcon.ActivationReason.Trigger else None
            )
        )
        tray.show()
        self.tray = tray

    # -- always on top -------------------------------------------------------------------------
    def set_on_top(self, on: bool) -> None:
        w = self.window
        visible = w.isVisible()
        w.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, bool(on))
        if visible:
            w.show()  # changing a window flag hides the window
        self.actions["on_top"].setChecked(bool(on))
        self.settings.set("window.on_top", bool(on))
        self._keep()
        w.statusBar().showMessage("Always on top." if on else "No longer on top.", 4000)

    # -- zoom and theme --------------------------------------------------------------------------
    def zoom(self, direction: int) -> None:
        percent = zoom_step(self.settings.get("window.zoom"), direction)
        self.settings.set("window.zoom", percent)
        self._keep()
        theme.current().set_zoom(percent)
        self.window.statusBar().showMessage(f"Text size {percent}% (Ctrl+0: 100%).", 4000)

    def set_theme(self, choice: str) -> None:
        self.settings.set("window.theme", choice)
        self._keep()
        theme.current().choose(choice)
        self.actions[f"theme_{choice}"].setChecked(True)

    def _look_changed(self) -> None:
        self.window.results.doItemsLayout()  # row heights follow the font
        self.window.results.viewport().update()

    # -- pins ----------------------------------------------------------------------------------
    def pin_open_card(self) -> None:
        card = self.window.card_view.card
        status = self.window.statusBar()
        if card is None:
            status.showMessage("Open a card first: Ctrl+P pins the card on screen for this call.", 5000)
            return
        row = self.pins.pin(card.id, card.title)
        if row < 0:
            status.showMessage("Nine cards are pinned already: a new call (Ctrl+Shift+T) clears them.", 6000)
            return
        self.pin_bar.mark_open(card.id)
        status.showMessage(f"Pinned “{card.title}”: Alt+{row + 1} brings it back during this call.", 5000)

    def open_pin(self, n: int) -> None:
        if n > self.pins.rowCount():
            self.window.statusBar().showMessage(f"No card is pinned as {n}: Ctrl+P pins the open card.", 4000)
            return
        self.window.open_card(self.pins.index(n - 1, 0).data(PinsModel.IdRole), keep_focus=True)

    # -- compact mode ----------------------------------------------------------------------------
    def set_compact(self, on: bool, remember: bool = True) -> None:
        on = bool(on)
        if on == self.compact:
            self.actions["compact"].setChecked(on)
            return
        w = self.window
        if remember:
            w.layout_store.remember_place(self.compact)  # where the mode being left was
        self.compact = on
        self.actions["compact"].setChecked(on)
        self.settings.set("window.compact", on)
        w.set_results_docked(not on)
        w.kind_filter.setVisible(not on)
        w.layout_store.restore(compact=on)
        if not on:
            w.layout_store.reapply_split()
        self._hide_dropdown()
        w.focus_search()
        self._keep()

    def _keep(self) -> None:
        """Saved at once, not only when the window closes: a session ended by logging out
        (or a crash) keeps the rep's choice."""
        self.window.save_layout()

    def _follow_typing(self, text: str) -> None:
        self._typing = bool(text.strip())
        if self.compact:
            self._show_dropdown() if self._typing else self._hide_dropdown()

    def _results_arrived(self) -> None:
        if self.compact and self._typing and self._box.hasFocus():
            self._show_dropdown()  # as tall as the new results

    def _opened(self) -> None:
        self._typing = False
        self._hide_dropdown()

    def _show_dropdown(self) -> None:
        w = self.window
        results, central = w.results, w.centralWidget()
        box = w.search_box
        if central is None:
            return
        top_left = box.mapTo(central, box.rect().bottomLeft())
        row_h = max(results.sizeHintForRow(0), 40) if w.model.rowCount() else 48
        rows = max(1, min(DROPDOWN_MAX_ROWS, w.model.rowCount()))
        height = min(rows * row_h + 4, max(120, central.height() - top_left.y() - 8))
        width = max(box.width(), central.width() - 2 * top_left.x())  # the strip's width: titles need it
        results.setGeometry(QRect(top_left.x(), top_left.y() + 2, width, height))
        results.show()
        results.raise_()

    def _hide_dropdown(self) -> None:
        if self.compact:
            self._results.hide()

    def dropdown_visible(self) -> bool:
        return self.compact and self._results.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.compact:
            return False
        kind = event.type()
        if watched is self._box and kind == QEvent.Type.FocusOut:
            if QApplication.focusWidget() is not self._results:
                self._hide_dropdown()
            return False
        refit = watched is self._central and kind == QEvent.Type.Resize and self.dropdown_visible()
        if refit or (watched is self._box and kind == QEvent.Type.FocusIn and self._typing):
            self._show_dropdown()
        return False
