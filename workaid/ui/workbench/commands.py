"""What the workbench does beyond editing one file: the form beside the source (kept in
step both ways), the desk panel over the preview, and the owner's commands: new card
from a template, rename or move, change id, delete, mark reviewed, history and diff,
publish. Each command is a thin call into workaid.core.authoring.
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QWidget,
)

from workaid.core.authoring import files, templates
from workaid.core.authoring.review_queue import REVIEWED_NOTE, mark_reviewed
from workaid.core.authoring.writer import form_from_card, text_from_form
from workaid.core.content.cards import ParseResult, derived_id
from workaid.core.content.kinds import KINDS
from workaid.core.errors import for_person, is_expected
from workaid.core.settings import Settings

if TYPE_CHECKING:
    from workaid.ui.workbench.feedback_view import FeedbackWindow
    from workaid.ui.workbench.window import WorkbenchWindow

log = logging.getLogger("workaid.ui.workbench")


_FRONT = re.compile(r"\A(\ufeff?---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z))", re.S)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter with its fences, body) of a card file's text; ("", text) without one."""
    m = _FRONT.match(text)
    return (m.group(1), text[m.end() :]) if m else ("", text)


class NewCardDialog(QDialog):
    """Kind, title, id (proposed from the title) and file for a card from a template."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New card — WorkAid")
        form = QFormLayout(self)
        self.kind = QComboBox(self)
        for kind in KINDS:
            self.kind.addItem(kind, kind)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("What a rep searches for, e.g. Waiving a late-payment fee")
        self.card_id = QLineEdit(self)
        self.card_id.setPlaceholderText("late-payment-fee (letters, digits, hyphens)")
        self.folder = QLineEdit(self)
        self.folder.setPlaceholderText("optional sub-folder, e.g. fees")
        form.addRow("&Kind:", self.kind)
        form.addRow("&Title:", self.title)
        form.addRow("&Id:", self.card_id)
        form.addRow("&Folder:", self.folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.title.textEdited.connect(self._propose_id)
        self._id_typed = False
        self.card_id.textEdited.connect(lambda _t: setattr(self, "_id_typed", True))

    def _propose_id(self, title: str) -> None:
        if not self._id_typed:
            self.card_id.setText(derived_id(title))  # the same rule as an id taken from a file name


class WorkbenchCommands(QObject):
    """Attached to a WorkbenchWindow: its Card menu, its form tab and its desk preview."""

    def __init__(self, window: WorkbenchWindow, settings: Settings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.suggested_note = ""  # what the next publish note starts from (e.g. "reviewed, no change")
        self._from_form = False
        self._add_form_and_desk_preview(settings)
        self._add_menu()

    # -- the form and the desk panel -----------------------------------------------------------
    def _add_form_and_desk_preview(self, settings: Settings | None) -> None:
        from workaid.ui.workbench.desk_preview import DeskPreview
        from workaid.ui.workbench.form import CardFormEditor

        w = self.window
        self.form = CardFormEditor()
        self.form.setObjectName("CardFormEditor")
        w.add_editor_tab(self.form, "Form")
        self.desk_preview = DeskPreview(settings or Settings(w.data_dir / "workbench-preferences.json"))
        self.desk_preview.setObjectName("DeskPreview")
        # The desk panel over the rep's card view, as on a desk.
        preview_index = w.splitter.indexOf(w.preview)
        sizes = w.splitter.sizes()
        column = QSplitter(Qt.Orientation.Vertical)
        column.setObjectName("PreviewColumn")
        w.splitter.insertWidget(preview_index, column)
        scroll = QScrollArea()
        scroll.setObjectName("DeskPreviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.desk_preview)  # a tall panel scrolls rather than being cut off
        column.addWidget(scroll)
        column.addWidget(w.preview)  # moves it out of the outer splitter, into the column
        column.setStretchFactor(1, 3)
        column.setSizes([340, 520])
        w.splitter.setStretchFactor(w.splitter.indexOf(column), 4)  # as the preview had
        # The preview column now holds two views: give it a little more of the width.
        total = sum(sizes) or 1400
        w.splitter.setSizes([int(total * 0.22), int(total * 0.37), total - int(total * 0.22) - int(total * 0.37)])
        self.form.edited.connect(self._form_edited)
        w.textParsed.connect(self._text_parsed)

        # The body on its own, Markdown highlighted: its edits replace only the text after
        # the front matter, so the file's front matter stays exactly as the owner wrote it.
        from workaid.ui.workbench.highlighter import CardHighlighter

        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("BodyEditor")
        self.body_edit.setAccessibleName("Card text (Markdown)")
        self.body_edit.setFont(w.editor.font())
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._body_highlighter = CardHighlighter(self.body_edit.document())
        w.add_editor_tab(self.body_edit, "Body")
        self._setting_body = False
        self._desk_key: tuple[str, ...] | None = None
        self.body_edit.textChanged.connect(self._body_edited)
        w.tabs.currentChanged.connect(self._tab_changed)

    @Slot()
    def _form_edited(self) -> None:
        self._from_form = True
        try:
            self.window.set_source_text(text_from_form(self.form.form()))
        finally:
            self._from_form = False

    @Slot()
    def _body_edited(self) -> None:
        if self._setting_body:
            return
        front, _body = split_front_matter(self.window.source_text())
        self._from_form = True
        try:
            self.window.set_source_text(front + self.body_edit.toPlainText())
        finally:
            self._from_form = False

    def _show_body(self) -> None:
        """The body tab follows the source, unless the owner is typing in it."""
        _front, body = split_front_matter(self.window.source_text())
        if body != self.body_edit.toPlainText() and not self.body_edit.hasFocus():
            self._setting_body = True
            try:
                self.body_edit.setPlainText(body)
            finally:
                self._setting_body = False

    @Slot(object)
    def _text_parsed(self, parsed: ParseResult) -> None:
        # Only what is on screen follows each keystroke; a tab brought forward catches up.
        tab = self.window.tabs.currentWidget()
        if tab is self.body_edit:
            self._show_body()
        card = parsed.card
        if card is None:
            self.form.say_problem("The form shows the last version without problems: fix the source to go on.")
            return
        if tab is self.form and not self._from_form:
            self.form.set_form(form_from_card(card))
        # The desk panel reads the card's fields (a script's preview its text too).
        key = (card.id, card.kind, card.title, repr(card.fields), card.body if card.kind == "script" else "")
        if key != self._desk_key:
            self._desk_key = key
            self.desk_preview.show_card(card)

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        parsed = self.window.parsed
        tab = self.window.tabs.currentWidget()
        if tab is self.body_edit:
            self._show_body()
        elif tab is self.form and parsed is not None and parsed.card is not None:
            self.form.set_form(form_from_card(parsed.card))

    # -- the menu -----------------------------------------------------------------------------
    def _add_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Card")
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("new", "&New card from a template…", "Ctrl+N", self.new_card),
            ("move", "&Rename or move the file…", "F2", self.move_card),
            ("change_id", "Change the card's &id…", "", self.change_id),
            ("delete", "&Delete the card…", "", self.delete_card),
            ("reviewed", "Mark &reviewed", "Ctrl+Shift+R", self.mark_reviewed),
            ("history", "&History and diff…", "Ctrl+Shift+H", self.show_history),
            ("publish", "&Publish…", "Ctrl+Shift+P", self.publish),
            ("checkout", "&Check out the share's cards into a new folder…", "", self.checkout),
        ):
            act = QAction(text, self.window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _checked=False, s=slot: self._run(s))
            menu.addAction(act)
            self.actions[key] = act
        feedback = self.window.menuBar().addMenu("Fee&dback")
        for key, text, shortcut, tab in (
            ("flags", "&Flags from reps…", "Ctrl+Shift+F", "flags"),
            ("report", "&Report…", "Ctrl+Shift+G", "report"),
        ):
            act = QAction(text, self.window)
            act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _checked=False, t=tab: self._run(lambda: self.show_feedback(t)))
            feedback.addAction(act)
            self.actions[key] = act
        self._feedback: FeedbackWindow | None = None

    def show_feedback(self, tab: str = "flags") -> FeedbackWindow | None:
        """The Feedback (flags) or Report view over the configured share's outbox."""
        from workaid.core.distribution.config import load_config
        from workaid.core.distribution.sync import trusted_keys
        from workaid.ui.workbench.feedback_view import FeedbackSource, FeedbackWindow

        if self._feedback is None:
            config = load_config()
            if not config.share or "://" in config.share:
                self._say(
                    "No shared folder is configured: set `share` in workaid.toml; desks send their feedback there."
                )
                return None
            where = FeedbackSource(
                self.window.source_dir,
                Path(config.share),
                tuple(trusted_keys(config.trusted_keys)),
                config.author or getpass.getuser(),
            )
            self._feedback = FeedbackWindow(where, self.window)
        self._feedback.open_tab(tab)
        return self._feedback

    def _run(self, command: Callable[[], object]) -> None:
        try:
            command()
        except Exception as e:
            if not is_expected(e):
                raise  # a bug: the crash reporter has it
            self._say(for_person(e))

    def _say(self, text: str) -> None:
        self.window.status_label.setText(text)

    def _open_path(self) -> str | None:
        card = self.window.card
        if card is None:
            self._say("Open a card first.")
            return None
        return card.path

    def _leave_ok(self) -> bool:
        """A command that changes files on disk runs on the saved file, never over edits."""
        if self.window.has_unsaved_edits():
            self._say("Save or discard this card's edits first (Ctrl+S saves).")
            return False
        return True

    # -- the commands ---------------------------------------------------------------------------
    def new_card(self, kind: str | None = None, title: str | None = None, card_id: str | None = None) -> Path | None:
        w = self.window
        if kind is None or title is None or card_id is None:
            dialog = NewCardDialog(w)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            kind, title, card_id = dialog.kind.currentData(), dialog.title.text(), dialog.card_id.text().strip()
            folder = dialog.folder.text().strip().strip("/")
        else:
            folder = ""
        text = templates.new_card(kind, card_id, title)
        path = files.create_card(w.source_dir, f"{folder}/{card_id}" if folder else card_id, text)
        rel = path.relative_to(w.source_dir).as_posix()
        w.rescan()
        w.open_card(rel)
        self._say(f"New {kind} “{title}” in {rel}: fill it in, save, then publish.")
        return path

    def move_card(self, new_rel: str | None = None) -> Path | None:
        rel = self._open_path()
        if rel is None or not self._leave_ok():
            return None
        if new_rel is None:
            new_rel, ok = QInputDialog.getText(self.window, "Rename or move", "New place in the folder:", text=rel)
            if not ok or not new_rel.strip() or new_rel.strip() == rel:
                return None
        moved = files.move_card(self.window.source_dir, rel, new_rel)
        new = moved.relative_to(self.window.source_dir).as_posix()
        self.window.rescan()
        self.window.open_card(new)
        self._say(f"Moved to {new}; the card keeps its id, so links to it still work.")
        return moved

    def change_id(self, new_id: str | None = None) -> None:
        w = self.window
        rel = self._open_path()
        parsed = w.parsed.card if w.parsed is not None else None
        if rel is None or parsed is None or not self._leave_ok():
            if rel is not None and parsed is None:
                self._say("Fix the card's problems first: its id cannot be read.")
            return
        refs = [p.relative_to(w.source_dir).as_posix() for p in files.references_to(w.source_dir, parsed.id)]
        if new_id is None:
            warning = (
                "Other cards link to a card by its id. Changing it updates the links in this folder"
                + (f" ({', '.join(refs[:5])}{'…' if len(refs) > 5 else ''})" if refs else "")
                + ", but anything outside it that names the old id (a rep's bookmark, a note) will not find the card."
            )
            new_id, ok = QInputDialog.getText(w, "Change the id", warning + "\n\nNew id:", text=parsed.id)
            if not ok or not new_id.strip() or new_id.strip() == parsed.id:
                return
        change = files.change_id(w.source_dir, parsed.id, new_id.strip())
        w.rescan()
        w.open_card(rel)
        self._say(change.message())

    def delete_card(self, confirm: bool = True) -> Path | None:
        rel = self._open_path()
        if rel is None or not self._leave_ok():
            return None
        if confirm:
            answer = QMessageBox.question(
                self.window,
                "Delete the card",
                f"Move {rel} to the folder's trash? Publishing then retires the card on every desk; "
                "its history stays, and putting the file back undoes it.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        kept = files.delete_card(self.window.source_dir, rel)
        self.window.card = None
        self.window.rescan()
        self._say(f"{rel} is in the trash ({kept.relative_to(self.window.source_dir)}); publish to retire it.")
        return kept

    def mark_reviewed(self, today: dt.date | None = None) -> None:
        w = self.window
        rel = self._open_path()
        if rel is None or not self._leave_ok():
            return
        result = mark_reviewed(w.source_dir / rel, today or dt.date.today())
        w.reload_from_disk()
        self.suggested_note = REVIEWED_NOTE
        before = result.old.strftime("%d %b %Y") if result.old else "none"
        self._say(f"Reviewed: review by {before} → {result.new:%d %b %Y}. Publish with the note “{REVIEWED_NOTE}”.")

    def show_history(self) -> None:
        from workaid.ui.workbench.history_dialog import HistoryDialog

        w = self.window
        parsed = w.parsed.card if w.parsed is not None else None
        if parsed is None:
            self._say("Open a card without problems to see its history.")
            return
        dialog = HistoryDialog(w, parsed.id, w.source_text())
        dialog.restore_requested.connect(self._restore_text)
        dialog.open_history()

    @Slot(str, int)
    def _restore_text(self, text: str, version: int) -> None:
        self.window.set_source_text(text)
        self.suggested_note = f"restored version {version}"
        self._say(f"Version {version} is in the editor as an unsaved edit: save, then publish it with a note.")

    def checkout(self, dest: Path | None = None) -> None:
        """A new owner's copy of the share's current cards, in a folder of their own,
        opened in a workbench of its own when done."""
        from workaid.core.distribution import pack
        from workaid.core.distribution.config import load_config
        from workaid.core.distribution.sync import trusted_keys

        w = self.window
        config = load_config()
        if not config.share:
            self._say("No shared folder is configured: set `share` in workaid.toml (workaid config shows it).")
            return
        if dest is None:
            from PySide6.QtWidgets import QFileDialog

            name = QFileDialog.getExistingDirectory(w, "An empty folder for your copy of the cards")
            if not name:
                return
            dest = Path(name)
        share, trusted = Path(config.share), trusted_keys(config.trusted_keys)
        self._say(f"Checking out the cards from {share} into {dest}…")

        def done(report: pack.CheckoutReport) -> None:
            from workaid.ui.workbench.window import WorkbenchWindow

            self.opened = WorkbenchWindow(dest, w.data_dir)
            self.opened.show()
            self._say(f"Checked out {report.written} cards into {dest}; it is open in a new workbench window.")

        w.tasks.run(
            lambda: pack.check_out(share, dest, trusted),
            done,
            lambda e: self._say(f"Not checked out: {for_person(e)}"),
        )

    def publish(self) -> None:
        from workaid.core.distribution.config import load_config
        from workaid.core.distribution.sync import trusted_keys
        from workaid.ui.workbench.publish_dialog import PublishDialog, PublishTarget

        w = self.window
        if w.has_unsaved_edits() and not w.save():
            return
        config = load_config()
        if not config.share:
            self._say("No shared folder is configured: set `share` in workaid.toml (workaid config shows it).")
            return
        target = PublishTarget(
            w.source_dir,
            Path(config.share),
            tuple(trusted_keys(config.trusted_keys)),
            config.author or "",
            Path(config.key) if config.key else None,
        )
        dialog = PublishDialog(target, w)
        dialog.note.setText(self.suggested_note)
        dialog.published.connect(lambda _report: w.rescan())
        dialog.open_plan()
