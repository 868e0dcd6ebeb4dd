"""Keeping a desk in step with the shared folder: poll, verify everything, apply at once.

A poll reads the small signed pointer; if it is the one already applied, that was the
whole poll. Otherwise the pack is checked end to end: signature (trusted keys only),
serial above the applied one (no rollback, no equal serial with other content),
manifest hash and size, then each object this desk lacks (size, hash, a valid card
whose id matches); objects are cached locally by hash. Only then is the change
applied, in one transaction. Any failure rejects the pack whole: the last good content
stays in use, the reason is recorded for the status bar, and the next poll retries.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid.core.clock import parse_stamp, stamp
from workaid.core.content.library import Library
from workaid.core.distribution.pack import (
    Manifest,
    PackError,
    Pointer,
    Version,
    apply_delta,
    manifest_bytes,
    parse_manifest,
    parse_pointer,
)
from workaid.core.distribution.share import (
    MAX_MANIFEST_BYTES,
    MAX_POINTER_BYTES,
    POINTER,
    ShareSource,
    object_name,
)
from workaid.core.errors import EnvironmentProblem, WorkAidError
from workaid.core.fileio import atomic_write

if TYPE_CHECKING:
    from workaid.core.distribution.keys import PublicKey

log = logging.getLogger("workaid.sync")

OBJECTS_DIR = "packs"
READ_PARALLELISM = 8  # object reads in flight: hides a network share's latency
MANIFEST_COPY = "manifest.json"  # the last applied manifest, the base for the next delta


@dataclass(frozen=True)
class SyncResult:
    changed: bool
    serial: int
    added: int = 0
    updated: int = 0
    removed: int = 0
    objects_fetched: int = 0
    bytes_read: int = 0
    reads: int = 0

    def describe(self) -> str:
        if not self.changed:
            return f"Up to date (serial {self.serial})."
        return f"Applied serial {self.serial}: {self.added} added, {self.updated} changed, {self.removed} removed."


@dataclass(frozen=True)
class SyncStatus:
    serial: int
    published_at: str
    publisher: str
    last_ok_at: str
    last_error: str
    last_error_at: str

    def describe(self) -> str:
        parts = []
        if self.serial:
            parts.append(
                f"Content serial {self.serial}, published {_local(self.published_at)} by {self.publisher or 'unknown'}"
            )
        if self.last_error:
            parts.append(f"last check failed {_local(self.last_error_at)}: {self.last_error}")
        elif self.last_ok_at:
            parts.append(f"checked {_local(self.last_ok_at)}")
        return "; ".join(parts) or "Not synced from a shared folder yet"


def _local(text: str) -> str:
    """A stored UTC stamp ("Z" or "+00:00") as local time for the status line."""
    try:
        return parse_stamp(text).astimezone().strftime("%d %b %H:%M")
    except (ValueError, AttributeError, TypeError):
        return text or "?"


def sync_status(library: Library) -> SyncStatus:
    m = library.store.meta()
    return SyncStatus(
        serial=int(m.get("pack_serial", "0") or 0),
        published_at=m.get("pack_published_at", ""),
        publisher=m.get("pack_publisher", ""),
        last_ok_at=m.get("sync_ok_at", ""),
        last_error=m.get("sync_error", ""),
        last_error_at=m.get("sync_error_at", ""),
    )


class SyncFailed(WorkAidError):
    """A check failed or the share could not be read; the last good content stays."""


class Syncer:
    def __init__(self, library: Library, source: ShareSource, trusted: list[PublicKey]) -> None:
        self._fetched = 0
        self.library = library
        self.source = source
        self.trusted = trusted
        self.cache = Path(library.data_dir) / OBJECTS_DIR

    def sync_once(self) -> SyncResult:
        """One poll. Raises SyncFailed with the reason (also recorded for the status bar)."""
        reads0, bytes0 = getattr(self.source, "reads", 0), getattr(self.source, "bytes_read", 0)
        try:
            result = self._sync()
        except (PackError, EnvironmentProblem, WorkAidError) as e:
            message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            log.warning("sync from %s failed: %s", self.source.location, message)
            self._record(sync_error=message, sync_error_at=stamp())
            raise SyncFailed(message) from e
        self._record(sync_ok_at=stamp(), sync_error="", sync_error_at="")
        return SyncResult(
            result.changed,
            result.serial,
            result.added,
            result.updated,
            result.removed,
            result.objects_fetched,
            getattr(self.source, "bytes_read", 0) - bytes0,
            getattr(self.source, "reads", 0) - reads0,
        )

    def _record(self, **values: str) -> None:
        try:
            with self.library.store.atomic() as db:
                self.library.store.set_meta(db, **values)
        except Exception:  # the status line is not worth failing a sync for
            log.exception("could not record sync status")

    def _sync(self) -> SyncResult:
        store = self.library.store
        meta = store.meta()
        applied = int(meta.get("pack_serial", "0") or 0)
        raw_pointer = self.source.read(POINTER, MAX_POINTER_BYTES)
        pointer_sha = hashlib.sha256(raw_pointer).hexdigest()
        if pointer_sha == meta.get("pack_pointer_sha256"):
            return SyncResult(False, applied)
        pointer = parse_pointer(raw_pointer, self.trusted)
        if pointer.serial < applied:
            raise PackError(
                f"the share offers serial {pointer.serial}, older than serial {applied} already applied here (rollback refused)"
            )
        if pointer.serial == applied:
            if pointer.manifest_sha256 != meta.get("pack_manifest_sha256"):
                raise PackError(f"the share offers serial {pointer.serial} again with different content (refused)")
            with store.atomic() as db:  # same pack, re-signed: remember the new pointer
                store.set_meta(db, pack_pointer_sha256=pointer_sha)
            return SyncResult(False, applied)
        raw_manifest, touched = None, None
        if pointer.serial == applied + 1:
            raw_manifest, touched = self._from_delta(pointer, meta.get("pack_manifest_sha256", ""))
        if raw_manifest is None:
            raw_manifest = self.source.read(pointer.manifest, min(pointer.manifest_size, MAX_MANIFEST_BYTES))
        manifest = parse_manifest(raw_manifest, pointer)
        live = manifest.live()
        if not live:
            raise PackError("the pack lists no live cards; keeping the current content")

        from workaid.core.content.cards import parse_card

        have = store.card_hashes()
        needed = [
            (cid, ver)
            for cid, ver in sorted(live.items())
            if have.get(cid) != ver.sha256 and (touched is None or cid in touched)
        ]
        blobs = self._objects(needed)
        upserts, raws = [], {}
        for cid, ver in needed:
            raw = blobs[ver.sha256]
            parsed = parse_card(raw, f"{cid}.md")
            if parsed.card is None:
                why = "; ".join(p.message for p in parsed.problems[:3])
                raise PackError(f"card '{cid}' in serial {pointer.serial} is invalid: {why}")
            if parsed.card.id != cid:
                raise PackError(f"the object listed as card '{cid}' holds card '{parsed.card.id}'")
            upserts.append(parsed.card)
            raws[cid] = raw.decode("utf-8", "replace")
        fetched = self._fetched
        deletes = [cid for cid in have if cid not in live and (touched is None or cid in touched)]
        history = {
            cid: [v.as_json() for v in e.versions]
            for cid, e in manifest.cards.items()
            if touched is None or cid in touched
        }
        updated = sum(1 for c in upserts if c.id in have)
        answers_meta = self._answers(manifest, meta)
        store.apply(
            upserts,
            deletes,
            raws,
            source_label=f"shared folder {self.source.location}",
            history=history,
            meta={
                "pack_serial": str(pointer.serial),
                "pack_manifest_sha256": pointer.manifest_sha256,
                "pack_pointer_sha256": pointer_sha,
                "pack_published_at": pointer.published_at,
                "pack_publisher": pointer.publisher,
                "fingerprint": "",
                **answers_meta,
            },
        )
        self._label_versions(history)
        self._keep_manifest(raw_manifest)
        self.library.searcher.invalidate()
        log.info(
            "applied serial %d from %s: +%d ~%d -%d",
            pointer.serial,
            self.source.location,
            len(upserts) - updated,
            updated,
            len(deletes),
        )
        return SyncResult(True, pointer.serial, len(upserts) - updated, updated, len(deletes), fetched)

    def _answers(self, manifest: Manifest, meta: Mapping[str, str]) -> dict[str, str]:
        """The owners' answers to flags, verified, as the meta values to apply with the
        cards (in the same transaction); nothing to change when the set is the one held."""
        from workaid.core.content import answers

        if manifest.answers is None:
            return {answers.META_KEY: "", answers.META_SHA_KEY: ""} if meta.get(answers.META_SHA_KEY) else {}
        sha, size = manifest.answers
        if meta.get(answers.META_SHA_KEY) == sha:
            return {}
        raw = self.source.read(object_name(sha), size)
        if len(raw) != size or hashlib.sha256(raw).hexdigest() != sha:
            raise PackError(f"the answers object {object_name(sha)} on the share is damaged")
        try:
            answers.parse_answers(raw)
        except answers.AnswersError as e:
            raise PackError(f"the answers to flags in serial {manifest.serial} are invalid: {e}") from None
        return {answers.META_KEY: raw.decode("utf-8"), answers.META_SHA_KEY: sha}

    def _from_delta(self, pointer: Pointer, applied_sha: str) -> tuple[bytes | None, set[str] | None]:
        """The new manifest rebuilt from this desk's copy of the previous one plus the
        small delta, if that gives exactly the signed bytes; else (None, None) and the
        caller reads the whole manifest. This is what keeps a 5,000-desk site from
        reading megabytes per desk for a one-card change."""
        if not (pointer.delta and applied_sha and pointer.previous_manifest_sha256 == applied_sha):
            return None, None
        try:
            previous_raw = (self.cache / MANIFEST_COPY).read_bytes()
            if hashlib.sha256(previous_raw).hexdigest() != applied_sha:
                return None, None
            raw_delta = self.source.read(pointer.delta, pointer.delta_size)
            if len(raw_delta) != pointer.delta_size or hashlib.sha256(raw_delta).hexdigest() != pointer.delta_sha256:
                return None, None
            delta = json.loads(raw_delta.decode("utf-8"))
            rebuilt = manifest_bytes(apply_delta(json.loads(previous_raw.decode("utf-8")), delta))
        except (OSError, EnvironmentProblem, ValueError, AttributeError, TypeError) as e:
            log.info("delta for serial %d not usable (%s); reading the whole manifest", pointer.serial, e)
            return None, None
        if hashlib.sha256(rebuilt).hexdigest() != pointer.manifest_sha256:
            log.info("delta for serial %d does not rebuild the signed manifest; reading it whole", pointer.serial)
            return None, None
        return rebuilt, set(delta.get("cards", {}))

    def _label_versions(self, history: Mapping[str, list[dict[str, Any]]]) -> None:
        """Titles of published versions this desk never held (the manifest names them),
        so `workaid history` shows every version's title, not blanks."""
        rows = [
            (v["title"], cid, int(v["version"]), v["sha256"])
            for cid, vs in history.items()
            for v in vs
            if v.get("title")
        ]
        if not rows:
            return
        try:
            with self.library.store.atomic() as db:
                db.conn.executemany(
                    "UPDATE card_versions SET title = ? WHERE card_id = ? AND version = ? AND sha256 = ? AND title = ''",
                    rows,
                )
        except Exception:  # labels only: the content is applied; a later sync labels them
            log.exception("could not record the titles of published versions")

    def _keep_manifest(self, raw: bytes) -> None:
        try:
            atomic_write(self.cache / MANIFEST_COPY, raw)
        except OSError as e:  # only costs a full read next time
            log.warning("could not keep a copy of the manifest: %s", e)

    def _objects(self, needed: list[tuple[str, Version]]) -> dict[str, bytes]:
        """Verified bytes of every needed object: versions this desk already holds come
        from its database; the rest are read from the share, several at a time."""
        held = self.library.store.raw_by_hash(v.sha256 for _, v in needed)
        blobs: dict[str, bytes] = {}
        for sha, text in held.items():
            raw = text.encode("utf-8")
            if hashlib.sha256(raw).hexdigest() == sha:
                blobs[sha] = raw
        missing = {v.sha256: (cid, v) for cid, v in needed if v.sha256 not in blobs}
        self._fetched = len(missing)
        if not missing:
            return blobs

        def fetch(item: tuple[str, Version]) -> tuple[str, bytes]:
            cid, ver = item
            try:
                raw = self.source.read(object_name(ver.sha256), ver.size)
            except EnvironmentProblem as e:
                raise PackError(f"card '{cid}': {e}") from None
            if len(raw) != ver.size or hashlib.sha256(raw).hexdigest() != ver.sha256:
                raise PackError(f"card '{cid}' on the share does not match its signed hash (damaged or altered)")
            return ver.sha256, raw

        with concurrent.futures.ThreadPoolExecutor(
            max_workers=READ_PARALLELISM, thread_name_prefix="sync-fetch"
        ) as pool:
            for sha, raw in pool.map(fetch, missing.values()):
                blobs[sha] = raw
        return blobs


def trusted_keys(specs: list[str] | tuple[str, ...]) -> list[PublicKey]:
    from workaid.core.distribution import keys

    return [keys.load_public_key(s) for s in specs]
