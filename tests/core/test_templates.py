"""New cards from a template per kind (issue 11, point 5): valid from the first save."""

from __future__ import annotations

import datetime as dt

import pytest

from workaid.core.authoring.review_queue import DEFAULT_REVIEW_DAYS
from workaid.core.authoring.templates import TemplateError, new_card
from workaid.core.content.cards import parse_card
from workaid.core.content.kinds import KINDS, placeholders_in
from workaid.core.errors import WorkAidError

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kinds_template_parses_clean_with_the_given_id_title_and_owner(kind):
    text = new_card(kind, f"new-{kind}", f"A new {kind}", owner="billing-team", today=TODAY)
    result = parse_card(text.encode("utf-8"), f"new-{kind}.md")
    assert result.problems == []
    card = result.card
    assert (card.id, card.kind, card.title, card.owner) == (f"new-{kind}", kind, f"A new {kind}", "billing-team")
    assert card.review_by == TODAY + dt.timedelta(days=DEFAULT_REVIEW_DAYS)
    assert card.body.strip() and card.summary


def test_guideline_template_has_a_two_row_discretion_table_the_desk_can_use():
    card = parse_card(new_card("guideline", "fee", "A fee", today=TODAY).encode(), "fee.md").card
    roles = card.fields["discretion"]["roles"]
    assert [r["role"] for r in roles] == ["rep", "senior-rep"]
    assert roles[0]["max_amount"] <= roles[1]["max_amount"]
    # one source for every number: the body does not restate the limits
    assert not any(str(r["max_amount"]) in card.body for r in roles)


def test_script_template_declares_its_placeholder_and_says_a_real_sentence():
    card = parse_card(new_card("script", "s", "A script", today=TODAY).encode(), "s.md").card
    assert placeholders_in(card.body) == list(card.fields["placeholders"]) == ["customer_name"]
    assert card.fields["placeholders"]["customer_name"]  # help text for the rep
    say = card.body.split("## Say", 1)[1].split("##", 1)[0]
    assert "{customer_name}" in say and "TODO" not in card.body.upper()


def test_checklist_template_has_two_steps_with_outcomes():
    card = parse_card(new_card("checklist", "c", "A checklist", today=TODAY).encode(), "c.md").card
    steps = card.fields["steps"]
    assert len(steps) == 2 and steps[0]["no"] == steps[1]["id"]
    assert {steps[1]["yes"]["outcome"], steps[1]["no"]["outcome"]} == {"expert", "handle"}


def test_contact_template_has_channel_direct_line_and_hours_with_a_time_zone():
    card = parse_card(new_card("contact", "t", "Billing desk", today=TODAY).encode(), "t.md").card
    assert card.fields["team"] == "Billing desk"
    assert card.fields["channel"] == "phone" and card.fields["direct"]
    assert card.fields["hours"] and card.fields["timezone"] == "Europe/London"


def test_without_an_owner_the_template_has_no_owner_line():
    assert "owner:" not in new_card("scenario", "x", "X", today=TODAY)


@pytest.mark.parametrize("bad_id", ["", "Late-Fee", "-x", "late fee", "café", "x" * 81, "a_b"])
def test_a_bad_id_is_refused_with_the_rule_in_words(bad_id):
    with pytest.raises(TemplateError, match=r"must be 1-80 characters of a-z, 0-9 and '-'") as e:
        new_card("guideline", bad_id, "Title", today=TODAY)
    assert isinstance(e.value, WorkAidError) and isinstance(e.value, ValueError)


def test_an_unknown_kind_or_a_bad_title_is_refused():
    with pytest.raises(TemplateError, match="kind 'faq' is not one of: guideline, script"):
        new_card("faq", "x", "X")
    with pytest.raises(TemplateError, match="one line"):
        new_card("guideline", "x", "two\nlines")
    with pytest.raises(TemplateError, match="one line"):
        new_card("guideline", "x", "   ")


def test_a_title_with_yaml_characters_survives():
    text = new_card("guideline", "x", "Fees: what 'no' means # really", today=TODAY)
    assert parse_card(text.encode(), "x.md").card.title == "Fees: what 'no' means # really"
