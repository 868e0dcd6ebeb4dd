"""The rep's side of the feedback loop, in the window: flags, signals, delivery, answers.

- Flags: Ctrl+Shift+F opens the flag dialog for the card on screen; the flag is
  stored on this desk first (feedback.db), then delivered to the share's outbox.
- Signals: every search response, opened card and authority answer goes to the
  in-memory SignalRecorder on the GUI thread (a dict update: nothing a keystroke
  notices); a timer hands the batch to a worker that stores it.
- Delivery: after every sync poll, on a worker: flags not yet sent and closed days'
  figures go to the outbox. A share that is missing, read-only or full keeps them
  here, waiting, and the next poll tries again.
- Answers: an owner's answer to this desk's flag arrives with the pack; the card's
  note says it, and the status bar says so once when it arrives.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence

from workaid.core.errors import WorkAidError, for_person
from workaid.ui.desk.common import repolish
from workaid.ui.tasks import Tasks

if TYPE_CHECKING:
    from workaid.core.content.answers import Answer
    from workaid.core.content.search import Response
    from workaid.core.feedback.desk_store import FeedbackStore, Flag
    from workaid.ui.feedback.flag_dialog import FlagDialog
    from workaid.ui.main_window import MainWindow

log = logging.getLogger("workaid.ui.feedback")

FLUSH_MS = 20_000  # how often gathered signals are stored (a crash loses at most this much)
AUTHORITY_SETTLE_MS = 3_000  # an authority answer counts once the rep stopped changing the amount


class FeedbackService(QObject):
    changed = Signal()  # this desk's flags or their answers changed
    delivered = Signal(object)  # a Delivery after each attempt that reached the share

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        from workaid.core.feedback.signals import SignalRecorder

        self.window = window
        self.data_dir = Path(window.library.data_dir)
        self.tasks = Tasks(self, max_threads=1)  # one worker: the store's writes stay in order
        self.recorder = SignalRecorder()
        self.store: FeedbackStore | None = None
        self.mine: dict[str, list[Flag]] = {}
        self.answers: dict[str, Answer] = {}
        self.waiting_reason = ""  # why the last delivery did not reach the share
        self._dialog: FlagDialog | None = None
        self._delivering = False
        self._shut = False
        self._authority: tuple[str, str] | None = None
        self._call_values: tuple[str, ...] = ()
        self._authority_timer = QTimer(self)
        self._authority_timer.setSingleShot(True)
        self._authority_timer.setInterval(AUTHORITY_SETTLE_MS)
        self._authority_timer.timeout.connect(self._settle_authority)
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)

        self.action = QAction("Flag this card…", self)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(lambda _checked=False: self.open_flag_dialog())
        window.addAction(self.action)
        desk = window.desk
        if desk is not None:
            desk.bar.menu.addSeparator()
            desk.bar.menu.addAction(self.action)
            desk.authorityChecked.connect(self._on_authority)
            desk.newCall.connect(self._on_new_call)
        window.search.results.connect(self._on_results)
        window.cardOpened.connect(self._on_opened)
        window.search_box.textChanged.connect(self._on_text)
        if window.sync is not None:
            window.sync.checked.connect(self.deliver)
            window.sync.applied.connect(self._on_sync_applied)
        self.tasks.run(self._open_store, self._store_ready, self._store_failed)
        self._flush_timer.start()

    # -- the local store ---------------------------------------------------------------------
    def _open_store(self) -> tuple[FeedbackStore, dict[str, list[Flag]], frozenset[str]]:
        from workaid.core.feedback.desk_store import FeedbackStore, default_path

        store = FeedbackStore(default_path(self.data_dir))
        return store, _by_card(store.flags()), _vocabulary(self.data_dir)

    def _store_ready(self, result: tuple[FeedbackStore, dict[str, list[Flag]], frozenset[str]]) -> None:
        self.store, self.mine, vocabulary = result
        self.recorder.vocabulary = vocabulary
        if self.store.notice:
            self.window.statusBar().showMessage(self.store.notice, 15_000)
        self._reload_answers(announce=False)
        self.changed.emit()
        self._show_note()
        self.deliver()

    def _store_failed(self, exc: BaseException) -> None:
        log.warning("the feedback store could not be opened: %s", exc)
        self.window.statusBar().showMessage(f"Flags cannot be saved on this desk: {for_person(exc)}", 10_000)

    # -- signals (GUI thread, O(1) each) -------------------------------------------------------
    def _on_results(self, response: Response) -> None:
        if response.cancelled:
            return
        if response.mode == "browse" or not response.query.strip():
            self.recorder.cleared()
            return
        desk = self.window.desk
        if desk is not None:
            values = tuple(v for v in desk.session.values.values() if isinstance(v, str) and v.strip())
            if values != self._call_values:  # only when the call's values changed: a keystroke stays O(1)
                self._call_values = values
                self.recorder.set_call_values(values)
        self.recorder.searched(response.query, len(response.results))

    def _on_text(self, text: str) -> None:
        if not text.strip():
            self.recorder.cleared()

    def _on_opened(self, card_id: str) -> None:
        self.recorder.opened(card_id)
        self._settle_authority()
        self._show_note()

    def _on_authority(self, card_id: str, verdict: str) -> None:
        if self._authority is not None and self._authority[0] != card_id:
            self._settle_authority()
        self._authority = (card_id, verdict)
        self._authority_timer.start()

    def _settle_authority(self) -> None:
        self._authority_timer.stop()
        if self._authority is not None:
            card_id, verdict = self._authority
            self._authority = None
            self.recorder.authority(card_id, verdict)

    def _on_new_call(self) -> None:
        self._settle_authority()
        self.recorder.cleared()
        self._call_values = ()
        self.recorder.set_call_values(())

    def flush(self, final: bool = False) -> None:
        """Hand what was gathered to the worker that stores it."""
        if self.store is None:
            return
        batch = self.recorder.take(final=final)
        store = self.store
        self.tasks.run(lambda: store.add_counts(batch), None, self._flush_failed)

    def _flush_failed(self, exc: BaseException) -> None:
        log.warning("could not store this desk's search figures: %s", exc)

    # -- flags ------------------------------------------------------------------------------------
    def open_flag_dialog(self) -> FlagDialog | None:
        card = self.window.card_view.card
        if card is None:
            self.window.statusBar().showMessage("Open a card first: a flag is about the card on screen.", 6000)
            return None
        if self._dialog is None:
            from workaid.ui.feedback.flag_dialog import FlagDialog

            self._dialog = FlagDialog(self.window)
            self._dialog.submitted.connect(self._submit)
        self._dialog.open_for(card, self.describe_mine(card.id, joined="\n"))
        return self._dialog

    def _submit(self, reason: str, comment: str) -> None:
        dialog, card = self._dialog, self.window.card_view.card
        if dialog is None or dialog.card is None:
            return
        if self.store is None:
            dialog.message.say("Flags cannot be saved yet: this desk's feedback file is not open.", "error")
            return
        target = dialog.card if card is None or card.id != dialog.card.id else card
        desk = self.window.desk
        values = tuple(v for v in (desk.session.values.values() if desk is not None else ()) if v.strip())
        store = self.store
        dialog.send_button.setEnabled(False)

        def done(flag: Flag) -> None:
            self.mine.setdefault(flag.card, []).insert(0, flag)
            dialog.send_button.setEnabled(True)
            dialog.hide()
            self.window.statusBar().showMessage(
                f"Flag saved for “{target.title}”: waiting to send (it goes with the next sync).", 8000
            )
            self.changed.emit()
            self._show_note()
            self.deliver()

        def failed(exc: BaseException) -> None:
            dialog.send_button.setEnabled(True)
            dialog.message.say(f"Not saved: {for_person(exc)}", "error")

        self.tasks.run(lambda: store.add_flag(target.id, target.version, reason, comment, values), done, failed)

    def describe_mine(self, card_id: str, joined: str = "  ·  ") -> str:
        """This desk's flags on a card, newest first, with where each stands."""
        from workaid.ui.feedback.flag_dialog import REASON_WORDS

        lines = []
        for flag in self.mine.get(card_id, [])[:3]:
            when = _local(flag.at)
            answer = self.answers.get(flag.id)
            if answer is not None:
                state = answer.describe()
            elif flag.sent_at:
                state = f"sent {_local(flag.sent_at)}"
            else:
                state = "waiting to send" + (f" ({self.waiting_reason})" if self.waiting_reason else "")
            lines.append(f"Your flag ({REASON_WORDS.get(flag.reason, flag.reason)}, {when}): {state}")
        return joined.join(lines)

    def _show_note(self) -> None:
        desk = self.window.desk
        card = self.window.card_view.card
        if desk is None:
            return
        text = self.describe_mine(card.id) if card is not None else ""
        if not text:
            desk.pane.hide_note()
            return
        answered = any(f.id in self.answers for f in self.mine.get(card.id, [])[:3]) if card else False
        desk.pane.note.setProperty("tone", "ok" if answered else "")
        repolish(desk.pane.note)
        desk.pane.show_note(text)

    # -- delivery ---------------------------------------------------------------------------------
    def deliver(self) -> None:
        """Send what waits to the share's outbox, on the worker; never overlapping."""
        if self.store is None or self._delivering or self._shut:
            return
        self._delivering = True
        store, recorder, data_dir, library = self.store, self.recorder, self.data_dir, self.window.library
        serial = _serial(library)

        def job() -> Any:
            from workaid.core.distribution.config import load_config
            from workaid.core.feedback.desk_id import desk_id
            from workaid.core.feedback.outbox import deliver

            config = load_config()
            store.add_counts(recorder.take())
            if not config.share or "://" in config.share:
                return None  # no folder share configured: everything waits here
            from workaid.core.desk.escalation_log import EscalationLog, default_path

            escalations = EscalationLog(default_path(data_dir))
            try:
                return deliver(
                    store,
                    Path(config.share),
                    desk_id(data_dir),
                    config.telemetry,
                    dt.datetime.now(dt.UTC).date(),
                    serial=serial,
                    escalations=escalations,
                )
            finally:
                escalations.close()

        self.tasks.run(job, self._delivered, self._not_delivered)

    def _delivered(self, delivery: Any) -> None:
        self._delivering = False
        self.waiting_reason = "" if delivery is not None else "no shared folder is set up"
        if delivery is not None:
            self.delivered.emit(delivery)
        self._refresh_flags()

    def _not_delivered(self, exc: BaseException) -> None:
        self._delivering = False
        self.waiting_reason = "the shared folder cannot be reached"
        log.info("feedback waits on this desk: %s", exc)
        self._show_note()

    def _refresh_flags(self) -> None:
        store = self.store
        if store is None:
            return

        def loaded(mine: dict[str, list[Flag]]) -> None:
            self.mine = mine
            self.changed.emit()
            self._show_note()

        self.tasks.run(lambda: _by_card(store.flags()), loaded, None)

    # -- answers ---------------------------------------------------------------------------------
    def _on_sync_applied(self, _result: object) -> None:
        self._reload_answers(announce=True)

    def _reload_answers(self, announce: bool) -> None:
        try:
            answers = self.window.library.answers()
        except (WorkAidError, sqlite3.Error, OSError) as e:  # a damaged database says so elsewhere; answers can wait
            log.info("answers not read: %s", e)
            return
        mine = {f.id: f for flags in self.mine.values() for f in flags}
        new = [a for fid, a in answers.items() if fid in mine and self.answers.get(fid) != a]
        self.answers = answers
        if announce and new:
            a = new[0]
            title = self.window.desk.card_title(a.card) if self.window.desk is not None else a.card
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            self.window.statusBar().showMessage(f"Your flag on “{title}” was answered{more}: {a.describe()}", 15_000)
        if new:
            self.changed.emit()
        self._show_note()

    def shutdown(self) -> None:
        if self._shut:
            return
        self._settle_authority()
        self.flush(final=True)
        self._shut = True
        self._flush_timer.stop()
        self.tasks.wait(3000)
        self.tasks.close()
        if self.store is not None:
            self.store.close()


def _by_card(flags: list[Flag]) -> dict[str, list[Flag]]:
    out: dict[str, list[Flag]] = {}
    for f in sorted(flags, key=lambda f: f.at, reverse=True):
        out.setdefault(f.card, []).append(f)
    return out


def _local(when: dt.datetime) -> str:
    t = when.astimezone()
    return f"{t.day} {t:%b %H:%M}"  # not %-d: Windows' strftime has no such flag


def _serial(library: Any) -> int:
    try:
        return int(library.store.meta().get("pack_serial", "0") or 0)
    except (WorkAidError, sqlite3.Error, ValueError):  # unknown: the day file says 0
        return 0


def _vocabulary(data_dir: Path) -> frozenset[str]:
    """The words the content index knows: a capitalised word outside it is how a rep types
    a surname, so such a query is never sent (core.feedback.privacy)."""

    from workaid.core.content.store import DB_NAME

    try:
        conn = sqlite3.connect(f"file:{(data_dir / DB_NAME).as_posix()}?mode=ro", uri=True)
        try:
            return frozenset(r[0] for r in conn.execute("SELECT term FROM cards_vocab"))
        finally:
            conn.close()
    except sqlite3.Error as e:
        log.info("content words not read (%s): queries with capitalised words are not sent", e)
        return frozenset()
