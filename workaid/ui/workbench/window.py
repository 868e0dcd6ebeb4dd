"""The content owners' workbench: the source folder's cards, the open card's raw file,
its problems in plain words, and the rep's own view of it, live.

Nothing an owner types is lost: Save (Ctrl+S) writes the file atomically and only over
the version that was loaded (workaid.ui.workbench.document); unsaved text is autosaved
as a draft in the data folder every few seconds (workaid.core.authoring.drafts) and
offered back when the card is next opened; a file changed on disk by another
workbench is reloaded when there are no local edits, and otherwise the owner chooses.

Hooks for what plugs in later: `add_editor_tab` (the structured form, beside the
"Source" tab), `set_source_text` (a form edit, a restored version, a template),
`cardOpened` / `textParsed` / `saved` (a form, the diff view and the publish dialog
follow the open card), `catalog_entries` and `rescan` (the publish dialog's list of
what will change, and its refresh after publishing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from workaid.core.authoring.catalog import CardEntry, Catalog, entry_for, scan
from workaid.core.authoring.drafts import Draft, DraftStore
from workaid.core.content.cards import ParseResult, Problem, id_key, parse_card
from workaid.core.errors import for_person
from workaid.ui.models import kind_label
from workaid.ui.tasks import Tasks
from workaid.ui.workbench.delegate import CardRowDelegate
from workaid.ui.workbench.document import CardFile, NotText, SaveRefused
from workaid.ui.workbench.highlighter import CardHighlighter
from workaid.ui.workbench.models import SHOW_CHOICES, CardFilter, CardListModel, ProblemsModel
from workaid.ui.workbench.preview import PreviewPane

log = logging.getLogger("workaid.ui.workbench")

VALIDATE_MS = 150  # typing pauses this long before the text is parsed and previewed
AUTOSAVE_MS = 3000
DISK_CHECK_MS = 100  # a save arrives as several file events; look once they settle

# What closing or switching away from unsaved edits may answer.
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


class Banner(QFrame):
    """A message over the editor with up to three buttons; what the owner must decide."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: #fff4d6; border: 1px solid #ecd9a0; border-radius: 4px; }}"
            "QLabel { color: #4a3600; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        self._layout = layout
        self.hide()

    def show_message(self, text: str, actions: Sequence[tuple[str, Callable[[], None]]] = ()) -> None:
        for b in self._buttons:
            b.deleteLater()
        self._buttons = []
        self.label.setText(text)
        for label, action in actions:
            b = QPushButton(label, self)
            b.setObjectName(label.replace(" ", "").replace("…", ""))
            b.clicked.connect(lambda _=False, act=action: self._run(act))
            self._layout.addWidget(b, 0)
            self._buttons.append(b)
        self.show()

    def _run(self, action: Callable[[], None]) -> None:
        self.hide()
        action()

    def button(self, label: str) -> QPushButton | None:
        return next((b for b in self._buttons if b.text() == label), None)

    def click(self, label: str) -> None:
        """Press a button by its label (keyboard users, tests)."""
        b = self.button(label)
        if b is None:
            raise KeyError(f"no button {label!r} in {self.label.text()!r}")
        b.click()


class SourceEditor(QPlainTextEdit):
    """The raw file. Tab indents with two spaces: YAML refuses tabs, and an owner should
    not have to learn that from an error message."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.insertPlainText("  ")
            return
        super().keyPressEvent(event)


class WorkbenchWindow(QMainWindow):
    cardOpened = Signal(str)  # a card's path, once its text is in the editor
    textParsed = Signal(object)  # the open card's text parsed (a ParseResult), after each pause in typing
    saved = Signal(str)  # a card's path, after its file was written
    scanned = Signal()  # the card list was (re)read from the folder

    def __init__(
        self,
        source_dir: Path | str,
        data_dir: Path | str,
        parent: QWidget | None = None,
        autosave_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(parent)
        self.source_dir = Path(source_dir).absolute()
        self.data_dir = Path(data_dir)
        self.setObjectName("Workbench")
        self.setWindowTitle(f"WorkAid workbench — {self.source_dir.name or self.source_dir}[*]")
        self.setMinimumSize(900, 520)
        self.resize(1400, 860)
        self.tasks = Tasks(self)
        self.drafts = DraftStore(self.data_dir, self.source_dir)
        self.catalog: Catalog | None = None
        self.card: CardFile | None = None
        self.parsed: ParseResult | None = None
        self._other_ids: dict[str, str] = {}
        self._loading_text = False
        self._last_draft_text: str | None = None
        self._offered: Draft | None = None
        self._shut = False
        self._scanning = False
        # Replaceable in tests, where a modal question would block: answers SAVE, DISCARD or CANCEL.
        self.ask_unsaved: Callable[[str], str] = self._ask_unsaved
        # Likewise: whether the owner agrees to drop their edits for the version on disk.
        self.confirm_reload: Callable[[str], bool] = self._confirm_reload

        self._build()
        self._connect()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_MS)
        self._validate_timer.timeout.connect(self.revalidate)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(autosave_ms)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()
        self._disk_timer = QTimer(self)
        self._disk_timer.setSingleShot(True)
        self._disk_timer.setInterval(DISK_CHECK_MS)
        self._disk_timer.timeout.connect(self.check_disk)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._on_disk_event)
        self.watcher.directoryChanged.connect(self._on_disk_event)
        # The form, the desk panel over the preview and the Card menu (new, move, id,
        # delete, reviewed, history, publish): workaid.ui.workbench.commands.
        from workaid.ui.workbench.commands import WorkbenchCommands

        self.commands = WorkbenchCommands(self)
        self.rescan()

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 8, 8, 0)
        outer.setSpacing(6)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("WorkbenchSplitter")
        self.splitter.setChildrenCollapsible(False)

        # The card list, with its search and filters.
        left = QWidget(self.splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(6)
        self.search = QLineEdit(left)
        self.search.setObjectName("CardSearch")
        self.search.setPlaceholderText("Find a card: title, id, tag, owner, file…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find a card")
        lv.addWidget(self.search)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.kind_filter = QComboBox(left)
        self.kind_filter.setObjectName("WorkbenchKindFilter")
        self.kind_filter.setAccessibleName("Kind filter")
        self.owner_filter = QComboBox(left)
        self.owner_filter.setObjectName("OwnerFilter")
        self.owner_filter.setAccessibleName("Owner filter")
        self.tag_filter = QComboBox(left)
        self.tag_filter.setObjectName("TagFilter")
        self.tag_filter.setAccessibleName("Tag filter")
        row.addWidget(self.kind_filter, 1)
        row.addWidget(self.owner_filter, 1)
        row.addWidget(self.tag_filter, 1)
        lv.addLayout(row)
        self.show_filter = QComboBox(left)
        self.show_filter.setObjectName("ShowFilter")
        self.show_filter.setAccessibleName("Show")
        for value, label in SHOW_CHOICES:
            self.show_filter.addItem(label, value)
        lv.addWidget(self.show_filter)
        self._fill_filters([], [], [])
        self.model = CardListModel(self)
        self.card_list = QListView(left)
        self.card_list.setObjectName("CardList")
        self.card_list.setAccessibleName("Cards")
        self.card_list.setAccessibleDescription("The cards in the source folder. Enter or click opens one.")
        self.card_list.setModel(self.model)
        self.card_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.card_list.setUniformItemSizes(True)
        self.card_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card_list.setItemDelegate(CardRowDelegate(self.card_list))
        lv.addWidget(self.card_list, 1)
        self.count_label = QLabel(left)
        self.count_label.setObjectName("CardCount")
        self.count_label.setWordWrap(True)
        lv.addWidget(self.count_label)
        left.setMinimumWidth(260)

        # The editor: banners, the tabs (Source; the form later), the problems.
        middle = QWidget(self.splitter)
        mv = QVBoxLayout(middle)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.setSpacing(6)
        head = QHBoxLayout()
        self.card_title = QLabel(middle)
        self.card_title.setObjectName("EditorTitle")
        self.card_title.setTextFormat(Qt.TextFormat.PlainText)
        title_font = QFont(self.card_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.card_title.setFont(title_font)
        self.save_button = QPushButton("Save", middle)
        self.save_button.setObjectName("SaveButton")
        self.save_button.setToolTip("Save this card's file (Ctrl+S)")
        self.save_button.setEnabled(False)
        head.addWidget(self.card_title, 1)
        head.addWidget(self.save_button, 0)
        mv.addLayout(head)
        self.draft_banner = Banner("DraftBanner", middle)
        self.disk_banner = Banner("DiskBanner", middle)
        mv.addWidget(self.draft_banner)
        mv.addWidget(self.disk_banner)
        self.tabs = QTabWidget(middle)
        self.tabs.setObjectName("EditorTabs")
        self.editor = SourceEditor()
        self.editor.setObjectName("SourceEditor")
        self.editor.setAccessibleName("Card file")
        self.editor.setAccessibleDescription("The card's file: front matter between --- lines, then the Markdown body.")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(10.0, self.font().pointSizeF()))
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTabChangesFocus(False)
        self.editor.setReadOnly(True)
        self.editor.setPlaceholderText("Choose a card on the left to edit it.")
        self.highlighter = CardHighlighter(self.editor.document())
        self.tabs.addTab(self.editor, "Source")
        self.problems_label = QLabel(middle)
        self.problems_label.setObjectName("ProblemsLabel")
        self.problems_model = ProblemsModel(self)
        self.problems_view = QListView(middle)
        self.problems_view.setObjectName("Problems")
        self.problems_view.setAccessibleName("Problems")
        self.problems_view.setAccessibleDescription(
            "What stops this card being published. Click one to go to its line."
        )
        self.problems_view.setModel(self.problems_model)
        self.problems_view.setWordWrap(True)
        self.problems_view.setStyleSheet("QListView#Problems { color: #8a1f17; }")
        # Only as tall as a few problems: the editor keeps the room.
        self.problems_view.setMaximumHeight(self.problems_view.fontMetrics().height() * 6)
        mv.addWidget(self.tabs, 1)
        mv.addWidget(self.problems_label)
        mv.addWidget(self.problems_view)
        middle.setMinimumWidth(340)

        # The preview: the rep's card view.
        self.preview = PreviewPane(self.splitter)
        self.preview.setMinimumWidth(300)
        self.preview.clear()

        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([330, 560, 510])
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.status_label = QLabel(status)
        self.status_label.setObjectName("WorkbenchStatus")
        status.addWidget(self.status_label, 1)
        self._show_problems([])

    def _connect(self) -> None:
        self.search.textChanged.connect(self._apply_filter)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)
        self.owner_filter.currentIndexChanged.connect(self._apply_filter)
        self.tag_filter.currentIndexChanged.connect(self._apply_filter)
        self.show_filter.currentIndexChanged.connect(self._apply_filter)
        self.card_list.clicked.connect(self._on_card_chosen)
        self.card_list.activated.connect(self._on_card_chosen)
        self.editor.textChanged.connect(self._on_text_changed)
        self.problems_view.clicked.connect(self._on_problem_clicked)
        self.problems_view.activated.connect(self._on_problem_clicked)
        self.save_button.clicked.connect(self.save)
        for key, slot in (
            (QKeySequence.StandardKey.Save, self.save),
            ("Ctrl+K", self.focus_search),
            ("Ctrl+F", self.focus_search),
            ("F5", self.rescan),
            ("Ctrl+W", self.close),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def _fill_filters(self, kinds: list[str], owners: list[str], tags: list[str]) -> None:
        for combo, values, everything, label in (
            (self.kind_filter, kinds, "All kinds", kind_label),
            (self.owner_filter, owners, "All owners", str),
            (self.tag_filter, tags, "All tags", lambda t: f"#{t}"),
        ):
            keep = combo.currentData() or ""
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for v in values:
                combo.addItem(label(v), v)
            index = combo.findData(keep)
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.blockSignals(False)

    # -- the card list ------------------------------------------------------------------
    @Slot()
    def rescan(self) -> None:
        """Read the whole folder again, off the GUI thread (20,000 cards take seconds)."""
        if self._scanning or self._shut:
            return
        self._scanning = True
        self.count_label.setText(f"Reading the cards in {self.source_dir}…")
        folder = self.source_dir
        self.tasks.run(lambda: scan(folder), self._on_scanned, self._on_scan_failed)

    def _on_scanned(self, catalog: Catalog) -> None:
        self._scanning = False
        self.catalog = catalog
        self._other_ids = catalog.ids()
        self.model.set_entries(catalog.entries)
        self._fill_filters(self.model.kinds(), self.model.owners(), self.model.tags())
        if self.card is not None:
            self.model.set_edited(self.card.path, self.is_dirty())
            row = self.model.row_of(self.card.path)
            if row >= 0:
                self.card_list.setCurrentIndex(self.model.index(row, 0))
        self._update_count()
        if catalog.folder_problems:
            self.status_label.setText("; ".join(p.message for p in catalog.folder_problems) + f": {self.source_dir}")
        self.scanned.emit()

    def _on_scan_failed(self, exc: BaseException) -> None:
        self._scanning = False
        self.count_label.setText(f"Could not read the cards: {for_person(exc)} (F5 tries again)")

    def _update_count(self) -> None:
        total = len(self.model.entries())
        shown = self.model.rowCount()
        parts = [f"{shown:,} of {total:,} cards" if shown != total else f"{total:,} cards"]
        bad = self.model.invalid_count()
        if bad:
            parts.append(f"{bad:,} with problems (they block publishing)")
        if self.catalog is not None and self.catalog.published is not None:
            changed = self.model.changed_count()
            parts.append(f"{changed:,} changed since the last publish")
        elif self.catalog is not None:
            parts.append("never published from this folder")
        if self.catalog is not None and self.catalog.skipped:
            parts.append(f"{len(self.catalog.skipped)} file(s) skipped")
        self.count_label.setText(" · ".join(parts))

    @Slot()
    def _apply_filter(self) -> None:
        self.model.set_filter(
            CardFilter(
                text=self.search.text(),
                kind=self.kind_filter.currentData() or "",
                owner=self.owner_filter.currentData() or "",
                show=self.show_filter.currentData() or "",
                tag=self.tag_filter.currentData() or "",
            )
        )
        if self.card is not None:
            row = self.model.row_of(self.card.path)
            if row >= 0:
                self.card_list.setCurrentIndex(self.model.index(row, 0))
        self._update_count()

    def catalog_entries(self) -> list[CardEntry]:
        """Every card of the folder as last read or saved (what a publish would see)."""
        return self.model.entries()

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_card_chosen(self, index: QModelIndex) -> None:
        path = index.data(CardListModel.PathRole)
        if path and (self.card is None or path != self.card.path) and not self.open_card(path):
            self._select_current()

    def _select_current(self) -> None:
        row = self.model.row_of(self.card.path) if self.card else -1
        if row >= 0:
            self.card_list.setCurrentIndex(self.model.index(row, 0))
        else:
            self.card_list.clearSelection()

    # -- opening ---------------------------------------------------------------------
    def open_card(self, path: str) -> bool:
        """Put a card's file into the editor; False when the owner kept the open card or it cannot be read."""
        if not self._may_leave():
            return False
        try:
            card = CardFile.load(self.source_dir, path)
        except NotText as e:
            self.status_label.setText(str(e))
            return False
        except OSError as e:
            self.status_label.setText(f"Could not open {path}: {e.strerror or e}")
            return False
        self._unwatch()
        self.card = card
        self._offered = None
        self.draft_banner.hide()
        self.disk_banner.hide()
        self.preview.clear("")
        self._set_editor_text(card.text)
        self.editor.setReadOnly(False)
        self._last_draft_text = None
        self._watch()
        self._offer_draft(card)
        self.revalidate()
        self._select_current()
        self.cardOpened.emit(path)
        log.info("workbench opened %s", path)
        return True

    def _set_editor_text(self, text: str) -> None:
        self._loading_text = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading_text = False
        self._dirty_changed()

    def _offer_draft(self, card: CardFile) -> None:
        try:
            draft = self.drafts.read(card.path)
        except OSError as e:
            log.warning("draft of %s unreadable: %s", card.path, e)
            return
        if draft is None:
            return
        if draft.text == card.text:
            self.drafts.discard(card.path)  # the draft was saved after all
            return
        self._offered = draft
        when = draft.saved_at_local()
        name = self.parsed_id() or card.path
        text = f"You have unsaved edits from {when:%H:%M}"
        if when.date() != when.now().date():
            text += f" on {when:%d %b}"
        text += f" for {name}."
        if draft.base_changed(card.base_sha256):
            text += (
                " The file has changed on disk since then: restoring puts your edits over the newer file when you save."
            )
        self.draft_banner.show_message(text, [("Restore", self.restore_draft), ("Discard", self.discard_draft)])

    def parsed_id(self) -> str:
        if self.card is None:
            return ""
        entry = self.model.entry_for(self.card.path)
        return entry.id if entry else ""

    @Slot()
    def restore_draft(self) -> None:
        draft, self._offered = self._offered, None
        self.draft_banner.hide()
        if draft is None or self.card is None:
            return
        self.set_source_text(draft.text)
        self._last_draft_text = draft.text
        self.status_label.setText(f"Restored your unsaved edits from {draft.saved_at_local():%H:%M}; Save keeps them.")

    @Slot()
    def discard_draft(self) -> None:
        draft, self._offered = self._offered, None
        self.draft_banner.hide()
        if draft is not None:
            self.drafts.discard(draft.card_path)
            self.status_label.setText("Discarded the unsaved edits.")

    def add_editor_tab(self, widget: QWidget, title: str) -> int:
        """Another view of the open card beside "Source" (the structured form)."""
        return self.tabs.addTab(widget, title)

    def set_source_text(self, text: str) -> None:
        """Replace the open card's whole text, as one step Undo takes back (a form edit, a
        restored version, a template)."""
        if self.card is None:
            return
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()

    def source_text(self) -> str:
        return self.editor.toPlainText()

    # -- typing, validating, previewing --------------------------------------------------
    def is_dirty(self) -> bool:
        return self.card is not None and self.editor.toPlainText() != self.card.text

    def has_unsaved_edits(self) -> bool:
        return self.is_dirty()

    @Slot()
    def _on_text_changed(self) -> None:
        if self._loading_text:
            return
        self._dirty_changed()
        self._validate_timer.start()

    def _dirty_changed(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        if self.card is not None:
            self.model.set_edited(self.card.path, dirty)
            mark = "● " if dirty else ""
            self.card_title.setText(f"{mark}{self.card.path}")
            self.setWindowModified(dirty)

    @Slot()
    def revalidate(self) -> None:
        """Parse the editor's text with the real parser: problems, the list row, the preview."""
        self._validate_timer.stop()
        if self.card is None:
            return
        raw = self.editor.toPlainText().encode("utf-8")
        parsed = parse_card(raw, self.card.path)
        entry = entry_for(self.card.path, raw, parsed, self._other_ids, self._published())
        self.parsed = parsed
        self._show_problems(list(entry.problems))
        if parsed.card is not None and entry.valid:
            self.preview.show_card(parsed.card)
            self.card_title.setToolTip(f"{parsed.card.title} ({parsed.card.id})")
        else:
            self.preview.show_stale(len(entry.problems))
        self.textParsed.emit(parsed)

    def _published(self) -> dict[str, str] | None:
        return self.catalog.published if self.catalog is not None else None

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems_model.set_problems(problems)
        n = len(problems)
        self.problems_view.setVisible(n > 0)
        self._mark_problem_lines(problems)
        if self.card is None:
            self.problems_label.setText("")
        elif n:
            self.problems_label.setText(
                f"⚠ {n} problem{'s' if n != 1 else ''}: this card cannot be published until {'they are' if n != 1 else 'it is'} fixed"
            )
            self.problems_label.setStyleSheet("color: #8a1f17; font-weight: 600;")
        else:
            self.problems_label.setText("✓ No problems: this card can be published")
            self.problems_label.setStyleSheet("color: #2d6a2e;")

    def _mark_problem_lines(self, problems: list[Problem]) -> None:
        """A faint red band on each line a problem names, so it is found without the list."""
        marks = []
        doc = self.editor.document()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#fde7e4"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        for line in sorted({p.line for p in problems if p.line}):
            block = doc.findBlockByNumber(line - 1)
            if block.isValid():
                sel = QTextEdit.ExtraSelection()
                sel.cursor = QTextCursor(block)
                sel.format = fmt
                marks.append(sel)
        self.editor.setExtraSelections(marks)

    def _on_problem_clicked(self, index: QModelIndex) -> None:
        line = index.data(ProblemsModel.LineRole)
        if line:
            self.go_to_line(int(line))

    def go_to_line(self, line: int) -> None:
        block = self.editor.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            block = self.editor.document().lastBlock()
        cursor = QTextCursor(block)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- saving and drafts ---------------------------------------------------------------
    @Slot()
    def save(self) -> bool:
        """Write the open card's file; False (and why, on screen) when it was not written."""
        card = self.card
        if card is None:
            return False
        if not self.is_dirty():
            self.status_label.setText("No changes to save.")
            return True
        text = self.editor.toPlainText()
        try:
            data = card.save(text)
        except SaveRefused as e:
            self._autosave_now()
            self._show_disk_conflict(str(e))
            return False
        except OSError as e:
            self._autosave_now()
            self.status_label.setText(f"Could not save {card.path}: {for_person(e)}. Your edits are kept in a draft.")
            return False
        self.drafts.discard(card.path)
        self._last_draft_text = None
        self._offered = None
        self.draft_banner.hide()
        self.disk_banner.hide()
        entry = entry_for(card.path, data, None, self._other_ids, self._published())
        self.model.update_entry(entry)
        if entry.valid:
            self._other_ids[id_key(entry.id)] = card.path
        self._dirty_changed()
        self._update_count()
        self._watch()
        note = "" if entry.valid else f" It has {len(entry.problems)} problem(s) and blocks publishing until fixed."
        self.status_label.setText(f"Saved {card.path}.{note}")
        self.saved.emit(card.path)
        log.info("workbench saved %s", card.path)
        return True

    @Slot()
    def autosave(self) -> None:
        """Keep the unsaved text as a draft (the timer calls this every few seconds)."""
        if self.card is None or not self.is_dirty():
            return
        self._autosave_now()

    def _autosave_now(self) -> None:
        card = self.card
        if card is None:
            return
        text = self.editor.toPlainText()
        if text == self._last_draft_text or text == card.text:
            return
        try:
            self.drafts.write(card.path, text, card.base_sha256)
        except OSError as e:
            log.warning("autosave of %s failed: %s", card.path, e)
            self.status_label.setText(f"Could not keep a draft of your edits: {for_person(e)}. Save soon.")
            return
        self._last_draft_text = text

    def _may_leave(self) -> bool:
        """Whether the open card may be closed: saved, discarded, or nothing to lose."""
        if not self.is_dirty() or self.card is None:
            return True
        answer = self.ask_unsaved(self.card.path)
        if answer == SAVE:
            return self.save()
        if answer == DISCARD:
            self.drafts.discard(self.card.path)
            self._last_draft_text = None
            return True
        return False

    def _ask_unsaved(self, path: str) -> str:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Unsaved edits", f"{path} has edits that are not saved.", parent=self
        )
        box.setInformativeText("Save them to the file, or discard them?")
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL

    # -- the file on disk ------------------------------------------------------------------
    def _watch(self) -> None:
        if self.card is None:
            return
        paths = [str(self.card.abspath), str(self.card.abspath.parent)]
        missing = [p for p in paths if p not in self.watcher.files() + self.watcher.directories()]
        if missing:
            self.watcher.addPaths([p for p in missing if Path(p).exists()])

    def _unwatch(self) -> None:
        watched = self.watcher.files() + self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)

    @Slot(str)
    def _on_disk_event(self, _path: str) -> None:
        self._disk_timer.start()

    @Slot()
    def check_disk(self) -> None:
        """The open file may have changed on disk: reload it, or ask when there are local edits."""
        card = self.card
        if card is None:
            return
        self._watch()  # an atomic replace drops the file from the watcher
        try:
            sha = card.disk_sha256()
        except OSError as e:
            log.warning("cannot check %s on disk: %s", card.path, e)
            return
        if sha == card.base_sha256:
            return
        if sha is None:
            self._show_disk_conflict(
                f"{card.path} was removed from disk (renamed or deleted elsewhere). Your text is still here."
            )
            return
        if not self.is_dirty():
            self.reload_from_disk()
            self.status_label.setText(f"Reloaded {card.path}: it was changed on disk (another workbench saved it).")
            return
        self._autosave_now()
        self._show_disk_conflict(
            f"{card.path} was changed on disk (another workbench or editor saved it) while you were editing. "
            "Your edits are kept."
        )

    def _show_disk_conflict(self, text: str) -> None:
        self.disk_banner.show_message(text, [("Reload theirs", self._reload_theirs), ("Keep mine", self.keep_mine)])

    def _reload_theirs(self) -> None:
        if self.card is None:
            return
        if self.is_dirty() and not self.confirm_reload(self.card.path):
            self.disk_banner.show()
            return
        self.reload_from_disk()

    def _confirm_reload(self, path: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Reload from disk",
            f"Replace your edits to {path} with the version on disk? Your edits will be lost.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def reload_from_disk(self) -> bool:
        """Load the file's version on disk into the editor (local edits are dropped, their draft too)."""
        if self.card is None:
            return False
        path = self.card.path
        try:
            card = CardFile.load(self.source_dir, path)
        except (OSError, NotText) as e:
            self.status_label.setText(f"Could not reload {path}: {for_person(e)}")
            return False
        self.drafts.discard(path)
        self._last_draft_text = None
        self.card = card
        self.disk_banner.hide()
        position = self.editor.verticalScrollBar().value()
        self._set_editor_text(card.text)
        self.editor.verticalScrollBar().setValue(position)
        self._watch()
        self.revalidate()
        self.model.update_entry(entry_for(path, card.encode(card.text), None, self._other_ids, self._published()))
        self._update_count()
        return True

    @Slot()
    def keep_mine(self) -> None:
        """The owner keeps their edits over the version on disk: the next Save replaces it."""
        if self.card is None:
            return
        try:
            self.card.accept_disk()
        except OSError as e:
            self.status_label.setText(f"Could not read {self.card.path}: {for_person(e)}")
            return
        self.disk_banner.hide()
        self.status_label.setText("Keeping your edits; Save replaces the version on disk.")
        self._dirty_changed()

    # -- closing -------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._shut

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._shut and not self._may_leave():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def shutdown(self) -> None:
        if self._shut:
            return
        self._shut = True
        self._autosave_timer.stop()
        self._validate_timer.stop()
        self._disk_timer.stop()
        self._unwatch()
        self.tasks.close()
