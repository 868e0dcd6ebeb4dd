"""Review dates from the owner's side: which cards are due, and marking one reviewed.

A card past its `review_by` shows as STALE to every rep, so owners need to see what is
coming due before it does. Marking a card reviewed edits only its `review_by` line,
keeping the owner's own formatting and comments, so the published diff shows exactly
one changed date and the version carries the note "reviewed, no change".

Cards without a review date are listed too, in a group of their own: nothing would
ever make them stale, which is the one case a reviewer most needs to hear about.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workaid.core.content.cards import Card, Problem, parse_card
from workaid.core.content.folder import load_folder
from workaid.core.errors import WorkAidError
from workaid.core.fileio import atomic_write

DEFAULT_REVIEW_DAYS = 180  # about six months: the period when a card's history does not show one
REVIEWED_NOTE = "reviewed, no change"
# A gap shorter than this between two published review dates is a correction (a typo
# fixed the same week), not a review cycle, so it does not count towards the usual period.
_MIN_CYCLE_DAYS = 14

OVERDUE, DUE, NO_DATE = "overdue", "due", "no-date"


@dataclass(frozen=True)
class ReviewItem:
    """One card in the review queue. `days` until its review date: negative when
    overdue, 0 on the day itself, None when it has no review date."""

    id: str
    title: str
    owner: str
    review_by: dt.date | None
    days: int | None
    path: Path

    @property
    def status(self) -> str:
        """OVERDUE, DUE or NO_DATE: the group the queue shows it in."""
        if self.days is None:
            return NO_DATE
        return OVERDUE if self.days < 0 else DUE


@dataclass(frozen=True)
class MarkResult:
    """What marking a card reviewed changed, for the message and the publish note."""

    id: str
    path: Path
    old: dt.date | None
    new: dt.date
    period_days: int
    note: str = REVIEWED_NOTE
    in_place: bool = True  # False when the file had to be rewritten by the writer


class MarkRefused(WorkAidError):
    """A card that cannot be marked reviewed; the message says why and what to do."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems = list(problems)
        super().__init__("\n".join([message, *(f"  {p}" for p in self.problems)]))


def load_review_queue(
    source_dir: Path | str, today: dt.date, within_days: int = 30, owner: str | None = None
) -> tuple[list[ReviewItem], list[Problem]]:
    """The queue and the folder's problems (a file that does not parse is not in the
    queue, so the caller should say so). Order: overdue (most overdue first), due
    within `within_days` (soonest first), then every card without a review date.
    Cards due later are not listed. `owner` matches case-insensitively."""
    folder = Path(source_dir)
    result = load_folder(folder)
    wanted = owner.strip().casefold() if owner is not None else None
    dated: list[ReviewItem] = []
    undated: list[ReviewItem] = []
    for card in result.cards:
        if wanted is not None and card.owner.strip().casefold() != wanted:
            continue
        item = _item(card, folder, today)
        if item.days is None:
            undated.append(item)
        elif item.days <= within_days:
            dated.append(item)
    dated.sort(key=lambda i: (i.days, i.id))
    undated.sort(key=lambda i: i.id)
    return dated + undated, list(result.problems)


def review_queue(
    source_dir: Path | str, today: dt.date, within_days: int = 30, owner: str | None = None
) -> list[ReviewItem]:
    """The cards to review now or soon (see load_review_queue for the order)."""
    return load_review_queue(source_dir, today, within_days, owner)[0]


def _item(card: Card, folder: Path, today: dt.date) -> ReviewItem:
    days = (card.review_by - today).days if card.review_by is not None else None
    return ReviewItem(card.id, card.title, card.owner, card.review_by, days, folder / card.source)


def usual_period(review_dates: Iterable[dt.date | None]) -> int | None:
    """The owner's usual review period in days, from the review dates the card's
    published versions carried (any order); None when they show no cycle yet.

    The median gap between successive dates, so one late or early review does not
    reset the rhythm; corrections of a few days are ignored.
    """
    dates = sorted({d for d in review_dates if d is not None})
    gaps = [(b - a).days for a, b in itertools.pairwise(dates)]
    cycles = [g for g in gaps if g >= _MIN_CYCLE_DAYS]
    return int(statistics.median_low(cycles)) if cycles else None


def review_dates_in(texts: Iterable[str | bytes]) -> list[dt.date]:
    """The review dates in past versions' file texts (versions that do not parse, or
    have no date, are passed over): the input usual_period wants."""
    found: list[dt.date] = []
    for text in texts:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        card = parse_card(raw, "version.md").card
        if card is not None and card.review_by is not None:
            found.append(card.review_by)
    return found


def next_review(old: dt.date | None, today: dt.date, period_days: int) -> dt.date:
    """The date a review done `today` moves the card to.

    From the old date when reviewed early (the rhythm is kept and the owner is not
    punished for being early), from today when late (an overdue card reviewed now is
    good for a full period from now, not from a date already past).
    """
    base = max(old, today) if old is not None else today
    return base + dt.timedelta(days=period_days)


def mark_reviewed(
    path: Path | str,
    today: dt.date,
    period_days: int | None = None,
    history: Iterable[dt.date | None] = (),
) -> MarkResult:
    """Move a card's `review_by` on by the usual period and save the file atomically.

    The period is `period_days` when given, else the usual period of `history` (the
    review dates of the card's published versions, see review_dates_in) together
    with the file's own date, else
    DEFAULT_REVIEW_DAYS. Only the `review_by` line changes (or one is added); if the
    front matter is written in a way that edit cannot be proven safe on, the file is
    rewritten by the writer instead. A file that does not parse is refused
    (MarkRefused, with its problems): a card nobody can read is not "reviewed".
    """
    path = Path(path)
    if period_days is not None and period_days < 1:
        raise MarkRefused(f"the review period must be at least 1 day, not {period_days}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MarkRefused(f"{path} — no such card file; it may have been moved or deleted") from None
    parsed = parse_card(raw, str(path))
    if parsed.card is None or parsed.problems:
        raise MarkRefused(f"{path} — not marked reviewed: the card has problems; fix them first", parsed.problems)
    if parsed.derived:
        raise MarkRefused(
            f"{path} — not marked reviewed: the file has no front matter, so its id comes from its name "
            "and it has nowhere to keep a review date; give it an id and a review_by date first"
        )
    card = parsed.card
    period = period_days or usual_period([*history, card.review_by]) or DEFAULT_REVIEW_DAYS
    new = next_review(card.review_by, today, period)
    expected = dataclasses.replace(card, review_by=new)

    text = _decode(raw)
    edited = _with_review_line(text, new)
    in_place = edited is not None and _same_card(edited, expected, str(path))
    if in_place and edited is not None:
        data = edited
    else:
        from workaid.core.authoring.writer import form_from_card, text_from_form

        form = form_from_card(card)
        form.review_by = new
        data = ("\ufeff" if text.startswith("\ufeff") else "") + text_from_form(form)
        if not _same_card(data, expected, str(path)):  # a fault of ours: never save a changed card
            raise MarkRefused(f"{path} — not marked reviewed: WorkAid could not rewrite the date safely (logged)")
    try:
        mode: int | None = path.stat().st_mode & 0o777
    except OSError:
        mode = None
    atomic_write(path, data, mode=mode)
    return MarkResult(card.id, path, card.review_by, new, period, in_place=in_place)


def _decode(raw: bytes) -> str:
    # Already proven UTF-8 by the parse; the BOM is kept so the file's bytes change only where the date is.
    return raw.decode("utf-8")


_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.M)
# `review_by: 2027-03-01  # a comment`; empty or `null` too (a date is then filled in)
_REVIEW_LINE = re.compile(r"^(review_by[ \t]*:[ \t]*)([^\s#]*)(?=[ \t]*(?:#|\r?$))", re.M)


def _with_review_line(text: str, new: dt.date) -> str | None:
    """`text` with its top-level review_by value replaced by `new` (or a review_by line
    added after the common keys before it), or None when the front matter is not
    plain `key: value` lines this edit understands."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body_text = text[len(bom) :]
    first = re.match(r"---[ \t]*(\r?\n)", body_text)
    if first is None:
        return None
    newline = first.group(1)
    start = first.end()
    close = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M).search(body_text, start)
    if close is None:
        return None
    front = body_text[start : close.start()]
    rest = body_text[close.start() :]
    found = list(_REVIEW_LINE.finditer(front))
    if len(found) > 1:
        return None
    if found:
        m = found[0]
        key, after = m.group(1), front[m.end(2) :]
        if not m.group(2):  # `review_by:` with no value: the spaces after ':' were taken as the key's
            key, after = key.rstrip() + " ", (" " + after if after.startswith("#") else after)
        front = f"{front[: m.start(1)]}{key}{new.isoformat()}{after}"
    else:
        if re.search(r"^review_by\b", front, re.M):
            return None  # written in a way the line pattern does not cover (a block, a tag)
        keys = list(_KEY_LINE.finditer(front))
        before = ("id", "kind", "title", "tags", "owner")
        after_index = max((i for i, k in enumerate(keys) if k.group(1) in before), default=None)
        if after_index is None:
            return None
        # after that key's whole block: up to the next top-level key, or the end
        at = keys[after_index + 1].start() if after_index + 1 < len(keys) else len(front)
        line = f"review_by: {new.isoformat()}{newline}"
        if at == len(front) and front and not front.endswith("\n"):
            line = newline + line.removesuffix(newline)
        front = front[:at] + line + front[at:]
    return f"{bom}{body_text[:start]}{front}{rest}"


def _same_card(text: str, expected: Card, source: str) -> bool:
    result = parse_card(text.encode("utf-8"), source)
    if result.card is None or result.problems:
        return False
    return dataclasses.replace(result.card, sha256=expected.sha256) == expected
