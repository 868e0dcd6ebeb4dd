"""The lists of the workbench's Feedback and Report views, one model each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from workaid.core.feedback.report import FlagRow, QueryRow

_Index = QModelIndex | QPersistentModelIndex

REASON_WORDS = {
    "wrong": "Wrong",
    "unclear": "Unclear",
    "out-of-date": "Out of date",
    "missing": "Something missing",
    "other": "Other",
}
STATUS_WORDS = {"open": "Open", "fixed": "Fixed", "answered": "Answered"}


class FlagsModel(QAbstractTableModel):
    """Reps' flags, identical ones together: card, reason, comment, desks, version, status."""

    RowRole = Qt.ItemDataRole.UserRole + 1  # the FlagRow
    CardRole = Qt.ItemDataRole.UserRole + 2
    StatusRole = Qt.ItemDataRole.UserRole + 3
    HEADERS = ("Card", "Reason", "Comment", "Desks", "Flagged on", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[FlagRow] = []

    def set_rows(self, rows: Sequence[FlagRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> FlagRow | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == self.RowRole:
            return r
        if role == self.CardRole:
            return r.card
        if role == self.StatusRole:
            return r.status
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            col = index.column()
            if col == 0:
                return r.title or r.card
            if col == 1:
                return REASON_WORDS.get(r.reason, r.reason)
            if col == 2:
                return r.comment or "—"
            if col == 3:
                return str(r.desks)
            if col == 4:
                latest = f" (now {r.current_version})" if r.current_version and r.current_version != r.version else ""
                return f"version {r.version}{latest}"
            if col == 5:
                return r.answer if r.status != "open" and r.answer else STATUS_WORDS.get(r.status, r.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return {
            **super().roleNames(),
            self.RowRole: QByteArray(b"flag"),
            self.CardRole: QByteArray(b"card"),
            self.StatusRole: QByteArray(b"status"),
        }


class QueriesModel(QAbstractListModel):
    """Searches that found nothing (shown only when two desks or more typed them)."""

    QueryRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[QueryRow] = []

    def set_rows(self, rows: Sequence[QueryRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"“{r.query}”   {r.times}× by {r.desks} desks"
        if role == self.QueryRole:
            return r.query
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return {**super().roleNames(), self.QueryRole: QByteArray(b"query")}
