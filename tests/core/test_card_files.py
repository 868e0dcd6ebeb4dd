"""A card's file in the source folder (core.authoring.files): created, moved, deleted
to the trash (a tombstone on publish), and a changed id carried into every link."""

from __future__ import annotations

import shutil

import pytest

from tests.core.conftest import ROOT
from workaid.core.authoring.files import (
    CardFileError,
    change_id,
    create_card,
    delete_card,
    move_card,
    references_to,
)
from workaid.core.authoring.templates import new_card
from workaid.core.content.folder import load_folder


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "src"
    shutil.copytree(ROOT / "content", folder)
    return folder


def test_a_new_card_from_a_template_never_overwrites(src):
    path = create_card(src, "fees/new-fee", new_card("guideline", "new-fee", "A new fee"))
    assert path == src / "fees/new-fee.md" and not load_folder(src).problems
    with pytest.raises(CardFileError, match="already exists"):
        create_card(src, "fees/new-fee.md", "x")
    with pytest.raises(CardFileError, match="not a place in the folder"):
        create_card(src, "../outside.md", "x")


def test_moving_a_card_keeps_its_id_and_deleting_keeps_the_file_in_the_trash(src):
    moved = move_card(src, "fees/late-fee-waiver.md", "billing/late-fee-waiver.md")
    ids = {r.id: r.source for r in load_folder(src).refs}
    assert ids["late-fee-waiver"] == "billing/late-fee-waiver.md" and moved.exists()
    kept = delete_card(src, "billing/late-fee-waiver.md")
    assert kept.exists() and ".workaid" in kept.parts and "late-fee-waiver" not in {r.id for r in load_folder(src).refs}


def test_changing_an_id_updates_every_link_to_it(src):
    before = references_to(src, "expert-directory")
    assert before  # the escalation checklist's outcome names it
    change = change_id(src, "expert-directory", "team-directory")
    assert references_to(src, "expert-directory") == []
    assert sorted(references_to(src, "team-directory")) == sorted(before)
    result = load_folder(src)
    assert not result.problems and "team-directory" in {r.id for r in result.refs}
    assert "now links to it" in change.message()


def test_an_id_taken_or_malformed_is_refused_before_anything_is_written(src):
    text = (src / "contacts/expert-directory.md").read_text()
    with pytest.raises(CardFileError, match="already the id"):
        change_id(src, "expert-directory", "late-fee-waiver")
    with pytest.raises(CardFileError, match="cannot be an id"):
        change_id(src, "expert-directory", "Team Directory")
    assert (src / "contacts/expert-directory.md").read_text() == text
