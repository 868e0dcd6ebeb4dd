"""Signed, content-addressed packs on the shared folder: format, checks and publishing.

Layout (DESIGN.md, "The shared folder"):

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
import socket
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workaid.core import keys
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write
from workaid.core.share import MAX_MANIFEST_BYTES, MAX_POINTER_BYTES, POINTER, SHA_RE, delta_name, manifest_name, object_name

log = logging.getLogger("workaid.pack")

PACK_FORMAT = 1
BASE_FILE = ".workaid-base.json"  # in a source folder: which share version each card was edited from
LOCK_FILE = ".publish.lock"


class PackError(WorkAidError):
    """A pack failed a check; it is rejected whole and the last good content stays."""


class PublishConflict(WorkAidError):
    """Publishing would overwrite somebody else's change; nothing was published."""


def canonical(data: dict) -> bytes:
    """The exact bytes that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


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


def sign_pointer(fields: dict, private_key) -> bytes:
    body = dict(fields, format=PACK_FORMAT, key_id=keys.key_id(private_key.public_key()))
    body["signature"] = keys.sign(private_key, canonical(body))
    return json.dumps(body, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def parse_pointer(raw: bytes, trusted: list) -> Pointer:
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
        raise PackError(f"the pack uses format {fmt}, newer than this WorkAid understands ({PACK_FORMAT}); update WorkAid")
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

    def as_json(self) -> dict:
        return {"version": self.version, "sha256": self.sha256, "size": self.size, "author": self.author,
                "note": self.note, "published_at": self.published_at}


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

    def as_json(self) -> dict:
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

    def header(self) -> dict:
        return {"format": PACK_FORMAT, "serial": self.serial, "published_at": self.published_at,
                "publisher": self.publisher, "note": self.note}

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
    from workaid.core.cards import ID_RE, MAX_CARD_BYTES, id_key

    if pointer is not None:
        if len(raw) != pointer.manifest_size or hashlib.sha256(raw).hexdigest() != pointer.manifest_sha256:
            raise PackError(f"{pointer.manifest} does not match the signed pointer (half-written or altered)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackError("the manifest is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
        raise PackError("the manifest has no card list")
    if isinstance(data.get("format"), int) and data["format"] > PACK_FORMAT:
        raise PackError(f"the manifest uses format {data['format']}, newer than this WorkAid understands; update WorkAid")
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
        versions = []
        for n, v in enumerate(e["versions"], 1):
            try:
                ver = Version(
                    version=_int(v["version"], 1),
                    sha256=str(v["sha256"]),
                    size=_int(v["size"], 0, MAX_CARD_BYTES),
                    author=str(v.get("author", ""))[:200],
                    note=str(v.get("note", ""))[:2000],
                    published_at=str(v.get("published_at", ""))[:40],
                )
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                raise PackError(f"card '{cid}' version {n} is malformed in the manifest ({err})") from None
            if not SHA_RE.match(ver.sha256) or (versions and ver.version <= versions[-1].version):
                raise PackError(f"card '{cid}' has a bad hash or version order in the manifest")
            versions.append(ver)
        cards[cid] = Entry(cid, versions, e.get("deleted") is True, str(e.get("deleted_at", ""))[:40],
                           str(e.get("deleted_by", ""))[:200], str(e.get("path", ""))[:300])
    return Manifest(
        serial=data.get("serial") if isinstance(data.get("serial"), int) else 0,
        published_at=str(data.get("published_at", "")),
        publisher=str(data.get("publisher", "")),
        note=str(data.get("note", "")),
        cards=cards,
    )


def manifest_bytes(data: dict) -> bytes:
    """The one serialisation of manifests and deltas: a desk re-creates a manifest from
    its previous copy plus a delta and must arrive at exactly the signed bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def apply_delta(previous: dict, delta: dict) -> dict:
    """The manifest that `delta` turns `previous` into (both as parsed JSON)."""
    cards = dict(previous.get("cards", {}))
    cards.update(delta.get("cards", {}))
    header = {k: delta.get(k) for k in ("format", "serial", "published_at", "publisher", "note")}
    return {**header, "cards": cards}


# -- publishing ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublishReport:
    serial: int | None
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int

    @property
    def nothing(self) -> bool:
        return self.serial is None


def _read_state(source: Path) -> dict:
    """What this source folder remembers: the share version each card was based on, and
    stamps of files already validated (so a publish re-reads only what changed)."""
    try:
        data = json.loads((source / BASE_FILE).read_text(encoding="utf-8"))
        cards = {str(k): str(v) for k, v in data.get("cards", {}).items()}
        stamps = {
            str(k): (int(v[0]), int(v[1]), str(v[2]), str(v[3]))
            for k, v in data.get("stamps", {}).items()
            if isinstance(v, list) and len(v) == 4
        }
        return {"cards": cards, "stamps": stamps}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _write_state(source: Path, cards: dict[str, str], serial: int, stamps: dict | None = None) -> None:
    """Remember which share version each card in `source` matches (for conflict checks)."""
    data = {"serial": serial, "cards": dict(sorted(cards.items())), "stamps": {k: list(v) for k, v in sorted((stamps or {}).items())}}
    atomic_write(source / BASE_FILE, json.dumps(data, separators=(",", ":")))


def read_current(share: Path, trusted: list) -> tuple[Pointer | None, Manifest | None]:
    """The share's current pointer and manifest, checked; (None, None) for a new share."""
    pointer_path = share / POINTER
    if not pointer_path.exists():
        return None, None
    pointer = parse_pointer(_read_capped(pointer_path, MAX_POINTER_BYTES), trusted)
    manifest = parse_manifest(_read_capped(share / pointer.manifest, MAX_MANIFEST_BYTES), pointer)
    return pointer, manifest


def _read_capped(path: Path, cap: int) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise PackError(f"{path} is larger than {cap:,} bytes")
    return data


class _Lock:
    """An exclusive publish lock on the share (O_EXCL create), so two publishers never interleave."""

    def __init__(self, share: Path) -> None:
        self.path = share / LOCK_FILE

    def __enter__(self) -> _Lock:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = self.path.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                holder = "unknown"
            raise PublishConflict(
                f"Another publish is in progress ({holder}). Wait for it, then publish again. "
                f"If it crashed, delete {self.path} and publish again."
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{getpass.getuser()}@{socket.gethostname()} pid {os.getpid()} since {utc_now()}")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


def publish(
    source: Path,
    share: Path,
    private_key,
    note: str = "",
    author: str | None = None,
    trusted: list | None = None,
    now: str | None = None,
) -> PublishReport:
    """Validate `source` whole, then publish what changed as a new signed serial.

    Raises ContentError (invalid cards, nothing published), PublishConflict (someone
    else changed a card this folder holds an older copy of), PackError (the share's
    current pack does not verify).
    """
    from workaid.core.cards import Problem, load_folder
    from workaid.core.errors import ContentError

    source, share = Path(source), Path(share)
    base_state = _read_state(source)
    result = load_folder(source, known=base_state.get("stamps"))
    if result.problems:
        raise ContentError(result.problems)
    if not result.refs:
        raise ContentError([Problem("", 0, "no cards found (cards are Markdown files, *.md)")])
    author = author or getpass.getuser()
    now = now or utc_now()
    trusted = list(trusted or []) + [private_key.public_key()]
    share.mkdir(parents=True, exist_ok=True)
    with _Lock(share):
        pointer, manifest = read_current(share, trusted)
        old_serial = pointer.serial if pointer else 0
        cards_state = {
            cid: Entry(cid, list(e.versions), e.deleted, e.deleted_at, e.deleted_by, e.path)
            for cid, e in (manifest.cards if manifest else {}).items()
        }
        base = base_state.get("cards", {})
        live_before = {cid: e.current for cid, e in cards_state.items() if e.current is not None}
        conflicts: list[str] = []
        added, changed, removed = [], [], []
        new_objects: dict[str, bytes] = {}
        touched: set[str] = set()
        unchanged = 0
        by_id = {r.id: r for r in result.refs}
        for ref in result.refs:
            cur = live_before.get(ref.id)
            if cur is not None and cur.sha256 == ref.sha256:
                unchanged += 1
                continue
            if cur is not None and base.get(ref.id) != cur.sha256:
                older = next((v.version for v in cards_state[ref.id].versions if v.sha256 in (base.get(ref.id), ref.sha256)), None)
                what = f"your copy is based on version {older}" if older else "this folder has no record of which version you edited"
                conflicts.append(
                    f"{ref.source}: card '{ref.id}' was changed on the share (version {cur.version} by {cur.author or 'someone'}, "
                    f"{cur.published_at}) and {what}. Get the current version, redo your edit, and publish again."
                )
                continue
            raw = (source / ref.source).read_bytes()
            if hashlib.sha256(raw).hexdigest() != ref.sha256:
                raise PublishConflict(f"{ref.source} changed while publishing; nothing was published. Publish again.")
            new_objects[ref.sha256] = raw
            entry = cards_state.setdefault(ref.id, Entry(ref.id, []))
            entry.path = ref.source
            number = (entry.versions[-1].version + 1) if entry.versions else 1
            entry.versions.append(Version(number, ref.sha256, len(raw), author, note, now))
            (changed if cur is not None else added).append(ref.id)
            entry.deleted, entry.deleted_at, entry.deleted_by = False, "", ""
            touched.add(ref.id)
        for cid, cur in live_before.items():
            if cid in by_id:
                continue
            if base.get(cid) != cur.sha256:
                conflicts.append(
                    f"card '{cid}' is on the share (version {cur.version} by {cur.author or 'someone'}) but not in this folder, "
                    "and this folder never had that version; it was not removed. Get the current cards and publish again."
                )
                continue
            entry = cards_state[cid]
            entry.deleted, entry.deleted_at, entry.deleted_by = True, now, author
            removed.append(cid)
            touched.add(cid)
        if conflicts:
            raise PublishConflict("Nothing was published:\n" + "\n".join(conflicts))
        if not touched:
            _write_state(source, {r.id: r.sha256 for r in result.refs}, old_serial, result.stamps)
            return PublishReport(None, [], [], [], unchanged)

        serial = old_serial + 1
        for sha, raw in new_objects.items():
            _write_object(share, sha, raw)
        new_manifest = Manifest(serial, now, author, note, cards_state)
        manifest_bytes = new_manifest.as_bytes()
        atomic_write(share / manifest_name(serial), manifest_bytes)
        delta_bytes = new_manifest.delta_bytes(touched)
        atomic_write(share / delta_name(serial), delta_bytes)
        # Last look before the switch: the lock makes this a formality unless someone
        # bypassed it, and then we must not overwrite their serial.
        if (share / POINTER).exists():
            latest = parse_pointer(_read_capped(share / POINTER, MAX_POINTER_BYTES), trusted)
            if latest.serial != old_serial:
                raise PublishConflict("Someone published while this publish was running; nothing was switched. Publish again.")
        pointer_bytes = sign_pointer(
            {
                "serial": serial,
                "manifest": manifest_name(serial),
                "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
                "manifest_size": len(manifest_bytes),
                "previous_manifest_sha256": pointer.manifest_sha256 if pointer else "",
                "delta": delta_name(serial),
                "delta_sha256": hashlib.sha256(delta_bytes).hexdigest(),
                "delta_size": len(delta_bytes),
                "published_at": now,
                "publisher": author,
            },
            private_key,
        )
        atomic_write(share / POINTER, pointer_bytes)
        _write_state(source, {r.id: r.sha256 for r in result.refs}, serial, result.stamps)
    log.info("published serial %d to %s: +%d ~%d -%d", serial, share, len(added), len(changed), len(removed))
    return PublishReport(serial, added, changed, removed, unchanged)


def _write_object(share: Path, sha: str, raw: bytes) -> None:
    """Write an object unless an intact copy is already there (objects are immutable)."""
    path = share / object_name(sha)
    try:
        if path.stat().st_size == len(raw) and hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            return
    except OSError:
        pass
    atomic_write(path, raw)


def checkout(share: Path, dest: Path, trusted: list) -> int:
    """Copy the share's current cards into a source folder an editor can work in.

    Records the base versions, so a later publish from `dest` can tell a stale copy
    from a fresh edit. Returns the number of cards written.
    """
    pointer, manifest = read_current(Path(share), trusted)
    if manifest is None or pointer is None:
        raise PackError(f"{share} has no published pack yet")
    from workaid.core.cards import MAX_CARD_BYTES

    dest.mkdir(parents=True, exist_ok=True)
    written = {}
    for cid, ver in sorted(manifest.live().items()):
        raw = _read_capped(Path(share) / object_name(ver.sha256), MAX_CARD_BYTES)
        if hashlib.sha256(raw).hexdigest() != ver.sha256:
            raise PackError(f"object for card '{cid}' on the share is damaged")
        atomic_write(dest / _safe_rel(manifest.cards[cid].path, cid), raw)
        written[cid] = ver.sha256
    _write_state(dest, written, pointer.serial)
    return len(written)


def _safe_rel(rel: str, cid: str) -> str:
    """The publisher's relative path if it is a plain one, else `<id>.md`: a manifest
    never gets to choose where outside `dest` a file lands."""
    name = unicodedata.normalize("NFC", rel)
    parts = name.split("/")
    ok = name.endswith(".md") and not name.startswith("/") and "\\" not in name and all(p not in ("", ".", "..") and not p.startswith(".") for p in parts)
    return name if ok else f"{cid}.md"
