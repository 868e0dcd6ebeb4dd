"""Autosaved drafts (workaid.core.authoring.drafts): an owner's unsaved edits survive a crash."""

from __future__ import annotations

import json
import os

from workaid.core.authoring.drafts import DraftStore, file_sha256, sha256_of


def test_a_draft_is_written_read_back_and_discarded(tmp_path):
    store = DraftStore(tmp_path / "data", tmp_path / "cards")
    assert store.read("fees/late-fee-waiver.md") is None
    store.write("fees/late-fee-waiver.md", "---\nid: x\n---\nedited £12 → £15\n", "abc", now="2026-12-03T14:02:00Z")
    draft = store.read("fees/late-fee-waiver.md")
    assert draft is not None
    assert draft.text == "---\nid: x\n---\nedited £12 → £15\n"
    assert draft.base_sha256 == "abc" and draft.saved_at == "2026-12-03T14:02:00Z"
    assert [d.card_path for d in store.all()] == ["fees/late-fee-waiver.md"]
    store.discard("fees/late-fee-waiver.md")
    assert store.read("fees/late-fee-waiver.md") is None and store.all() == []
    store.discard("fees/late-fee-waiver.md")  # discarding twice is harmless


def test_drafts_live_in_the_data_folder_never_in_the_source_folder(tmp_path):
    source = tmp_path / "cards"
    source.mkdir()
    DraftStore(tmp_path / "data", source).write("a.md", "text", None)
    assert list(source.iterdir()) == []  # nothing a publish or a sync tool could pick up
    assert any((tmp_path / "data" / "drafts").rglob("*.json"))


def test_a_changed_base_file_is_noticed(tmp_path):
    source = tmp_path / "cards"
    source.mkdir()
    card = source / "a.md"
    card.write_bytes(b"---\nid: a\n---\nold\n")
    store = DraftStore(tmp_path / "data", source)
    store.write("a.md", "---\nid: a\n---\nmine\n", file_sha256(card))
    draft = store.read("a.md")
    assert draft is not None and not draft.base_changed(file_sha256(card))
    card.write_bytes(b"---\nid: a\n---\ntheirs\n")  # another workbench saved meanwhile
    assert draft.base_changed(file_sha256(card))
    card.unlink()
    assert draft.base_changed(file_sha256(card)) and file_sha256(card) is None


def test_a_draft_equal_to_the_file_has_nothing_to_offer(tmp_path):
    store = DraftStore(tmp_path / "data", tmp_path / "cards")
    draft = store.write("a.md", "line one\nline two\n", sha256_of(b"x"))
    assert draft.same_as(b"line one\r\nline two\r\n")  # the editor shows no CRLF or BOM
    assert draft.same_as(b"\xef\xbb\xbfline one\nline two\n")
    assert not draft.same_as(b"line one\n")
    assert not draft.same_as(None)


def test_two_source_folders_keep_separate_drafts_of_the_same_path(tmp_path):
    one = DraftStore(tmp_path / "data", tmp_path / "one")
    two = DraftStore(tmp_path / "data", tmp_path / "two")
    one.write("a.md", "from one", None)
    two.write("a.md", "from two", None)
    assert one.read("a.md").text == "from one" and two.read("a.md").text == "from two"


def test_any_card_name_maps_to_a_safe_draft_file(tmp_path):
    store = DraftStore(tmp_path / "data", tmp_path / "cards")
    for name in ("客服/Возврат.md", "../../etc/passwd.md", "a b (2).md", "fees\\win.md"):
        store.write(name, name, None)
        assert store.path_for(name).parent == store.root
        assert store.read(name).text == name
    assert store.read("fees/win.md").text == "fees\\win.md"  # Windows separators are the same card


def test_a_damaged_draft_is_left_in_place_and_ignored(tmp_path, caplog):
    store = DraftStore(tmp_path / "data", tmp_path / "cards")
    store.write("a.md", "good", None)
    path = store.path_for("a.md")
    path.write_text('{"format": 1, "text": "half', encoding="utf-8")  # a disk that lost the tail
    assert store.read("a.md") is None
    assert path.exists()  # it may hold the only copy of someone's work: never deleted
    assert "damaged" in caplog.text
    path.write_text(json.dumps({"format": 1, "card_path": "b.md", "text": "x", "saved_at": "2026-12-03T14:02:00Z"}))
    assert store.read("a.md") is None  # a draft of another card is not offered for this one


def test_writing_a_draft_leaves_no_temp_files(tmp_path):
    store = DraftStore(tmp_path / "data", tmp_path / "cards")
    for i in range(3):
        store.write("a.md", f"version {i}", None)
    assert sorted(os.listdir(store.root)) == sorted([store.path_for("a.md").name, "folder.json"])
    assert store.read("a.md").text == "version 2"
