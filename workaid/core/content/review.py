"""When a card is due for review: the one staleness rule for cards, stored cards and search results."""

from __future__ import annotations

import datetime as dt


def is_overdue(review_by: dt.date | None, today: dt.date | None = None) -> bool:
    """True once `review_by` has passed (the day itself is still in date); a card without one never is."""
    return review_by is not None and review_by < (today or dt.date.today())


def review_date(value: str | None) -> dt.date | None:
    """A stored review date ('2027-03-01') as a date; None when there is none or it is not a date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
