"""Pieces the rep window's small dialogs share (the shortcut list, the whole status text)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QWidget


def close_row(dialog: QDialog, back_to: QWidget) -> QHBoxLayout:
    """The "Close  Esc" button at the right of a row; once the dialog is closed, however,
    the keyboard goes back to `back_to` (the window the rep was typing in)."""
    row = QHBoxLayout()
    row.addStretch(1)
    close = QPushButton("Close  Esc", dialog)
    close.setObjectName("SecondaryButton")
    close.setAccessibleName("Close")
    close.setAutoDefault(False)
    close.clicked.connect(dialog.reject)
    dialog.finished.connect(lambda _result: back_to.activateWindow())
    row.addWidget(close)
    return row
