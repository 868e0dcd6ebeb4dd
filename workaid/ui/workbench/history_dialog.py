"""History and diff of one card: every version this computer's desk holds (author, time,
change note), the differences between any two of them or between one and the text in
the editor, inline or side by side, and "restore" to take an old version back into the
editor as a new, unsaved edit (publishing it makes a new version; history is never
rewritten)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workaid.core.authoring.versions import CardDiff, VersionInfo, diff_raw, versions_with_texts
from workaid.core.content.diff import Span
from workaid.core.content.highlight import ADDED_TAG, REMOVED_TAG
from workaid.core.errors import WorkAidError, for_person

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
EDITOR = -1  # "the text in the editor", in the From / To choices


class VersionsModel(QAbstractListModel):
    VersionRole = int(Qt.ItemDataRole.UserRole) + 1
    HeldRole = VersionRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[VersionInfo] = []

    def set_versions(self, rows: list[VersionInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def info(self, row: int) -> VersionInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def roleNames(self) -> dict[int, QByteArray]:
        return {
            int(Qt.ItemDataRole.DisplayRole): QByteArray(b"display"),
            self.VersionRole: QByteArray(b"version"),
            self.HeldRole: QByteArray(b"held"),
        }

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        info = self.info(index.row()) if index.isValid() and not index.parent().isValid() else None
        if info is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return info.label() + ("" if info.held else " (text not on this computer)")
        if role == self.VersionRole:
            return info.version
        if role == self.HeldRole:
            return info.held
        return None


def _marked(spans: tuple[Span, ...] | list[Span], side: str | None = None) -> str:
    """Spans as pre-wrapped HTML with the removal/addition marks (only one side's with `side`)."""
    out = []
    for s in spans:
        text = html.escape(s.text, quote=False)
        if s.op == "equal":
            out.append(text)
        elif s.op == "delete" and side in (None, "old"):
            out.append("\n".join(f"{REMOVED_TAG}{t}</s>" if t else "" for t in text.split("\n")))
        elif s.op == "insert" and side in (None, "new"):
            out.append("\n".join(f"{ADDED_TAG}{t}</span>" if t else "" for t in text.split("\n")))
    return "".join(out)


def diff_html(diff: CardDiff, side_by_side: bool = False) -> str:
    """A CardDiff for the owner: the field changes in words, then the body's words."""
    parts = []
    if diff.field_lines:
        parts.append("<p><b>Fields</b></p><ul>")
        parts += [f"<li>{html.escape(line)}</li>" for line in diff.field_lines]
        parts.append("</ul>")
    parts += [f"<p><i>{html.escape(n)}</i></p>" for n in diff.notes]
    parts.append(f"<p><b>Text</b> — {html.escape(diff.body_summary())}</p>")
    if not side_by_side:
        parts.append('<pre style="white-space: pre-wrap;">' + _marked(diff.body) + "</pre>")
        return "".join(parts)
    parts.append('<table width="100%" cellspacing="0" cellpadding="3">')
    for row in diff.side_by_side():
        shade = ' bgcolor="#fff8e1"' if row.changed else ""
        left = _marked(row.left, "old")
        right = _marked(row.right, "new")
        parts.append(
            f'<tr{shade}><td width="50%" valign="top"><pre style="white-space: pre-wrap;">{left}</pre></td>'
            f'<td width="50%" valign="top"><pre style="white-space: pre-wrap;">{right}</pre></td></tr>'
        )
    parts.append("</table>")
    return "".join(parts)


class HistoryDialog(QDialog):
    restore_requested = Signal(str, int)  # the version's whole text, its number

    def __init__(self, window: Any, card_id: str, editor_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.card_id = card_id
        self.editor_text = editor_text
        self.setObjectName("HistoryDialog")
        self.setWindowTitle(f"History of {card_id} — WorkAid")
        self.setMinimumSize(760, 480)
        self.diff: CardDiff | None = None

        outer = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        split = QSplitter(self)
        self.model = VersionsModel(self)
        self.list = QListView(split)
        self.list.setObjectName("VersionList")
        self.list.setAccessibleName("Versions, newest first")
        self.list.setModel(self.model)
        right = QWidget(split)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        self.old_pick = QComboBox(right)
        self.old_pick.setAccessibleName("From")
        self.new_pick = QComboBox(right)
        self.new_pick.setAccessibleName("To")
        self.side_by_side = QCheckBox("Side by side", right)
        pick.addWidget(QLabel("From", right))
        pick.addWidget(self.old_pick, 1)
        pick.addWidget(QLabel("to", right))
        pick.addWidget(self.new_pick, 1)
        pick.addWidget(self.side_by_side)
        rv.addLayout(pick)
        self.view = QTextBrowser(right)
        self.view.setObjectName("HistoryDiff")
        self.view.setOpenLinks(False)
        rv.addWidget(self.view, 1)
        split.setStretchFactor(1, 3)
        outer.addWidget(split, 1)
        row = QHBoxLayout()
        self.restore_button = QPushButton("&Restore the chosen version into the editor", self)
        close = QPushButton("Close", self)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        row.addWidget(close)
        outer.addLayout(row)

        self.old_pick.currentIndexChanged.connect(self.refresh_diff)
        self.new_pick.currentIndexChanged.connect(self.refresh_diff)
        self.side_by_side.toggled.connect(self.refresh_diff)
        self.list.clicked.connect(self._version_chosen)
        self.restore_button.clicked.connect(self.restore)
        close.clicked.connect(self.reject)

    def _library(self) -> Any:
        from workaid.core.content.library import Library

        return Library(self.window_.data_dir, None)

    def open_history(self) -> None:
        self.load()
        self.show()

    def load(self) -> None:
        lib = self._library()
        try:
            rows, self._texts = versions_with_texts(lib, self.card_id)
        except WorkAidError as e:
            rows, self._texts = [], {}
            self.summary.setText(for_person(e))
        finally:
            lib.close()
        self.model.set_versions(rows)
        if rows:
            self.summary.setText(
                f"{len(rows)} version{'s' if len(rows) != 1 else ''} of “{self.card_id}” on this computer; "
                "choose any two, or one and your edit."
            )
        elif not self.summary.text():
            self.summary.setText(
                f"This computer's desk has no published version of “{self.card_id}” yet (it appears after a sync)."
            )
        for pick in (self.old_pick, self.new_pick):
            pick.blockSignals(True)
            pick.clear()
            pick.addItem("Your edit (the editor's text)", EDITOR)
            for v in rows:
                if v.held:
                    pick.addItem(f"version {v.version}", v.version)
            pick.blockSignals(False)
        # Default: the latest version against the editor; when the editor holds just that,
        # the last two versions.
        held = [v.version for v in rows if v.held]
        if held:
            self.old_pick.setCurrentIndex(self.old_pick.findData(held[0]))
            self.new_pick.setCurrentIndex(0)
            if len(held) > 1 and self._texts.get(held[0]) == self.editor_text:
                self.old_pick.setCurrentIndex(self.old_pick.findData(held[1]))
                self.new_pick.setCurrentIndex(self.new_pick.findData(held[0]))
        self.refresh_diff()

    def _text(self, choice: int) -> str:
        return self.editor_text if choice == EDITOR else self._texts.get(choice, "")

    def refresh_diff(self) -> None:
        old, new = self.old_pick.currentData(), self.new_pick.currentData()
        self.restore_button.setEnabled(old not in (None, EDITOR))
        if old is None or new is None:
            self.view.setHtml("<p>No versions to compare yet.</p>")
            return
        infos = {v.version: v for v in (self.model.info(r) for r in range(self.model.rowCount())) if v}
        self.diff = diff_raw(self._text(old), self._text(new), self.card_id, infos.get(old), infos.get(new))
        if not self.diff.changed:
            self.view.setHtml("<p>The two are the same.</p>")
            return
        self.view.setHtml(diff_html(self.diff, self.side_by_side.isChecked()))

    def _version_chosen(self, index: QModelIndex) -> None:
        version = index.data(VersionsModel.VersionRole)
        i = self.old_pick.findData(version)
        if i >= 0:
            self.old_pick.setCurrentIndex(i)

    def restore(self) -> None:
        version = self.old_pick.currentData()
        if version in (None, EDITOR) or version not in self._texts:
            return
        self.restore_requested.emit(self._texts[version], int(version))
        self.accept()
