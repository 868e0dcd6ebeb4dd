"""A card's versions for its owner: diff any two, restore an old one as a draft, nothing lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.core.conftest import CONTENT, write_card
from tests.core.share_rig import rig  # noqa: F401  (fixture)
from workaid.cli import parse_args
from workaid.cli_authoring import COMMANDS
from workaid.core.authoring.versions import (
    BACKUPS,
    UnpublishedEdits,
    VersionError,
    diff_raw,
    diff_versions,
    restore,
    version_text,
    versions,
)
from workaid.core.content.diff import inline_text
from workaid.core.content.folder import load_folder

FEE = "fees/test-fee.md"
CARD_V1 = """\
---
id: test-fee
kind: guideline
title: Waiving a test fee
tags: [fees, discretion]
owner: billing-team
review_by: 2027-03-01
summary: When a rep may waive the test fee.
discretion:
  unit: GBP
  escalate_to: supervisor
  roles:
    - role: rep
      max_amount: 12
      per_customer: {count: 1, months: 12}
      conditions: [first-offence]
    - role: senior-rep
      max_amount: 24
      per_customer: {count: 2, months: 12}
---
The test fee is added when a bill is unpaid five days after its due date.

Waive it on the call and note it.

Moving a payment date often prevents the next fee and the next call.
"""


def _edit(text: str, *swaps: tuple[str, str]) -> str:
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _publish_v2(rig) -> str:
    """Alice publishes the card; then Olu raises the senior-rep limit, moves the review date
    and rewords a sentence. Returns the first version's text."""
    rig.write(FEE, CARD_V1)
    rig.publish("first", author="alice")
    rig.sync()
    path = rig.src / FEE
    path.write_text(
        _edit(
            CARD_V1,
            ("max_amount: 24", "max_amount: 28"),
            ("review_by: 2027-03-01", "review_by: 2027-09-01"),
            ("Waive it on the call and note it.", "Waive it on the call and note why."),
        ),
        encoding="utf-8",
    )
    rig.publish("senior reps may waive up to £28", author="olu")
    rig.sync()
    return CARD_V1


def test_the_last_two_versions_are_compared_field_by_field_and_word_by_word(rig):
    _publish_v2(rig)
    diff = diff_versions(rig.desk, "test-fee")
    assert (diff.old.version, diff.new.version) == (1, 2)
    assert (diff.new.author, diff.new.note) == ("olu", "senior reps may waive up to £28")
    assert diff.old.author == "alice" and diff.new.label().startswith("v2 · ")
    assert diff.field_lines == ["review by: 1 Mar 2027 → 1 Sep 2027", "senior-rep: up to £24 → £28"]
    assert [(s.op, s.text) for s in diff.body if s.op != "equal"] == [("delete", "it"), ("insert", "why")]
    assert diff.body_summary() == "body: 1 word removed, 1 added"
    changed = [r for r in diff.side_by_side() if r.changed]
    assert len(changed) == 1 and changed[0].right_text.endswith("note why.")


def test_any_two_versions_compare_either_way_and_only_from_compares_with_the_latest(rig):
    _publish_v2(rig)
    path = rig.src / FEE
    path.write_text(_edit(path.read_text(encoding="utf-8"), ("owner: billing-team", "owner: fees-team")), "utf-8")
    rig.publish("new owner", author="ann")
    rig.sync()
    assert diff_versions(rig.desk, "test-fee").field_lines == ["owner: billing-team → fees-team"]
    both = diff_versions(rig.desk, "test-fee", 1)
    assert (both.old.version, both.new.version) == (1, 3)
    assert "owner: billing-team → fees-team" in both.field_lines and "senior-rep: up to £24 → £28" in both.field_lines
    back = diff_versions(rig.desk, "test-fee", 3, 1)
    assert "senior-rep: up to £28 → £24" in back.field_lines
    assert diff_versions(rig.desk, "test-fee", None, 2).old.version == 1
    assert [v.version for v in versions(rig.desk, "test-fee")] == [3, 2, 1]


def test_bad_requests_are_refused_with_the_versions_that_exist(rig):
    _publish_v2(rig)
    with pytest.raises(VersionError, match=r"No card with id 'no-such-card'"):
        diff_versions(rig.desk, "no-such-card")
    with pytest.raises(VersionError, match=r"test-fee has no version 7; this desk knows versions 1 and 2\."):
        diff_versions(rig.desk, "test-fee", 7)
    with pytest.raises(VersionError, match=r"has no version 9; this desk knows versions 1 and 2\."):
        diff_versions(rig.desk, "test-fee", 1, 9)
    with pytest.raises(VersionError, match=r"only one version on this desk \(v1\)"):
        diff_versions(rig.desk, "escalation-levels")
    with pytest.raises(VersionError, match=r"Version 2 is the latest"):
        diff_versions(rig.desk, "test-fee", 2)
    with pytest.raises(VersionError, match=r"Both sides are version 1"):
        diff_versions(rig.desk, "test-fee", 1, 1)


def test_kind_fields_and_common_fields_read_as_before_and_after():
    text = (CONTENT / "contacts/fraud-and-security.md").read_text(encoding="utf-8")
    new = _edit(
        text,
        ('direct: "020 7946 0630"', 'direct: "020 7946 0999"'),
        ("tags: [contacts, fraud, security, expert]", "tags: [contacts, fraud, expert, scams]"),
        ("title: Fraud and security team", "title: Fraud team"),
    )
    assert diff_raw(text, new, "contact-fraud-security").field_lines == [
        "title: “Fraud and security team” → “Fraud team”",
        "tags: added scams; removed security",
        "direct: 020 7946 0630 → 020 7946 0999",
    ]
    steps = (CONTENT / "escalation/escalation-checklist.md").read_text(encoding="utf-8")
    moved = _edit(
        steps, ('"yes": {outcome: supervisor, reason: Caller still', '"yes": {outcome: expert, reason: Caller still')
    )
    assert diff_raw(steps, moved).field_lines == ["steps › abusive › yes › outcome: supervisor → expert"]


def test_a_version_that_no_longer_reads_as_a_card_is_compared_as_text():
    good = CARD_V1
    broken = good.replace("review_by: 2027-03-01", "review_by: [")
    diff = diff_raw(good, broken, "test-fee")
    assert diff.fields == () and diff.notes and "compared as text" in diff.notes[0]
    assert "review_by: [-2027-03-01-]{+[+}" in inline_text(diff.body)


# -- restore ---------------------------------------------------------------------------


def test_restore_puts_the_old_version_in_the_cards_file_as_a_draft_and_history_only_grows(rig):
    v1 = _publish_v2(rig)
    done = restore(rig.desk, "test-fee", 1, rig.src)
    assert done.path == rig.src / FEE and done.written and done.backup is None
    assert (rig.src / FEE).read_text(encoding="utf-8") == v1 == version_text(rig.desk, "test-fee", 1)
    assert done.message() == (
        f"Version 1 of test-fee is in {rig.src / FEE} as an unpublished draft; "
        "publish it with a note to make it version 3."
    )
    rig.publish("back to £24 while the pilot is reviewed", author="olu")
    rig.sync()
    assert [v.version for v in versions(rig.desk, "test-fee")] == [3, 2, 1]
    assert diff_versions(rig.desk, "test-fee").field_lines == [
        "review by: 1 Sep 2027 → 1 Mar 2027",
        "senior-rep: up to £28 → £24",
    ]
    assert not diff_versions(rig.desk, "test-fee", 1, 3).changed
    again = restore(rig.desk, "test-fee", 1, rig.src)
    assert not again.written and "nothing was written" in again.message()


def test_restore_refuses_to_overwrite_edits_that_were_never_published(rig):
    _publish_v2(rig)
    path = rig.src / FEE
    edited = path.read_text(encoding="utf-8") + "\nA paragraph the owner is still writing.\n"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(UnpublishedEdits, match=r"never published.*--force") as err:
        restore(rig.desk, "test-fee", 1, rig.src)
    assert str(path) in str(err.value)
    assert path.read_text(encoding="utf-8") == edited


def test_restore_with_force_keeps_the_edits_in_a_backup_that_is_not_read_as_a_card(rig):
    v1 = _publish_v2(rig)
    path = rig.src / FEE
    edited = path.read_text(encoding="utf-8") + "\nUnpublished work.\n"
    path.write_text(edited, encoding="utf-8")
    done = restore(rig.desk, "test-fee", 1, rig.src, force=True)
    assert path.read_text(encoding="utf-8") == v1
    assert done.backup is not None and done.backup.read_text(encoding="utf-8") == edited
    assert done.backup.is_relative_to(rig.src / BACKUPS) and done.backup.name == "test-fee.md"
    assert f"kept in {done.backup}" in done.message()
    result = load_folder(rig.src)
    assert not result.problems and [r.source for r in result.refs if r.id == "test-fee"] == [FEE]


def test_restore_finds_the_cards_file_even_while_its_edit_is_broken(rig):
    _publish_v2(rig)
    path = rig.src / FEE
    path.write_text(path.read_text(encoding="utf-8").replace("review_by: 2027-09-01", "review_by: ["), "utf-8")
    with pytest.raises(UnpublishedEdits):
        restore(rig.desk, "test-fee", 1, rig.src)
    assert restore(rig.desk, "test-fee", 1, rig.src, force=True).path == path
    assert not (rig.src / "test-fee.md").exists()


def test_a_card_missing_from_the_folder_gets_a_file_named_after_its_id(rig, tmp_path):
    _publish_v2(rig)
    empty = tmp_path / "fresh"
    empty.mkdir()
    done = restore(rig.desk, "test-fee", 2, empty)
    assert done.created and done.path == empty / "test-fee.md"
    assert "(the latest)" in done.message() and "nothing to publish" in done.message()
    with pytest.raises(VersionError, match="is not a folder"):
        restore(rig.desk, "test-fee", 1, tmp_path / "missing")
    with pytest.raises(VersionError, match=r"no version 5; this desk knows versions 1 and 2"):
        restore(rig.desk, "test-fee", 5, empty)


def test_a_write_that_fails_halfway_leaves_the_file_as_it_was(rig, monkeypatch):
    _publish_v2(rig)
    path = rig.src / FEE
    before = path.read_bytes()

    def power_cut(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(OSError):
        restore(rig.desk, "test-fee", 1, rig.src)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


# -- the command line ------------------------------------------------------------------


def run(data_dir: Path, capsys, *argv: str) -> tuple[int, str, str]:
    args = parse_args(argv)
    code = COMMANDS[args.command](args, data_dir)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_diff_prints_the_header_the_field_changes_and_the_marked_words(rig, capsys):
    _publish_v2(rig)
    code, out, err = run(rig.desk.data_dir, capsys, "diff", "test-fee")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "test-fee: Waiving a test fee"
    assert lines[1].startswith("  from v1 · ") and lines[1].endswith("by alice · “first”")
    assert lines[2].startswith("  to   v2 · ") and lines[2].endswith("by olu · “senior reps may waive up to £28”")
    assert "  review by: 1 Mar 2027 → 1 Sep 2027" in lines and "  senior-rep: up to £24 → £28" in lines
    assert "Body: 1 word removed, 1 added" in lines
    assert any("Waive it on the call and note [-it-]{+why+}." in line for line in lines)


def test_cli_diff_side_by_side_and_json(rig, capsys):
    _publish_v2(rig)
    code, out, _ = run(rig.desk.data_dir, capsys, "diff", "test-fee", "1", "2", "--side-by-side")
    assert code == 0
    row = next(line for line in out.splitlines() if "[-it-]" in line or "{+why+}" in line)
    assert " | " in row
    code, out, _ = run(rig.desk.data_dir, capsys, "diff", "test-fee", "--json")
    data = json.loads(out)
    assert code == 0 and data["from"]["version"] == 1 and data["to"]["author"] == "olu"
    assert {"field": "discretion", "change": "senior-rep: up to £24 → £28"} in data["fields"]


def test_cli_diff_and_restore_reject_bad_input_with_exit_1(rig, capsys):
    _publish_v2(rig)
    code, out, err = run(rig.desk.data_dir, capsys, "diff", "test-fee", "4")
    assert code == 1 and out == "" and "no version 4; this desk knows versions 1 and 2" in err
    code, _, err = run(rig.desk.data_dir, capsys, "diff", "escalation-levels")
    assert code == 1 and "only one version" in err
    path = rig.src / FEE
    path.write_text(path.read_text(encoding="utf-8") + "\nDraft.\n", encoding="utf-8")
    code, _, err = run(rig.desk.data_dir, capsys, "restore", "test-fee", "1", "--into", str(rig.src))
    assert code == 1 and "never published" in err and path.read_text(encoding="utf-8").endswith("Draft.\n")


def test_cli_restore_writes_the_version_and_says_how_to_publish_it(rig, capsys):
    v1 = _publish_v2(rig)
    code, out, err = run(rig.desk.data_dir, capsys, "restore", "test-fee", "1", "--into", str(rig.src))
    assert code == 0 and err == ""
    assert out.strip() == (
        f"Version 1 of test-fee is in {rig.src / FEE} as an unpublished draft; "
        "publish it with a note to make it version 3."
    )
    assert (rig.src / FEE).read_text(encoding="utf-8") == v1
    write_card(rig.src, FEE, v1 + "\nMore.\n")
    code, out, _ = run(rig.desk.data_dir, capsys, "restore", "test-fee", "2", "--into", str(rig.src), "--force")
    assert code == 0 and "(the latest)" in out and str(rig.src / BACKUPS) in out
