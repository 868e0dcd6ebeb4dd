"""The hand-off note: readable in a ticket, and complete before it is sent."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.core.bundled_cards import bundled
from workaid.core.content.hours import ContactHours
from workaid.core.desk.handoff import (
    ConsultedCard,
    HandoffNote,
    consulted,
    problems,
    render,
)

LONDON = ZoneInfo("Europe/London")
BILLING = ContactHours.from_fields(bundled("contact-billing-specialists").fields)


def note(**kw) -> HandoffNote:
    base = {
        "level": 2,
        "reason": "Beyond the rep's knowledge",
        "target": "Billing specialists",
        "target_contact": "020 7946 0410",
        "cards": [
            ConsultedCard("late-fee-waiver", "Waiving a late-payment fee"),
            ConsultedCard("expert-directory", "Expert and team directory — who handles what"),
        ],
        "tried": "Checked payment history: paid 3 Nov by card.\nLate fee £12 still on the bill.",
        "summary": "Says she paid on time; charged a £12 late fee anyway",
        "callback": dt.datetime(2026, 11, 24, 16, 0, tzinfo=LONDON),
        "callback_owner": "Billing specialists",
        "case_ref": "WA-20418",
    }
    base.update(kw)
    return HandoffNote(**base)


def test_render_is_short_labelled_lines_for_a_ticket():
    assert render(note()) == (
        "Level: 2 — expert (product/technical)\n"
        "Reason: Beyond the rep's knowledge\n"
        "Case: WA-20418\n"
        "Issue: Says she paid on time; charged a £12 late fee anyway\n"
        "Tried: Checked payment history: paid 3 Nov by card.\n"
        "       Late fee £12 still on the bill.\n"
        "To: Billing specialists — 020 7946 0410\n"
        "Callback: Tue 24 Nov 2026 16:00 GMT, by Billing specialists\n"
        "Cards: late-fee-waiver (Waiving a late-payment fee); expert-directory (Expert and team directory — who handles what)\n"
    )


def test_render_leaves_out_what_is_empty_but_flags_an_unset_callback():
    text = render(note(tried="", case_ref="", cards=[], callback=None))
    assert "Tried:" not in text and "Case:" not in text and "Cards:" not in text
    assert "Callback: not set" in text
    level1 = render(HandoffNote(level=1, reason="Within policy", summary="Waived £12 late fee"))
    assert level1 == "Level: 1 — handled by the rep\nReason: Within policy\nIssue: Waived £12 late fee\n"


def test_render_keeps_control_characters_out_of_the_ticket():
    text = render(note(summary="Line one\x1b[31m\r\n\tline two  "))
    assert "\x1b" not in text and "Issue: Line one [31m\n       line two\n" in text


def test_a_complete_note_within_the_teams_hours_has_no_problems():
    assert problems(note(), BILLING) == []


def test_problems_list_what_the_next_person_would_have_to_ask_for():
    found = problems(note(summary=" ", callback=None, target="", target_contact=""), BILLING)
    assert "Add a summary of the issue in the customer's words, so they never have to repeat it." in found
    assert any(p.startswith("Set a callback time") for p in found)
    assert any(p.startswith("Say who takes it over") for p in found)
    assert any(p.startswith("Add the direct contact") for p in found)


def test_a_callback_outside_the_teams_hours_is_flagged():
    friday_evening = dt.datetime(2026, 11, 27, 19, 30, tzinfo=LONDON)
    found = problems(note(callback=friday_evening), BILLING)
    assert found == [
        "Billing specialists are closed at 19:30 on Friday (Mon-Fri 08:00-18:00 Europe/London); they next open Monday 08:00."
    ]


def test_a_callback_needs_an_owner_and_a_time_zone():
    found = problems(note(callback_owner="", callback=dt.datetime(2026, 11, 24, 16, 0)), BILLING)
    assert any("callback owner" in p for p in found)
    assert any("no time zone" in p for p in found)


def test_level_one_needs_no_callback_but_a_bad_level_is_named():
    assert problems(HandoffNote(level=1, reason="Within policy", summary="Waived the fee")) == []
    assert "The level must be 1, 2 or 3, not 4." in problems(note(level=4))


def test_cards_consulted_are_kept_once_in_the_order_opened():
    n = note(cards=[])
    for card_id in ("late-fee-waiver", "fee-waiver-basics", "late-fee-waiver"):
        n.add_card(card_id, bundled(card_id).title)
    assert [c.id for c in n.cards] == ["late-fee-waiver", "fee-waiver-basics"]
    assert consulted([bundled("late-fee-waiver"), bundled("late-fee-waiver")]) == [
        ConsultedCard("late-fee-waiver", "Waiving a late-payment fee")
    ]
