"""A contact card's directory entry: topic, team, channel, direct contact, hours in
the team's time zone, and whether they are open now (checked every half minute)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workaid.core.desk.routing import Contact
from workaid.ui.desk.common import DeskPanel, Message, copy_to_clipboard, set_tone

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

REFRESH_MS = 30_000


class ContactPanel(DeskPanel):
    title = "Contact"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ContactPanel")
        self.desk = desk
        self.contact: Contact | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        head = QHBoxLayout()
        self.team = QLabel(self)
        self.team.setObjectName("DeskTitle")
        self.team.setAccessibleName("Team")
        self.now = QLabel(self)
        self.now.setObjectName("OpenNow")
        self.now.setAccessibleName("Open now")
        head.addWidget(self.team)
        head.addStretch(1)
        head.addWidget(self.now)
        outer.addLayout(head)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.values: dict[str, QLabel] = {}
        for row, (key, name) in enumerate(
            (("topics", "Topics"), ("channel", "Channel"), ("direct", "Direct contact"), ("hours", "Hours"))
        ):
            k = QLabel(name, self)
            k.setObjectName("FieldLabel")
            v = QLabel(self)
            v.setObjectName("FieldValue")
            v.setWordWrap(True)
            v.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            v.setAccessibleName(name)
            grid.addWidget(k, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(v, row, 1)
            self.values[key] = v
        grid.setColumnStretch(1, 1)
        outer.addLayout(grid)

        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy direct contact  Ctrl+Shift+C", self)
        self.copy_button.setObjectName("SecondaryButton")
        self.copy_button.setAccessibleName("Copy the direct contact")
        self.copy_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.use_button = QPushButton("&Use for the hand-off", self)
        self.use_button.setObjectName("SecondaryButton")
        self.use_button.setAccessibleName("Use this team for the hand-off")
        self.use_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.use_button.setAccessibleDescription("Make this team the one the call is handed over to")
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.use_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.message = Message(self, "Contact message")
        outer.insertWidget(1, self.message)  # under the title: in view even when the panel scrolls

        self.copy_button.clicked.connect(self.copy)
        self.use_button.clicked.connect(self.use_for_handoff)
        self._tick = QTimer(self)
        self._tick.setInterval(REFRESH_MS)
        self._tick.timeout.connect(self.refresh_now)

    def show_card(self, card: Any) -> None:
        self.contact = Contact.from_card(card)
        c = self.contact
        self.team.setText(c.team)
        self.values["topics"].setText(c.topics_text or "—")
        self.values["channel"].setText(c.channel_label or "—")
        self.values["direct"].setText(c.direct or "—")
        self.values["hours"].setText(html.escape(c.hours_text))
        self.message.clear_message()
        self.refresh_now()
        self._tick.start()
        self.resized.emit()

    def refresh_now(self) -> None:
        if self.contact is None:
            return
        now = self.desk.clock()
        c = self.contact
        is_open = c.open_at(now)
        self.now.setText(c.now_text(now))
        if c.hours is not None:
            there = now.astimezone(c.hours.tz)
            self.values["hours"].setText(html.escape(f"{c.hours_text} — {there:%a %H:%M} there now"))
        set_tone(self.now, "ok" if is_open else ("warn" if is_open is False else "info"))

    def hideEvent(self, e: QHideEvent) -> None:
        self._tick.stop()
        super().hideEvent(e)

    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        if self.contact is not None:
            self.refresh_now()
            self._tick.start()

    def focus_chain(self) -> list[QWidget]:
        return [self.copy_button, self.use_button]

    def copy(self) -> bool:
        if self.contact is None or not self.contact.direct:
            return False
        copy_to_clipboard(self.contact.direct)
        self.message.say(f"Copied {self.contact.team}'s direct contact.", "ok")
        return True

    def use_for_handoff(self) -> None:
        if self.contact is None:
            return
        self.desk.session.set_target(self.contact)
        self.desk.call_changed()
        self.message.say(f"{self.contact.team} will take the hand-off (Ctrl+H writes the note).", "ok")
