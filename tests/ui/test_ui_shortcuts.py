"""Ctrl+K, Ctrl+L and F3 bring the keyboard back to the search box from anywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from uihelpers import type_slowly


@pytest.mark.parametrize(
    "key, modifier",
    [
        (Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier),
    ],
)
def test_focus_keys_from_the_card_view(window, qtbot, key, modifier):
    box = window.search_box
    type_slowly(qtbot, box, "refund")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "refund")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    window.card_view.setFocus()
    qtbot.waitUntil(lambda: window.card_view.hasFocus())

    qtbot.keyClick(window.card_view, key, modifier)
    assert box.hasFocus()
    assert box.selectedText() == "refund"  # typing now replaces the old query


def test_ctrl_k_in_the_box_selects_instead_of_deleting(window, qtbot):
    box = window.search_box
    type_slowly(qtbot, box, "supervisor")
    box.setCursorPosition(3)
    qtbot.keyClick(box, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == "supervisor"
    assert box.selectedText() == "supervisor"


def test_focus_keys_from_the_kind_filter(window, qtbot):
    window.kind_filter.setFocus()
    qtbot.waitUntil(lambda: window.kind_filter.hasFocus())
    qtbot.keyClick(window.kind_filter, Qt.Key.Key_F3)
    assert window.search_box.hasFocus()
