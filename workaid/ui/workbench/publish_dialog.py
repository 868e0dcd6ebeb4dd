"""Publish from the workbench: the cards that will change, each with its diff, a change
note that is required, the key's passphrase when the key has one, and a conflict
resolved card by card (take theirs, keep mine, merge by hand). Never an overwrite.

The plan and the publish run off the GUI thread (workaid.ui.tasks); the key is read
from the owner's own disk and never leaves it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workaid.core.authoring.publishing import (
    PendingChange,
    PublishPlan,
    keep_mine,
    merge3,
    plan_publish,
    save_merge,
    take_theirs,
)
from workaid.core.content.highlight import marked_source_html
from workaid.core.distribution import keys
from workaid.core.errors import for_person, is_expected
from workaid.ui.tasks import Tasks

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_USER = int(Qt.ItemDataRole.UserRole)
NOTE_HINT = "Write a change note: reps see it with every card this publish changes."


@dataclass(frozen=True)
class PublishTarget:
    """Where and as whom: from the configuration (share, trusted keys, author, key)."""

    source: Path
    share: Path
    trusted: tuple[keys.PublicKey, ...]
    author: str
    key_path: Path | None = None


class PendingModel(QAbstractListModel):
    """The cards a publish would touch; conflicts first."""

    IdRole = _USER + 1
    ActionRole = _USER + 2
    ConflictRole = _USER + 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PendingChange] = []

    def set_changes(self, changes: tuple[PendingChange, ...]) -> None:
        self.beginResetModel()
        self._rows = sorted(changes, key=lambda c: (not c.conflict, c.action, c.card_id))
        self.endResetModel()

    def change(self, row: int) -> PendingChange | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def roleNames(self) -> dict[int, QByteArray]:
        names = {
            int(Qt.ItemDataRole.DisplayRole): b"display",
            self.IdRole: b"cardId",
            self.ActionRole: b"action",
            self.ConflictRole: b"conflict",
        }
        return {k: QByteArray(v) for k, v in names.items()}

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"⚠ {c.card_id} — conflict" if c.conflict else f"{c.card_id} — {c.action}"
        if role == self.IdRole:
            return c.card_id
        if role == self.ActionRole:
            return c.action
        if role == self.ConflictRole:
            return c.conflict
        return None


class PublishDialog(QDialog):
    """Plan → review each change → note (and passphrase) → publish."""

    published = Signal(object)  # the PublishReport

    def __init__(self, target: PublishTarget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.plan: PublishPlan | None = None
        self.setObjectName("PublishDialog")
        self.setWindowTitle(f"Publish to {target.share} — WorkAid")
        self.setMinimumSize(640, 440)
        self._tasks = Tasks(self, max_threads=1)

        outer = QVBoxLayout(self)
        self.summary = QLabel("Reading the folder and the share…", self)
        self.summary.setObjectName("PublishSummary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)

        split = QSplitter(self)
        self.model = PendingModel(self)
        self.list = QListView(split)
        self.list.setObjectName("PendingList")
        self.list.setAccessibleName("Cards this publish changes")
        self.list.setModel(self.model)
        self.pages = QStackedWidget(split)
        self.diff = QTextBrowser(self.pages)
        self.diff.setObjectName("PendingDiff")
        self.diff.setAccessibleName("What changes in this card")
        self.diff.setOpenLinks(False)
        self.pages.addWidget(self.diff)
        self.pages.addWidget(self._conflict_page())
        split.setStretchFactor(1, 3)
        outer.addWidget(split, 1)

        form = QFormLayout()
        self.note = QLineEdit(self)
        self.note.setObjectName("PublishNote")
        self.note.setPlaceholderText("Why: shown to reps with every changed card")
        self.note.setAccessibleName("Change note (required)")
        form.addRow("Change &note:", self.note)
        key_row = QHBoxLayout()
        self.key = QLineEdit(str(target.key_path or ""), self)
        self.key.setObjectName("PublishKey")
        self.key.setAccessibleName("Publisher key file")
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(self._browse_key)
        key_row.addWidget(self.key, 1)
        key_row.addWidget(browse)
        form.addRow("Publisher &key:", key_row)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("PublishPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Key passphrase")
        self.passphrase_label = QLabel("&Passphrase:", self)
        self.passphrase_label.setBuddy(self.passphrase)
        form.addRow(self.passphrase_label, self.passphrase)
        outer.addLayout(form)

        self.message = QLabel(self)
        self.message.setObjectName("PublishMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        buttons = QHBoxLayout()
        self.publish_button = QPushButton("&Publish", self)
        self.publish_button.setObjectName("PrimaryButton")
        self.publish_button.setEnabled(False)
        close = QPushButton("Close", self)
        buttons.addStretch(1)
        buttons.addWidget(self.publish_button)
        buttons.addWidget(close)
        outer.addLayout(buttons)

        self.list.selectionModel().currentChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.note.textChanged.connect(self._update_button)
        self.key.textChanged.connect(self._update_key)
        self.publish_button.clicked.connect(self.publish)
        close.clicked.connect(self.reject)
        self._update_key()

    # -- the conflict page ------------------------------------------------------------------
    def _conflict_page(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.conflict_text = QLabel(page)
        self.conflict_text.setWordWrap(True)
        lay.addWidget(self.conflict_text)
        panes = QSplitter(page)
        self.base_view = self._pane(panes, "Base: the version your copy started from")
        self.theirs_view = self._pane(panes, "Theirs: on the share now")
        self.yours_view = self._pane(panes, "Yours: in your folder")
        lay.addWidget(panes, 1)
        self.merge_edit = QPlainTextEdit(page)
        self.merge_edit.setObjectName("MergeEditor")
        self.merge_edit.setAccessibleName("Merged text to save")
        self.merge_edit.hide()
        lay.addWidget(self.merge_edit, 1)
        row = QHBoxLayout()
        self.take_theirs_button = QPushButton("Take &theirs", page)
        self.keep_mine_button = QPushButton("Keep &mine", page)
        self.merge_button = QPushButton("&Merge…", page)
        self.save_merge_button = QPushButton("&Save the merge", page)
        self.save_merge_button.hide()
        for b in (self.take_theirs_button, self.keep_mine_button, self.merge_button, self.save_merge_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.take_theirs_button.clicked.connect(lambda: self._resolve(take_theirs))
        self.keep_mine_button.clicked.connect(lambda: self._resolve(keep_mine))
        self.merge_button.clicked.connect(self._start_merge)
        self.save_merge_button.clicked.connect(self._save_merge)
        return page

    def _pane(self, parent: QSplitter, title: str) -> QPlainTextEdit:
        box = QWidget(parent)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(title, box))
        view = QPlainTextEdit(box)
        view.setReadOnly(True)
        view.setAccessibleName(title)
        lay.addWidget(view, 1)
        return view

    # -- planning ------------------------------------------------------------------------------
    def open_plan(self) -> None:
        self.show()
        self.refresh()

    def refresh(self) -> None:
        t = self.target
        self.summary.setText("Reading the folder and the share…")
        self.publish_button.setEnabled(False)
        self._tasks.run(lambda: plan_publish(t.source, t.share, t.trusted), self._planned, self._failed)

    def _planned(self, plan: PublishPlan) -> None:
        self.plan = plan
        self.model.set_changes(plan.changes)
        counts = {a: sum(1 for c in plan.changes if c.action == a) for a in ("added", "changed", "removed")}
        text = ", ".join(f"{n} {a}" for a, n in counts.items() if n) or "no card changes"
        if plan.answers:
            text += f", {plan.answers} answer{'s' if plan.answers != 1 else ''} to reps' flags"
        self.summary.setText(f"Publishing to {self.target.share}: {text}; {plan.unchanged} unchanged.")
        blocked = plan.blocked
        self.message.setText(blocked or "")
        if plan.problems:
            shown = "\n".join(str(p) for p in plan.problems[:20])
            self.message.setText(f"{blocked}\n{shown}")
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))
        self._update_button()

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(f"Cannot publish now: {for_person(exc)}")
        self._update_button()

    def _show(self, row: int) -> None:
        change = self.model.change(row)
        if change is None:
            return
        self.merge_edit.hide()
        self.save_merge_button.hide()
        if change.conflict:
            who = change.theirs_author or "someone"
            self.conflict_text.setText(
                f"“{change.card_id}” was changed on the share (version {change.theirs_version} by {who}) "
                "since your copy was based on it. Choose what to publish: nothing is overwritten."
            )
            self.base_view.setPlainText(change.base or "(this desk does not hold the base version)")
            self.theirs_view.setPlainText(change.theirs or "")
            self.yours_view.setPlainText(change.yours)
            self.merge_button.setEnabled(change.base is not None)
            self.pages.setCurrentIndex(1)
            return
        if change.action == "removed":
            self.diff.setHtml(
                f"<p><b>{change.card_id}</b> is no longer in your folder: publishing retires it "
                "(a tombstone: its history stays, desks stop showing it).</p>"
            )
        else:
            self.diff.setHtml(marked_source_html(change.theirs or "", change.yours))
        self.pages.setCurrentIndex(0)

    def _current(self) -> PendingChange | None:
        return self.model.change(self.list.currentIndex().row())

    def _resolve(self, how: Callable[[Path, PendingChange], object]) -> None:
        change = self._current()
        if change is None:
            return
        try:
            how(self.target.source, change)
        except Exception as e:
            if not is_expected(e):
                raise  # a bug: the crash reporter has it
            self.message.setText(f"Not resolved: {for_person(e)}")
            return
        self.message.setText(f"“{change.card_id}” resolved; reading the share again…")
        self.refresh()

    def _start_merge(self) -> None:
        change = self._current()
        if change is None or change.base is None:
            return
        text, clean = merge3(change.base, change.theirs or "", change.yours)
        self.merge_edit.setPlainText(text)
        self.merge_edit.show()
        self.save_merge_button.show()
        self.message.setText(
            "Merged: both changes are in."
            if clean
            else "Some lines changed both ways: choose between the versions in each <<<<<<< … >>>>>>> block, "
            "remove the marks, then save the merge."
        )

    def _save_merge(self) -> None:
        text = self.merge_edit.toPlainText()
        self._resolve(lambda source, change: save_merge(source, change, text))

    # -- key and publishing ---------------------------------------------------------------------
    def _browse_key(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "The publisher's private key", self.key.text())
        if name:
            self.key.setText(name)

    def _update_key(self) -> None:
        path = self.key.text().strip()
        needs = bool(path) and keys.needs_passphrase(Path(path))
        self.passphrase.setVisible(needs)
        self.passphrase_label.setVisible(needs)
        self._update_button()

    def _update_button(self) -> None:
        ready = self.plan is not None and self.plan.blocked is None
        self.publish_button.setEnabled(ready and bool(self.note.text().strip()) and bool(self.key.text().strip()))
        if ready and not self.note.text().strip():
            self.message.setText(NOTE_HINT)
        elif self.message.text() == NOTE_HINT:
            self.message.setText("")

    def publish(self) -> None:
        from workaid.core.distribution import pack

        if self.plan is None or self.plan.blocked is not None or not self.note.text().strip():
            return
        t = self.target
        note = self.note.text().strip()
        passphrase = self.passphrase.text() if self.passphrase.isVisible() else None
        key_path = Path(self.key.text().strip())
        self.publish_button.setEnabled(False)
        self.message.setText("Publishing…")

        def job() -> object:
            private_key = keys.load_private_key(key_path, passphrase)
            return pack.publish(
                t.source, t.share, private_key, note=note, author=t.author or getpass.getuser(), trusted=t.trusted
            )

        self._tasks.run(job, self._done, self._publish_failed)

    def _done(self, report: Any) -> None:
        self.passphrase.clear()
        if report.nothing:
            self.message.setText("Nothing to publish: the share already has every card as it is here.")
        else:
            self.message.setText(
                f"Published serial {report.serial}: {len(report.added)} added, {len(report.changed)} changed, "
                f"{len(report.removed)} removed. Desks pick it up at their next check."
            )
        self.published.emit(report)
        self.refresh()

    def _publish_failed(self, exc: BaseException) -> None:
        self.message.setText(f"Nothing was published: {for_person(exc)}")
        self._update_button()
