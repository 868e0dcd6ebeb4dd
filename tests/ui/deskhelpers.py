"""Driving the escalation desk like a rep: every key goes to whatever has the keyboard,
and every key pressed is counted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning: every team in the bundled directory is open.
WED_1110 = dt.datetime(2026, 11, 25, 11, 10, tzinfo=LONDON)


class Keyboard:
    """Presses keys on the focused widget (as a real keyboard does) and counts them."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def target(self):
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard"
        return widget

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, times: int = 1
    ) -> None:
        for _ in range(times):
            self.qtbot.keyClick(self.target(), key, modifier)
            self.count += 1
            self.qtbot.wait(1)

    def type(self, text: str) -> None:
        for ch in text:
            self.qtbot.keyClicks(self.target(), ch)
            self.count += 1
            self.qtbot.wait(1)

    def ctrl(self, key: Qt.Key) -> None:
        self.press(key, Qt.KeyboardModifier.ControlModifier)

    def ctrl_shift(self, key: Qt.Key) -> None:
        self.press(key, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def desk_of(window, qtbot, clock=WED_1110):
    """The window's escalation desk once it is built, on a fixed clock."""
    qtbot.waitUntil(lambda: window.desk is not None)
    desk = window.desk
    if clock is not None:
        desk.set_clock(lambda: clock)
    return desk


def focused():
    return QApplication.focusWidget()


def publish_new_version(library, card_id: str, old: str, new: str, author: str, at: str, note: str = ""):
    """A newer version of a bundled fee card arriving as a sync does: through the store,
    with its pack history (the text is the card's current one with `old` replaced)."""
    from uihelpers import CONTENT

    from workaid.core.content.cards import parse_card

    current = library.card(card_id)
    raw = library.version_raw(card_id, current.version) or (CONTENT / "fees" / f"{card_id}.md").read_text(
        encoding="utf-8"
    )
    changed = raw.replace(old, new)
    assert changed != raw
    card = parse_card(changed.encode(), f"fees/{card_id}.md").card
    assert card is not None
    version = current.version + 1
    entry = {"version": version, "sha256": card.sha256, "author": author, "published_at": at, "note": note}
    library.store.apply([card], [], {card_id: changed}, "share", history={card_id: [entry]})
