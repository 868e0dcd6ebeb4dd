"""A card's versions as an owner sees them: who published each and why, what changed
between any two, and taking an old one back.

The desk already keeps every version it has seen (the store's card_versions, filled
from the signed packs' history), so nothing here keeps a second history. Restoring
never rewrites that history: it puts the old text into the card's file in the owner's
source folder, where it is an unpublished draft like any edit, and publishing it makes
a new version with its own note. An edit in that file that was never published is not
overwritten unless asked, and then a copy is kept first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workaid.core.clock import parse_stamp
from workaid.core.content.cards import Card, parse_card
from workaid.core.content.diff import Row, Span, is_changed, side_by_side, word_counts, word_diff
from workaid.core.content.folder import load_folder
from workaid.core.content.library import Library
from workaid.core.desk.changes import FieldChange, field_diff
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write

log = logging.getLogger("workaid.authoring.versions")

BACKUPS = Path(".workaid") / "backups"  # inside the source folder: hidden folders are never read as cards


class VersionError(WorkAidError):
    """A card or version that cannot be compared or restored; the message says which exist."""


class UnpublishedEdits(WorkAidError):
    """Restoring would overwrite edits in the card's file that no version holds."""

    def __init__(self, path: Path, card_id: str, version: int, backups: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} holds edits to {card_id} that were never published (the file differs from every version "
            f"this desk knows), and restoring version {version} would overwrite them. Publish them or copy them "
            f"elsewhere first, or restore with --force to keep a copy of the file in {backups} first."
        )


@dataclass(frozen=True)
class VersionInfo:
    """One published (or imported) version of a card, as the history lists it."""

    card_id: str
    version: int
    author: str
    at: dt.datetime | None  # when it was published; when this desk recorded it for local imports
    note: str
    sha256: str
    title: str
    held: bool  # this desk has the version's text (versions published before it joined have none)

    def when(self, tz: dt.tzinfo | None = None) -> str:
        """'3 Dec 2026 07:42' in the desk's zone; '' when the time is not known."""
        if self.at is None:
            return ""
        local = self.at.astimezone(tz)
        return f"{local.day} {local:%b %Y %H:%M}"

    def label(self, tz: dt.tzinfo | None = None) -> str:
        """'v3 · 3 Dec 2026 07:42 · by Olu · “senior-rep limit up”', for a header or a list row."""
        parts = [f"v{self.version}"]
        if self.at is not None:
            parts.append(self.when(tz))
        if self.author:
            parts.append(f"by {self.author}")
        if self.note:
            parts.append(f"“{self.note}”")
        return " · ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "author": self.author,
            "at": self.at.isoformat() if self.at else None,
            "note": self.note,
            "sha256": self.sha256,
            "title": self.title,
            "held": self.held,
        }


@dataclass(frozen=True)
class CardDiff:
    """What changed in a card between two versions: its common fields and its kind's
    structured fields one by one (a changed limit reads "senior-rep: up to £24 → £28"),
    and its body word by word."""

    card_id: str
    old: VersionInfo | None
    new: VersionInfo | None
    fields: tuple[FieldChange, ...]
    body: tuple[Span, ...]  # word_diff of the two bodies (of the whole files when one cannot be read as a card)
    old_body: str
    new_body: str
    old_raw: str
    new_raw: str
    notes: tuple[str, ...] = field(default=())  # e.g. a version that no longer reads as a card

    @property
    def changed(self) -> bool:
        return bool(self.fields) or is_changed(self.body)

    @property
    def field_lines(self) -> list[str]:
        """Each field change as one line: "review by: 1 Mar 2027 → 1 Sep 2027"."""
        return [c.before_after for c in self.fields]

    def body_summary(self) -> str:
        """One line for a header or a publish list: 'body: 3 words removed, 5 added'."""
        if not is_changed(self.body):
            return "body unchanged"
        removed, added = word_counts(self.body)
        return f"body: {_words(removed)} removed, {added} added"

    def side_by_side(self) -> list[Row]:
        """The bodies line by line, old | new, with the changed words marked."""
        return side_by_side(self.old_body, self.new_body)

    def as_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "from": self.old.as_json() if self.old else None,
            "to": self.new.as_json() if self.new else None,
            "fields": [{"field": c.field, "change": c.before_after} for c in self.fields],
            "body": [{"op": s.op, "text": s.text} for s in self.body],
            "notes": list(self.notes),
        }


def _words(n: int) -> str:
    return f"{n} word{'s' if n != 1 else ''}"


def _date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "(none)"


def _quoted(text: str) -> str:
    return f"“{text}”" if text else "(none)"


def _common_changes(a: Card, b: Card) -> list[FieldChange]:
    """The fields every card has, in the order the form shows them."""
    out = []
    if a.title != b.title:
        out.append(
            FieldChange("title", f"title now {_quoted(b.title)}", f"title: {_quoted(a.title)} → {_quoted(b.title)}")
        )
    if a.kind != b.kind:
        out.append(FieldChange("kind", f"now a {b.kind} card", f"kind: {a.kind} → {b.kind}"))
    if a.tags != b.tags:
        gone = [t for t in a.tags if t not in b.tags]
        new = [t for t in b.tags if t not in a.tags]
        parts = ([f"added {', '.join(new)}"] if new else []) + ([f"removed {', '.join(gone)}"] if gone else [])
        out.append(FieldChange("tags", "tags changed", "tags: " + ("; ".join(parts) or "reordered")))
    if a.owner != b.owner:
        out.append(
            FieldChange(
                "owner", f"owner now {b.owner or '(none)'}", f"owner: {a.owner or '(none)'} → {b.owner or '(none)'}"
            )
        )
    if a.review_by != b.review_by:
        out.append(
            FieldChange(
                "review_by",
                f"review by {_date(b.review_by)}",
                f"review by: {_date(a.review_by)} → {_date(b.review_by)}",
            )
        )
    if a.summary != b.summary:
        out.append(FieldChange("summary", "summary changed", f"summary: {_quoted(a.summary)} → {_quoted(b.summary)}"))
    return out


def _parsed(raw: str, card_id: str) -> Card | None:
    result = parse_card(raw.encode("utf-8"), f"{card_id}.md")
    return result.card


def diff_raw(
    old_raw: str, new_raw: str, card_id: str = "", old: VersionInfo | None = None, new: VersionInfo | None = None
) -> CardDiff:
    """The differences of two texts of one card: two stored versions, or a version and the
    editor's unsaved text (the publish view and a restore's preview use it that way)."""
    a, b = _parsed(old_raw, card_id), _parsed(new_raw, card_id)
    if a is None or b is None:
        # A version that no longer passes today's checks (or a draft with a typo) is still
        # worth comparing: as text, every line of the file, front matter included.
        unread = [f"v{v.version}" if v else "the draft" for v, c in ((old, a), (new, b)) if c is None]
        note = f"{' and '.join(unread)} cannot be read as a card, so the whole files are compared as text"
        return CardDiff(
            card_id, old, new, (), tuple(word_diff(old_raw, new_raw)), old_raw, new_raw, old_raw, new_raw, (note,)
        )
    changes = _common_changes(a, b) + field_diff(a.fields, b.fields)
    return CardDiff(
        card_id or b.id, old, new, tuple(changes), tuple(word_diff(a.body, b.body)), a.body, b.body, old_raw, new_raw
    )


def _info(card_id: str, row: dict[str, Any], held: bool) -> VersionInfo:
    at = None
    for key in ("published_at", "recorded_at"):
        stamp = row.get(key)
        if isinstance(stamp, str) and stamp:
            try:
                at = parse_stamp(stamp)
                break
            except ValueError:
                continue
    return VersionInfo(
        card_id=card_id,
        version=int(row["version"]),
        author=str(row.get("author") or ""),
        at=at,
        note=str(row.get("note") or ""),
        sha256=str(row.get("sha256") or ""),
        title=str(row.get("title") or ""),
        held=held,
    )


def _history(library: Library, card_id: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows = library.history(card_id)
    if not rows:
        raise VersionError(f"No card with id '{card_id}' on this desk (`workaid search` finds a card's id).")
    return rows, library.store.raw_by_hash({r["sha256"] for r in rows})


def versions(library: Library, card_id: str) -> list[VersionInfo]:
    """Every version of the card this desk knows, newest first (as `workaid history` lists them)."""
    return versions_with_texts(library, card_id)[0]


def versions_with_texts(library: Library, card_id: str) -> tuple[list[VersionInfo], dict[int, str]]:
    """The versions, and the whole file of each one this desk holds, in one read (a
    history view shows any two of them)."""
    rows, raws = _history(library, card_id)
    infos = [_info(card_id, r, r["sha256"] in raws) for r in rows]
    return infos, {int(r["version"]): raws[r["sha256"]] for r in rows if r["sha256"] in raws}


def _numbers(numbers: Sequence[int]) -> str:
    shown = [str(n) for n in sorted(numbers)]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _pick(card_id: str, known: dict[int, VersionInfo], version: int, role: str) -> VersionInfo:
    if version not in known:
        raise VersionError(f"{card_id} has no version {version}; this desk knows versions {_numbers(list(known))}.")
    info = known[version]
    if not info.held:
        held = [n for n, v in known.items() if v.held]
        raise VersionError(
            f"The text of version {version} of {card_id} is not on this desk (it was published before this desk "
            f"first synced), so it cannot be {role}; versions held here: {_numbers(held) if held else 'none'}."
        )
    return info


def version_text(library: Library, card_id: str, version: int) -> str:
    """The whole file of one version, as it was published: what the editor opens as a draft."""
    rows, raws = _history(library, card_id)
    known = {int(r["version"]): _info(card_id, r, r["sha256"] in raws) for r in rows}
    return raws[_pick(card_id, known, version, "restored").sha256]


def diff_versions(library: Library, card_id: str, old: int | None = None, new: int | None = None) -> CardDiff:
    """The differences between two versions of a card; by default the last two.

    Given only `old`, it is compared with the latest; given only `new`, with the version
    before it. Either may be the older: a diff can be read backwards."""
    rows, raws = _history(library, card_id)
    known = {int(r["version"]): _info(card_id, r, r["sha256"] in raws) for r in rows}
    numbers = sorted(known)
    if len(numbers) == 1:
        raise VersionError(
            f"{card_id} has only one version on this desk (v{numbers[0]}), so there is nothing to compare it with yet."
        )
    if new is None:
        if old is not None and old == numbers[-1]:
            raise VersionError(
                f"Version {old} is the latest of {card_id}; give an older version to compare it with "
                f"(versions: {_numbers(numbers)})."
            )
        new = numbers[-1]
    _pick(card_id, known, new, "compared")
    if old is None:
        earlier = [n for n in numbers if n < new and known[n].held]
        if not earlier:
            raise VersionError(
                f"Version {new} is the first of {card_id} this desk holds; there is no earlier one to compare it with "
                f"(versions: {_numbers(numbers)})."
            )
        old = earlier[-1]
    if old == new:
        raise VersionError(f"Both sides are version {old} of {card_id}; name two different versions.")
    a = _pick(card_id, known, old, "compared")
    b = _pick(card_id, known, new, "compared")
    return diff_raw(raws[a.sha256], raws[b.sha256], card_id, a, b)


# -- restore -------------------------------------------------------------------------

_ID_LINE = re.compile(r"^id:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)


@dataclass(frozen=True)
class Restored:
    """What a restore did, in the words the CLI and the workbench show."""

    card_id: str
    version: int
    path: Path
    next_version: int  # what publishing the restored text makes it
    latest: int
    written: bool  # False when the file already held exactly that version
    created: bool  # the card had no file in the source folder
    backup: Path | None = None  # where unpublished edits were kept (with force)

    def message(self) -> str:
        """'Version 3 of late-fee-waiver is in …/late-fee-waiver.md as an unpublished draft; …'."""
        if self.version == self.latest:
            text = (
                f"Version {self.version} of {self.card_id} (the latest) is in {self.path}"
                + ("" if self.written else " already; nothing was written")
                + ". It is what desks have now, so there is nothing to publish."
            )
        elif self.written:
            text = (
                f"Version {self.version} of {self.card_id} is in {self.path} as an unpublished draft; "
                f"publish it with a note to make it version {self.next_version}."
            )
        else:
            text = (
                f"{self.path} already holds version {self.version} of {self.card_id}; nothing was written. "
                f"Publish it with a note to make it version {self.next_version}."
            )
        if self.backup is not None:
            text += f" The unpublished edits that were in the file are kept in {self.backup}."
        return text


def card_file(source_dir: Path, card_id: str) -> Path:
    """The file in `source_dir` that holds `card_id` (also one whose edits are broken just
    now), else where a new file for it goes: `<source>/<id>.md`."""
    result = load_folder(source_dir)
    for ref in result.refs:
        if ref.id == card_id:
            return source_dir / ref.source
    # The card's own file may be the one that does not parse today (an edit in progress):
    # restoring is exactly what its owner may want, and a second file would duplicate the id.
    for source in dict.fromkeys(p.source for p in result.problems if p.source):
        try:
            head = (source_dir / source).read_text(encoding="utf-8", errors="replace")[:4096]
        except OSError:
            continue
        match = _ID_LINE.search(head)
        if match and match.group(1) == card_id:
            return source_dir / source
    path = source_dir / f"{card_id}.md"
    if path.exists():
        raise VersionError(
            f"{path} holds another card, and no file in {source_dir} holds {card_id}; "
            "rename that file, or restore into another folder."
        )
    return path


def _backup(source_dir: Path, path: Path, data: bytes) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source_dir / BACKUPS / stamp / path.relative_to(source_dir)
    n = 1
    while target.exists():
        n += 1
        target = source_dir / BACKUPS / f"{stamp}-{n}" / path.relative_to(source_dir)
    atomic_write(target, data)
    return target


def _same_text(data: bytes, raw: str) -> bool:
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return text.replace("\r\n", "\n") == raw.replace("\r\n", "\n")


def restore(library: Library, card_id: str, version: int, source_dir: Path | str, force: bool = False) -> Restored:
    """Put version `version` of the card into its file in `source_dir`, as a draft to publish.

    The file is replaced only when it holds a version the desk knows (nothing is lost: that
    text is in the history) or no file exists. Edits that match no version are unpublished
    work: UnpublishedEdits, unless `force`, which keeps a copy under .workaid/backups first."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise VersionError(
            f"{source_dir} is not a folder. Restore into the source folder you publish from "
            "(`workaid checkout SHARE FOLDER` makes one)."
        )
    rows, raws = _history(library, card_id)
    known = {int(r["version"]): _info(card_id, r, r["sha256"] in raws) for r in rows}
    info = _pick(card_id, known, version, "restored")
    raw = raws[info.sha256]
    latest = max(known)
    path = card_file(source_dir, card_id)
    current: bytes | None = None
    if path.exists():
        current = path.read_bytes()
    backup = None
    if current is not None:
        if _same_text(current, raw):
            return Restored(card_id, version, path, latest + 1, latest, written=False, created=False)
        digest = hashlib.sha256(current).hexdigest()
        published = digest in {v.sha256 for v in known.values()} or any(_same_text(current, r) for r in raws.values())
        if not published:
            if not force:
                raise UnpublishedEdits(path, card_id, version, source_dir / BACKUPS)
            backup = _backup(source_dir, path, current)
            log.warning("restore --force: kept the unpublished edits of %s in %s", path, backup)
    atomic_write(path, raw)
    log.info("restored version %d of %s into %s", version, card_id, path)
    return Restored(card_id, version, path, latest + 1, latest, written=True, created=current is None, backup=backup)
