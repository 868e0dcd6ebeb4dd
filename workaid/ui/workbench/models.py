"""The workbench's lists as Qt models with named roles: the source folder's cards (with
search and filters) and the open card's problems."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt

from workaid.core.authoring.catalog import DUE_DAYS, CardEntry
from workaid.core.content.cards import Problem
from workaid.ui.models import human_date, kind_label

_ROOT = QModelIndex()

# The "show" filter's choices: (value, label).
SHOW_ALL, SHOW_INVALID, SHOW_CHANGED, SHOW_OVERDUE, SHOW_DUE = "", "invalid", "changed", "overdue", "due"
SHOW_CHOICES = (
    (SHOW_ALL, "All cards"),
    (SHOW_INVALID, "Blocking publish (problems)"),
    (SHOW_CHANGED, "Changed since last publish"),
    (SHOW_OVERDUE, "Overdue for review"),
    (SHOW_DUE, f"Due for review within {DUE_DAYS} days"),
)


@dataclass(frozen=True)
class CardFilter:
    """What the list shows: every word of `text` must match; empty fields match all."""

    text: str = ""
    kind: str = ""
    owner: str = ""
    show: str = SHOW_ALL
    tag: str = ""

    def matches(self, entry: CardEntry, today: dt.date) -> bool:
        if self.kind and entry.kind != self.kind:
            return False
        if self.owner and entry.owner != self.owner:
            return False
        if self.tag and self.tag not in entry.tags:
            return False
        if self.show == SHOW_INVALID and entry.valid:
            return False
        if self.show == SHOW_CHANGED and not entry.changed:
            return False
        if self.show == SHOW_OVERDUE and not entry.overdue(today):
            return False
        if self.show == SHOW_DUE and not entry.due(today):
            return False
        words = self.text.casefold().split()
        if words:
            haystack = entry.search_text
            return all(w in haystack for w in words)
        return True


class CardListModel(QAbstractListModel):
    """The source folder's cards that pass the filter, in path order."""

    PathRole = Qt.ItemDataRole.UserRole + 1
    IdRole = PathRole + 1
    TitleRole = PathRole + 2
    KindRole = PathRole + 3
    OwnerRole = PathRole + 4
    ReviewByRole = PathRole + 5
    ValidRole = PathRole + 6
    ProblemCountRole = PathRole + 7
    ChangedRole = PathRole + 8
    PublishStateRole = PathRole + 9
    OverdueRole = PathRole + 10
    EditedRole = PathRole + 11  # unsaved edits in the editor
    TagsRole = PathRole + 12

    _ROLE_NAMES: ClassVar[dict[int, bytes]] = {
        PathRole: b"path",
        IdRole: b"id",
        TitleRole: b"title",
        KindRole: b"kind",
        OwnerRole: b"owner",
        ReviewByRole: b"reviewBy",
        ValidRole: b"valid",
        ProblemCountRole: b"problemCount",
        ChangedRole: b"changed",
        PublishStateRole: b"publishState",
        OverdueRole: b"overdue",
        EditedRole: b"edited",
        TagsRole: b"tags",
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[CardEntry] = []
        self._rows: list[CardEntry] = []
        self._filter = CardFilter()
        self._edited: set[str] = set()
        self.today = dt.date.today()

    # -- feeding ------------------------------------------------------------------
    def set_entries(self, entries: list[CardEntry]) -> None:
        self.beginResetModel()
        self._all = sorted(entries, key=lambda e: e.path)
        self.today = dt.date.today()
        self._rows = [e for e in self._all if self._filter.matches(e, self.today)]
        self.endResetModel()

    def set_filter(self, card_filter: CardFilter) -> None:
        if card_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = card_filter
        self._rows = [e for e in self._all if card_filter.matches(e, self.today)]
        self.endResetModel()

    @property
    def card_filter(self) -> CardFilter:
        return self._filter

    def update_entry(self, entry: CardEntry) -> None:
        """One file re-read (saved here, changed on disk): its row changes in place; a new
        file is added. A row that no longer passes the filter stays until the filter changes,
        so the card being edited never vanishes from under the owner."""
        for i, e in enumerate(self._all):
            if e.path == entry.path:
                self._all[i] = entry
                break
        else:
            self._all.append(entry)
            self._all.sort(key=lambda e: e.path)
        row = self.row_of(entry.path)
        if row >= 0:
            self._rows[row] = entry
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [])
        elif self._filter.matches(entry, self.today):
            rows = [e.path for e in self._rows]
            at = next((i for i, p in enumerate(rows) if p > entry.path), len(rows))
            self.beginInsertRows(_ROOT, at, at)
            self._rows.insert(at, entry)
            self.endInsertRows()

    def set_edited(self, path: str, edited: bool) -> None:
        if (path in self._edited) == edited:
            return
        (self._edited.add if edited else self._edited.discard)(path)
        row = self.row_of(path)
        if row >= 0:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [self.EditedRole, Qt.ItemDataRole.DisplayRole])

    def entries(self) -> list[CardEntry]:
        return list(self._all)

    def entry(self, row: int) -> CardEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def entry_for(self, path: str) -> CardEntry | None:
        return next((e for e in self._all if e.path == path), None)

    def row_of(self, path: str) -> int:
        for i, e in enumerate(self._rows):
            if e.path == path:
                return i
        return -1

    def kinds(self) -> list[str]:
        return sorted({e.kind for e in self._all if e.kind})

    def owners(self) -> list[str]:
        return sorted({e.owner for e in self._all if e.owner}, key=str.casefold)

    def tags(self) -> list[str]:
        return sorted({t for e in self._all for t in e.tags})

    def invalid_count(self) -> int:
        return sum(1 for e in self._all if not e.valid)

    def changed_count(self) -> int:
        return sum(1 for e in self._all if e.changed)

    # -- Qt model -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = {
            Qt.ItemDataRole.DisplayRole: b"display",
            Qt.ItemDataRole.ToolTipRole: b"toolTip",
            **self._ROLE_NAMES,
        }
        return {int(k): QByteArray(v) for k, v in names.items()}

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid() or index.column() != 0:
            return None
        e = self.entry(index.row())
        if e is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(e)
        if role == self.PathRole:
            return e.path
        if role == self.IdRole:
            return e.id
        if role == self.TitleRole:
            return e.title
        if role == self.KindRole:
            return e.kind
        if role == self.OwnerRole:
            return e.owner
        if role == self.TagsRole:
            return list(e.tags)
        if role == self.ReviewByRole:
            return e.review_by.isoformat() if e.review_by else ""
        if role == self.ValidRole:
            return e.valid
        if role == self.ProblemCountRole:
            return len(e.problems)
        if role == self.ChangedRole:
            return e.changed
        if role == self.PublishStateRole:
            return e.publish_state
        if role == self.OverdueRole:
            return e.overdue(self.today)
        if role == self.EditedRole:
            return e.path in self._edited
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(e)
        if role == Qt.ItemDataRole.ForegroundRole and not e.valid:
            from PySide6.QtGui import QColor

            return QColor("#a3261d")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(e).replace("\n", ", ")
        return None

    def _display(self, e: CardEntry) -> str:
        marks = []
        if e.path in self._edited:
            marks.append("● unsaved")
        if not e.valid:
            n = len(e.problems)
            marks.append(f"⚠ {n} problem{'s' if n != 1 else ''}")
        if e.changed:
            marks.append("new" if e.publish_state == "new" else "changed")
        if e.overdue(self.today):
            marks.append("review overdue")
        first = e.title + (f"   [{' · '.join(marks)}]" if marks else "")
        second = " · ".join(x for x in (kind_label(e.kind) if e.kind else "", e.owner, e.path) if x)
        return f"{first}\n{second}"

    def _tooltip(self, e: CardEntry) -> str:
        esc = html.escape
        lines = [f"<b>{esc(e.title)}</b>", esc(e.path), f"id: {esc(e.id)}"]
        if e.owner:
            lines.append(f"Owner: {esc(e.owner)}")
        if e.review_by:
            when = human_date(e.review_by)
            lines.append(f"Review by {when}" + (" (overdue)" if e.overdue(self.today) else ""))
        if e.problems:
            lines.append("<span style='color:#a3261d'>Blocks publishing:</span>")
            lines.extend(f"line {p.line}: {esc(p.message)}" if p.line else esc(p.message) for p in e.problems[:5])
        return "<br>".join(lines)


class ProblemsModel(QAbstractListModel):
    """The open card's problems, each with its line."""

    LineRole = Qt.ItemDataRole.UserRole + 1
    MessageRole = LineRole + 1

    _ROLE_NAMES: ClassVar[dict[int, bytes]] = {LineRole: b"line", MessageRole: b"message"}

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []

    def set_problems(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        problems = list(problems)
        if problems == self._problems:
            return
        self.beginResetModel()
        self._problems = problems
        self.endResetModel()

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._problems)

    def roleNames(self) -> dict[int, QByteArray]:
        names = {Qt.ItemDataRole.DisplayRole: b"display", **self._ROLE_NAMES}
        return {int(k): QByteArray(v) for k, v in names.items()}

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid() or index.column() != 0:
            return None
        if not 0 <= index.row() < len(self._problems):
            return None
        p = self._problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Line {p.line}: {p.message}" if p.line else p.message
        if role == self.LineRole:
            return p.line
        if role == self.MessageRole:
            return p.message
        return None
