"""What the desk needs of the window it sits in, and nothing more.

The main window builds the desk and passes itself in; the desk knows it only through
this protocol, so neither module imports the other (an import-linter contract in
pyproject.toml holds that), and a test can host the desk in any window that has these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QObject, SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QComboBox, QLineEdit, QStatusBar, QWidget

    from workaid.core.content.library import Library
    from workaid.core.settings import Settings
    from workaid.ui.card_view import CardView


class DeskHost(Protocol):
    @property
    def library(self) -> Library: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def search_box(self) -> QLineEdit: ...

    @property
    def kind_filter(self) -> QComboBox: ...

    @property
    def cardOpened(self) -> SignalInstance: ...  # a card id, each time one is shown

    @property
    def card_view(self) -> CardView: ...

    def open_card(self, card_id: str, keep_focus: bool = True) -> bool: ...

    def add_to_search_bar(self, widget: QWidget) -> None: ...  # after the kind filter

    def report_problem(self, message: str, retry: Callable[[], object] | None = None) -> None: ...

    # The window as a widget: the parent of the desk and its dialogs, its keys, its status
    # bar and its size. (QWidget.window() of a top-level window is the window itself.)
    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def addAction(self, action: QAction, /) -> None: ...

    def setTabOrder(self, first: QWidget, second: QWidget, /) -> None: ...

    def installEventFilter(self, filter: QObject, /) -> None: ...

    def event(self, event: QEvent, /) -> bool: ...

    def width(self) -> int: ...

    def isActiveWindow(self) -> bool: ...

    def activateWindow(self) -> None: ...
