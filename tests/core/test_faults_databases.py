"""Issue 9, the local databases: each case is a fault a real desk meets, named after it.

Damaged content database, damaged escalation log, two WorkAids at once, a read-only
data folder, a full disk, a closed pipe, garbage preferences. Nothing is lost and
there is never a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.conftest import CONTENT
from workaid import cli
from workaid.core.content import store as store_mod
from workaid.core.content.library import Library
from workaid.core.desk.escalation_log import (
    EscalationEntry,
    EscalationLog,
    default_path,
)
from workaid.core.settings import REGISTRY, Settings

ROOT = Path(__file__).resolve().parents[2]
WORKAID = [sys.executable, "-m", "workaid"]
UTC = dt.UTC


def _damage_pages(path: Path, start_page: int = 1) -> None:
    """Header intact, every page from `start_page` on (0-based) overwritten with noise."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(4096 * start_page)
        fh.write(os.urandom(size - 4096 * start_page))


def _asides(data: Path, name: str = "content.db") -> list[Path]:
    return sorted(
        p for p in data.iterdir() if p.name.startswith(f"{name}.damaged-") and not p.name.endswith(("-wal", "-shm"))
    )


def _run(args: list[str], env_extra: dict | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(WORKAID + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kw)


# -- 6. page-level damage to content.db ---------------------------------------------------
def test_page_damage_to_content_db_is_set_aside_logged_and_rebuilt_from_bundled(bundled_db, tmp_path, capsys, caplog):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    _damage_pages(data / "content.db")
    with caplog.at_level(logging.ERROR, logger="workaid.store"):
        code = cli.main(["--data-dir", str(data), "search", "late", "fee"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "late-fee-waiver" in out
    assert "damaged" in err and "rebuilt from the bundled pack" in err
    kept = _asides(data)
    assert len(kept) == 1 and str(kept[0]) in err
    assert any("damaged" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    lib = Library(data, bundled=CONTENT)
    try:
        status = lib.status().describe()
        assert "damaged" in status and "bundled" in status
        assert lib.store.count() > 0
    finally:
        lib.close()


def test_truncated_content_db_with_an_unreachable_share_says_so(bundled_db, tmp_path, capsys, monkeypatch):
    from workaid.core.distribution import keys

    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    db = data / "content.db"
    with open(db, "r+b") as fh:
        fh.truncate(db.stat().st_size // 2)
    _, pub = keys.generate(tmp_path / "keys")
    missing_share = tmp_path / "share-that-is-not-there"
    config = tmp_path / "workaid.toml"
    config.write_text(f'share = "{missing_share.as_posix()}"\ntrusted_keys = ["{pub.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.setenv("WORKAID_CONFIG", str(config))
    code = cli.main(["--data-dir", str(data), "show", "late-fee-waiver"])
    out, err = capsys.readouterr()
    assert code == 0 and "late-payment fee" in out.lower()
    assert "rebuilt from the bundled pack because the shared folder" in err and "unreachable" in err
    assert len(_asides(data)) == 1
    lib = Library(data, bundled=CONTENT)
    try:  # said until a sync succeeds, not only once
        assert "unreachable" in lib.status().describe()
    finally:
        lib.close()


def test_damage_found_later_by_a_search_sets_the_file_aside_through_the_same_path(bundled_db, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    lib = Library(data, bundled=CONTENT)
    try:
        assert lib.search("refund").results
        lib.searcher.invalidate()
        _damage_pages(data / "content.db")
        # The whole bundled pack fits in SQLite's page cache after one search, so its pages
        # would come from memory; a desk's big pack is read from disk. Drop the cache, as
        # memory pressure would, so the damaged pages are read.
        lib.store.live.execute("PRAGMA shrink_memory")
        with pytest.raises(store_mod.DamagedDatabase, match="kept as"):
            for word in ("refund", "abusive", "supervisor", "contract", "broadband"):
                lib.searcher.invalidate()
                lib.search(word)
        assert len(_asides(data)) == 1
        lib.load_bundled()  # the rebuild the CLI and the window run next
        assert lib.search("refund").results
        assert "damaged" in lib.status().describe()
    finally:
        lib.close()


def test_a_second_connection_does_not_set_aside_the_fresh_database(bundled_db, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    first = Library(data, bundled=CONTENT)
    second = Library(data, bundled=CONTENT)
    try:
        first.store.set_aside(store_mod.DamagedDatabase("test damage"))
        first.load_bundled()
        second.store.set_aside(store_mod.DamagedDatabase("same damage, seen by another connection"))
        assert len(_asides(data)) == 1
        assert second.store.count() == first.store.count() > 0
    finally:
        first.close()
        second.close()


# -- 7. damaged escalations.db ------------------------------------------------------------
def test_damaged_escalation_log_is_kept_new_entries_go_to_a_fresh_log_and_export_reads_both(tmp_path):
    home = default_path(tmp_path)
    lg = EscalationLog(home)
    for i in range(200):
        lg.add(EscalationEntry(level=2, reason=f"reason {i} " + "x" * 150, at=dt.datetime(2026, 12, 1, 9, tzinfo=UTC)))
    lg.close()
    _damage_pages(home, start_page=6)
    damaged_bytes = home.read_bytes()

    lg = EscalationLog(home)
    assert lg.notice and home.name in lg.notice and "kept" in lg.notice
    assert lg.path != home and lg.path.parent == home.parent
    lg.add(EscalationEntry(level=1, reason="new after the damage"))
    out = tmp_path / "export.csv"
    n = lg.export_csv(out)
    lg.close()
    text = out.read_text(encoding="utf-8")
    assert "new after the damage" in text and "reason 0 " in text
    assert n == text.count("\n") - 1
    assert home.read_bytes() == damaged_bytes  # never deleted, never replaced

    again = EscalationLog(home)  # a later start: the fresh log, and no second telling
    try:
        assert again.notice is None
        assert again.path == lg.path
        assert any(e.reason == "new after the damage" for e in again.entries())
    finally:
        again.close()


# -- 8. two processes at once -------------------------------------------------------------
def test_two_imports_at_once_both_finish_or_one_says_another_workaid_is_busy(tmp_path):
    data = tmp_path / "data"
    procs = [
        subprocess.Popen(
            WORKAID + ["--data-dir", str(data), "import", str(CONTENT)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or (code == 3 and "Another WorkAid is busy" in err), (code, err)
    assert any(code == 0 for code, _, _ in results)


def test_three_first_starts_at_once_on_an_empty_data_folder(tmp_path):
    data = tmp_path / "data"
    procs = [
        subprocess.Popen(
            WORKAID + ["--data-dir", str(data), "search", "refund"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or (code == 3 and "Another WorkAid is busy" in err), (code, err)
    assert sum(code == 0 for code, _, _ in results) >= 1


def test_a_writer_waits_for_the_write_lock_then_says_another_workaid_is_busy(library, monkeypatch, capsys):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(library.store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        library.store.conn.execute("PRAGMA busy_timeout = 200")
        with pytest.raises(store_mod.EnvironmentProblem, match="Another WorkAid is busy"):
            library.import_folder(CONTENT)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    library.import_folder(CONTENT)  # and proceeds once the other is done


# -- 9. environment errors: exit 3 with a sentence ------------------------------------------
def test_disk_full_during_import_names_the_desk_folder_and_exits_3(bundled_db, tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)

    def full(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_mod, "_rebuild_indexes", full)
    monkeypatch.setattr(store_mod, "_index_row", full)
    src = tmp_path / "src"
    shutil.copytree(CONTENT, src)
    for p in src.rglob("*.md"):
        p.write_text(p.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    before = Library(data, bundled=CONTENT)
    count = before.store.count()
    before.close()
    code = cli.main(["--data-dir", str(data), "import", str(src)])
    err = capsys.readouterr().err
    assert code == 3
    assert "full" in err and str(data) in err
    monkeypatch.undo()
    after = Library(data, bundled=CONTENT)
    try:
        assert after.store.count() == count and after.status().source == "bundled"
    finally:
        after.close()


def test_broken_pipe_when_output_goes_to_head_exits_quietly(bundled_db, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    cmd = " ".join(WORKAID) + f" --data-dir {data} search a --limit 50 | head -c 1"
    done = subprocess.run(
        ["bash", "-c", "set -o pipefail; " + cmd], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert done.stdout


def _can_drop_privileges() -> bool:
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


@pytest.mark.skipif(not _can_drop_privileges(), reason="needs root and setpriv to run a search as another user")
def test_search_works_from_a_read_only_data_folder(bundled_db, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    for p in [tmp_path, *tmp_path.parents]:
        if p == Path("/"):
            break
        os.chmod(p, os.stat(p).st_mode | 0o005)  # others may enter and list, not write
    os.chmod(data, 0o755)
    cmd = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        *WORKAID,
        "--data-dir",
        str(data),
        "search",
        "refund",
    ]
    done = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)}
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "refund" in done.stdout.lower()
    imp = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            *WORKAID,
            "--data-dir",
            str(data),
            "import",
            str(CONTENT),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imp.returncode == 3 and "Traceback" not in imp.stderr, imp.stderr


# -- 10. preferences.json -----------------------------------------------------------------
def test_preferences_nested_100000_deep_fall_back_to_defaults(tmp_path, caplog):
    path = tmp_path / "preferences.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="workaid.settings"):
        s = Settings(path)
    assert s.get("search.limit") == REGISTRY["search.limit"].default
    assert caplog.records


@pytest.mark.parametrize(
    "name, value",
    [
        ("search.limit", -5),
        ("search.limit", 0),
        ("search.limit", 10**30),
        ("search.limit", "50"),
        ("search.limit", True),
        ("window.geometry", "Ünïcode is not base64"),
        ("window.state", 12),
        ("search.kind", None),
    ],
)
def test_preferences_out_of_range_or_wrong_type_are_rejected_with_a_log_line(tmp_path, caplog, name, value):
    import json

    path = tmp_path / "preferences.json"
    path.write_text(json.dumps({name: value, "desk.role": "senior-rep"}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="workaid.settings"):
        s = Settings(path)
    assert s.get(name) == REGISTRY[name].default
    assert s.get("desk.role") == "senior-rep"  # the good values stay
    assert any(name in r.getMessage() for r in caplog.records)
    with pytest.raises((TypeError, ValueError)):
        s.set(name, value)
