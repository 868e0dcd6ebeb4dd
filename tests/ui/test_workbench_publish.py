"""Publishing from the workbench (the publish dialog): the plan with each card's diff, a
required note, the key's passphrase when it has one, and a conflict resolved without
overwriting anybody."""

from __future__ import annotations

from tests.core.share_rig import rig  # noqa: F401  (fixture)
from workaid.core.distribution import keys, pack
from workaid.ui.workbench.publish_dialog import PendingModel, PublishDialog, PublishTarget

FEE = "fees/late-fee-waiver.md"


def _dialog(qtbot, rig, source, key_path=None, author="bob") -> PublishDialog:
    target = PublishTarget(source, rig.share, (rig.pub,), author, key_path)
    dialog = PublishDialog(target)
    qtbot.addWidget(dialog)
    dialog.open_plan()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    return dialog


def test_publish_needs_a_note_then_publishes_with_a_passphrase_key(rig, qtbot, tmp_path):
    key_path, _pub = keys.generate(tmp_path / "locked", passphrase="correct horse")
    rig.write(FEE, (rig.src / FEE).read_text().replace("five days after", "seven days after"))
    dialog = _dialog(qtbot, rig, rig.src, key_path, author="alice")
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data(PendingModel.IdRole) == "late-fee-waiver"
    assert "seven" in dialog.diff.toPlainText() and "five" in dialog.diff.toPlainText()
    assert dialog.passphrase.isVisibleTo(dialog)  # the key has a passphrase: asked for
    assert not dialog.publish_button.isEnabled()  # no note yet
    assert "change note" in dialog.message.text()
    dialog.note.setText("payment grace now seven days")
    dialog.passphrase.setText("wrong")
    assert dialog.publish_button.isEnabled()
    dialog.publish()
    qtbot.waitUntil(lambda: "Nothing was published" in dialog.message.text(), timeout=10000)
    assert "Wrong passphrase" in dialog.message.text()
    assert rig.pointer()["serial"] == 1
    dialog.passphrase.setText("correct horse")
    with qtbot.waitSignal(dialog.published, timeout=10000):
        dialog.publish()
    assert rig.pointer()["serial"] == 2
    versions = rig.manifest()["cards"]["late-fee-waiver"]["versions"]
    assert versions[-1]["note"] == "payment grace now seven days" and versions[-1]["author"] == "alice"
    assert dialog.passphrase.text() == ""  # not kept


def test_a_conflict_is_shown_three_ways_and_take_theirs_overwrites_nobody(rig, qtbot, tmp_path):
    bob = tmp_path / "bob"
    pack.checkout(rig.share, bob, [rig.pub])
    rig.write(FEE, (rig.src / FEE).read_text().replace("five days after", "seven days after"))
    rig.publish("alice's change")
    (bob / FEE).write_text((bob / FEE).read_text().replace("five days after", "three days after"))
    dialog = _dialog(qtbot, rig, bob)
    assert dialog.model.index(0, 0).data(PendingModel.ConflictRole) is True
    assert dialog.pages.currentIndex() == 1
    assert "seven days" in dialog.theirs_view.toPlainText()
    assert "three days" in dialog.yours_view.toPlainText()
    assert "five days" in dialog.base_view.toPlainText()
    assert "changed on the share" in (dialog.plan.blocked or "")
    assert not dialog.publish_button.isEnabled()
    dialog.take_theirs_button.click()
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.plan.conflicts, timeout=10000)
    assert "seven days" in (bob / FEE).read_text()
    kept = list((bob / ".workaid" / "backups").iterdir())
    assert len(kept) == 1 and "three days" in kept[0].read_text()  # bob's text is not lost


def test_merge_by_hand_must_remove_the_marks_before_it_is_saved(rig, qtbot, tmp_path):
    bob = tmp_path / "bob"
    pack.checkout(rig.share, bob, [rig.pub])
    rig.write(FEE, (rig.src / FEE).read_text().replace("five days after", "seven days after"))
    rig.publish("alice's change")
    (bob / FEE).write_text((bob / FEE).read_text().replace("five days after", "three days after"))
    dialog = _dialog(qtbot, rig, bob)
    dialog.merge_button.click()
    assert "<<<<<<< theirs" in dialog.merge_edit.toPlainText()
    dialog.save_merge_button.click()
    assert "conflict marks" in dialog.message.text()
    merged = "\n".join(
        line
        for line in dialog.merge_edit.toPlainText().splitlines()
        if not line.startswith(("<<<<<<<", "=======", ">>>>>>>")) and "seven days" not in line
    )
    dialog.merge_edit.setPlainText(merged + "\n")
    dialog.save_merge_button.click()
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.plan.conflicts, timeout=10000)
    assert "three days after" in (bob / FEE).read_text()


def test_pending_model_passes_the_model_tester(rig, qtbot, qtmodeltester):
    rig.write(FEE, (rig.src / FEE).read_text().replace("five days after", "seven days after"))
    dialog = _dialog(qtbot, rig, rig.src)
    qtmodeltester.check(dialog.model)
