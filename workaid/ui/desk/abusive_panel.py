"""The abusive-caller protocol: first warning, final warning, then end or transfer.

Ctrl+Shift+A opens it from anywhere. Each step shows its script (the "Say" part of
script-abusive-first-warning, -final-warning, script-end-abusive-call, filled with
what the rep typed this call by CallSession.say) with a field for each thing those
words still need, right under them, and is time-stamped when given; the record copies
out for the call log. The order is enforced by workaid.core.desk.abusive.AbusiveCallRecord.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workaid.core.desk.abusive import (
    PROTOCOL_SCRIPTS,
    AbusiveCallRecord,
    ProtocolError,
    protocol_summary,
)
from workaid.core.desk.scripts import (
    SayText,
    Section,
    field_help,
    placeholder_help,
    say_sections,
)
from workaid.ui.desk.common import (
    DeskPanel,
    FlowLayout,
    Message,
    copy_to_clipboard,
    key_hint,
    repolish,
)
from workaid.ui.desk.models import ProtocolStepsModel
from workaid.ui.desk.script_panel import PlaceholderEdit, labelled_field

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

_STEP_TITLES = {
    "first-warning": "Step 1 — first warning",
    "final-warning": "Step 2 — final warning",
    "end-or-transfer": "Step 3 — end the call, or transfer",
}


class AbusivePanel(DeskPanel):
    title = "Abusive-caller protocol"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AbusivePanel")
        self.desk = desk
        self.record = AbusiveCallRecord(clock=desk.clock)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        outer, self.started = self.headed_layout()

        self.steps_model = ProtocolStepsModel(tz=lambda: self.desk.clock().tzinfo, parent=self)
        self.steps = QListView(self)
        self.steps.setObjectName("ProtocolSteps")
        self.steps.setAccessibleName("Protocol steps")
        self.steps.setModel(self.steps_model)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.steps)

        self.say_box = QFrame(self)
        self.say_box.setObjectName("SayBox")
        sb = QVBoxLayout(self.say_box)
        sb.setContentsMargins(14, 10, 14, 10)
        sb.setSpacing(4)
        self.say_title = QLabel(self.say_box)
        self.say_title.setObjectName("SayTitle")
        self.say_title.setWordWrap(True)
        self.say_text = QLabel(self.say_box)
        self.say_text.setObjectName("SayText")
        self.say_text.setWordWrap(True)
        self.say_text.setAccessibleName("What to say")
        self.say_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sb.addWidget(self.say_title)
        sb.addWidget(self.say_text)
        # The step's words ask for what they still need, right under them (the same
        # fields as the script form, typed once for the whole call).
        self.form_box = QWidget(self.say_box)
        self.form = QFormLayout(self.form_box)
        self.form.setContentsMargins(0, 4, 0, 0)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(4)
        self.fields: dict[str, PlaceholderEdit] = {}
        self._form_for: tuple[str, tuple[str, ...]] | None = None
        sb.addWidget(self.form_box)
        outer.addWidget(self.say_box)

        actions_box = QWidget(self)
        actions = FlowLayout(actions_box, h_spacing=8, v_spacing=6)
        self.give = QPushButton(actions_box)
        self.give.setObjectName("PrimaryButton")
        self.give.setAccessibleName("Warning given")
        self.end = QPushButton("E  End the call", actions_box)
        self.end.setObjectName("PrimaryButton")
        self.end.setAccessibleName("End the call")
        self.transfer = QPushButton(actions_box)
        self.transfer.setObjectName("SecondaryButton")
        self.transfer.setAccessibleName("Transfer to the duty supervisor")
        self.harm = QPushButton("H  Threat of harm: alert the supervisor", actions_box)
        self.harm.setObjectName("DangerButton")
        self.harm.setAccessibleName("Threat of harm: alert the supervisor")
        for b in (self.give, self.end, self.transfer, self.harm):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            actions.addWidget(b)
        outer.addWidget(actions_box)

        self.log_view = QLabel(self)
        self.log_view.setObjectName("RecordText")
        self.log_view.setAccessibleName("Protocol record")
        self.log_view.setWordWrap(True)
        self.log_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        outer.addWidget(self.log_view)
        self.keys = QLabel(self)
        self.keys.setObjectName("KeyHints")
        self.keys.setTextFormat(Qt.TextFormat.RichText)
        self.keys.setWordWrap(True)
        outer.addWidget(self.keys)
        self.message = Message(self, "Protocol message")
        outer.insertWidget(1, self.message)  # under the title: in view even when the panel scrolls

        self.give.clicked.connect(self.give_warning)
        self.end.clicked.connect(self.end_call)
        self.transfer.clicked.connect(self.transfer_call)
        self.harm.clicked.connect(self.alert_supervisor)
        self.refresh()

    # -- the card --------------------------------------------------------------------------
    def show_card(self, card: Any) -> None:
        self.refresh()

    def new_call(self) -> None:
        self.record = AbusiveCallRecord(clock=self.desk.clock)
        self.message.clear_message()
        self.refresh()

    def focus_first(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_chain(self) -> list[QWidget]:
        return [self, *self.fields.values(), self.give, self.end, self.transfer, self.harm]

    def focus_next_empty(self, after: QWidget | None = None) -> None:
        """Enter in a field: on to the next empty one, else back to the protocol's keys."""
        names = list(self.fields)
        start = names.index(after.name) + 1 if isinstance(after, PlaceholderEdit) and after.name in names else 0
        for n in names[start:] + names[:start]:
            if not self.fields[n].text().strip():
                self.fields[n].setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- steps --------------------------------------------------------------------------------
    def _supervisor_desk(self) -> str:
        ranked = self.desk.rank_contacts("supervisor")
        return ranked[0].team if ranked and ranked[0].is_supervisor_desk else "the duty supervisor"

    def _do(self, action: Callable[[], object]) -> None:
        try:
            action()
        except ProtocolError as e:
            self.message.say(str(e), "error")
            return
        self.message.clear_message()
        self.desk.session.protocol_note = protocol_summary(self.record, self.desk.clock().tzinfo)
        self.refresh()

    def give_warning(self) -> None:
        nxt = self.record.next_step
        if nxt == "first-warning":
            self._do(self.record.first_warning)
        elif nxt == "final-warning":
            self._do(self.record.final_warning)
        elif nxt == "end-or-transfer":
            self.message.say("Both warnings are given: E ends the call, T transfers it.", "info")

    def end_call(self) -> None:
        self._do(self.record.end_call)

    def transfer_call(self) -> None:
        self._do(lambda: self.record.transfer(self._supervisor_desk()))

    def alert_supervisor(self) -> None:
        self._do(self.record.alert_supervisor)

    # -- showing it -------------------------------------------------------------------------
    def refresh(self) -> None:
        rec = self.record
        nxt = rec.next_step
        self.steps_model.set_record(rec.steps, nxt)
        rows = self.steps_model.rowCount()
        self.steps.setFixedHeight(
            sum(self.steps.sizeHintForRow(r) for r in range(rows)) + 2 * self.steps.frameWidth() + 2
        )
        tz = self.desk.clock().tzinfo
        if rec.steps:
            self.started.setText(f"Started {rec.steps[0].at.astimezone(tz):%H:%M:%S}")
        else:
            self.started.setText("Follow the steps in order")
        self.give.setVisible(nxt in ("first-warning", "final-warning"))
        self.give.setText("⏎  First warning given" if nxt == "first-warning" else "⏎  Final warning given")
        at_end = nxt == "end-or-transfer"
        self.end.setVisible(at_end)
        self.transfer.setVisible(at_end)
        self.transfer.setText(f"T  Transfer to {self._supervisor_desk()}")
        self.harm.setVisible(nxt is not None and not any(s.kind == "supervisor-alerted" for s in rec.steps))
        if nxt is None:
            self.say_title.setText("Done")
            self.say_text.setText(
                "Copy the record for the call log (Ctrl+Shift+C), add the abusive-contact marker, "
                "tell the duty supervisor, and take five minutes away from the phone."
            )
        else:
            self.say_title.setText(_STEP_TITLES[nxt] + self._say_heading(nxt))
            self._show_say(nxt)
        self.form_box.setVisible(nxt is not None and bool(self.fields))
        self.log_view.setText(rec.render(tz).rstrip("\n") if rec.steps else "")
        self.log_view.setVisible(bool(rec.steps))
        hints = []
        if nxt in ("first-warning", "final-warning"):
            hints.append(key_hint("Enter", "warning given"))
        if at_end:
            hints += [key_hint("E", "end the call"), key_hint("T", "transfer")]
        if self.harm.isVisible():
            hints.append(key_hint("H", "threat of harm"))
        if rec.steps:
            hints.append(key_hint("Ctrl+Shift+C", "copy the record"))
        self.keys.setText(" &nbsp; ".join(hints))
        self.setAccessibleDescription(f"{self.say_title.text()}. {self.say_text.text()}")
        self.resized.emit()

    def _section(self, step: str) -> Section | None:
        card = self.desk.card(PROTOCOL_SCRIPTS[step])
        if card is None:
            return None
        sections = say_sections(card.body)
        return sections[0] if sections else None

    def _say_heading(self, step: str) -> str:
        s = self._section(step)
        if s is None:
            return ""
        detail = s.title.split("—", 1)[1].strip() if "—" in s.title else ""
        return f": say {detail}" if detail else ""

    def say(self, step: str) -> SayText | None:
        """The step's words, filled from this call (None when its script is missing)."""
        s = self._section(step)
        if s is None:
            return None
        return self.desk.session.say(s, PROTOCOL_SCRIPTS[step])

    def _show_say(self, step: str) -> None:
        said = self.say(step)
        if said is None:
            self.say_text.setText(f"(The script {PROTOCOL_SCRIPTS[step]} is not in the library.)")
            self._build_form(step, ())
            return
        self.say_text.setText(said.text)
        self.say_text.setProperty("incomplete", not said.complete)
        repolish(self.say_text)
        self._build_form(step, said.fields)
        known = self.desk.session.script_values(said.fields, PROTOCOL_SCRIPTS[step])
        for name, edit in self.fields.items():
            if not edit.hasFocus() and edit.text() != known.get(name, ""):
                edit.setText(known.get(name, ""))
            missing = name in said.missing
            if bool(edit.property("missing")) != missing:
                edit.setProperty("missing", missing)
                repolish(edit)

    def _build_form(self, step: str, names: tuple[str, ...]) -> None:
        if self._form_for == (step, names):
            return
        self._form_for = (step, names)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        card = self.desk.card(PROTOCOL_SCRIPTS[step])
        declared = placeholder_help(card.fields) if card is not None else {}
        for name in names:
            edit, lab = labelled_field(name, field_help(name, declared), self, self.form_box, self._on_edit)
            self.form.addRow(lab, edit)
            self.fields[name] = edit
        if self.desk.pane.current is self:
            self.desk.pane._chain_tabs(self)

    def _on_edit(self, name: str, text: str) -> None:
        self.desk.session.remember({name: text})
        nxt = self.record.next_step
        if nxt is not None:
            self._show_say(nxt)
            self.setAccessibleDescription(f"{self.say_title.text()}. {self.say_text.text()}")
        self.desk.call_changed(self)

    # -- keys ---------------------------------------------------------------------------------
    def keyPressEvent(self, e: QKeyEvent) -> None:
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(e)
            return
        key = e.key()
        nxt = self.record.next_step
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.give_warning()
        elif key == Qt.Key.Key_E and nxt == "end-or-transfer":
            self.end_call()
        elif key == Qt.Key.Key_T and nxt == "end-or-transfer":
            self.transfer_call()
        elif key == Qt.Key.Key_H and nxt is not None:
            self.alert_supervisor()
        elif e.text().isprintable() and e.text().strip():
            keys = {
                "first-warning": "Enter (first warning given) or H",
                "final-warning": "Enter (final warning given) or H",
                "end-or-transfer": "E (end the call), T (transfer) or H",
            }.get(nxt or "", "Ctrl+Shift+C (copy the record)")
            self.message.say(f"The protocol takes {keys} here; Ctrl+K goes back to the search.", "info")
        else:
            super().keyPressEvent(e)
            return
        e.accept()

    def copy(self) -> bool:
        if not self.record.steps:
            self.message.say("Nothing to copy yet: no step has been taken.", "info")
            return False
        copy_to_clipboard(self.record.render(self.desk.clock().tzinfo))
        self.message.say("Copied the protocol record for the call log.", "ok")
        return True
