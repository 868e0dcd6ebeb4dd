"""Walking the bundled escalation checklist the way a rep does on a call."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.bundled_cards import bundled
from workaid.core.desk.checklist import (
    ChecklistError,
    Recommendation,
    Step,
    Walk,
    from_call_timer,
)

UTC = dt.UTC


class Clock:
    """A clock that moves on ten seconds at every reading."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 14, 0, tzinfo=UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=10)
        return self.now


def walk(**kw) -> Walk:
    return Walk.from_card(bundled("escalation-checklist"), clock=kw.pop("clock", Clock()), **kw)


def test_all_no_means_handle_it_yourself_with_a_full_trail():
    w = walk()
    questions = []
    while not w.finished:
        questions.append(w.current.id)
        result = w.answer(False)
    assert questions == [
        "abusive",
        "beyond-knowledge",
        "product-technical",
        "customer-asked-supervisor",
        "time-threshold",
        "beyond-discretion",
    ]
    assert isinstance(result, Recommendation) and result is w.result
    assert (result.outcome, result.level, result.card) == ("handle", 1, "preventing-escalations")
    assert result.reason == "Within policy, knowledge and discretion: resolve it yourself"
    assert w.current is None
    assert [e.at.strftime("%H:%M:%S") for e in w.trail] == [
        "14:00:10",
        "14:00:20",
        "14:00:30",
        "14:00:40",
        "14:00:50",
        "14:01:00",
    ]
    assert w.trail[0].describe() == "Is the caller still threatening or abusive after you tried to de-escalate? — no"


def test_abusive_caller_goes_straight_to_a_supervisor_with_the_protocol_card():
    w = walk()
    result = w.answer(True)
    assert (result.outcome, result.level, result.card) == ("supervisor", 3, "abusive-caller-protocol")
    assert (
        result.describe()
        == "Level 3 — Bring in a supervisor: Caller still abusive after de-escalation. Next card: abusive-caller-protocol."
    )


def test_beyond_knowledge_goes_to_an_expert():
    w = walk()
    assert w.answer(False) == Step("beyond-knowledge", "Is the question beyond what you know or can find in the cards?")
    result = w.answer(True)
    assert (result.outcome, result.level, result.card, result.step_id) == (
        "expert",
        2,
        "expert-directory",
        "beyond-knowledge",
    )


def test_back_undoes_the_last_answer_and_the_walk_carries_on():
    w = walk()
    w.answer(False)
    w.answer(True)
    assert w.finished
    step = w.back()
    assert step.id == "beyond-knowledge" and w.current == step and not w.finished and w.result is None
    assert len(w.trail) == 1
    assert w.answer(False).id == "product-technical"
    w.back()
    w.back()
    assert w.current.id == "abusive" and w.trail == [] and not w.can_go_back
    with pytest.raises(ChecklistError, match="Nothing to undo"):
        w.back()


def test_under_twenty_minutes_the_call_timer_answers_the_time_question():
    w = walk(auto_answers=from_call_timer(7 * 60))
    for _ in range(4):
        w.answer(False)
    # time-threshold was answered by the timer; the rep is at the last question.
    assert w.current.id == "beyond-discretion"
    entry = w.trail[-1]
    assert entry.step_id == "time-threshold" and entry.yes is False and entry.source == "the call timer"
    assert entry.describe().endswith("— no (from the call timer)")
    assert "(from the call timer)" in w.summary()


def test_over_twenty_minutes_the_rep_is_still_asked_about_a_clear_path():
    assert from_call_timer(20 * 60) == {}
    w = walk(auto_answers=from_call_timer(25 * 60))
    for _ in range(4):
        w.answer(False)
    assert w.current.id == "time-threshold"


def test_going_back_over_a_timer_answer_lets_the_rep_answer_it_instead():
    w = walk(auto_answers={"time-threshold": False})
    for _ in range(4):
        w.answer(False)
    assert w.current.id == "beyond-discretion"
    assert w.back().id == "time-threshold"  # the automatic answer is undone first
    result = w.answer(True)
    assert (result.outcome, result.card) == ("supervisor", "call-time-threshold")
    assert w.trail[-1].source is None  # the rep's own answer
    w.back()
    w.back()  # back past it, then forward again: not re-answered automatically
    w.answer(False)
    assert w.current.id == "time-threshold"


def test_an_answer_learnt_mid_walk_applies_when_the_walk_reaches_it_or_at_once():
    w = walk()
    w.set_auto_answer("abusive", (False, "the previous call note"))
    assert w.current.id == "beyond-knowledge"
    assert w.trail[0].describe().endswith("(from the previous call note)")
    with pytest.raises(ChecklistError, match="no step 'nope'"):
        w.set_auto_answer("nope", True)
    with pytest.raises(ChecklistError, match="must be yes/no"):
        w.set_auto_answer("time-threshold", "no")  # type: ignore[arg-type]


def test_misuse_gets_clear_messages():
    w = walk()
    with pytest.raises(ChecklistError, match="yes or no"):
        w.answer("yes")  # type: ignore[arg-type]
    w.answer(True)
    with pytest.raises(ChecklistError, match="finished; go back"):
        w.answer(False)
    with pytest.raises(ChecklistError, match="not a checklist"):
        Walk.from_card(bundled("late-fee-waiver"))


@pytest.mark.parametrize(
    "steps, words",
    [
        (None, "needs a list of 'steps'"),
        ([], "needs a list of 'steps'"),
        (["abusive"], "must be a block"),
        ([{"id": "a", "question": "Q?", "yes": "a", "no": {"outcome": "handle", "reason": "r"}}], "leads back"),
        ([{"id": "a", "question": "Q?", "yes": "b", "no": {"outcome": "handle", "reason": "r"}}], "does not exist"),
        (
            [
                {
                    "id": "a",
                    "question": "Q?",
                    "yes": {"outcome": "manager", "reason": "r"},
                    "no": {"outcome": "handle", "reason": "r"},
                }
            ],
            "must be one of",
        ),
        ([{"id": "a", "question": "Q?", "no": {"outcome": "handle", "reason": "r"}}], "needs a 'yes'"),
        (
            [
                {
                    "id": "a",
                    "question": "",
                    "yes": {"outcome": "handle", "reason": "r"},
                    "no": {"outcome": "handle", "reason": "r"},
                }
            ],
            "Step 1 of the checklist needs a 'question'",
        ),
    ],
)
def test_a_broken_step_list_is_refused_with_a_message(steps, words):
    with pytest.raises(ChecklistError, match=words):
        Walk(steps)


def test_yaml_true_false_keys_are_read_as_yes_and_no():
    steps = [
        {
            "id": "a",
            "question": "Q?",
            True: {"outcome": "expert", "reason": "r"},
            False: {"outcome": "handle", "reason": "s"},
        }
    ]
    assert Walk(steps).answer(True).outcome == "expert"


@settings(max_examples=200, deadline=None)
@given(
    ops=st.lists(st.sampled_from(["yes", "no", "back"]), max_size=20),
    auto=st.dictionaries(
        st.sampled_from(["abusive", "beyond-knowledge", "time-threshold", "beyond-discretion"]),
        st.booleans(),
        max_size=2,
    ),
)
def test_any_sequence_of_answers_and_undos_keeps_the_walk_consistent(ops, auto):
    w = walk(auto_answers=auto)
    for op in ops:
        try:
            w.back() if op == "back" else w.answer(op == "yes")
        except ChecklistError:
            pass
        assert (w.current is None) == w.finished == (w.result is not None)
        ids = [e.step_id for e in w.trail]
        assert len(ids) == len(set(ids)) <= 6  # each question asked at most once on the path
        if w.finished:
            assert w.result.level in (1, 2, 3) and w.result.step_id == ids[-1]
