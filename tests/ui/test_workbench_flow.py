"""The owner's whole round, as the issue tells it: open the workbench → edit a limit in
the form → the desk panel in the preview answers with the new limit → break the YAML in
the source tab → a plain-words problem with its line → fix it → publish with a note → a
desk syncs → the rep opens the card and sees the change marked → the two versions
diffed → the old one restored → published again, as a new version."""

from __future__ import annotations

import re

from deskhelpers import desk_of

from tests.core.share_rig import rig  # noqa: F401  (fixture)
from workaid.core.authoring.versions import diff_versions
from workaid.core.distribution.keys import PRIVATE_NAME
from workaid.ui.workbench.history_dialog import HistoryDialog
from workaid.ui.workbench.publish_dialog import PublishDialog, PublishTarget
from workaid.ui.workbench.window import DISCARD, WorkbenchWindow

FEE = "fees/late-fee-waiver.md"


def _publish(qtbot, w, rig, note: str) -> None:
    """Through the publish dialog, as the owner does: plan, note, key, publish."""
    dialog = PublishDialog(
        PublishTarget(w.source_dir, rig.share, (rig.pub,), "olu", rig.root / "keys" / PRIVATE_NAME), w
    )
    qtbot.addWidget(dialog)
    dialog.open_plan()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    assert dialog.plan.blocked is None, dialog.plan.blocked
    assert not dialog.publish_button.isEnabled()  # the note is required
    dialog.note.setText(note)
    assert dialog.publish_button.isEnabled()
    with qtbot.waitSignal(dialog.published, timeout=10000) as published:
        dialog.publish()
    assert published.args[0].changed == ["late-fee-waiver"]


def test_the_owner_round_from_edit_to_the_reps_marked_change(rig, qtbot, make_window, tmp_path):
    # The rep has read the card before.
    rep = make_window(rig.desk)
    desk = desk_of(rep, qtbot)
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    assert desk.open_card("escalation-checklist", focus_panel=False)

    w = WorkbenchWindow(rig.src, tmp_path / "owner-data")
    w.ask_unsaved = lambda _path: DISCARD
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.catalog is not None)
    assert w.open_card(FEE)
    w.tabs.setCurrentWidget(w.commands.form)
    w.revalidate()

    # Edit a limit in the form: the desk panel in the preview follows.
    authority = w.commands.desk_preview.authority
    assert "senior-rep: up to £24" in authority.detail.text()
    form = w.commands.form.form()
    form.fields["discretion"]["roles"][1]["max_amount"] = 28
    w.commands.form.set_form(form)
    w.commands.form.edited.emit()
    w.revalidate()
    assert "senior-rep: up to £28" in authority.detail.text()

    # Break the YAML by hand: a plain-words problem with its line, and the card blocks publishing.
    good = w.source_text()
    w.set_source_text(good.replace("    max_amount: 28", "    max_amount: [28"))
    w.revalidate()
    problems = [w.problems_model.index(r, 0).data() for r in range(w.problems_model.rowCount())]
    assert problems and re.match(r"Line \d+", problems[0])
    assert w.parsed is not None and w.parsed.card is None
    w.set_source_text(good)
    w.revalidate()
    assert w.problems_model.rowCount() == 0
    assert w.save()

    # Publish with a note; the desk syncs; the rep opens the card and sees the change marked.
    _publish(qtbot, w, rig, "senior reps may now waive up to £28")
    rig.sync()
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    banner = desk.pane.banner.text()
    assert banner.startswith("Changed since you last opened it (version 1 → 2)")
    assert "senior-rep limit now £28" in banner and "“senior reps may now waive up to £28”" in banner
    html = rep.card_view.toHtml()
    assert re.search(r'line-through[^"]*">[^<]*£24', html) and re.search(r'#d8f3dc[^"]*">[^<]*£28', html)

    # The two versions, diffed field by field.
    diff = diff_versions(rig.desk, "late-fee-waiver")
    assert "senior-rep: up to £24 → £28" in " ".join(diff.field_lines)

    # Restore version 1 from the workbench's history (the owner's desk data is the rig's desk here).
    w.data_dir = rig.root / "desk"
    history = HistoryDialog(w, "late-fee-waiver", w.source_text())
    qtbot.addWidget(history)
    history.restore_requested.connect(w.commands._restore_text)
    history.load()
    history.old_pick.setCurrentIndex(history.old_pick.findData(1))
    history.restore()
    assert "max_amount: 24" in w.source_text() and w.has_unsaved_edits()
    assert w.save()
    _publish(qtbot, w, rig, "back to £24 for senior reps")
    versions = rig.manifest()["cards"]["late-fee-waiver"]["versions"]
    assert [(v["version"], v["note"]) for v in versions][-2:] == [
        (2, "senior reps may now waive up to £28"),
        (3, "back to £24 for senior reps"),
    ]  # history is never rewritten: the restore is a new version
    w.shutdown()
