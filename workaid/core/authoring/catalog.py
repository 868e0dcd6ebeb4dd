"""What the workbench's card list shows about every file in a source folder. No Qt.

A scan parses every card with the real parser (workaid.core.content.folder), so the
list says exactly what `workaid check` and `publish` would: which cards are valid,
which block publishing and why, with lines. An invalid card still gets a row, named by
what its front matter seems to say, so the owner can open it and fix it.

"Changed since last publish" compares each file's sha256 with the record `publish` and
`checkout` keep in the source folder (workaid.core.distribution.pack.BASE_FILE): a card
missing from that record is new; a folder with no record has never been published.

Qt-free on purpose: it runs on a worker thread (workaid.ui.tasks) and belongs with
the authoring core (workaid.core.authoring) once the review queue settles there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from workaid.core.content.cards import MAX_CARD_BYTES, Card, ParseResult, Problem, id_key, parse_card
from workaid.core.content.folder import Skipped, load_folder
from workaid.core.content.review import is_overdue
from workaid.core.distribution import pack

# How far ahead "due for review" looks (the review queue will make this a setting).
DUE_DAYS = 30

NEW, CHANGED, PUBLISHED, UNKNOWN = "new", "changed", "published", ""


@dataclass(frozen=True)
class CardEntry:
    """One card file as the list shows it."""

    path: str  # relative to the source folder, '/' separators
    id: str
    title: str
    kind: str
    owner: str = ""
    tags: tuple[str, ...] = ()
    review_by: dt.date | None = None
    summary: str = ""
    sha256: str = ""
    problems: tuple[Problem, ...] = ()
    publish_state: str = UNKNOWN  # NEW, CHANGED, PUBLISHED, or UNKNOWN (never published from here)

    @classmethod
    def of(
        cls, card: Card, path: str, published: dict[str, str] | None, problems: tuple[Problem, ...] = ()
    ) -> CardEntry:
        """The entry of a card that parsed (its `problems` are folder-wide ones, e.g. a duplicate id)."""
        return cls(
            path=path,
            id=card.id,
            title=card.title,
            kind=card.kind,
            owner=card.owner,
            tags=card.tags,
            review_by=card.review_by,
            summary=card.summary,
            sha256=card.sha256,
            problems=problems,
            publish_state=publish_state(card.id, card.sha256, published),
        )

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        """Whether publishing now would publish this card (new or changed since the last publish)."""
        return self.publish_state in (NEW, CHANGED)

    def overdue(self, today: dt.date | None = None) -> bool:
        return is_overdue(self.review_by, today)

    def due(self, today: dt.date | None = None, days: int = DUE_DAYS) -> bool:
        """Due for review within `days` (overdue included)."""
        today = today or dt.date.today()
        return self.review_by is not None and self.review_by <= today + dt.timedelta(days=days)

    @cached_property
    def search_text(self) -> str:
        """What the search box matches, folded once (the list filters 20,000 of these per keystroke)."""
        return " ".join((self.title, self.id, self.path, self.owner, " ".join(self.tags), self.summary)).casefold()


@dataclass
class Catalog:
    """A scanned source folder."""

    folder: Path
    entries: list[CardEntry]
    skipped: list[Skipped] = field(default_factory=list)
    folder_problems: list[Problem] = field(default_factory=list)  # the folder itself (missing, unreadable)
    published: dict[str, str] | None = None  # id -> sha256 last published or checked out; None: never

    def ids(self) -> dict[str, str]:
        """id_key -> path of every valid card (for the duplicate check while typing)."""
        return {id_key(e.id): e.path for e in self.entries if e.valid}


def publish_state(card_id: str, sha256: str, published: dict[str, str] | None) -> str:
    if published is None:
        return UNKNOWN
    was = published.get(card_id)
    if was is None:
        return NEW
    return PUBLISHED if was == sha256 else CHANGED


def scan(folder: Path | str) -> Catalog:
    """Every card file under `folder`, valid or not, in path order."""
    folder = Path(folder)
    result = load_folder(folder)
    published = pack.folder_base(folder)
    if not folder.is_dir():
        return Catalog(folder, [], folder_problems=result.problems, published=published)
    by_path: dict[str, list[Problem]] = {}
    folder_problems: list[Problem] = []
    for p in result.problems:
        if p.source:
            by_path.setdefault(p.source, []).append(p)
        else:
            folder_problems.append(p)
    entries: dict[str, CardEntry] = {}
    for card in result.cards:
        entries[card.source] = CardEntry.of(card, card.source, published, tuple(by_path.pop(card.source, ())))
    for path, problems in by_path.items():  # files that did not parse, or a duplicate id
        entries[path] = _invalid_entry(folder, path, problems, published)
    ordered = [entries[k] for k in sorted(entries)]
    for e in ordered:
        e.search_text  # noqa: B018  # folded here, on the worker, not on the first keystroke
    return Catalog(folder, ordered, result.skipped, folder_problems, published)


def entry_for(
    path: str,
    raw: bytes,
    parsed: ParseResult | None = None,
    other_ids: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> CardEntry:
    """The entry for one file's bytes (an edit being typed, or a file just saved).

    `other_ids` (Catalog.ids) adds the one folder-wide check a single file can fail: an id
    another file already has. A card without front matter gets its id from its path and
    the folder makes it unique, so it is not checked."""
    parsed = parsed or parse_card(raw, path)
    problems = list(parsed.problems)
    card = parsed.card
    if card is not None and other_ids and not parsed.derived:
        other = other_ids.get(id_key(card.id))
        if other is not None and other != path:
            problems.append(
                Problem(path, parsed.id_line, f"id '{card.id}' is already used by {other}; ids must be unique")
            )
    if card is None or problems:
        text = raw[: MAX_CARD_BYTES + 1].decode("utf-8", "replace")
        guess = _peek(text, path)
        sha = card.sha256 if card else ""
        return CardEntry(
            path=path,
            id=card.id if card else guess["id"],
            title=card.title if card else guess["title"],
            kind=card.kind if card else guess["kind"],
            owner=card.owner if card else guess["owner"],
            sha256=sha,
            problems=tuple(problems),
            publish_state=publish_state(card.id if card else guess["id"], sha, published) if sha else NEW,
        )
    return CardEntry.of(card, path, published)


def _invalid_entry(folder: Path, path: str, problems: list[Problem], published: dict[str, str] | None) -> CardEntry:
    try:
        with open(folder / path, "rb") as fh:
            text = fh.read(MAX_CARD_BYTES + 1).decode("utf-8", "replace")
    except OSError:
        text = ""
    guess = _peek(text, path)
    return CardEntry(
        path=path,
        id=guess["id"],
        title=guess["title"],
        kind=guess["kind"],
        owner=guess["owner"],
        problems=tuple(problems),
        publish_state=UNKNOWN if published is None else (NEW if guess["id"] not in published else CHANGED),
    )


_FIELD = re.compile(r"^(id|title|kind|owner)\s*:\s*(.*?)\s*$")


def _peek(text: str, path: str) -> dict[str, str]:
    """What a broken card's front matter seems to say (id, title, kind, owner), so its
    row reads as the card it is meant to be; the file name where it says nothing."""
    found: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].lstrip("\ufeff").rstrip() == "---":
        for line in lines[1:200]:
            if line.rstrip() in ("---", "..."):
                break
            m = _FIELD.match(line)
            if m and m.group(1) not in found:
                value = m.group(2)
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                found[m.group(1)] = value[:200]
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    return {
        "id": found.get("id") or stem,
        "title": found.get("title") or stem.replace("-", " ").replace("_", " ").strip() or path,
        "kind": found.get("kind") or "",
        "owner": found.get("owner") or "",
    }
