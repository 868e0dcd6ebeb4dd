"""Now, in UTC, and the one way WorkAid writes a moment down.

Everything stored or published (the content database's meta, sync records, pack
manifests, the escalation log) carries UTC stamps in one format,
``2026-12-02T18:37:15Z``; what a rep reads is converted to local time where it is shown.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current moment, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def stamp(when: dt.datetime | None = None) -> str:
    """`when` (default: now) as the stamp WorkAid stores: ISO 8601, seconds, ``Z``.
    A naive `when` is taken as local time."""
    return (when or utc_now()).astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_stamp(text: str) -> dt.datetime:
    """A stored stamp back as an aware datetime; stamps without an offset (older
    files) are UTC. Raises ValueError for text that is not a stamp."""
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
