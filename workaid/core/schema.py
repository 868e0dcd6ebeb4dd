"""Schema versions and migrations, shared by every WorkAid database.

PRAGMA user_version holds the schema version. A database from a newer WorkAid is
refused untouched (downgrading it would lose or corrupt data); an older one is
brought up to date one step at a time, each step in its own transaction, so a crash
or a failing step leaves the last complete version behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from workaid.core.errors import SchemaTooNew

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger("workaid.schema")


def version_of(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def ensure_current(
    conn: sqlite3.Connection,
    db: Callable[[], sqlite_utils.Database],
    steps: Mapping[int, Iterable[str]],
    lock: threading.Lock,
    path: Path,
    what: str,
) -> None:
    """Refuse a too-new database; migrate an old one. `db` is called only if needed,
    so an up-to-date database never pays for importing sqlite-utils."""
    known = max(steps)
    found = version_of(conn)
    if found > known:
        raise SchemaTooNew(
            f"The {what} {path} was written by a newer WorkAid (schema {found}; this version knows "
            f"{known}). Update WorkAid, or start it with another --data-dir."
        )
    if found == known:
        return
    database = db()
    database.enable_wal()
    with lock:
        for target in range(version_of(conn) + 1, known + 1):
            log.info("migrating %s to schema %d", path, target)
            with database.atomic():
                for statement in steps[target]:
                    database.execute(statement)
                database.execute(f"PRAGMA user_version = {target}")
