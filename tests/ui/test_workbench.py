"""The content owners' workbench (workaid.ui.workbench): the card list, editing the raw
file with validation and the rep's own preview as you type, and nothing lost (atomic
saves, autosaved drafts, another workbench's save noticed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil

import pytest
from uihelpers import CONTENT

from workaid.core.authoring.catalog import CHANGED, NEW, PUBLISHED, UNKNOWN, scan
from workaid.ui.workbench.models import (
    SHOW_CHANGED,
    SHOW_DUE,
    SHOW_INVALID,
    SHOW_OVERDUE,
    CardFilter,
    CardListModel,
    ProblemsModel,
)

FEE = "fees/late-fee-waiver.md"
SCRIPT = "scripts/apology-rep.md"
CONTACT = "contacts/senior-reps.md"
BROKEN = "fees/broken.md"


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "cards"
    for rel in (FEE, SCRIPT, CONTACT):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CONTENT / rel, folder / rel)
    (folder / BROKEN).write_text(
        "---\nid: broken-card\nkind: guideline\ntitle: Half-written: draft\nowner: billing-team\n---\nBody\n",
        encoding="utf-8",
    )
    return folder


def list_paths(w) -> list[str]:
    m = w.model
    return [m.index(r, 0).data(CardListModel.PathRole) for r in range(m.rowCount())]


def problem_texts(w) -> list[str]:
    m = w.problems_model
    return [m.index(r, 0).data() for r in range(m.rowCount())]


def type_at_end_of_line(qtbot, w, line: int, text: str) -> None:
    from PySide6.QtGui import QTextCursor

    cursor = w.editor.textCursor()
    block = w.editor.document().findBlockByNumber(line - 1)
    cursor.setPosition(block.position() + block.length() - 1)
    w.editor.setTextCursor(cursor)
    w.editor.moveCursor(QTextCursor.MoveOperation.EndOfLine)
    qtbot.keyClicks(w.editor, text)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the card list ------------------------------------------------------------------------


def test_the_list_shows_every_card_and_which_block_publishing(open_workbench, source):
    w = open_workbench(source)
    assert list_paths(w) == sorted([FEE, SCRIPT, CONTACT, BROKEN])
    broken = w.model.index(list_paths(w).index(BROKEN), 0)
    assert broken.data(CardListModel.ValidRole) is False
    assert broken.data(CardListModel.ProblemCountRole) == 1
    assert broken.data(CardListModel.TitleRole) == "Half-written: draft"  # named by what it seems to say
    fee = w.model.index(list_paths(w).index(FEE), 0)
    assert fee.data(CardListModel.TitleRole) == "Waiving a late-payment fee"
    assert fee.data(CardListModel.ValidRole) is True and fee.data(CardListModel.OwnerRole) == "billing-team"
    assert "1 with problems (they block publishing)" in w.count_label.text()


def test_search_and_filters_narrow_the_list(open_workbench, source, qtbot):
    w = open_workbench(source)
    qtbot.keyClicks(w.search, "late fee")
    assert list_paths(w) == [FEE]
    w.search.clear()
    w.kind_filter.setCurrentIndex(w.kind_filter.findData("script"))
    assert list_paths(w) == [SCRIPT]
    w.kind_filter.setCurrentIndex(0)
    w.owner_filter.setCurrentIndex(w.owner_filter.findData("billing-team"))
    assert list_paths(w) == [BROKEN, FEE]
    w.owner_filter.setCurrentIndex(0)
    w.show_filter.setCurrentIndex(w.show_filter.findData(SHOW_INVALID))
    assert list_paths(w) == [BROKEN]
    assert "1 of 4 cards" in w.count_label.text()


def test_review_filters_follow_the_review_dates(source):
    cards = {e.path: e for e in scan(source).entries}
    fee = cards[FEE]  # review_by 2027-03-01
    model = CardListModel()
    model.set_entries(list(cards.values()))
    model.today = fee.review_by + dt.timedelta(days=1)
    model.set_filter(CardFilter(show=SHOW_OVERDUE))
    overdue = [model.index(r, 0).data(CardListModel.PathRole) for r in range(model.rowCount())]
    assert FEE in overdue
    model.today = fee.review_by - dt.timedelta(days=10)
    model.set_filter(CardFilter(show=SHOW_DUE))
    due = [model.index(r, 0).data(CardListModel.PathRole) for r in range(model.rowCount())]
    assert FEE in due
    model.today = fee.review_by - dt.timedelta(days=400)
    model.set_filter(CardFilter(show=SHOW_OVERDUE))
    assert model.rowCount() == 0


def test_changed_since_last_publish_compares_with_the_folders_publish_record(open_workbench, source):
    from workaid.core.distribution.pack import BASE_FILE

    assert all(e.publish_state == UNKNOWN for e in scan(source).entries)  # never published from here
    record = {"serial": 3, "cards": {"late-fee-waiver": sha(source / FEE), "script-apology-rep": "0" * 64}}
    (source / BASE_FILE).write_text(json.dumps(record), encoding="utf-8")
    states = {e.path: e.publish_state for e in scan(source).entries}
    assert states[FEE] == PUBLISHED and states[SCRIPT] == CHANGED and states[CONTACT] == NEW
    w = open_workbench(source)
    w.show_filter.setCurrentIndex(w.show_filter.findData(SHOW_CHANGED))
    assert FEE not in list_paths(w) and SCRIPT in list_paths(w) and CONTACT in list_paths(w)


def test_the_card_list_model_is_a_correct_qt_model(qtmodeltester, source):
    model = CardListModel()
    model.set_entries(scan(source).entries)
    qtmodeltester.check(model)
    model.set_filter(CardFilter(text="fee"))
    qtmodeltester.check(model)
    entry = model.entry(0)
    model.set_edited(entry.path, True)
    assert model.index(0, 0).data(CardListModel.EditedRole) is True
    model.set_filter(CardFilter())
    qtmodeltester.check(model)


def test_the_problems_model_is_a_correct_qt_model(qtmodeltester):
    from workaid.core.content.cards import Problem

    model = ProblemsModel()
    model.set_problems([Problem("a.md", 4, "the title contains ': '"), Problem("a.md", 0, "no cards")])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Line 4: the title contains ': '"
    assert model.index(0, 0).data(ProblemsModel.LineRole) == 4


# -- editing, validating, previewing --------------------------------------------------------


def test_edit_preview_break_fix_save(open_workbench, source, qtbot):
    """Open a card, edit it: the rep's view follows; break the YAML: a plain-words problem
    with its line, and the card blocks publishing; fix it; save: the file on disk changed."""
    w = open_workbench(source)
    before = (source / FEE).read_bytes()
    w.card_list.clicked.emit(w.model.index(list_paths(w).index(FEE), 0))
    assert w.card is not None and w.card.path == FEE
    assert "Waiving a late-payment fee" in w.preview.view.toPlainText()
    assert w.problems_model.rowCount() == 0

    type_at_end_of_line(qtbot, w, 4, " now")  # title: Waiving a late-payment fee now
    assert w.is_dirty() and w.save_button.isEnabled()
    qtbot.waitUntil(lambda: "Waiving a late-payment fee now" in w.preview.view.toPlainText())
    assert w.preview.view.card is not None and w.preview.view.card.title == "Waiving a late-payment fee now"

    type_at_end_of_line(qtbot, w, 4, ": oops")  # a ': ' inside an unquoted title
    qtbot.waitUntil(lambda: w.problems_model.rowCount() == 1)
    assert problem_texts(w) == ["Line 4: the title contains ': ' — put the whole title in quotes, e.g. title: \"…\""]
    assert w.preview.note.isVisible()  # the last good preview stays, and says so
    assert "Waiving a late-payment fee now" in w.preview.view.toPlainText()
    assert "cannot be published" in w.problems_label.text()

    w.problems_view.clicked.emit(w.problems_model.index(0, 0))
    assert w.editor.textCursor().blockNumber() == 3  # line 4

    from PySide6.QtCore import Qt

    qtbot.keyClick(w.editor, Qt.Key.Key_End)
    for _ in ": oops":
        qtbot.keyClick(w.editor, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: w.problems_model.rowCount() == 0)
    assert not w.preview.note.isVisible()

    original_inode = os.stat(source / FEE).st_ino
    assert w.save()
    after = (source / FEE).read_bytes()
    assert after != before and b"title: Waiving a late-payment fee now\n" in after
    assert after.replace(b" now\n", b"\n", 1) == before  # only what the owner changed
    assert os.stat(source / FEE).st_ino != original_inode  # replaced whole (atomic), not rewritten in place
    assert not [p for p in os.listdir(source / "fees") if p.endswith(".tmp")]
    assert not w.is_dirty() and not w.save_button.isEnabled()
    row = w.model.index(list_paths(w).index(FEE), 0)
    assert row.data(CardListModel.TitleRole) == "Waiving a late-payment fee now"


def test_a_saved_card_with_problems_shows_in_the_list_as_blocking(open_workbench, source, qtbot):
    w = open_workbench(source)
    assert w.open_card(FEE)
    type_at_end_of_line(qtbot, w, 4, ": oops")
    assert w.save()  # work in progress may be saved; publishing is what it blocks
    row = w.model.index(list_paths(w).index(FEE), 0)
    assert row.data(CardListModel.ValidRole) is False and row.data(CardListModel.ProblemCountRole) == 1
    assert "blocks publishing" in w.status_label.text()


def test_tab_indents_with_spaces_because_yaml_refuses_tabs(open_workbench, source, qtbot):
    from PySide6.QtCore import Qt

    w = open_workbench(source)
    assert w.open_card(FEE)
    type_at_end_of_line(qtbot, w, 4, "")
    qtbot.keyClick(w.editor, Qt.Key.Key_Tab)
    assert "\t" not in w.source_text() and "Waiving a late-payment fee  \n" in w.source_text()


def test_an_id_another_card_has_is_a_problem_while_typing(open_workbench, source, qtbot):
    w = open_workbench(source)
    assert w.open_card(SCRIPT)
    text = w.source_text().replace("id: script-apology-rep", "id: late-fee-waiver", 1)
    w.set_source_text(text)
    w.revalidate()
    assert problem_texts(w) == [f"Line 2: id 'late-fee-waiver' is already used by {FEE}; ids must be unique"]


def test_the_preview_keeps_its_scroll_position_while_typing(open_workbench, source, qtbot):
    w = open_workbench(source)
    w.resize(1000, 520)
    assert w.open_card(FEE)
    bar = w.preview.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 100)
    bar.setValue(bar.maximum() // 2)
    kept = bar.value()
    first_body_line = w.source_text().splitlines().index("---", 1) + 2
    type_at_end_of_line(qtbot, w, first_body_line, " Really.")
    qtbot.waitUntil(lambda: "Really." in w.preview.view.toPlainText())
    assert bar.value() == kept


def test_the_highlighter_marks_front_matter_and_placeholders(open_workbench, source):
    w = open_workbench(source)
    assert w.open_card(SCRIPT)
    doc = w.editor.document()

    def formats(line: int) -> list[tuple[int, int, bool]]:
        block = doc.findBlockByNumber(line - 1)
        return [(r.start, r.length, r.format.fontWeight() > 500) for r in block.layout().formats()]

    key_line = formats(2)  # id: script-apology-rep
    assert key_line[0][:2] == (0, 2) and key_line[0][2]  # the key, bold
    say = next(i for i in range(doc.blockCount()) if "{customer_name}, I'm sorry" in doc.findBlockByNumber(i).text())
    block = doc.findBlockByNumber(say)
    start = block.text().index("{customer_name}")
    assert any(r.start == start and r.length == len("{customer_name}") for r in block.layout().formats())


# -- nothing lost ------------------------------------------------------------------------------


def test_autosave_then_close_without_saving_then_reopen_offers_the_draft(open_workbench, source, qtbot):
    w = open_workbench(source, autosave_ms=50)
    assert w.open_card(FEE)
    before = (source / FEE).read_bytes()
    type_at_end_of_line(qtbot, w, 4, " (draft)")
    qtbot.waitUntil(lambda: w.drafts.read(FEE) is not None)
    assert w.drafts.read(FEE).text == w.source_text()
    # A crash: the window goes without asking, without saving.
    w.shutdown()
    w.hide()
    assert (source / FEE).read_bytes() == before

    again = open_workbench(source)
    assert again.open_card(FEE)
    assert again.draft_banner.isVisible()
    assert "You have unsaved edits from" in again.draft_banner.label.text()
    assert "late-fee-waiver" in again.draft_banner.label.text()
    assert "changed on disk" not in again.draft_banner.label.text()
    assert "(draft)" not in again.source_text()
    again.draft_banner.click("Restore")
    assert "title: Waiving a late-payment fee (draft)" in again.source_text()
    assert again.is_dirty()
    assert again.save()
    assert b"(draft)" in (source / FEE).read_bytes()
    assert again.drafts.read(FEE) is None  # saved: the draft is gone


def test_a_draft_can_be_discarded_and_a_changed_base_is_said(open_workbench, source):
    from workaid.core.authoring.drafts import DraftStore

    w = open_workbench(source)
    DraftStore(w.data_dir, source).write(FEE, "---\nid: late-fee-waiver\n---\nmine\n", "0" * 64)
    assert w.open_card(FEE)
    assert "The file has changed on disk since then" in w.draft_banner.label.text()
    w.draft_banner.click("Discard")
    assert w.drafts.read(FEE) is None and not w.is_dirty()


def test_closing_with_unsaved_edits_asks_and_cancel_keeps_the_window(open_workbench, source, qtbot):
    from workaid.ui.workbench.window import CANCEL, SAVE

    w = open_workbench(source)
    assert w.open_card(FEE)
    type_at_end_of_line(qtbot, w, 4, " x")
    asked = []
    w.ask_unsaved = lambda path: asked.append(path) or CANCEL
    assert not w.close()
    assert asked == [FEE] and w.isVisible() and w.is_dirty()
    assert not w.open_card(SCRIPT)  # switching cards asks too
    assert w.card.path == FEE
    w.ask_unsaved = lambda path: SAVE
    assert w.close()
    assert b"late-payment fee x\n" in (source / FEE).read_bytes()


def test_a_save_is_refused_when_the_file_changed_on_disk_underneath(open_workbench, source, qtbot):
    w = open_workbench(source)
    assert w.open_card(FEE)
    type_at_end_of_line(qtbot, w, 4, " (mine)")
    theirs = (source / FEE).read_text(encoding="utf-8").replace("£12 late fee", "£15 late fee")
    (source / FEE).write_text(theirs, encoding="utf-8")  # another workbench saved
    assert not w.save()
    assert (source / FEE).read_text(encoding="utf-8") == theirs  # theirs is untouched
    assert "(mine)" in w.source_text()  # and mine is still here
    assert w.disk_banner.isVisible() and "changed on disk" in w.disk_banner.label.text()
    assert w.drafts.read(FEE) is not None and "(mine)" in w.drafts.read(FEE).text
    w.disk_banner.click("Keep mine")  # the owner's explicit choice: the next save replaces theirs
    assert w.save()
    assert "(mine)" in (source / FEE).read_text(encoding="utf-8")


def test_a_file_changed_on_disk_reloads_when_there_are_no_local_edits(open_workbench, source, qtbot):
    w = open_workbench(source)
    assert w.open_card(FEE)
    theirs = (source / FEE).read_text(encoding="utf-8").replace("£12 late fee", "£15 late fee")
    (source / FEE).write_text(theirs, encoding="utf-8")
    qtbot.waitUntil(lambda: "£15 late fee" in w.source_text(), timeout=5000)
    assert not w.is_dirty() and not w.disk_banner.isVisible()
    assert "Reloaded" in w.status_label.text()


def test_a_file_changed_on_disk_while_editing_asks_and_keeps_the_owners_text(open_workbench, source, qtbot):
    w = open_workbench(source)
    w.confirm_reload = lambda _path: True
    assert w.open_card(FEE)
    type_at_end_of_line(qtbot, w, 4, " (mine)")
    theirs = (source / FEE).read_text(encoding="utf-8").replace("£12 late fee", "£15 late fee")
    (source / FEE).write_text(theirs, encoding="utf-8")
    qtbot.waitUntil(lambda: w.disk_banner.isVisible(), timeout=5000)
    assert "(mine)" in w.source_text() and "£15" not in w.source_text()
    w.disk_banner.click("Reload theirs")
    assert "£15 late fee" in w.source_text() and not w.is_dirty()


def test_a_save_keeps_the_files_line_endings(open_workbench, source, qtbot):
    crlf = (source / CONTACT).read_bytes().replace(b"\n", b"\r\n")
    (source / CONTACT).write_bytes(crlf)
    w = open_workbench(source)
    assert w.open_card(CONTACT)
    type_at_end_of_line(qtbot, w, 4, " today")
    assert w.save()
    saved = (source / CONTACT).read_bytes()
    assert saved.count(b"\r\n") == crlf.count(b"\r\n") and b"\n" not in saved.replace(b"\r\n", b"")


# -- how it is reached -------------------------------------------------------------------------


def test_the_main_window_offers_the_workbench_only_where_a_source_is_configured(
    library, make_window, qtbot, tmp_path, monkeypatch, source
):
    window = make_window(library)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=5000)
    assert window.workbench_launcher is None
    assert window.findChild(object, "EditCardsButton") is None  # a rep without a source never sees it

    config = tmp_path / "workaid.toml"
    config.write_text(f'source = "{source.name}"\n', encoding="utf-8")
    monkeypatch.setenv("WORKAID_CONFIG", str(config))
    owners = make_window(library)
    qtbot.waitUntil(lambda: owners.workbench_launcher is not None, timeout=5000)
    launcher = owners.workbench_launcher
    assert launcher.button.isVisible() and launcher.source == source  # relative to the config file
    wb = launcher.open()
    qtbot.waitUntil(lambda: wb.catalog is not None)
    assert FEE in list_paths(wb)
    assert launcher.open() is wb
    wb.shutdown()


def test_edit_without_a_folder_says_how_to_name_one(tmp_path, capsys):
    from workaid.cli import main

    assert main(["--data-dir", str(tmp_path / "data"), "edit"]) == 2
    err = capsys.readouterr().err
    assert "workaid edit FOLDER" in err and 'source = "FOLDER"' in err
    assert main(["--data-dir", str(tmp_path / "data"), "edit", str(tmp_path / "nope")]) == 1
    assert "is not a folder" in capsys.readouterr().err
