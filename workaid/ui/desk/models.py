"""The desk's item models: one per list, with named roles. They only expose what the
core objects hold (checklist trail, directory, consulted cards, log counts, protocol steps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from workaid.core.desk.abusive import STEP_LABELS, ProtocolStep
from workaid.core.desk.checklist import TrailEntry
from workaid.core.desk.handoff import LEVEL_NAMES, ConsultedCard
from workaid.core.desk.routing import Contact
from workaid.core.desk.seen import RecentChange

_ROOT = QModelIndex()
_USER = int(Qt.ItemDataRole.UserRole)
Index = QModelIndex | QPersistentModelIndex


def _names(mapping: dict[int, bytes]) -> dict[int, QByteArray]:
    base = {int(Qt.ItemDataRole.DisplayRole): b"display", int(Qt.ItemDataRole.ToolTipRole): b"toolTip"}
    return {int(k): QByteArray(v) for k, v in {**base, **mapping}.items()}


class _ListModel(QAbstractListModel):
    """A read-only list of rows replaced as a whole."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _row(self, index: Index) -> Any | None:
        if not index.isValid() or index.parent().isValid() or index.column() != 0:
            return None
        if 0 <= index.row() < len(self._rows):
            return self._rows[index.row()]
        return None

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_value(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None


class TrailModel(_ListModel):
    """The checklist's answers so far, in order."""

    StepRole = _USER + 1
    QuestionRole = _USER + 2
    AnswerRole = _USER + 3
    SourceRole = _USER + 4
    AtRole = _USER + 5

    def roleNames(self) -> dict[int, QByteArray]:
        return _names(
            {
                self.StepRole: b"step",
                self.QuestionRole: b"question",
                self.AnswerRole: b"answer",
                self.SourceRole: b"source",
                self.AtRole: b"at",
            }
        )

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        e: TrailEntry | None = self._row(index)
        if e is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            how = f" (from {e.source})" if e.source else ""
            return f"{index.row() + 1}. {e.question} — {'Yes' if e.yes else 'No'}{how}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return e.describe()
        if role == self.StepRole:
            return e.step_id
        if role == self.QuestionRole:
            return e.question
        if role == self.AnswerRole:
            return e.yes
        if role == self.SourceRole:
            return e.source or ""
        if role == self.AtRole:
            return e.at.isoformat()
        return None


class ContactsModel(_ListModel):
    """The expert and team directory (contact cards), best fit first; `now` says who is open."""

    IdRole = _USER + 1
    TeamRole = _USER + 2
    ChannelRole = _USER + 3
    DirectRole = _USER + 4
    HoursRole = _USER + 5
    OpenNowRole = _USER + 6
    StatusRole = _USER + 7
    TopicsRole = _USER + 8

    def __init__(self, now: Callable[[], dt.datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now

    def roleNames(self) -> dict[int, QByteArray]:
        return _names(
            {
                self.IdRole: b"id",
                self.TeamRole: b"team",
                self.ChannelRole: b"channel",
                self.DirectRole: b"direct",
                self.HoursRole: b"hours",
                self.OpenNowRole: b"openNow",
                self.StatusRole: b"status",
                self.TopicsRole: b"topics",
            }
        )

    def contact(self, row: int) -> Contact | None:
        return self.row_value(row)

    def row_of(self, contact_id: str) -> int:
        return next((i for i, c in enumerate(self._rows) if c.id == contact_id), -1)

    def refresh_now(self) -> None:
        """Opening hours moved on: 'open now' may have changed."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        c: Contact | None = self._row(index)
        if c is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, self.TeamRole):
            return c.team  # EditRole: what an editable combo box puts in its line edit
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{c.team} — {c.channel_label} {c.direct}\n{c.hours_text}: {c.now_text(self._now())}\nTopics: {c.topics_text}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{c.team}, {c.now_text(self._now())}"
        if role == self.IdRole:
            return c.id
        if role == self.ChannelRole:
            return c.channel_label
        if role == self.DirectRole:
            return c.direct
        if role == self.HoursRole:
            return c.hours_text
        if role == self.OpenNowRole:
            return c.open_at(self._now())
        if role == self.StatusRole:
            return c.now_text(self._now())
        if role == self.TopicsRole:
            return list(c.topics)
        return None


class ConsultedCardsModel(_ListModel):
    """Cards opened during the call; each can be left out of the hand-off note (unchecked)."""

    IdRole = _USER + 1
    TitleRole = _USER + 2
    IncludedRole = _USER + 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._included: list[bool] = []

    def roleNames(self) -> dict[int, QByteArray]:
        return _names(
            {
                self.IdRole: b"id",
                self.TitleRole: b"title",
                self.IncludedRole: b"included",
                int(Qt.ItemDataRole.CheckStateRole): b"checkState",
            }
        )

    def set_cards(self, cards: Iterable[ConsultedCard]) -> None:
        cards = list(cards)
        keep = {c.id: inc for c, inc in zip(self._rows, self._included, strict=False)}
        self.beginResetModel()
        self._rows = cards
        self._included = [keep.get(c.id, True) for c in cards]
        self.endResetModel()

    def included(self) -> list[ConsultedCard]:
        return [c for c, inc in zip(self._rows, self._included, strict=False) if inc]

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = super().flags(index)
        return f | Qt.ItemFlag.ItemIsUserCheckable if index.isValid() else f

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        c: ConsultedCard | None = self._row(index)
        if c is None:
            return None
        inc = self._included[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, self.TitleRole):
            return c.title or c.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{c.title} ({c.id}) — {'in the note' if inc else 'left out of the note'}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if inc else Qt.CheckState.Unchecked
        if role == self.IdRole:
            return c.id
        if role == self.IncludedRole:
            return inc
        return None

    def setData(self, index: Index, value: Any, role: int = int(Qt.ItemDataRole.EditRole)) -> bool:
        if self._row(index) is None or role not in (Qt.ItemDataRole.CheckStateRole, self.IncludedRole):
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            state = value.value if isinstance(value, Qt.CheckState) else value
            inc = state == Qt.CheckState.Checked.value
        else:
            inc = bool(value)
        if self._included[index.row()] != inc:
            self._included[index.row()] = inc
            self.dataChanged.emit(index, index, [int(Qt.ItemDataRole.CheckStateRole), self.IncludedRole])
        return True


LEVEL_SHORT = {1: "1 · rep", 2: "2 · expert", 3: "3 · supervisor"}


class CountsModel(QAbstractTableModel):
    """Escalations by reason and level: today and this week."""

    COLUMNS = ("Reason", "Level", "Today", "This week")
    ReasonRole = _USER + 1
    LevelRole = _USER + 2
    TodayRole = _USER + 3
    WeekRole = _USER + 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, int, int, int]] = []

    def set_counts(self, today: dict[tuple[str, int], int], week: dict[tuple[str, int], int]) -> None:
        keys = list(week) + [k for k in today if k not in week]
        self.beginResetModel()
        self._rows = [
            (reason, level, today.get((reason, level), 0), week.get((reason, level), 0)) for reason, level in keys
        ]
        self.endResetModel()

    def totals(self) -> tuple[int, int]:
        return sum(r[2] for r in self._rows), sum(r[3] for r in self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        return _names(
            {self.ReasonRole: b"reason", self.LevelRole: b"level", self.TodayRole: b"today", self.WeekRole: b"week"}
        )

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = int(Qt.ItemDataRole.DisplayRole)
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.COLUMNS):
            return None
        reason, level, today, week = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (reason, LEVEL_SHORT.get(level, str(level)), str(today), str(week))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{reason} — level {level}, {LEVEL_NAMES.get(level, '')}: {today} today, {week} this week"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ReasonRole:
            return reason
        if role == self.LevelRole:
            return level
        if role == self.TodayRole:
            return today
        if role == self.WeekRole:
            return week
        return None


class ProtocolStepsModel(_ListModel):
    """The abusive-caller protocol's three steps: done (with the time), next, or to come."""

    KindRole = _USER + 1
    StateRole = _USER + 2  # "done", "next", "later"
    AtRole = _USER + 3
    STEPS = (
        ("first-warning", "First warning"),
        ("final-warning", "Final warning"),
        ("end-or-transfer", "End the call or transfer"),
    )

    def __init__(self, tz: Callable[[], dt.tzinfo | None] = lambda: None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._taken: list[ProtocolStep] = []
        self._next: str | None = "first-warning"
        self._rows = list(self.STEPS)

    def roleNames(self) -> dict[int, QByteArray]:
        return _names({self.KindRole: b"kind", self.StateRole: b"state", self.AtRole: b"at"})

    def set_record(self, steps: Iterable[ProtocolStep], next_step: str | None) -> None:
        self._taken = list(steps)
        self._next = next_step
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def _done(self, kind: str) -> ProtocolStep | None:
        wanted = ("ended", "transferred") if kind == "end-or-transfer" else (kind,)
        if kind == "final-warning" and any(s.kind == "supervisor-alerted" for s in self._taken):
            wanted = ("final-warning", "supervisor-alerted")
        return next((s for s in self._taken if s.kind in wanted), None)

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        row = self._row(index)
        if row is None:
            return None
        kind, title = row
        done = self._done(kind)
        state = "done" if done else ("next" if kind == self._next else "later")
        if role == Qt.ItemDataRole.DisplayRole:
            if done:
                at = done.at.astimezone(self._tz()) if self._tz() else done.at
                what = {
                    "first-warning": "given",
                    "final-warning": "given",
                    "ended": "call ended",
                    "supervisor-alerted": "supervisor alerted (threat of harm)",
                }.get(done.kind, STEP_LABELS[done.kind])
                if done.to:
                    what = f"transferred to {done.to}"
                return f"{index.row() + 1}. {title} — ✓ {what} at {at:%H:%M:%S}"
            if state == "next":
                return f"{index.row() + 1}. {title} — now"
            return f"{index.row() + 1}. {title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return title
        if role == Qt.ItemDataRole.FontRole:
            if state == "next":
                from PySide6.QtGui import QFont

                f = QFont()
                f.setBold(True)
                return f
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            from workaid.ui import theme

            return theme.color({"done": "#1e6b34", "next": "#8a3b00", "later": "#6b7683"}[state])
        if role == self.KindRole:
            return kind
        if role == self.StateRole:
            return state
        if role == self.AtRole:
            return done.at.isoformat() if done else ""
        return None


class RecentModel(_ListModel):
    """Recently updated cards (core.desk.seen.RecentChange), newest first."""

    IdRole = _USER + 1
    TitleRole = _USER + 2
    VersionRole = _USER + 3
    UnreadRole = _USER + 4
    DetailRole = _USER + 5

    def __init__(self, tz: Callable[[], dt.tzinfo | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tz = tz

    def roleNames(self) -> dict[int, QByteArray]:
        return _names(
            {
                self.IdRole: b"cardId",
                self.TitleRole: b"title",
                self.VersionRole: b"version",
                self.UnreadRole: b"unread",
                self.DetailRole: b"detail",
            }
        )

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        change: RecentChange | None = self._row(index)
        if change is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "● " if change.unread else ""
            return f"{mark}{change.title}\n{change.describe(self._tz())}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{change.title} ({change.card_id}): {change.describe(self._tz())}"
        if role == self.IdRole:
            return change.card_id
        if role == self.TitleRole:
            return change.title
        if role == self.VersionRole:
            return change.version
        if role == self.UnreadRole:
            return change.unread
        if role == self.DetailRole:
            return change.describe(self._tz())
        return None
