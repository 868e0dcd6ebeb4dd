"""F1: every keyboard shortcut of the rep's window and its desk, in one searchable list.

The list is read, each time it opens, from the QActions and QShortcuts the window and
everything under it (the desk, the feedback service, the desk's dialogs once built)
have registered, so it cannot drift from what the keys really do. An action names
itself (its text); a bare QShortcut names itself by its whatsThis, else by FALLBACK_NAMES
(the window's own keys), else it is listed as "(unnamed)" for a developer to name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workaid.ui.dialog_parts import close_row

log = logging.getLogger("workaid.ui.shortcuts")

HELP_KEY = "F1"

# Names for the window's own QShortcuts, which carry no text (workaid.ui.main_window).
FALLBACK_NAMES = {
    "Ctrl+K": "Go to the search box",
    "Ctrl+L": "Go to the search box",
    "F3": "Go to the search box",
    "Ctrl+Q": "Quit WorkAid",
    "Esc": "Clear the search, or go back to the search box",
}
# Who registered a key, as the rep knows it.
GROUP_NAMES = {
    "MainWindow": "Search and window",
    "Desk": "Escalation desk",
    "FeedbackService": "Feedback on cards",
    "StatusLine": "Search and window",
}


@dataclass(frozen=True)
class Shortcut:
    group: str
    keys: str  # every key sequence, " or " between them, as the platform writes them
    what: str


def _plain(text: str) -> str:
    """'&Copy note…' -> 'Copy note…' (a menu's mnemonic is no part of its name)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _group(obj: QObject, window: QWidget) -> str:
    """The name of what registered `obj`: a dialog by its title, else its nearest owner."""
    holder = obj.parent()
    while holder is not None and holder is not window:
        if isinstance(holder, QWidget) and holder.isWindow():
            title = holder.windowTitle().replace(" — WorkAid", "").strip()
            return title or type(holder).__name__
        name = GROUP_NAMES.get(type(holder).__name__)
        if name:
            return name
        holder = holder.parent()
    return GROUP_NAMES.get(type(window).__name__, "Window")


def collect(window: QWidget) -> list[Shortcut]:
    """Every shortcut registered in `window` and under it, in a stable order."""
    found: list[Shortcut] = []
    seen: set[int] = set()
    actions = [*window.actions(), *window.findChildren(QAction)]
    for act in actions:
        if id(act) in seen:
            continue
        seen.add(id(act))
        keys = [k for k in act.shortcuts() if not k.isEmpty()]
        if not keys:
            continue
        found.append(
            Shortcut(
                _group(act, window),
                " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys),
                _plain(act.text()) or act.objectName() or "(unnamed)",
            )
        )
    for sc in window.findChildren(QShortcut):
        key = sc.key()
        if key.isEmpty():
            continue
        portable = key.toString(QKeySequence.SequenceFormat.PortableText)
        what = sc.whatsThis() or FALLBACK_NAMES.get(portable) or sc.objectName() or "(unnamed)"
        found.append(Shortcut(_group(sc, window), key.toString(QKeySequence.SequenceFormat.NativeText), what))
    # The same key registered twice for one thing (Ctrl+Return and Ctrl+Enter) is one line.
    merged: dict[tuple[str, str], list[str]] = {}
    for s in found:
        listed = merged.setdefault((s.group, s.what), [])
        if s.keys not in listed:
            listed.append(s.keys)
    return [Shortcut(group, " or ".join(listed), what) for (group, what), listed in merged.items()]


class ShortcutsDialog(QDialog):
    """The list, grouped, with a filter box; Esc closes it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.setObjectName("ShortcutsHelp")
        self.setWindowTitle("Keyboard shortcuts — WorkAid")
        self.setAccessibleName("Keyboard shortcuts")
        self.setModal(False)
        self.setMinimumSize(320, 300)
        layout = QVBoxLayout(self)
        head = QLabel("Every key of this window and its desk. Type to filter; Esc closes.", self)
        head.setObjectName("DeskHint")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("ShortcutsFilter")
        self.filter.setAccessibleName("Filter the shortcuts")
        self.filter.setPlaceholderText("Filter: a key or a word, e.g. Ctrl+H or note")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("ShortcutsList")
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "What it does"])
        self.tree.setRootIsDecorated(False)
        # Long names and long key lists wrap: nothing in the list is cut or tooltip-only.
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.header().setStretchLastSection(True)
        layout.addWidget(self.tree, 1)
        layout.addLayout(close_row(self, window))
        self.filter.textChanged.connect(self._apply_filter)

    def refresh(self) -> None:
        """Read the shortcuts again (a dialog built since the last time adds its keys)."""
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for s in collect(self._window):
            parent = groups.get(s.group)
            if parent is None:
                parent = QTreeWidgetItem(self.tree, [s.group, ""])
                parent.setFirstColumnSpanned(True)
                font = parent.font(0)
                font.setBold(True)
                parent.setFont(0, font)
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[s.group] = parent
            item = QTreeWidgetItem(parent, [s.keys, s.what])
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{s.keys}: {s.what}")
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        room = max(120, int(self.tree.viewport().width() * 0.42))
        if self.tree.columnWidth(0) > room:
            self.tree.setColumnWidth(0, room)  # the rest wraps ("Ctrl+Shift+C or Ctrl+Return …")
        self._fit_rows()
        self._apply_filter(self.filter.text())

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text (a tree view does not measure that itself)."""
        from PySide6.QtCore import QRect, QSize

        fm = self.tree.fontMetrics()
        widths = [self.tree.columnWidth(0) - 24, self.tree.viewport().width() - self.tree.columnWidth(0) - 8]
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for i in range(group.childCount() if group is not None else 0):
                item = group.child(i) if group is not None else None
                if item is None:
                    continue
                h = max(
                    fm.boundingRect(QRect(0, 0, max(40, w), 0), Qt.TextFlag.TextWordWrap, item.text(c)).height()
                    for c, w in enumerate(widths)
                )
                item.setSizeHint(1, QSize(max(40, widths[1]), h + 6))

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        if self.isVisible():
            self._fit_rows()

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group is None:
                continue
            shown = 0
            for i in range(group.childCount()):
                item = group.child(i)
                if item is None:
                    continue
                hay = f"{item.text(0)} {item.text(1)} {group.text(0)}".casefold()
                hit = all(w in hay for w in words)
                item.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, keys, what) of every row on show, top to bottom."""
        out = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group is None or group.isHidden():
                continue
            for i in range(group.childCount()):
                item = group.child(i)
                if item is not None and not item.isHidden():
                    out.append((group.text(0), item.text(0), item.text(1)))
        return out

    def open_list(self) -> None:
        self.refresh()
        self.filter.clear()
        parent = self._window.frameGeometry()
        w = max(340, min(640, parent.width() - 40))
        h = max(320, min(620, parent.height() - 60))
        self.resize(w, h)
        self.move(parent.x() + (parent.width() - w) // 2, parent.y() + max(0, (parent.height() - h) // 3))
        self.show()
        self.refresh()  # again, now the list has its real width to wrap in
        self.activateWindow()
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)


def install(window: QMainWindow) -> QAction:
    """F1 on `window` opens the list of its shortcuts; returns the action (listed too)."""
    dialog: list[ShortcutsDialog] = []

    def show() -> None:
        if not dialog:
            dialog.append(ShortcutsDialog(window))
        dialog[0].open_list()

    action = QAction("Keyboard shortcuts (this list)", window)
    action.setObjectName("ShortcutsHelpAction")
    action.setShortcut(QKeySequence(HELP_KEY))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: show())
    window.addAction(action)
    return action


def dialog_of(window: QWidget) -> ShortcutsDialog | None:
    """The list's window, once F1 built it (for tests and the lead's menus)."""
    found = window.findChild(ShortcutsDialog)
    return found if isinstance(found, ShortcutsDialog) else None
