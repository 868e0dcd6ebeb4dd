"""The owner's side of the outbox: read every desk's files into compact counters, and
compact old files into monthly archives.

A big site has 5,000 desks sending one day file a day, so a month of feedback is
150,000 small files on a network share. Reading them must stay cheap (bench/feedback.py:
≤ 10 s and ≤ 300 MB), hence: one os.scandir per folder, one open and read per file, the
day named in the file name filters `since` before a file is opened, and each desk's day
records are folded into that desk's counters and dropped at once, so memory grows with
the number of distinct queries and cards, not with the number of files.

Desks are strangers to each other and to the owner's tool: anything in the outbox that is
not exactly what a desk writes (another name, another desk id inside, bad JSON, a newer
format, too large, a link, a half-written temp file) is skipped with one log line naming it.

Each desk's records are folded as one unit, so "how many desks sent this query" is exact
without keeping a set of desks per query: a desk adds at most one to each query's count.

Archives (`SHARE/outbox-archive/<YYYY-MM>.json`, written by `compact`, owner only) hold,
per desk, that month's day records merged into one record (escalations keep their day),
the month's flags, and the list of "desk/name" files merged. Readers read them first and
skip any desk file named there, so a file the owner could not delete is never counted
twice. A `since` inside a compacted month counts that month's searches and opens whole
(escalations and flags keep their exact day); the data says so in its notes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from workaid.core.errors import EnvironmentProblem
from workaid.core.feedback.outbox import (
    DAY_NAME_RE,
    DESK_ID_RE,
    FLAGS_NAME_RE,
    FORMAT,
    MAX_FILE_BYTES,
    OUTBOX,
    parse_day_file,
    parse_flags_file,
)
from workaid.core.fileio import atomic_write, is_temp_name

log = logging.getLogger("workaid.feedback")

ARCHIVE = "outbox-archive"
ARCHIVE_FORMAT = 1
KEEP_DAYS = 35  # compaction merges the files of days older than this (the contract's default)
PROCESS_MIN_DESKS = 200  # below this, starting processes costs more than it saves
MAX_WORKERS = 4


class OutboxMissing(EnvironmentProblem):
    """The share (or its outbox) cannot be read; nothing was reported."""


# -- what the report reads -----------------------------------------------------------------


@dataclass(frozen=True)
class SentFlag:
    """One flag as a desk sent it (the comment already masked on the desk)."""

    id: str
    desk: str
    card: str
    version: int
    reason: str
    comment: str
    at: str


@dataclass(frozen=True)
class Tally:
    """How often a query was typed, and by how many distinct desks."""

    n: int
    desks: int


class EscalationKey(NamedTuple):
    week: str  # ISO week of the call's day, "2026-W49"
    level: int
    reason: str
    recommended: int | None
    cards: tuple[str, ...]


@dataclass
class OutboxData:
    """Everything the desks sent (since `since`), folded into counters."""

    flags: list[SentFlag] = field(default_factory=list)
    no_result: dict[str, Tally] = field(default_factory=dict)
    abandoned: dict[str, Tally] = field(default_factory=dict)
    searches: int = 0
    opens: dict[str, int] = field(default_factory=dict)
    authority: dict[str, dict[str, int]] = field(default_factory=dict)
    escalations: dict[EscalationKey, int] = field(default_factory=dict)
    desks: int = 0  # desks that sent at least one record read here
    day_records: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    since: dt.date | None = None
    ignored: int = 0  # files skipped (each logged on "workaid.feedback")
    notes: list[str] = field(default_factory=list)


def iso_week(day: str) -> str:
    y, w, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


# -- one desk's counters ---------------------------------------------------------------------


class _Desk:
    """One desk's records merged: the unit that keeps desk counts exact, and the body
    of one desk's entry in a monthly archive."""

    __slots__ = ("abandoned", "authority", "days", "escalations", "flags", "no_result", "opens", "searches")

    def __init__(self) -> None:
        self.no_result: dict[str, int] = {}
        self.abandoned: dict[str, int] = {}
        self.searches = 0
        self.opens: dict[str, int] = {}
        self.authority: dict[str, dict[str, int]] = {}
        # (day, level, reason, recommended, cards) -> n
        self.escalations: dict[tuple[str, int, str, int | None, tuple[str, ...]], int] = {}
        self.days: set[str] = set()
        self.flags: list[SentFlag] = []

    def add_day(self, rec: Mapping[str, Any], day: str) -> None:
        self.days.add(day)
        self.searches += rec["searches"]
        _add(self.no_result, rec["searches_no_result"])
        _add(self.abandoned, rec["searches_abandoned"])
        _add(self.opens, rec["opens"])
        for card, outcomes in rec["authority"].items():
            _add(self.authority.setdefault(card, {}), outcomes)
        for e in rec["escalations"]:
            key = (e.get("day", day), e["level"], e["reason"], e["recommended"], tuple(e["cards"]))
            self.escalations[key] = self.escalations.get(key, 0) + e["n"]

    def merge(self, other: _Desk) -> None:
        self.days |= other.days
        self.searches += other.searches
        _add(self.no_result, other.no_result)
        _add(self.abandoned, other.abandoned)
        _add(self.opens, other.opens)
        for card, outcomes in other.authority.items():
            _add(self.authority.setdefault(card, {}), outcomes)
        _add(self.escalations, other.escalations)
        self.flags.extend(other.flags)

    def as_json(self) -> dict[str, Any]:
        return {
            "days": sorted(self.days),
            "searches": self.searches,
            "searches_no_result": self.no_result,
            "searches_abandoned": self.abandoned,
            "opens": self.opens,
            "authority": self.authority,
            "escalations": [
                {"day": d, "level": lv, "reason": r, "recommended": rc, "cards": list(c), "n": n}
                for (d, lv, r, rc, c), n in sorted(self.escalations.items(), key=lambda kv: repr(kv[0]))
            ],
        }


def _add(into: dict[Any, int], counts: Mapping[Any, int]) -> None:
    for k, n in counts.items():
        into[k] = into.get(k, 0) + n


def _add_queries(into: dict[str, list[int]], counts: Mapping[str, int], token: int) -> None:
    get = into.get
    for q, n in counts.items():
        t = get(q)
        if t is None:
            into[q] = [n, 1, token]
        else:
            t[0] += n
            if t[2] != token:
                t[1] += 1
                t[2] = token


class _Totals:
    """The site's counters (or one reading process's share of them), folded one desk at
    a time. Plain dicts and lists only, so a worker process can hand them back."""

    def __init__(self, since: str) -> None:
        self.since = since
        # query -> [times, desks, token of the last desk that typed it]: desks are read one
        # at a time, so "a desk not seen for this query yet" is one comparison
        self.no_result: dict[str, list[int]] = {}
        self.abandoned: dict[str, list[int]] = {}
        self.searches = 0
        self.opens: dict[str, int] = {}
        self.authority: dict[str, dict[str, int]] = {}
        self.escalations: dict[EscalationKey, int] = {}
        self.flags: list[SentFlag] = []
        self.desks = 0
        self.day_records = 0
        self.first = self.last = ""
        self.ignored = 0
        self.skips: list[tuple[int, str]] = []  # log lines, emitted by the process that logs
        self.token = 0

    def read_desk(self, scan: _Scan, pending: _Desk | None) -> None:
        """One desk folder's files, plus what archives hold for that desk, straight into
        the totals (one pass over each record: this loop is most of the reading cost)."""
        self.token += 1
        token = self.token
        nr, ab, opens, authority, escalations = (
            self.no_result,
            self.abandoned,
            self.opens,
            self.authority,
            self.escalations,
        )
        seen = False
        self.ignored += scan.ignored
        for name, kind, day in scan.files:
            where = f"{scan.desk}/{name}"
            obj = _load(os.path.join(scan.path, name), where, self.skips)
            body = None if obj is None else _parse(kind, obj, scan.desk, day, where, self.skips)
            if body is None:
                self.ignored += 1
                continue
            seen = True
            if kind == "flags":
                self.flags.extend(_flags(body, scan.desk))
                continue
            self.day_records += 1
            if not self.first or day < self.first:
                self.first = day
            if day > self.last:
                self.last = day
            self.searches += body["searches"]
            _add_queries(nr, body["searches_no_result"], token)
            _add_queries(ab, body["searches_abandoned"], token)
            get = opens.get
            for card, n in body["opens"].items():
                opens[card] = get(card, 0) + n
            for card, outcomes in body["authority"].items():
                _add(authority.setdefault(card, {}), outcomes)
            if body["escalations"]:
                week = iso_week(day)
                for e in body["escalations"]:
                    key = EscalationKey(week, e["level"], e["reason"], e["recommended"], tuple(e["cards"]))
                    escalations[key] = escalations.get(key, 0) + e["n"]
        if pending is not None:
            self.fold(pending, token)
        elif seen:
            self.desks += 1

    def fold(self, desk: _Desk, token: int | None = None) -> None:
        """A desk's archived months; `token` is the desk's own when its live files were
        just read (so a query it typed in both counts it once)."""
        if token is None:
            self.token += 1
            token = self.token
        self.desks += 1
        self.day_records += len(desk.days)
        if desk.days:
            lo, hi = min(desk.days), max(desk.days)
            self.first = min(self.first or lo, lo)
            self.last = max(self.last, hi)
        self.searches += desk.searches
        _add_queries(self.no_result, desk.no_result, token)
        _add_queries(self.abandoned, desk.abandoned, token)
        _add(self.opens, desk.opens)
        for card, outcomes in desk.authority.items():
            _add(self.authority.setdefault(card, {}), outcomes)
        for (day, level, reason, rec, cards), n in desk.escalations.items():
            if day >= self.since:
                key = EscalationKey(iso_week(day), level, reason, rec, cards)
                self.escalations[key] = self.escalations.get(key, 0) + n
        self.flags.extend(desk.flags)

    def merge(self, other: _Totals) -> None:
        """Another process's share (its desks are not ours: desk counts add up)."""
        for mine, theirs in ((self.no_result, other.no_result), (self.abandoned, other.abandoned)):
            for q, (n, k, _) in theirs.items():
                t = mine.get(q)
                if t is None:
                    mine[q] = [n, k, -1]
                else:
                    t[0] += n
                    t[1] += k
        self.searches += other.searches
        _add(self.opens, other.opens)
        for card, outcomes in other.authority.items():
            _add(self.authority.setdefault(card, {}), outcomes)
        _add(self.escalations, other.escalations)
        self.flags.extend(other.flags)
        self.desks += other.desks
        self.day_records += other.day_records
        if other.first:
            self.first = min(self.first or other.first, other.first)
        self.last = max(self.last, other.last)
        self.ignored += other.ignored
        self.skips.extend(other.skips)

    def finish(self, since: dt.date | None, notes: list[str]) -> OutboxData:
        flags: dict[str, SentFlag] = {}
        for f in sorted(self.flags, key=lambda f: (f.at, f.id)):
            if f.at[:10] >= self.since:
                flags.setdefault(f.id, f)  # a batch sent twice (the mark failed after the rename) counts once
        return OutboxData(
            flags=list(flags.values()),
            no_result={q: Tally(n, k) for q, (n, k, _) in self.no_result.items()},
            abandoned={q: Tally(n, k) for q, (n, k, _) in self.abandoned.items()},
            searches=self.searches,
            opens=self.opens,
            authority=self.authority,
            escalations=self.escalations,
            desks=self.desks,
            day_records=self.day_records,
            first_day=dt.date.fromisoformat(self.first) if self.first else None,
            last_day=dt.date.fromisoformat(self.last) if self.last else None,
            since=since,
            ignored=self.ignored,
            notes=notes,
        )


# -- files ---------------------------------------------------------------------------------------


def _kind(name: str) -> tuple[str, str] | None:
    """("day", "YYYY-MM-DD") or ("flags", "YYYY-MM-DD") from a desk file's name (the
    desk side's name patterns); None for any other name."""
    m = DAY_NAME_RE.match(name)
    if m is not None:
        return ("day", m.group(1)) if _is_day(m.group(1)) else None
    m = FLAGS_NAME_RE.match(name)
    if m is not None:
        stamp = m.group(1)
        day = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"
        return ("flags", day) if _is_day(day) else None
    return None


def _is_day(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _read_bytes(path: str) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes, never following a link and never waiting on a
    pipe a stranger put there (O_NONBLOCK does nothing to a regular file)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            b = os.read(fd, left)
            if not b:
                break
            chunks.append(b)
            left -= len(b)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


Skips = list[tuple[int, str]]  # (level, message): log lines gathered where reading happens


def _skip(skips: Skips, where: str, why: str, level: int = logging.WARNING) -> None:
    skips.append((level, f"outbox: skipped {where}: {why}"))


def emit(skips: Skips) -> None:
    """Log the gathered lines in this process (a worker process has no log file)."""
    for level, message in skips:
        log.log(level, "%s", message)
    skips.clear()


def _load(path: str, where: str, skips: Skips) -> Any:
    """The file's JSON object, or None (noted) when it is not one WorkAid could have written."""
    try:
        raw = _read_bytes(path)
    except OSError as e:
        _skip(skips, where, f"cannot be read ({e.strerror or e})")
        return None
    if len(raw) > MAX_FILE_BYTES:
        _skip(skips, where, f"larger than {MAX_FILE_BYTES} bytes")
        return None
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        _skip(skips, where, "not valid JSON")
        return None
    if not isinstance(obj, dict):
        _skip(skips, where, "not a JSON object")
        return None
    fmt = obj.get("format")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
        _skip(skips, where, f"format {fmt} is newer than this WorkAid reads ({FORMAT})")
        return None
    return obj


def _parse(kind: str, obj: Any, desk: str, day: str, where: str, skips: Skips) -> Any:
    """The checked body (the desk side's own validators), or None (noted)."""
    try:
        if kind == "day":
            rec = parse_day_file(obj, desk)
            if rec["day"] != day:
                raise ValueError(f"it holds the day {rec['day']} under the name of {day}")
            return rec
        return parse_flags_file(obj, desk)
    except (ValueError, KeyError, TypeError) as e:
        _skip(skips, where, str(e))
        return None


@dataclass
class _Scan:
    """One desk folder: which files to read (names filtered), and how many were skipped."""

    desk: str
    path: str
    files: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, day)
    ignored: int = 0


def _scan_desk(path: str, desk: str, since: str, done: Container[str], skips: Skips) -> _Scan:
    """The desk folder's files worth opening: WorkAid's names, from `since`, not yet
    merged into an archive (`done`: "desk/name"), plain files (never links or pipes)."""
    scan = _Scan(desk, path)
    try:
        entries = list(os.scandir(path))
    except OSError as e:
        _skip(skips, f"the folder {desk}", f"cannot be listed ({e.strerror or e})")
        scan.ignored += 1
        return scan
    for entry in entries:
        name = entry.name
        where = f"{desk}/{name}"
        if is_temp_name(name):
            _skip(skips, where, "a temporary file (a write in progress or interrupted)", logging.INFO)
            scan.ignored += 1
            continue
        kind = _kind(name)
        if kind is None:
            _skip(skips, where, "not a name WorkAid writes")
            scan.ignored += 1
            continue
        if kind[1] < since or where in done:
            continue
        try:
            regular = entry.is_file(follow_symlinks=False)
        except OSError:
            regular = False
        if not regular:
            _skip(skips, where, "not a plain file")
            scan.ignored += 1
            continue
        scan.files.append((name, kind[0], kind[1]))
    return scan


def _flags(body: Mapping[str, Any], desk: str) -> Iterator[SentFlag]:
    for f in body["flags"]:
        yield SentFlag(f["id"], desk, f["card"], f["version"], f["reason"], f["comment"], f["at"])


def _desk_folders(outbox: Path) -> Iterator[tuple[str, str]]:
    """(desk id, path) of every desk folder; anything else in the outbox logged once."""
    try:
        entries = list(os.scandir(outbox))
    except FileNotFoundError:
        return
    except OSError as e:
        raise OutboxMissing(
            f"Cannot read the outbox {outbox}: {e.strerror or e}. Check that the shared folder is reachable."
        ) from e
    for entry in sorted(entries, key=lambda e: e.name):
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if not is_dir or not DESK_ID_RE.match(entry.name):
            log.warning("outbox: skipped %s: not a desk folder", entry.name)
            continue
        yield entry.name, entry.path


# -- archives ----------------------------------------------------------------------------------


def _archive_path(share: Path, month: str) -> Path:
    return share / ARCHIVE / f"{month}.json"


def _archive_months(share: Path) -> list[str]:
    try:
        names = os.listdir(share / ARCHIVE)
    except FileNotFoundError:
        return []
    except OSError as e:
        raise OutboxMissing(f"Cannot read {share / ARCHIVE}: {e.strerror or e}.") from e
    out = []
    for name in names:
        month = name[:-5] if name.endswith(".json") and not is_temp_name(name) else ""
        if len(month) == 7 and _is_day(month + "-01"):
            out.append(month)
        elif not is_temp_name(name):
            log.warning("outbox archive: skipped %s: not a name WorkAid writes", name)
    return sorted(out)


@dataclass
class _Archive:
    month: str
    merged: list[str] = field(default_factory=list)
    desks: dict[str, _Desk] = field(default_factory=dict)


def _read_archive(share: Path, month: str) -> _Archive | None:
    """A monthly archive, or None (logged) when it is damaged: then the files it names are
    read again where they are still there."""
    path = _archive_path(share, month)
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("type") != "archive" or data.get("month") != month:
            raise ValueError("not an outbox archive of that month")
        if not isinstance(data.get("format"), int) or data["format"] > ARCHIVE_FORMAT:
            raise ValueError(f"format {data.get('format')!r} is not one this WorkAid reads")
        arc = _Archive(month, [str(n) for n in data["merged"]])
        for desk, body in data["desks"].items():
            if not DESK_ID_RE.match(desk):
                raise ValueError(f"{desk!r} is not a desk id")
            arc.desks[desk] = _archived_desk(body)
        for f in data["flags"]:
            desk = f["desk"]
            one = {k: v for k, v in f.items() if k != "desk"}
            checked = parse_flags_file(
                {"format": FORMAT, "type": "flags", "desk": desk, "written_at": f["at"], "flags": [one]}, desk
            )
            arc.desks.setdefault(desk, _Desk()).flags.extend(_flags(checked, desk))
        return arc
    except FileNotFoundError:
        return None
    except OSError as e:
        raise OutboxMissing(f"Cannot read {path}: {e.strerror or e}.") from e
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as e:
        log.error(
            "outbox archive: skipped %s: damaged (%s); the files it merged are counted where they remain", path, e
        )
        return None


def _counts(value: Any, what: str) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) and n >= 0 for k, n in value.items()
    ):
        raise ValueError(f"its {what} are not counts")
    return value


def _archived_desk(body: Any) -> _Desk:
    """One desk's merged month, checked: the archive is the owner's own file, but a
    damaged one must not be half-believed."""
    d = _Desk()
    days = body["days"]
    if not isinstance(days, list) or not days or not all(isinstance(x, str) and _is_day(x) for x in days):
        raise ValueError("a desk entry without its days")
    d.days = set(days)
    if not isinstance(body["searches"], int) or body["searches"] < 0:
        raise ValueError("its search count is not a count")
    d.searches = body["searches"]
    d.no_result = _counts(body["searches_no_result"], "searches without a result")
    d.abandoned = _counts(body["searches_abandoned"], "abandoned searches")
    d.opens = _counts(body["opens"], "opens")
    authority = body["authority"]
    if not isinstance(authority, dict):
        raise ValueError("its authority checks are not counts")
    d.authority = {str(card): _counts(o, "authority checks") for card, o in authority.items()}
    for e in body["escalations"]:
        day, level, reason, rec, cards, n = e["day"], e["level"], e["reason"], e["recommended"], e["cards"], e["n"]
        if not (
            isinstance(day, str)
            and _is_day(day)
            and isinstance(level, int)
            and isinstance(reason, str)
            and (rec is None or isinstance(rec, int))
            and isinstance(cards, list)
            and all(isinstance(c, str) for c in cards)
            and isinstance(n, int)
            and n >= 0
        ):
            raise ValueError("an escalation entry is malformed")
        key = (day, level, reason, rec, tuple(cards))
        d.escalations[key] = d.escalations.get(key, 0) + n
    return d


def _archive_bytes(arc: _Archive) -> bytes:
    flags = [
        {
            "desk": f.desk,
            "id": f.id,
            "card": f.card,
            "version": f.version,
            "reason": f.reason,
            "comment": f.comment,
            "at": f.at,
        }
        for d in arc.desks.values()
        for f in d.flags
    ]
    body = {
        "format": ARCHIVE_FORMAT,
        "type": "archive",
        "month": arc.month,
        "merged": sorted(set(arc.merged)),
        "flags": flags,
        "desks": {desk: d.as_json() for desk, d in sorted(arc.desks.items()) if d.days},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- reading -------------------------------------------------------------------------------------


def read_outbox(share: Path, since: dt.date | None = None, workers: int | None = None) -> OutboxData:
    """Every desk's flags and day records on `share` (archives first), from `since` on.

    Bad files are skipped with a log line each. Raises OutboxMissing when the share
    itself cannot be read; a share without an outbox yet reports nothing.

    `workers`: reading processes (default: one per core, up to 4, for outboxes of 200
    desks or more; 1 reads in this process). Parsing JSON holds the GIL, so threads
    were measured slower than one thread on a local disk; processes scale with cores.
    """
    share = Path(share)
    if not share.is_dir():
        raise OutboxMissing(f"The shared folder {share} cannot be found. Check the path and that it is connected.")
    since_s = since.isoformat() if since else ""
    notes: list[str] = []
    pending: dict[str, _Desk] = {}  # archived counters, folded with the desk's live files
    archived: dict[str, set[str]] = {}  # desk -> "desk/name" of its files already in an archive
    for month in _archive_months(share):
        if since and month < since_s[:7]:
            continue
        arc = _read_archive(share, month)
        if arc is None:
            continue
        for where in arc.merged:
            archived.setdefault(where.partition("/")[0], set()).add(where)
        if since and month == since_s[:7] and since.day > 1:
            notes.append(
                f"{month} is compacted: its searches and opens are counted for the whole month, not from {since_s}."
            )
        for desk, whole in arc.desks.items():
            d = _since_trim(whole, since_s) if since else whole
            if d is None:
                continue
            if desk in pending:
                pending[desk].merge(d)
            else:
                pending[desk] = d
    folders = list(_desk_folders(share / OUTBOX))
    n = _workers(len(folders)) if workers is None else max(1, workers)
    totals = None
    if n > 1:
        totals = _read_in_processes(folders, since_s, archived, pending, n)
    if totals is None:
        totals = _read_chunk((folders, since_s, archived, pending), emit_as_you_go=True)
    for desk in {d for d, _ in folders}:
        pending.pop(desk, None)
    for d in pending.values():  # desks whose files are all archived
        totals.fold(d)
    emit(totals.skips)
    log.info(
        "outbox: read %s: %d desk(s), %d day record(s), %d file(s) ignored",
        share,
        totals.desks,
        totals.day_records,
        totals.ignored,
    )
    return totals.finish(since, notes)


_Job = tuple[list[tuple[str, str]], str, Mapping[str, Container[str]], Mapping[str, "_Desk"]]


def _read_chunk(job: _Job, emit_as_you_go: bool = False) -> _Totals:
    """Some desk folders read into one set of totals (the work of one process)."""
    folders, since, archived, pending = job
    totals = _Totals(since)
    for desk, path in folders:
        scan = _scan_desk(path, desk, since, archived.get(desk, ()), totals.skips)
        totals.read_desk(scan, pending.get(desk))
        if emit_as_you_go and totals.skips:
            emit(totals.skips)
    return totals


def _workers(desks: int) -> int:
    import multiprocessing
    import sys

    if desks < PROCESS_MIN_DESKS or getattr(sys, "frozen", False):  # a frozen app cannot spawn this module
        return 1
    # Already a worker (or a worker still importing a script that forgot the
    # `if __name__ == "__main__"` guard): never a pool of pools.
    # (`_inheriting` is multiprocessing's own mark for that import; it has no public name.)
    if multiprocessing.parent_process() is not None or getattr(multiprocessing.current_process(), "_inheriting", False):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _read_in_processes(
    folders: list[tuple[str, str]],
    since: str,
    archived: Mapping[str, set[str]],
    pending: Mapping[str, _Desk],
    n: int,
) -> _Totals | None:
    """The desks dealt round-robin to `n` spawned processes (spawn, not fork: the caller
    may be the workbench with Qt's threads running); None when processes cannot be had,
    and the caller reads in this process instead."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = [folders[i :: n * 2] for i in range(n * 2)]
    jobs: list[_Job] = [
        (
            chunk,
            since,
            {d: archived[d] for d, _ in chunk if d in archived},
            {d: pending[d] for d, _ in chunk if d in pending},
        )
        for chunk in chunks
        if chunk
    ]
    totals = _Totals(since)
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn")) as pool:
            for part in pool.map(_read_chunk, jobs):
                emit(part.skips)
                totals.merge(part)
    except (OSError, BrokenProcessPool, RuntimeError) as e:
        log.warning("outbox: reading in %d processes failed (%s); reading in this one", n, e)
        return None
    return totals


def _since_trim(d: _Desk, since: str) -> _Desk | None:
    """An archived desk-month seen from `since`: its counters whole when any of its days
    is on or after `since` (they are merged per month), else only its flags and
    escalations (which keep their day and are filtered exactly when folded)."""
    days = {x for x in d.days if x >= since}
    if days:
        d.days = days
        return d
    if not d.flags and not d.escalations:
        return None
    kept = _Desk()
    kept.flags, kept.escalations = d.flags, d.escalations
    return kept


# -- compaction (owner only) ----------------------------------------------------------------------


class ArchiveUnwritable(EnvironmentProblem):
    """An archive could not be written; nothing of that month was deleted."""


@dataclass(frozen=True)
class CompactReport:
    months: tuple[str, ...]  # archives written
    merged: int  # desk files newly merged into an archive
    deleted: int  # merged desk files removed from the outbox
    left: tuple[str, ...]  # "desk/name" merged but not removable by this user (skipped by name from now on)
    ignored: int  # bad files left where they are (logged)
    damaged: tuple[str, ...] = ()  # months whose archive is damaged: not touched

    def describe(self) -> str:
        if not self.merged and not self.deleted and not self.left:
            text = "Nothing to compact."
        else:
            text = (
                f"Compacted {self.merged} file(s) into {len(self.months)} monthly archive(s)"
                f"{' (' + ', '.join(self.months) + ')' if self.months else ''}; removed {self.deleted}."
            )
        if self.left:
            text += f" {len(self.left)} merged file(s) could not be removed (no permission); readers skip them by name."
        if self.ignored:
            text += f" {self.ignored} file(s) that are not valid outbox files were left alone (see the log)."
        for month in self.damaged:
            text += f" The archive for {month} is damaged, so that month was not compacted."
        return text


def compact(share: Path, before: dt.date) -> CompactReport:
    """Merge the desk files of days before `before` into `SHARE/outbox-archive/<YYYY-MM>.json`,
    then delete them where this user may. One month at a time (memory stays one month's
    counters); each archive is written atomically before any of its files is removed,
    so a crash at any point loses nothing and counts nothing twice."""
    share = Path(share)
    if not share.is_dir():
        raise OutboxMissing(f"The shared folder {share} cannot be found. Check the path and that it is connected.")
    before_s = before.isoformat()
    by_month: dict[str, list[tuple[str, str, str, str, str]]] = {}
    ignored = 0
    skips: Skips = []
    for desk, path in _desk_folders(share / OUTBOX):
        scan = _scan_desk(path, desk, "", (), skips)
        emit(skips)
        ignored += scan.ignored
        for name, kind, day in scan.files:
            if day < before_s:
                by_month.setdefault(day[:7], []).append((desk, path, name, kind, day))
    months: list[str] = []
    damaged: list[str] = []
    merged = deleted = 0
    left: list[str] = []
    for month in sorted(by_month):
        target = _archive_path(share, month)
        arc = _read_archive(share, month)
        if arc is None:
            if target.exists():
                damaged.append(month)
                continue
            arc = _Archive(month)
        done = set(arc.merged)
        added = 0
        for desk, path, name, kind, day in by_month[month]:
            where = f"{desk}/{name}"
            if where in done:
                continue
            obj = _load(os.path.join(path, name), where, skips)
            body = None if obj is None else _parse(kind, obj, desk, day, where, skips)
            emit(skips)
            if body is None:
                ignored += 1
                continue
            d = arc.desks.setdefault(desk, _Desk())
            if kind == "day":
                d.add_day(body, day)
            else:
                d.flags.extend(_flags(body, desk))
            arc.merged.append(where)
            done.add(where)
            added += 1
        if added:
            try:
                atomic_write(target, _archive_bytes(arc))
            except OSError as e:
                raise ArchiveUnwritable(
                    f"Could not write the archive {target}: {e.strerror or e}. Nothing of {month} was removed; "
                    "check the shared folder and try again."
                ) from e
            months.append(month)
            merged += added
            log.info("outbox: compacted %d file(s) into %s", added, target)
        for desk, path, name, _kind, _day in by_month[month]:
            where = f"{desk}/{name}"
            if where not in done:
                continue
            try:
                os.unlink(os.path.join(path, name))
                deleted += 1
            except FileNotFoundError:
                pass
            except OSError as e:
                log.info("outbox: kept %s after compaction: %s", where, e.strerror or e)
                left.append(where)
        del arc
    return CompactReport(tuple(months), merged, deleted, tuple(left), ignored, tuple(damaged))
