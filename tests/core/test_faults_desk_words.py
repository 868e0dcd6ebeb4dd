"""Fault campaign, "what a rep says aloud": the words read or pasted to a customer are
complete or say what they still need, never carry the rep's note for colleagues, the
checklist's route agrees with the authority check, a changed card is described, and the
directory holds every contact card. Each test is named after the fault it pins."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.bundled_cards import bundled, bundled_of_kind
from tests.core.conftest import CONTENT
from workaid.core.content.kinds import placeholders_in
from workaid.core.content.library import Library
from workaid.core.desk.abusive import PROTOCOL_SCRIPTS
from workaid.core.desk.authority import decide
from workaid.core.desk.call_timer import CallTimer
from workaid.core.desk.checklist import Walk
from workaid.core.desk.handoff import render
from workaid.core.desk.routing import Contact, plan_for, rank_contacts
from workaid.core.desk.scripts import (
    CUSTOMER_ISSUE,
    for_customer,
    say_sections,
    say_text,
    speakable,
)
from workaid.core.desk.session import CallSession, authority_summary

INTERNAL = "Broadband down since Monday; threatens CEO complaint"
_LEFTOVER = re.compile(r"\[[^\]\n]*\?\]|\{[^{}\n]*\}")


def session() -> CallSession:
    return CallSession(timer=CallTimer(lambda: 0.0))


def second_late_fee_decision():
    """Mrs Adeyemi: £12, not a first offence (one waiver in October), account in good standing."""
    limits = bundled("late-fee-waiver").fields["discretion"]
    return decide(limits, "rep", "12", {"first-offence": False, "account-in-good-standing": True}, 1)


def walk_to_beyond_discretion():
    w = Walk.from_card(bundled("escalation-checklist"))
    for answer in (False, False, False, False, False, True):  # ... the last: beyond your discretion? yes
        w.answer(answer)
    return w


# -- 14: words for the customer ------------------------------------------------------------
def test_internal_issue_summary_never_reaches_words_said_to_the_customer():
    s = session()
    s.remember(
        {"issue_summary": INTERNAL, CUSTOMER_ISSUE: "your broadband", "customer_name": "Mr Grant", "case_ref": "WA-7"}
    )
    said_to_colleague = 0
    for card in bundled_of_kind("script"):
        for section in say_sections(card.body):
            words = s.say(section, card.id)
            if for_customer(section.title):
                assert "CEO" not in words.text and "CEO" not in words.html, (card.id, section.title)
            elif "issue_summary" in placeholders_in(section.markdown):
                said_to_colleague += 1
                assert INTERNAL in words.text  # the colleague does get the rep's summary
    assert said_to_colleague >= 2  # the supervisor and the senior-rep briefings


def test_abusive_protocol_steps_ask_for_every_field_and_end_complete():
    s = session()
    s.remember({"issue_summary": INTERNAL})
    first = say_sections(bundled(PROTOCOL_SCRIPTS["first-warning"]).body)[0]
    words = s.say(first, PROTOCOL_SCRIPTS["first-warning"])
    assert words.missing == ("customer_name", CUSTOMER_ISSUE) and not words.complete
    assert "CEO" not in words.text
    s.remember({"customer_name": "Mr Grant", CUSTOMER_ISSUE: "your broadband"})
    for step, script in PROTOCOL_SCRIPTS.items():
        section = say_sections(bundled(script).body)[0]
        words = s.say(section, script)
        if step == "end-or-transfer":
            assert words.missing == ("case_ref", "direct_contact")
            s.remember({"case_ref": "WA-7", "direct_contact": "help@example.com"})
            words = s.say(section, script)
        assert words.complete, (step, words.missing)
        assert not _LEFTOVER.search(words.text) and "CEO" not in words.text, (step, words.text)


def test_the_protocol_card_itself_reads_no_made_up_case_reference_to_the_customer():
    body = bundled("abusive-caller-protocol").body
    assert "WA-20418" not in body


def test_a_site_script_that_says_issue_summary_to_the_customer_asks_for_the_customer_words():
    body = (
        '## Say — to the customer\n\n"{customer_name}, sorry about {issue_summary}."\n\n'
        '## Say — to the supervisor\n\n"In short: {issue_summary}."\n\n## Notes\n\n{issue_summary} stays here.\n'
    )
    spoken = speakable(body)
    sections = say_sections(spoken)
    assert placeholders_in(sections[0].markdown) == ["customer_name", CUSTOMER_ISSUE]
    assert placeholders_in(sections[1].markdown) == ["issue_summary"]
    assert spoken.endswith("{issue_summary} stays here.\n")
    words = say_text(say_sections(body)[0], {"issue_summary": INTERNAL, "customer_name": "Ann"})
    assert words.missing == (CUSTOMER_ISSUE,) and INTERNAL not in words.text


def test_hand_off_note_takes_the_reps_summary_else_the_customer_words():
    s = session()
    s.remember({CUSTOMER_ISSUE: "your broadband"})
    assert s.draft_note().summary == "your broadband"
    s.remember({"issue_summary": INTERNAL})
    assert s.draft_note().summary == INTERNAL


_NAMES = st.sampled_from(["customer_name", "issue_summary", CUSTOMER_ISSUE, "case_ref", "x y"])
_HEADINGS = st.sampled_from(
    ["## Say", "## Say — to the customer", "## Say — to the supervisor", "### Say — to my manager", "## Notes", "```"]
)
_LINE = st.one_of(_HEADINGS, st.text(alphabet="ab {}\\?[]", max_size=12), _NAMES.map(lambda n: "{" + n + "}"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=25))
def test_speakable_never_leaves_the_internal_summary_in_words_for_the_customer(lines):
    body = "\n".join(lines)
    spoken = speakable(body)
    assert len(spoken.splitlines()) == len(body.splitlines())  # line for line: nothing lost
    for section in say_sections(spoken):
        if for_customer(section.title):
            assert "issue_summary" not in placeholders_in(section.markdown)
    for before, after in zip(body.splitlines(), spoken.splitlines(), strict=False):
        assert before == after or after == before.replace("{issue_summary}", "{" + CUSTOMER_ISSUE + "}")


# -- 15: the checklist agrees with the authority check --------------------------------------
def test_checklist_routes_to_a_senior_rep_when_the_authority_check_says_so():
    decision = second_late_fee_decision()
    assert decision.verdict == "senior" and decision.who == "senior-rep"
    rec = walk_to_beyond_discretion().result
    assert rec.outcome == "supervisor"  # what the checklist alone says
    plan = plan_for(rec, decision)
    assert (plan.outcome, plan.level, plan.script, plan.title) == (
        "senior",
        1,
        "script-handoff-senior-rep",
        "Ask a senior rep",
    )
    assert (
        plan.reason
        == "Beyond the rep's discretion, within a senior rep's (senior-rep: up to £24, twice per 12 months, if account-in-good-standing)"
    )
    contacts = [Contact.from_card(c) for c in bundled_of_kind("contact")]
    ranked = rank_contacts(contacts, plan.outcome)
    assert ranked[0].id == "contact-senior-reps" and not ranked[0].is_supervisor_desk
    # Without the check (or when it says a supervisor), the supervisor route stays.
    assert plan_for(rec).outcome == "supervisor"
    limits = bundled("late-fee-waiver").fields["discretion"]
    assert plan_for(rec, decide(limits, "rep", "40", {"account-in-good-standing": True}, 0)).outcome == "supervisor"


def test_hand_off_note_carries_the_authority_result_and_the_senior_route():
    s = session()
    decision = second_late_fee_decision()
    s.record_authority(authority_summary("Waiving a late-payment fee", decision), decision)
    w = walk_to_beyond_discretion()
    s.record_checklist(w.result, w.summary())
    s.set_target(Contact.from_card(bundled("contact-senior-reps")))
    text = render(s.draft_note())
    assert "Level: 1 — handled by the rep" in text
    assert "Reason: Beyond the rep's discretion, within a senior rep's" in text
    assert (
        "Tried: Authority check (Waiving a late-payment fee): £12.00 asked as rep — needs a senior rep; I may not offer anything myself."
        in text
    )
    assert "To: Senior reps — Team chat #senior-reps" in text
    assert "supervisor" not in text.split("Tried:")[0].lower()


# -- contacts: every card, not one page of search results ---------------------------------------
def _contact(n: int) -> str:
    return (
        f"---\nid: contact-team-{n:03d}\nkind: contact\ntitle: Team {n:03d}\nowner: ops\nreview_by: 2027-01-01\n"
        f'summary: Team number {n}.\nteam: Team {n:03d}\ntopics: [topic-{n}]\nchannel: phone\ndirect: "ext {n}"\n'
        f'hours: "Mon-Fri 08:00-18:00"\ntimezone: Europe/London\n---\nTeam {n}.\n'
    )


def test_a_team_on_contact_card_60_is_in_the_directory(tmp_path: Path):
    folder = tmp_path / "cards"
    folder.mkdir()
    for n in range(1, 66):
        (folder / f"team-{n:03d}.md").write_text(_contact(n), encoding="utf-8")
    lib = Library(tmp_path / "data", bundled=CONTENT)
    try:
        lib.import_folder(folder)
        capped = lib.search("", kind="contact").results
        assert len(capped) < 65  # the fault: a search answers with one page
        cards = lib.cards_of_kind("contact")
        assert len(cards) == 65 and {c.kind for c in cards} == {"contact"}
        teams = [Contact.from_card(c).team for c in cards]
        assert "Team 060" in teams and "Team 065" in teams
        assert lib.cards_of_kind("no-such-kind") == []
    finally:
        lib.close()


# -- 16: a card that changes during the call is described -------------------------------------
def _changed(card, **fields):
    import copy
    import dataclasses

    new_fields = copy.deepcopy(card.fields)
    new_fields.update(fields)
    return dataclasses.replace(card, fields=new_fields)


def test_a_changed_limit_is_named_with_author_and_local_time():
    import copy
    import datetime as dt
    from zoneinfo import ZoneInfo

    from workaid.core.desk.changes import compare

    old = bundled("late-fee-waiver")
    discretion = copy.deepcopy(old.fields["discretion"])
    discretion["roles"][1]["max_amount"] = 25
    new = _changed(old, discretion=discretion)
    history = [
        {"version": 2, "author": "Olu", "published_at": "2026-07-01T00:42:00+00:00"},
        {"version": 1, "author": "Ann"},
    ]
    change = compare(old, new, history)
    assert change.changes == ("senior-rep limit now £25",) and change.limits_changed
    assert change.banner(ZoneInfo("Europe/London")) == "Updated 01:42 by Olu: senior-rep limit now £25"  # BST
    discretion["roles"][0]["per_customer"] = {"count": 2, "months": 12}
    discretion["roles"][0]["conditions"] = ["first-offence"]
    discretion["escalate_to"] = "manager"
    discretion["roles"].append({"role": "team-lead", "max_amount": 30})
    change = compare(old, _changed(old, discretion=discretion), [])
    assert change.changes == (
        "rep now twice per 12 months",
        "rep now needs first-offence",
        "senior-rep limit now £25",
        "new team-lead: up to £30",
        "beyond every limit, manager now decides",
    )
    assert change.banner(dt.UTC) == "Updated: " + "; ".join(change.changes)


def test_a_contact_change_names_the_field_and_a_text_change_says_text_changed():
    import dataclasses

    from workaid.core.desk.changes import compare

    billing = bundled("contact-billing-specialists")
    change = compare(billing, _changed(billing, direct="020 7946 0999"), [])
    assert change.changes == ("direct now 020 7946 0999",) and not change.limits_changed
    text = dataclasses.replace(billing, body=billing.body + "\nOne more line.\n")
    assert compare(billing, text, []).changes == ("text changed",)
    assert compare(billing, billing, []) is None


def test_decision_words_say_what_the_rep_was_told():
    from workaid.core.desk.changes import decision_words

    limits = bundled("late-fee-waiver").fields["discretion"]
    assert (
        decision_words(decide(limits, "senior-rep", "24", {"account-in-good-standing": True}, 1))
        == "within your discretion up to £24"
    )
    assert decision_words(second_late_fee_decision()) == "needs a senior rep (nothing yourself)"
    assert decision_words(decide(limits, "supervisor", "40")) == "within your authority"


_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["discretion", "direct", "hours", "topics", "x"]), _VALUES, max_size=4),
    st.dictionaries(st.sampled_from(["discretion", "direct", "hours", "topics", "x"]), _VALUES, max_size=4),
)
def test_comparing_any_two_field_sets_never_raises(old, new):
    from workaid.core.desk.changes import field_changes

    out = field_changes(old, new)
    assert all(isinstance(line, str) and line for line in out)
    if old == new:
        assert out == []
    if any(old.get(k) != new.get(k) for k in (set(old) | set(new)) - {"discretion"}):
        assert out  # every other field that differs is named
