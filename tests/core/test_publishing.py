"""Publishing from the workbench (core.authoring.publishing): the plan says what will
change and what conflicts, and each way out of a conflict publishes on top of theirs;
nothing is overwritten and nothing is lost."""

from __future__ import annotations

import pytest

from tests.core.share_rig import rig  # noqa: F401  (fixture)
from workaid.core.authoring.publishing import (
    has_conflict_marks,
    keep_mine,
    merge3,
    plan_publish,
    save_merge,
    take_theirs,
)
from workaid.core.distribution import pack
from workaid.core.errors import WorkAidError

FEE = "fees/late-fee-waiver.md"


def _bob_with_a_stale_copy(rig, tmp_path, alice_edit: tuple[str, str], bob_edit: tuple[str, str]):
    bob = tmp_path / "bob"
    pack.checkout(rig.share, bob, [rig.pub])
    rig.write(FEE, (rig.src / FEE).read_text().replace(*alice_edit))
    rig.publish("alice's change")
    card = bob / FEE
    card.write_text(card.read_text().replace(*bob_edit))
    return bob


def test_the_plan_lists_what_will_change_and_reads_only(rig):
    rig.write(FEE, (rig.src / FEE).read_text().replace("£12", "£15"))
    (rig.src / "fees/paper-statement-fee.md").unlink()
    before = rig.pointer()
    plan = plan_publish(rig.src, rig.share, [rig.pub])
    assert plan.blocked is None and not plan.conflicts
    actions = {c.card_id: c.action for c in plan.changes}
    assert actions == {"late-fee-waiver": "changed", "paper-statement-fee": "removed"}
    fee = next(c for c in plan.changes if c.card_id == "late-fee-waiver")
    assert "£15" in fee.yours and fee.theirs is not None and "£12" in fee.theirs and fee.theirs_version == 1
    assert rig.pointer() == before  # nothing written


def test_a_stale_copy_is_a_conflict_in_the_plan_with_all_three_texts(rig, tmp_path):
    bob = _bob_with_a_stale_copy(rig, tmp_path, ("£12", "£15"), ("£12", "£10"))
    plan = plan_publish(bob, rig.share, [rig.pub])
    (conflict,) = plan.conflicts
    assert conflict.card_id == "late-fee-waiver" and conflict.theirs_author == "alice"
    assert "£15" in (conflict.theirs or "") and "£10" in conflict.yours and "£12" in (conflict.base or "")
    assert "changed on the share since your copy" in (plan.blocked or "")


def test_keep_mine_publishes_my_text_as_the_version_after_theirs(rig, tmp_path):
    bob = _bob_with_a_stale_copy(rig, tmp_path, ("£12", "£15"), ("£12", "£10"))
    (conflict,) = plan_publish(bob, rig.share, [rig.pub]).conflicts
    keep_mine(bob, conflict)
    assert not plan_publish(bob, rig.share, [rig.pub]).conflicts
    report = pack.publish(bob, rig.share, rig.priv, note="bob's figure", author="bob")
    assert report.changed == ["late-fee-waiver"]
    versions = rig.manifest()["cards"]["late-fee-waiver"]["versions"]
    assert [(v["version"], v["author"]) for v in versions] == [(1, "alice"), (2, "alice"), (3, "bob")]


def test_take_theirs_keeps_my_text_in_a_backup(rig, tmp_path):
    bob = _bob_with_a_stale_copy(rig, tmp_path, ("£12", "£15"), ("£12", "£10"))
    (conflict,) = plan_publish(bob, rig.share, [rig.pub]).conflicts
    path = take_theirs(bob, conflict)
    assert "£15" in path.read_text() and "£10" not in path.read_text()
    backups = list((bob / ".workaid" / "backups").iterdir())
    assert len(backups) == 1 and "£10" in backups[0].read_text()
    plan = plan_publish(bob, rig.share, [rig.pub])
    assert not plan.changes and plan.blocked and plan.blocked.startswith("Nothing to publish")


def test_two_edits_to_different_lines_merge_cleanly(rig, tmp_path):
    bob = _bob_with_a_stale_copy(
        rig,
        tmp_path,
        ("five days after", "seven days after"),
        ("often prevents the next fee", "usually prevents the next fee"),
    )
    (conflict,) = plan_publish(bob, rig.share, [rig.pub]).conflicts
    merged, clean = merge3(conflict.base or "", conflict.theirs or "", conflict.yours)
    assert clean and "seven days after" in merged and "usually prevents" in merged
    save_merge(bob, conflict, merged)
    assert pack.publish(bob, rig.share, rig.priv, note="merged", author="bob").changed == ["late-fee-waiver"]


def test_the_same_line_changed_both_ways_is_left_for_the_owner_and_cannot_be_saved_unresolved(rig, tmp_path):
    bob = _bob_with_a_stale_copy(rig, tmp_path, ("£12", "£15"), ("£12", "£10"))
    (conflict,) = plan_publish(bob, rig.share, [rig.pub]).conflicts
    merged, clean = merge3(conflict.base or "", conflict.theirs or "", conflict.yours)
    assert not clean and has_conflict_marks(merged)
    with pytest.raises(WorkAidError, match="conflict marks"):
        save_merge(bob, conflict, merged)
    assert "£10" in (bob / FEE).read_text()  # nothing written


@pytest.mark.parametrize(
    ("base", "theirs", "yours", "want", "clean"),
    [
        ("a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\n", "a\nB\nc\n", True),
        ("a\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n", "a\nb\nC\n", True),
        ("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n", "A\nb\nC\n", True),
        ("a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n", "a\nX\nc\n", True),
        ("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n", "a\n<<<<<<< theirs\nX\n=======\nY\n>>>>>>> yours\nc\n", False),
    ],
)
def test_merge3_takes_one_sided_changes_and_marks_clashes(base, theirs, yours, want, clean):
    assert merge3(base, theirs, yours) == (want, clean)
