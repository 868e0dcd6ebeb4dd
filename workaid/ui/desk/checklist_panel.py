"""The escalation checklist, one question at a time, keyboard only.

Y / N answer, Backspace takes the last answer back, and the end shows the
recommendation: the level, the reason, the team (for an expert or a supervisor),
the script to say and what to do before transferring. Enter opens the script,
↑ / ↓ choose another team, Ctrl+H writes the hand-off note. The walk itself is
workaid.core.desk.checklist.Walk; the time-threshold question is answered by the call
timer when it can be (CallSession.timer_answer).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workaid.core.desk.call_timer import format_elapsed
from workaid.core.desk.checklist import TIME_STEP, ChecklistError, Recommendation, Walk
from workaid.core.desk.routing import Plan, plan_for
from workaid.core.desk.session import TIME_THRESHOLD_MINUTES
from workaid.ui.desk.common import DeskPanel, FlowLayout, Message, key_hint, set_tone
from workaid.ui.desk.models import ContactsModel, TrailModel

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk

_LEVEL_TONES = {1: "within", 2: "senior", 3: "escalate"}
_OUTCOME_WORDS = {"handle": "Handle it", "expert": "Expert", "supervisor": "Supervisor", "senior": "Senior rep"}


class ChecklistPanel(DeskPanel):
    title = "Escalation checklist"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChecklistPanel")
        self.desk = desk
        self.card: Any = None
        self.walk: Walk | None = None
        self.plan: Plan | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleDescription("Y yes, N no, Backspace back; at the end Enter opens the script")

        outer, self.progress = self.headed_layout()

        # -- the question -------------------------------------------------------------
        self.question_box = QFrame(self)
        self.question_box.setObjectName("QuestionBox")
        qb = QVBoxLayout(self.question_box)
        qb.setContentsMargins(14, 10, 14, 10)
        qb.setSpacing(6)
        self.question = QLabel(self.question_box)
        self.question.setObjectName("Question")
        self.question.setWordWrap(True)
        self.question.setAccessibleName("Question")
        self.help = QLabel(self.question_box)
        self.help.setObjectName("DeskHint")
        self.help.setWordWrap(True)
        self.timer_note = QLabel(self.question_box)
        self.timer_note.setObjectName("TimerNote")
        self.timer_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.yes = QPushButton("Y  Yes", self.question_box)
        self.yes.setObjectName("AnswerYes")
        self.yes.setAccessibleName("Yes")
        self.no = QPushButton("N  No", self.question_box)
        self.no.setObjectName("AnswerNo")
        self.no.setAccessibleName("No")
        self.back_button = QPushButton("⌫  Back", self.question_box)
        self.back_button.setObjectName("AnswerBack")
        self.back_button.setAccessibleName("Back: take the last answer back")
        for b in (self.yes, self.no, self.back_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the panel keeps the keyboard: Y, N, Backspace
        buttons.addWidget(self.yes)
        buttons.addWidget(self.no)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        qb.addWidget(self.question)
        qb.addWidget(self.help)
        qb.addWidget(self.timer_note)
        qb.addLayout(buttons)
        outer.addWidget(self.question_box)

        # -- the result -------------------------------------------------------------------
        self.result_box = QFrame(self)
        self.result_box.setObjectName("ResultBox")
        rb = QVBoxLayout(self.result_box)
        rb.setContentsMargins(14, 10, 14, 12)
        rb.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.badge = QLabel(self.result_box)
        self.badge.setObjectName("LevelBadge")
        self.outcome = QLabel(self.result_box)
        self.outcome.setObjectName("OutcomeTitle")
        self.outcome.setWordWrap(True)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.outcome, 1)
        rb.addLayout(top)
        self.reason = QLabel(self.result_box)
        self.reason.setObjectName("OutcomeReason")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Reason")
        rb.addWidget(self.reason)

        self.team_row = QWidget(self.result_box)
        tr = QHBoxLayout(self.team_row)
        tr.setContentsMargins(0, 2, 0, 2)
        tr.setSpacing(8)
        team_label = QLabel("&Team", self.team_row)
        self.team = QComboBox(self.team_row)
        self.team.setObjectName("TeamCombo")
        self.team.setAccessibleName("Team to hand over to")
        self.contacts = ContactsModel(desk.clock, self)
        self.team.setModel(self.contacts)
        self.team.setMinimumContentsLength(18)
        team_label.setBuddy(self.team)
        self.team_status = QLabel(self.team_row)
        self.team_status.setObjectName("TeamStatus")
        self.team_status.setWordWrap(True)
        self.team_status.setAccessibleName("Team status")
        tr.addWidget(team_label)
        tr.addWidget(self.team, 0)
        tr.addWidget(self.team_status, 1)
        rb.addWidget(self.team_row)

        self.script_line = QLabel(self.result_box)
        self.script_line.setObjectName("ScriptLine")
        self.script_line.setWordWrap(True)
        self.script_line.setTextFormat(Qt.TextFormat.RichText)
        rb.addWidget(self.script_line)
        self.before = QLabel(self.result_box)
        self.before.setObjectName("BeforeList")
        self.before.setWordWrap(True)
        self.before.setTextFormat(Qt.TextFormat.RichText)
        self.before.setAccessibleName("Before you transfer")
        rb.addWidget(self.before)

        actions_box = QWidget(self.result_box)
        actions = FlowLayout(actions_box, h_spacing=8, v_spacing=6)
        self.open_script = QPushButton("Open the &script  ⏎", actions_box)
        self.open_script.setObjectName("PrimaryButton")
        self.open_script.setAccessibleName("Open the script to say")
        self.open_card = QPushButton(actions_box)
        self.open_card.setObjectName("SecondaryButton")
        self.open_card.setAccessibleName("Open the card the checklist names")
        self.handoff = QPushButton("&Hand-off note  Ctrl+H", actions_box)
        self.handoff.setObjectName("SecondaryButton")
        self.handoff.setAccessibleName("Write the hand-off note")
        for b in (self.open_script, self.open_card, self.handoff):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            actions.addWidget(b)
        rb.addWidget(actions_box)
        outer.addWidget(self.result_box)

        self.keys = QLabel(self)
        self.keys.setObjectName("KeyHints")
        self.keys.setWordWrap(True)
        self.keys.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.keys)

        self.trail_model = TrailModel(self)
        self.trail = QListView(self)
        self.trail.setObjectName("Trail")
        self.trail.setAccessibleName("Answers so far")
        self.trail.setModel(self.trail_model)
        self.trail.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.trail.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.trail.setWordWrap(True)
        self.trail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.trail)

        self.message = Message(self, "Checklist message")
        outer.insertWidget(1, self.message)  # under the title: in view even when the panel scrolls

        self.yes.clicked.connect(lambda: self.answer(True))
        self.no.clicked.connect(lambda: self.answer(False))
        self.back_button.clicked.connect(self.back)
        self.open_script.clicked.connect(self.open_next)
        self.open_card.clicked.connect(self._open_rec_card)
        self.handoff.clicked.connect(self.desk.open_handoff)
        self.team.currentIndexChanged.connect(self._on_team)

    # -- the walk -------------------------------------------------------------------------
    def show_card(self, card: Any) -> None:
        if self.walk is None or self.card is None or self.card.id != card.id:
            self.card = card
            self.start()
        else:
            self.card = card
            self.refresh()

    def start(self) -> None:
        self.message.clear_message()
        try:
            self.walk = Walk.from_card(self.card, clock=self.desk.clock)
        except ChecklistError as e:
            self.walk = None
            self.question.setText("This checklist cannot be used.")
            self.message.say(str(e), "error")
            self.refresh()
            return
        self._auto()
        self.refresh()

    def new_call(self) -> None:
        if self.card is not None:
            self.start()

    def timer_changed(self) -> None:
        """The call timer started or stopped: it may now answer the question on screen."""
        if self.walk is not None and not self.walk.finished:
            self._auto()
            self.refresh()

    def _auto(self) -> None:
        w = self.walk
        if w is None or w.current is None:
            return
        answer = self.desk.session.timer_answer(w.current.id)
        if answer is not None:
            w.set_auto_answer(w.current.id, answer)

    def answer(self, yes: bool) -> None:
        if self.walk is None or self.walk.finished:
            return
        self.message.clear_message()
        self.walk.answer(yes)
        self._auto()
        self.refresh()

    def back(self) -> None:
        if self.walk is None or not self.walk.can_go_back:
            self.message.say("This is the first question: nothing to take back.", "info")
            return
        self.message.clear_message()
        self.walk.back()
        self.refresh()

    # -- showing it -------------------------------------------------------------------------
    def refresh(self) -> None:
        w = self.walk
        self.trail_model.set_rows(w.trail if w else [])
        rows = self.trail_model.rowCount()
        self.trail.setVisible(rows > 0)
        if rows:
            h = sum(self.trail.sizeHintForRow(r) for r in range(rows)) + 2 * self.trail.frameWidth() + 4
            self.trail.setFixedHeight(min(h, 150))
        self.back_button.setEnabled(bool(w and w.can_go_back))
        finished = bool(w and w.finished)
        self.question_box.setVisible(not finished and w is not None)
        self.result_box.setVisible(finished)
        if w is None:
            self.progress.clear()
            self.keys.clear()
            self.resized.emit()
            return
        rec, step = w.result, w.current
        if rec is None and step is not None:
            order = [s.id for s in w.steps()]
            self.progress.setText(f"Question {order.index(step.id) + 1} of {len(order)}")
            self.question.setText(step.question)
            self.help.setText(step.help)
            self.help.setVisible(bool(step.help))
            self._show_timer_note(step.id)
            self.keys.setText(
                " &nbsp; ".join([key_hint("Y", "yes"), key_hint("N", "no"), key_hint("Backspace", "back")])
            )
            self.setAccessibleDescription(f"{step.question} — Y yes, N no, Backspace back")
            self.desk.session.record_checklist(None, "")
            self.plan = None
        elif rec is not None:
            self._show_result(w, rec)
        self.resized.emit()

    def _show_timer_note(self, step_id: str) -> None:
        s = self.desk.session
        if step_id != TIME_STEP:
            self.timer_note.hide()
            return
        if not s.started:
            text = "The call timer is not running: Ctrl+T starts it, or answer from your own watch."
        else:
            shown = format_elapsed(s.timer.elapsed())
            text = f"The call timer says {shown}: past {TIME_THRESHOLD_MINUTES} minutes. Is there a clear path to a resolution?"
        self.timer_note.setText(text)
        self.timer_note.show()

    def _show_result(self, walk: Walk, rec: Recommendation) -> None:
        session = self.desk.session
        # The route follows the authority check on this call (a senior rep, not a supervisor,
        # when the card's table says a senior rep may grant it).
        plan = plan_for(rec, session.authority)
        new = self.plan is None or self.plan.outcome != plan.outcome
        self.plan = plan
        session.record_checklist(rec, walk.summary())
        self.progress.setText("Done")
        self.badge.setText(f"LEVEL {plan.level} · {_OUTCOME_WORDS[plan.outcome].upper()}")
        tone = "senior" if plan.outcome == "senior" else _LEVEL_TONES[plan.level]  # level 1, but not yours alone
        set_tone(self.badge, tone)
        set_tone(self.result_box, tone)
        self.outcome.setText(plan.title)
        self.reason.setText(f"Reason: {plan.reason}")
        # The team: the best fit for this call, unless the rep already chose one for this outcome.
        self.team_row.setVisible(plan.needs_target)
        if plan.needs_target:
            ranked = self.desk.rank_contacts(plan.outcome)
            current = session.target
            if new or current is None or current.id not in [c.id for c in ranked]:
                current = ranked[0] if ranked else None
            self.contacts.set_rows(ranked)
            self.team.blockSignals(True)
            self.team.setCurrentIndex(self.contacts.row_of(current.id) if current else -1)
            self.team.blockSignals(False)
            session.set_target(current)
            self._show_team_status()
        esc = html.escape
        script_title = self.desk.card_title(plan.script) if plan.script else ""
        if plan.script:
            self.script_line.setText(f"<b>Say:</b> {esc(script_title)} — Enter opens it, with what you know filled in")
            self.open_script.setText("Open the &script  ⏎")
        else:
            card_title = self.desk.card_title(plan.card) if plan.card else ""
            self.script_line.setText(f"<b>Next:</b> {esc(card_title or 'resolve it now')}")
            self.open_script.setText("Open the &card  ⏎")
        self.before.setText("<b>Before you transfer:</b>" + "".join(f"<br>• {esc(b)}" for b in plan.before))
        rec_title = self.desk.card_title(plan.card) if plan.card else ""
        self.open_card.setVisible(bool(plan.card and plan.script))
        short = rec_title if len(rec_title) <= 34 else rec_title[:33].rstrip(" —-,") + "…"
        self.open_card.setText(f"&Open “{short}”" if rec_title else "")
        self.open_card.setToolTip(rec_title)
        self.open_card.setAccessibleDescription(rec_title)
        if plan.script and short != rec_title:
            # The button's title is cut to fit: the whole one is on screen too, not only
            # in a tooltip a mouse must hover for.
            self.script_line.setText(f"{self.script_line.text()}<br><b>Card:</b> {esc(rec_title)}")
        hints = [key_hint("Enter", "open the script" if plan.script else "open the card")]
        if plan.needs_target:
            hints.append(key_hint("↑ ↓", "team"))
        hints += [key_hint("Ctrl+H", "hand-off note"), key_hint("Backspace", "change the last answer")]
        self.keys.setText(" &nbsp; ".join(hints))
        self.setAccessibleDescription(f"Level {plan.level}: {plan.title}. {plan.reason}. Enter opens the script.")

    def _show_team_status(self) -> None:
        c = self.desk.session.target
        if c is None:
            self.team_status.setText("Choose the team to hand over to.")
            return
        now = c.now_text(self.desk.clock())
        set_tone(self.team_status, "ok" if c.open_at(self.desk.clock()) else "warn")
        self.team_status.setText(f"{now} · {c.channel_label} {c.direct}")

    def _on_team(self, row: int) -> None:
        self.desk.session.set_target(self.contacts.contact(row))
        self._show_team_status()
        self.desk.call_changed()

    def move_team(self, step: int) -> None:
        n = self.contacts.rowCount()
        if n and self.team_row.isVisible():
            self.team.setCurrentIndex(max(0, min(n - 1, self.team.currentIndex() + step)))

    # -- keys and actions -----------------------------------------------------------------------
    def keyPressEvent(self, e: QKeyEvent) -> None:
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = e.key()
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            super().keyPressEvent(e)
            return
        finished = bool(self.walk and self.walk.finished)
        if key == Qt.Key.Key_Y and not finished:
            self.answer(True)
        elif key == Qt.Key.Key_N and not finished:
            self.answer(False)
        elif key == Qt.Key.Key_Backspace:
            self.back()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and finished:
            self.open_next()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and finished:
            self.move_team(-1 if key == Qt.Key.Key_Up else 1)
        elif e.text().isprintable() and e.text().strip():
            keys = "Enter, ↑ ↓ or Backspace" if finished else "Y (yes), N (no) or Backspace (back)"
            self.message.say(f"The checklist takes {keys} here; Ctrl+K goes back to the search.", "info")
        else:
            super().keyPressEvent(e)
            return
        e.accept()

    def open_next(self) -> None:
        """The script to say (or, when there is none, the card the checklist names)."""
        if self.plan is None:
            return
        target = self.plan.script or self.plan.card
        if target:
            self.desk.open_card(target, focus_panel=True)

    def _open_rec_card(self) -> None:
        if self.plan is not None and self.plan.card:
            self.desk.open_card(self.plan.card, focus_panel=False)

    def focus_first(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_chain(self) -> list[QWidget]:
        return [self, self.team, self.open_script, self.open_card, self.handoff]

    def copy(self) -> bool:
        if self.walk is None or not self.walk.trail:
            return False
        from workaid.ui.desk.common import copy_to_clipboard

        copy_to_clipboard(self.walk.summary())
        self.message.say("Copied the answers so far.", "ok")
        return True
