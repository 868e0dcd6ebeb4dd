"""The authority check over a guideline card with discretion limits.

Answers as the rep types: within your discretion / needs a senior rep / escalate,
the limit that decided it, and the most the rep may offer now. The rules are all in
workaid.core.desk.authority and its words in workaid.core.desk.authority_words; this
panel only collects the inputs and shows the AuthorityAnswer.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workaid.core.desk.authority import (
    STANDARD_ROLES,
    AuthorityInputError,
    Decision,
    Discretion,
    decide,
    unit_symbol,
)
from workaid.core.desk.authority_words import AuthorityAnswer
from workaid.core.desk.changes import decision_words
from workaid.core.desk.session import authority_summary
from workaid.core.settings import Settings
from workaid.ui.desk.common import DeskPanel, FlowLayout, labelled, set_tone


def human(name: str) -> str:
    """'account-in-good-standing' -> 'Account in good standing'."""
    text = name.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


class FactBox(QCheckBox):
    """One condition on the card: not checked yet (the start), yes, or no.

    Y and N answer it directly, Delete puts it back to "not checked"; Space cycles.
    The three states differ at a glance, not only by their last word: the `state`
    property gives desk.qss a ✓ / ✗ / ○ mark (resources/fact-*.svg) and a colour pair
    of its own for each (both colours set, so no palette can make it unreadable)."""

    STATES: ClassVar[dict[Qt.CheckState, str]] = {
        Qt.CheckState.PartiallyChecked: "not checked",
        Qt.CheckState.Checked: "yes",
        Qt.CheckState.Unchecked: "no",
    }

    def __init__(self, condition: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.condition = condition
        self.setObjectName("FactBox")
        self.setTristate(True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)  # may be given less than one line's width (below)
        self.setCheckState(Qt.CheckState.PartiallyChecked)
        self.setAccessibleDescription("Y yes, N no, Delete not checked; Space cycles")
        self.checkStateChanged.connect(self._relabel)
        self._relabel()

    def value(self) -> bool | None:
        state = self.checkState()
        if state == Qt.CheckState.PartiallyChecked:
            return None
        return state == Qt.CheckState.Checked

    def set_value(self, value: bool | None) -> None:
        self.setCheckState(
            Qt.CheckState.PartiallyChecked
            if value is None
            else (Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
        )

    def nextCheckState(self) -> None:
        order = [Qt.CheckState.PartiallyChecked, Qt.CheckState.Checked, Qt.CheckState.Unchecked]
        self.setCheckState(order[(order.index(self.checkState()) + 1) % 3])

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key = e.key()
        if e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier:
            super().keyPressEvent(e)
            return
        if key == Qt.Key.Key_Y:
            self.set_value(True)
        elif key == Qt.Key.Key_N:
            self.set_value(False)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Question):
            self.set_value(None)
        else:
            super().keyPressEvent(e)
            return
        e.accept()

    def _relabel(self, *_: Any) -> None:
        state = self.STATES[self.checkState()]
        self._one_line = f"{human(self.condition)}: {state}"
        self._two_lines = f"{human(self.condition)}:\n{state}"
        self._hints: dict[bool, QSize] = {}
        self._fit_text(self.width())
        self.setAccessibleName(f"{human(self.condition)} — {state}")
        self.setProperty("state", state.replace(" ", "-"))
        self.style().unpolish(self)
        self.style().polish(self)
        self.updateGeometry()

    # A fact wider than the panel (a narrow window, a big font) puts its state on a
    # second line instead of being cut at the edge.
    def _hint(self, two: bool) -> QSize:
        if two not in self._hints:
            shown = self.text()
            QCheckBox.setText(self, self._two_lines if two else self._one_line)
            self._hints[two] = super().sizeHint()
            QCheckBox.setText(self, shown)
        return self._hints[two]

    def _fit_text(self, width: int) -> None:
        two = self.isVisible() and width < self._hint(False).width()
        text = self._two_lines if two else self._one_line
        if self.text() != text:
            QCheckBox.setText(self, text)

    def sizeHint(self) -> QSize:
        return self._hint(False)

    def minimumSizeHint(self) -> QSize:
        return self._hint(True)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._hint(width < self._hint(False).width()).height()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._hints = {}
        super().changeEvent(e)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._fit_text(e.size().width())


class AuthorityPanel(DeskPanel):
    title = "Authority check"

    def __init__(
        self, settings: Settings, on_decision: Callable[[str, Decision], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AuthorityPanel")
        self.settings = settings
        self._on_decision = on_decision
        self.card: Any = None
        self.discretion: Discretion | None = None
        self.decision: Decision | None = None
        self._inputs: dict[str, tuple[str, dict[str, bool | None], int]] = {}  # per card, for this call
        # Per card, for this call: the limits changed under the rep (banner, what the answer was).
        self._changed: dict[str, tuple[str, str]] = {}
        self._replaced: str | None = None  # the banner of the change about to be shown
        self._loading = False
        self.facts: list[FactBox] = []

        outer, self.hint = self.headed_layout(hint="Alt+A amount · Tab to the facts · Y / N answers a fact")

        inputs = QWidget(self)
        flow = FlowLayout(inputs, h_spacing=14, v_spacing=6)
        # Amount
        self.amount = QLineEdit(inputs)
        self.amount.setObjectName("AmountEdit")
        self.amount.setAccessibleName("Amount asked for")
        self.amount.setPlaceholderText("e.g. 12.50")
        self.amount.setMaxLength(40)
        self.amount.setFixedWidth(110)
        self.unit = QLabel("£", inputs)
        self.unit.setObjectName("UnitLabel")
        flow.addWidget(labelled(inputs, "&Amount", self.unit, self.amount)[0])
        # Times used
        self.used = QComboBox(inputs)
        self.used.setObjectName("UsedCombo")
        self.used.setAccessibleName("Times already had in the period")
        self.used.setAccessibleDescription(
            "How many times this customer already had this in the card's period: type 0, 1, 2…, or N for not checked"
        )
        self.used_box, self.used_label = labelled(inputs, "Had it &before", self.used)
        flow.addWidget(self.used_box)
        # Role
        self.role = QComboBox(inputs)
        self.role.setObjectName("RoleCombo")
        self.role.setAccessibleName("Your role")
        self.role.setAccessibleDescription("Remembered for next time")
        flow.addWidget(labelled(inputs, "&Role", self.role)[0])
        outer.addWidget(inputs)
        # The facts go right after the amount in the same flow (show_card): what the rep
        # reads, left to right and down, is the order Tab takes (amount, facts, times
        # had, role), so no control is passed over on screen and met again later.
        self.facts_box = inputs
        self.facts_flow = flow

        self.verdict_frame = QFrame(self)
        self.verdict_frame.setObjectName("Verdict")
        vf = QVBoxLayout(self.verdict_frame)
        vf.setContentsMargins(12, 8, 12, 9)
        vf.setSpacing(3)
        self.verdict = QLabel(self.verdict_frame)
        self.verdict.setObjectName("VerdictText")
        self.verdict.setAccessibleName("Verdict")
        self.verdict.setWordWrap(True)
        self.offer = QLabel(self.verdict_frame)
        self.offer.setObjectName("OfferText")
        self.offer.setAccessibleName("What you may offer")
        self.offer.setWordWrap(True)
        self.detail = QLabel(self.verdict_frame)
        self.detail.setObjectName("VerdictDetail")
        self.detail.setAccessibleName("Limit and reasons")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        vf.addWidget(self.verdict)
        vf.addWidget(self.offer)
        vf.addWidget(self.detail)
        outer.addWidget(self.verdict_frame)

        self.amount.textChanged.connect(self.recompute)
        self.used.currentIndexChanged.connect(self.recompute)
        self.role.currentIndexChanged.connect(self._on_role)

    # -- the card -------------------------------------------------------------------
    def card_replaced(self, change: Any, banner: str) -> None:
        if getattr(change, "limits_changed", False):
            self._replaced = banner

    def show_card(self, card: Any) -> None:
        self._save_inputs()
        replaced, self._replaced = self._replaced, None
        if replaced and self.card is not None and self.card.id == card.id:
            # What the rep may already have told the customer, under the old limits.
            was = decision_words(self.decision) if self.decision is not None else "no answer yet"
            self._changed[card.id] = (replaced, was)
        self.card = card
        self._loading = True
        try:
            try:
                self.discretion = Discretion.from_fields((card.fields or {}).get("discretion"))
            except AuthorityInputError as e:
                self.discretion = None
                self._show_problem(str(e))
                return
            d = self.discretion
            self.unit.setText(unit_symbol(d.unit))
            self._fill_roles(d)
            months = next((r.per_months for r in d.roles if r.per_count), None)
            self.used_box.setVisible(months is not None)
            if months:
                self.used_label.setText(f"Had it &before (last {months} months)")
            self._fill_used(max((r.per_count or 0) for r in d.roles))
            for box in self.facts:
                self.facts_flow.removeWidget(box)
                box.hide()  # out of the Tab chain at once, not only when deleted
                box.deleteLater()
            self.facts = []
            for i, cond in enumerate(d.conditions()):
                box = FactBox(cond, self.facts_box)
                box.checkStateChanged.connect(self.recompute)
                self.facts_flow.insert_widget(1 + i, box)  # after the amount
                # Shown now, not when the event loop next runs (a layout shows a new child
                # late): a Tab pressed at once must not pass over it.
                if self.isVisible():
                    box.show()
                self.facts.append(box)
            amount, facts, used = self._inputs.get(card.id, ("", {}, None))
            self.amount.setText(amount)
            for box in self.facts:
                box.set_value(facts.get(box.condition))
            self._set_used(used)
        finally:
            self._loading = False
        self.recompute()
        self.resized.emit()

    def _fill_used(self, most: int) -> None:
        """not checked, 0, 1, … and 'N or more' at the most any row allows (more changes nothing)."""
        self.used.blockSignals(True)
        self.used.clear()
        self.used.addItem("not checked", None)
        for n in range(most + 1):
            if n == most and n > 0:
                self.used.addItem(f"{n} or more times", n)
            else:
                self.used.addItem(f"{n} time{'s' if n != 1 else ''}" if n else "0 (never)", n)
        self.used.blockSignals(False)

    def _set_used(self, used: int | None) -> None:
        i = self.used.findData(used) if used is not None else 0
        self.used.setCurrentIndex(i if i >= 0 else self.used.count() - 1)

    def _fill_roles(self, d: Discretion) -> None:
        names = list(STANDARD_ROLES)
        for r in [*d.role_names(), d.escalate_to]:
            if r not in names:
                names.append(r)
        wanted = self.settings.get("desk.role") or "rep"
        self.role.blockSignals(True)
        self.role.clear()
        for n in names:
            self.role.addItem(human(n), n)
        i = self.role.findData(wanted)
        self.role.setCurrentIndex(i if i >= 0 else 0)
        self.role.blockSignals(False)

    def _save_inputs(self) -> None:
        if self.card is not None and self.discretion is not None:
            self._inputs[self.card.id] = (
                self.amount.text(),
                {b.condition: b.value() for b in self.facts},
                self.used.currentData(),
            )

    def new_call(self) -> None:
        self._inputs.clear()
        self._changed.clear()
        if self.card is not None:
            self._loading = True
            self.amount.clear()
            for b in self.facts:
                b.set_value(None)
            self._set_used(None)
            self._loading = False
            self.recompute()

    def focus_chain(self) -> list[QWidget]:
        """In reading order (one flow, see __init__): the amount, the facts, times already
        had, the role."""
        chain: list[QWidget] = [self.amount, *self.facts]
        if self.used_box.isVisibleTo(self):
            chain.append(self.used)
        chain.append(self.role)
        return chain

    def _on_role(self, _index: int) -> None:
        role = self.role.currentData()
        if role and not self._loading:
            self.settings.set("desk.role", role)
        self.recompute()

    # -- the answer ------------------------------------------------------------------------
    def inputs(self) -> tuple[str, str, dict[str, bool | None], int | None]:
        used = self.used.currentData()
        return (
            self.role.currentData() or "rep",
            self.amount.text(),
            {b.condition: b.value() for b in self.facts},
            used if self.used_box.isVisibleTo(self) else None,
        )

    def recompute(self, *_: Any) -> None:
        if self._loading or self.card is None:
            return
        self._save_inputs()
        d = self.discretion
        if d is None:
            return
        role, amount, facts, used = self.inputs()
        if not amount.strip():
            self.decision = None
            rows = "<br>".join(html.escape(r.describe(d.unit)) for r in d.roles)
            changed = self._changed.get(self.card.id)
            note = f"<b>Changed during this call:</b> {html.escape(changed[0])}<br>" if changed else ""
            self._show(
                "idle",
                "Type the amount the customer asks for",
                "The answer appears as you type.",
                f"{note}<b>Limits on this card</b><br>{rows}<br>Beyond them: {html.escape(d.escalate_to)} decides.",
            )
            return
        try:
            decision = decide(d, role, amount, facts, used)
        except AuthorityInputError as e:
            self.decision = None
            self._show("bad", "Check the input", str(e), "")
            return
        self.decision = decision
        self._show_decision(decision)
        summary = authority_summary(self.card.title, decision)
        changed = self._changed.get(self.card.id)
        if changed is not None:
            summary += (
                f" The card's limits changed during the call ({changed[0]}); before, the answer was: {changed[1]}."
            )
        self._on_decision(summary, decision)

    def _show_decision(self, d: Decision) -> None:
        esc = html.escape
        answer = AuthorityAnswer.of(d)
        tone = answer.tone
        parts: list[str] = []
        if answer.checks_out:
            parts.append(f"<b>If it all checks out:</b> {esc(answer.checks_out)}")
        changed = self._changed.get(self.card.id) if self.card is not None else None
        if changed is not None:
            parts.insert(0, f"<b>Changed during this call:</b> {esc(changed[0])} — was: {esc(changed[1])}")
            tone = "check"
        parts.append(f"<b>Limit:</b> {esc(answer.limit)}")
        if answer.reasons:
            # Every reason, on screen: none is kept for a tooltip only a mouse can reach.
            parts.append("<b>Why:</b>" + "".join(f"<br>• {esc(r)}" for r in answer.reasons))
        if answer.ignored:
            parts.append(f"Ignored (not on this card): {esc(', '.join(answer.ignored))}")
        self._show(tone, answer.title, answer.offer_line, "<br>".join(parts), tip=answer.text())

    def _show(self, tone: str, title: str, offer: str, detail: str, tip: str = "") -> None:
        set_tone(self.verdict_frame, tone)
        set_tone(self.verdict, tone)
        self.verdict.setText(title)
        self.offer.setText(offer)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.verdict_frame.setToolTip(tip)
        self.verdict.setAccessibleDescription(f"{title}. {offer}")
        self.resized.emit()

    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        # Wide enough for its example ("e.g. 12.50") in the stylesheet's font, whatever
        # the text size: a cut example is no example.
        self.amount.ensurePolished()
        example = self.amount.fontMetrics().horizontalAdvance(self.amount.placeholderText() + "0")
        self.amount.setFixedWidth(max(110, example + 32))

    def _show_problem(self, message: str) -> None:
        self.decision = None
        self._show("bad", "This card's limits cannot be used", message, "")

    def copy(self) -> bool:
        if self.decision is None:
            return False
        from workaid.ui.desk.common import copy_to_clipboard

        copy_to_clipboard(AuthorityAnswer.of(self.decision).text())
        return True
