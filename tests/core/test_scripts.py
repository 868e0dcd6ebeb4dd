"""Filling the bundled scripts: nothing unfilled is ever silently pasted."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.bundled_cards import bundled, bundled_of_kind
from workaid.core.content.kinds import placeholders_in
from workaid.core.desk.scripts import fill, placeholder_help

APOLOGY = bundled("script-apology-rep").body
ALL = {
    "customer_name": "Ann Lee",
    "customer_issue": "being charged twice for March",
    "agent_name": "Sam",
    "case_ref": "WA-20418",
}


def test_a_fully_filled_script_reads_as_the_rep_will_say_it():
    f = fill(APOLOGY, ALL)
    assert f.missing == () and f.complete
    assert "\"Ann Lee, I'm sorry about being charged twice for March." in f.text
    assert "I'm Sam, and I'm going to take care of this" in f.text
    assert "under reference WA-20418" in f.text
    assert "{" not in f.text and "[" not in f.text
    assert "Ann Lee, I'm sorry about being charged twice for March." in f.html
    assert "<h2>Say</h2>" in f.html


def test_missing_placeholders_are_named_in_order_and_visibly_marked():
    f = fill(APOLOGY, {"customer_name": "Ann", "agent_name": "   "})
    assert f.missing == ("customer_issue", "agent_name", "case_ref")  # order of first use; blank counts as missing
    assert "I'm sorry about [customer_issue?]." in f.text and "I'm [agent_name?]," in f.text
    assert '<mark class="missing-placeholder">[case_ref?]</mark>' in f.html
    assert f.html.count("<mark") == 3
    assert f.placeholders == ("customer_name", "customer_issue", "agent_name", "case_ref")


def test_double_braces_are_literal_braces():
    f = fill("Type {{case_ref}} exactly, or {{ }}: {case_ref}.", {"case_ref": "WA-1"})
    assert f.text == "Type {case_ref} exactly, or { }: WA-1."
    assert f.missing == ()
    assert "Type {case_ref} exactly, or { }: WA-1." in f.html


def test_values_are_inserted_literally_never_reread_as_placeholders_or_markup():
    f = fill(
        "Hello **{customer_name}**, ref {case_ref}.",
        {"customer_name": "<script>alert(1)</script> {case_ref} *x*", "case_ref": "WA-2"},
    )
    assert f.text == "Hello **<script>alert(1)</script> {case_ref} *x***, ref WA-2."
    assert "<script" not in f.html
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt; {case_ref} *x*</strong>" in f.html


def test_a_value_in_a_link_target_cannot_become_a_script_link():
    f = fill("[Call us]({direct_contact})", {"direct_contact": "javascript:alert(1)"})
    assert "javascript" not in f.html
    assert "Call us" in f.html


def test_values_may_be_numbers_and_none_counts_as_missing():
    f = fill("{a} and {b}", {"a": 42, "b": None})
    assert f.text == "42 and [b?]" and f.missing == ("b",)


def test_every_bundled_script_fills_completely_from_its_own_placeholders():
    for card in bundled_of_kind("script"):
        names = placeholder_help(card.fields)
        assert set(names) == set(placeholders_in(card.body)), card.id
        f = fill(card.body, {n: f"<{n}>" for n in names})
        assert f.missing == (), card.id
        assert "<mark" not in f.html and "&lt;customer_name&gt;" in f.html, card.id


@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(
        st.text(max_size=6) | st.sampled_from(["{", "}", "{name}", "{{", "}}", "{x_1}", "\n", "[a]({name})"]),
        max_size=30,
    ).map("".join),
    values=st.dictionaries(
        st.text(max_size=8), st.one_of(st.none(), st.text(max_size=20), st.integers(), st.booleans()), max_size=4
    ),
)
def test_fill_never_raises(body, values):
    f = fill(body, values)
    assert isinstance(f.text, str) and isinstance(f.html, str)
    assert "<script" not in f.html.lower()
    assert len(f.missing) == len(set(f.missing))


SAFE_VALUE = st.text(alphabet="0123456789 .,-'£", min_size=1, max_size=12).filter(lambda s: s.strip())


@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(
        st.sampled_from(["{name}", "{x_1}", "{{", "}}", "{", "}", "a", " ", "\n", "n", "ame"]), max_size=40
    ).map("".join),
    data=st.data(),
)
def test_when_nothing_is_missing_no_placeholder_is_left_in_the_text(body, data):
    names = placeholders_in(body)
    values = {n: data.draw(SAFE_VALUE) for n in names}
    f = fill(body, values)
    assert f.missing == ()
    # Literal braces written {{name}} may legitimately show {name}; count only those.
    literal = re.sub(r"\{\{|\}\}|\{([^{}\n]*)\}", lambda m: {"{{": "{", "}}": "}"}.get(m.group(0), "\x00"), body)
    for n in names:
        assert f.text.count("{" + n + "}") == literal.count("{" + n + "}")
