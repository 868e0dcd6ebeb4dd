"""The signal recorder: how a search settles, per-day counters, thread safety, cleaning."""

from __future__ import annotations

import datetime as dt
import threading

from workaid.core.desk.authority import VERDICTS
from workaid.core.feedback.signals import SignalRecorder

T0 = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
DAY = T0.date()


class Clock:
    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def type_in(rec: SignalRecorder, clock: Clock, text: str, results: int) -> None:
    for i in range(1, len(text) + 1):
        rec.searched(text[:i], results)
        clock.tick(0.2)


def test_typing_is_one_search_and_an_open_settles_it_as_opened():
    clock = Clock()
    rec = SignalRecorder(clock)
    type_in(rec, clock, "late fee", 3)
    rec.opened("late-fee-waiver")
    day = rec.take().days[DAY]
    assert day.searches == 1
    assert dict(day.opens) == {"late-fee-waiver": 1}
    assert not day.no_result and not day.abandoned


def test_clearing_settles_as_no_result_or_abandoned():
    clock = Clock()
    rec = SignalRecorder(clock)
    type_in(rec, clock, "ceo", 0)
    rec.cleared()
    type_in(rec, clock, "fee waiver late", 2)
    rec.searched("", 0)  # backspacing to an empty box is clearing it
    day = rec.take().days[DAY]
    assert (day.searches, dict(day.no_result), dict(day.abandoned)) == (2, {"ceo": 1}, {"fee waiver late": 1})


def test_fifteen_seconds_without_a_keystroke_settles_the_search():
    clock = Clock()
    rec = SignalRecorder(clock)
    type_in(rec, clock, "president", 0)
    clock.tick(14)
    assert rec.take().days[DAY].searches == 0  # still pending
    clock.tick(1)
    assert dict(rec.take().days[DAY].no_result) == {"president": 1}


def test_a_late_open_after_the_pause_counts_the_open_but_not_as_found():
    clock = Clock()
    rec = SignalRecorder(clock)
    type_in(rec, clock, "refund", 4)
    clock.tick(20)
    rec.opened("refund-outside-policy")
    day = rec.take().days[DAY]
    assert dict(day.abandoned) == {"refund": 1} and dict(day.opens) == {"refund-outside-policy": 1}


def test_final_take_settles_the_pending_search_and_take_hands_over_once():
    clock = Clock()
    rec = SignalRecorder(clock)
    type_in(rec, clock, "bbb", 0)
    assert rec.take().days[DAY].searches == 0
    batch = rec.take(final=True)
    assert dict(batch.days[DAY].no_result) == {"bbb": 1}
    again = rec.take(final=True)
    assert again.empty and list(again.days) == [DAY]  # today is always named


def test_counters_are_split_by_utc_day():
    clock = Clock(dt.datetime(2026, 12, 2, 23, 59, 50, tzinfo=dt.UTC))
    rec = SignalRecorder(clock)
    rec.opened("a-card")
    clock.tick(20)
    rec.opened("a-card")
    batch = rec.take()
    assert {d: dict(c.opens) for d, c in batch.days.items()} == {
        dt.date(2026, 12, 2): {"a-card": 1},
        dt.date(2026, 12, 3): {"a-card": 1},
    }


def test_authority_outcomes_use_the_decision_verdicts_and_odd_keys_are_dropped():
    clock = Clock()
    rec = SignalRecorder(clock)
    for verdict in VERDICTS:
        rec.authority("late-fee-waiver", verdict)
    rec.authority("late-fee-waiver", "within")
    rec.authority("late-fee-waiver", "maybe")
    rec.authority("Not A Card", "within")
    rec.opened("../etc/passwd")
    day = rec.take().days[DAY]
    assert {c: dict(o) for c, o in day.authority.items()} == {
        "late-fee-waiver": {"within": 2, "senior": 1, "escalate": 1}
    }
    assert not day.opens


def test_settled_queries_are_cleaned_against_the_call_they_were_typed_in():
    clock = Clock()
    rec = SignalRecorder(clock, vocabulary={"fee", "late"})
    rec.set_call_values(["Priscilla Quagmire", "AB1234567"])
    type_in(rec, clock, "quagmire", 0)
    rec.set_call_values([])  # next call: the values are gone, the pending query still knows them
    clock.tick(30)
    type_in(rec, clock, "Thistlewood", 0)  # a capitalised word the content does not know
    rec.cleared()
    type_in(rec, clock, "late fee 2024", 0)
    rec.cleared()
    type_in(rec, clock, "x" * 70, 0)
    rec.cleared()
    day = rec.take().days[DAY]
    assert dict(day.no_result) == {"late fee ####": 1}
    assert day.searches == 4  # the dropped ones still count as searches


def test_many_threads_lose_no_count():
    clock = Clock()
    rec = SignalRecorder(clock)
    per_thread, threads = 2000, 8
    batches = []

    def work(n: int) -> None:
        for i in range(per_thread):
            rec.opened(f"card-{n}")
            rec.authority("late-fee-waiver", "within")
            if i % 500 == 0:
                batches.append(rec.take())

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    batches.append(rec.take(final=True))
    opens: dict[str, int] = {}
    within = 0
    for b in batches:
        for d in b.days.values():
            for c, n in d.opens.items():
                opens[c] = opens.get(c, 0) + n
            within += d.authority.get("late-fee-waiver", {}).get("within", 0)
    assert opens == {f"card-{n}": per_thread for n in range(threads)}
    assert within == per_thread * threads
