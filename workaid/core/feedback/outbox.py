"""The desk's side of the outbox on the share: the file format, its checks, and delivery.

Layout (docs: the contract of issue 12, DESIGN.md "The shared folder")::

    SHARE/outbox/                      mode 0o1777 where the OS allows (world-writable + sticky)
    SHARE/outbox/<desk-id>/            one desk's own folder, 16 lowercase hex
        flags-20261203T101500Z-a1b2c3.json   a batch of flags not sent before
        day-2026-12-02.json                  one closed UTC day's aggregate signals

Each file is one UTF-8 JSON object of at most MAX_FILE_BYTES, written atomically
(temp + fsync + rename), so the owner's reader sees a whole file or none. A desk only
ever adds files to its own folder; the sticky bit stops another desk's OS user from
deleting or renaming them.

The format constants and the pure validators `parse_flags_file` / `parse_day_file`
live here, beside the writer, so the owner's reader (outbox_read) checks files by
exactly the rules the desk writes them by.

Nothing is marked sent before the rename of its file succeeded; a share that is
missing, read-only or full raises `OutboxUnavailable` and everything not yet renamed
waits for the next try. Flags are assigned their file name before the write, so a
crash between the rename and the bookkeeping is found on the next try (the file is
there: the flags are marked sent, not sent twice).
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import json
import logging
import os
import re
import secrets
import sqlite3
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid.core.clock import parse_stamp, stamp, utc_now
from workaid.core.content.text import fold
from workaid.core.errors import EnvironmentProblem
from workaid.core.fileio import atomic_write

if TYPE_CHECKING:
    from workaid.core.desk.escalation_log import EscalationLog
    from workaid.core.feedback.desk_store import FeedbackStore

log = logging.getLogger("workaid.feedback")

# -- the format (shared with the owner's reader: keep these names stable) -----------------------
FORMAT = 1
MAX_FILE_BYTES = 256 * 1024
OUTBOX = "outbox"
OUTBOX_MODE = 0o1777
REASONS = ("wrong", "unclear", "out-of-date", "missing", "other")
MAX_COMMENT = 500
MAX_QUERY = 60
MAX_COUNT = 1_000_000
MAX_VERSION = 1_000_000
MAX_SERIAL = 10**12
LEVELS = range(1, 5)  # escalation levels 1..4 (level 4: over the company's head)

DESK_ID_RE = re.compile(r"^[0-9a-f]{16}$")
FLAG_ID_RE = re.compile(r"^[0-9a-f]{32}$")
CARD_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
OUTCOME_RE = re.compile(r"^[a-z][a-z-]{0,23}$")  # authority verdicts: within, senior, escalate, …
FLAGS_NAME_RE = re.compile(r"^flags-(\d{8}T\d{6}Z)-([0-9a-f]{6})\.json$")
DAY_NAME_RE = re.compile(r"^day-(\d{4}-\d{2}-\d{2})\.json$")
_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def flags_name(when: dt.datetime, rand: str | None = None) -> str:
    """A new flags file's name: its UTC stamp and 6 random hex (two batches in one second differ)."""
    rand = secrets.token_hex(3) if rand is None else rand
    return f"flags-{when.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{rand}.json"


def day_name(day: dt.date) -> str:
    return f"day-{day.isoformat()}.json"


def encode(body: Mapping[str, Any]) -> bytes:
    """How every outbox file is written: compact UTF-8 JSON, keys sorted (stable bytes)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


# -- validators (pure; ValueError names what is wrong) -------------------------------------------
def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_envelope(obj: Any, desk: str, kind: str) -> None:
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    fmt = obj.get("format")
    if not _is_int(fmt, 1, FORMAT):
        raise ValueError(f"format {fmt!r} is not one this WorkAid reads (1..{FORMAT})")
    if obj.get("type") != kind:
        raise ValueError(f"its type is {obj.get('type')!r}, not {kind!r}")
    if not isinstance(obj.get("desk"), str) or not DESK_ID_RE.match(obj["desk"]):
        raise ValueError(f"its desk id {obj.get('desk')!r} is not 16 lowercase hex")
    if obj["desk"] != desk:
        raise ValueError(f"it names the desk {obj['desk']} but lies in the folder of {desk}")


def _check_stamp(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _STAMP_RE.match(value):
        raise ValueError(f"its {what} {value!r} is not a UTC stamp like 2026-12-03T10:15:00Z")
    try:
        parse_stamp(value)
    except ValueError:
        raise ValueError(f"its {what} {value!r} is not a real moment") from None
    return value


def _check_text(value: Any, what: str, limit: int, allow_empty: bool) -> str:
    """Text a desk writes: short, one line, digits already "#". A digit that got here
    anyway (an older or faulty desk) is masked, not believed: the reader never passes
    one on; control characters mean the file is not a desk's, and it is refused."""
    if not isinstance(value, str):
        raise ValueError(f"its {what} is not text")
    if not value and not allow_empty:
        raise ValueError(f"its {what} is empty")
    if len(value) > limit:
        raise ValueError(f"its {what} is {len(value)} characters (at most {limit})")
    if _CONTROL_RE.search(value):
        raise ValueError(f"its {what} holds control characters")
    return "".join("#" if c.isdigit() else c for c in value) if _has_digit(value) else value


_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(text: str) -> bool:
    """Whether any character is a digit by str.isdigit (superscripts too); the reader asks
    this of every key of 150,000 files, so ASCII text takes the regular expression."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(c.isdigit() for c in text)


def _check_flag(f: Any) -> dict[str, Any]:
    if not isinstance(f, dict):
        raise ValueError("a flag is not an object")
    if not isinstance(f.get("id"), str) or not FLAG_ID_RE.match(f["id"]):
        raise ValueError(f"a flag id {f.get('id')!r} is not 32 lowercase hex")
    if not isinstance(f.get("card"), str) or not CARD_ID_RE.match(f["card"]):
        raise ValueError(f"a flag's card {f.get('card')!r} is not a card id")
    if not _is_int(f.get("version"), 1, MAX_VERSION):
        raise ValueError(f"a flag's version {f.get('version')!r} is not a card version")
    if f.get("reason") not in REASONS:
        raise ValueError(f"a flag's reason {f.get('reason')!r} is not one of {', '.join(REASONS)}")
    return {
        "id": f["id"],
        "card": f["card"],
        "version": f["version"],
        "reason": f["reason"],
        "comment": _check_text(f.get("comment"), "flag comment", MAX_COMMENT, allow_empty=True),
        "at": _check_stamp(f.get("at"), "flag time"),
    }


def parse_flags_file(obj: Any, desk: str) -> dict[str, Any]:
    """The checked body of a flags file from `desk`'s folder: format, type, desk, written_at
    and the flags that pass every check. A bad flag is dropped whole with a log line; a bad
    envelope (not the desk's, too new, no list of flags) raises ValueError with the reason.

    (The contract sketched `-> list[dict]`; the reader needs the whole checked body, so this
    returns the body with its checked "flags" list.)"""
    _check_envelope(obj, desk, "flags")
    written_at = _check_stamp(obj.get("written_at"), "written_at")
    flags = obj.get("flags")
    if not isinstance(flags, list):
        raise ValueError("it has no list of flags")
    good: list[dict[str, Any]] = []
    for n, f in enumerate(flags, 1):
        try:
            good.append(_check_flag(f))
        except ValueError as e:
            log.warning("outbox: desk %s: dropped flag %d of a flags file: %s", desk, n, e)
    return {"format": obj["format"], "type": "flags", "desk": desk, "written_at": written_at, "flags": good}


def _check_counts(value: Any, what: str, key_of: Callable[[Any], str | None]) -> dict[str, int]:
    """Counts by key; `key_of` gives the key as the reader keeps it, or None for a key a
    desk does not write (the record is then refused). Keys that tidy to one are summed."""
    if not isinstance(value, dict):
        raise ValueError(f"its {what} are not an object of counts")
    out: dict[str, int] = {}
    for key, n in value.items():
        k = key_of(key)
        if k is None:
            raise ValueError(f"its {what} hold the key {key!r}, which a desk does not write")
        if type(n) is not int or not 0 <= n <= MAX_COUNT:  # _is_int, inline: the reader's hottest line
            raise ValueError(f"its {what} hold {n!r} for {key!r}, not a count 0..{MAX_COUNT}")
        out[k] = min(out[k] + n, MAX_COUNT) if k in out else n
    return out


def _query_key(key: Any) -> str | None:
    """A query as the reader keeps it: digits "#", folded, spaces collapsed (what a
    desk's clean_query gives); None when it cannot be one."""
    return _str_query_key(key) if isinstance(key, str) else None


@functools.lru_cache(maxsize=1 << 16)
def _str_query_key(key: str) -> str | None:
    # Remembered: the same popular queries come from thousands of desks' files.
    try:
        text = _check_text(key, "query", MAX_QUERY, allow_empty=False)
    except ValueError:
        return None
    text = " ".join(fold(text).split())
    return text if text and len(text) <= MAX_QUERY else None


def _query_ok(key: str) -> bool:
    """Whether `key` is exactly what a desk writes for a query (the desk's own check)."""
    return _query_key(key) == key and not _has_digit(key)


def _card_key(key: Any) -> str | None:
    return key if isinstance(key, str) and CARD_ID_RE.match(key) else None


def _outcome_key(key: Any) -> str | None:
    return key if isinstance(key, str) and OUTCOME_RE.match(key) else None


def _check_escalation(e: Any) -> dict[str, Any]:
    if not isinstance(e, dict):
        raise ValueError("an escalation is not an object")
    if not _is_int(e.get("level"), LEVELS.start, LEVELS.stop - 1):
        raise ValueError(f"an escalation's level {e.get('level')!r} is not 1..4")
    rec = e.get("recommended")
    if rec is not None and not _is_int(rec, LEVELS.start, LEVELS.stop - 1):
        raise ValueError(f"an escalation's recommended level {rec!r} is not 1..4 or null")
    cards = e.get("cards")
    if not isinstance(cards, list) or not all(isinstance(c, str) and CARD_ID_RE.match(c) for c in cards):
        raise ValueError("an escalation's cards are not a list of card ids")
    if not _is_int(e.get("n"), 1, MAX_COUNT):
        raise ValueError(f"an escalation's count {e.get('n')!r} is not 1..{MAX_COUNT}")
    return {
        "level": e["level"],
        "reason": _check_text(e.get("reason"), "escalation reason", MAX_QUERY, allow_empty=False),
        "recommended": rec,
        "cards": list(cards),
        "n": e["n"],
    }


def parse_day_file(obj: Any, desk: str) -> dict[str, Any]:
    """The checked body of a day file from `desk`'s folder; ValueError (the reason) when any
    field is not what a desk writes: the day is one record, dropped whole."""
    _check_envelope(obj, desk, "day")
    day = obj.get("day")
    if not isinstance(day, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", day):
        raise ValueError(f"its day {day!r} is not a date like 2026-12-02")
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"its day {day!r} is not a real date") from None
    if not _is_int(obj.get("serial"), 0, MAX_SERIAL):
        raise ValueError(f"its serial {obj.get('serial')!r} is not a pack serial")
    if not _is_int(obj.get("searches"), 0, MAX_COUNT):
        raise ValueError(f"its search count {obj.get('searches')!r} is not a count 0..{MAX_COUNT}")
    authority = obj.get("authority")
    if not isinstance(authority, dict):
        raise ValueError("its authority checks are not an object")
    checked_authority: dict[str, dict[str, int]] = {}
    for card, outcomes in authority.items():
        if _card_key(card) is None:
            raise ValueError(f"its authority checks name {card!r}, not a card id")
        checked_authority[card] = _check_counts(outcomes, "authority outcomes", _outcome_key)
    escalations = obj.get("escalations")
    if not isinstance(escalations, list):
        raise ValueError("its escalations are not a list")
    return {
        "format": obj["format"],
        "type": "day",
        "desk": desk,
        "day": day,
        "serial": obj["serial"],
        "searches_no_result": _check_counts(obj.get("searches_no_result"), "searches without a result", _query_key),
        "searches_abandoned": _check_counts(obj.get("searches_abandoned"), "abandoned searches", _query_key),
        "searches": obj["searches"],
        "opens": _check_counts(obj.get("opens"), "opens", _card_key),
        "authority": checked_authority,
        "escalations": [_check_escalation(e) for e in escalations],
    }


# -- delivery (the desk writes) --------------------------------------------------------------------
class OutboxUnavailable(EnvironmentProblem):
    """The share's outbox cannot be written now (missing, read-only, full); nothing is lost."""


@dataclass(frozen=True)
class Delivery:
    """What one delivery did: flags and days sent, flags still waiting."""

    flags_sent: int
    days_sent: int
    waiting: int


_FLAGS_FILE_BUDGET = MAX_FILE_BYTES - 4096  # room for the envelope around the flags


def ensure_outbox(share: Path) -> Path:
    """SHARE/outbox, made world-writable and sticky when this call creates it (the OS
    may refuse the mode on a network share, or the folder may be someone else's: fine)."""
    outbox = share / OUTBOX
    try:
        outbox.mkdir(mode=0o777)
    except FileExistsError:
        return outbox
    try:
        os.chmod(outbox, OUTBOX_MODE)
    except OSError as e:
        log.info("outbox %s: mode 1777 not set (%s); desks rely on the share's own permissions", outbox, e)
    return outbox


def desk_folder(share: Path, desk: str) -> Path:
    """SHARE/outbox/<desk>, made when missing; OSError when the share does not allow it."""
    if not DESK_ID_RE.match(desk):
        raise ValueError(f"{desk!r} is not a desk id (16 lowercase hex)")
    folder = ensure_outbox(share) / desk
    try:
        folder.mkdir()
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode):  # a link or a file in the way: never write through it
        raise OSError(errno.ENOTDIR, "the desk's outbox folder is not a plain folder", str(folder))
    return folder


def _chunks(flags: list[Any]) -> Iterable[list[Any]]:
    """Flags in groups whose flags file stays within MAX_FILE_BYTES."""
    group: list[Any] = []
    size = 0
    for f in flags:
        n = len(encode(f.as_sent())) + 1
        if group and size + n > _FLAGS_FILE_BUDGET:
            yield group
            group, size = [], 0
        group.append(f)
        size += n
    if group:
        yield group


def _flags_body(desk: str, flags: list[Any], when: dt.datetime) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "type": "flags",
        "desk": desk,
        "written_at": stamp(when),
        "flags": [f.as_sent() for f in flags],
    }


def _day_entries(escalations: EscalationLog | None, day: dt.date) -> list[Any]:
    if escalations is None:
        return []
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    return escalations.entries(start, start + dt.timedelta(days=1))


def _unavailable(e: OSError, share: Path, waiting: int) -> OutboxUnavailable:
    what = "flag is" if waiting == 1 else "flags are"
    later = (
        f"{waiting} {what} waiting and will be sent on the next try."
        if waiting
        else "Nothing is lost; it is tried again later."
    )
    if e.errno == errno.ENOSPC or e.errno == getattr(errno, "EDQUOT", -1):
        why = f"The shared folder {share} is full"
    elif e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"The shared folder {share} is read-only for this desk"
    elif e.errno in (errno.ENOENT, errno.ENOTDIR) and not share.is_dir():
        why = f"The shared folder {share} cannot be reached"
    else:
        why = f"The outbox on {share} cannot be written ({e.strerror or e})"
    return OutboxUnavailable(f"{why}, so feedback is not sent yet. {later}")


def deliver(
    store: FeedbackStore,
    share: Path,
    desk_id: str,
    telemetry: bool,
    today: dt.date,
    *,
    escalations: EscalationLog | None = None,
    serial: int = 0,
    clock: Callable[[], dt.datetime] = utc_now,
) -> Delivery:
    """Write what waits in `store` to SHARE/outbox/<desk_id>/: unsent flags as flags files,
    and (with `telemetry`) each closed, unsent day before `today` as its day file, with
    that day's escalations from `escalations` and the content `serial` in use. Each item
    is marked sent only after its file's rename succeeded.

    With `telemetry` off, closed days are withheld for good (never sent later) and only
    flags travel: a flag is something the rep chose to send.

    Raises OutboxUnavailable (the share missing, read-only, full) with what was delivered
    until then kept as sent and the rest waiting."""
    share = Path(share)
    flags_sent = days_sent = 0
    try:
        if not share.is_dir():
            raise FileNotFoundError(errno.ENOENT, "the shared folder is not there", str(share))
        folder = desk_folder(share, desk_id)
        # 1. files named by an earlier delivery that stopped half-way: written again under
        #    the same name, or, when the rename did happen, only marked sent.
        for name, flags in store.unsent_files():
            path = folder / name
            if not path.exists():
                atomic_write(path, encode(_flags_body(desk_id, flags, clock())))
            flags_sent += store.mark_file_sent(name, clock())
        # 2. new flags: named first (so a crash after the rename is found next time), then written.
        for group in _chunks(store.unassigned_flags()):
            when = clock()
            name = flags_name(when)
            while (folder / name).exists():
                name = flags_name(when)
            store.assign_file(name, (f.id for f in group))
            atomic_write(folder / name, encode(_flags_body(desk_id, group, when)))
            flags_sent += store.mark_file_sent(name, clock())
        # 3. closed days.
        if telemetry:
            for day in store.unsent_days(before=today):
                name = day_name(day)
                path = folder / name
                if not path.exists():
                    try:
                        entries = _day_entries(escalations, day)
                    except (EnvironmentProblem, sqlite3.Error) as e:
                        log.warning("day %s not sent yet: the escalation log cannot be read (%s)", day, e)
                        continue
                    atomic_write(path, encode(store.day_record(day, desk_id, serial, entries)))
                store.mark_day_sent(day, name, clock())
                days_sent += 1
        else:
            withheld = store.withhold_days(before=today)
            if withheld:
                log.info("telemetry is off: %d closed day(s) of signals withheld and deleted", withheld)
    except OSError as e:
        problem = _unavailable(e, share, store.waiting())
        log.warning("outbox: %s (%s)", problem, e)
        raise problem from e
    if flags_sent or days_sent:
        log.info("outbox %s: %d flag(s) and %d day(s) delivered", folder, flags_sent, days_sent)
    return Delivery(flags_sent, days_sent, store.waiting())
