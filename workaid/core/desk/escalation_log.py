"""The rep's own escalation log (the abusive-caller protocol record is in desk.abusive).

The log answers "how many escalations today, this week, and why" for the rep
and their team lead, and exports a CSV for the content owners who look for cards
that fail to prevent escalations. It is user data: a separate SQLite file in the
user's data dir (``escalations.db``), never the content database, so content sync
and rebuilds never touch it.

What is stored, on purpose, is only: the time (UTC), the level, the reason, the
team or role it went to, the ids of the cards used, the outcome, the call
length and the level the checklist recommended (so owners can review the
escalations that went higher than the checklist said: the prevention review). There is no column for the customer's name, number, account, case
reference or the hand-off summary, so none can leak into the log or its export.
The reason and outcome should be the wording the checklist or card gives; a rep
may type their own, which is why both are capped to one short line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid.core.clock import parse_stamp, utc_now
from workaid.core.errors import EnvironmentProblem, WorkAidError
from workaid.core.fileio import atomic_write
from workaid.core.schema import (
    BUSY_TIMEOUT_S,
    DamagedFile,
    check_first_read,
    ensure_current,
    is_damage_error,
    sqlite_utils_db,
    version_of,
    write,
)

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger("workaid.escalation_log")

LOG_NAME = "escalations.db"
SCHEMA_VERSION = 2
MAX_TEXT = 200
CSV_HEADER = ("time_utc", "level", "reason", "target", "cards", "outcome", "call_seconds")

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
            reason TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            cards TEXT NOT NULL DEFAULT '[]',
            outcome TEXT NOT NULL DEFAULT '',
            call_seconds INTEGER CHECK (call_seconds IS NULL OR call_seconds >= 0)
        )""",
        "CREATE INDEX escalations_at ON escalations (at)",
    ),
    # 2: the checklist's recommended level for the call (NULL: no checklist walked).
    2: (
        "ALTER TABLE escalations ADD COLUMN recommended INTEGER CHECK (recommended IS NULL OR recommended BETWEEN 1 AND 4)",
    ),
}

_Row = tuple[Any, ...]  # one row as sqlite3 returns it
_COLUMNS_V1 = "at, level, reason, target, cards, outcome, call_seconds"
_COLUMNS = _COLUMNS_V1 + ", recommended"

_CARD_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class EscalationLogError(WorkAidError, ValueError):
    """An entry cannot be logged as given; the message says which field and why."""


def default_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / LOG_NAME


def _utc_text(when: dt.datetime) -> str:
    """How the log stores a moment, and how its CSV shows it: UTC, seconds, "+00:00".

    Not `clock.stamp`'s "Z" form on purpose: the range queries (today, this week)
    compare the stored text, and "Z" sorts after "+00:00", so at the same second a
    mix of old and new rows would fall on the wrong side of a bound. Reading accepts
    either form (`clock.parse_stamp`)."""
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class EscalationEntry:
    level: int
    reason: str
    target: str = ""
    cards: tuple[str, ...] = ()
    outcome: str = ""
    call_seconds: int | None = None
    at: dt.datetime | None = None  # None: when it is added
    recommended: int | None = None  # the level the checklist recommended on this call, if one was walked


def _one_line(value: Any, what: str, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise EscalationLogError(f"The {what} must be text, not {type(value).__name__}.")
    text = " ".join(value.split())
    if required and not text:
        raise EscalationLogError(f"The {what} is missing; use the wording from the checklist or the card.")
    if len(text) > MAX_TEXT:
        raise EscalationLogError(
            f"The {what} is {len(text)} characters; keep it to one line of at most {MAX_TEXT} (the log holds no notes or customer details)."
        )
    return text


def _checked_row(entry: EscalationEntry, now: dt.datetime) -> dict[str, Any]:
    if isinstance(entry.level, bool) or entry.level not in (1, 2, 3):
        raise EscalationLogError(f"The level must be 1, 2 or 3, not {entry.level!r}.")
    cards = list(entry.cards) if isinstance(entry.cards, (list, tuple)) else None
    if cards is None or not all(isinstance(c, str) and _CARD_ID.match(c) for c in cards):
        raise EscalationLogError("Cards used must be a list of card ids such as late-fee-waiver.")
    seconds = entry.call_seconds
    if seconds is not None:
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or seconds != seconds
            or seconds < 0
            or seconds > 7 * 24 * 3600
        ):
            raise EscalationLogError(f"The call length must be a number of seconds of 0 or more, not {seconds!r}.")
        seconds = int(seconds)
    recommended = entry.recommended
    if recommended is not None and (isinstance(recommended, bool) or recommended not in (1, 2, 3, 4)):
        raise EscalationLogError(f"The recommended level must be 1 to 4 or none, not {recommended!r}.")
    at = entry.at if entry.at is not None else now
    if not isinstance(at, dt.datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise EscalationLogError("The entry's time needs a time zone.")
    return {
        "at": _utc_text(at),
        "level": entry.level,
        "reason": _one_line(entry.reason, "reason", required=True),
        "target": _one_line(entry.target, "target"),
        "cards": json.dumps(list(dict.fromkeys(cards))),
        "outcome": _one_line(entry.outcome, "outcome"),
        "call_seconds": seconds,
        "recommended": recommended,
    }


def start_of_day(now: dt.datetime) -> dt.datetime:
    """Local midnight of `now`'s day, for the "today" view."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def start_of_week(now: dt.datetime) -> dt.datetime:
    """Local midnight of the Monday of `now`'s week, for the "this week" view."""
    return start_of_day(now) - dt.timedelta(days=now.weekday())


def _connect(path: Path) -> sqlite3.Connection:
    """A small connection: the log is a few rows a day and needs none of the content store's caches."""
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error as e:
        raise EnvironmentProblem(f"Cannot open the escalation log {path}: {e}") from e
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    except sqlite3.Error:
        pass  # a file that is not a database says so on the first real read
    return conn


class EscalationLog:
    """The log file at `path`; one writer at a time, each write all-or-nothing.

    A damaged log is never deleted or overwritten: it stays where it is for IT, new
    entries go to a fresh log beside it (escalations-YYYYMMDD.db), `notice` says so
    once (the start that made the fresh log), and later starts keep using the fresh
    one. Reading and export take whatever rows the damaged logs still give, plus the
    fresh log's."""

    def __init__(self, path: Path | str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.home = Path(path)
        self.path = self.home  # the file new entries go to
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite_utils.Database | None = None
        self.notice: str | None = None  # for the rep, once: the log in use changed
        self.kept: list[Path] = []  # earlier, damaged logs: kept for IT, read for export
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise EnvironmentProblem(
                f"Cannot create the folder for the escalation log {self.path}: {e.strerror or e}"
            ) from e
        *older, newest = _chain(self.home)
        self.kept = older
        try:
            self._open(newest)
        except DamagedFile as e:
            self._start_fresh(newest, e)

    def _open(self, path: Path) -> None:
        self.path, self._db = path, None
        self.conn = _connect(path)
        check_first_read(self.conn, path, "escalation log")
        try:
            self.migrate()
        except BaseException:
            self.conn.close()
            raise

    def _start_fresh(self, damaged: Path, cause: BaseException) -> None:
        """Keep `damaged` untouched and write to a fresh log beside it from now on."""
        fresh = _fresh_name(self.home, self._clock())
        log.error("escalation log %s is damaged (%s); kept for IT, new entries go to %s", damaged, cause, fresh)
        self.kept.append(damaged)
        self._open(fresh)
        self.notice = (
            f"Your escalation log {damaged.name} is damaged, so it is kept as it is for IT; "
            f"new escalations go to {fresh.name} beside it, and the export includes what can still be read of the old one."
        )

    # -- schema ----------------------------------------------------------------------
    def schema_version(self) -> int:
        return version_of(self.conn)

    def migrate(self) -> None:
        """Refuse a log from a newer WorkAid; bring an older one up to date, step by step."""
        ensure_current(self.conn, lambda: self.db, _MIGRATIONS, self._lock, self.path, "escalation log")

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = sqlite_utils_db(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    # -- entries -----------------------------------------------------------------------
    def add(self, entry: EscalationEntry) -> int:
        """Log one escalation; returns its row id."""
        row = _checked_row(entry, self._clock())
        try:
            return self._insert(row)
        except DamagedFile as e:  # found on this write: nothing was written; a fresh log takes it
            self.conn.close()
            self._start_fresh(self.path, e)
            return self._insert(row)

    def _insert(self, row: dict[str, Any]) -> int:
        try:
            with write(self.conn, lambda: self.db, self._lock, self.path, "escalation log") as db:
                rowid = db.table("escalations").insert(row).last_rowid
                assert rowid is not None  # sqlite-utils sets it after every single-row insert
                return rowid
        except sqlite3.DatabaseError as e:
            if is_damage_error(e):
                raise DamagedFile(str(e)) from e
            raise
        except EnvironmentProblem as e:
            raise EnvironmentProblem(f"Could not write to the escalation log: {e}") from e

    def entries(self, since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[EscalationEntry]:
        """Logged entries, oldest first, optionally from `since` (inclusive) to `until` (exclusive)."""
        where, params = _window(since, until)
        sql = f"SELECT {_COLUMNS} FROM escalations{where} ORDER BY at, id"
        rows = [r for old in self.kept for r in _readable_rows(old, where, params)]
        rows += self.conn.execute(sql, params).fetchall()
        rows.sort(key=lambda r: r[0])
        return [
            EscalationEntry(
                level=r[1],
                reason=r[2],
                target=r[3],
                cards=tuple(json.loads(r[4] or "[]")),
                outcome=r[5],
                call_seconds=r[6],
                at=parse_stamp(r[0]),
                recommended=r[7] if len(r) > 7 else None,
            )
            for r in rows
        ]

    def counts(self, since: dt.datetime, until: dt.datetime | None = None) -> dict[tuple[str, int], int]:
        """How many escalations per (reason, level) from `since`, most frequent first."""
        if self.kept:  # several files: count in Python what each still gives
            tally: dict[tuple[str, int], int] = {}
            for e in self.entries(since, until):
                tally[(e.reason, e.level)] = tally.get((e.reason, e.level), 0) + 1
            return dict(sorted(tally.items(), key=lambda kv: (-kv[1], -kv[0][1], kv[0][0])))
        where, params = _window(since, until)
        rows = self.conn.execute(
            f"SELECT reason, level, COUNT(*) AS n FROM escalations{where} GROUP BY reason, level ORDER BY n DESC, level DESC, reason",
            params,
        ).fetchall()
        return {(r[0], r[1]): r[2] for r in rows}

    def export_csv(self, path: Path | str, since: dt.datetime | None = None) -> int:
        """Write the log (from `since`) as CSV with a header row, atomically; returns the row count.

        Text cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed
        with an apostrophe, as spreadsheet programs themselves do.
        """
        entries = self.entries(since)
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_HEADER)
        for e in entries:
            writer.writerow(
                [
                    _utc_text(e.at) if e.at else "",
                    e.level,
                    _cell(e.reason),
                    _cell(e.target),
                    _cell(" ".join(e.cards)),
                    _cell(e.outcome),
                    "" if e.call_seconds is None else e.call_seconds,
                ]
            )
        try:
            atomic_write(path, buf.getvalue())
        except OSError as err:
            raise EnvironmentProblem(
                f"Could not write {path}: {err.strerror or err}. Check the folder and the disk, then try again."
            ) from err
        return len(entries)


def _chain(home: Path) -> list[Path]:
    """The configured log, then the fresh logs started beside it, oldest first."""
    fresh = sorted(home.parent.glob(f"{home.stem}-*{home.suffix}"), key=lambda p: p.stem)
    return [home, *(p for p in fresh if p.stem[len(home.stem) + 1 :][:8].isdigit())]


def _fresh_name(home: Path, now: dt.datetime) -> Path:
    path = home.with_name(f"{home.stem}-{now:%Y%m%d}{home.suffix}")
    if path.exists():
        path = home.with_name(f"{home.stem}-{now:%Y%m%d-%H%M%S%f}{home.suffix}")
    return path


def _readable_rows(path: Path, where: str, params: list[str]) -> list[_Row]:
    """What a damaged log still gives, read-only: the whole table if it reads, else
    row ranges by id (a lookup by id skips the damaged pages a scan stops at)."""
    from urllib.parse import quote

    try:
        conn = sqlite3.connect(f"file:{quote(path.resolve().as_posix())}?mode=ro", uri=True)
    except sqlite3.Error as e:
        log.warning("damaged escalation log %s cannot be read at all: %s", path, e)
        return []
    try:
        try:  # a log kept from before schema 2 has no recommended column
            names = {r[1] for r in conn.execute("PRAGMA table_info(escalations)")}
        except sqlite3.Error:
            names = set()
        columns = f"SELECT {_COLUMNS if 'recommended' in names else _COLUMNS_V1} FROM escalations"
        try:
            return conn.execute(f"{columns}{where}", params).fetchall()
        except sqlite3.Error:
            pass
        rows: list[_Row] = []
        both = " AND " if where else " WHERE "
        lost, start, misses = 0, 1, 0
        while misses < _PROBE_GIVE_UP:
            chunk = _probe(conn, f"{columns}{where}{both}id BETWEEN ? AND ?", params, start, start + _PROBE_CHUNK - 1)
            if chunk is None:  # a damaged range: one id at a time
                found = [
                    _probe(conn, f"{columns}{where}{both}id = ?", params, n) for n in range(start, start + _PROBE_CHUNK)
                ]
                lost += sum(1 for f in found if f is None)
                chunk = [r for f in found if f for r in f]
            misses = 0 if chunk else misses + 1
            rows += chunk
            start += _PROBE_CHUNK
        log.warning("damaged escalation log %s: %d rows read, %d unreadable", path, len(rows), lost)
        return rows
    finally:
        conn.close()


_PROBE_CHUNK = 64
_PROBE_GIVE_UP = 64  # this many empty ranges in a row: past the last row


def _probe(conn: sqlite3.Connection, sql: str, params: list[str], *ids: int) -> list[_Row] | None:
    try:
        return conn.execute(sql, [*params, *ids]).fetchall()
    except sqlite3.Error:
        return None


def _window(since: dt.datetime | None, until: dt.datetime | None) -> tuple[str, list[str]]:
    clauses, params = [], []
    for bound, op, name in ((since, ">=", "since"), (until, "<", "until")):
        if bound is None:
            continue
        if not isinstance(bound, dt.datetime) or bound.tzinfo is None or bound.utcoffset() is None:
            raise EscalationLogError(f"'{name}' must be a date and time with a time zone.")
        clauses.append(f"at {op} ?")
        params.append(_utc_text(bound))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
