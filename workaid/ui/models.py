"""Qt item models over core search responses. No search logic here: the model only
exposes what workaid.core.content.search returned, under named roles."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
)

from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from workaid.core.content.search import Response, Result
else:
    Qt = LazyQt(globals())  # the model is defined before the first paint; see workaid.ui.lazy

_ROOT = QModelIndex()
# Qt's documented values of Qt.ItemDataRole.DisplayRole and UserRole. Reading the enum
# here would create the whole Qt namespace before the first paint (the start-up test
# checks it is not); tests/ui/test_ui_staleness.py fails if these ever differ from the enum.
DISPLAY_ROLE = 0
USER_ROLE = 0x0100

KIND_LABELS = {
    "guideline": "Guideline",
    "script": "Script",
    "checklist": "Checklist",
    "contact": "Contact",
    "scenario": "Scenario",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.capitalize())


def human_date(date: dt.date) -> str:
    return f"{date.day} {date:%b %Y}"


class ResultsModel(QAbstractListModel):
    """The results of the latest search, one row per card."""

    IdRole = USER_ROLE + 1
    TitleRole = IdRole + 1
    KindRole = IdRole + 2
    TagsRole = IdRole + 3
    SummaryRole = IdRole + 4
    SnippetRole = IdRole + 5
    StaleRole = IdRole + 6
    ReviewByRole = IdRole + 7
    SnippetPartsRole = IdRole + 8

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

    def __init__(self, parent: QObject | None = None) -> None:
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
        self._stale = tuple(r.is_stale(today) for r in self._results)
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

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE) -> object:
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
            from html import escape  # not at start-up: the first paint needs no snippet

            return r.snippet.marked("<b>", "</b>", escape)
        if role == self.SnippetPartsRole:
            return r.snippet.parts
        if role == self.StaleRole:
            return self._stale[row]
        if role == self.ReviewByRole:
            return r.review_by.isoformat() if r.review_by else ""
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
        date = r.review_by
        if date:
            when = human_date(date)
            if stale:
                lines.append(f"<span style='color:#b3261e'>Stale: review date {when} has passed</span>")
            else:
                lines.append(f"Review by {when}")
        lines.append("<i>Enter or click to open</i>")
        return "<br>".join(lines)
