"""Which version of each card this desk last showed its rep, and what changed since.

A rep who opens a card they have read before should see at once what is new in it:
the owners changed a limit or a sentence, and the rep's memory of the card is now
wrong. The desk remembers, per card, the version it last showed (a small JSON file in
the user's data dir, `seen.json`: local to this desk and this user, never synced), and
on the next open compares that version with the current one.

Losing this file loses nothing the rep made (at worst a change is not highlighted
once), so a damaged file is set aside for IT and a fresh one started; it is written
atomically, at most once per open, off the GUI thread by the caller.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workaid.core.clock import parse_stamp, utc_now
from workaid.core.content.cards import parse_card
from workaid.core.desk.changes import CardChange, compare
from workaid.core.fileio import atomic_write

log = logging.getLogger("workaid.seen")

SEEN_NAME = "seen.json"
FORMAT = 1


def default_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / SEEN_NAME


@dataclass(frozen=True)
class SinceLastSeen:
    """A card that changed since this desk last showed it: the two versions and what moved."""

    card_id: str
    seen_version: int
    version: int
    old_body: str
    new_body: str
    old_fields: Mapping[str, Any]
    new_fields: Mapping[str, Any]
    change: CardChange | None  # field by field, with the newest version's author and time
    notes: tuple[str, ...]  # the change notes of every version in between, oldest first

    def banner(self, tz: dt.tzinfo | None = None) -> str:
        """'Changed since you last opened it (version 3 → 5), 14:02 by Olu: senior-rep
        limit now £28 — "new policy from March".' The time in the desk's zone."""
        what = f"version {self.seen_version} → {self.version}"
        head = f"Changed since you last opened it ({what})"
        if self.change is not None:
            when = f", {self.change.at.astimezone(tz):%d %b %H:%M}" if self.change.at is not None else ""
            by = f" by {self.change.author}" if self.change.author else ""
            head += f"{when}{by}: {'; '.join(self.change.changes)}"
        if self.notes:
            head += " — " + "; ".join(f"“{n}”" for n in self.notes)
        return head


class SeenCards:
    """The versions this desk last showed, by card id. Thread-safe: the GUI thread asks,
    a worker saves."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._dirty = False
        self.notice: str | None = None  # said once to the log: the file was damaged and set aside
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as e:
            log.warning("cannot read %s (%s); changes are not highlighted this session", self.path, e)
            return
        try:
            data = json.loads(raw)
            seen = data["seen"] if isinstance(data, dict) and data.get("format") == FORMAT else None
            if not isinstance(seen, dict):
                raise ValueError("not a seen-cards file")
            self._seen = {str(k): v for k, v in seen.items() if isinstance(v, int) and not isinstance(v, bool)}
        except (ValueError, KeyError) as e:
            kept = self.path.with_name(f"{self.path.name}.damaged-{utc_now():%Y%m%d-%H%M%S}")
            try:
                self.path.replace(kept)
            except OSError:
                kept = self.path
            self.notice = f"{self.path} was damaged ({e}); kept as {kept}, starting afresh"
            log.warning("%s", self.notice)

    def last_seen(self, card_id: str) -> int | None:
        with self._lock:
            return self._seen.get(card_id)

    def mark(self, card_id: str, version: int) -> bool:
        """Remember that the rep was shown `version`; True when that is news (save then)."""
        with self._lock:
            if self._seen.get(card_id) == version:
                return False
            self._seen[card_id] = version
            self._dirty = True
            return True

    def save(self) -> None:
        """Write the file if anything changed (atomically; raises OSError for the caller)."""
        with self._lock:
            if not self._dirty:
                return
            data = json.dumps({"format": FORMAT, "seen": self._seen}, separators=(",", ":"), sort_keys=True)
            self._dirty = False
        try:
            atomic_write(self.path, data)
        except OSError:
            with self._lock:
                self._dirty = True
            raise


def since_last_seen(
    card: Any,
    seen_version: int | None,
    raw_of: Mapping[int, str] | Any,
    history: Sequence[Mapping[str, Any]],
) -> SinceLastSeen | None:
    """What changed in `card` (a StoredCard) since `seen_version`; None when nothing did,
    when the rep never opened it here (a first read is not a change), or when this desk
    no longer holds the old text.

    `raw_of(version)` (or a mapping) gives a version's file text; `history` is the
    store's card_versions for the card, newest first."""
    version = int(getattr(card, "version", 0) or 0)
    if seen_version is None or seen_version >= version:
        return None
    raw = raw_of.get(seen_version) if isinstance(raw_of, Mapping) else raw_of(seen_version)
    if not raw:
        return None
    old = parse_card(raw.encode("utf-8"), f"{card.id} version {seen_version}").card
    if old is None:
        return None
    if old.body == card.body and old.fields == card.fields and old.title == card.title:
        return None
    notes = tuple(
        str(v.get("note") or "").strip()
        for v in sorted(history, key=lambda v: int(v.get("version") or 0))
        if seen_version < int(v.get("version") or 0) <= version and str(v.get("note") or "").strip()
    )
    return SinceLastSeen(
        card.id,
        seen_version,
        version,
        old.body,
        card.body,
        dict(old.fields or {}),
        dict(card.fields or {}),
        compare(old, card, history),
        notes,
    )


@dataclass(frozen=True)
class RecentChange:
    """One card version the shared folder brought: for the rep's "Recently updated" list."""

    card_id: str
    title: str
    version: int
    author: str
    at: dt.datetime | None
    note: str
    unread: bool  # the rep has not opened this version (or a newer one) on this desk

    @classmethod
    def of(cls, row: Mapping[str, Any], seen: SeenCards) -> RecentChange:
        stamp = row.get("published_at") or row.get("recorded_at") or ""
        try:
            at: dt.datetime | None = parse_stamp(str(stamp)) if stamp else None
        except ValueError:
            at = None
        version = int(row.get("version") or 0)
        last = seen.last_seen(str(row["card_id"]))
        return cls(
            card_id=str(row["card_id"]),
            title=str(row.get("current_title") or row.get("title") or row["card_id"]),
            version=version,
            author=str(row.get("author") or ""),
            at=at,
            note=str(row.get("note") or "").strip(),
            unread=last is None or last < version,
        )

    def describe(self, tz: dt.tzinfo | None = None) -> str:
        """'version 5 · 02 Dec 14:02 · Olu — new policy from March'"""
        what = "new card" if self.version == 1 else f"version {self.version}"
        bits = [what]
        if self.at is not None:
            bits.append(f"{self.at.astimezone(tz):%d %b %H:%M}")
        if self.author:
            bits.append(self.author)
        text = " · ".join(bits)
        return f"{text} — {self.note}" if self.note else text


def recent_changes(rows: Sequence[Mapping[str, Any]], seen: SeenCards) -> list[RecentChange]:
    """The store's newest versions (Library.recent_changes), one line per card: its newest."""
    out: list[RecentChange] = []
    listed: set[str] = set()
    for row in rows:
        cid = str(row.get("card_id") or "")
        if cid and cid not in listed:
            listed.add(cid)
            out.append(RecentChange.of(row, seen))
    return out
