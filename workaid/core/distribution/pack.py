"""Signed, content-addressed packs on the shared folder: format, checks and publishing.

Layout:

    SHARE/objects/ab/abcdef…        one immutable file per card version, named by sha256
    SHARE/manifests/<serial>.json   every card: current version and its history
    SHARE/current.json              small signed pointer: serial, manifest hash, publisher

Publishing writes objects first, then the manifest, then replaces current.json
atomically, last: a reader sees the old set or the new, never a mix. Ordering uses
the serial, which only goes up; wall clocks only label things for people.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import stat
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid.core.clock import stamp, utc_now
from workaid.core.distribution import keys
from workaid.core.distribution.share import (
    MAX_MANIFEST_BYTES,
    MAX_POINTER_BYTES,
    POINTER,
    SHA_RE,
    FolderShare,
    ShareMissing,
    delta_name,
    manifest_name,
    object_name,
)
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write, is_temp_name

if TYPE_CHECKING:
    from workaid.core.content.cards import Problem

log = logging.getLogger("workaid.pack")

PACK_FORMAT = 1
BASE_FILE = ".workaid-base.json"  # in a source folder: which share version each card was edited from
LOCK_FILE = ".publish.lock"


class PackError(WorkAidError):
    """A pack failed a check; it is rejected whole and the last good content stays."""


class PublishConflict(WorkAidError):
    """Publishing would overwrite somebody else's change; nothing was published."""


def canonical(data: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed and signed: sorted keys, no spaces, UTF-8.
    Manifests and deltas are serialised the same way (see manifest_bytes)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# -- the pointer ------------------------------------------------------------------


@dataclass(frozen=True)
class Pointer:
    serial: int
    manifest: str
    manifest_sha256: str
    manifest_size: int
    published_at: str
    publisher: str
    key_id: str
    previous_manifest_sha256: str = ""
    delta: str = ""
    delta_sha256: str = ""
    delta_size: int = 0
    raw: bytes = field(repr=False, default=b"")


def sign_pointer(fields: Mapping[str, Any], private_key: keys.PrivateKey) -> bytes:
    body = dict(fields, format=PACK_FORMAT, key_id=keys.key_id(private_key.public_key()))
    body["signature"] = keys.sign(private_key, canonical(body))
    return json.dumps(body, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def parse_pointer(raw: bytes, trusted: list[keys.PublicKey]) -> Pointer:
    """Check a pointer's form and signature against the trusted keys."""
    if len(raw) > MAX_POINTER_BYTES:
        raise PackError("current.json is too large to be a WorkAid pointer")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackError("current.json is not valid JSON (half-written or damaged)") from None
    if not isinstance(data, dict):
        raise PackError("current.json is not a WorkAid pointer")
    fmt = data.get("format")
    if isinstance(fmt, int) and fmt > PACK_FORMAT:
        raise PackError(
            f"the pack uses format {fmt}, newer than this WorkAid understands ({PACK_FORMAT}); update WorkAid"
        )
    signature = data.pop("signature", None)
    if not isinstance(signature, str):
        raise PackError("current.json is not signed")
    if not trusted:
        raise PackError("no trusted publisher key is configured, so no pack can be accepted")
    if keys.verify(trusted, canonical(data), signature) is None:
        raise PackError("current.json is not signed by a trusted publisher key")
    try:
        pointer = Pointer(
            serial=_int(data["serial"], 1),
            manifest=str(data["manifest"]),
            manifest_sha256=str(data["manifest_sha256"]),
            manifest_size=_int(data["manifest_size"], 1, MAX_MANIFEST_BYTES),
            published_at=str(data.get("published_at", "")),
            publisher=str(data.get("publisher", "")),
            key_id=str(data.get("key_id", "")),
            previous_manifest_sha256=str(data.get("previous_manifest_sha256", "")),
            delta=str(data.get("delta", "")),
            delta_sha256=str(data.get("delta_sha256", "")),
            delta_size=_int(data.get("delta_size", 0), 0, MAX_MANIFEST_BYTES),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise PackError(f"current.json is incomplete or malformed ({e})") from None
    if fmt != PACK_FORMAT:
        raise PackError(f"current.json has an unknown format {fmt!r}")
    if pointer.manifest != manifest_name(pointer.serial) or not SHA_RE.match(pointer.manifest_sha256):
        raise PackError("current.json names a manifest WorkAid would never write")
    if pointer.delta and (pointer.delta != delta_name(pointer.serial) or not SHA_RE.match(pointer.delta_sha256)):
        raise PackError("current.json names a delta WorkAid would never write")
    return pointer


def _int(value: Any, low: int, high: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        raise ValueError(f"{value!r} is out of range")
    return value


# -- the manifest -------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    version: int
    sha256: str
    size: int
    author: str
    note: str
    published_at: str
    title: str = ""  # so `workaid history` can name versions a desk never held

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": self.version,
            "sha256": self.sha256,
            "size": self.size,
            "author": self.author,
            "note": self.note,
            "published_at": self.published_at,
        }
        if self.title:  # absent, not empty, in older entries: their bytes stay as signed
            out["title"] = self.title
        return out


@dataclass
class Entry:
    """One card in a manifest: its history, and whether it is live or a tombstone."""

    id: str
    versions: list[Version]
    deleted: bool = False
    deleted_at: str = ""
    deleted_by: str = ""
    path: str = ""  # where the card lives in the publisher's folder (for checkout only)

    @property
    def current(self) -> Version | None:
        return None if self.deleted or not self.versions else self.versions[-1]

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"versions": [v.as_json() for v in self.versions], "path": self.path}
        if self.deleted:
            out.update(deleted=True, deleted_at=self.deleted_at, deleted_by=self.deleted_by)
        return out


@dataclass
class Manifest:
    serial: int
    published_at: str
    publisher: str
    note: str
    cards: dict[str, Entry]
    answers: tuple[str, int] | None = None  # (sha256, size) of the owners' answers to flags

    def header(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": PACK_FORMAT,
            "serial": self.serial,
            "published_at": self.published_at,
            "publisher": self.publisher,
            "note": self.note,
        }
        if self.answers is not None:  # absent, not null, in packs without answers: their bytes stay as signed
            out["answers"] = {"sha256": self.answers[0], "size": self.answers[1]}
        return out

    def as_bytes(self) -> bytes:
        return manifest_bytes({**self.header(), "cards": {cid: e.as_json() for cid, e in self.cards.items()}})

    def delta_bytes(self, ids: set[str]) -> bytes:
        """Only the entries of `ids`: what a desk one serial behind needs to rebuild
        this manifest from its own copy (and check it against the signed hash)."""
        return manifest_bytes({**self.header(), "cards": {cid: self.cards[cid].as_json() for cid in ids}})

    def live(self) -> dict[str, Version]:
        return {cid: e.current for cid, e in self.cards.items() if e.current is not None}


def parse_manifest(raw: bytes, pointer: Pointer | None = None) -> Manifest:
    """Check a manifest's hash (against the pointer) and every field; reject it whole on any fault."""
    from workaid.core.content.cards import MAX_CARD_BYTES, id_key
    from workaid.core.content.kinds import ID_RE

    if pointer is not None and (
        len(raw) != pointer.manifest_size or hashlib.sha256(raw).hexdigest() != pointer.manifest_sha256
    ):
        raise PackError(f"{pointer.manifest} does not match the signed pointer (half-written or altered)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackError("the manifest is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
        raise PackError("the manifest has no card list")
    if isinstance(data.get("format"), int) and data["format"] > PACK_FORMAT:
        raise PackError(
            f"the manifest uses format {data['format']}, newer than this WorkAid understands; update WorkAid"
        )
    if pointer is not None and data.get("serial") != pointer.serial:
        raise PackError("the manifest's serial differs from the pointer's")
    cards: dict[str, Entry] = {}
    seen: dict[str, str] = {}
    for cid, e in data["cards"].items():
        if not isinstance(cid, str) or not ID_RE.match(cid):
            raise PackError(f"the manifest has an invalid card id {cid!r}")
        key = id_key(cid)
        if key in seen:
            raise PackError(f"the manifest has ids '{seen[key]}' and '{cid}' that differ only in case or accents")
        seen[key] = cid
        if not isinstance(e, dict) or not isinstance(e.get("versions"), list) or not e["versions"]:
            raise PackError(f"card '{cid}' has no versions in the manifest")
        versions: list[Version] = []
        for n, v in enumerate(e["versions"], 1):
            try:
                ver = Version(
                    version=_int(v["version"], 1),
                    sha256=str(v["sha256"]),
                    size=_int(v["size"], 0, MAX_CARD_BYTES),
                    author=str(v.get("author", ""))[:200],
                    note=str(v.get("note", ""))[:2000],
                    published_at=str(v.get("published_at", ""))[:40],
                    title=str(v.get("title", ""))[:300],
                )
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                raise PackError(f"card '{cid}' version {n} is malformed in the manifest ({err})") from None
            if not SHA_RE.match(ver.sha256) or (versions and ver.version <= versions[-1].version):
                raise PackError(f"card '{cid}' has a bad hash or version order in the manifest")
            versions.append(ver)
        cards[cid] = Entry(
            cid,
            versions,
            e.get("deleted") is True,
            str(e.get("deleted_at", ""))[:40],
            str(e.get("deleted_by", ""))[:200],
            str(e.get("path", ""))[:300],
        )
    return Manifest(
        serial=data["serial"] if isinstance(data.get("serial"), int) else 0,
        published_at=str(data.get("published_at", "")),
        publisher=str(data.get("publisher", "")),
        note=str(data.get("note", "")),
        cards=cards,
        answers=_answers_ref(data.get("answers")),
    )


def _answers_ref(value: Any) -> tuple[str, int] | None:
    from workaid.core.content.answers import MAX_ANSWERS_BYTES

    if value is None:
        return None
    try:
        sha, size = value["sha256"], _int(value["size"], 1, MAX_ANSWERS_BYTES)
    except (KeyError, TypeError, ValueError) as err:
        raise PackError(f"the manifest's answers entry is malformed ({err})") from None
    if not isinstance(sha, str) or not SHA_RE.match(sha):
        raise PackError("the manifest's answers entry has a bad hash")
    return sha, size


def manifest_bytes(data: Mapping[str, Any]) -> bytes:
    """The one serialisation of manifests and deltas: a desk re-creates a manifest from
    its previous copy plus a delta and must arrive at exactly the signed bytes. It is
    the canonical form pointers are signed in, so the two can never drift apart."""
    return canonical(data)


def apply_delta(previous: Mapping[str, Any], delta: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest that `delta` turns `previous` into (both as parsed JSON)."""
    cards = dict(previous.get("cards", {}))
    cards.update(delta.get("cards", {}))
    header = {k: delta.get(k) for k in ("format", "serial", "published_at", "publisher", "note")}
    if "answers" in delta:
        header["answers"] = delta["answers"]
    return {**header, "cards": cards}


# -- publishing ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublishReport:
    serial: int | None
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int
    notes: tuple[str, ...] = ()  # what the publish repaired on the way (a stale lock, temp files)
    warnings: tuple[Problem, ...] = ()  # of the cards read for this publish: published anyway, worth a look
    answers: bool = False  # the owners' answers to flags changed and went out with this serial

    @property
    def nothing(self) -> bool:
        return self.serial is None


def _read_state(source: Path) -> dict[str, Any]:
    """What this source folder remembers: the share version each card was based on, the
    serial and manifest it last published or checked out, a publish not yet known to
    have switched ("pending"), and stamps of files already validated (so a publish
    re-reads only what changed)."""
    try:
        data = json.loads((source / BASE_FILE).read_text(encoding="utf-8"))
        cards = {str(k): str(v) for k, v in data.get("cards", {}).items()}
        stamps = {
            str(k): (int(v[0]), int(v[1]), str(v[2]), str(v[3]))
            for k, v in data.get("stamps", {}).items()
            if isinstance(v, list) and len(v) == 4
        }
        serial = data.get("serial", 0)
        state: dict[str, Any] = {
            "cards": cards,
            "stamps": stamps,
            "serial": serial if isinstance(serial, int) and not isinstance(serial, bool) and serial > 0 else 0,
            "manifest_sha256": str(data.get("manifest_sha256", "")),
        }
    except (OSError, ValueError, AttributeError, TypeError):
        return {}
    try:
        p = data["pending"]
        state["pending"] = {
            "serial": _int(p["serial"], 1),
            "manifest_sha256": str(p["manifest_sha256"]),
            "cards": {str(k): str(v) for k, v in p["cards"].items()},
        }
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    return state


def _write_state(
    source: Path,
    cards: dict[str, str],
    serial: int,
    stamps: Mapping[str, tuple[int, int, str, str]] | None = None,
    manifest_sha256: str = "",
    pending: dict[str, Any] | None = None,
) -> None:
    """Remember which share version each card in `source` matches (for conflict checks)."""
    data: dict[str, Any] = {
        "serial": serial,
        "manifest_sha256": manifest_sha256,
        "cards": dict(sorted(cards.items())),
        "stamps": {k: list(v) for k, v in sorted((stamps or {}).items())},
    }
    if pending:
        data["pending"] = pending
    atomic_write(source / BASE_FILE, json.dumps(data, separators=(",", ":")))


SHARE_TIMEOUT = 10.0  # seconds one operation on the share may take, as for sync
LOCK_STALE_SECONDS = 15 * 60  # a publish lock older than this is taken over (README: "Publishing to every desk")


def _share(share: Path, timeout: float | None) -> FolderShare:
    return FolderShare(share, timeout=SHARE_TIMEOUT if timeout is None else timeout)


def _pointer_kind(share: Path) -> str:
    """'file', 'missing' or 'link' (a dangling link, a loop, any link: never followed)."""
    try:
        st = os.lstat(share / POINTER)
    except FileNotFoundError:
        return "missing"
    return "link" if stat.S_ISLNK(st.st_mode) else "file"


def _read_pointer(fs: FolderShare, trusted: list[keys.PublicKey], replaceable: bool = False) -> Pointer | None:
    """The checked pointer, or None when there is none; with `replaceable` (publish, which
    writes a real file over it) a link in its place counts as none."""
    kind = fs.call(_pointer_kind, fs.root)
    if kind == "missing" or (kind == "link" and replaceable):
        return None
    if kind == "link":
        raise PackError(f"{fs.root / POINTER} is a link, not WorkAid's pointer file")
    return parse_pointer(fs.read(POINTER, MAX_POINTER_BYTES), trusted)


def read_current(
    share: Path, trusted: list[keys.PublicKey], timeout: float | None = None
) -> tuple[Pointer | None, Manifest | None]:
    """The share's current pointer and manifest, checked; (None, None) for a new share.
    Reads are time-limited like sync's: a hung share ends in EnvironmentProblem."""
    fs = _share(Path(share), timeout)
    pointer = _read_pointer(fs, trusted)
    if pointer is None:
        return None, None
    manifest = parse_manifest(fs.read(pointer.manifest, MAX_MANIFEST_BYTES), pointer)
    return pointer, manifest


def _serials(share: Path) -> list[int]:
    """Every serial the share holds a manifest or a delta for (published or not)."""
    found: set[int] = set()
    for folder in ("manifests", "deltas"):
        try:
            names = os.listdir(share / folder)
        except FileNotFoundError:
            continue
        for name in names:
            stem = name[:-5] if name.endswith(".json") else ""
            if stem.isdigit() and not stem.startswith("0"):
                found.add(int(stem))
    return sorted(found)


def _base_without_pointer(
    fs: FolderShare, state: Mapping[str, Any], serials: list[int]
) -> tuple[Manifest | None, str, dict[str, str] | None]:
    """What to build on when current.json is missing or a link: the newest manifest, if
    this folder's own record vouches for it (it published or checked out exactly that
    one), so history continues; (None, "", None) for a share that never had a pack.
    Otherwise PackError with the way to recover: a guess could drop someone's serial."""
    manifests = [n for n in serials if fs.call(os.path.exists, fs.root / manifest_name(n))]
    if not manifests:
        return None, "", None
    newest = manifests[-1]
    vouched: list[tuple[int, str, dict[str, str] | None]] = []
    pending = state.get("pending")
    if pending:
        vouched.append((pending["serial"], pending["manifest_sha256"], pending["cards"]))
    if state.get("serial") and state.get("manifest_sha256"):
        vouched.append((state["serial"], state["manifest_sha256"], None))
    for serial, sha, cards in vouched:
        if serial == newest:
            try:
                raw = fs.read(manifest_name(serial), MAX_MANIFEST_BYTES)
            except ShareMissing:
                continue
            if hashlib.sha256(raw).hexdigest() == sha:
                return parse_manifest(raw), sha, cards
    raise PackError(
        f"{fs.root / POINTER} is missing or a broken link, and the newest manifest there (serial {newest}) "
        "is not one this folder published or checked out, so it cannot be verified; nothing was published "
        "and desks keep their content. To recover: restore current.json from a backup of the shared folder, "
        f"or publish again from the folder that published serial {newest}."
    )


def _clean_temp(share: Path) -> int:
    """Remove temp files a killed publish left (only atomic_write's own names; only
    called while holding the lock, so no live publish is writing them)."""
    removed = 0
    folders = [share, share / "manifests", share / "deltas"]
    try:
        folders += [Path(e.path) for e in os.scandir(share / "objects") if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        pass
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for e in entries:
            if is_temp_name(e.name) and e.is_file(follow_symlinks=False):
                try:
                    os.unlink(e.path)
                    removed += 1
                except FileNotFoundError:
                    pass
    return removed


def _pid_gone(pid: int) -> bool:
    if os.name == "nt" or pid <= 0:  # os.kill(pid, 0) would terminate a process on Windows
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


class _Lock:
    """An exclusive publish lock on the share (O_EXCL create), so two publishers never
    interleave. It records who holds it (user, host, pid, start) as JSON; a lock whose
    process is gone on this host, or older than LOCK_STALE_SECONDS, was left by a
    killed publish and is taken over, with a note saying so."""

    def __init__(self, share: Path, fs: FolderShare) -> None:
        self.path = share / LOCK_FILE
        self.fs = fs
        self.notes: list[str] = []

    def __enter__(self) -> _Lock:
        for attempt in (1, 2):
            try:
                fd = self.fs.call(os.open, self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if attempt == 2:
                    raise PublishConflict(
                        "Another publish started just now. Wait for it, then publish again."
                    ) from None
                self._take_over()  # a live holder: PublishConflict naming it
                continue
            break
        now = utc_now()
        holder = {
            "user": getpass.getuser(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": stamp(now),
            "started": now.timestamp(),
        }
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(holder))
        return self

    def _take_over(self) -> bool:
        """True if the lock was stale and is now gone; else PublishConflict naming the holder."""
        try:
            text = self.fs.call(self.path.read_text, "utf-8", "replace")
            mtime = self.fs.call(os.stat, self.path).st_mtime
        except FileNotFoundError:
            return True  # released meanwhile
        holder, why = _describe_holder(text, mtime)
        if why is None:
            raise PublishConflict(
                f"Another publish is in progress ({holder}). Wait for it, then publish again. "
                f"A lock whose process has ended, or older than {LOCK_STALE_SECONDS // 60} minutes, is taken over "
                f"automatically; to end one sooner, make sure that publish is not running and delete {self.path}."
            )
        # Move the stale lock aside under a temp name, then check it was the one judged:
        # two publishers taking over at once must not both win.
        aside = self.path.with_name(f"{LOCK_FILE}.{os.getpid()}.{socket.gethostname()}.tmp")
        try:
            self.fs.call(os.replace, self.path, aside)
        except FileNotFoundError:
            return True
        moved = self.fs.call(aside.read_text, "utf-8", "replace")
        if moved != text:
            try:
                self.fs.call(os.link, aside, self.path)
            except OSError:
                pass
            self.fs.call(os.unlink, aside)
            raise PublishConflict("Another publish started just now. Wait for it, then publish again.")
        self.fs.call(os.unlink, aside)
        note = f"Took over the publish lock on {self.path.parent}: {why} ({holder})."
        log.warning("%s", note)
        self.notes.append(note)
        return True

    def __exit__(self, *exc: object) -> None:
        try:
            self.fs.call(self.path.unlink)
        except (OSError, WorkAidError):
            pass


def _describe_holder(text: str, mtime: float) -> tuple[str, str | None]:
    """(who holds the lock, why it is stale or None if it may be live)."""
    now = utc_now().timestamp()
    try:
        data = json.loads(text)
        who = f"{data['user']}@{data['host']} pid {data['pid']} since {data['started_at']}"
        host, pid, started = str(data["host"]), int(data["pid"]), float(data["started"])
    except (ValueError, KeyError, TypeError):
        who, host, pid, started = text.strip()[:200] or "unknown", "", 0, mtime
    if host == socket.gethostname() and _pid_gone(pid):
        return who, f"its process {pid} on {host} has ended"
    if now - started > LOCK_STALE_SECONDS:
        return who, f"it is {int(now - started) // 60} minutes old (limit {LOCK_STALE_SECONDS // 60})"
    return who, None


def publish(
    source: Path,
    share: Path,
    private_key: keys.PrivateKey,
    note: str = "",
    author: str | None = None,
    trusted: Iterable[keys.PublicKey] | None = None,
    now: str | None = None,
    timeout: float | None = None,
) -> PublishReport:
    """Validate `source` whole, then publish what changed as a new signed serial.

    Raises ContentError (invalid cards, nothing published), PublishConflict (someone
    else changed a card this folder holds an older copy of), PackError (the share's
    current pack does not verify), EnvironmentProblem (the share did not answer
    within `timeout` seconds).
    """
    from workaid.core.content.answers import digest
    from workaid.core.content.cards import Problem, parse_card
    from workaid.core.content.folder import load_folder
    from workaid.core.errors import ContentError

    source, share = Path(source), Path(share)
    base_state = _read_state(source)
    result = load_folder(source, known=base_state.get("stamps"))
    if result.problems:
        raise ContentError(result.problems)
    if not result.refs:
        raise ContentError([Problem("", 0, "no cards found (cards are Markdown files, *.md)")])
    author = author or getpass.getuser()
    now = now or stamp()
    trusted = list(trusted or []) + [private_key.public_key()]
    fs = _share(share, timeout)
    fs.call(lambda: share.mkdir(parents=True, exist_ok=True))
    lock = _Lock(share, fs)
    with lock:
        notes = lock.notes
        cleaned = fs.call(_clean_temp, share)
        if cleaned:
            notes.append(f"Removed {cleaned} temporary file(s) an interrupted publish left on {share}.")
        pointer = _read_pointer(fs, trusted, replaceable=True)
        base = base_state.get("cards", {})
        pending = base_state.get("pending")
        serials = fs.call(_serials, share)
        manifest: Manifest | None
        if pointer is not None:
            manifest = parse_manifest(fs.read(pointer.manifest, MAX_MANIFEST_BYTES), pointer)
            previous_sha = pointer.manifest_sha256
            if pending and pending["serial"] == pointer.serial and pending["manifest_sha256"] == previous_sha:
                base = pending["cards"]  # our own publish switched, then died before recording it
        else:
            manifest, previous_sha, vouched_cards = _base_without_pointer(fs, base_state, serials)
            if vouched_cards is not None:
                base = vouched_cards
            if manifest is not None:
                notes.append(
                    f"{share / POINTER} was missing or a broken link; publishing on top of serial {manifest.serial}, "
                    "which this folder published, so every desk keeps syncing."
                )
        old_serial = pointer.serial if pointer else 0
        cards_state = {
            cid: Entry(cid, list(e.versions), e.deleted, e.deleted_at, e.deleted_by, e.path)
            for cid, e in (manifest.cards if manifest else {}).items()
        }
        live_before = {cid: e.current for cid, e in cards_state.items() if e.current is not None}
        conflicts: list[str] = []
        added: list[str] = []
        changed: list[str] = []
        removed: list[str] = []
        new_objects: dict[str, bytes] = {}
        touched: set[str] = set()
        by_id = {r.id: r for r in result.refs}
        titles = {c.id: c for c in result.cards if c.sha256 == getattr(by_id.get(c.id), "sha256", None)}
        verdicts = classify(
            {r.id: r.sha256 for r in result.refs}, {cid: v.sha256 for cid, v in live_before.items()}, base
        )
        unchanged = len(result.refs) - sum(1 for cid, action, _ in verdicts if action != "removed")
        for cid, action, conflict in verdicts:
            cur = live_before.get(cid)
            if action == "removed":
                assert cur is not None  # only a live card can be removed
                if conflict:
                    conflicts.append(
                        f"card '{cid}' is on the share (version {cur.version} by {cur.author or 'someone'}) but not in this folder, "
                        "and this folder never had that version; it was not removed. Get the current cards and publish again."
                    )
                    continue
                entry = cards_state[cid]
                entry.deleted, entry.deleted_at, entry.deleted_by = True, now, author
                removed.append(cid)
                touched.add(cid)
                continue
            ref = by_id[cid]
            if conflict:
                assert cur is not None  # a conflict is with a version on the share
                older = next(
                    (v.version for v in cards_state[ref.id].versions if v.sha256 in (base.get(ref.id), ref.sha256)),
                    None,
                )
                what = (
                    f"your copy is based on version {older}"
                    if older
                    else "this folder has no record of which version you edited"
                )
                conflicts.append(
                    f"{ref.source}: card '{ref.id}' was changed on the share (version {cur.version} by {cur.author or 'someone'}, "
                    f"{cur.published_at}) and {what}. Get the current version, redo your edit, and publish again."
                )
                continue
            raw = (source / ref.source).read_bytes()
            if hashlib.sha256(raw).hexdigest() != ref.sha256:
                raise PublishConflict(f"{ref.source} changed while publishing; nothing was published. Publish again.")
            new_objects[ref.sha256] = raw
            parsed = titles[ref.id] if ref.id in titles else parse_card(raw, ref.source).card
            entry = cards_state.setdefault(ref.id, Entry(ref.id, []))
            entry.path = ref.source
            number = (entry.versions[-1].version + 1) if entry.versions else 1
            entry.versions.append(
                Version(number, ref.sha256, len(raw), author, note, now, getattr(parsed, "title", ""))
            )
            (changed if cur is not None else added).append(ref.id)
            entry.deleted, entry.deleted_at, entry.deleted_by = False, "", ""
            touched.add(ref.id)
        if conflicts:
            raise PublishConflict("Nothing was published:\n" + "\n".join(conflicts))
        now_cards = {r.id: r.sha256 for r in result.refs}
        answers_ref = manifest.answers if manifest else None
        answers_raw = _merged_answers(source, fs, answers_ref)
        answers_changed = False
        if answers_raw is not None and (answers_ref is None or answers_ref[0] != digest(answers_raw)):
            answers_ref = (digest(answers_raw), len(answers_raw))
            new_objects[answers_ref[0]] = answers_raw
            answers_changed = True
        if not touched and not answers_changed:
            _write_state(source, now_cards, old_serial, result.stamps, previous_sha)
            return PublishReport(None, [], [], [], unchanged, tuple(notes), tuple(result.warnings))

        # The serial only goes up: above the pointer, above every manifest or delta on the
        # share (a lost current.json, a publish killed before its switch) and above what
        # this folder last published, so no desk ever sees a serial it already passed.
        serial = max([old_serial, base_state.get("serial", 0), (pending or {}).get("serial", 0), *serials]) + 1
        for sha, raw in new_objects.items():
            fs.call(_write_object, share, sha, raw)
        new_manifest = Manifest(serial, now, author, note, cards_state, answers_ref)
        manifest_bytes = new_manifest.as_bytes()
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        fs.call(atomic_write, share / manifest_name(serial), manifest_bytes)
        delta_bytes = new_manifest.delta_bytes(touched)
        fs.call(atomic_write, share / delta_name(serial), delta_bytes)
        # Last look before the switch: the lock makes this a formality unless someone
        # bypassed it, and then we must not overwrite their serial.
        latest = _read_pointer(fs, trusted, replaceable=True)
        if (latest.serial if latest else 0) != old_serial:
            raise PublishConflict(
                "Someone published while this publish was running; nothing was switched. Publish again."
            )
        pointer_bytes = sign_pointer(
            {
                "serial": serial,
                "manifest": manifest_name(serial),
                "manifest_sha256": manifest_sha,
                "manifest_size": len(manifest_bytes),
                "previous_manifest_sha256": previous_sha,
                "delta": delta_name(serial),
                "delta_sha256": hashlib.sha256(delta_bytes).hexdigest(),
                "delta_size": len(delta_bytes),
                "published_at": now,
                "publisher": author,
            },
            private_key,
        )
        # Recorded before the switch: if this process dies between the switch and the
        # final record, the next publish sees its own serial, not a conflict with itself.
        _write_state(
            source,
            base,
            base_state.get("serial", 0),
            result.stamps,
            base_state.get("manifest_sha256", ""),
            pending={"serial": serial, "manifest_sha256": manifest_sha, "cards": dict(sorted(now_cards.items()))},
        )
        fs.call(atomic_write, share / POINTER, pointer_bytes)
        _write_state(source, now_cards, serial, result.stamps, manifest_sha)
    log.info(
        "published serial %d to %s: +%d ~%d -%d%s",
        serial,
        share,
        len(added),
        len(changed),
        len(removed),
        " and the answers to flags" if answers_changed else "",
    )
    return PublishReport(
        serial, added, changed, removed, unchanged, tuple(notes), tuple(result.warnings), answers_changed
    )


def _merged_answers(source: Path, fs: FolderShare, published: tuple[str, int] | None) -> bytes | None:
    """This folder's answers to flags, with any the share holds that this folder lacks
    (another owner answered them from another folder): an answer is never lost by a
    publish. The merged set is written back to the folder, so it matches the share."""
    from workaid.core.content import answers as ans

    local_raw = ans.read_answers_file(source)
    if local_raw is None or published is None or published[0] == ans.digest(local_raw):
        return local_raw
    raw = fs.read(object_name(published[0]), published[1])
    if len(raw) != published[1] or ans.digest(raw) != published[0]:
        raise PackError(f"the answers object {object_name(published[0])} on the share is damaged")
    local = ans.parse_answers(local_raw)
    merged = {**ans.parse_answers(raw), **local}
    if merged.keys() == local.keys():
        return local_raw
    ans.save_all(source, merged)
    return ans.answers_bytes(merged)


def classify(
    folder: Mapping[str, str], live: Mapping[str, str], base: Mapping[str, str]
) -> list[tuple[str, str, bool]]:
    """What a publish does with each card, as (id, "added"|"changed"|"removed", conflict).

    `folder`, `live` and `base` map card ids to sha256: the source folder's files, the
    share's current versions, and the versions this folder's copies were based on. A
    card the share changed since this copy was based on it is a conflict (never
    overwritten); so is removing a card the share has in a version this folder never
    had. Cards the share already has as they are are not listed."""
    out: list[tuple[str, str, bool]] = []
    for cid, sha in folder.items():
        cur = live.get(cid)
        if cur == sha:
            continue
        out.append((cid, "added" if cur is None else "changed", cur is not None and base.get(cid) != cur))
    for cid, cur in live.items():
        if cid not in folder:
            out.append((cid, "removed", base.get(cid) != cur))
    return out


def folder_base(source: Path) -> dict[str, str] | None:
    """Which share version (by sha256) each card in `source` was last based on: what
    publish compares with the share's current version to find a conflict. None when
    the folder has no record (never published or checked out, or the record is damaged)."""
    state = _read_state(Path(source))
    return dict(state["cards"]) if state else None


def folder_stamps(source: Path) -> dict[str, tuple[int, int, str, str]]:
    """The stamps of the files the last publish validated (size, mtime, id, sha256):
    `load_folder(source, known=...)` then re-reads only what changed since."""
    return dict(_read_state(Path(source)).get("stamps", {}))


def rebase(source: Path, card_id: str, sha256: str) -> None:
    """Record that the card's file in `source` now builds on the share's version
    `sha256` (the owner took theirs, kept theirs under their own edit, or merged the
    two): the next publish sees no conflict for it. Nothing else in the record moves."""
    source = Path(source)
    state = _read_state(source)
    cards = dict(state.get("cards", {}))
    cards[card_id] = sha256
    _write_state(
        source,
        cards,
        state.get("serial", 0),
        state.get("stamps"),
        state.get("manifest_sha256", ""),
        state.get("pending"),
    )


def read_object(share: Path, sha256: str, size: int, timeout: float | None = None) -> bytes:
    """One card version's file from the share, checked against its hash."""
    from workaid.core.content.cards import MAX_CARD_BYTES

    return read_blob(share, sha256, min(size, MAX_CARD_BYTES), timeout)


def read_blob(share: Path, sha256: str, size: int, timeout: float | None = None) -> bytes:
    """Any object the signed manifest names (a card version, the answers), checked against its hash."""
    raw = _share(Path(share), timeout).read(object_name(sha256), size)
    if len(raw) != size or hashlib.sha256(raw).hexdigest() != sha256:
        raise PackError(f"the object {object_name(sha256)} on the share is damaged")
    return raw


def _write_object(share: Path, sha: str, raw: bytes) -> None:
    """Write an object unless an intact copy is already there (objects are immutable)."""
    path = share / object_name(sha)
    try:
        if path.stat().st_size == len(raw) and hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            return
    except OSError:
        pass
    atomic_write(path, raw)


class UnpublishedEdits(WorkAidError):
    """Checkout would overwrite files holding edits the share does not have."""

    def __init__(self, dest: Path, files: list[str]) -> None:
        self.files = files
        shown = "\n".join(f"  {dest / f}" for f in files[:50]) + (
            f"\n  … and {len(files) - 50} more" if len(files) > 50 else ""
        )
        super().__init__(
            f"{dest} holds edits that were never published; checkout would overwrite them:\n{shown}\n"
            "Publish them first, move them elsewhere, or check out with --force (the files are then "
            "kept in a backup folder beside it)."
        )


@dataclass(frozen=True)
class CheckoutReport:
    written: int
    backup: Path | None = None
    kept: tuple[str, ...] = ()


def checkout(
    share: Path, dest: Path, trusted: list[keys.PublicKey], force: bool = False, timeout: float | None = None
) -> int:
    """check_out, returning the number of cards written."""
    return check_out(share, dest, trusted, force, timeout).written


def check_out(
    share: Path, dest: Path, trusted: list[keys.PublicKey], force: bool = False, timeout: float | None = None
) -> CheckoutReport:
    """Copy the share's current cards into a source folder an editor can work in.

    Records the base versions, so a later publish from `dest` can tell a stale copy
    from a fresh edit. A file in `dest` that checkout would replace and whose content
    is no published version of its card is an unpublished edit: refused
    (UnpublishedEdits), or with `force` moved to a backup folder beside `dest` first.
    Nothing is lost either way.
    """
    from workaid.core.content.cards import MAX_CARD_BYTES

    share, dest = Path(share), Path(dest)
    if not trusted:
        raise PackError(
            "checkout needs the publisher's public key to verify the shared folder: pass --trusted-key "
            "PUBLISHER.pub (the file keygen wrote) or set trusted_keys in workaid.toml"
        )
    fs = _share(share, timeout)
    pointer, manifest = read_current(share, trusted, timeout)
    if manifest is None or pointer is None:
        raise PackError(f"{share} has no published pack yet")
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    plan: dict[str, tuple[Path, str, Version]] = {}
    used: set[str] = set()
    for cid, ver in sorted(manifest.live().items()):
        rel = _safe_rel(manifest.cards[cid].path, cid)
        target = _inside(root, rel)
        if target is None or rel.casefold() in used:  # a link out of `dest`, or a clash: the plain name
            rel = f"{cid}.md"
            target = _inside(root, rel)
        if target is None or rel.casefold() in used:
            raise PackError(f"card '{cid}' would be written outside {dest} or over another card; refusing the checkout")
        used.add(rel.casefold())
        plan[cid] = (target, rel, ver)
    edited = []
    for cid, (target, rel, ver) in plan.items():
        try:
            old = target.read_bytes()
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            raise PackError(f"{target} is a folder; checkout would write card '{cid}' there") from None
        sha = hashlib.sha256(old).hexdigest()
        if sha != ver.sha256 and sha not in {v.sha256 for v in manifest.cards[cid].versions}:
            edited.append(rel)
    backup = None
    if edited and not force:
        raise UnpublishedEdits(dest, edited)
    if edited:
        backup = dest.with_name(f"{dest.name}.backup-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}")
        n = 1
        while backup.exists():
            n += 1
            backup = backup.with_name(f"{dest.name}.backup-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{n}")
        for rel in edited:
            saved = backup / rel
            saved.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dest / rel, saved)
        log.warning("checkout --force: kept %d edited file(s) from %s in %s", len(edited), dest, backup)
    written = {}
    for cid, (target, _rel, ver) in plan.items():
        raw = fs.read(object_name(ver.sha256), min(ver.size, MAX_CARD_BYTES))
        if len(raw) != ver.size or hashlib.sha256(raw).hexdigest() != ver.sha256:
            raise PackError(f"object for card '{cid}' on the share is damaged")
        atomic_write(target, raw)
        written[cid] = ver.sha256
    if manifest.answers is not None:  # the owners' answers to flags come along, merged with any here
        from workaid.core.content import answers as ans

        sha, size = manifest.answers
        raw = fs.read(object_name(sha), size)
        if len(raw) != size or ans.digest(raw) != sha:
            raise PackError(f"the answers object {object_name(sha)} on the share is damaged")
        ans.save_all(dest, {**ans.parse_answers(raw), **ans.load_answers(dest)})
    _write_state(dest, written, pointer.serial, manifest_sha256=pointer.manifest_sha256)
    return CheckoutReport(len(written), backup, tuple(edited))


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_rel(rel: str, cid: str) -> str:
    """The publisher's relative path if it is a plain one, else `<id>.md`: a manifest
    never gets to choose where outside `dest` a file lands (no absolute paths, no
    `..`, no hidden parts, no Windows drive names like `C:x.md` or `C:/x.md`)."""
    name = unicodedata.normalize("NFC", rel)
    parts = name.split("/")
    ok = (
        name.endswith(".md")
        and not name.startswith("/")
        and not _DRIVE.match(name)
        and not any(c in name for c in "\\:\x00")
        and all(p not in ("", ".", "..") and not p.startswith(".") for p in parts)
    )
    return name if ok else f"{cid}.md"


def _inside(root: Path, rel: str) -> Path | None:
    """`root/rel` if it resolves inside `root` (following any links already there), else None."""
    target = root.joinpath(*rel.split("/"))
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return None
    return target if resolved.is_relative_to(root) and resolved != root else None
