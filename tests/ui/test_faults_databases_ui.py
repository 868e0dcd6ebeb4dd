"""Issue 9, the local databases, as the window meets them: a damaged content database,
a damaged escalation log, garbage preferences. The window starts and says what happened."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from tests.core.conftest import CONTENT
from workaid.core.content.library import Library
from workaid.core.desk.escalation_log import (
    EscalationEntry,
    EscalationLog,
    default_path,
)


def _damage_pages(path: Path, start_page: int = 1) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(4096 * start_page)
        fh.write(os.urandom(size - 4096 * start_page))


def _filled(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    lib = Library(data, bundled=CONTENT)
    lib.load_bundled()
    lib.close()
    return data


def test_window_starts_on_a_damaged_content_db_and_the_status_bar_says_it_was_rebuilt(tmp_path, make_window, qtbot):
    data = _filled(tmp_path)
    _damage_pages(data / "content.db")
    lib = Library(data, bundled=CONTENT)  # what app.run opens: damage found, file set aside
    try:
        assert lib.store.damage is not None
        window = make_window(lib)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20000)
        qtbot.waitUntil(lambda: "rebuilt from the bundled pack" in window.status_label.text(), timeout=20000)
        assert "damaged" in window.status_label.text()
        assert any(p.name.startswith("content.db.damaged-") for p in data.iterdir())
        window.close()
    finally:
        lib.close()


def test_window_starts_with_preferences_nested_deep_and_garbage_layout(tmp_path, make_window, qtbot):
    data = _filled(tmp_path)
    (data / "preferences.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    lib = Library(data, bundled=CONTENT)
    try:
        window = make_window(lib)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20000)
        window.close()
    finally:
        lib.close()
    (data / "preferences.json").write_text(
        json.dumps(
            {"search.limit": -5, "window.geometry": "Ωnot base64", "window.state": "!!!!", "window.splitter": "AAAA"}
        ),
        encoding="utf-8",
    )
    lib = Library(data, bundled=CONTENT)
    try:
        window = make_window(lib)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20000)
        assert window.settings.get("search.limit") == 50
        window.close()
    finally:
        lib.close()


def test_damaged_escalation_log_tells_the_rep_once_and_keeps_logging(tmp_path, qtbot):
    from workaid.ui.desk.log_service import LogService

    home = default_path(tmp_path)
    lg = EscalationLog(home)
    for i in range(150):
        lg.add(EscalationEntry(level=2, reason=f"reason {i} " + "y" * 150))
    lg.close()
    _damage_pages(home, start_page=4)

    service = LogService(tmp_path)
    told: list[str] = []
    service.noticed.connect(told.append)
    added: list[int] = []
    errors: list[BaseException] = []
    try:
        service.add(EscalationEntry(level=1, reason="after the damage"), added.append, errors.append)
        qtbot.waitUntil(lambda: bool(added or errors), timeout=10000)
        assert not errors and added
        qtbot.waitUntil(lambda: bool(told), timeout=10000)
        assert len(told) == 1 and "kept" in told[0]
    finally:
        service.close()

    again = LogService(tmp_path)  # a later start: the fresh log, not told again
    told_again: list[str] = []
    again.noticed.connect(told_again.append)
    got: list = []
    try:
        again.counts(dt.datetime.now().astimezone(), got.append, errors.append)
        qtbot.waitUntil(lambda: bool(got or errors), timeout=10000)
        assert not errors and not told_again
        today, _week = got[0]
        assert ("after the damage", 1) in today
    finally:
        again.close()
    assert home.exists()  # the damaged log is kept for IT


def test_damage_met_by_the_search_thread_mid_session_is_set_aside_and_rebuilt(
    tmp_path, make_window, qtbot, monkeypatch
):
    """A database too large for the check at open (here: the check switched off) that is
    damaged while the window runs: the search thread meets it, the window sets the file
    aside, rebuilds it off the GUI thread and searches the fresh one."""
    from workaid.core.content import store

    monkeypatch.setattr(store, "QUICK_CHECK_MAX_BYTES", 0)
    data = _filled(tmp_path)
    lib = Library(data, bundled=CONTENT)
    try:
        window = make_window(lib)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20000)
        db = data / "content.db"
        _damage_pages(db)
        with open(db, "r+b") as fh:  # as any writer would: bump the change counter, so caches are dropped
            fh.seek(24)
            counter = int.from_bytes(fh.read(4), "big")
            fh.seek(24)
            fh.write((counter + 1).to_bytes(4, "big"))
        window.search_box.setText("waiver")
        qtbot.waitUntil(lambda: any(p.name.startswith("content.db.damaged-") for p in data.iterdir()), timeout=20000)
        qtbot.waitUntil(lambda: "rebuilt from the bundled pack" in window.status_label.text(), timeout=20000)
        window.search_box.setText("late fee")
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20000)
        assert lib.store.get("late-fee-waiver") is not None  # the window's own connection reads the fresh file
    finally:
        lib.close()
