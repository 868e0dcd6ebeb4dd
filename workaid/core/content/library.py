"""The small service object the UI and the CLI talk to: content store, search, sources."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid.core import paths
from workaid.core.content.store import (
    DB_NAME,
    DamagedDatabase,
    ImportReport,
    Store,
    StoredCard,
)
from workaid.core.errors import ContentError, WorkAidError, first_line

if TYPE_CHECKING:
    from workaid.core.content.search import Response, Searcher
    from workaid.core.content.answers import Answer

log = logging.getLogger("workaid.library")

BUNDLED = "bundled"


# How long the status bar keeps saying that the content was rebuilt after damage
# (a rebuild from the bundled pack while a share is configured is said until a sync succeeds).
DAMAGE_NOTICE = dt.timedelta(days=1)


class Status:
    """Where the cards came from, for the status bar. A plain class: the window reads it
    before its first paint, which the dataclasses module would only slow down."""

    __slots__ = ("count", "loaded_at", "note", "source")

    def __init__(self, source: str, count: int, loaded_at: str, note: str = "") -> None:
        self.source = source
        self.count = count
        self.loaded_at = loaded_at
        self.note = note  # what happened to the content database, when the rep should know

    def describe(self) -> str:
        if not self.loaded_at:
            return "No content loaded yet" + (f" — {self.note}" if self.note else "")
        where = "bundled content pack" if self.source == BUNDLED else self.source
        text = f"{self.count:,} cards from {where}, loaded {_when(self.loaded_at)}"
        return f"{text} — {self.note}" if self.note else text


def _when(stamp: str) -> str:
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%d %b %Y %H:%M")
    except ValueError:
        return stamp


def damage_note(meta: dict[str, str], now: dt.datetime | None = None) -> str:
    """The sentence the status bar and the CLI add after the content database was found
    damaged and rebuilt; "" once it no longer needs saying."""
    at = meta.get("damaged_at")
    if not at:
        return ""
    rebuilt = meta.get("rebuilt_from", "")
    fallback = meta.get("source") == BUNDLED and "because" in rebuilt
    try:
        recent = (now or dt.datetime.now()) - dt.datetime.fromisoformat(at) < DAMAGE_NOTICE
    except ValueError:
        recent = True
    if not (fallback or recent):
        return ""
    return (
        f"content database was damaged ({_when(at)}); {rebuilt or 'rebuilding it'}. "
        f"The damaged file is kept for IT as {meta.get('damaged_kept_as', '?')}"
    )


def folder_fingerprint(folder: Path) -> str:
    """A hash of every card file's name and bytes: changes exactly when content does."""
    import hashlib  # lazy: it loads OpenSSL, needed only when content is checked or imported

    from workaid.core.content.cards import MAX_CARD_BYTES
    from workaid.core.content.folder import iter_card_files

    h = hashlib.sha256()
    for path in iter_card_files(folder):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        try:
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read(MAX_CARD_BYTES + 1)).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


# Fills a fresh store after damage from somewhere newer than the bundled pack: returns
# how it did ("rebuilt from ...") and what changed, None when it has nowhere to look, or
# raises WorkAidError saying why it could not (the bundled pack is used then).
Refill = Callable[["Library"], "tuple[str, ImportReport] | None"]


class Library:
    """A desk's content: the local database, its search, the bundled pack, and what
    happens after the database is found damaged. Where newer content comes from is
    not this wing's business: `refill` is given by whoever knows (see
    distribution.refill.open_library)."""

    def __init__(self, data_dir: Path | str, bundled: Path | None = None, refill: Refill | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.bundled = bundled or paths.bundled_content_dir()
        self.refill = refill
        self.store = Store(self.data_dir / DB_NAME)
        self._searcher: Searcher | None = None
        self._searcher_lock = threading.Lock()

    @property
    def searcher(self) -> Searcher:
        """The searcher over this library's connection, made on first use: opening a
        library (the GUI does so before its first paint) does not need the search module.
        A new one once the store started a fresh database (Store.set_aside)."""
        with self._searcher_lock:
            if self._searcher is None or self._searcher.conn is not self.store.conn:
                from workaid.core.content.search import Searcher

                self._searcher = Searcher(self.store.live)
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
        """The bundled pack; right after the database was found damaged, the newest
        content this desk can verify instead (see rebuild)."""
        if self.rebuild_pending():
            return self.rebuild()
        return self.import_folder(self.bundled, source_label=BUNDLED)

    def rebuild_pending(self) -> bool:
        """The store is a fresh one started after damage and nothing has filled it yet."""
        meta = self.store.meta()
        return bool(meta.get("damaged_at")) and not meta.get("rebuilt_from")

    def rebuild(self) -> ImportReport:
        """Fill a fresh store after damage from the newest content it can verify: what
        `refill` brings (a desk's full sync from its share), else the bundled pack. A
        desk whose share cannot be read now gets the bundled pack so the rep has cards,
        and the status (damage_note) says so until a sync succeeds: never silently older
        content."""
        why = ""
        if self.refill is not None:
            try:
                refilled = self.refill(self)
            except WorkAidError as e:
                why = first_line(e)
            else:
                if refilled is not None:
                    how, report = refilled
                    self._rebuilt(how)
                    return report
        report = self.import_folder(self.bundled, source_label=BUNDLED)
        self._rebuilt("rebuilt from the bundled pack" + (f" because {why}" if why else ""))
        return report

    def _rebuilt(self, how: str) -> None:
        log.warning("content database %s %s", self.store.path, how)
        with self.store.atomic() as db:
            self.store.set_meta(db, rebuilt_from=how)

    def import_folder(self, folder: Path | str, source_label: str | None = None) -> ImportReport:
        """Validate every card first; load all of them in one transaction, or none."""
        from workaid.core.content.cards import Problem  # parsing (and YAML) only when importing
        from workaid.core.content.folder import load_folder

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
        report = self.store.replace_all(result.cards, raws, label, fingerprint)._replace(
            warnings=tuple(result.warnings)
        )
        self.searcher.invalidate()
        if label != BUNDLED and self.rebuild_pending():
            self._rebuilt(f"refilled from {label}")
        log.info("imported %s: %s", label, report)
        return report

    # -- reading ----------------------------------------------------------------
    def status(self) -> Status:
        meta = self.store.meta()
        return Status(meta.get("source", ""), self.store.count(), meta.get("loaded_at", ""), damage_note(meta))

    def search(self, query: str, kind: str | None = None, tag: str | None = None) -> Response:
        try:
            return self.searcher.search(query, kind, tag)
        except DamagedDatabase as e:  # found by the search itself: the one path of Store.set_aside
            raise self.store.set_aside(e) from e

    def card(self, card_id: str) -> StoredCard | None:
        return self.store.get(card_id)

    def version_raw(self, card_id: str, version: int) -> str | None:
        return self.store.version_raw(card_id, version)

    def recent_changes(self, limit: int = 50) -> list[dict[str, Any]]:
        """What the shared folder brought lately, newest first (the bundled pack's own
        first load is not news)."""
        return self.store.recent_versions(limit, exclude_source=BUNDLED)

    def history(self, card_id: str) -> list[dict[str, Any]]:
        return self.store.history(card_id)

    def answers(self) -> dict[str, Answer]:
        """The owners' answers to flags in the pack this desk holds, by flag id."""
        from workaid.core.content.answers import from_meta

        return from_meta(self.store.meta())

    def cards_of_kind(self, kind: str) -> list[StoredCard]:
        """Every card of one kind (all contacts, say), never capped like a search."""
        return self.store.cards_of_kind(kind)
