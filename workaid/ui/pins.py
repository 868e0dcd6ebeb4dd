"""Cards pinned for the current call: the rep keeps the fee card, the checklist and the
script a keystroke apart (Alt+1 … Alt+9) while the search box is free for the next
question. A new call (the desk's Ctrl+Shift+T) clears them: pins belong to one call.

The pins are a list model (named roles, qtmodeltester-checked); the bar over the card
is a row of buttons drawn from it, and is hidden while there are none.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

MAX_PINS = 9
PIN_TITLE_CHARS = 28  # the whole title is the button's tooltip and accessible name
Index = QModelIndex | QPersistentModelIndex


class PinsModel(QAbstractListModel):
    """(card id, title) pinned, in the order they were pinned."""

    IdRole = Qt.ItemDataRole.UserRole + 1
    KeyRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._pins: list[tuple[str, str]] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._pins)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._pins):
            return None
        card_id, title = self._pins[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{title} (Alt+{index.row() + 1})"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Pinned card {index.row() + 1}: {title}, Alt+{index.row() + 1}"
        if role == self.IdRole:
            return card_id
        if role == self.KeyRole:
            return f"Alt+{index.row() + 1}"
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return {**super().roleNames(), self.IdRole: QByteArray(b"cardId"), self.KeyRole: QByteArray(b"key")}

    def ids(self) -> list[str]:
        return [cid for cid, _ in self._pins]

    def pin(self, card_id: str, title: str) -> int:
        """Pin a card (once); its row, or -1 when all nine places are taken."""
        ids = self.ids()
        if card_id in ids:
            return ids.index(card_id)
        if len(self._pins) >= MAX_PINS:
            return -1
        row = len(self._pins)
        self.beginInsertRows(QModelIndex(), row, row)
        self._pins.append((card_id, title))
        self.endInsertRows()
        return row

    def unpin(self, card_id: str) -> bool:
        ids = self.ids()
        if card_id not in ids:
            return False
        row = ids.index(card_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._pins[row]
        self.endRemoveRows()
        return True

    def clear(self) -> None:
        if not self._pins:
            return
        self.beginResetModel()
        self._pins.clear()
        self.endResetModel()


class PinBar(QWidget):
    """The pinned cards over the card view: one button each, the open one checked."""

    chosen = Signal(str)  # card id

    def __init__(self, model: PinsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinBar")
        self.model = model
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(14, 4, 14, 4)
        self._layout.setSpacing(6)
        self._label = QLabel("Pinned:", self)
        self._label.setObjectName("PinLabel")
        self.buttons: list[QPushButton] = []
        self.current: str | None = None
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._rebuild)
        self._rebuild()

    def _rebuild(self, *_args: object) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None and w is not self._label:
                w.deleteLater()
        self.buttons = []
        self._layout.addWidget(self._label)
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            card_id = index.data(PinsModel.IdRole)
            title = str(index.data())
            short = title if len(title) <= PIN_TITLE_CHARS else title[: PIN_TITLE_CHARS - 1].rstrip() + "…"
            button = QPushButton(f"{row + 1}  {short}", self)
            button.setObjectName("PinButton")
            button.setCheckable(True)
            button.setChecked(card_id == self.current)
            button.setToolTip(index.data(Qt.ItemDataRole.ToolTipRole))
            button.setAccessibleName(index.data(Qt.ItemDataRole.AccessibleTextRole))
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, cid=card_id: self.chosen.emit(cid))
            self._layout.addWidget(button)
            self.buttons.append(button)
        self._layout.addStretch(1)
        self.setVisible(bool(self.buttons))

    def mark_open(self, card_id: str | None) -> None:
        self.current = card_id
        for row, button in enumerate(self.buttons):
            button.setChecked(self.model.index(row, 0).data(PinsModel.IdRole) == card_id)
