"""The query field: it owns the keyboard, and the arrow and page keys move through the
results instead of the text, so a rep never leaves it to choose a card."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = LazyQt(globals())

# The keys that bring the keyboard back to the search box from anywhere in the window.
FOCUS_KEYS = ("Ctrl+K", "Ctrl+L", "F3")


@functools.cache
def nav_keys() -> tuple[Qt.Key, ...]:
    return (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def _matches_focus_key(event: QKeyEvent) -> bool:
    from PySide6.QtGui import QKeySequence

    pressed = QKeySequence(event.keyCombination())
    return any(pressed.matches(QKeySequence(k)) == QKeySequence.SequenceMatch.ExactMatch for k in FOCUS_KEYS)


class SearchBox(QLineEdit):
    navigate = Signal(int)  # a Qt.Key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SearchBox")
        self.setPlaceholderText("Search cards — Ctrl+K")
        # The clear button (only shown once there is text) is added after the first paint.
        self.setAccessibleName("Search cards")
        self.setAccessibleDescription("Type to search. Up and Down choose a result, Enter opens it, Escape clears.")
        self.setMaxLength(256)

    def event(self, e: QEvent) -> bool:
        # Ctrl+K is "delete to end of line" in a Unix line edit; here it belongs to the window.
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and _matches_focus_key(e):
            e.ignore()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if e.key() in nav_keys() and mods == Qt.KeyboardModifier.NoModifier:
            self.navigate.emit(e.key())
            e.accept()
            return
        super().keyPressEvent(e)
