"""A card's file in the source folder: create from a template, rename or move, delete,
and change a card's id with its references. Nothing is lost on the way.

A deleted card's file goes to `<source>/.workaid/trash/` (a hidden folder, never read
as cards); publishing then retires the card on the share as a tombstone, its history
kept. An id is what other cards link to (`card:ID` links, a checklist outcome's
`card:`), so changing one rewrites those references in the folder in the same step,
and says which files it touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workaid.core.clock import utc_now
from workaid.core.content.cards import id_key
from workaid.core.content.folder import iter_card_files, load_folder
from workaid.core.content.kinds import ID_RE
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write

TRASH = Path(".workaid") / "trash"


class CardFileError(WorkAidError):
    """The file operation was refused; the message says why and what to do."""


def _relative(source: Path, rel: str) -> Path:
    """`rel` inside `source` as a card file path, or a clear refusal."""
    rel = rel.strip().replace("\\", "/")
    if not rel.endswith(".md"):
        rel += ".md"
    parts = [p for p in rel.split("/") if p]
    if not parts or any(p in (".", "..") or p.startswith(".") for p in parts) or re.match(r"^[A-Za-z]:", rel):
        raise CardFileError(f"“{rel}” is not a place in the folder: use a name like fees/late-fee.md.")
    return Path(source, *parts)


def create_card(source: Path, rel: str, text: str) -> Path:
    """Write a new card file; never over an existing file."""
    path = _relative(Path(source), rel)
    if path.exists():
        raise CardFileError(f"{path.relative_to(source)} already exists; choose another name.")
    atomic_write(path, text)
    return path


def move_card(source: Path, rel: str, new_rel: str) -> Path:
    """Rename or move a card's file within the folder (its id, and so its links, stay)."""
    source = Path(source)
    old = _relative(source, rel)
    new = _relative(source, new_rel)
    if not old.exists():
        raise CardFileError(f"{rel} is not in {source}.")
    if new.exists():
        raise CardFileError(f"{new.relative_to(source)} already exists; choose another name.")
    new.parent.mkdir(parents=True, exist_ok=True)
    old.replace(new)
    return new


def delete_card(source: Path, rel: str) -> Path:
    """Move a card's file to the folder's trash; returns where it went. Publishing then
    retires the card (a tombstone); putting the file back undoes it."""
    source = Path(source)
    path = _relative(source, rel)
    if not path.exists():
        raise CardFileError(f"{rel} is not in {source}.")
    kept = source / TRASH / f"{utc_now():%Y%m%d-%H%M%S}" / path.relative_to(source)
    kept.parent.mkdir(parents=True, exist_ok=True)
    path.replace(kept)
    return kept


@dataclass(frozen=True)
class IdChange:
    old: str
    new: str
    card_file: Path
    references: tuple[Path, ...]  # other files whose links now name the new id

    def message(self) -> str:
        n = len(self.references)
        refs = f"; {n} other card{'s now link' if n != 1 else ' now links'} to it by its new id" if n else ""
        return (
            f"“{self.old}” is now “{self.new}”{refs}. Desks that saved a link to the old id "
            "(a bookmark, a hand-off note) will not find it: publishing retires the old id."
        )


def _link_pattern(card_id: str) -> re.Pattern[str]:
    # `card:ID` in a Markdown link target, and `card: ID` as a checklist outcome's card
    # (block or flow style: `card: ID` on its line, or `{outcome: …, card: ID}`).
    cid = re.escape(card_id)
    return re.compile(
        rf"(\(card:){cid}(?=[)#\s])|((?:^|[{{,\s])card:[ \t]*[\"']?){cid}(?=[\"']?[ \t]*(?:[}},]|$))", re.M
    )


def references_to(source: Path, card_id: str) -> list[Path]:
    """The card files in `source` that link to `card_id`."""
    pattern = _link_pattern(card_id)
    out = []
    for path in iter_card_files(Path(source)):
        try:
            if pattern.search(path.read_text(encoding="utf-8-sig")):
                out.append(path)
        except (OSError, UnicodeDecodeError):
            continue
    return out


def change_id(source: Path, old: str, new: str) -> IdChange:
    """Give a card a new id and update every link to it in the folder."""
    source = Path(source)
    if not ID_RE.match(new):
        raise CardFileError(
            f"“{new}” cannot be an id: use 1 to 80 lower-case letters, digits and hyphens, "
            "starting with a letter or digit (e.g. late-fee-waiver)."
        )
    result = load_folder(source)
    ids = {id_key(c.id): c for c in result.refs}
    ref = ids.get(id_key(old))
    if ref is None:
        raise CardFileError(f"There is no card “{old}” in {source}.")
    if id_key(new) in ids and id_key(new) != id_key(old):
        raise CardFileError(f"“{new}” is already the id of {ids[id_key(new)].source}.")
    card_file = source / ref.source
    text = card_file.read_text(encoding="utf-8-sig")
    head = re.compile(rf"^(id:[ \t]*[\"']?){re.escape(old)}(?=[\"']?[ \t]*(#.*)?$)", re.M)
    changed, n = head.subn(lambda m: m.group(1) + new, text, count=1)
    if n != 1:
        raise CardFileError(
            f"{ref.source} has no `id: {old}` line to change (its id comes from its file name): "
            f"rename the file instead, or add `id: {new}` to its front matter."
        )
    pattern = _link_pattern(old)
    changed = pattern.sub(lambda m: (m.group(1) or m.group(2)) + new, changed)
    others: list[Path] = []
    for path in references_to(source, old):
        if path == card_file:
            continue
        body = path.read_text(encoding="utf-8-sig")
        atomic_write(path, pattern.sub(lambda m: (m.group(1) or m.group(2)) + new, body))
        others.append(path)
    atomic_write(card_file, changed)
    return IdChange(old, new, card_file, tuple(others))
