"""The authority check as a rep meets it on the bundled fee cards."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.bundled_cards import bundled, bundled_of_kind
from workaid.core.desk.authority import (
    HISTORY,
    AuthorityInputError,
    Decision,
    decide,
    parse_amount,
)
from workaid.core.desk.authority_words import format_decision

CLEAN = {"first-offence": True, "account-in-good-standing": True}


def disc(card_id: str) -> dict:
    return bundled(card_id).fields["discretion"]


# -- the bundled late-fee card, as a rep reads it ------------------------------------
def test_first_offence_in_good_standing_is_within_the_reps_discretion():
    d = decide(disc("late-fee-waiver"), "rep", "12", CLEAN, times_used=0)
    assert d.verdict == "within" and d.who == "rep"
    assert d.may_offer == Decimal(12)
    assert d.deciding_limit == "rep: up to £12, once per 12 months, if first-offence and account-in-good-standing"
    assert d.reasons == ()
    text = format_decision(d)
    assert text.startswith("Within your discretion: you may offer up to £12.00 (£12.00 asked).")
    assert "Limit: rep: up to £12, once per 12 months" in text


def test_too_much_for_a_rep_names_the_senior_rep_and_what_the_rep_may_still_offer():
    d = decide(disc("late-fee-waiver"), "rep", 20, CLEAN, times_used=0)
    assert (d.verdict, d.who, d.may_offer) == ("senior", "senior-rep", Decimal(12))
    assert "£20.00 is above the rep limit of £12.00." in d.reasons
    assert d.deciding_limit.startswith("senior-rep: up to £24, twice per 12 months")
    assert "Needs a senior-rep" in format_decision(d) and "you may offer up to £12.00 yourself" in format_decision(d)


def test_second_late_fee_goes_to_a_senior_rep_and_says_why():
    d = decide(
        disc("late-fee-waiver"), "rep", 12, {"first-offence": False, "account-in-good-standing": True}, times_used=1
    )
    assert (d.verdict, d.who, d.may_offer) == ("senior", "senior-rep", Decimal(0))
    assert any("needs first-offence, which is not met" in r for r in d.reasons)
    assert any("already had it once" in r for r in d.reasons)
    assert "you may not offer anything yourself" in format_decision(d)


def test_arrears_mean_escalate_to_the_cards_supervisor():
    d = decide(
        disc("late-fee-waiver"), "rep", 12, {"first-offence": True, "account-in-good-standing": False}, times_used=0
    )
    assert (d.verdict, d.who, d.may_offer) == ("escalate", "supervisor", Decimal(0))
    assert sum("account-in-good-standing, which is not met" in r for r in d.reasons) == 2  # rep row and senior-rep row
    assert format_decision(d).startswith("Escalate to supervisor:")


def test_senior_rep_used_up_twice_a_year_escalates():
    d = decide(disc("late-fee-waiver"), "senior-rep", 12, CLEAN, times_used=2)
    assert d.verdict == "escalate" and d.who == "supervisor"
    assert any("twice per 12 months, and this customer has already had it twice" in r for r in d.reasons)


def test_a_condition_not_given_counts_as_not_confirmed_and_says_what_to_check():
    d = decide(disc("late-fee-waiver"), "rep", 12, {"account-in-good-standing": True}, times_used=0)
    assert d.verdict != "within" and d.may_offer == 0  # safe until checked
    assert d.unconfirmed == ("first-offence",)
    assert any("first-offence, which is not confirmed yet" in r for r in d.reasons)
    assert d.if_confirmed is not None and d.if_confirmed.verdict == "within" and d.if_confirmed.may_offer == 12
    text = format_decision(d)
    assert text.startswith("Check first: first-offence.")
    assert "If it all checks out — within your discretion: you may offer up to £12.00" in text


def test_unknown_waiver_history_is_a_check_not_an_escalation():
    d = decide(disc("late-fee-waiver"), "rep", 12, CLEAN)
    assert d.unconfirmed == (HISTORY,)
    assert d.if_confirmed.verdict == "within"
    assert "Check first: the waiver history" in format_decision(d)


def test_checks_that_would_change_nothing_are_not_asked_for():
    # The rep row is used up anyway, so first-offence does not matter; good standing does.
    d = decide(disc("late-fee-waiver"), "rep", 12, {}, times_used=1)
    assert d.unconfirmed == ("account-in-good-standing",)
    assert d.if_confirmed.verdict == "senior"


def test_a_rep_may_never_refund_outside_policy():
    facts = {"account-in-good-standing": True, "tenure-over-12-months": True}
    d = decide(disc("refund-outside-policy"), "rep", 30, facts, times_used=0)
    assert (d.verdict, d.who, d.may_offer) == ("senior", "senior-rep", Decimal(0))
    assert "A rep may not grant any amount of this." in d.reasons
    big = decide(disc("refund-outside-policy"), "senior-rep", 120, facts, times_used=0)
    assert (big.verdict, big.who, big.may_offer) == ("senior", "supervisor", Decimal(40))
    huge = decide(disc("refund-outside-policy"), "supervisor", 400, facts, times_used=0)
    assert (huge.verdict, huge.who, huge.may_offer) == ("escalate", "manager", Decimal(150))
    assert huge.deciding_limit.endswith("beyond that, manager decides")


def test_the_escalate_to_role_and_above_have_no_limit_on_the_card():
    d = decide(disc("late-fee-waiver"), "supervisor", 200, {})
    assert d.verdict == "within" and d.may_offer == Decimal(200) and d.unlimited
    assert "this card puts no limit on a supervisor" in format_decision(d)
    assert decide(disc("late-fee-waiver"), "manager", 200).verdict == "within"
    assert decide(disc("refund-outside-policy"), "manager", 5000).verdict == "within"


def test_authority_is_cumulative_a_senior_rep_may_do_what_a_rep_may():
    # Café card: the rep row needs first-offence, the senior-rep row good standing.
    d = decide(
        disc("cafe-partner-loyalty-fee"),
        "senior-rep",
        "10.50",
        {"first-offence": True, "account-in-good-standing": False},
        0,
    )
    assert d.verdict == "within" and d.may_offer == Decimal("10.5")
    assert d.deciding_limit.startswith("rep: up to £10.50")
    assert "The rep limit still applies to you." in d.reasons


def test_role_names_are_forgiving_about_case_and_spaces():
    assert decide(disc("late-fee-waiver"), " Senior Rep ", 1, CLEAN, 0).role == "senior-rep"


def test_unknown_role_lists_the_roles_on_the_card():
    with pytest.raises(AuthorityInputError) as e:
        decide(disc("late-fee-waiver"), "agent", 12, CLEAN, 0)
    assert "Unknown role 'agent'" in str(e.value)
    assert "rep, senior-rep, and supervisor decides beyond them" in str(e.value)
    with pytest.raises(AuthorityInputError, match="Did you mean 'senior-rep'"):
        decide(disc("late-fee-waiver"), "senior-rpe", 12)
    with pytest.raises(AuthorityInputError, match="Unknown role 'supervisor'"):
        decide(disc("refund-outside-policy") | {"roles": disc("refund-outside-policy")["roles"][:2]}, "supervisor", 1)


def test_a_fact_the_card_does_not_use_is_reported_not_silently_dropped():
    d = decide(disc("late-fee-waiver"), "rep", 12, {"first-ofence": True, "account-in-good-standing": True}, 0)
    assert d.ignored_facts == ("first-ofence (did you mean first-offence?)",)
    assert "Not a condition on this card (ignored): first-ofence" in format_decision(d)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", "12"),
        ("£12.50", "12.50"),
        (" 12.5 ", "12.5"),
        ("1,250", "1250"),
        (".5", "0.5"),
        (12, "12"),
        (12.5, "12.5"),
        (10.1, "10.1"),
        (Decimal("12.50"), "12.50"),
        (0, "0"),
        ("-0", None),
    ],
)
def test_amounts_in_the_forms_people_type(value, expected):
    if expected is None:
        with pytest.raises(AuthorityInputError):
            parse_amount(value)
    else:
        assert parse_amount(value) == Decimal(expected)


@pytest.mark.parametrize(
    "value, words",
    [
        ("-5", "negative"),
        (-5, "negative"),
        (Decimal("-0.01"), "negative"),
        ("abc", "not a number"),
        ("12,50", "use a dot for pence"),
        ("", "No amount"),
        ("   ", "No amount"),
        (float("nan"), "NaN"),
        (float("inf"), "infinity"),
        (Decimal("NaN"), "NaN"),
        (Decimal("sNaN"), "NaN"),
        (Decimal("Infinity"), "infinity"),
        ("1e9", "not a number"),
        (10**30, "far too large"),
        (Decimal("1e30"), "far too large"),
        ("99999999999", "far too large"),
        (True, "not true/false"),
        ([12], "not list"),
        (None, "not NoneType"),
        (Decimal("1e-30"), "decimal places"),
        ("1" * 50, "too long"),
        ("£", "not a number"),
        ("12..5", "not a number"),
    ],
)
def test_bad_amounts_get_a_clear_message(value, words):
    with pytest.raises(AuthorityInputError) as e:
        decide(disc("late-fee-waiver"), "rep", value, CLEAN, 0)
    assert words in str(e.value)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"facts": {"first-offence": "yes"}}, "must be yes or no"),
        ({"facts": ["first-offence"]}, "Facts must be given"),
        ({"facts": {3: True}}, "condition name"),
        ({"times_used": -1}, "cannot be negative"),
        ({"times_used": "1"}, "whole number"),
        ({"times_used": True}, "whole number"),
    ],
)
def test_bad_facts_and_history_get_a_clear_message(kwargs, words):
    with pytest.raises(AuthorityInputError, match=words):
        decide(disc("late-fee-waiver"), "rep", 12, **kwargs)


@pytest.mark.parametrize(
    "block, words",
    [
        (None, "no discretion limits"),
        ({"unit": "GBP", "roles": [{"role": "rep", "max_amount": 1}]}, "escalate_to"),
        ({"unit": "GBP", "escalate_to": "supervisor", "roles": []}, "no list of roles"),
        ({"unit": "GBP", "escalate_to": "supervisor", "roles": [{"role": "rep", "max_amount": "lots"}]}, "max_amount"),
        (
            {
                "unit": "GBP",
                "escalate_to": "supervisor",
                "roles": [{"role": "rep", "max_amount": 1}, {"role": "rep", "max_amount": 2}],
            },
            "twice",
        ),
    ],
)
def test_a_broken_discretion_block_is_an_input_error_not_a_crash(block, words):
    with pytest.raises(AuthorityInputError, match=words):
        decide(block, "rep", 1)


def test_decision_is_frozen_and_json_keeps_exact_amounts():
    d = decide(disc("cafe-partner-loyalty-fee"), "rep", "10.50", {"first-offence": True}, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.verdict = "within"  # type: ignore[misc]
    data = d.as_json()
    assert data["may_offer"] == "10.5" and data["amount"] == "10.50" and data["unit"] == "GBP"


def test_other_units_read_naturally():
    block = {"unit": "loyalty points", "escalate_to": "supervisor", "roles": [{"role": "rep", "max_amount": 500}]}
    assert "you may offer up to 500.00 loyalty points" in format_decision(decide(block, "rep", 100))
    block["unit"] = "EUR"
    assert "€500.00" in format_decision(decide(block, "rep", 100))


# -- properties ----------------------------------------------------------------------
DISCRETION_CARDS = [c.id for c in bundled_of_kind("guideline") if "discretion" in c.fields]

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.from_regex(r"[£$€]?-?[0-9,]{0,12}(\.[0-9]{0,8})?", fullmatch=True),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    card_id=st.sampled_from(DISCRETION_CARDS),
    role=st.one_of(st.sampled_from(["rep", "senior-rep", "supervisor", "manager"]), st.text(max_size=12), st.none()),
    amount=anything,
    facts=st.one_of(
        st.none(),
        st.lists(st.text()),
        st.dictionaries(
            st.one_of(
                st.sampled_from(["first-offence", "account-in-good-standing", "tenure-over-12-months"]),
                st.text(),
                st.integers(),
            ),
            st.one_of(st.booleans(), st.none(), st.integers(), st.text(max_size=3)),
            max_size=4,
        ),
    ),
    used=st.one_of(st.none(), st.integers(-3, 5), st.text(max_size=2), st.booleans()),
)
def test_any_input_gives_a_decision_or_a_clear_authority_error(card_id, role, amount, facts, used):
    try:
        d = decide(disc(card_id), role, amount, facts, used)
    except AuthorityInputError as e:
        assert str(e).strip() and "Traceback" not in str(e)
        return
    assert isinstance(d, Decision) and d.verdict in ("within", "senior", "escalate")
    assert format_decision(d).strip()


@st.composite
def discretion_blocks(draw):
    n = draw(st.integers(1, 4))
    limits = sorted(draw(st.lists(st.decimals(0, 500, places=2), min_size=n, max_size=n)))
    conds = ["first-offence", "account-in-good-standing", "tenure-over-12-months"]
    roles = []
    for i, limit in enumerate(limits):
        row = {"role": f"role-{i}", "max_amount": float(limit)}
        if draw(st.booleans()):
            row["conditions"] = draw(st.lists(st.sampled_from(conds), unique=True, max_size=2))
        if draw(st.booleans()):
            row["per_customer"] = {"count": draw(st.integers(1, 3)), "months": 12}
        roles.append(row)
    return {"unit": "GBP", "escalate_to": "top", "roles": roles}


facts_strategy = st.dictionaries(
    st.sampled_from(["first-offence", "account-in-good-standing", "tenure-over-12-months"]),
    st.one_of(st.booleans(), st.none()),
)


@settings(max_examples=400, deadline=None)
@given(
    block=discretion_blocks(),
    data=st.data(),
    amount=st.decimals(0, 1000, places=2),
    facts=facts_strategy,
    used=st.one_of(st.none(), st.integers(0, 4)),
)
def test_may_offer_never_exceeds_the_reps_own_limit(block, data, amount, facts, used):
    role = data.draw(st.sampled_from([r["role"] for r in block["roles"]]))
    d = decide(block, role, amount, facts, used)
    own = Decimal(repr(next(r["max_amount"] for r in block["roles"] if r["role"] == role)))
    assert 0 <= d.may_offer <= own
    if d.verdict == "within":
        assert amount <= d.may_offer  # "within" always covers what was asked
    if d.if_confirmed is not None:
        assert d.if_confirmed.may_offer <= own


RANK = {"within": 0, "senior": 1, "escalate": 2}


@settings(max_examples=400, deadline=None)
@given(
    block=discretion_blocks(),
    data=st.data(),
    a=st.decimals(0, 1000, places=2),
    b=st.decimals(0, 1000, places=2),
    facts=facts_strategy,
    used=st.one_of(st.none(), st.integers(0, 4)),
)
def test_asking_for_more_never_makes_the_answer_more_lenient(block, data, a, b, facts, used):
    low, high = sorted((a, b))
    role = data.draw(st.sampled_from([r["role"] for r in block["roles"]] + ["top"]))
    d_low, d_high = decide(block, role, low, facts, used), decide(block, role, high, facts, used)
    assert RANK[d_low.verdict] <= RANK[d_high.verdict]
    assert not (d_low.verdict == "escalate" and d_high.verdict == "within")
    assert d_low.may_offer <= d_high.may_offer
