"""The workbench beyond one file: the form and the source in step both ways, the desk's
authority panel over the preview, and the owner's commands (new from a template, move,
change id, delete, mark reviewed, history with diff and restore)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from uihelpers import CONTENT

from tests.core.share_rig import rig  # noqa: F401  (fixture)

FEE = "fees/late-fee-waiver.md"


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "cards"
    shutil.copytree(CONTENT, folder)
    return folder


def test_a_limit_edited_in_the_form_reaches_the_file_and_the_authority_answer(open_workbench, source, qtbot):
    w = open_workbench(source)
    assert w.open_card(FEE)
    w.tabs.setCurrentWidget(w.commands.form)  # the owner turns to the form
    w.revalidate()
    authority = w.commands.desk_preview.authority
    assert w.commands.desk_preview.shown == "authority"
    # The owner tries an amount as a senior rep in the desk's own panel over the preview.
    authority.role.setCurrentIndex(authority.role.findData("senior-rep"))
    authority.amount.setText("26")
    assert "up to £24" in authority.detail.text()
    edited = w.commands.form.form()
    edited.fields["discretion"]["roles"][1]["max_amount"] = 28
    w.commands.form.set_form(edited)
    w.commands.form.edited.emit()  # what a change in the table's amount cell emits
    assert "max_amount: 28" in w.source_text()
    w.revalidate()
    assert authority.amount.text() == "26"  # kept while the owner edits the limits
    assert "up to £28" in authority.detail.text() and "up to £24" not in authority.detail.text()


def test_the_source_edited_by_hand_moves_the_form(open_workbench, source):
    w = open_workbench(source)
    assert w.open_card(FEE)
    w.set_source_text(w.source_text().replace("title: Waiving a late-payment fee", "title: Late fee waivers"))
    w.revalidate()
    w.tabs.setCurrentWidget(w.commands.form)  # the form catches up when it is shown
    assert w.commands.form.form().title == "Late fee waivers"


def test_a_new_card_from_a_template_opens_valid_and_ready(open_workbench, source, qtbot):
    w = open_workbench(source)
    path = w.commands.new_card("script", "Refund delay apology", "refund-delay-apology")
    assert path is not None and path.exists()
    qtbot.waitUntil(lambda: w.card is not None and w.card.path == "refund-delay-apology.md")
    w.revalidate()
    assert w.parsed is not None and w.parsed.card is not None and not w.parsed.problems


def test_mark_reviewed_moves_the_date_and_suggests_the_publish_note(open_workbench, source):
    w = open_workbench(source)
    assert w.open_card(FEE)
    before = (source / FEE).read_text()
    w.commands.mark_reviewed(today=dt.date(2027, 2, 20))
    after = (source / FEE).read_text()
    assert before != after and "review_by: 2027-" in after
    assert w.commands.suggested_note == "reviewed, no change"
    assert "reviewed, no change" in w.status_label.text()
    assert w.source_text() == after  # the editor shows the file as it now is


def test_changing_an_id_updates_links_and_delete_keeps_the_file(open_workbench, source, qtbot):
    w = open_workbench(source)
    assert w.open_card("contacts/expert-directory.md")
    w.revalidate()
    w.commands.change_id("team-directory")
    assert "id: team-directory" in (source / "contacts/expert-directory.md").read_text()
    assert "card: team-directory" in (source / "escalation/escalation-checklist.md").read_text()
    assert "now links to it" in w.status_label.text()
    qtbot.waitUntil(lambda: w.card is not None)
    kept = w.commands.delete_card(confirm=False)
    assert kept is not None and kept.exists() and not (source / "contacts/expert-directory.md").exists()


def test_history_diff_and_restore_of_a_published_card(open_workbench, rig, qtbot):
    rig.write(FEE, (rig.src / FEE).read_text().replace("five days after", "seven days after"))
    rig.publish("grace period now seven days")
    rig.sync()
    w = open_workbench(rig.src, rig.root / "desk")
    assert w.open_card(FEE)
    w.revalidate()
    from workaid.ui.workbench.history_dialog import HistoryDialog

    dialog = HistoryDialog(w, "late-fee-waiver", w.source_text())
    qtbot.addWidget(dialog)
    dialog.load()
    assert dialog.model.rowCount() >= 2
    assert "grace period now seven days" in dialog.model.index(0, 0).data()
    # version 1 against version 2: the changed words are marked.
    dialog.old_pick.setCurrentIndex(dialog.old_pick.findData(1))
    dialog.new_pick.setCurrentIndex(dialog.new_pick.findData(2))
    text = dialog.view.toPlainText()
    assert "five" in text and "seven" in text
    dialog.side_by_side.setChecked(True)
    assert "seven" in dialog.view.toPlainText()
    restored = []
    dialog.restore_requested.connect(lambda t, v: restored.append(v))
    dialog.old_pick.setCurrentIndex(dialog.old_pick.findData(1))
    dialog.restore_requested.connect(w.commands._restore_text)
    dialog.restore()
    assert restored == [1]
    assert "five days after" in w.source_text() and w.has_unsaved_edits()
    assert w.commands.suggested_note == "restored version 1"


def test_a_new_owner_checks_out_the_share_from_the_workbench(open_workbench, rig, qtbot, tmp_path, monkeypatch):
    from workaid.core.distribution.keys import public_key_text

    config = tmp_path / "workaid.toml"
    config.write_text(f'share = "{rig.share}"\ntrusted_keys = ["{public_key_text(rig.pub)}"]\n', encoding="utf-8")
    monkeypatch.setenv("WORKAID_CONFIG", str(config))
    w = open_workbench(rig.src)
    dest = tmp_path / "new-owner"
    w.commands.checkout(dest=dest)
    qtbot.waitUntil(lambda: getattr(w.commands, "opened", None) is not None, timeout=10000)
    opened = w.commands.opened
    qtbot.addWidget(opened)
    qtbot.waitUntil(lambda: opened.catalog is not None, timeout=10000)
    assert (dest / FEE).read_bytes() == (rig.src / FEE).read_bytes()
    assert "Checked out" in w.status_label.text()
    opened.shutdown()


def test_the_list_filters_by_tag(open_workbench, source):
    w = open_workbench(source)
    index = w.tag_filter.findData("late-payment")
    assert index > 0
    w.tag_filter.setCurrentIndex(index)
    paths = {w.model.index(r, 0).data(w.model.PathRole) for r in range(w.model.rowCount())}
    assert FEE in paths and "escalation/escalation-checklist.md" not in paths


def test_the_body_tab_edits_the_text_and_keeps_the_front_matter_as_written(open_workbench, source):
    w = open_workbench(source)
    assert w.open_card(FEE)
    front_before = w.source_text().split("\n---\n", 1)[0]
    w.tabs.setCurrentWidget(w.commands.body_edit)
    body = w.commands.body_edit
    assert body.toPlainText().startswith("The late-payment fee is")
    body.setPlainText(body.toPlainText().replace("five days after", "seven days after"))
    assert "seven days after" in w.source_text()
    assert w.source_text().split("\n---\n", 1)[0] == front_before  # the front matter untouched
    w.revalidate()
    assert w.parsed is not None and w.parsed.card is not None and "seven days" in w.parsed.card.body
