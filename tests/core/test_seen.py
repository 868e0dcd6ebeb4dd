"""Which card versions this desk last showed (core.desk.seen): kept across restarts, a
damaged file set aside rather than trusted, and what changed since, in words."""

from __future__ import annotations

import json

from workaid.core.content.cards import parse_card
from workaid.core.desk.seen import SeenCards, recent_changes, since_last_seen

V1 = """---
id: paper-fee
kind: guideline
title: Paper statement fee
---
The paper statement fee is £2.
"""
V2 = V1.replace("£2.", "£3. Customers over 75 never pay it.")


class _WithVersion:
    def __init__(self, card, version):
        self.__dict__.update({k: getattr(card, k) for k in ("id", "title", "body", "fields", "kind")})
        self.version = version


def test_the_versions_seen_survive_a_restart(tmp_path):
    seen = SeenCards(tmp_path / "seen.json")
    assert seen.last_seen("paper-fee") is None
    assert seen.mark("paper-fee", 2) is True
    assert seen.mark("paper-fee", 2) is False  # no news, nothing to save
    seen.save()
    assert SeenCards(tmp_path / "seen.json").last_seen("paper-fee") == 2


def test_a_damaged_seen_file_is_set_aside_and_a_fresh_one_started(tmp_path):
    path = tmp_path / "seen.json"
    path.write_text('{"format": 1, "seen": {"paper-fee": 2', encoding="utf-8")  # cut short by a power cut
    seen = SeenCards(path)
    assert seen.last_seen("paper-fee") is None
    assert seen.notice is not None and "damaged" in seen.notice
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("seen.json.damaged-")]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith('{"format": 1')
    seen.mark("paper-fee", 3)
    seen.save()
    assert json.loads(path.read_text(encoding="utf-8"))["seen"] == {"paper-fee": 3}


def test_what_changed_since_the_version_last_seen_names_author_and_notes():
    card = _WithVersion(parse_card(V2.encode(), "paper-fee.md").card, 3)
    history = [
        {"version": 3, "author": "Olu", "note": "over-75s exempt", "published_at": "2026-11-25T09:05:00Z"},
        {"version": 2, "author": "Sam", "note": "fee now £3", "published_at": "2026-11-20T09:05:00Z"},
        {"version": 1, "author": "Sam", "note": "", "published_at": "2026-11-01T09:05:00Z"},
    ]
    since = since_last_seen(card, 1, {1: V1}, history)
    assert since is not None
    assert (since.seen_version, since.version) == (1, 3)
    assert since.notes == ("fee now £3", "over-75s exempt")  # oldest first
    assert since.old_body.strip() == "The paper statement fee is £2."
    banner = since.banner()
    assert banner.startswith("Changed since you last opened it (version 1 → 3)") and "by Olu" in banner


def test_a_first_read_or_an_unchanged_card_is_not_news():
    card = _WithVersion(parse_card(V2.encode(), "paper-fee.md").card, 2)
    assert since_last_seen(card, None, {}, []) is None  # never opened here
    assert since_last_seen(card, 2, {}, []) is None  # this version already seen
    assert since_last_seen(card, 1, {}, []) is None  # the old text is not held: nothing to compare
    assert since_last_seen(card, 1, {1: V2}, []) is None  # a new version with the same text


def test_recently_updated_lists_each_card_once_and_marks_what_is_unread(tmp_path):
    seen = SeenCards(tmp_path / "seen.json")
    seen.mark("a", 3)
    rows = [
        {"card_id": "a", "version": 3, "current_title": "A", "author": "Olu", "note": "n", "published_at": None},
        {"card_id": "b", "version": 1, "current_title": "B", "author": "", "note": "", "published_at": None},
        {"card_id": "a", "version": 2, "current_title": "A", "author": "Sam", "note": "", "published_at": None},
    ]
    changes = recent_changes(rows, seen)
    assert [(c.card_id, c.version, c.unread) for c in changes] == [("a", 3, False), ("b", 1, True)]
    assert changes[1].describe() == "new card"
    assert changes[0].describe() == "version 3 · Olu — n"
