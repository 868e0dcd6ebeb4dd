"""The escalation desk's call session, recommendation plans, directory ranking, and the
small helpers the desk added to authority.py and scripts.py."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.core.bundled_cards import bundled, bundled_of_kind
from workaid.core.desk.authority import decide, unit_symbol
from workaid.core.desk.authority_words import headline, verdict_label
from workaid.core.desk.checklist import Walk
from workaid.core.desk.handoff import render
from workaid.core.desk.routing import (
    BEFORE_TRANSFER,
    Contact,
    hint_words,
    plan_for,
    rank_contacts,
)
from workaid.core.desk.scripts import fill_for_copy, say_sections
from workaid.core.desk.session import CallSession, authority_summary
from workaid.core.settings import REGISTRY, Settings

LONDON = ZoneInfo("Europe/London")
WED_1110 = dt.datetime(2026, 11, 25, 11, 10, tzinfo=LONDON)


class Clock:
    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def contacts() -> list[Contact]:
    return [Contact.from_card(c) for c in bundled_of_kind("contact")]


def walk_to(*answers: bool):
    w = Walk.from_card(bundled("escalation-checklist"))
    for a in answers:
        w.answer(a)
    return w


# -- authority words -------------------------------------------------------------------
def test_verdict_labels_name_the_answer_in_a_few_words():
    limits = bundled("late-fee-waiver").fields["discretion"]
    assert (
        verdict_label(decide(limits, "rep", "12", {"first-offence": True, "account-in-good-standing": True}, 0))
        == "Within your discretion"
    )
    assert verdict_label(decide(limits, "rep", "20", {"account-in-good-standing": True}, 1)) == "Needs a senior rep"
    assert verdict_label(decide(limits, "rep", "40", {"account-in-good-standing": True}, 0)) == "Escalate to supervisor"
    assert verdict_label(decide(limits, "supervisor", "40")) == "Within your authority"
    d = decide(limits, "rep", "20", {"account-in-good-standing": True}, 1)
    assert headline(d).startswith("Needs a senior-rep: £20.00 is beyond what you may grant")


def test_unit_symbol():
    assert [unit_symbol(u) for u in ("GBP", " gbp ", "EUR", "CHF", "credits")] == ["£", "£", "€", "CHF", "credits"]


def test_authority_summary_is_one_line_for_the_note():
    limits = bundled("late-fee-waiver").fields["discretion"]
    d = decide(limits, "rep", "20", {"account-in-good-standing": True}, 1)
    line = authority_summary("Waiving a late-payment fee", d)
    assert line == (
        "Authority check (Waiving a late-payment fee): £20.00 asked as rep — needs a senior rep; I may not offer anything myself."
    )
    assert "\n" not in line
    unsure = authority_summary("Waiving a late-payment fee", decide(limits, "rep", "12"))
    assert unsure.endswith("Not yet confirmed: first-offence, account-in-good-standing, waiver history.")
    assert "I may not offer anything myself" in unsure
    ok = authority_summary(
        "Waiving a late-payment fee",
        decide(limits, "rep", "12", {"first-offence": True, "account-in-good-standing": True}, 0),
    )
    assert ok.endswith("within your discretion; I may offer up to £12.00 myself.")


# -- plans ------------------------------------------------------------------------------
def test_expert_plan_names_the_script_and_what_to_do_first():
    plan = plan_for(walk_to(False, True).result)
    assert (plan.outcome, plan.level, plan.card, plan.script) == (
        "expert",
        2,
        "expert-directory",
        "script-handoff-expert",
    )
    assert plan.title == "Pass it to an expert" and plan.needs_target
    assert "Write the hand-off note before you transfer, not after." in plan.before


def test_supervisor_and_handle_plans():
    sup = plan_for(walk_to(False, False, False, True).result)
    assert (sup.level, sup.script, sup.before) == (3, "script-handoff-supervisor", BEFORE_TRANSFER["supervisor"])
    handle = plan_for(walk_to(False, False, False, False, False, False).result)
    assert (handle.level, handle.script, handle.needs_target) == (1, None, False)


def test_abusive_caller_plan_leads_to_the_protocol_script():
    plan = plan_for(walk_to(True).result)
    assert (plan.card, plan.script) == ("abusive-caller-protocol", "script-end-abusive-call")


# -- the directory -------------------------------------------------------------------------
def test_contact_from_card_and_open_now():
    billing = Contact.from_card(bundled("contact-billing-specialists"))
    assert (billing.team, billing.channel_label, billing.direct) == ("Billing specialists", "Phone", "020 7946 0410")
    assert billing.hours_text == "Mon-Fri 08:00-18:00 Europe/London"
    assert "payment traces" in billing.topics_text
    assert billing.now_text(WED_1110) == "Open now"
    assert billing.now_text(WED_1110.replace(hour=19)) == "Closed now — opens Thu 08:00"
    assert billing.now_text(WED_1110.replace(hour=7)) == "Closed now — opens today 08:00"
    saturday = dt.datetime(2026, 11, 28, 12, 0, tzinfo=LONDON)
    assert billing.now_text(saturday) == "Closed now — opens Mon 08:00"
    # The rep's own zone differs: the opening is also given in their time.
    new_york = saturday.astimezone(ZoneInfo("America/New_York"))
    assert billing.now_text(new_york) == "Closed now — opens Mon 08:00 (03:00 your time)"


def test_contact_without_hours_says_so():
    class Card:
        id, title, fields = "x", "X team", {"team": "X", "topics": ["a"], "channel": "chat", "direct": "x@example.com"}

    c = Contact.from_card(Card())
    assert c.open_at(WED_1110) is None and c.hours_text == "No hours on the card"
    assert c.now_text(WED_1110).startswith("No hours given")
    Card.fields = {**Card.fields, "hours": "Mon-Fry 08:00-18:00", "timezone": "Europe/London"}
    bad = Contact.from_card(Card())
    assert "'Fry'" in bad.hours_text and bad.now_text(WED_1110).startswith("Hours unknown")


def test_ranking_puts_the_supervisor_desk_first_for_level_3():
    ranked = rank_contacts(contacts(), "supervisor")
    assert ranked[0].id == "contact-duty-supervisor"


def test_ranking_for_an_expert_follows_the_cards_consulted():
    hints = hint_words([bundled("late-fee-waiver"), bundled("escalation-checklist")])
    assert {"fee", "billing", "payment"} <= hints and "escalation" not in hints
    ranked = rank_contacts(contacts(), "expert", hints)
    assert ranked[0].id == "contact-billing-specialists"
    assert ranked[-1].id == "contact-duty-supervisor"
    outage = rank_contacts(contacts(), "expert", hint_words([bundled("scenario-outage-expert-handoff")]))
    assert outage[0].id == "contact-tech-support-tier2"


# -- the call session -----------------------------------------------------------------------
def session(clock: Clock | None = None) -> CallSession:
    from workaid.core.desk.call_timer import CallTimer

    return CallSession(timer=CallTimer(clock or Clock()))


def test_cards_are_tracked_only_once_the_call_has_started():
    s = session()
    assert not s.note_card("late-fee-waiver", "Waiving a late-payment fee")
    assert s.toggle_timer() is True
    assert s.note_card("late-fee-waiver", "Waiving a late-payment fee")
    assert not s.note_card("late-fee-waiver", "Waiving a late-payment fee")
    assert s.toggle_timer() is False  # paused: still the same call
    assert s.note_card("expert-directory", "Expert directory")
    assert [c.id for c in s.cards] == ["late-fee-waiver", "expert-directory"]
    s.new_call()
    assert s.cards == [] and not s.started and s.timer.elapsed() == 0


def test_the_timer_answers_the_time_threshold_only_when_it_knows():
    clock = Clock()
    s = session(clock)
    assert s.timer_answer("time-threshold") is None  # never started: ask the rep
    s.toggle_timer()
    clock.t = 19 * 60
    assert s.timer_answer("time-threshold") == (False, "the call timer")
    assert s.timer_answer("abusive") is None
    clock.t = 21 * 60
    assert s.timer_answer("time-threshold") is None  # over: is there a clear path? only the rep knows
    assert s.over_threshold()


def test_typed_values_and_the_target_fill_scripts():
    s = session()
    s.remember({"customer_name": " Ann  Lee ", "case_ref": "", "customer_issue": "Paid on time, charged a late fee"})
    assert s.values == {"customer_name": "Ann Lee", "customer_issue": "Paid on time, charged a late fee"}
    billing = Contact.from_card(bundled("contact-billing-specialists"))
    s.set_target(billing)
    placeholders = bundled("script-handoff-expert").fields["placeholders"]
    assert s.script_values(placeholders) == {
        "customer_name": "Ann Lee",
        "customer_issue": "Paid on time, charged a late fee",
        "team": "Billing specialists",
        "expert": "a specialist",
        "direct_contact": "020 7946 0410",
    }
    assert "team" not in s.values  # the team's details stay the team's: they follow it
    # The team fills only the hand-off scripts: in the abusive-call script {direct_contact}
    # is how the customer writes to us, not the team's phone.
    assert s.script_values(["customer_name", "direct_contact"], "script-end-abusive-call") == {
        "customer_name": "Ann Lee"
    }
    assert s.script_values(["team"], "script-handoff-expert") == {"team": "Billing specialists"}
    # Another team replaces what the first one filled, never what the rep typed.
    s.remember({"direct_contact": "ext 4102"})
    s.set_target(Contact.from_card(bundled("contact-tech-support-tier2")))
    assert s.script_values(["team", "direct_contact"]) == {
        "team": "Technical support tier 2",
        "direct_contact": "ext 4102",
    }


def test_draft_note_carries_the_call_so_far():
    s = session()
    s.toggle_timer()
    s.note_card("late-fee-waiver", "Waiving a late-payment fee")
    s.remember(
        {"issue_summary": "Says the payment left the bank on time", "case_ref": "WA-20418", "customer_name": "Ann"}
    )
    w = walk_to(False, True)
    s.record_checklist(w.result, w.summary())
    s.set_target(Contact.from_card(bundled("contact-billing-specialists")))
    limits = bundled("late-fee-waiver").fields["discretion"]
    s.authority_note = authority_summary(
        "Waiving a late-payment fee", decide(limits, "rep", "20", {"account-in-good-standing": True}, 1)
    )
    note = s.draft_note()
    assert (note.level, note.reason, note.target, note.target_contact) == (
        2,
        "Beyond the rep's knowledge",
        "Billing specialists",
        "020 7946 0410",
    )
    assert note.summary == "Says the payment left the bank on time" and note.case_ref == "WA-20418"
    assert note.callback_owner == "Billing specialists" and note.callback is None
    text = render(note)
    assert "Tried: Authority check (Waiving a late-payment fee)" in text
    assert "Escalation checklist: Beyond the rep's knowledge." in text
    assert "Ann" not in text  # the customer's name is for the script, not the note
    assert s.call_seconds() == 0


def test_no_call_no_call_length():
    s = session()
    assert s.call_seconds() is None and s.draft_note().level == 2 and s.draft_note().reason == ""


# -- scripts ----------------------------------------------------------------------------------
def test_say_sections_of_the_bundled_scripts():
    titles = [s.title for s in say_sections(bundled("script-handoff-expert").body)]
    assert titles == ["Say — callback", "Say — live transfer"]
    first = say_sections(bundled("script-handoff-expert").body)[0]
    assert first.markdown.startswith('"{customer_name}, I want to make sure')
    assert "## Notes" not in first.markdown and "Always give a time" not in first.markdown
    for card in bundled_of_kind("script"):
        assert say_sections(card.body), card.id


def test_say_sections_edge_cases():
    body = "Intro\n\n## Say\n\nHello {name}\n\n### Tone\n\nsoft\n\n```\n## Say not a heading\n```\n\n## Notes\n\nno\n\n## Say — empty\n\n## Say again\nbye\n"
    sections = say_sections(body)
    assert [s.title for s in sections] == ["Say", "Say again"]
    assert "### Tone" in sections[0].markdown and "## Say not a heading" in sections[0].markdown
    assert say_sections("no headings") == [] and say_sections(None) == []


def test_fill_for_copy_gives_plain_text_and_keeps_values_as_typed():
    f = fill_for_copy('"Hello **{name}**, ref {ref}."\n\n> quoted\n', {"name": "Ann *B* <i>", "ref": "WA-1"})
    assert f.text == '"Hello Ann *B* <i>, ref WA-1."\nquoted'
    assert "<strong>Ann *B* &lt;i&gt;</strong>" in f.html and f.complete
    missing = fill_for_copy("Hi {name}", {})
    assert missing.missing == ("name",) and missing.text == "Hi [name?]"


def test_role_setting(tmp_path):
    assert REGISTRY["desk.role"].default == "rep"
    s = Settings(tmp_path / "p.json")
    s.set("desk.role", "senior-rep")
    s.save()
    assert Settings(tmp_path / "p.json").get("desk.role") == "senior-rep"


def test_protocol_summary_is_one_line_with_times():
    from workaid.core.desk.abusive import AbusiveCallRecord, protocol_summary

    times = iter([WED_1110, WED_1110.replace(minute=12), WED_1110.replace(minute=13)])
    record = AbusiveCallRecord(clock=lambda: next(times))
    assert protocol_summary(record) == ""
    record.first_warning()
    record.final_warning()
    record.transfer("Duty supervisor desk")
    assert protocol_summary(record, LONDON) == (
        "Abusive-caller protocol: First warning given 11:10; Final warning given 11:12; Transferred to Duty supervisor desk 11:13."
    )
    s = session()
    s.protocol_note = protocol_summary(record, LONDON)
    assert s.tried_text().startswith("Abusive-caller protocol: First warning given 11:10")
