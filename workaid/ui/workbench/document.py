"""The card being edited: its file, the bytes it was loaded from, and saving it safely.

A save never overwrites what someone else saved: the file's sha256 is compared with
the one loaded (or last saved) just before writing, and a difference refuses the save
with `SaveRefused`, keeping the owner's text. The bytes written keep the file's own
line endings and byte-order mark, so a save changes only what the owner changed.
No Qt here: the window decides what to tell the owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workaid.core.authoring.drafts import file_sha256, sha256_of
from workaid.core.content.cards import MAX_CARD_BYTES
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write


class SaveRefused(WorkAidError):
    """The file changed on disk since it was loaded; nothing was written."""


class NotText(WorkAidError):
    """The file cannot be edited as text here (not UTF-8, too large)."""


@dataclass
class CardFile:
    """One card file of a source folder, as loaded into the editor."""

    folder: Path
    path: str  # relative, '/' separators
    text: str  # as loaded or last saved, with '\n' line endings
    base_sha256: str | None  # the file's sha256 then; None: not on disk
    newline: str = "\n"
    bom: bool = False

    @property
    def abspath(self) -> Path:
        return self.folder / self.path

    @classmethod
    def load(cls, folder: Path, path: str) -> CardFile:
        """Read the file (OSError when it cannot be read; NotText when it is not text)."""
        full = Path(folder) / path
        with open(full, "rb") as fh:
            raw = fh.read(MAX_CARD_BYTES * 4 + 1)
        if len(raw) > MAX_CARD_BYTES * 4:
            raise NotText(f"{path} is far larger than a card may be ({MAX_CARD_BYTES:,} bytes); it is not opened here.")
        return cls.from_bytes(Path(folder), path, raw)

    @classmethod
    def from_bytes(cls, folder: Path, path: str, raw: bytes) -> CardFile:
        bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise NotText(
                f"{path} is not UTF-8 text (line {line}); open it in a text editor and save it as UTF-8 first."
            ) from None
        newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return cls(folder, path, text, sha256_of(raw), newline, bom)

    def encode(self, text: str) -> bytes:
        """The bytes `text` is saved as: the file's own line endings and byte-order mark."""
        data = text.replace("\n", self.newline).encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.bom else data

    def disk_sha256(self) -> str | None:
        return file_sha256(self.abspath)

    def changed_on_disk(self) -> bool:
        return self.disk_sha256() != self.base_sha256

    def save(self, text: str) -> bytes:
        """Write `text` atomically, unless the file changed since it was loaded; returns the bytes written."""
        if self.changed_on_disk():
            raise SaveRefused(
                f"Not saved: {self.path} was changed on disk since you opened it (another workbench or editor "
                "saved it). Your edits are still here. Reload to see the other version, or keep yours to save over it."
            )
        data = self.encode(text)
        atomic_write(self.abspath, data)
        self.text = text
        self.base_sha256 = sha256_of(data)
        return data

    def accept_disk(self) -> None:
        """The owner chose to keep their edits over what is on disk now: the next save may replace it."""
        self.base_sha256 = self.disk_sha256()
