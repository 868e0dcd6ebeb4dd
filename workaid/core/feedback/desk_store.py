"""The desk's own feedback store: flags and daily signal counters, kept until sent.

User data, like the escalation log: DATA_DIR/feedback.db, never the content database,
so a content rebuild never loses a flag. Everything goes here first and only then to
the share's outbox (outbox.deliver), so a share that is away, read-only or full never
loses anything: it waits here, marked "waiting", until a delivery renames its file.

What is stored is what is sent, nothing more: a flag's comment is masked
(privacy.mask_comment) before it is stored, and the signal counters hold queries
already cleaned by the recorder. There is no column for a customer's details.

Schema versions and migrations use core.schema like every WorkAid database: a file
from a newer WorkAid is refused untouched. A damaged file is set aside
(feedback-damaged-<stamp>.db, kept for IT) and a fresh store started, with a log
line and a `notice` for the rep: losing unsent flags is bad, refusing to start is worse.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid.core.clock import parse_stamp, stamp, utc_now
from workaid.core.errors import EnvironmentProblem, WorkAidError
from workaid.core.feedback.outbox import (
    CARD_ID_RE,
    FORMAT,
    LEVELS,
    MAX_COUNT,
    MAX_FILE_BYTES,
    MAX_VERSION,
    REASONS,
    encode,
)
from workaid.core.feedback.privacy import clean_query, mask_comment
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

    from workaid.core.desk.escalation_log import EscalationEntry
    from workaid.core.feedback.signals import SignalBatch

log = logging.getLogger("workaid.feedback")

STORE_NAME = "feedback.db"
SCHEMA_VERSION = 1
OTHER_REASON = "(other)"  # an escalation reason that did not pass clean_query

# kinds of counter rows: (day, kind, key, sub) -> n
_SEARCHES, _NO_RESULT, _ABANDONED, _OPENS, _AUTHORITY = "searches", "no_result", "abandoned", "opens", "authority"

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE flags (
            id TEXT PRIMARY KEY,
            card TEXT NOT NULL,
            version INTEGER NOT NULL,
            reason TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            sent_at TEXT,
            file TEXT
        )""",
        "CREATE INDEX flags_card ON flags (card)",
        "CREATE INDEX flags_unsent ON flags (sent_at, file)",
        """CREATE TABLE counts (
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            sub TEXT NOT NULL DEFAULT '',
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (day, kind, key, sub)
        ) WITHOUT ROWID""",
        # Every day the desk gathered signals, and what became of it: sent (with the
        # file's name) or withheld (telemetry was off when the day closed).
        """CREATE TABLE days (
            day TEXT PRIMARY KEY,
            sent_at TEXT,
            file TEXT,
            withheld INTEGER NOT NULL DEFAULT 0
        )""",
    ),
}


class FeedbackError(WorkAidError, ValueError):
    """A flag cannot be stored as given; the message says which field and why."""


@dataclass(frozen=True)
class Flag:
    id: str
    card: str
    version: int
    reason: str
    comment: str
    at: dt.datetime
    sent_at: dt.datetime | None = None

    @property
    def status(self) -> str:
        """What the rep sees: "waiting" (to send) until delivered, then "sent"."""
        return "waiting" if self.sent_at is None else "sent"

    def as_sent(self) -> dict[str, Any]:
        """The flag as a flags file holds it."""
        return {
            "id": self.id,
            "card": self.card,
            "version": self.version,
            "reason": self.reason,
            "comment": self.comment,
            "at": stamp(self.at),
        }


def default_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / STORE_NAME


_FLAG_COLUMNS = "id, card, version, reason, comment, at, sent_at"


def _flag(row: tuple[Any, ...]) -> Flag:
    return Flag(row[0], row[1], row[2], row[3], row[4], parse_stamp(row[5]), parse_stamp(row[6]) if row[6] else None)


class FeedbackStore:
    """The store at `path`; safe to share between the GUI thread and a worker."""

    def __init__(self, path: Path | str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite_utils.Database | None = None
        self.notice: str | None = None  # for the rep, once: the store was damaged and set aside
        self.set_aside: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise EnvironmentProblem(
                f"Cannot create the folder for the feedback store {self.path}: {e.strerror or e}"
            ) from e
        try:
            self._open()
        except DamagedFile as e:
            self._start_fresh(e)

    # -- opening, damage ---------------------------------------------------------------------
    def _open(self) -> None:
        self._db = None
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        except sqlite3.Error as e:
            raise EnvironmentProblem(f"Cannot open the feedback store {self.path}: {e}") from e
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        except sqlite3.DatabaseError as e:
            self.conn.close()
            raise EnvironmentProblem(f"Cannot open the feedback store {self.path}: {e}") from e
        check_first_read(self.conn, self.path, "feedback store")
        try:
            ensure_current(self.conn, lambda: self.db, _MIGRATIONS, self._lock, self.path, "feedback store")
        except BaseException:
            self.conn.close()
            raise

    def _start_fresh(self, cause: BaseException) -> None:
        """Move the damaged file (and its journal) aside for IT; start an empty store."""
        aside = self.path.with_name(f"{self.path.stem}-damaged-{self._clock():%Y%m%d-%H%M%S}{self.path.suffix}")
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    src.replace(Path(str(aside) + suffix))
        except OSError as e:
            raise EnvironmentProblem(
                f"The feedback store {self.path} is damaged and cannot be moved aside ({e.strerror or e}); "
                "ask IT to look at the data folder."
            ) from e
        log.error("feedback store %s is damaged (%s); kept as %s, a fresh store is started", self.path, cause, aside)
        self.set_aside = aside
        self.notice = (
            f"The feedback store was damaged, so it is kept as {aside.name} for IT and a fresh one is started; "
            "flags that were waiting to be sent may need to be made again."
        )
        self._open()

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = sqlite_utils_db(self.conn)
        return self._db

    def schema_version(self) -> int:
        return version_of(self.conn)

    def close(self) -> None:
        self.conn.close()

    def _write(self) -> Any:
        return write(self.conn, lambda: self.db, self._lock, self.path, "feedback store")

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self.conn.execute(sql, list(params)).fetchall()
            except sqlite3.DatabaseError as e:
                raise EnvironmentProblem(f"Cannot read the feedback store {self.path}: {e}") from e

    # -- flags ---------------------------------------------------------------------------------
    def add_flag(
        self, card: str, version: int, reason: str, comment: str | None = "", call_values: Iterable[object] = ()
    ) -> Flag:
        """Store a flag (comment masked) for the next delivery; returns it, status "waiting"."""
        if not isinstance(card, str) or not CARD_ID_RE.match(card):
            raise FeedbackError(f"The card {card!r} is not a card id such as late-fee-waiver.")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
            raise FeedbackError(f"The card version must be a whole number from 1, not {version!r}.")
        if reason not in REASONS:
            raise FeedbackError(f"The reason must be one of {', '.join(REASONS)}, not {reason!r}.")
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            raise FeedbackError(f"The comment must be text, not {type(comment).__name__}.")
        flag = Flag(
            id=secrets.token_hex(16),
            card=card,
            version=version,
            reason=reason,
            comment=mask_comment(comment, call_values),
            at=self._clock().astimezone(dt.UTC).replace(microsecond=0),
        )
        row = {**flag.as_sent(), "sent_at": None, "file": None}
        try:
            self._insert_flag(row)
        except DamagedFile as e:  # found on this write: nothing was written; a fresh store takes it
            self.conn.close()
            self._start_fresh(e)
            self._insert_flag(row)
        log.info("flag %s stored for card %s (%s)", flag.id, card, reason)
        return flag

    def _insert_flag(self, row: dict[str, Any]) -> None:
        try:
            with self._write() as db:
                db.table("flags").insert(row)
        except sqlite3.DatabaseError as e:
            if is_damage_error(e):
                raise DamagedFile(str(e)) from e
            raise

    def flags(self, card: str | None = None) -> list[Flag]:
        """This desk's flags, oldest first; of one card when `card` is given."""
        if card is None:
            rows = self._rows(f"SELECT {_FLAG_COLUMNS} FROM flags ORDER BY at, id")
        else:
            rows = self._rows(f"SELECT {_FLAG_COLUMNS} FROM flags WHERE card = ? ORDER BY at, id", [card])
        return [_flag(r) for r in rows]

    def waiting(self) -> int:
        """How many flags wait to be sent."""
        return int(self._rows("SELECT COUNT(*) FROM flags WHERE sent_at IS NULL")[0][0])

    # -- flags, for outbox.deliver ---------------------------------------------------------------
    def unsent_files(self) -> list[tuple[str, list[Flag]]]:
        """Flags already given a file name by an earlier delivery that did not finish,
        grouped by that name (oldest first)."""
        rows = self._rows(
            f"SELECT file, {_FLAG_COLUMNS} FROM flags WHERE sent_at IS NULL AND file IS NOT NULL ORDER BY file, at, id"
        )
        groups: dict[str, list[Flag]] = {}
        for r in rows:
            groups.setdefault(r[0], []).append(_flag(r[1:]))
        return list(groups.items())

    def unassigned_flags(self) -> list[Flag]:
        """Unsent flags that no delivery has named a file for yet, oldest first."""
        rows = self._rows(f"SELECT {_FLAG_COLUMNS} FROM flags WHERE sent_at IS NULL AND file IS NULL ORDER BY at, id")
        return [_flag(r) for r in rows]

    def assign_file(self, name: str, ids: Iterable[str]) -> None:
        """Name the file these flags go into, before it is written (see outbox.deliver)."""
        ids = list(ids)
        with self._write() as db:
            db.conn.executemany("UPDATE flags SET file = ? WHERE id = ? AND sent_at IS NULL", [(name, i) for i in ids])

    def mark_file_sent(self, name: str, when: dt.datetime | None = None) -> int:
        """The file `name` is on the share: its flags are sent. Returns how many."""
        at = stamp(when or self._clock())
        with self._write() as db:
            cur = db.execute("UPDATE flags SET sent_at = ? WHERE file = ? AND sent_at IS NULL", [at, name])
            return int(cur.rowcount)

    # -- signal counters -------------------------------------------------------------------------
    def add_counts(self, batch: SignalBatch) -> None:
        """Add a recorder's batch, all of it or nothing (one transaction). Counts for a day
        already sent or withheld are dropped (its file is written once), with a log line."""
        rows: list[tuple[str, str, str, str, int]] = []
        for day, c in batch.days.items():
            d = day.isoformat()
            rows.append((d, _SEARCHES, "", "", c.searches))
            rows += [(d, _NO_RESULT, q, "", n) for q, n in c.no_result.items()]
            rows += [(d, _ABANDONED, q, "", n) for q, n in c.abandoned.items()]
            rows += [(d, _OPENS, card, "", n) for card, n in c.opens.items()]
            rows += [(d, _AUTHORITY, card, o, n) for card, outcomes in c.authority.items() for o, n in outcomes.items()]
        if not rows:
            return
        with self._write() as db:
            closed = {
                r[0] for r in db.execute("SELECT day FROM days WHERE sent_at IS NOT NULL OR withheld = 1").fetchall()
            }
            late = {r[0] for r in rows if r[0] in closed}
            if late:
                log.info(
                    "signals for %s came after that day was sent or withheld; not counted", ", ".join(sorted(late))
                )
            db.conn.executemany(
                "INSERT OR IGNORE INTO days (day) VALUES (?)", [(d,) for d in {r[0] for r in rows} - closed]
            )
            db.conn.executemany(
                "INSERT INTO counts (day, kind, key, sub, n) VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (day, kind, key, sub) DO UPDATE SET n = MIN(n + excluded.n, {MAX_COUNT})",
                [(d, k, key, sub, min(n, MAX_COUNT)) for d, k, key, sub, n in rows if d not in closed],
            )

    def unsent_days(self, before: dt.date) -> list[dt.date]:
        """Closed days (before `before`) neither sent nor withheld, oldest first."""
        rows = self._rows(
            "SELECT day FROM days WHERE day < ? AND sent_at IS NULL AND withheld = 0 ORDER BY day", [before.isoformat()]
        )
        return [dt.date.fromisoformat(r[0]) for r in rows]

    def mark_day_sent(self, day: dt.date, name: str, when: dt.datetime | None = None) -> None:
        at = stamp(when or self._clock())
        with self._write() as db:
            db.execute("UPDATE days SET sent_at = ?, file = ? WHERE day = ?", [at, name, day.isoformat()])

    def withhold_days(self, before: dt.date) -> int:
        """Telemetry is off: closed days are never sent (not even if it is switched on
        later), and their counters are deleted. Returns how many days."""
        b = before.isoformat()
        with self._write() as db:
            cur = db.execute("UPDATE days SET withheld = 1 WHERE day < ? AND sent_at IS NULL AND withheld = 0", [b])
            db.execute("DELETE FROM counts WHERE day < ? AND day IN (SELECT day FROM days WHERE withheld = 1)", [b])
            return int(cur.rowcount)

    def day_sent(self, day: dt.date) -> bool:
        rows = self._rows("SELECT sent_at FROM days WHERE day = ?", [day.isoformat()])
        return bool(rows and rows[0][0])

    def day_record(
        self, day: dt.date, desk: str, serial: int, escalations: Iterable[EscalationEntry]
    ) -> dict[str, Any]:
        """The body of the "day" file for `day`: this store's counters for it, and the
        escalations of that UTC day from `escalations` (others are ignored), grouped by
        level, cleaned reason, recommended level and cards."""
        d = day.isoformat()
        body: dict[str, Any] = {
            "format": FORMAT,
            "type": "day",
            "desk": desk,
            "day": d,
            "serial": int(serial),
            "searches_no_result": {},
            "searches_abandoned": {},
            "searches": 0,
            "opens": {},
            "authority": {},
            "escalations": _escalations(day, escalations),
        }
        for kind, key, sub, n in self._rows(
            "SELECT kind, key, sub, n FROM counts WHERE day = ? ORDER BY kind, key, sub", [d]
        ):
            if kind == _SEARCHES:
                body["searches"] = min(body["searches"] + n, MAX_COUNT)
            elif kind == _NO_RESULT:
                body["searches_no_result"][key] = n
            elif kind == _ABANDONED:
                body["searches_abandoned"][key] = n
            elif kind == _OPENS:
                body["opens"][key] = n
            elif kind == _AUTHORITY:
                body["authority"].setdefault(key, {})[sub] = n
        return _fit(body)


def _escalations(day: dt.date, entries: Iterable[EscalationEntry]) -> list[dict[str, Any]]:
    groups: dict[tuple[int, str, int | None, tuple[str, ...]], int] = {}
    for e in entries:
        if e.at is None or e.at.astimezone(dt.UTC).date() != day:
            continue
        if e.level not in LEVELS:
            continue
        recommended = e.recommended if e.recommended in LEVELS else None
        reason = clean_query(e.reason) or OTHER_REASON
        cards = tuple(c for c in dict.fromkeys(e.cards) if isinstance(c, str) and CARD_ID_RE.match(c))
        key = (e.level, reason, recommended, cards)
        groups[key] = min(groups.get(key, 0) + 1, MAX_COUNT)
    return [
        {"level": level, "reason": reason, "recommended": rec, "cards": list(cards), "n": n}
        for (level, reason, rec, cards), n in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0, kv[0][3])
        )
    ]


def _fit(body: dict[str, Any]) -> dict[str, Any]:
    """Keep the file within MAX_FILE_BYTES: if a day's counters would not fit, the rarest
    queries go first (they are the least use to the owner), then the rarest opens."""
    if len(encode(body)) <= MAX_FILE_BYTES:
        return body
    for key in ("searches_abandoned", "searches_no_result", "opens"):
        counts: Mapping[str, int] = body[key]
        keep = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        while keep and len(encode(body)) > MAX_FILE_BYTES:
            keep = keep[: len(keep) * 3 // 4]
            body[key] = dict(keep)
        if len(encode(body)) <= MAX_FILE_BYTES:
            log.warning(
                "day %s: the rarest entries were left out to keep the file within %d bytes", body["day"], MAX_FILE_BYTES
            )
            return body
    body["escalations"] = body["escalations"][:1000]
    body["authority"] = dict(list(body["authority"].items())[:1000])
    log.warning("day %s: entries were left out to keep the file within %d bytes", body["day"], MAX_FILE_BYTES)
    return body
