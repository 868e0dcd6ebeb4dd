"""The form's part for each kind's own fields (kinds.KIND_KEYS): a guideline's discretion
table, a script's placeholders, a checklist's steps, a contact's directory entry.

Every part follows one rule, so the form and the file can stay in step both ways: a
key is written back only when the owner changed what the widgets show for it; a key
nobody touched keeps the value it was read with (its type, its order, keys the form
has no widget for). A block the widgets cannot show at all (a list where a block
belongs) is shown as such and carried through untouched.
"""

from __future__ import annotations

import copy
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSignalBlocker, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workaid.core.content.kinds import CHANNELS, OUTCOMES, placeholders_in
from workaid.ui.workbench.form_models import (
    DiscretionModel,
    PlaceholdersModel,
    RowsModel,
    StepsModel,
    shown_text,
    words,
    words_text,
)


class _Missing:
    """A key the card does not have (distinct from a key written with no value)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
_STANDARD_ROLES = ("rep", "senior-rep", "supervisor", "manager")
_OUTCOME_WORDS = {
    "handle": "Handle it (level 1, the rep)",
    "expert": "Expert (level 2)",
    "supervisor": "Supervisor (level 3)",
}


def ordered(value: Any) -> Any:
    """`value` with every dict as its list of items, so two values compare equal only
    when their keys are also in the same order (the order the file is written in)."""
    if isinstance(value, dict):
        return [("dict", k, ordered(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, *(ordered(v) for v in value)]
    return (type(value).__name__, value)


def same(a: Any, b: Any) -> bool:
    return a is b or (a is not MISSING and b is not MISSING and ordered(a) == ordered(b))


class Binding:
    """A line edit over one value: the value read comes back untouched until the text changes."""

    def __init__(
        self,
        edit: QLineEdit,
        show: Callable[[Any], str] = shown_text,
        parse: Callable[[str], Any] = lambda t: t.strip() or MISSING,
    ) -> None:
        self.edit = edit
        self._show = show
        self._parse = parse
        self._value: Any = MISSING
        self._shown = ""

    def load(self, value: Any) -> None:
        self._value = value
        text = "" if value is MISSING or value is None else self._show(value)
        if self.edit.text() != text:  # the same text again keeps the owner's cursor where it is
            with QSignalBlocker(self.edit):
                self.edit.setText(text)
                self.edit.setCursorPosition(0)  # a long summary reads from its start
        self._shown = self.edit.text()

    def value(self) -> Any:
        text = self.edit.text()
        return self._value if text == self._shown else self._parse(text)


class LinesBinding:
    """A text box of one item per line over a list of lines (the card's synonym groups):
    the list read comes back untouched until the text changes; then each non-empty
    line, stripped, is one item."""

    def __init__(self, edit: QPlainTextEdit) -> None:
        self.edit = edit
        self._value: tuple[str, ...] = ()
        self._shown = ""

    def load(self, value: tuple[str, ...]) -> None:
        self._value = tuple(value)
        text = "\n".join(self._value)
        if self.edit.toPlainText() != text:  # the same text again keeps the owner's cursor
            with QSignalBlocker(self.edit):
                self.edit.setPlainText(text)
        self._shown = self.edit.toPlainText()

    def value(self) -> tuple[str, ...]:
        text = self.edit.toPlainText()
        if text == self._shown:
            return self._value
        return tuple(line.strip() for line in text.splitlines() if line.strip())


def lines_edit(parent: QWidget, name: str, placeholder: str = "", tip: str = "", lines: int = 3) -> QPlainTextEdit:
    """A few lines of plain text, one item a line; Tab leaves it like any other field."""
    edit = QPlainTextEdit(parent)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if tip:
        edit.setToolTip(tip)
        edit.setAccessibleDescription(tip)
    height = edit.fontMetrics().lineSpacing() * lines + 2 * edit.frameWidth() + 8
    edit.setFixedHeight(height)
    return edit


def line_edit(parent: QWidget, name: str, placeholder: str = "", tip: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if tip:
        edit.setToolTip(tip)
        edit.setAccessibleDescription(tip)
    return edit


def add_row(form: QFormLayout, text: str, widget: QWidget) -> QLabel:
    """A form row whose label's mnemonic (the & in `text`) takes the keyboard to `widget`."""
    label = QLabel(text, form.parentWidget())
    label.setBuddy(widget)
    form.addRow(label, widget)
    return label


class Section(QWidget):
    """One kind's fields. `load` shows them; `apply` writes back what the owner changed."""

    KEYS: tuple[str, ...] = ()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._loaded: dict[str, Any] = {}

    def framed(self, title: str) -> QGroupBox:
        """The section's one titled box, filling the section edge to edge."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(title, self)
        outer.addWidget(box)
        return box

    def load(self, fields: dict[str, Any], body: str = "") -> None:
        self._loading = True
        try:
            self.show_fields(fields, body)
        finally:
            self._loading = False
        self._loaded = self.values()

    def apply(self, fields: dict[str, Any]) -> None:
        now = self.values()
        for key in self.KEYS:
            value = now.get(key, MISSING)
            if same(value, self._loaded.get(key, MISSING)):
                continue
            if value is MISSING:
                fields.pop(key, None)
            else:
                fields[key] = copy.deepcopy(value)

    def set_body(self, body: str) -> None:
        """The card's current body (a script offers to declare the placeholders it uses)."""

    def changed(self, *_: Any) -> None:
        if not self._loading:
            self.edited.emit()

    # -- per kind --------------------------------------------------------------------------
    def show_fields(self, fields: dict[str, Any], body: str) -> None:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        """What the widgets say for each of KEYS (MISSING: leave the key out)."""
        raise NotImplementedError


class RowsEditor(QWidget):
    """A table with Add, Remove, Move up and Move down buttons, all on the keyboard."""

    def __init__(
        self, model: RowsModel, name: str, make_row: Callable[[int], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._make_row = make_row
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView(self)
        self.table.setObjectName(name.title().replace(" ", ""))
        self.table.setAccessibleName(name)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(240)  # the rest of the form stays in view under a short table
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add = QPushButton("Add", self)
        self.remove = QPushButton("Remove", self)
        self.up = QPushButton("Move up", self)
        self.down = QPushButton("Move down", self)
        for b, what in (
            (self.add, "Add a row"),
            (self.remove, "Remove the row"),
            (self.up, "Move the row up"),
            (self.down, "Move the row down"),
        ):
            b.setAccessibleName(f"{what} ({name})")
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add.clicked.connect(self.add_row)
        self.remove.clicked.connect(self.remove_row)
        self.up.clicked.connect(lambda: self.move_row(-1))
        self.down.clicked.connect(lambda: self.move_row(1))
        self._row_before_reset = -1
        model.modelAboutToBeReset.connect(self._remember_row)
        model.modelReset.connect(self._restore_row)
        model.rowsInserted.connect(self._enable)
        model.rowsRemoved.connect(self._enable)
        model.rowsMoved.connect(self._enable)
        self.table.selectionModel().currentRowChanged.connect(self._enable)
        self._enable()

    def set_labels(self, add: str, remove: str, up: str, down: str) -> None:
        """Button texts with mnemonics that do not clash with the rest of the form."""
        for b, text in ((self.add, add), (self.remove, remove), (self.up, up), (self.down, down)):
            b.setText(text)

    def _remember_row(self) -> None:
        self._row_before_reset = self.current_row()

    def _restore_row(self) -> None:
        # The card was shown again (the source changed): stay on the row the owner was on.
        self.select_row(min(max(self._row_before_reset, 0), self.model.rowCount() - 1))

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        self._enable()

    def add_row(self) -> None:
        row = self.current_row()
        at = row + 1 if row >= 0 else self.model.rowCount()
        self.select_row(self.model.insert_row(at, self._make_row(at)))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_row(self) -> None:
        row = self.current_row()
        if self.model.remove_row(row):
            self.select_row(min(row, self.model.rowCount() - 1))

    def move_row(self, by: int) -> None:
        row = self.current_row()
        if row >= 0:
            self.select_row(self.model.move_row(row, by))

    def _enable(self, *_: Any) -> None:
        row, n = self.current_row(), self.model.rowCount()
        self.remove.setEnabled(0 <= row < n)
        self.up.setEnabled(0 < row < n)
        self.down.setEnabled(0 <= row < n - 1)


def _note(parent: QWidget, text: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("FormNote")
    label.setWordWrap(True)
    return label


# -- guideline ---------------------------------------------------------------------------------
class GuidelineSection(Section):
    """The discretion table: the unit, the rows from least to most authority, who decides beyond."""

    KEYS = ("discretion",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._orig: Any = MISSING
        self._usable = True
        box = self.framed("Discretion limits")
        layout = QVBoxLayout(box)
        self.note = _note(
            box,
            "What a rep may grant without asking anyone, per role; leave the table empty for a guideline without limits.",
        )
        layout.addWidget(self.note)
        form = QFormLayout()
        layout.addLayout(form)
        self.unit = line_edit(box, "Unit", "GBP", "The currency or unit of the amounts, e.g. GBP")
        self.unit.setObjectName("DiscretionUnit")
        add_row(form, "U&nit", self.unit)
        self.model = DiscretionModel(self)
        self.rows = RowsEditor(self.model, "Discretion rows", self._new_row, box)
        self.rows.set_labels("&Add row", "Remo&ve row", "Move u&p", "Move do&wn")
        add_row(form, "&Limits", self.rows)
        self.escalate = line_edit(
            box, "Beyond them", "supervisor", "Who decides beyond every role's limit (escalate_to)"
        )
        self.escalate.setObjectName("DiscretionEscalateTo")
        self.escalate.setCompleter(QCompleter(list(_STANDARD_ROLES), self.escalate))
        add_row(form, "&Beyond them", self.escalate)
        self._unit = Binding(self.unit)
        self._esc = Binding(self.escalate)
        self.unit.textChanged.connect(self.changed)
        self.escalate.textChanged.connect(self.changed)
        self.model.rowsEdited.connect(self.changed)

    def _new_row(self, at: int) -> dict[str, Any]:
        used = set(self.model_names())
        name = next((r for r in _STANDARD_ROLES if r not in used), f"role-{at + 1}")
        above = self.model.row_value(at - 1) if at > 0 else None
        amount = above.get("max_amount", 0) if isinstance(above, dict) else 0
        return {"role": name, "max_amount": amount}

    def model_names(self) -> list[str]:
        return [shown_text(r.get("role")) for r in self.model.rows() if isinstance(r, dict)]

    def show_fields(self, fields: dict[str, Any], body: str) -> None:
        d = fields.get("discretion", MISSING)
        self._orig = copy.deepcopy(d)
        roles = d.get("roles") if isinstance(d, dict) else None
        self._usable = (
            d is MISSING
            or d is None
            or (
                isinstance(d, dict)
                and (roles is None or (isinstance(roles, list) and all(isinstance(r, dict) for r in roles)))
            )
        )
        for w in (self.unit, self.escalate, self.rows):
            w.setEnabled(self._usable)
        self._unit.load(d.get("unit", MISSING) if isinstance(d, dict) else MISSING)
        self._esc.load(d.get("escalate_to", MISSING) if isinstance(d, dict) else MISSING)
        self.model.set_rows(roles if self._usable and isinstance(roles, list) else [])
        if not self._usable:
            self.note.setText(
                "This card's discretion block cannot be shown here; edit it in the Source tab. It is kept as it is."
            )

    def values(self) -> dict[str, Any]:
        if not self._usable:
            return {"discretion": self._orig}
        d = self._orig
        unit, esc, rows = self._unit.value(), self._esc.value(), self.model.rows()
        new: dict[str, Any] = copy.deepcopy(d) if isinstance(d, dict) else {}
        for key, value in (("unit", unit), ("escalate_to", esc)):
            if value is MISSING:
                new.pop(key, None)
            else:
                new[key] = value
        if rows or "roles" in new:
            new["roles"] = rows
        if not new and not isinstance(d, dict):
            return {"discretion": d}  # still no table (absent, or written empty)
        if not isinstance(d, dict):  # a new table: the documented order
            new = {k: new[k] for k in ("unit", "escalate_to", "roles") if k in new}
        return {"discretion": new}


# -- script ---------------------------------------------------------------------------------------
class ScriptSection(Section):
    """A script's placeholders with their help text, and who says it."""

    KEYS = ("placeholders", "variant")
    _VARIANTS = (("(not set)", MISSING), ("Rep", "rep"), ("Manager", "manager"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._orig: Any = MISSING
        self._usable = True
        self._body = ""
        self._variant_values: list[Any] = []
        self._variant_orig: Any = MISSING
        box = self.framed("Script")
        form = QFormLayout(box)
        self.note = _note(box, "Every {name} in the text must be listed here with what the rep types for it.")
        form.addRow(self.note)
        self.model = PlaceholdersModel(self)
        self.rows = RowsEditor(self.model, "Placeholders", self._new_row, box)
        self.rows.set_labels("&Add placeholder", "Remo&ve", "Move &up", "Move do&wn")
        add_row(form, "&Placeholders", self.rows)
        self.declare = QPushButton("Declare the ones the te&xt uses", box)
        self.declare.setAccessibleName("Declare the placeholders the text uses")
        self.declare.setAutoDefault(False)
        form.addRow("", self.declare)
        self.variant = QComboBox(box)
        self.variant.setObjectName("ScriptVariant")
        self.variant.setAccessibleName("Who says it")
        add_row(form, "Who sa&ys it", self.variant)
        self.model.rowsEdited.connect(self.changed)
        self.variant.currentIndexChanged.connect(self.changed)
        self.declare.clicked.connect(self.declare_used)

    def _new_row(self, at: int) -> list[Any]:
        names = set(self.model.names())
        n = 1
        while f"name_{n}" in names:
            n += 1
        return [f"name_{n}", ""]

    def set_body(self, body: str) -> None:
        self._body = body
        missing = [n for n in placeholders_in(body) if n not in self.model.names()]
        self.declare.setEnabled(self._usable and bool(missing))

    def declare_used(self) -> None:
        """Add a row for each {name} the text uses that is not declared yet (help to fill in)."""
        for name in placeholders_in(self._body):
            if name not in self.model.names():
                self.model.insert_row(self.model.rowCount(), [name, ""])
        self.set_body(self._body)

    def show_fields(self, fields: dict[str, Any], body: str) -> None:
        ph = fields.get("placeholders", MISSING)
        self._orig = copy.deepcopy(ph)
        self._usable = ph is MISSING or ph is None or isinstance(ph, dict)
        self.rows.setEnabled(self._usable)
        self.model.set_mapping(ph if isinstance(ph, dict) else {})
        if not self._usable:
            self.note.setText("This card's placeholders cannot be shown here; edit them in the Source tab.")
        variant = fields.get("variant", MISSING)
        self._variant_orig = variant
        self.variant.clear()
        self._variant_values = []
        for text, value in self._VARIANTS:
            self.variant.addItem(text)
            self._variant_values.append(value)
        known = [v for _, v in self._VARIANTS]
        if variant not in known and variant is not None:
            self.variant.addItem(f"{shown_text(variant) or variant!r} (not a variant)")
            self._variant_values.append(variant)
        self.variant.setCurrentIndex(self._variant_values.index(variant) if variant in self._variant_values else 0)
        self.set_body(body)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not self._usable:
            out["placeholders"] = self._orig
        else:
            mapping = self.model.mapping()
            out["placeholders"] = mapping if mapping or isinstance(self._orig, dict) else self._orig
        i = self.variant.currentIndex()
        value = self._variant_values[i] if 0 <= i < len(self._variant_values) else MISSING
        out["variant"] = self._variant_orig if value is MISSING and self._variant_orig is None else value
        return out


# -- checklist --------------------------------------------------------------------------------------
class AnswerEditor(QWidget):
    """One answer of a step: go on to a later step, or end at an outcome."""

    answerEdited = Signal(object)

    def __init__(self, answer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer = answer
        self._value: Any = None
        self._other: Any = None  # what the other mode held, so switching back loses nothing
        self._later: list[str] = []
        self._loading = False
        lines = QVBoxLayout(self)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(4)
        row = QHBoxLayout()
        more = QHBoxLayout()  # an outcome's reason and card, on a line of their own: reasons are long
        lines.addLayout(row)
        lines.addLayout(more)
        word = answer.capitalize()
        self.mode = QComboBox(self)
        self.mode.addItems(["Go to step", "Outcome"])
        self.mode.setAccessibleName(f"{word}: go to a step or end at an outcome")
        self.step = QComboBox(self)
        self.step.setAccessibleName(f"{word}: the step to go to")
        self.outcome = QComboBox(self)
        self.outcome.setAccessibleName(f"{word}: outcome")
        for o in OUTCOMES:
            self.outcome.addItem(_OUTCOME_WORDS[o], o)
        self.reason = line_edit(self, f"{word}: reason", "Reason the rep can read out or log")
        self.card = line_edit(self, f"{word}: next card", "next card id (optional)")
        for w in (self.mode, self.step, self.outcome):
            row.addWidget(w, 1)
        more.addWidget(self.reason, 2)
        more.addWidget(self.card, 1)
        self.mode.currentIndexChanged.connect(self._on_mode)
        self.step.currentIndexChanged.connect(self._on_step)
        self.outcome.currentIndexChanged.connect(self._on_outcome)
        self.reason.textEdited.connect(lambda t: self._set_key("reason", t, keep_empty=True))
        self.card.textEdited.connect(lambda t: self._set_key("card", t.strip(), keep_empty=False))

    def first_widget(self) -> QWidget:
        return self.mode

    def load(self, value: Any, later: list[str]) -> None:
        if same(value, self._value) and later == self._later:
            return  # an echo of the owner's own edit: keep the cursor where it is
        self._loading = True
        try:
            if not same(value, self._value):
                self._other = None
            self._value = copy.deepcopy(value)
            self._later = list(later)
            self.step.clear()
            self.step.addItems(later)
            if isinstance(value, str) and value not in later:
                self.step.addItem(value)  # a wrong target stays visible (the parser names it)
            self._show()
        finally:
            self._loading = False

    def _show(self) -> None:
        v = self._value
        is_step = not isinstance(v, dict)
        self.mode.setCurrentIndex(0 if is_step else 1)
        if is_step:
            self.step.setCurrentIndex(self.step.findText(v) if isinstance(v, str) else -1)
        else:
            i = self.outcome.findData(v.get("outcome"))
            self.outcome.setCurrentIndex(i)
            for edit, key in ((self.reason, "reason"), (self.card, "card")):
                if edit.text() != shown_text(v.get(key)):
                    edit.setText(shown_text(v.get(key)))
        self.step.setVisible(is_step)
        for w in (self.outcome, self.reason, self.card):
            w.setVisible(not is_step)

    def _emit(self) -> None:
        if not self._loading:
            self.answerEdited.emit(copy.deepcopy(self._value))

    def _on_mode(self, index: int) -> None:
        if self._loading:
            return
        wants_outcome = index == 1
        if wants_outcome == isinstance(self._value, dict):
            return
        self._value, self._other = self._other, self._value
        if wants_outcome and not isinstance(self._value, dict):
            self._value = {"outcome": "handle", "reason": ""}
        elif not wants_outcome and not isinstance(self._value, str):
            self._value = self.step.itemText(0) if self.step.count() else ""
        self._loading = True
        try:
            self._show()
        finally:
            self._loading = False
        self._emit()

    def _on_step(self, index: int) -> None:
        if self._loading or isinstance(self._value, dict) or index < 0:
            return
        self._value = self.step.itemText(index)
        self._emit()

    def _on_outcome(self, index: int) -> None:
        if self._loading or not isinstance(self._value, dict) or index < 0:
            return
        self._value = {**self._value, "outcome": self.outcome.itemData(index)}
        self._emit()

    def _set_key(self, key: str, text: str, keep_empty: bool) -> None:
        if not isinstance(self._value, dict):
            return
        new = dict(self._value)
        if text or keep_empty:
            new[key] = text
        else:
            new.pop(key, None)
        self._value = new
        self._emit()


class ChecklistSection(Section):
    """The steps in the order asked; each answer goes to a later step or ends at an outcome."""

    KEYS = ("steps",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._orig: Any = MISSING
        self._usable = True
        box = self.framed("Checklist steps")
        layout = QVBoxLayout(box)
        self.note = _note(box, "Questions asked in order; each answer leads to a later step or to an outcome.")
        layout.addWidget(self.note)
        self.model = StepsModel(self)
        self.rows = RowsEditor(self.model, "Checklist steps", self._new_row, box)
        self.rows.set_labels("&Add step", "Remo&ve step", "Move u&p", "Move do&wn")
        header = self.rows.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the question: as wide as there is room
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 120)
        steps_label = QLabel("Step &list", box)
        steps_label.setBuddy(self.rows.table)
        layout.addWidget(steps_label)
        layout.addWidget(self.rows)
        self.detail = QGroupBox("The chosen step", box)
        form = QFormLayout(self.detail)
        self.step_id = line_edit(
            self.detail, "Step id", "e.g. beyond-knowledge", "Changing it also changes the answers that lead here"
        )
        self.question = line_edit(self.detail, "Question", "The yes/no question the rep asks")
        self.help = line_edit(self.detail, "Help", "Optional: a hint shown under the question")
        self.yes = AnswerEditor("yes", self.detail)
        self.no = AnswerEditor("no", self.detail)
        add_row(form, "Step &id", self.step_id)
        add_row(form, "&Question", self.question)
        add_row(form, "&Help", self.help)
        add_row(form, "If &yes", self.yes).setBuddy(self.yes.first_widget())
        add_row(form, "If &no", self.no).setBuddy(self.no.first_widget())
        layout.addWidget(self.detail)
        self._row = -1
        self.model.rowsEdited.connect(self.changed)
        self.model.rowsEdited.connect(self._refresh_detail)
        self.model.modelReset.connect(self._refresh_detail)
        self.rows.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.step_id.editingFinished.connect(self._on_id)
        self.question.textEdited.connect(lambda t: self._set(StepsModel.QuestionRole, t))
        self.help.textEdited.connect(lambda t: self._set(StepsModel.HelpRole, t))
        self.yes.answerEdited.connect(lambda v: self._set(StepsModel.YesRole, v))
        self.no.answerEdited.connect(lambda v: self._set(StepsModel.NoRole, v))
        self._refresh_detail()

    def _new_row(self, at: int) -> dict[str, Any]:
        ids = set(self.model.ids())
        n = at + 1
        while f"step-{n}" in ids:
            n += 1
        return {
            "id": f"step-{n}",
            "question": "",
            "yes": {"outcome": "handle", "reason": ""},
            "no": {"outcome": "handle", "reason": ""},
        }

    def show_fields(self, fields: dict[str, Any], body: str) -> None:
        steps = fields.get("steps", MISSING)
        self._orig = copy.deepcopy(steps)
        self._usable = (
            steps is MISSING or steps is None or (isinstance(steps, list) and all(isinstance(s, dict) for s in steps))
        )
        self.rows.setEnabled(self._usable)
        self.detail.setEnabled(self._usable)
        self.model.set_rows(steps if self._usable and isinstance(steps, list) else [])
        if not self._usable:
            self.note.setText("This card's steps cannot be shown here; edit them in the Source tab. They are kept.")

    def values(self) -> dict[str, Any]:
        if not self._usable:
            return {"steps": self._orig}
        rows = self.model.rows()
        return {"steps": rows if rows or isinstance(self._orig, list) else self._orig}

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._refresh_detail()

    def _refresh_detail(self, *_: Any) -> None:
        row = self.rows.current_row()
        self._row = row
        step = self.model.row_value(row)
        has = isinstance(step, dict)
        self.detail.setEnabled(has and self._usable)
        ids = self.model.ids()
        for edit, key in ((self.step_id, "id"), (self.question, "question"), (self.help, "help")):
            text = shown_text(step.get(key)) if has else ""
            if edit.text() != text:
                with QSignalBlocker(edit):
                    edit.setText(text)
        later = ids[row + 1 :] if has else []
        for editor, role in ((self.yes, StepsModel.YesRole), (self.no, StepsModel.NoRole)):
            editor.load(self.model.data(self.model.index(row, 0), role) if has else None, later)

    def _set(self, role: int, value: Any) -> None:
        if self._row >= 0:
            self.model.setData(self.model.index(self._row, 0), value, role)

    def _on_id(self) -> None:
        if self._row < 0:
            return
        new = self.step_id.text().strip()
        if new and not self.model.rename_step(self._row, new):
            self._refresh_detail()


# -- contact ---------------------------------------------------------------------------------------
class ContactSection(Section):
    """A contact's directory entry: team, topics, channel, direct line, hours and time zone."""

    KEYS = ("team", "topics", "channel", "direct", "hours", "timezone")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = self.framed("Directory entry")
        form = QFormLayout(box)
        self.team = line_edit(box, "Team", "Billing specialists")
        self.topics = line_edit(box, "Topics", "refunds, chargebacks", "Words separated by commas")
        self.channel = QComboBox(box)
        self.channel.setAccessibleName("Channel")
        self.direct = line_edit(box, "Direct line", '"+44 20 7946 0000 ext 4102"', "How to reach them directly")
        self.hours = line_edit(
            box, "Hours", "Mon-Fri 08:00-18:00, Sat 09:00-13:00", "Days and local hours; empty: no hours given"
        )
        self.timezone = line_edit(box, "Time zone", "Europe/London", "IANA name; needed when hours are given")
        zones = QCompleter(QStringListModel(sorted(zoneinfo.available_timezones()), self.timezone), self.timezone)
        zones.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.timezone.setCompleter(zones)
        add_row(form, "T&eam", self.team)
        add_row(form, "To&pics", self.topics)
        add_row(form, "C&hannel", self.channel)
        add_row(form, "&Direct line", self.direct)
        add_row(form, "Ho&urs", self.hours)
        add_row(form, "Time &zone", self.timezone)
        self._bindings = {
            "team": Binding(self.team),
            "topics": Binding(self.topics, words_text, lambda t: words(t) or MISSING),
            "direct": Binding(self.direct),
            "hours": Binding(self.hours),
            "timezone": Binding(self.timezone),
        }
        self._channels: list[Any] = []
        self._channel_orig: Any = MISSING
        for edit in (self.team, self.topics, self.direct, self.hours, self.timezone):
            edit.textChanged.connect(self.changed)
        self.channel.currentIndexChanged.connect(self.changed)

    def show_fields(self, fields: dict[str, Any], body: str) -> None:
        for key, binding in self._bindings.items():
            binding.load(fields.get(key, MISSING))
        value = fields.get("channel", MISSING)
        self._channel_orig = value
        self.channel.clear()
        self._channels = [MISSING, *CHANNELS]
        self.channel.addItem("(choose)")
        for c in CHANNELS:
            self.channel.addItem(c.capitalize())
        if value is not MISSING and value is not None and value not in CHANNELS:
            self.channel.addItem(f"{shown_text(value) or value!r} (not a channel)")
            self._channels.append(value)
        self.channel.setCurrentIndex(self._channels.index(value) if value in self._channels else 0)

    def values(self) -> dict[str, Any]:
        out = {key: binding.value() for key, binding in self._bindings.items()}
        i = self.channel.currentIndex()
        value = self._channels[i] if 0 <= i < len(self._channels) else MISSING
        out["channel"] = self._channel_orig if value is MISSING and self._channel_orig is None else value
        return out


class ScenarioSection(Section):
    """A scenario has nothing of its own: the worked call is the body."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            _note(self, "A scenario has no structured fields: the worked example call is the card's text.")
        )
        layout.addStretch(1)

    def show_fields(self, fields: dict[str, Any], body: str) -> None:
        pass

    def values(self) -> dict[str, Any]:
        return {}


SECTIONS: dict[str, type[Section]] = {
    "guideline": GuidelineSection,
    "script": ScriptSection,
    "checklist": ChecklistSection,
    "contact": ContactSection,
    "scenario": ScenarioSection,
}
