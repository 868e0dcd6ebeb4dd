"""Contact hours: is a team open at a given moment, when does it next open, and
what a rep means by "tomorrow 10:00".

A callback promised for a time the owning team is closed is a broken promise
made on the company's behalf (and the usual way a level-2 case becomes a level-4
complaint), so the hand-off checks the promised time against the team's hours.

Hours are wall-clock times in the team's IANA time zone, in the format kinds.py
validates: ``Mon-Fri 08:00-18:00`` or ``Mon-Fri 08:00-20:00, Sat 09:00-17:00``;
several day groups may share one time range (``Mon Wed Fri 09:00-12:00``), ranges
may wrap the week (``Fri-Mon``), and a range ending before it starts runs past
midnight (``Fri 22:00-02:00``). ``24:00`` closes at midnight.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workaid.core.errors import WorkAidError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_SECONDS = 24 * 3600

_SEGMENT = re.compile(
    r"^(?P<days>[A-Za-z]{3}(?:-[A-Za-z]{3})?(?: [A-Za-z]{3}(?:-[A-Za-z]{3})?)*) (?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


class HoursError(WorkAidError, ValueError):
    """Hours, a time zone or a typed time cannot be read; the message says what to write."""


@dataclass(frozen=True)
class Interval:
    """Open on `day` (0 = Monday) from `start` to `end`, in seconds after local midnight.

    `end` may pass 24 h when the range runs past midnight into the next day.
    """

    day: int
    start: int
    end: int


@dataclass(frozen=True)
class Hours:
    text: str
    intervals: tuple[Interval, ...]


def parse_hours(text: Any) -> Hours:
    """Read an hours line, or raise HoursError naming the part that is wrong.

    Every comma-separated part is checked: the card validator only checks the first.
    """
    if isinstance(text, Hours):
        return text
    if not isinstance(text, str) or not text.strip():
        raise HoursError("No hours given; write them like 'Mon-Fri 08:00-18:00'.")
    clean = " ".join(text.replace("\u2013", "-").replace("\u2014", "-").split())
    intervals: list[Interval] = []
    for part in (p.strip() for p in clean.split(",")):
        m = _SEGMENT.match(part)
        if not m:
            where = f"'{part}' in the hours '{clean}'" if part != clean else f"the hours '{clean}'"
            raise HoursError(f"Cannot read {where}: write days then times, like 'Mon-Fri 08:00-18:00'.")
        start, end = _clock(m["start"], part, clean), _clock(m["end"], part, clean)
        if start >= _DAY_SECONDS:
            raise HoursError(
                f"'{m['start']}' in the hours '{clean}' is not a time of day; opening times run 00:00-23:59."
            )
        if start == end:
            raise HoursError(
                f"'{part}' in the hours '{clean}' opens and closes at the same time; for all day write 00:00-24:00."
            )
        if end < start:
            end += _DAY_SECONDS  # past midnight
        for day in _days(m["days"], part, clean):
            intervals.append(Interval(day, start, end))
    return Hours(clean, tuple(intervals))


def _clock(text: str, part: str, whole: str) -> int:
    h, m = (int(x) for x in text.split(":"))
    if m > 59 or h > 24 or (h == 24 and m):
        raise HoursError(f"'{text}' in the hours '{whole}' is not a time; use 00:00 to 24:00.")
    return h * 3600 + m * 60


def _days(spec: str, part: str, whole: str) -> list[int]:
    out: list[int] = []
    for group in spec.split():
        ends = group.split("-")
        idx = []
        for name in ends:
            if name.lower() not in DAYS:
                raise HoursError(
                    f"'{name}' in the hours '{whole}' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun."
                )
            idx.append(DAYS.index(name.lower()))
        first, last = idx[0], idx[-1]
        span = (last - first) % 7
        out.extend((first + i) % 7 for i in range(span + 1))
    return list(dict.fromkeys(out))


def zone(tz: Any) -> dt.tzinfo:
    """A time zone from an IANA name (or a tzinfo, passed through)."""
    if isinstance(tz, dt.tzinfo):
        return tz
    if not isinstance(tz, str) or not tz.strip():
        raise HoursError("No time zone given; contact hours need one such as Europe/London.")
    try:
        return zoneinfo.ZoneInfo(tz.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise HoursError(
            f"'{tz.strip()[:60]}' is not a known time zone; use an IANA name such as Europe/London."
        ) from None


def _aware(when: Any, what: str = "The time") -> dt.datetime:
    if not isinstance(when, dt.datetime):
        raise HoursError(f"{what} must be a date and time, not {type(when).__name__}.")
    if when.tzinfo is None or when.utcoffset() is None:
        raise HoursError(
            f"{what} {when:%Y-%m-%d %H:%M} has no time zone, so it cannot be compared with a team's hours."
        )
    return when


def _local_seconds(local: dt.datetime) -> int:
    return local.hour * 3600 + local.minute * 60 + local.second


def is_open(hours: str | Hours, tz: str | dt.tzinfo, when: dt.datetime) -> bool:
    """Whether the team is open at `when` (an aware datetime, any zone)."""
    h, z = parse_hours(hours), zone(tz)
    local = _aware(when).astimezone(z)
    t, day = _local_seconds(local), local.weekday()
    for iv in h.intervals:
        if iv.day == day and iv.start <= t < iv.end:
            return True
        if iv.end > _DAY_SECONDS and iv.day == (day - 1) % 7 and t < iv.end - _DAY_SECONDS:
            return True
    return False


def next_open(hours: str | Hours, tz: str | dt.tzinfo, when: dt.datetime) -> dt.datetime:
    """The first moment at or after `when` that the team is open, in the team's zone."""
    h, z = parse_hours(hours), zone(tz)
    when = _aware(when)
    if is_open(h, z, when):
        return when.astimezone(z)
    local = when.astimezone(z)
    best: dt.datetime | None = None
    for offset in range(9):
        date = local.date() + dt.timedelta(days=offset)
        for iv in h.intervals:
            if iv.day != date.weekday():
                continue
            start = dt.datetime.combine(date, dt.time(iv.start // 3600, iv.start % 3600 // 60), tzinfo=z)
            start = start.astimezone(dt.UTC).astimezone(z)  # a start inside a DST gap moves to real time
            # A range that lies wholly inside a DST gap never happens that day.
            if start > when and (best is None or start < best) and is_open(h, z, start):
                best = start
        if best is not None:
            return best
    raise HoursError(f"The hours '{h.text}' never open.")  # unreachable: parse_hours needs one range


@dataclass(frozen=True)
class ContactHours:
    """A team's hours with its zone and name: what a hand-off checks a callback against."""

    hours: Hours
    tz: dt.tzinfo
    team: str = ""

    @classmethod
    def parse(cls, hours: str, tz: str, team: str = "") -> ContactHours:
        return cls(parse_hours(hours), zone(tz), team.strip())

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> ContactHours | None:
        """From a contact card's fields; None when the card gives no hours."""
        if not isinstance(fields, Mapping) or not fields.get("hours"):
            return None
        team = fields.get("team")
        return cls.parse(fields["hours"], fields.get("timezone") or "", team if isinstance(team, str) else "")

    def describe(self) -> str:
        return f"{self.hours.text} {getattr(self.tz, 'key', None) or self.tz}"


def check_callback(hours: str | Hours, tz: str | dt.tzinfo, when: dt.datetime, team: str = "") -> str | None:
    """A warning when a promised callback falls outside the team's hours, else None."""
    h, z = parse_hours(hours), zone(tz)
    when = _aware(when, "The callback time")
    if is_open(h, z, when):
        return None
    local = when.astimezone(z)
    opens = next_open(h, z, when)
    name = team.strip() or "The team"
    verb = "are" if name.split()[-1].lower().endswith("s") else "is"
    pronoun = "they" if verb == "are" else "it"
    yours = ""
    if when.utcoffset() != local.utcoffset():
        yours = f", {when:%H:%M} your time"
    where = f"{h.text} {getattr(z, 'key', None) or z}"
    return (
        f"{name} {verb} closed at {local:%H:%M} on {DAY_NAMES[local.weekday()]}{yours} ({where}); "
        f"{pronoun} next open{'s' if pronoun == 'it' else ''} {DAY_NAMES[opens.weekday()]} {opens:%H:%M}"
    )


# -- what a rep types ----------------------------------------------------------------
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EXAMPLES = "e.g. 14:30, tomorrow 10:00, mon 09:15 or 2026-11-24 16:00"


class WhenError(HoursError):
    """A typed time cannot be read, or is in the past."""


def parse_when(text: Any, now: dt.datetime | None = None, future: bool = True) -> dt.datetime:
    """The moment a rep means by "14:30", "tomorrow 10:00", "mon 09:15" or "2026-11-24 16:00".

    Times are the desk's local time: `now`'s zone (tests pass `now`), else the
    computer's. A bare time is today; a weekday is its next occurrence (today if
    that time is still ahead). With `future`, a time already past is an error, since
    nobody promises a callback for earlier today.
    """
    if not isinstance(text, str) or not text.strip():
        raise WhenError(f"No time given; type a time, {_EXAMPLES}.")
    if now is None:
        now = dt.datetime.now().astimezone()
        system_local = True
    else:
        _aware(now, "'now'")
        system_local = False
    raw = re.sub(r"^(\d{4}-\d{2}-\d{2})t", r"\1 ", " ".join(text.strip().lower().split()))
    if raw == "now":
        return now
    words = [w for w in raw.replace(" am", "am").replace(" pm", "pm").split() if w not in ("at", "on")]
    day_word = time_word = None
    for w in words:
        if _TIME_RE.match(w):
            if time_word is not None:
                raise WhenError(f"'{text.strip()}' has two times; type one, {_EXAMPLES}.")
            time_word = w
        elif day_word is None:
            day_word = w
        else:
            raise WhenError(f"Cannot read '{text.strip()}' as a time: {_EXAMPLES}.")
    if time_word is None:
        raise WhenError(f"'{text.strip()}' needs a time of day too, {_EXAMPLES}.")
    hour, minute = _parse_clock(time_word, text.strip())
    today = now.date()
    if day_word is None or day_word == "today":
        date = today
    elif day_word == "tomorrow":
        date = today + dt.timedelta(days=1)
    elif day_word[:3] in DAYS and (day_word == day_word[:3] or day_word == DAY_NAMES[DAYS.index(day_word[:3])].lower()):
        ahead = (DAYS.index(day_word[:3]) - today.weekday()) % 7
        date = today + dt.timedelta(days=ahead)
        if ahead == 0 and (hour, minute) <= (now.hour, now.minute):
            date += dt.timedelta(days=7)
    elif _DATE_RE.match(day_word):
        try:
            date = dt.date.fromisoformat(day_word)
        except ValueError:
            raise WhenError(f"'{day_word}' is not a date in the calendar; type it like 2026-11-24.") from None
    else:
        raise WhenError(
            f"Cannot read '{day_word}' as a day: use today, tomorrow, a weekday (mon) or a date (2026-11-24); {_EXAMPLES}."
        )
    naive = dt.datetime.combine(date, dt.time(hour, minute))
    if system_local:
        result = naive.astimezone()
    else:
        result = naive.replace(tzinfo=now.tzinfo).astimezone(dt.UTC).astimezone(now.tzinfo)
    if future and result < now.replace(second=0, microsecond=0):
        hint = f"; for tomorrow type 'tomorrow {hour:02d}:{minute:02d}'" if date == today else ""
        raise WhenError(f"{result:%H:%M} on {result:%a %d %b %Y} has already passed (it is {now:%H:%M} now){hint}.")
    return result


def _parse_clock(word: str, whole: str) -> tuple[int, int]:
    m = _TIME_RE.match(word)
    if not m:
        raise WhenError(f"Cannot read '{word}' as a time of day; {_EXAMPLES}.")
    hour, minute, half = int(m[1]), int(m[2] or 0), m[3]
    if half:
        if not 1 <= hour <= 12:
            raise WhenError(f"'{word}' is not a time: with am/pm the hour runs 1-12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError(f"'{word}' is not a time of day; use 00:00 to 23:59, {_EXAMPLES}.")
    return hour, minute
