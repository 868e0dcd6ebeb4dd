"""Publishing from the workbench: what will change, what stands in the way, and the
three ways out of a conflict. Never an overwrite.

`plan_publish` reads the source folder and the share (nothing is written) and lists
each card that a publish would add, change or remove, with the share's current text
beside the owner's, and marks a conflict where someone else published the card since
this copy was based on it (the rule `pack.publish` enforces: `pack.classify`). A
conflict is resolved per card: take theirs (their text into the file), keep mine (my
text stays, now on top of theirs), or merge (a three-way merge the owner finishes by
hand); each records the new base with `pack.rebase`, so the publish that follows is a
new version on top of theirs, and history is never rewritten.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workaid.core.content import answers
from workaid.core.content.cards import Problem
from workaid.core.content.folder import load_folder
from workaid.core.distribution import keys, pack
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class PendingChange:
    """One card a publish would touch."""

    card_id: str
    path: str  # the file in the source folder, relative ('' for a card no longer there)
    action: str  # ADDED, CHANGED or REMOVED
    yours: str  # the folder's text ('' when removed)
    theirs: str | None  # the share's current text (None for a new card)
    theirs_sha256: str | None
    theirs_version: int | None
    theirs_author: str
    base: str | None  # the text this copy was based on, when the share still holds it
    conflict: bool


@dataclass(frozen=True)
class PublishPlan:
    changes: tuple[PendingChange, ...]
    problems: tuple[Problem, ...]  # invalid cards: nothing can be published until they are fixed
    unchanged: int
    answers: int = 0  # answers to reps' flags in this folder that the share does not have yet

    @property
    def conflicts(self) -> tuple[PendingChange, ...]:
        return tuple(c for c in self.changes if c.conflict)

    @property
    def blocked(self) -> str | None:
        """Why publishing cannot go ahead now, in a sentence; None when it can."""
        if self.problems:
            n = len({p.source for p in self.problems})
            return f"{n} card{'s have' if n != 1 else ' has'} problems to fix first."
        if self.conflicts:
            n = len(self.conflicts)
            return f"{n} card{'s were' if n != 1 else ' was'} changed on the share since your copy: resolve each first."
        if not self.changes and not self.answers:
            return "Nothing to publish: the share already has every card as it is here."
        return None


def plan_publish(
    source: Path, share: Path, trusted: Iterable[keys.PublicKey], timeout: float | None = None
) -> PublishPlan:
    """What publishing `source` to `share` would do now. Reads only."""
    source, share = Path(source), Path(share)
    result = load_folder(source, known=pack.folder_stamps(source))  # only changed files are parsed
    _pointer, manifest = pack.read_current(share, list(trusted), timeout)
    live = manifest.live() if manifest is not None else {}
    base = pack.folder_base(source) or {}
    by_sha = {v.sha256: v for e in manifest.cards.values() for v in e.versions} if manifest is not None else {}

    def text_of(sha: str | None) -> str | None:
        ver = by_sha.get(sha or "")
        if ver is None:
            return None
        try:
            return pack.read_object(share, ver.sha256, ver.size, timeout).decode("utf-8", "replace")
        except (pack.PackError, OSError):
            return None

    folder = {r.id: r.sha256 for r in result.refs}
    verdicts = pack.classify(folder, {cid: v.sha256 for cid, v in live.items()}, base)
    paths = {r.id: r.source for r in result.refs}
    changes: list[PendingChange] = []
    for cid, action, conflict in verdicts:
        cur = live.get(cid)
        yours = "" if action == REMOVED else (source / paths[cid]).read_text(encoding="utf-8", errors="replace")
        changes.append(
            PendingChange(
                card_id=cid,
                path=paths.get(cid, ""),
                action=action,
                yours=yours,
                theirs=text_of(cur.sha256) if cur is not None else None,
                theirs_sha256=cur.sha256 if cur is not None else None,
                theirs_version=cur.version if cur is not None else None,
                theirs_author=cur.author if cur is not None else "",
                base=text_of(base.get(cid)) if conflict else None,
                conflict=conflict,
            )
        )
    unchanged = sum(1 for cid, sha in folder.items() if cid in live and live[cid].sha256 == sha)
    return PublishPlan(
        tuple(changes), tuple(result.problems), unchanged, _new_answers(source, share, manifest, timeout)
    )


def _new_answers(source: Path, share: Path, manifest: pack.Manifest | None, timeout: float | None) -> int:
    """How many of this folder's answers to flags the share's pack lacks or holds otherwise."""
    local = answers.load_answers(source)
    if not local:
        return 0
    published: dict[str, answers.Answer] = {}
    if manifest is not None and manifest.answers is not None:
        sha, size = manifest.answers
        try:
            published = answers.parse_answers(pack.read_blob(share, sha, size, timeout))
        except (pack.PackError, answers.AnswersError, OSError):
            published = {}
    return sum(1 for fid, a in local.items() if published.get(fid) != a)


# -- resolving a conflict ---------------------------------------------------------------
def _need_conflict(change: PendingChange) -> tuple[str, str]:
    if not change.conflict or change.theirs is None or change.theirs_sha256 is None:
        raise WorkAidError(f"{change.card_id} is not in conflict with the share; there is nothing to resolve.")
    return change.theirs, change.theirs_sha256


def take_theirs(source: Path, change: PendingChange) -> Path:
    """Their text into the card's file (yours is kept beside it, in the drafts backup)."""
    theirs, sha = _need_conflict(change)
    path = Path(source) / (change.path or f"{change.card_id}.md")
    if change.yours:
        _backup(Path(source), change)
    atomic_write(path, theirs)
    pack.rebase(Path(source), change.card_id, sha)
    return path


def keep_mine(source: Path, change: PendingChange) -> None:
    """Your text stays and will be published as the version after theirs."""
    _, sha = _need_conflict(change)
    pack.rebase(Path(source), change.card_id, sha)


def save_merge(source: Path, change: PendingChange, merged: str) -> Path:
    """The text the owner merged by hand, as the card's file, on top of theirs."""
    _, sha = _need_conflict(change)
    if has_conflict_marks(merged):
        raise WorkAidError(
            f"{change.card_id}: the merge still has conflict marks (<<<<<<< … >>>>>>>); "
            "choose between the two versions in each and remove the marks."
        )
    path = Path(source) / (change.path or f"{change.card_id}.md")
    if change.yours:
        _backup(Path(source), change)
    atomic_write(path, merged)
    pack.rebase(Path(source), change.card_id, sha)
    return path


def _backup(source: Path, change: PendingChange) -> Path:
    """Your text before a conflict was resolved, kept in <source>/.workaid/backups/
    (a hidden folder: never scanned as cards)."""
    digest = hashlib.sha256(change.yours.encode("utf-8")).hexdigest()[:12]
    path = source / ".workaid" / "backups" / f"{change.card_id}-{digest}.md"
    atomic_write(path, change.yours)
    return path


# -- three-way merge --------------------------------------------------------------------
THEIRS_MARK, SPLIT_MARK, YOURS_MARK = "<<<<<<< theirs", "=======", ">>>>>>> yours"


def has_conflict_marks(text: str) -> bool:
    lines = text.splitlines()
    return any(line.startswith(THEIRS_MARK) for line in lines) and any(line.startswith(YOURS_MARK) for line in lines)


Hunk = tuple[int, int, list[str]]


def _hunks(base: Sequence[str], other: Sequence[str]) -> list[Hunk]:
    ops = difflib.SequenceMatcher(None, base, other, autojunk=False).get_opcodes()
    return [(i1, i2, list(other[j1:j2])) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def _apply(base: Sequence[str], lo: int, hi: int, hunks: Sequence[Hunk]) -> list[str]:
    out: list[str] = []
    pos = lo
    for i1, i2, lines in hunks:
        out += base[pos:i1]
        out += lines
        pos = i2
    out += base[pos:hi]
    return out


def _ended(lines: list[str]) -> list[str]:
    return [*lines[:-1], lines[-1] if lines[-1].endswith("\n") else lines[-1] + "\n"] if lines else []


def merge3(base: str, theirs: str, yours: str) -> tuple[str, bool]:
    """Line by line: changes on one side only are taken; the same change on both sides
    once; different changes to the same lines are left between conflict marks for the
    owner. Returns (text, clean)."""
    b = base.splitlines(keepends=True)
    t = theirs.splitlines(keepends=True)
    y = yours.splitlines(keepends=True)
    tagged = sorted(
        [(h, "theirs") for h in _hunks(b, t)] + [(h, "yours") for h in _hunks(b, y)],
        key=lambda x: (x[0][0], x[0][1]),
    )
    out: list[str] = []
    pos, i, clean = 0, 0, True
    while i < len(tagged):
        (lo, hi, _), _side = tagged[i]
        group = [tagged[i]]
        i += 1
        while i < len(tagged):
            n_lo, n_hi, _ = tagged[i][0]
            if n_lo < hi or n_lo == lo or (n_lo == hi and (lo == hi or n_lo == n_hi)):
                group.append(tagged[i])
                hi = max(hi, n_hi)
                i += 1
            else:
                break
        out += b[pos:lo]
        mine = [h for h, side in group if side == "yours"]
        their = [h for h, side in group if side == "theirs"]
        if not mine or not their:
            out += _apply(b, lo, hi, their or mine)
        else:
            tt, yy = _apply(b, lo, hi, their), _apply(b, lo, hi, mine)
            if tt == yy:
                out += tt
            else:
                clean = False
                out += [THEIRS_MARK + "\n", *_ended(tt), SPLIT_MARK + "\n", *_ended(yy), YOURS_MARK + "\n"]
        pos = hi
    out += b[pos:]
    return "".join(out), clean
