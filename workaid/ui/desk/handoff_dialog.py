"""The hand-off note composer (Ctrl+H).

Pre-filled from the call: the checklist's level and reason, the team chosen, the
cards opened since the call timer started, what was tried (the authority check,
the protocol, the checklist), and what the rep already typed into a script (the
issue, the case reference, the callback time). The rep adds the summary and the
callback time in their own words ("tomorrow 10:00"); the time is read by
workaid.core.content.hours.parse_when and checked against the team's hours, and anything
missing is listed (workaid.core.desk.handoff.problems) before the note is copied.
Ctrl+Shift+C copies the note, Ctrl+Enter logs the escalation (no customer details).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workaid.core.content.hours import ContactHours, WhenError, check_callback, parse_when
from workaid.core.desk.escalation_log import EscalationEntry
from workaid.core.desk.handoff import LEVEL_NAMES, HandoffNote, problems, render
from workaid.core.errors import for_person
from workaid.ui import theme
from workaid.ui.desk.common import (
    FlowLayout,
    Message,
    copy_to_clipboard,
    desk_stylesheet,
    present,
    set_tone,
)
from workaid.ui.desk.models import ConsultedCardsModel, ContactsModel

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

TWO_COLUMNS_FROM = 820
OUTCOMES = (
    "Callback booked",
    "Transferred live",
    "Ticket raised",
    "Supervisor joined the call",
    "Resolved after advice",
)


class NoteText(QPlainTextEdit):
    """A few lines of text; Tab moves on (a note has no tabs)."""

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._lines = lines
        self.setSizeAdjustPolicy(QPlainTextEdit.SizeAdjustPolicy.AdjustIgnored)

    def sizeHint(self) -> QSize:
        h = self.fontMetrics().lineSpacing() * self._lines + 14
        return QSize(super().sizeHint().width(), h)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, self.sizeHint().height())


class HandoffDialog(QDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("HandoffDialog")
        self.setWindowTitle("Hand-off note — WorkAid")
        self.setAccessibleName("Hand-off note")
        theme.current().style(self, desk_stylesheet())  # follows light / dark and zoom
        self.setModal(False)
        # An explicit minimum: the layout then never resizes the shown window's limits
        # (which some platforms, the tests' offscreen one included, cannot take).
        self.setMinimumSize(380, 360)
        self._loading = False
        self._touched: set[str] = set()  # fields the rep edited: a new prefill leaves them alone
        self._confirm_copy: str | None = None  # the note the rep was warned about once
        self._problems: list[str] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        head = QFrame(self)
        head.setObjectName("DialogHead")
        hl = QVBoxLayout(head)
        hl.setContentsMargins(18, 12, 18, 10)
        hl.setSpacing(2)
        title = QLabel("Hand-off note", head)
        title.setObjectName("DialogTitle")
        sub = QLabel(
            "Filled in from this call. Add the issue and the callback time, then copy it before you transfer.", head
        )
        sub.setObjectName("DeskHint")
        sub.setWordWrap(True)
        hl.addWidget(title)
        hl.addWidget(sub)
        outer.addWidget(head)

        scroll = QScrollArea(self)
        scroll.setObjectName("DialogScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # No Tab stop of its own: Tab brings every field, whole, into view (_show_whole).
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget(scroll)
        body.setObjectName("DialogBody")
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, body)
        self.columns.setContentsMargins(18, 12, 18, 12)
        self.columns.setSpacing(18)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.form_scroll = scroll

        # -- the form --------------------------------------------------------------------
        form_box = QWidget(body)
        form = QFormLayout(form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(7)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.level = QComboBox(form_box)
        self.level.setAccessibleName("Level")
        for n, name in LEVEL_NAMES.items():
            self.level.addItem(f"{n} — {name}", n)
        self.reason = QLineEdit(form_box)
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("From the checklist, e.g. Beyond the rep's knowledge")
        self.reason.setMaxLength(200)
        self.target = QComboBox(form_box)
        self.target.setEditable(True)
        self.target.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target.setAccessibleName("Hand over to")
        target_edit = self.target.lineEdit()
        assert target_edit is not None  # an editable combo box always has its line edit
        target_edit.setPlaceholderText("Team or person taking it over")
        self._target_edit = target_edit
        self.target_model = ContactsModel(desk.clock, self)
        self.target.setModel(self.target_model)
        self.team_status = QLabel(form_box)
        self.team_status.setObjectName("TeamStatus")
        self.team_status.setWordWrap(True)
        self.team_status.setAccessibleName("Team hours")
        self.direct = QLineEdit(form_box)
        self.direct.setAccessibleName("Direct contact")
        self.direct.setPlaceholderText("Their direct number, address or queue")
        self.case_ref = QLineEdit(form_box)
        self.case_ref.setAccessibleName("Case reference")
        self.case_ref.setPlaceholderText("e.g. WA-20418")
        self.summary = NoteText(3, form_box)
        self.summary.setAccessibleName("Issue, in the customer's words")
        self.summary.setPlaceholderText("The issue in the customer's words, so they never repeat it")
        self.tried = NoteText(3, form_box)
        self.tried.setAccessibleName("What was tried")
        self.tried.setPlaceholderText("What you checked and offered")
        self.callback = QLineEdit(form_box)
        self.callback.setAccessibleName("Callback time")
        self.callback.setPlaceholderText("e.g. tomorrow 10:00, 14:30, mon 09:15")
        self.callback_check = QLabel(form_box)
        self.callback_check.setObjectName("CallbackCheck")
        self.callback_check.setWordWrap(True)
        self.callback_check.setAccessibleName("Callback check")
        self.owner = QLineEdit(form_box)
        self.owner.setAccessibleName("Callback owner")
        self.owner.setPlaceholderText("One person or one queue")
        self.cards_model = ConsultedCardsModel(self)
        self.cards = QListView(form_box)
        self.cards.setObjectName("ConsultedCards")
        self.cards.setAccessibleName("Cards consulted (Space leaves one out)")
        self.cards.setModel(self.cards_model)
        self.cards.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards.setMaximumHeight(110)
        self.outcome = QComboBox(form_box)
        self.outcome.setEditable(True)
        self.outcome.addItems(OUTCOMES)
        self.outcome.setAccessibleName("Outcome, for the escalation log")

        def row(text: str, field: QWidget) -> None:
            lab = QLabel(text, form_box)
            lab.setObjectName("FieldLabel")
            lab.setBuddy(field)
            form.addRow(lab, field)

        row("Le&vel", self.level)
        row("&Reason", self.reason)
        row("&To", self.target)
        form.addRow("", self.team_status)
        row("&Direct contact", self.direct)
        row("&Case ref", self.case_ref)
        row("&Issue", self.summary)
        row("Tri&ed", self.tried)
        row("Call&back", self.callback)
        form.addRow("", self.callback_check)
        row("Callback o&wner", self.owner)
        row("Cards co&nsulted", self.cards)
        row("O&utcome", self.outcome)
        self.columns.addWidget(form_box, 5)

        # -- the note ----------------------------------------------------------------------
        side = QWidget(body)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(6)
        self.problems = QLabel(side)
        self.problems.setObjectName("Problems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setAccessibleName("Before you send")
        note_label = QLabel("The note", side)
        note_label.setObjectName("FieldLabel")
        self.preview = QPlainTextEdit(side)
        self.preview.setObjectName("NotePreview")
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setAccessibleName("The note, as it will be pasted")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(max(9.0, self.font().pointSizeF() - 0.5))
        self.preview.setFont(mono)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.preview.setMinimumHeight(170)
        sl.addWidget(self.problems)
        sl.addWidget(note_label)
        sl.addWidget(self.preview, 1)
        self.columns.addWidget(side, 4)

        # -- actions -------------------------------------------------------------------------
        foot = QFrame(self)
        foot.setObjectName("DialogFoot")
        fl = QVBoxLayout(foot)
        fl.setContentsMargins(18, 8, 18, 12)
        fl.setSpacing(6)
        self.message = Message(foot, "Hand-off message")
        fl.addWidget(self.message)
        buttons_box = QWidget(foot)
        buttons = FlowLayout(buttons_box, h_spacing=8, v_spacing=6)  # wraps in a narrow window
        self.copy_button = QPushButton("Co&py note  Ctrl+Shift+C", buttons_box)
        self.copy_button.setObjectName("PrimaryButton")
        self.copy_button.setAccessibleName("Copy the note")
        self.log_button = QPushButton("&Log escalation  Ctrl+Enter", buttons_box)
        self.log_button.setObjectName("SecondaryButton")
        self.log_button.setAccessibleName("Log the escalation")
        self.close_button = QPushButton("Close  Esc", buttons_box)
        self.close_button.setObjectName("SecondaryButton")
        self.close_button.setAccessibleName("Close")
        for b in (self.copy_button, self.log_button, self.close_button):
            b.setAutoDefault(False)
            b.setDefault(False)
            buttons.addWidget(b)
        fl.addWidget(buttons_box)
        outer.addWidget(foot)

        for key in ("Ctrl+Shift+C",):
            QShortcut(QKeySequence(key), self, self.copy_note)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.log_escalation)

        # -- wiring --------------------------------------------------------------------------
        self.copy_button.clicked.connect(self.copy_note)
        self.log_button.clicked.connect(self.log_escalation)
        self.close_button.clicked.connect(self.reject)
        self.level.currentIndexChanged.connect(lambda _i: self._edited("level"))
        self.reason.textEdited.connect(lambda _t: self._edited("reason"))
        self.target.currentIndexChanged.connect(self._on_target_chosen)
        self._target_edit.textEdited.connect(self._on_target_typed)
        self.direct.textEdited.connect(lambda t: self._shared("direct_contact", t))
        self.case_ref.textEdited.connect(lambda t: self._shared("case_ref", t))
        self.summary.textChanged.connect(lambda: self._shared("issue_summary", self.summary.toPlainText()))
        self.tried.textChanged.connect(lambda: self._edited("tried"))
        self.callback.textEdited.connect(lambda t: self._shared("callback_time", t))
        self.owner.textEdited.connect(lambda _t: self._edited("owner"))
        self.cards_model.dataChanged.connect(lambda *_: self.update_note())
        self.outcome.currentTextChanged.connect(lambda _t: self._confirm_reset())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    # -- a short window ------------------------------------------------------------------------
    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The field the keyboard went to, whole, in view (a short or narrow window scrolls
        the form). Qt's own scrolling shows only a list's current row or an editor's cursor
        line; the rep should see the whole list of cards, or the whole note."""
        body = self.form_scroll.widget()
        if new is not None and body is not None and body.isAncestorOf(new):
            QTimer.singleShot(0, self, lambda: self._show_whole(new))

    def _show_whole(self, field: QWidget) -> None:
        body = self.form_scroll.widget()
        if body is None or not field.isVisible() or not body.isAncestorOf(field):
            return
        # What the rep reads with a field comes into view with it: the team's hours under
        # "To", the callback check under the time, the list of gaps above the note.
        companions = {self.target: self.team_status, self.callback: self.callback_check, self.preview: self.problems}
        rect = QRect(field.mapTo(body, QPoint(0, 0)), field.size())
        extra = companions.get(field)
        if extra is not None and extra.isVisible():
            rect = rect.united(QRect(extra.mapTo(body, QPoint(0, 0)), extra.size()))
        bar = self.form_scroll.verticalScrollBar()
        view_h = self.form_scroll.viewport().height()
        margin = 8
        if rect.height() + 2 * margin > view_h:
            rect = QRect(field.mapTo(body, QPoint(0, 0)), field.size())  # the field itself, then
        if rect.top() - margin < bar.value():
            bar.setValue(rect.top() - margin)
        elif rect.bottom() + margin > bar.value() + view_h:
            bar.setValue(min(rect.top() - margin, rect.bottom() + margin - view_h))

    # -- filling in ------------------------------------------------------------------------
    def prefill(self) -> None:
        """Bring in what the call knows now; fields the rep edited stay as they are."""
        s = self.desk.session
        draft = s.draft_note()
        self._loading = True
        try:
            if "level" not in self._touched:
                self.level.setCurrentIndex(max(0, self.level.findData(draft.level)))
            if "reason" not in self._touched:
                self.reason.setText(draft.reason)
            plan = s.plan()
            ranked = self.desk.rank_contacts(plan.outcome if plan is not None else "expert")
            self.target_model.set_rows(ranked)
            if s.target is not None:
                self.target.setCurrentIndex(self.target_model.row_of(s.target.id))
            else:
                self.target.setCurrentIndex(-1)
                self.target.setEditText(s.values.get("team", ""))
            self.direct.setText(s.values.get("direct_contact", draft.target_contact))
            self.case_ref.setText(s.values.get("case_ref", ""))
            # The note's issue is for colleagues: the rep's summary, else what the customer was told.
            if self.summary.toPlainText() != draft.summary:
                self.summary.setPlainText(draft.summary)
            if "tried" not in self._touched:
                self.tried.setPlainText(draft.tried)
            self.callback.setText(s.values.get("callback_time", ""))
            if "owner" not in self._touched:
                self.owner.setText(draft.callback_owner)
            self.cards_model.set_cards(s.cards)
            rows = self.cards_model.rowCount()
            self.cards.setFixedHeight(min(110, max(1, rows) * max(18, self.cards.sizeHintForRow(0)) + 6))
        finally:
            self._loading = False
        self.log_button.setEnabled(s.logged_at is None)
        if s.logged_at is not None:
            self.log_button.setText(f"Logged {s.logged_at:%H:%M} ✓")
        else:
            self.log_button.setText("&Log escalation  Ctrl+Enter")
        self.update_note()

    def new_call(self) -> None:
        self._touched.clear()
        self.message.clear_message()
        self.outcome.setCurrentIndex(0)
        self.prefill()

    def _edited(self, field: str) -> None:
        if self._loading:
            return
        self._touched.add(field)
        self.update_note()

    def _shared(self, name: str, text: str) -> None:
        """A field that is also a script placeholder: kept for the rest of the call."""
        if self._loading:
            return
        self.desk.session.remember({name: text})
        self.desk.call_changed(source=self)
        self.update_note()

    def _on_target_chosen(self, row: int) -> None:
        if self._loading or row < 0:
            return
        contact = self.target_model.contact(row)
        s = self.desk.session
        s.set_target(contact)
        self._loading = True
        self.direct.setText(s.values.get("direct_contact", ""))
        if "owner" not in self._touched and contact is not None:
            self.owner.setText(contact.team)
        self._loading = False
        self.desk.call_changed(source=self)
        self.update_note()

    def _on_target_typed(self, text: str) -> None:
        if self._loading:
            return
        s = self.desk.session
        if s.target is not None and text != s.target.team:
            s.set_target(None)
        s.remember({"team": text})
        self.update_note()

    # -- the note ------------------------------------------------------------------------------
    def callback_time(self) -> tuple[dt.datetime | None, str]:
        """The callback time read from what was typed, or None and why."""
        text = self.callback.text().strip()
        if not text:
            return None, ""
        try:
            return parse_when(text, now=self.desk.clock()), ""
        except WhenError as e:
            return None, str(e)

    def note(self) -> HandoffNote:
        when, _ = self.callback_time()
        return HandoffNote(
            level=self.level.currentData(),
            reason=self.reason.text(),
            target=self.target.currentText(),
            target_contact=self.direct.text(),
            cards=self.cards_model.included(),
            tried=self.tried.toPlainText(),
            summary=self.summary.toPlainText(),
            callback=when,
            callback_owner=self.owner.text(),
            case_ref=self.case_ref.text(),
        )

    def _target_hours(self) -> ContactHours | None:
        t = self.desk.session.target
        return t.hours if t is not None and t.team == self.target.currentText().strip() else None

    def update_note(self) -> None:
        note = self.note()
        text = render(note)
        if self.preview.toPlainText() != text:
            self.preview.setPlainText(text)
        self._confirm_reset()
        # The team's hours now, and the callback against them.
        t = self.desk.session.target
        now = self.desk.clock()
        if t is not None and self._target_hours() is not None:
            set_tone(self.team_status, "ok" if t.open_at(now) else "warn")
            self.team_status.setText(f"{t.now_text(now)} · {t.hours_text}")
            self.team_status.show()
        elif t is not None:
            set_tone(self.team_status, "info")
            self.team_status.setText(t.now_text(now))
            self.team_status.show()
        else:
            self.team_status.hide()
        when, error = self.callback_time()
        hours = self._target_hours()
        if error:
            set_tone(self.callback_check, "error")
            self.callback_check.setText(error)
        elif when is not None:
            from workaid.core.desk.handoff import format_time

            warning = check_callback(hours.hours, hours.tz, when, hours.team) if hours is not None else None
            if warning:
                set_tone(self.callback_check, "warn")
                self.callback_check.setText(f"{format_time(when)} — outside their hours: {warning}.")
            else:
                set_tone(self.callback_check, "ok")
                open_then = f", {hours.team or 'the team'} open then" if hours is not None else ""
                self.callback_check.setText(f"{format_time(when)}{open_then}")
        else:
            set_tone(self.callback_check, "info")
            self.callback_check.setText("Type when the customer will be called back.")
        found = problems(note, hours)
        if error:
            found.insert(0, f"The callback time cannot be read: {error}")
        if found:
            set_tone(self.problems, "warn")
            self.problems.setText("<b>Before you send:</b>" + "".join(f"<br>• {html.escape(p)}" for p in found))
        else:
            set_tone(self.problems, "ok")
            self.problems.setText("<b>Ready to send:</b> nothing missing.")
        self._problems = found

    def _confirm_reset(self) -> None:
        if self._confirm_copy is not None and self._confirm_copy != self.preview.toPlainText():
            self._confirm_copy = None

    def copy_note(self) -> bool:
        self.update_note()
        text = self.preview.toPlainText()
        if self._problems and self._confirm_copy != text:
            self._confirm_copy = text
            n = len(self._problems)
            self.message.say(
                f"Not copied yet: {n} thing{'s' if n != 1 else ''} to fix (listed above). "
                "Fix them, or press Ctrl+Shift+C again to copy it as it is.",
                "warn",
            )
            return False
        copy_to_clipboard(text)
        self._confirm_copy = None
        self.message.say("Copied the note: paste it into the case before you transfer.", "ok")
        return True

    def log_escalation(self) -> None:
        s = self.desk.session
        if s.logged_at is not None:
            self.message.say(f"Already logged for this call at {s.logged_at:%H:%M}.", "info")
            return
        note = self.note()
        entry = EscalationEntry(
            level=note.level,
            reason=note.reason,
            target=note.target,
            cards=tuple(c.id for c in note.cards),
            outcome=self.outcome.currentText(),
            call_seconds=s.call_seconds(),
            at=self.desk.clock(),
            recommended=s.recommendation.level if s.recommendation is not None else None,
        )
        self.log_button.setEnabled(False)
        self.message.say("Logging…", "info")

        def done(_row_id: int) -> None:
            s.logged_at = self.desk.clock()
            self.log_button.setText(f"Logged {s.logged_at:%H:%M} ✓")
            self.message.say(
                f"Logged: level {entry.level} — {' '.join(entry.reason.split())}"
                + (f" → {entry.target}" if entry.target.strip() else "")
                + ". Ctrl+Shift+L shows your counts.",
                "ok",
            )

        def failed(exc: BaseException) -> None:
            self.log_button.setEnabled(True)
            self.message.say(f"Not logged: {for_person(exc)}", "error")

        self.desk.log_service.add(entry, done, failed)

    # -- showing -----------------------------------------------------------------------------
    def open_for_call(self) -> None:
        self.prefill()
        parent = self.parentWidget()
        if parent is not None:
            pg = parent.frameGeometry()
            w = min(980, max(440, pg.width() - 20))
            h = min(760, max(520, pg.height() - 40))
            self.resize(w, h)
            self.move(pg.x() + (pg.width() - w) // 2, pg.y() + max(0, (pg.height() - h) // 3))
        self._arrange(self.width())
        present(self)
        self._focus_first_gap()

    def _focus_first_gap(self) -> None:
        for w in (self.reason, self.target, self.summary, self.callback, self.case_ref):
            empty = (
                w.toPlainText()
                if isinstance(w, QPlainTextEdit)
                else (w.currentText() if isinstance(w, QComboBox) else w.text())
            )
            if not empty.strip():
                w.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._arrange(e.size().width())

    def _arrange(self, width: int) -> None:
        direction = QBoxLayout.Direction.LeftToRight if width >= TWO_COLUMNS_FROM else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)
            self.form.setRowWrapPolicy(
                QFormLayout.RowWrapPolicy.DontWrapRows
                if width >= TWO_COLUMNS_FROM
                else QFormLayout.RowWrapPolicy.WrapLongRows
            )

    def hideEvent(self, e: QHideEvent) -> None:
        super().hideEvent(e)
        parent = self.parentWidget()
        if parent is not None and parent.isVisible():
            parent.activateWindow()  # Esc: the keyboard goes back to the main window
