"""Autosaved drafts: an owner's unsaved edits survive a crash, a power cut or a closed lid.

The workbench writes the text being edited here every few seconds; the card's file in
the source folder is only ever written by an explicit Save. Drafts live in the data
folder, not the source folder: a draft must never be published, imported or synced by
a tool watching the source folder, and two owners sharing a source folder on a network
drive each keep their own.

Each draft records the sha256 of the file it was based on, so when it is offered back
the workbench can say whether the file changed on disk since (another workbench saved
it, a checkout replaced it): restoring then is the owner's informed choice, never a
silent overwrite of the other side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workaid.core.clock import parse_stamp, stamp
from workaid.core.content.cards import MAX_CARD_BYTES
from workaid.core.fileio import atomic_write, is_temp_name

log = logging.getLogger("workaid.authoring.drafts")

DRAFTS_DIR = "drafts"
DRAFT_FORMAT = 1
FOLDER_FILE = "folder.json"
# A draft holds one card's text and a few fields; anything far larger is not ours.
MAX_DRAFT_BYTES = 4 * MAX_CARD_BYTES + 4096


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The sha256 of the file's bytes now; None when there is no such file.

    Other OS errors (permission, I/O) propagate: "cannot tell" must not read as "gone"."""
    try:
        return sha256_of(Path(path).read_bytes())
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Draft:
    """One card's unsaved text, and what it was based on."""

    card_path: str  # relative to the source folder, with '/' separators
    text: str
    base_sha256: str | None  # the file's sha256 when editing began; None: a new file
    saved_at: str  # UTC stamp (workaid.core.clock)

    def saved_at_local(self) -> dt.datetime:
        """When it was autosaved, in local time, for "unsaved edits from 14:02"."""
        return parse_stamp(self.saved_at).astimezone()

    def base_changed(self, current_sha256: str | None) -> bool:
        """Whether the file changed on disk since this draft's edits began."""
        return current_sha256 != self.base_sha256

    def same_as(self, raw: bytes | None) -> bool:
        """Whether the draft holds what the file holds (nothing to offer back); line
        endings and a byte-order mark do not count, as the editor shows neither."""
        if raw is None:
            return False
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        return _lines(text) == _lines(self.text)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _key(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:digits]


def _norm_path(card_path: str) -> str:
    return card_path.replace("\\", "/").strip("/")


class DraftStore:
    """The drafts of one source folder, in `data_dir/drafts/<folder key>/`.

    Keys are hashes of the folder's absolute path and of the card's relative path, so
    any name (spaces, `客服`, `..`) maps to a safe file name; each draft file names its
    card again inside, and `folder.json` names the source folder, for a person looking.
    """

    def __init__(self, data_dir: Path | str, source_dir: Path | str) -> None:
        self.source_dir = Path(os.path.abspath(source_dir))
        self.root = Path(data_dir) / DRAFTS_DIR / _key(os.path.normcase(str(self.source_dir)), 16)

    def path_for(self, card_path: str) -> Path:
        return self.root / f"{_key(_norm_path(card_path), 24)}.json"

    def write(self, card_path: str, text: str, base_sha256: str | None, now: str | None = None) -> Draft:
        """Keep `text` as the draft of `card_path`, atomically (a crash mid-write keeps the previous draft)."""
        draft = Draft(_norm_path(card_path), text, base_sha256, now or stamp())
        folder_file = self.root / FOLDER_FILE
        if not folder_file.exists():
            atomic_write(folder_file, json.dumps({"source": str(self.source_dir)}, ensure_ascii=False))
        data = {
            "format": DRAFT_FORMAT,
            "source": str(self.source_dir),
            "card_path": draft.card_path,
            "base_sha256": base_sha256,
            "saved_at": draft.saved_at,
            "text": text,
        }
        atomic_write(self.path_for(card_path), json.dumps(data, ensure_ascii=False))
        return draft

    def read(self, card_path: str) -> Draft | None:
        """The draft of `card_path`, or None. A damaged draft file is logged and left in
        place for a person to look at (it may hold the only copy of someone's work)."""
        path = self.path_for(card_path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_DRAFT_BYTES + 1)
        except FileNotFoundError:
            return None
        draft = _parse(raw, path)
        if draft is not None and draft.card_path != _norm_path(card_path):
            log.warning("draft %s names %r, not %r; ignored", path, draft.card_path, card_path)
            return None
        return draft

    def discard(self, card_path: str) -> None:
        """Forget the draft of `card_path` (after a save, or when the owner discards it)."""
        try:
            os.unlink(self.path_for(card_path))
        except FileNotFoundError:
            pass

    def all(self) -> list[Draft]:
        """Every readable draft of this folder, oldest first (what a crash left behind)."""
        try:
            names = sorted(os.listdir(self.root))
        except FileNotFoundError:
            return []
        drafts: list[Draft] = []
        for name in names:
            if not name.endswith(".json") or name == FOLDER_FILE or is_temp_name(name):
                continue
            path = self.root / name
            try:
                with open(path, "rb") as fh:
                    raw = fh.read(MAX_DRAFT_BYTES + 1)
            except OSError as e:
                log.warning("draft %s unreadable: %s", path, e)
                continue
            draft = _parse(raw, path)
            if draft is not None:
                drafts.append(draft)
        drafts.sort(key=lambda d: d.saved_at)
        return drafts


def _parse(raw: bytes, path: Path) -> Draft | None:
    if len(raw) > MAX_DRAFT_BYTES:
        log.warning("draft %s is larger than %s bytes; ignored", path, f"{MAX_DRAFT_BYTES:,}")
        return None
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != DRAFT_FORMAT:
            raise ValueError("not a WorkAid draft")
        text, card_path, saved_at = data["text"], data["card_path"], data["saved_at"]
        base = data.get("base_sha256")
        if not (isinstance(text, str) and isinstance(card_path, str) and isinstance(saved_at, str)):
            raise ValueError("a field has the wrong type")
        if base is not None and not isinstance(base, str):
            raise ValueError("base_sha256 is not text")
        parse_stamp(saved_at)
    except (ValueError, KeyError, RecursionError) as e:
        log.warning("draft %s is damaged (%s); left in place, ignored", path, type(e).__name__)
        return None
    return Draft(card_path, text, base, saved_at)
