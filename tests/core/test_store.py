from __future__ import annotations

import sqlite3

import pytest

from tests.core.conftest import write_card
from workaid.core.content.library import Library
from workaid.core.content.store import SCHEMA_VERSION, Store
from workaid.core.errors import ContentError, SchemaTooNew


def card(i: str, title: str, body: str = "Body.") -> str:
    return f"---\nid: {i}\ntitle: {title}\n---\n{body}\n"


def test_new_store_is_migrated_in_wal_mode(tmp_path):
    store = Store(tmp_path / "content.db")
    assert store.schema_version() == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.integrity_ok()
    store.close()


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "content.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE keep (x)")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer WorkAid"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("keep",)]


def test_import_is_all_or_nothing(tmp_path):
    src = tmp_path / "src"
    write_card(src, "a.md", card("a", "Alpha refunds"))
    lib = Library(tmp_path / "data", bundled=src)
    lib.import_folder(src)
    write_card(src, "b.md", card("b", "Beta"))
    write_card(src, "c.md", "---\nid: c\ntitle: [broken\n---\n")
    with pytest.raises(ContentError) as err:
        lib.import_folder(src)
    assert any(p.source == "c.md" for p in err.value.problems)
    assert lib.status().count == 1 and lib.card("b") is None
    assert [r.id for r in lib.search("alpha").results] == ["a"]


def test_changed_card_gets_a_new_version_and_unchanged_cards_do_not(tmp_path):
    src = tmp_path / "src"
    write_card(src, "a.md", card("a", "Alpha"))
    write_card(src, "b.md", card("b", "Beta"))
    lib = Library(tmp_path / "data", bundled=src)
    first = lib.import_folder(src)
    assert (first.added, first.changed) == (2, 0)
    write_card(src, "a.md", card("a", "Alpha", "New body about waivers."))
    second = lib.import_folder(src)
    assert (second.added, second.changed, second.unchanged) == (0, 1, 1)
    assert [v["version"] for v in lib.history("a")] == [2, 1]
    assert [v["version"] for v in lib.history("b")] == [1]
    assert lib.card("a").version == 2
    assert [r.id for r in lib.search("waivers").results] == ["a"]


def test_removed_card_leaves_search_and_keeps_history(tmp_path):
    src = tmp_path / "src"
    write_card(src, "a.md", card("a", "Alpha"))
    write_card(src, "b.md", card("b", "Beta unique"))
    lib = Library(tmp_path / "data", bundled=src)
    lib.import_folder(src)
    (src / "b.md").unlink()
    report = lib.import_folder(src)
    assert report.removed == 1
    assert lib.search("unique").results == () and lib.card("b") is None
    assert lib.history("b")
    assert lib.store.integrity_ok()


def test_incremental_and_bulk_index_paths_agree(tmp_path, monkeypatch):
    monkeypatch.setattr("workaid.core.content.store.BULK_MIN_ROWS", 10)
    src = tmp_path / "src"
    for i in range(30):
        write_card(src, f"c{i}.md", card(f"c{i}", f"Card number {i}", f"Token{i} shared words"))
    lib = Library(tmp_path / "data", bundled=src)
    lib.import_folder(src)  # bulk path
    write_card(src, "c3.md", card("c3", "Card number 3", "Changed mango"))
    lib.import_folder(src)  # incremental path
    assert [r.id for r in lib.search("mango").results] == ["c3"]
    assert "c3" not in [r.id for r in lib.search("token3 ").results]
    assert len(lib.search("shared").results) == 29
    assert [r.id for r in lib.search("ango").results] == ["c3"]  # trigram index in step too
    assert lib.store.conn.execute("INSERT INTO cards_fts(cards_fts) VALUES('integrity-check')") is not None


def test_bundled_pack_loads_once_and_reloads_when_it_changes(tmp_path):
    src = tmp_path / "src"
    write_card(src, "a.md", card("a", "Alpha"))
    lib = Library(tmp_path / "data", bundled=src)
    assert lib.needs_bundled_import()
    lib.load_bundled()
    assert not lib.needs_bundled_import()
    write_card(src, "a.md", card("a", "Alpha two"))
    assert lib.needs_bundled_import()


def test_an_imported_folder_is_not_replaced_by_the_bundled_pack(tmp_path):
    src, other = tmp_path / "src", tmp_path / "other"
    write_card(src, "a.md", card("a", "Alpha"))
    write_card(other, "z.md", card("z", "Zulu"))
    lib = Library(tmp_path / "data", bundled=src)
    lib.import_folder(other)
    assert not lib.needs_bundled_import()
    assert str(other.resolve()) in lib.status().describe()


def test_an_older_schema_is_migrated_in_place_keeping_its_cards(tmp_path):
    import sqlite3

    from workaid.core.content import store as store_mod

    path = tmp_path / "content.db"
    conn = sqlite3.connect(path)
    for statement in store_mod._split_sql(store_mod._MIGRATIONS[1]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO card_versions (card_id, version, sha256, title, raw, recorded_at) VALUES ('a', 1, 'x', 'A', 'raw', 'now')"
    )
    conn.commit()
    conn.close()
    s = Store(path)
    assert s.schema_version() == SCHEMA_VERSION
    assert s.conn.execute("SELECT name FROM sqlite_master WHERE name = 'card_versions_sha'").fetchone()
    assert s.raw_by_hash(["x"]) == {"x": "raw"}


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    import sqlite3

    from workaid.core.content import store as store_mod

    path = tmp_path / "content.db"
    conn = sqlite3.connect(path)
    for statement in store_mod._split_sql(store_mod._MIGRATIONS[1]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    monkeypatch.setitem(
        store_mod._MIGRATIONS, 2, "CREATE INDEX card_versions_sha ON card_versions (sha256);\nCREATE TABLE broken (;"
    )
    with pytest.raises(sqlite3.OperationalError):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'card_versions_sha'").fetchone() is None


def test_a_damaged_content_database_is_set_aside_and_rebuilt(tmp_path):
    from tests.core.conftest import CONTENT

    data = tmp_path / "data"
    data.mkdir()
    (data / "content.db").write_bytes(b"this is not a database at all" * 100)
    lib = Library(data, bundled=CONTENT)
    assert lib.needs_bundled_import()
    lib.load_bundled()
    assert lib.status().count >= 30
    assert [p.name.startswith("content.db.damaged-") for p in data.iterdir()].count(True) == 1


def test_discretion_limits_must_not_shrink_up_the_roles():
    from workaid.core.content.cards import parse_card

    text = (
        "---\nid: g\ntitle: T\ndiscretion:\n  unit: GBP\n  escalate_to: supervisor\n  roles:\n"
        "    - role: rep\n      max_amount: 50\n    - role: senior-rep\n      max_amount: 20\n---\n"
    )
    problems = [str(p) for p in parse_card(text.encode(), "x.md").problems]
    assert problems == [
        "x.md:11 — max_amount must not be lower than the role above it in the list (roles go from least to most authority)"
    ]


def test_contact_hours_are_checked_in_every_part():
    from workaid.core.content.cards import parse_card

    base = "---\nid: c\nkind: contact\ntitle: T\nteam: B\ntopics: [x]\nchannel: phone\ndirect: '1'\ntimezone: Europe/London\n"
    assert parse_card((base + "hours: Mon-Fri 08:00-18:00, Sat 09:00-13:00\n---\n").encode(), "x.md").problems == []
    bad = parse_card((base + "hours: Mon-Fri 08:00-18:00, Sun whenever\n---\n").encode(), "x.md").problems
    assert bad and bad[0].line == 10 and "hours look like" in bad[0].message
