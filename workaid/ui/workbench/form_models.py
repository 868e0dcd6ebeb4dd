"""The form's tables as Qt models with named roles: a guideline's discretion rows, a
script's placeholders, a checklist's steps.

Each row is the card's own block (a dict, as `Card.fields` holds it), and an edit
changes only the key it is about: a value the owner did not touch is handed back
exactly as it was read (12 stays the int 12, a key the form has no column for stays),
so the form never rewrites what nobody changed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from workaid.core.content.kinds import as_text

_ROOT = QModelIndex()
_USER = int(Qt.ItemDataRole.UserRole)
Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)


class BadCell(ValueError):
    """What the owner typed cannot go in that cell; the message says what would."""


def shown_text(value: Any) -> str:
    """A scalar as the form shows it (numbers too); '' for nothing."""
    text = as_text(value)
    return "" if text is None else text


def words(text: str) -> list[str]:
    """'fees, discretion late-payment' -> ['fees', 'discretion', 'late-payment']."""
    return [w for w in re.split(r"[,\s]+", text.strip()) if w]


def words_text(values: Any) -> str:
    if not isinstance(values, (list, tuple)):
        return shown_text(values)
    return ", ".join(shown_text(v) for v in values)


def number(text: str) -> int | float:
    """An amount as typed: '12' -> 12, '12.50' -> 12.5, '£1,200' -> 1200."""
    t = text.strip().lstrip("£$€").replace(",", "").strip()
    if re.fullmatch(r"\d+", t):
        return int(t)
    if re.fullmatch(r"\d*\.\d+|\d+\.", t):
        return float(t)
    raise BadCell(f"'{text.strip()}' is not an amount: type a number of 0 or more, like 12 or 12.50.")


_OFTEN = re.compile(
    r"(?P<count>\d+|once|twice)\s*(?:times?\s*)?(?:per|a|an|in|every|each|/)\s*(?P<months>\d+)?\s*(?:months?)?",
    re.I,
)


def how_often(text: str) -> dict[str, int] | None:
    """'1 per 12 months' -> {count: 1, months: 12}; '' or 'none' -> None (no limit)."""
    t = text.strip()
    if not t or t.lower() in ("none", "no limit", "-", "—"):
        return None
    m = _OFTEN.fullmatch(t)
    if m is None or not m.group("months"):
        raise BadCell(f"'{t}' is not how often: write it like '1 per 12 months', or leave it empty for no limit.")
    raw = m.group("count").lower()
    count = {"once": 1, "twice": 2}.get(raw) or int(raw)
    months = int(m.group("months"))
    if count < 1 or months < 1:
        raise BadCell("How often needs whole numbers above 0, like '1 per 12 months'.")
    return {"count": count, "months": months}


def how_often_text(value: Any) -> str:
    if not isinstance(value, dict):
        return shown_text(value)
    count, months = value.get("count"), value.get("months")
    return f"{shown_text(count)} per {shown_text(months)} months"


def _names(mapping: dict[int, bytes]) -> dict[int, QByteArray]:
    base = {_DISPLAY: b"display", _EDIT: b"edit", _TIP: b"toolTip"}
    return {int(k): QByteArray(v) for k, v in {**base, **mapping}.items()}


class RowsModel(QAbstractTableModel):
    """Rows of dicts the owner edits, adds, removes and reorders."""

    HEADERS: ClassVar[tuple[str, ...]] = ()
    EDITABLE: ClassVar[frozenset[int]] = frozenset()  # columns edited in the table itself
    ROLES: ClassVar[dict[int, bytes]] = {}

    # Something the owner did changed the rows (never sent by set_rows).
    rowsEdited = Signal()
    # An edit was refused: the sentence says what the cell takes.
    problem = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    # -- the rows as data --------------------------------------------------------------
    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = copy.deepcopy(list(rows))
        self.endResetModel()

    def rows(self) -> list[Any]:
        return copy.deepcopy(self._rows)

    def row_value(self, row: int) -> Any:
        return copy.deepcopy(self._rows[row]) if 0 <= row < len(self._rows) else None

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def roleNames(self) -> dict[int, QByteArray]:
        return _names(self.ROLES)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() in self.EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return str(section + 1) if 0 <= section < len(self._rows) else None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not self._valid(index):
            return None
        row = self._rows[index.row()]
        if role in (_DISPLAY, _ACCESSIBLE):
            return self.cell_text(row, index.column())
        if role == _EDIT:
            return self.cell_text(row, index.column()) if index.column() in self.EDITABLE else None
        if role == _TIP:
            return self.cell_tip(row, index.column())
        if role in self.ROLES:
            return copy.deepcopy(self.role_value(row, role))
        return None

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        if not self._valid(index):
            return False
        r = index.row()
        try:
            if role == _EDIT and index.column() in self.EDITABLE:
                text = "" if value is None else str(value)
                if text == self.cell_text(self._rows[r], index.column()):
                    return True  # nothing changed: the value stays exactly as it was read
                new = self.with_cell(self._rows[r], index.column(), text)
            elif role in self.ROLES:
                new = self.with_role(self._rows[r], role, copy.deepcopy(value))
            else:
                return False
        except BadCell as e:
            self.problem.emit(str(e))
            return False
        if new == self._rows[r]:
            return True
        self._rows[r] = new
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(self.HEADERS) - 1))
        self.rowsEdited.emit()
        return True

    # -- what the owner does with rows -----------------------------------------------------------
    def insert_row(self, at: int, row: Any) -> int:
        at = max(0, min(at, len(self._rows)))
        self.beginInsertRows(_ROOT, at, at)
        self._rows.insert(at, copy.deepcopy(row))
        self.endInsertRows()
        self.rowsEdited.emit()
        return at

    def remove_row(self, row: int) -> bool:
        if not 0 <= row < len(self._rows):
            return False
        self.beginRemoveRows(_ROOT, row, row)
        del self._rows[row]
        self.endRemoveRows()
        self.rowsEdited.emit()
        return True

    def move_row(self, row: int, by: int) -> int:
        """Move `row` up (by=-1) or down (by=1); returns where it is now."""
        to = row + by
        if not (0 <= row < len(self._rows) and 0 <= to < len(self._rows)) or by == 0:
            return row
        # Qt counts the destination before the move: moving down lands after the next row.
        dest = to + 1 if by > 0 else to
        self.beginMoveRows(_ROOT, row, row, _ROOT, dest)
        self._rows.insert(to, self._rows.pop(row))
        self.endMoveRows()
        self.rowsEdited.emit()
        return to

    # -- per model ----------------------------------------------------------------------------
    def cell_text(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def cell_tip(self, row: Any, column: int) -> str | None:
        return None

    def with_cell(self, row: Any, column: int, text: str) -> Any:
        """The row with `text` typed into `column` (BadCell when it cannot go there)."""
        raise NotImplementedError

    def role_value(self, row: Any, role: int) -> Any:
        raise NotImplementedError

    def with_role(self, row: Any, role: int, value: Any) -> Any:
        raise NotImplementedError

    def _valid(self, index: Index) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() < len(self._rows)
            and 0 <= index.column() < len(self.HEADERS)
        )


def _with_key(row: dict[str, Any], key: str, value: Any, drop_empty: bool = True) -> dict[str, Any]:
    """`row` with `key` set (in its place, so the file keeps its order) or removed when empty."""
    new = dict(row)
    if drop_empty and value in (None, "", []):
        new.pop(key, None)
    else:
        new[key] = value
    return new


class DiscretionModel(RowsModel):
    """A guideline's discretion rows, least authority first: what each role may grant."""

    HEADERS = ("Role", "Max amount", "How often", "Conditions")
    EDITABLE = frozenset({0, 1, 2, 3})
    RoleNameRole = _USER + 1
    AmountRole = _USER + 2
    PerCustomerRole = _USER + 3
    ConditionsRole = _USER + 4
    RowRole = _USER + 5
    ROLES: ClassVar[dict[int, bytes]] = {
        RoleNameRole: b"role",
        AmountRole: b"maxAmount",
        PerCustomerRole: b"perCustomer",
        ConditionsRole: b"conditions",
        RowRole: b"row",
    }
    _KEYS: ClassVar[dict[int, str]] = {
        RoleNameRole: "role",
        AmountRole: "max_amount",
        PerCustomerRole: "per_customer",
        ConditionsRole: "conditions",
    }

    def cell_text(self, row: Any, column: int) -> str:
        if column == 0:
            return shown_text(row.get("role"))
        if column == 1:
            amount = row.get("max_amount")
            return shown_text(amount) if not isinstance(amount, bool) else str(amount)
        if column == 2:
            return how_often_text(row.get("per_customer"))
        return words_text(row.get("conditions") or [])

    def cell_tip(self, row: Any, column: int) -> str | None:
        return (
            "The role's name, such as rep or senior-rep",
            "The most this role may grant, in the table's unit",
            "How often per customer, like '1 per 12 months'; empty: no limit",
            "Conditions that must all hold, separated by commas, like first-offence",
        )[column]

    def with_cell(self, row: Any, column: int, text: str) -> Any:
        if column == 0:
            name = text.strip()
            if not name:
                raise BadCell("A row needs a role, such as rep or senior-rep.")
            return _with_key(row, "role", name)
        if column == 1:
            return _with_key(row, "max_amount", number(text), drop_empty=False)
        if column == 2:
            pc = how_often(text)
            if pc is not None and isinstance(row.get("per_customer"), dict):
                pc = {**row["per_customer"], **pc}  # the block's own key order
            return _with_key(row, "per_customer", pc)
        return _with_key(row, "conditions", words(text))

    def role_value(self, row: Any, role: int) -> Any:
        return row if role == self.RowRole else row.get(self._KEYS[role])

    def with_role(self, row: Any, role: int, value: Any) -> Any:
        if role == self.RowRole:
            return value
        return _with_key(row, self._KEYS[role], value, drop_empty=role != self.AmountRole)


class PlaceholdersModel(RowsModel):
    """A script's placeholders in the card's order: the name in {braces} and what to type."""

    HEADERS = ("Name", "Help text")
    EDITABLE = frozenset({0, 1})
    NameRole = _USER + 1
    HelpRole = _USER + 2
    ROLES: ClassVar[dict[int, bytes]] = {NameRole: b"name", HelpRole: b"help"}

    def set_mapping(self, mapping: dict[Any, Any]) -> None:
        self.set_rows([[k, v] for k, v in mapping.items()])

    def mapping(self) -> dict[Any, Any]:
        return dict(self.rows())

    def names(self) -> list[Any]:
        return [r[0] for r in self._rows]

    def cell_text(self, row: Any, column: int) -> str:
        return shown_text(row[column]) if column == 1 else str(row[0])

    def cell_tip(self, row: Any, column: int) -> str | None:
        return (
            "Written in the text as {name}: lower-case letters, digits and _",
            "What the rep types here, shown beside the field",
        )[column]

    def with_cell(self, row: Any, column: int, text: str) -> Any:
        if column == 0:
            return self.with_role(row, self.NameRole, text.strip())
        return [row[0], text]

    def role_value(self, row: Any, role: int) -> Any:
        return row[0] if role == self.NameRole else row[1]

    def with_role(self, row: Any, role: int, value: Any) -> Any:
        if role == self.HelpRole:
            return [row[0], value]
        if not value:
            raise BadCell("A placeholder needs a name, like customer_name.")
        if value != row[0] and value in self.names():
            raise BadCell(f"There is already a placeholder called {value}.")
        return [value, row[1]]


def answer_key(step: dict[Any, Any], answer: str) -> Any:
    """The key a step's yes/no answer is held under (YAML 1.1 may read a bare `yes:` as True)."""
    flag = answer == "yes"
    if answer not in step and flag in step:
        return flag
    return answer


def answer_text(value: Any) -> str:
    """'→ knowledge', or 'Supervisor: Abusive caller (card: abusive-caller-protocol)'."""
    if isinstance(value, str):
        return f"→ {value}" if value else "→ (choose a step)"
    if isinstance(value, dict):
        outcome = shown_text(value.get("outcome")) or "(no outcome)"
        text = f"{outcome.capitalize()}: {shown_text(value.get('reason'))}"
        card = shown_text(value.get("card"))
        return f"{text} (card: {card})" if card else text
    return "" if value is None else str(value)


class StepsModel(RowsModel):
    """A checklist's steps in the order they are asked; edited in the detail editor."""

    HEADERS = ("Id", "Question", "Yes", "No")
    StepIdRole = _USER + 1
    QuestionRole = _USER + 2
    HelpRole = _USER + 3
    YesRole = _USER + 4
    NoRole = _USER + 5
    StepRole = _USER + 6
    ROLES: ClassVar[dict[int, bytes]] = {
        StepIdRole: b"stepId",
        QuestionRole: b"question",
        HelpRole: b"help",
        YesRole: b"yes",
        NoRole: b"no",
        StepRole: b"step",
    }
    _KEYS: ClassVar[dict[int, str]] = {StepIdRole: "id", QuestionRole: "question", HelpRole: "help"}

    def ids(self) -> list[str]:
        return [shown_text(s.get("id")) for s in self._rows]

    def cell_text(self, row: Any, column: int) -> str:
        if column == 0:
            return shown_text(row.get("id"))
        if column == 1:
            return shown_text(row.get("question"))
        return answer_text(row.get(answer_key(row, "yes" if column == 2 else "no")))

    def role_value(self, row: Any, role: int) -> Any:
        if role == self.StepRole:
            return row
        if role in (self.YesRole, self.NoRole):
            return row.get(answer_key(row, "yes" if role == self.YesRole else "no"))
        return row.get(self._KEYS[role])

    def with_role(self, row: Any, role: int, value: Any) -> Any:
        if role == self.StepRole:
            return value
        if role in (self.YesRole, self.NoRole):
            return _with_key(row, answer_key(row, "yes" if role == self.YesRole else "no"), value, drop_empty=False)
        return _with_key(row, self._KEYS[role], value, drop_empty=role == self.HelpRole)

    def rename_step(self, row: int, new_id: str) -> bool:
        """Give step `row` a new id, and lead every answer that went to it to the new one.

        Refused (False) when another step already has that id: merging two steps'
        references could not be undone by renaming back."""
        if not 0 <= row < len(self._rows):
            return False
        old = self._rows[row].get("id")
        if new_id == old:
            return True
        if new_id in self.ids():
            self.problem.emit(f"Another step already has the id '{new_id}'; step ids must differ.")
            return False
        self._rows[row] = _with_key(self._rows[row], "id", new_id, drop_empty=False)
        for s in self._rows:
            for answer in ("yes", "no"):
                key = answer_key(s, answer)
                if isinstance(old, str) and old and s.get(key) == old:
                    s[key] = new_id
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))
        self.rowsEdited.emit()
        return True
