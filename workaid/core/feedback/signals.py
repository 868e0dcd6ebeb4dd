"""What the desk learns while the rep works: searches, opens, authority checks, per UTC day.

The recorder sits on the search box's keystroke path, so every call is O(1): take the
lock, compare one time, swap one reference, add one to one counter. Nothing is cleaned
or written there. A worker calls `take()` now and then (off the GUI thread), which is
where settled queries are cleaned (privacy.clean_query) and handed over as a
`SignalBatch` for the FeedbackStore.

Settling, which decides what one search "was":
- while the rep types, the newest query replaces the pending one (typing "c", "ce",
  "ceo" is one search, "ceo");
- opening a card settles the pending search as opened (it found something);
- clearing the box, 15 s without a keystroke or an open, or `take(final=True)` settle
  it as no-result (it had no results) or abandoned (it had results, none was opened).

The call's values (what the rep typed into the call: the customer's name, account …)
are held as a snapshot with each pending query, so a query typed during one call is
cleaned against that call's values even when it settles after the next call began.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from workaid.core.clock import utc_now
from workaid.core.desk.authority import VERDICTS
from workaid.core.feedback.outbox import CARD_ID_RE
from workaid.core.feedback.privacy import clean_query

log = logging.getLogger("workaid.feedback")

SETTLE_AFTER_S = 15.0
OUTCOMES = VERDICTS  # authority.Decision.verdict: "within", "senior", "escalate"

_EMPTY: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True)
class DayCounts:
    """One UTC day's settled signals. Queries are cleaned; card ids are checked."""

    searches: int = 0
    no_result: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    abandoned: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    opens: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    authority: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def empty(self) -> bool:
        return not (self.searches or self.no_result or self.abandoned or self.opens or self.authority)


@dataclass(frozen=True)
class SignalBatch:
    """What one `take()` handed over: counters per UTC day (the day of `take` always
    present, even with nothing in it, so the store knows the desk was at work that day)."""

    days: Mapping[dt.date, DayCounts]

    @property
    def empty(self) -> bool:
        return all(d.empty for d in self.days.values())


@dataclass
class _Pending:
    query: str
    results: int
    last: dt.datetime
    values: tuple[object, ...]  # every call's values seen while this search was pending
    seen: tuple[object, ...]  # the snapshot last added to `values` (compared by identity)


@dataclass
class _Day:
    """A day's counters while they gather: plain dicts, raw keys (checked at take)."""

    searches: int = 0
    opens: dict[str, int] = field(default_factory=dict)
    authority: dict[tuple[str, str], int] = field(default_factory=dict)


class SignalRecorder:
    """Thread-safe, in memory, O(1) per call; see the module's docstring for the rules."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime] = utc_now,
        *,
        vocabulary: Container[str] | None = None,
        settle_after: float = SETTLE_AFTER_S,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._settle_after = dt.timedelta(seconds=settle_after)
        self._pending: _Pending | None = None
        self._days: dict[dt.date, _Day] = {}
        self._ended: list[tuple[dt.date, _Pending]] = []  # settled without an open: cleaned at take
        self._values: tuple[object, ...] = ()
        self.vocabulary = vocabulary  # the content's folded words; set again after a sync

    # -- what the desk tells the recorder ------------------------------------------------------
    def set_call_values(self, values: Iterable[object]) -> None:
        """What the rep has typed into the current call (session values); () for a new call."""
        snapshot = tuple(values)
        with self._lock:
            self._values = snapshot

    def searched(self, query: str, result_count: int) -> None:
        """A keystroke in the search box: `query` now shows `result_count` cards."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if not isinstance(query, str) or not query.strip():
                self._end()
                return
            p = self._pending
            if p is None:
                self._pending = _Pending(query, result_count, now, self._values, self._values)
            else:
                p.query, p.results, p.last = query, result_count, now
                if p.seen is not self._values:  # the call's values changed mid-search: keep both
                    p.values, p.seen = p.values + self._values, self._values

    def opened(self, card_id: str) -> None:
        """A card was opened (from the results or anywhere else)."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if self._pending is not None:
                self._day(self._pending.last).searches += 1
                self._pending = None
            opens = self._day(now).opens
            opens[card_id] = opens.get(card_id, 0) + 1

    def authority(self, card_id: str, outcome: str) -> None:
        """An authority check on `card_id` came out as `outcome` (a Decision's verdict)."""
        now = self._clock()
        with self._lock:
            checks = self._day(now).authority
            key = (card_id, outcome)
            checks[key] = checks.get(key, 0) + 1

    def cleared(self) -> None:
        """The search box was emptied: the pending search ends without an open."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            self._end()

    # -- handing over --------------------------------------------------------------------------
    def take(self, final: bool = False, now: dt.datetime | None = None) -> SignalBatch:
        """Everything settled since the last take, cleaned; `final` (the desk is closing)
        settles the pending search too. Meant for a worker thread: cleaning happens here."""
        now = self._clock() if now is None else now
        with self._lock:
            self._expire(now)
            if final:
                self._end()
            days, self._days = self._days, {}
            ended, self._ended = self._ended, []
            vocabulary = self.vocabulary
        today = now.astimezone(dt.UTC).date()
        no_result: dict[dt.date, dict[str, int]] = {}
        abandoned: dict[dt.date, dict[str, int]] = {}
        for day, p in ended:
            days.setdefault(day, _Day()).searches += 1
            cleaned = clean_query(p.query, p.values, vocabulary)
            if cleaned is None:
                continue
            bucket = (no_result if _results(p.results) == 0 else abandoned).setdefault(day, {})
            bucket[cleaned] = bucket.get(cleaned, 0) + 1
        days.setdefault(today, _Day())
        return SignalBatch(
            MappingProxyType(
                {day: _frozen(d, no_result.get(day, {}), abandoned.get(day, {})) for day, d in sorted(days.items())}
            )
        )

    # -- inside the lock -----------------------------------------------------------------------
    def _day(self, when: dt.datetime) -> _Day:
        day = when.astimezone(dt.UTC).date()
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = _Day()
        return found

    def _expire(self, now: dt.datetime) -> None:
        p = self._pending
        if p is not None and now - p.last >= self._settle_after:
            self._end()

    def _end(self) -> None:
        p = self._pending
        if p is not None:
            self._ended.append((p.last.astimezone(dt.UTC).date(), p))
            self._pending = None


def _results(n: object) -> int:
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0


def _frozen(d: _Day, no_result: Mapping[str, int], abandoned: Mapping[str, int]) -> DayCounts:
    """The day's counters as handed over: card ids and outcomes checked, the odd one logged."""
    opens: dict[str, int] = {}
    for card, n in d.opens.items():
        if isinstance(card, str) and CARD_ID_RE.match(card):
            opens[card] = n
        else:
            log.debug("signals: an open of %r is not a card id; not counted", card)
    authority: dict[str, dict[str, int]] = {}
    for (card, outcome), n in d.authority.items():
        if isinstance(card, str) and CARD_ID_RE.match(card) and outcome in OUTCOMES:
            authority.setdefault(card, {})[outcome] = n
        else:
            log.debug("signals: an authority check %r/%r is not a card and verdict; not counted", card, outcome)
    return DayCounts(
        searches=d.searches,
        no_result=MappingProxyType(dict(no_result)),
        abandoned=MappingProxyType(dict(abandoned)),
        opens=MappingProxyType(opens),
        authority=MappingProxyType({c: MappingProxyType(o) for c, o in authority.items()}),
    )
