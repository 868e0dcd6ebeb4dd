"""The small service object the UI and the CLI talk to: content store, search, sources."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from workaid.core import paths
from workaid.core.errors import ContentError
from workaid.core.store import DB_NAME, ImportReport, Store, StoredCard

if TYPE_CHECKING:
    from workaid.core.search import Response, Searcher

log = logging.getLogger("workaid.library")

BUNDLED = "bundled"


class Status(NamedTuple):
    source: str
    count: int
    loaded_at: str

    def describe(self) -> str:
        if not self.loaded_at:
            return "No content loaded yet"
        when = self.loaded_at
        try:
            when = dt.datetime.fromisoformat(self.loaded_at).astimezone().strftime("%d %b %Y %H:%M")
        except ValueError:
            pass
        where = "bundled content pack" if self.source == BUNDLED else self.source
        return f"{self.count:,} cards from {where}, loaded {when}"


def folder_fingerprint(folder: Path) -> str:
    """A hash of every card file's name and bytes: changes exactly when content does."""
    import hashlib  # lazy: ~2.5 ms (OpenSSL), needed only when content is checked or imported

    from workaid.core.cards import MAX_CARD_BYTES, iter_card_files

    h = hashlib.sha256()
    for path in iter_card_files(folder):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        try:
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read(MAX_CARD_BYTES + 1)).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


class Library:
    def __init__(self, data_dir: Path | str, bundled: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.bundled = bundled or paths.bundled_content_dir()
        self.store = Store(self.data_dir / DB_NAME)
        self._searcher: Searcher | None = None
        self._searcher_lock = threading.Lock()

    @property
    def searcher(self) -> Searcher:
        """The searcher over this library's connection, made on first use: opening a
        library (the GUI does so before its first paint) does not need the search module."""
        with self._searcher_lock:
            if self._searcher is None:
                from workaid.core.search import Searcher

                self._searcher = Searcher(self.store.conn)
            return self._searcher

    def close(self) -> None:
        self.store.close()

    # -- content sources ------------------------------------------------------
    def needs_bundled_import(self) -> bool:
        """True when the store is empty, or holds an older copy of the bundled pack."""
        meta = self.store.meta()
        source = meta.get("source")
        if source is None:
            return True
        if source != BUNDLED:
            return False
        return meta.get("fingerprint") != folder_fingerprint(self.bundled)

    def load_bundled(self) -> ImportReport:
        return self.import_folder(self.bundled, source_label=BUNDLED)

    def import_folder(self, folder: Path | str, source_label: str | None = None) -> ImportReport:
        """Validate every card first; load all of them in one transaction, or none."""
        from workaid.core.cards import Problem, load_folder  # parsing (and YAML) only when importing

        folder = Path(folder)
        result = load_folder(folder)
        if result.problems:
            raise ContentError(result.problems)
        if not result.cards:
            raise ContentError([Problem("", 0, "no cards found (cards are Markdown files, *.md)")])
        raws = {}
        for card in result.cards:
            try:
                raws[card.id] = (folder / card.source).read_bytes().decode("utf-8", "replace")
            except OSError:
                raws[card.id] = card.body
        label = source_label or str(folder.resolve())
        fingerprint = folder_fingerprint(folder) if label == BUNDLED else ""
        report = self.store.replace_all(result.cards, raws, label, fingerprint)
        self.searcher.invalidate()
        log.info("imported %s: %s", label, report)
        return report

    # -- reading ----------------------------------------------------------------
    def status(self) -> Status:
        meta = self.store.meta()
        return Status(meta.get("source", ""), self.store.count(), meta.get("loaded_at", ""))

    def search(self, query: str, kind: str | None = None, tag: str | None = None) -> Response:
        return self.searcher.search(query, kind, tag)

    def card(self, card_id: str) -> StoredCard | None:
        return self.store.get(card_id)

    def history(self, card_id: str) -> list[dict]:
        return self.store.history(card_id)
