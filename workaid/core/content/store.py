"""The local content database: SQLite, one writer, schema migrations in a transaction.

Content tables are derived data (from the bundled pack, an imported folder or a
verified shared pack) and can always be rebuilt; card versions are kept so a desk
can show history. Start-up only opens a plain sqlite3 connection; sqlite-utils
(slow to import) is loaded only when something is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from workaid.core.clock import stamp
from workaid.core.content.review import is_overdue, review_date
from workaid.core.content.text import fold
from workaid.core.errors import EnvironmentProblem
from workaid.core.schema import (
    BUSY_TIMEOUT_S,
    ensure_current,
    environment_problem,
    is_damage_error,
    sqlite_utils_db,
    version_of,
    write,
)

if TYPE_CHECKING:
    import sqlite_utils

    from workaid.core.content.cards import Card, Problem

log = logging.getLogger("workaid.store")

SCHEMA_VERSION = 3
# From this many changed rows on, dropping and rebuilding the search indexes beats
# maintaining them row by row (measured on 20,000 cards: 5 s against 11 s).
BULK_MIN_ROWS = 1000
DB_NAME = "content.db"
# Up to this size `PRAGMA quick_check` runs at every open (the bundled pack is far
# below it); on a large pack it reads the whole file, too slow for the window's start,
# so larger files get the cheap checks, and damage found later
# by any read takes the same path (Store.set_aside).
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
# Meta keys the fresh database keeps about the one set aside, for the status bar.
DAMAGE_KEYS = ("damaged_at", "damaged_kept_as", "damaged_reason")

# Column weights for bm25: a word in the title counts most, then tags, then body.
RANK_WEIGHTS = (10.0, 6.0, 1.0)

_MIGRATIONS: dict[int, str] = {
    1: f"""
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT '',
        review_by TEXT,
        summary TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        plain TEXT NOT NULL,
        fields TEXT NOT NULL DEFAULT '{{}}',
        source TEXT NOT NULL DEFAULT '',
        sha256 TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cards_title ON cards (title COLLATE NOCASE);
    CREATE INDEX cards_kind ON cards (kind);
    CREATE TABLE card_versions (
        card_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        title TEXT NOT NULL,
        raw TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        published_at TEXT,
        recorded_at TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (card_id, version)
    );
    CREATE VIRTUAL TABLE cards_fts USING fts5(
        title, tags, plain, content='cards', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    );
    INSERT INTO cards_fts (cards_fts, rank) VALUES ('rank', 'bm25({", ".join(map(str, RANK_WEIGHTS))})');
    CREATE VIRTUAL TABLE cards_titles USING fts5(
        title, tags, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
    );
    INSERT INTO cards_titles (cards_titles, rank) VALUES ('rank', 'bm25({RANK_WEIGHTS[0]}, {RANK_WEIGHTS[1]})');
    CREATE VIRTUAL TABLE cards_tri USING fts5(folded, content='', tokenize='trigram', detail='none');
    CREATE VIRTUAL TABLE cards_vocab USING fts5vocab(cards_fts, 'row');
    """,
    # 2: sync asks "does this desk already hold this version?" by hash.
    2: """
    CREATE INDEX card_versions_sha ON card_versions (sha256);
    """,
    # 3: the owners' search vocabulary (synonyms.py), one row per term of each card's
    # groups: derived like the indexes, refilled with the cards. Cards already held get
    # their rows from the text they were loaded with (Store._fill_pending_synonyms).
    3: """
    CREATE TABLE synonyms (
        card_id TEXT NOT NULL,
        group_no INTEGER NOT NULL,
        term TEXT NOT NULL,
        written TEXT NOT NULL
    );
    CREATE INDEX synonyms_card ON synonyms (card_id);
    INSERT INTO meta (key, value) SELECT 'synonyms_pending', '1' WHERE EXISTS (SELECT 1 FROM cards);
    """,
}


def writable(path: Path) -> bool:
    """Can this user write the database (and its folder, for the journal)? False on a
    read-only data folder: the desk then still searches what it holds."""
    folder_ok = os.access(path.parent, os.W_OK) if path.parent.exists() else True
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with the settings every WorkAid connection uses; read-only when
    the file or its folder cannot be written."""
    path = Path(path)
    conn = None
    try:
        conn = (
            sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            if writable(path)
            else _connect_read_only(path)
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # Searches read many index pages per keystroke, but the OS page cache serves them:
        # measured on 20,000 cards (bench/desktop.py), neither mapping the file (256 MB) nor
        # a 32 MB page cache made any keystroke faster than an 8 MB cache; they only put up
        # to 300 MB more into the window's resident memory (two connections).
        conn.execute("PRAGMA cache_size = -8000")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.OperationalError as e:
        if conn is not None:
            conn.close()
        raise environment_problem(e, path, "content database") or EnvironmentProblem(
            f"Cannot open the content database {path}: {e}"
        ) from e
    except sqlite3.DatabaseError as e:
        if conn is not None:
            conn.close()
        raise DamagedDatabase(f"The content database {path} is damaged: {e}") from e
    return conn


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Read-only: `mode=ro` reads a WAL database whose -shm exists; in a folder where
    it cannot be made, `immutable=1` (nothing else can be writing there either)."""
    from urllib.parse import quote

    if not path.exists():
        raise EnvironmentProblem(
            f"There is no content database in {path.parent}, and that folder is read-only for this user."
        )
    uri = f"file:{quote(path.resolve().as_posix())}"
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)


def is_damage(e: BaseException) -> bool:
    """SQLite says the file itself is bad (SQLITE_CORRUPT, SQLITE_NOTADB), not locked or full."""
    return isinstance(e, DamagedDatabase) or is_damage_error(e)


class DamagedDatabase(EnvironmentProblem):
    """The file is not a usable SQLite database (disk fault, a foreign file)."""


class Damage(NamedTuple):
    """What was found wrong with the content database and where the file was put."""

    at: str
    kept_as: Path
    reason: str


def damage_reason(cause: BaseException) -> str:
    text = str(cause)
    return text.split(" is damaged: ", 1)[1] if " is damaged: " in text else text


def set_aside_file(path: Path, reason: str, inode: int | None = None) -> Path | None:
    """Move the damaged database at `path` (and its -wal, -shm) to a dated name beside
    it; None when another connection of this desk, or another WorkAid, set it aside
    first. `inode` is the file the caller found damaged; without it, a file in place
    that passes the quick check counts as already replaced."""
    replaced = _inode(path) != inode if inode is not None else _healthy(path)
    if not path.exists() or replaced:
        log.error("content database %s was damaged (%s); it has already been set aside", path, reason)
        return None
    aside = path.with_name(f"{path.name}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S}")
    log.error("content database %s is damaged (%s); kept as %s, starting a fresh one", path, reason, aside)
    try:
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(path) + suffix)
            if src.exists():
                src.replace(Path(str(aside) + suffix))
    except OSError as e:
        raise EnvironmentProblem(
            f"The content database {path} is damaged ({reason}) and could not be set aside: {e.strerror or e}"
        ) from e
    return aside


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _healthy(path: Path) -> bool:
    if _header_problem(path):
        return False
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return False
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
    except sqlite3.OperationalError as e:
        problem = environment_problem(e, path, "content database")
        if problem is not None:
            raise problem from e
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _header_problem(path: Path) -> str | None:
    """A file shorter than its own header says (a truncated copy, a short write)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError:
        return None
    if size == 0:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]
    if valid and pages and page_size and size < pages * page_size:
        return f"truncated: {size:,} bytes of {pages * page_size:,}"
    return None


_T = TypeVar("_T")


def _guarded(method: Callable[..., _T]) -> Callable[..., _T]:
    """Damage met by any read or write sets the file aside at once (see Store.set_aside)."""

    @functools.wraps(method)
    def run(self: Store, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as e:
            if not is_damage(e):
                raise
            raise self.set_aside(e) from e

    return run


class StoredCard(NamedTuple):
    """A card as the UI and CLI see it, read back from the store."""

    id: str
    kind: str
    title: str
    tags: tuple[str, ...]
    owner: str
    review_by: dt.date | None
    summary: str
    body: str
    fields: dict[str, Any]
    source: str
    version: int
    updated_at: str

    def is_stale(self, today: dt.date | None = None) -> bool:
        return is_overdue(self.review_by, today)


class ImportReport(NamedTuple):
    added: int
    changed: int
    removed: int
    unchanged: int
    warnings: tuple[Problem, ...] = ()  # loaded anyway; the owner should look (see cards.ParseResult)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged


class Store:
    """The content database at `path`. Writes go through one lock and `db.atomic()`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._write_lock = threading.Lock()
        self._db: sqlite_utils.Database | None = None
        self._inode: int | None = None  # the file this store's connection reads
        # Set when this store found its file damaged and started a fresh one.
        self.damage: Damage | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise EnvironmentProblem(f"Cannot create the data folder {self.path.parent}: {e.strerror or e}") from e
        self.conn: sqlite3.Connection | None = None
        try:
            self._open()
        except (DamagedDatabase, sqlite3.DatabaseError) as e:
            if not is_damage(e):  # locked, read-only…: not damage
                if isinstance(e, sqlite3.OperationalError):
                    problem = environment_problem(e, self.path, "content database")
                    if problem is not None:
                        raise problem from e
                raise
            self.set_aside(e)

    @property
    def read_only(self) -> bool:
        return not writable(self.path)

    def _open(self) -> None:
        """Connect and check: the header, the schema, the meta table, and the whole file
        (`PRAGMA quick_check`) where that is cheap."""
        problem = _header_problem(self.path)
        if problem:
            raise DamagedDatabase(f"The content database {self.path} is damaged: {problem}")
        self.conn = connect(self.path)
        self._inode = _inode(self.path)
        self._ensure_schema()
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if "synonyms_pending" in meta and writable(self.path):
            self._fill_pending_synonyms()
        self.conn.execute("SELECT COUNT(*) FROM cards").fetchone()
        if self.path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            verdict = [r[0] for r in self.conn.execute("PRAGMA quick_check(5)").fetchall()]
            if verdict != ["ok"]:
                raise DamagedDatabase(f"The content database {self.path} is damaged: {'; '.join(verdict)}")

    def verify(self) -> None:
        """The full quick check, whatever the size; damage sets the file aside (DamagedDatabase)."""
        try:
            verdict = [r[0] for r in self.live.execute("PRAGMA quick_check(5)").fetchall()]
        except sqlite3.DatabaseError as e:
            if not is_damage(e):
                raise
            raise self.set_aside(e) from e
        if verdict != ["ok"]:
            raise self.set_aside(DamagedDatabase("; ".join(verdict)))

    def _disconnect(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
        self.conn, self._db = None, None

    def reopen(self) -> None:
        """Read the file now at this store's path: another connection (the window's
        rebuild job) may have set a damaged one aside and filled a fresh one."""
        with self._write_lock:
            self._disconnect()
            try:
                self._open()
            except (DamagedDatabase, sqlite3.DatabaseError) as e:
                if not is_damage(e):
                    raise
                damaged: BaseException | None = e
            else:
                damaged = None
        if damaged is not None:
            self.set_aside(damaged)

    def set_aside(self, cause: BaseException) -> DamagedDatabase:
        """Keep the damaged file for IT (set_aside_file), start a fresh database in its
        place and note in it what happened; content is derived data, and Library.rebuild
        fills it again. Returns the error for the caller to raise."""
        reason = damage_reason(cause)
        if self.read_only:
            raise DamagedDatabase(
                f"The content database {self.path} is damaged ({reason}) and its folder is read-only for this user; ask IT to replace it."
            ) from cause
        self._disconnect()
        aside = set_aside_file(self.path, reason, self._inode)
        self._open()
        if aside is not None:
            self.damage = Damage(dt.datetime.now().isoformat(timespec="seconds"), aside, reason)
            with self.atomic() as db:
                self.set_meta(db, damaged_at=self.damage.at, damaged_kept_as=str(aside), damaged_reason=reason)
        return DamagedDatabase(
            f"The content database {self.path} was damaged ({reason}); "
            + (f"it is kept as {aside} and a fresh one was started." if aside else "a fresh one is in its place.")
        )

    # -- schema -----------------------------------------------------------
    def schema_version(self) -> int:
        return version_of(self.live)

    def _ensure_schema(self) -> None:
        steps = {n: _split_sql(sql) for n, sql in _MIGRATIONS.items()}
        ensure_current(self.live, lambda: self.db, steps, self._write_lock, self.path, "content database")

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of our connection, created on first write."""
        if self._db is None:
            self._db = sqlite_utils_db(self.live)
        return self._db

    @contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        """The one way to write: serialised, the write lock taken up front, all-or-nothing."""
        with write(self.live, lambda: self.db, self._write_lock, self.path, "content database") as db:
            yield db

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    @property
    def live(self) -> sqlite3.Connection:
        """The open connection; a closed store fails the way a closed sqlite3 connection does."""
        if self.conn is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed content database.")
        return self.conn

    def _fill_pending_synonyms(self) -> None:
        """After the upgrade to schema 3, fill the vocabulary of the cards already held
        from the text each was loaded with; only texts that mention synonyms are parsed."""
        from workaid.core.content.cards import parse_card

        with self.atomic() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'synonyms_pending'").fetchone() is None:
                return  # another WorkAid did it first
            found = db.execute(
                "SELECT c.id, v.raw FROM cards c JOIN card_versions v ON v.card_id = c.id AND v.sha256 = c.sha256 "
                "WHERE v.raw LIKE '%synonyms%'"
            ).fetchall()
            rows = []
            for card_id, raw in found:
                card = parse_card(raw.encode("utf-8", "replace"), f"{card_id}.md").card
                if card is not None:
                    rows.extend(_synonym_rows(card_id, card.synonyms))
            db.execute("DELETE FROM synonyms")
            db.conn.executemany(_SYNONYM_INSERT, rows)
            db.execute("DELETE FROM meta WHERE key = 'synonyms_pending'")
        log.info("search vocabulary filled from %d stored card(s) after the schema upgrade", len(found))

    @_guarded
    def synonym_groups(self) -> list[tuple[str, list[str]]]:
        """(card id, terms as written) of every synonym group this desk holds, by card."""
        groups: dict[tuple[str, int], list[str]] = {}
        for card_id, number, written in self.live.execute(
            "SELECT card_id, group_no, written FROM synonyms ORDER BY card_id, group_no, rowid"
        ):
            groups.setdefault((card_id, number), []).append(written)
        return [(card_id, terms) for (card_id, _), terms in groups.items()]

    # -- meta -------------------------------------------------------------
    @_guarded
    def meta(self) -> dict[str, str]:
        return dict(self.live.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, db: sqlite_utils.Database, **values: str) -> None:
        db.table("meta").upsert_all([{"key": k, "value": str(v)} for k, v in values.items()], pk="key")

    # -- content ------------------------------------------------------------
    @_guarded
    def replace_all(
        self, cards: Iterable[Card], raws: dict[str, str], source_label: str, fingerprint: str = ""
    ) -> ImportReport:
        """Make the store hold exactly `cards` (a whole folder), in one transaction.

        Unchanged cards (same sha256) are left alone so the indexes only churn for what
        changed; a changed card gets the next local version number.
        """
        cards = list(cards)
        existing = self.card_hashes()
        wanted = {c.id for c in cards}
        changed = [c for c in cards if existing.get(c.id) != c.sha256]
        removed = [cid for cid in existing if cid not in wanted]
        meta = {"fingerprint": fingerprint}
        self.apply(changed, removed, raws, source_label, meta=meta)
        n_changed = sum(1 for c in changed if c.id in existing)
        return ImportReport(
            added=len(changed) - n_changed, changed=n_changed, removed=len(removed), unchanged=len(cards) - len(changed)
        )

    @_guarded
    def card_hashes(self) -> dict[str, str]:
        return dict(self.live.execute("SELECT id, sha256 FROM cards").fetchall())

    @_guarded
    def apply(
        self,
        upserts: list[Card],
        deletes: list[str],
        raws: dict[str, str],
        source_label: str,
        history: dict[str, list[dict[str, Any]]] | None = None,
        meta: dict[str, str] | None = None,
    ) -> None:
        """Add or replace `upserts`, remove `deletes`, record versions and meta: one transaction.

        `history` (from a verified pack) gives each card's published versions; the last
        one is the card's version. Without it, versions are numbered locally.
        Large changes rebuild the search indexes in one pass, several times faster
        than row by row.
        """
        now = stamp()
        with self.atomic() as db:
            existing = {row[0]: row[1] for row in db.execute("SELECT id, version FROM cards")}
            max_versions = dict(
                db.execute("SELECT card_id, MAX(version) FROM card_versions GROUP BY card_id").fetchall()
            )
            rows, versions = [], []
            for card in upserts:
                if history and history.get(card.id):
                    version = int(history[card.id][-1]["version"])
                else:
                    version = max(existing.get(card.id, 0), max_versions.get(card.id, 0)) + 1
                rows.append(_card_row(card, version, now))
                published = (history or {}).get(card.id, [{}])[-1]
                versions.append(
                    {
                        "card_id": card.id,
                        "version": version,
                        "sha256": card.sha256,
                        "title": card.title,
                        "raw": raws.get(card.id, card.body),
                        "author": published.get("author", ""),
                        "note": published.get("note", ""),
                        "published_at": published.get("published_at"),
                        "recorded_at": now,
                        "source": source_label,
                    }
                )
            gone = [cid for cid in deletes if cid in existing] + [r["id"] for r in rows if r["id"] in existing]
            db.conn.executemany(
                "DELETE FROM synonyms WHERE card_id = ?", [(cid,) for cid in {*deletes, *(c.id for c in upserts)}]
            )
            db.conn.executemany(_SYNONYM_INSERT, [r for c in upserts for r in _synonym_rows(c.id, c.synonyms)])
            bulk = len(gone) + len(rows) > max(BULK_MIN_ROWS, len(existing) // 4)
            if bulk:
                _delete_rows(db, gone, unindex=False)
                if rows:
                    db.table("cards").insert_all(rows, batch_size=500)
                _rebuild_indexes(db)
            else:
                _delete_rows(db, gone, unindex=True)
                for row in rows:
                    rowid = db.execute(
                        f"INSERT INTO cards ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
                    ).lastrowid
                    assert rowid is not None  # an INSERT always sets it
                    _index_row(db, rowid, row["title"], row["tags"], row["plain"])
            if history:
                # Every published version is listed, even those this desk never held.
                db.conn.executemany(
                    "INSERT INTO card_versions (card_id, version, sha256, title, raw, author, note, published_at, recorded_at, source) "
                    "VALUES (?, ?, ?, '', '', ?, ?, ?, ?, ?) ON CONFLICT (card_id, version) DO UPDATE SET "
                    "raw = CASE WHEN sha256 = excluded.sha256 THEN raw ELSE '' END, "
                    "title = CASE WHEN sha256 = excluded.sha256 THEN title ELSE '' END, "
                    "sha256 = excluded.sha256, author = excluded.author, note = excluded.note, "
                    "published_at = excluded.published_at, source = excluded.source",
                    [
                        (
                            cid,
                            int(v["version"]),
                            v["sha256"],
                            v.get("author", ""),
                            v.get("note", ""),
                            v.get("published_at"),
                            now,
                            source_label,
                        )
                        for cid, vs in history.items()
                        for v in vs
                    ],
                )
            if versions:
                db.table("card_versions").upsert_all(versions, pk=("card_id", "version"), batch_size=500)
            if history:  # the pack's numbering is the truth, also for cards whose text did not change
                db.conn.executemany(
                    "UPDATE cards SET version = ? WHERE id = ? AND version != ?",
                    [(int(vs[-1]["version"]), cid, int(vs[-1]["version"])) for cid, vs in history.items() if vs],
                )
            count = db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
            self.set_meta(db, **{"source": source_label, "loaded_at": now, "card_count": str(count), **(meta or {})})

    @_guarded
    def count(self) -> int:
        return int(self.live.execute("SELECT COUNT(*) FROM cards").fetchone()[0])

    @_guarded
    def get(self, card_id: str) -> StoredCard | None:
        row = self.live.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE id = ?", [card_id]).fetchone()
        return _stored(row) if row else None

    @_guarded
    def history(self, card_id: str) -> list[dict[str, Any]]:
        cur = self.live.execute(
            "SELECT version, sha256, title, author, note, published_at, recorded_at, source "
            "FROM card_versions WHERE card_id = ? ORDER BY version DESC",
            [card_id],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    @_guarded
    def version_raw(self, card_id: str, version: int) -> str | None:
        """The whole file text of one version of a card; None when this desk never held it."""
        row = self.live.execute(
            "SELECT raw FROM card_versions WHERE card_id = ? AND version = ? AND raw != ''", [card_id, version]
        ).fetchone()
        return row[0] if row else None

    @_guarded
    def recent_versions(self, limit: int = 50, exclude_source: str = "") -> list[dict[str, Any]]:
        """The newest card versions this desk recorded, newest first, with the card's
        current title; versions from `exclude_source` (the bundled pack) left out."""
        cur = self.live.execute(
            "SELECT v.card_id, v.version, v.title, v.author, v.note, v.published_at, v.recorded_at, v.source, "
            "c.title AS current_title, c.kind FROM card_versions v JOIN cards c ON c.id = v.card_id "
            "WHERE v.source != ? ORDER BY COALESCE(v.published_at, v.recorded_at) DESC, v.version DESC LIMIT ?",
            [exclude_source, limit],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    @_guarded
    def raw_by_hash(self, hashes: Iterable[str]) -> dict[str, str]:
        """The text of every card version this desk holds, by sha256 (for sync)."""
        hashes = list(hashes)
        out: dict[str, str] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                self.live.execute(
                    f"SELECT sha256, raw FROM card_versions WHERE raw != '' AND sha256 IN ({marks})", chunk
                ).fetchall()
            )
        return out

    def integrity_ok(self) -> bool:
        return bool(self.live.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    @_guarded
    def cards_of_kind(self, kind: str) -> list[StoredCard]:
        """Every card of `kind`, by title. The desk's directory needs them all; a search
        answers with one page of results, so a team on card 60 would never be offered."""
        rows = self.live.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE kind = ? ORDER BY title COLLATE NOCASE, id", [kind]
        ).fetchall()
        return [_stored(row) for row in rows]


_CARD_COLUMNS = "id, kind, title, tags, owner, review_by, summary, body, fields, source, version, updated_at"


def _stored(row: tuple[Any, ...]) -> StoredCard:
    review = review_date(row[5])
    return StoredCard(
        id=row[0],
        kind=row[1],
        title=row[2],
        tags=tuple(row[3].split()) if row[3] else (),
        owner=row[4],
        review_by=review,
        summary=row[6],
        body=row[7],
        fields=json.loads(row[8] or "{}"),
        source=row[9],
        version=row[10],
        updated_at=row[11],
    )


def _card_row(card: Card, version: int, now: str) -> dict[str, Any]:
    from workaid.core.content.render import card_plain_text

    plain = card_plain_text(card.body, card.fields)
    if card.summary:
        plain = card.summary + "\n" + plain
    return {
        "id": card.id,
        "kind": card.kind,
        "title": card.title,
        "tags": " ".join(card.tags),
        "owner": card.owner,
        "review_by": card.review_by.isoformat() if card.review_by else None,
        "summary": card.summary,
        "body": card.body,
        "plain": plain,
        "fields": json.dumps(card.fields, ensure_ascii=False, sort_keys=True),
        "source": card.source,
        "sha256": card.sha256,
        "version": version,
        "updated_at": now,
    }


_SYNONYM_INSERT = "INSERT INTO synonyms (card_id, group_no, term, written) VALUES (?, ?, ?, ?)"


def _synonym_rows(card_id: str, groups: Iterable[str]) -> list[tuple[str, int, str, str]]:
    """The table rows of one card's groups: the folded words search compares, and the term as written."""
    from workaid.core.content.synonyms import split_group, term_key

    rows = []
    for number, group in enumerate(groups):
        for term in split_group(group):
            key = term_key(term)
            if key:
                rows.append((card_id, number, " ".join(key), term))
    return rows


def folded_doc(title: str, tags: str, plain: str) -> str:
    """What the trigram index holds: accent-folded, so 'cafe' finds 'Café' on any SQLite."""
    return fold(f"{title}\n{tags}\n{plain}")


def _index_row(db: sqlite_utils.Database, rowid: int, title: str, tags: str, plain: str) -> None:
    db.execute("INSERT INTO cards_fts (rowid, title, tags, plain) VALUES (?, ?, ?, ?)", [rowid, title, tags, plain])
    db.execute("INSERT INTO cards_titles (rowid, title, tags) VALUES (?, ?, ?)", [rowid, title, tags])
    db.execute("INSERT INTO cards_tri (rowid, folded) VALUES (?, ?)", [rowid, folded_doc(title, tags, plain)])


def _delete_rows(db: sqlite_utils.Database, ids: list[str], unindex: bool) -> None:
    for cid in ids:
        if unindex:
            row = db.execute("SELECT rowid, title, tags, plain FROM cards WHERE id = ?", [cid]).fetchone()
            if row is None:
                continue
            rowid, title, tags, plain = row
            db.execute(
                "INSERT INTO cards_fts (cards_fts, rowid, title, tags, plain) VALUES ('delete', ?, ?, ?, ?)",
                [rowid, title, tags, plain],
            )
            db.execute(
                "INSERT INTO cards_titles (cards_titles, rowid, title, tags) VALUES ('delete', ?, ?, ?)",
                [rowid, title, tags],
            )
            db.execute(
                "INSERT INTO cards_tri (cards_tri, rowid, folded) VALUES ('delete', ?, ?)",
                [rowid, folded_doc(title, tags, plain)],
            )
        db.execute("DELETE FROM cards WHERE id = ?", [cid])


def _rebuild_indexes(db: sqlite_utils.Database) -> None:
    db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO cards_tri (cards_tri) VALUES ('delete-all')")
    db.execute("INSERT INTO cards_titles (cards_titles) VALUES ('delete-all')")
    db.execute("INSERT INTO cards_titles (rowid, title, tags) SELECT rowid, title, tags FROM cards")
    cur = db.execute("SELECT rowid, title, tags, plain FROM cards")
    while batch := cur.fetchmany(1000):
        db.conn.executemany(
            "INSERT INTO cards_tri (rowid, folded) VALUES (?, ?)", [(r[0], folded_doc(r[1], r[2], r[3])) for r in batch]
        )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out: list[str] = []
    buf = ""
    for line in script.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
