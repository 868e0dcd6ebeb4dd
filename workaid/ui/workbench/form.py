"""Editing a card without YAML: the common fields and each kind's own, as a form.

The workbench keeps the form and the file in step both ways: an edit here becomes
the file through writer.text_from_form(editor.form()); a source edit that parses
comes back through set_form. For that to be safe, `form()` must hand back exactly
what `set_form` was given until the owner changes something, and then differ only
in what they changed: every widget keeps the value it was shown, and anything the
widgets cannot show (the body, keys of another kind, a block in an odd shape) is
carried through untouched (form_sections).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workaid.core.authoring.writer import CardForm
from workaid.core.content.kinds import KINDS
from workaid.ui.workbench.form_models import RowsModel, words
from workaid.ui.workbench.form_sections import (
    SECTIONS,
    Binding,
    LinesBinding,
    Section,
    add_row,
    line_edit,
    lines_edit,
    same,
)

_KIND_WORDS = {
    "guideline": "Guideline",
    "script": "Script",
    "checklist": "Checklist",
    "contact": "Contact",
    "scenario": "Scenario",
}


class CardFormEditor(QWidget):
    """The form for one card (a writer.CardForm)."""

    # The owner changed something (never sent by set_form); form() says what it is now.
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardFormEditor")
        self.setAccessibleName("Card form")
        self._base = CardForm()
        self._loading = False
        self._review_shown: tuple[bool, QDate] = (False, QDate())

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        layout = QVBoxLayout(inner)

        common = QGroupBox("Card", inner)
        layout.addWidget(common)
        form = QFormLayout(common)
        self.id_label = QLabel(common)
        self.id_label.setObjectName("FormCardId")
        self.id_label.setAccessibleName("Card id")
        self.id_label.setToolTip("Other cards refer to this id; it is changed from the card's menu, with a warning.")
        form.addRow("Id", self.id_label)
        self.title = line_edit(common, "Title", "Waiving a late-payment fee", "One line, shown in results")
        self.title.setObjectName("FormTitle")
        add_row(form, "&Title", self.title)
        self.kind = QComboBox(common)
        self.kind.setObjectName("FormKind")
        self.kind.setAccessibleName("Kind")
        add_row(form, "&Kind", self.kind)
        self.tags = line_edit(common, "Tags", "fees, discretion", "Short words separated by commas")
        self.tags.setObjectName("FormTags")
        add_row(form, "Ta&gs", self.tags)
        self.owner = line_edit(common, "Owner", "billing-team", "The team that keeps the card right")
        self.owner.setObjectName("FormOwner")
        add_row(form, "&Owner", self.owner)
        review = QWidget(common)
        row = QHBoxLayout(review)
        row.setContentsMargins(0, 0, 0, 0)
        self.has_review = QCheckBox("has a date", review)
        self.has_review.setAccessibleName("Has a review date")
        self.review_by = QDateEdit(review)
        self.review_by.setObjectName("FormReviewBy")
        self.review_by.setAccessibleName("Review by")
        self.review_by.setCalendarPopup(True)
        self.review_by.setDisplayFormat("yyyy-MM-dd")
        self.review_by.setToolTip("After this date the card shows as due for review")
        row.addWidget(self.has_review)
        row.addWidget(self.review_by, 1)
        add_row(form, "&Review by", review).setBuddy(self.has_review)
        self.summary = line_edit(common, "Summary", "One sentence shown under the title in results")
        self.summary.setObjectName("FormSummary")
        add_row(form, "&Summary", self.summary)
        self.synonyms = lines_edit(
            common,
            "Search synonyms",
            "ceo = chief executive = managing director",
            "One group a line: words customers and reps use for the same thing, separated by ' = '. "
            "A search for any of them finds this card first.",
        )
        self.synonyms.setObjectName("FormSynonyms")
        add_row(form, "Search synony&ms", self.synonyms)

        self.sections: dict[str, Section] = {}
        self.stack = QStackedWidget(inner)
        self.stack.setObjectName("FormKindFields")
        for kind, cls in SECTIONS.items():
            section = cls(self.stack)
            section.setObjectName(f"Form{kind.capitalize()}Fields")
            section.edited.connect(self._changed)
            self.sections[kind] = section
            self.stack.addWidget(section)
        layout.addWidget(self.stack)
        self.problem = QLabel(inner)
        self.problem.setObjectName("FormProblem")
        self.problem.setAccessibleName("Form message")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        layout.addStretch(1)
        for section in self.sections.values():
            for model in section.findChildren(RowsModel):
                model.problem.connect(self.say_problem)

        self._title = Binding(self.title, str, str)
        self._owner = Binding(self.owner, str, str)
        self._summary = Binding(self.summary, str, str)
        self._tags = Binding(self.tags, ", ".join, lambda t: tuple(words(t)))
        self._synonyms = LinesBinding(self.synonyms)
        self.synonyms.textChanged.connect(self._changed)

        for edit in (self.title, self.tags, self.owner, self.summary):
            edit.textChanged.connect(self._changed)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.has_review.toggled.connect(self._on_has_review)
        self.review_by.dateChanged.connect(self._changed)
        QWidget.setTabOrder(self.title, self.kind)
        QWidget.setTabOrder(self.kind, self.tags)
        QWidget.setTabOrder(self.tags, self.owner)
        QWidget.setTabOrder(self.owner, self.has_review)
        QWidget.setTabOrder(self.has_review, self.review_by)
        QWidget.setTabOrder(self.review_by, self.summary)
        QWidget.setTabOrder(self.summary, self.synonyms)
        self._load(CardForm())

    # -- the form as data -------------------------------------------------------------------
    def set_form(self, form: CardForm) -> None:
        """Show `form` (sends no `edited`); form() gives it back until the owner edits.

        The form the widgets already say (the source tab echoing an edit made here)
        changes nothing on screen, so the owner's cursor and open cell stay put."""
        if same(vars(form), vars(self.form())):
            return
        self._load(form)

    def _load(self, form: CardForm) -> None:
        self._loading = True
        try:
            self._base = copy.deepcopy(form)
            self.id_label.setText(form.id or "(none yet)")
            self._title.load(form.title)
            self._owner.load(form.owner)
            self._summary.load(form.summary)
            self._tags.load(tuple(form.tags))
            self._synonyms.load(tuple(form.synonyms))
            with QSignalBlocker(self.kind):
                self.kind.clear()
                kinds = list(KINDS) + ([form.kind] if form.kind not in KINDS else [])
                for k in kinds:
                    self.kind.addItem(_KIND_WORDS.get(k, f"{k} (not a kind)"), k)
                self.kind.setCurrentIndex(kinds.index(form.kind))
            with QSignalBlocker(self.has_review), QSignalBlocker(self.review_by):
                self.has_review.setChecked(form.review_by is not None)
                day = form.review_by or dt.date.today() + dt.timedelta(days=365)
                self.review_by.setDate(QDate(day.year, day.month, day.day))
                self.review_by.setEnabled(form.review_by is not None)
            self._review_shown = (self.has_review.isChecked(), self.review_by.date())
            for section in self.sections.values():
                section.load(form.fields, form.body)
            self._show_section(form.kind)
            self.say_problem("")
        finally:
            self._loading = False

    def form(self) -> CardForm:
        """What the widgets say now, with everything they do not show carried from set_form."""
        base = self._base
        f = copy.deepcopy(base)
        f.title = self._title.value()
        f.owner = self._owner.value()
        f.summary = self._summary.value()
        f.tags = self._tags.value()
        f.synonyms = self._synonyms.value()
        f.kind = self.kind.currentData() or base.kind
        review = (self.has_review.isChecked(), self.review_by.date())
        if review != self._review_shown:
            day = self.review_by.date()
            f.review_by = dt.date(day.year(), day.month(), day.day()) if review[0] else None
        for section in self.sections.values():
            section.apply(f.fields)
        return f

    def set_body(self, body: str) -> None:
        """The body as the owner edits it elsewhere (the form carries it; a script offers
        to declare the placeholders it uses)."""
        self._base.body = body
        for section in self.sections.values():
            section.set_body(body)

    def section(self, kind: str | None = None) -> Section:
        """The part of the form for `kind`'s own fields (the shown kind's by default)."""
        return self.sections[kind or self.kind.currentData() or self._base.kind]

    # -- inside ---------------------------------------------------------------------------------
    def say_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setAccessibleDescription(text)
        self.problem.setVisible(bool(text))

    def _show_section(self, kind: str) -> None:
        section = self.sections.get(kind)
        if section is not None:
            self.stack.setCurrentWidget(section)
            self.stack.show()
        else:
            self.stack.hide()

    def _on_kind(self, _index: int) -> None:
        self._show_section(self.kind.currentData())
        self._changed()

    def _on_has_review(self, checked: bool) -> None:
        self.review_by.setEnabled(checked)
        self._changed()

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self.say_problem("")
            self.edited.emit()
