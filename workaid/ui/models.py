"""Qt item models over core search responses. No search logic here: the model only
exposes what workaid.core.content.search returned, under named roles."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
)

from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from workaid.core.content.search import Response, Result
else:
    Qt = LazyQt(globals())  # the model is built before the first paint; see workaid.ui.lazy

_ROOT = QModelIndex()
# Fixed values of Qt.ItemDataRole, spelled out so that defining the model needs no Qt enum.
_DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole
_USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole

KIND_LABELS = {
    "guideline": "Guideline",
    "script": "Script",
    "checklist": "Checklist",
    "contact": "Contact",
    "scenario": "Scenario",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.capitalize())


def review_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def is_stale(value: str | None, today: dt.date | None = None) -> bool:
    """Same rule as StoredCard.is_stale: the review date has passed."""
    date = review_date(value)
    return date is not None and date < (today or dt.date.today())


def human_date(date: dt.date) -> str:
    return f"{date.day} {date:%b %Y}"


class ResultsModel(QAbstractListModel):
    """The results of the latest search, one row per card."""

    IdRole = _USER_ROLE + 1
    TitleRole = _USER_ROLE + 2
    KindRole = _USER_ROLE + 3
    TagsRole = _USER_ROLE + 4
    SummaryRole = _USER_ROLE + 5
    SnippetRole = _USER_ROLE + 6
    StaleRole = _USER_ROLE + 7
    ReviewByRole = _USER_ROLE + 8
    SnippetPartsRole = _USER_ROLE + 9

    _ROLE_NAMES: ClassVar[dict[int, bytes]] = {
        IdRole: b"id",
        TitleRole: b"title",
        KindRole: b"kind",
        TagsRole: b"tags",
        SummaryRole: b"summary",
        SnippetRole: b"snippet",
        StaleRole: b"stale",
        ReviewByRole: b"reviewBy",
        SnippetPartsRole: b"snippetParts",
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._results: tuple[Result, ...] = ()
        self._stale: tuple[bool, ...] = ()
        self._response: Response | None = None

    # -- feeding ------------------------------------------------------------
    def set_response(self, response: Response) -> None:
        self.beginResetModel()
        self._response = response
        self._results = tuple(response.results)
        today = dt.date.today()
        self._stale = tuple(is_stale(r.review_by, today) for r in self._results)
        self.endResetModel()

    @property
    def response(self) -> Response | None:
        return self._response

    def result(self, row: int) -> Result | None:
        if 0 <= row < len(self._results):
            return self._results[row]
        return None

    def row_of(self, card_id: str) -> int:
        for i, r in enumerate(self._results):
            if r.id == card_id:
                return i
        return -1

    # -- Qt model -------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self._results)

    def roleNames(self) -> dict[int, QByteArray]:
        names = {Qt.ItemDataRole.DisplayRole: b"display", Qt.ItemDataRole.ToolTipRole: b"toolTip", **self._ROLE_NAMES}
        return {int(k): QByteArray(v) for k, v in names.items()}

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY_ROLE):
        if not index.isValid() or index.parent().isValid() or index.column() != 0:
            return None
        row = index.row()
        if not 0 <= row < len(self._results):
            return None
        r = self._results[row]
        if role in (Qt.ItemDataRole.DisplayRole, self.TitleRole):
            return r.title
        if role == self.IdRole:
            return r.id
        if role == self.KindRole:
            return r.kind
        if role == self.TagsRole:
            return list(r.tags)
        if role == self.SummaryRole:
            return r.summary
        if role == self.SnippetRole:
            from html import escape  # not at start-up: ~2 ms to import

            return r.snippet.marked("<b>", "</b>", escape)
        if role == self.SnippetPartsRole:
            return r.snippet.parts
        if role == self.StaleRole:
            return self._stale[row]
        if role == self.ReviewByRole:
            return r.review_by or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, self._stale[row])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [r.title, kind_label(r.kind)]
            if self._stale[row]:
                parts.append("stale")
            return ", ".join(parts)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return r.summary or r.snippet.text
        return None

    @staticmethod
    def _tooltip(r: Result, stale: bool) -> str:
        from html import escape

        lines = [f"<b>{escape(r.title)}</b>", escape(kind_label(r.kind))]
        if r.summary:
            lines.append(escape(r.summary))
        if r.tags:
            lines.append("Tags: " + escape(", ".join(r.tags)))
        date = review_date(r.review_by)
        if date:
            when = human_date(date)
            if stale:
                lines.append(f"<span style='color:#b3261e'>Stale: review date {when} has passed</span>")
            else:
                lines.append(f"Review by {when}")
        lines.append("<i>Enter or click to open</i>")
        return "<br>".join(lines)
