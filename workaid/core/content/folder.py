"""A folder of cards: which files are cards, and every card in it parsed and compared.

Content owners keep cards in folders that editors and sync tools also write to, so
their debris (lock files, conflict copies, links) is skipped and named in the report
rather than imported; ids are compared across the whole folder, and an id derived
from a path is made unique the same way on every import.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from workaid.core.content.cards import (
    MAX_CARD_BYTES,
    Card,
    Problem,
    derived_id,
    hashed_id,
    id_key,
    parse_card,
)

# Editor and sync-tool debris that must never become a card, each with the reason an
# import report gives (so a real card with an unlucky name is noticed, not lost).
_DEBRIS_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^~\$"), "an Office lock file (~$…)"),
    (re.compile(r"^\.~lock", re.I), "a LibreOffice lock file"),
    (re.compile(r"^\.syncthing\.", re.I), "a Syncthing temporary file"),
    (re.compile(r"(\.tmp|\.swp|~)$", re.I), "an editor or sync temporary file"),
    (
        re.compile(r"\s\(\d+\)\.md$", re.I),
        "looks like a copy made by a sync tool (' (2)' before .md); rename it if it is a real card",
    ),
    (re.compile(r"\.sync-conflict-[0-9]{8}-", re.I), "a Syncthing conflict copy"),
    (re.compile(r"\((conflicted copy|case conflict)", re.I), "a Dropbox conflict copy"),
)


def debris_reason(name: str) -> str | None:
    """Why a file name is skipped as hidden or editor/sync debris, or None for a card name."""
    for pattern, reason in _DEBRIS_KINDS:
        if pattern.search(name):
            return reason
    if name.startswith("."):
        return "a hidden file (its name starts with '.')"
    return None


@dataclass(frozen=True)
class Skipped:
    """A file that looks like a card but is not imported, and why (shown as a note)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source} — skipped: {self.reason}"


def iter_card_files(folder: Path) -> Iterator[Path]:
    """Markdown files under `folder`, sorted, skipping hidden entries, debris and links."""
    for rel, _ in _scan(str(folder), ""):
        yield Path(folder, rel)


def skipped_files(folder: Path | str) -> list[Skipped]:
    """Files that look like cards but are skipped (debris, hidden, links), for the report."""
    skipped: list[Skipped] = []
    for _ in _scan(str(folder), "", skipped):
        pass
    return skipped


def _looks_like_card(name: str) -> bool:
    return ".md" in name.lower()


def _scan(root: str, prefix: str, skipped: list[Skipped] | None = None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(relative posix path, entry) of card files, depth first, sorted; links never followed.

    Iterative, so a very deep tree cannot exhaust the stack. Hidden folders (.git, …)
    are not looked into; skipped files that look like cards are added to `skipped`.
    """
    stack: list[Iterator[os.DirEntry[str]]] = []
    prefixes: list[str] = []

    def enter(path: str, pre: str) -> None:
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        stack.append(iter(entries))
        prefixes.append(pre)

    enter(root, prefix)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            prefixes.pop()
            continue
        name, pre = entry.name, prefixes[-1]
        rel = f"{pre}{name}"
        try:
            if entry.is_symlink():
                if skipped is not None and (_looks_like_card(name) or entry.is_dir()):
                    skipped.append(Skipped(rel, "is a link; links are not followed"))
                continue
            if entry.is_dir(follow_symlinks=False):
                if not name.startswith("."):
                    enter(entry.path, f"{rel}/")
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        reason = debris_reason(name)
        if reason is None and name.lower().endswith(".md"):
            yield rel, entry
        elif reason is not None and skipped is not None and _looks_like_card(name):
            skipped.append(Skipped(rel, reason))


@dataclass(frozen=True)
class CardRef:
    """Which card a file holds, without its content: enough to compare with a pack."""

    id: str
    sha256: str
    source: str


# What a publish remembers about a file it has validated: (size, mtime_ns, id, sha256).
FileStamp = tuple[int, int, str, str]


@dataclass
class FolderResult:
    cards: list[Card]
    problems: list[Problem]
    files: int
    refs: list[CardRef] = field(default_factory=list)
    stamps: dict[str, FileStamp] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)  # debris, hidden files, links: noted, not loaded
    warnings: list[Problem] = field(default_factory=list)  # of the files parsed: shown, never blocking


@dataclass
class _Found:
    """One valid file found by load_folder, before ids are compared."""

    rel: str
    stat: os.stat_result
    card: Card | None  # None when a stamp showed the file unchanged
    id: str
    sha256: str
    id_line: int
    derived: bool
    synonyms: tuple[str, ...] = ()
    synonym_lines: tuple[int, ...] = ()


def load_folder(folder: Path | str, known: dict[str, FileStamp] | None = None) -> FolderResult:
    """Parse every card under `folder`; collect all problems, including duplicate ids.

    With `known` (stamps from an earlier run), a file whose size and modification time
    are unchanged is not read again: it was valid then and is the same file now (as
    git's index reasons). `cards` then holds only the files that were parsed; `refs`
    always covers every card. A file whose id may have come from its path is always
    peeked at (does it open with '---'?), because that id depends on the other files
    (see _settle_derived_ids).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return FolderResult([], [Problem("", 0, "is not a folder (or cannot be opened)")], 0)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    skipped: list[Skipped] = []
    found: list[_Found] = []
    files = 0
    for rel, entry in _scan(str(folder), "", skipped):
        files += 1
        try:
            st = entry.stat(follow_symlinks=False)
            hit = known.get(rel) if known else None
            if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
                if not _maybe_derived(hit[2], rel):
                    found.append(_Found(rel, st, None, hit[2], hit[3], 1, False))
                    continue
                if not _starts_with_dashes(entry.path):  # no front matter: the id is the path's
                    found.append(_Found(rel, st, None, derived_id(rel) or hashed_id("", rel), hit[3], 1, True))
                    continue
            with open(entry.path, "rb") as fh:
                raw = fh.read(MAX_CARD_BYTES + 1)
        except OSError as e:
            problems.append(Problem(rel, 0, f"cannot be read: {e.strerror or e}"))
            continue
        result = parse_card(raw, rel)
        problems.extend(result.problems)
        warnings.extend(result.warnings)
        if result.card is not None:
            c = result.card
            found.append(
                _Found(rel, st, c, c.id, c.sha256, result.id_line, result.derived, c.synonyms, result.synonym_lines)
            )
    _settle_derived_ids(found)
    problems.extend(_synonym_clashes(folder, found))

    cards: list[Card] = []
    refs: list[CardRef] = []
    stamps: dict[str, FileStamp] = {}
    by_key: dict[str, CardRef] = {}
    for f in found:
        ref = CardRef(f.id, f.sha256, f.rel)
        key = id_key(ref.id)
        if key in by_key:
            other = by_key[key]
            same = "the same id" if other.id == ref.id else f"an id that differs only in case or accents ('{other.id}')"
            problems.append(Problem(f.rel, f.id_line, f"id '{ref.id}' has {same} as {other.source}"))
            continue
        by_key[key] = ref
        refs.append(ref)
        stamps[f.rel] = (f.stat.st_size, f.stat.st_mtime_ns, ref.id, ref.sha256)
        if f.card is not None:
            cards.append(f.card if f.card.id == f.id else replace(f.card, id=f.id))
    return FolderResult(cards, problems, files, refs, stamps, skipped, warnings)


def _synonym_clashes(folder: Path, found: list[_Found]) -> list[Problem]:
    """A term in two groups across the folder, reported where the second one is written.

    Files a stamp showed unchanged were not parsed; their groups are needed only when
    a parsed file has groups of its own (else nothing new can clash), and then only
    files that mention synonyms at all are parsed again.
    """
    from workaid.core.content.synonyms import Holder, folder_clashes

    if not any(f.synonyms for f in found if f.card is not None):
        return []
    for f in found:
        if f.card is not None:
            continue
        try:
            with open(folder / f.rel, "rb") as fh:
                raw = fh.read(MAX_CARD_BYTES + 1)
        except OSError:
            continue
        if b"synonyms" in raw:
            result = parse_card(raw, f.rel)
            if result.card is not None:
                f.synonyms, f.synonym_lines = result.card.synonyms, result.synonym_lines
    holders = [
        Holder(f.rel, line, group)
        for f in sorted(found, key=lambda f: f.rel)
        for group, line in zip(f.synonyms, f.synonym_lines, strict=True)
    ]
    return [Problem(h.source, h.line, message) for h, message in folder_clashes(holders)]


def synonym_groups(folder: Path | str) -> list[tuple[str, str]]:
    """(file, group as written) of every synonym group in a source folder, in path order.

    Only files that mention synonyms are parsed, so this stays cheap on a big folder;
    a file that does not parse contributes nothing (the folder check names it).
    """
    folder = Path(folder)
    out: list[tuple[str, str]] = []
    for rel, entry in _scan(str(folder), ""):
        try:
            with open(entry.path, "rb") as fh:
                raw = fh.read(MAX_CARD_BYTES + 1)
        except OSError:
            continue
        if b"synonyms" not in raw:
            continue
        card = parse_card(raw, rel).card
        if card is not None:
            out.extend((rel, group) for group in card.synonyms)
    return out


def _starts_with_dashes(path: str) -> bool:
    """Whether a file may open with front matter (a peek, far cheaper than a parse)."""
    with open(path, "rb") as fh:
        head = fh.read(6)
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def _maybe_derived(card_id: str, rel: str) -> bool:
    """Whether `card_id` could be the path-derived id of `rel` (then the file is re-read)."""
    base = derived_id(rel)
    return card_id in (base, hashed_id(base, rel), hashed_id(base, rel, 12))


def _settle_derived_ids(found: list[_Found]) -> None:
    """Make path-derived ids unique, the same on every import of the same folder.

    A derived id that another derived id or any front-matter id shares gets a short
    hash of its path, for every file that shares it, so no file "wins" by listing
    order. Adding a file therefore changes only the ids of files whose derived id it
    newly shares (and removing one may give the others back their plain id).
    Front-matter ids are never changed; two of those that collide stay an error.
    """
    explicit = {id_key(f.id) for f in found if not f.derived}
    bases = Counter(f.id for f in found if f.derived)
    for f in found:
        if f.derived and (bases[f.id] > 1 or id_key(f.id) in explicit) and derived_id(f.rel):
            f.id = hashed_id(derived_id(f.rel), f.rel)
    taken = Counter(id_key(f.id) for f in found)
    for f in found:  # a 6-digit hash that meets another id: use 12 digits for those
        if f.derived and taken[id_key(f.id)] > 1:
            f.id = hashed_id(derived_id(f.rel), f.rel, 12)
