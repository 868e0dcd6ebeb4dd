"""Schema versions, migrations and the write transaction shared by every WorkAid database.

PRAGMA user_version holds the schema version. A database from a newer WorkAid is
refused untouched (downgrading it would lose or corrupt data); an older one is
brought up to date one step at a time, each step in its own transaction, so a crash
or a failing step leaves the last complete version behind.

Every write takes SQLite's write lock up front (BEGIN IMMEDIATE, see `write`): a
deferred transaction that reads first and writes later cannot wait for another
process's write and fails at once with "database is locked". With the lock taken
first, a second WorkAid (an import while the window syncs, three first starts at
once) waits up to BUSY_TIMEOUT_S and then proceeds, or is told calmly that another
WorkAid is busy. SQLite's own errors about the environment (locked, disk full,
read-only) become EnvironmentProblem with a sentence naming the file or folder.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from workaid.core.errors import EnvironmentProblem, SchemaTooNew

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger("workaid.schema")

# How long a writer waits for another process's write to finish before giving up.
BUSY_TIMEOUT_S = 10.0


class DatabaseBusy(EnvironmentProblem):
    """Another process held the write lock for longer than BUSY_TIMEOUT_S."""


class DiskFull(EnvironmentProblem):
    """SQLite could not grow the file: the disk (or the user's quota) is full."""


class ReadOnlyDatabase(EnvironmentProblem):
    """The database file or its folder cannot be written by this user."""


def environment_problem(e: sqlite3.Error, path: Path, what: str) -> EnvironmentProblem | None:
    """The calm sentence for a SQLite error caused by the machine, not by WorkAid; None for anything else."""
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(f"Another WorkAid is busy with the {what} {path}; try again in a moment.")
    if "full" in text:
        return DiskFull(
            f"The disk holding {path.parent} is full, so the {what} could not be written; free some space there and try again."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabase(f"The {what} {path} cannot be written: {path.parent} is read-only for this user.")
    if "disk i/o" in text or "unable to open" in text:
        return EnvironmentProblem(f"Cannot use the {what} {path} ({e}); check the disk and the folder's permissions.")
    return None


def sqlite_utils_db(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """The sqlite-utils view of `conn` for writes and migrations: imported only when one
    is needed, so a start that only reads never pays for sqlite-utils, and with plugins
    off, so nothing else installed on the machine runs inside a WorkAid database."""
    import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def write(
    conn: sqlite3.Connection, db: Callable[[], sqlite_utils.Database], lock: threading.Lock, path: Path, what: str
) -> Iterator[sqlite_utils.Database]:
    """The one write transaction: this thread's turn (`lock`), then the database's write
    lock (BEGIN IMMEDIATE), then sqlite-utils' `db.atomic()` inside it (a savepoint),
    committed whole or rolled back whole."""
    with lock:
        database = db()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            _raise_mapped(e, path, what)
        try:
            with database.atomic():
                yield database
            conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            _rollback(conn)
            _raise_mapped(e, path, what)
        except BaseException:
            _rollback(conn)
            raise


def _raise_mapped(e: sqlite3.OperationalError, path: Path, what: str) -> None:
    """Raise the environment problem `e` stands for, else `e` itself (a bug)."""
    problem = environment_problem(e, path, what)
    if problem is None:
        raise e
    raise problem from e


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as e:  # the failure that brought us here is what matters
            log.warning("rollback failed: %s", e)


def ensure_current(
    conn: sqlite3.Connection,
    db: Callable[[], sqlite_utils.Database],
    steps: Mapping[int, Iterable[str]],
    lock: threading.Lock,
    path: Path,
    what: str,
) -> None:
    """Refuse a too-new database; migrate an old one. `db` is called only if needed,
    so an up-to-date database never pays for importing sqlite-utils.

    Each step re-reads the version under the write lock: of several processes that
    start at once on an empty folder, one creates the schema and the others, having
    waited for it, find nothing left to do."""
    known = max(steps)
    found = version_of(conn)
    if found > known:
        raise SchemaTooNew(
            f"The {what} {path} was written by a newer WorkAid (schema {found}; this version knows "
            f"{known}). Update WorkAid, or start it with another --data-dir."
        )
    if found == known:
        return
    try:
        db().enable_wal()
    except sqlite3.OperationalError as e:
        _raise_mapped(e, path, what)
    for target in range(found + 1, known + 1):
        with write(conn, db, lock, path, what) as database:
            if version_of(conn) >= target:  # another process got there first
                continue
            log.info("migrating %s to schema %d", path, target)
            for statement in steps[target]:
                database.execute(statement)
            database.execute(f"PRAGMA user_version = {target}")


def is_damage_error(e: BaseException) -> bool:
    """SQLite says the file itself is bad (SQLITE_CORRUPT, SQLITE_NOTADB), not locked or full."""
    if not isinstance(e, sqlite3.DatabaseError) or isinstance(e, (sqlite3.OperationalError, sqlite3.IntegrityError)):
        return False
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (11, 26):
        return True
    text = str(e).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


class DamagedFile(Exception):
    """A user's own database (escalation log, feedback store) is damaged: its owner keeps
    the file for IT and starts a fresh one beside it."""


def check_first_read(conn: sqlite3.Connection, path: Path, what: str) -> None:
    """The first read of a user database, then a quick check: damage raises DamagedFile,
    anything else (a locked or unreadable file) EnvironmentProblem; `conn` is closed on
    either. One place, so the escalation log and the feedback store tell damage alike."""
    try:
        version_of(conn)  # the first read: a damaged file fails here
        verdict = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as e:
        conn.close()
        if is_damage_error(e):
            raise DamagedFile(str(e)) from e
        raise EnvironmentProblem(
            f"The {what} {path} cannot be opened ({e}); check the disk and the folder, then try again."
        ) from e
    if verdict != ["ok"]:
        conn.close()
        raise DamagedFile("; ".join(verdict))
