"""Search vocabulary that owners control: synonym groups on cards, checked like every
other field, carried in the pack, and used by search on every keystroke."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.conftest import write_card
from tests.core.share_rig import rig  # noqa: F401  (the fixture)
from workaid.core.authoring.vocabulary import add_synonym, groups_in_folder
from workaid.core.content import synonyms as syn
from workaid.core.content.cards import parse_card
from workaid.core.content.folder import load_folder
from workaid.core.content.library import Library
from workaid.core.content.store import SCHEMA_VERSION, Store
from workaid.core.errors import ContentError

LEVEL_4 = "level-4-customer-escalation"


def first(library: Library, query: str) -> str | None:
    results = library.search(query).results
    return results[0].id if results else None


# -- what a rep types -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "ceo",
        "CEO",
        "president",
        "bbb",
        "better business",
        "better business ",
        "better busi",
        "division manager",
        "public review",
        "regulator",
        "ombudsman",
        "trading standards",
        "pres",
        "bett",  # the start of a longer term, while typing
        "trading ",  # a finished word that starts a term
    ],
)
def test_the_words_customers_use_for_going_over_our_head_show_the_level_4_card_first(library, query):
    """The bug this issue was filed for: "ceo", "president", "bbb" got "No cards match"
    although the level-4 card says "chief executive"."""
    assert first(library, query) == LEVEL_4


def test_synonyms_of_the_other_levels_lead_to_their_cards(library):
    assert first(library, "boss") == "customer-asks-for-supervisor"
    assert first(library, "team leader") == "customer-asks-for-supervisor"
    assert first(library, "etf") == "early-termination-fee"
    assert first(library, "bounced payment") == "returned-payment-fee"
    assert first(library, "tech support") == "escalate-product-technical"


def test_a_synonym_widens_the_query_but_the_other_words_still_narrow_it(library):
    got = [r.id for r in library.search("ceo letter").results]
    assert got[0] == LEVEL_4
    for r in library.search("ceo letter").results:
        (plain,) = library.store.conn.execute(
            "SELECT lower(title || tags || plain) FROM cards WHERE id = ?", [r.id]
        ).fetchone()
        assert "letter" in plain


def test_without_expansion_the_customers_words_find_nothing(library):
    """What the synonyms buy: the same search with expansion off finds no card."""
    library.searcher.expand_synonyms = False
    library.searcher.invalidate()
    assert library.search("bbb").results == ()
    library.searcher.expand_synonyms = True
    library.searcher.invalidate()
    assert first(library, "bbb") == LEVEL_4


def test_the_highlight_marks_what_the_card_really_says(library):
    response = library.search("ceo")
    assert "chief executive" in response.terms


# -- what an owner writes -------------------------------------------------------------------
CARD = """\
---
id: {cid}
title: {title}
synonyms:
{groups}
---
Body.
"""


def card(cid: str, *groups: str, title: str = "A card") -> str:
    lines = "\n".join(f"  - {g}" for g in groups) or "  []"
    return CARD.format(cid=cid, title=title, groups=lines)


@pytest.mark.parametrize(
    ("groups", "message", "line"),
    [
        (("ceo",), "at least two different terms", 5),
        (("ceo = ",), "an empty term", 5),
        (("ceo = chief executive = CEO",), "'CEO' is in this group twice", 5),
        (("ceo = boss!",), "contains '!'", 5),
        (("ok = fine", "a = b", "boss = ok"), "'ok' is also in group 1", 7),
        (("x" * 61 + " = y",), "at most 60", 5),
    ],
)
def test_a_bad_group_is_refused_in_words_at_its_line(groups, message, line):
    result = parse_card(card("a-card", *groups).encode(), "a.md")
    assert result.card is None
    assert any(message in p.message and p.line == line for p in result.problems), result.problems


def test_synonyms_written_as_one_line_are_refused_with_the_list_form_shown():
    text = "---\nid: a\ntitle: A\nsynonyms: ceo = chief executive\n---\nBody.\n"
    result = parse_card(text.encode(), "a.md")
    assert result.card is None
    assert "one group per line" in result.problems[0].message
    assert "- ceo = chief executive" in result.problems[0].message


def test_a_term_in_two_cards_groups_is_a_folder_problem_naming_both(tmp_path):
    write_card(tmp_path, "a.md", card("a", "ceo = chief executive"))
    write_card(tmp_path, "b.md", card("b", "boss = CEO"))
    result = load_folder(tmp_path)
    clash = [p for p in result.problems if "synonym" in p.message]
    assert len(clash) == 1
    assert clash[0].source == "b.md" and clash[0].line == 5
    assert "a.md:5" in clash[0].message and "'CEO'" in clash[0].message
    assert {c.id for c in result.cards} == {"a", "b"}  # each card is fine on its own


def test_groups_are_written_back_one_per_line_and_read_the_same():
    from workaid.core.authoring.writer import form_from_text, text_from_form

    form, problems = form_from_text(card("a", "ceo = chief executive", "bbb = better business bureau"))
    assert not problems and form is not None
    text = text_from_form(form)
    assert "  - ceo = chief executive\n" in text
    assert parse_card(text.encode(), "a.md").card.synonyms == ("ceo = chief executive", "bbb = better business bureau")


# -- "add as synonym of…" -------------------------------------------------------------------
def test_add_synonym_joins_the_group_of_the_chosen_term():
    text = add_synonym(card("a", "ceo = chief executive", "bbb = trading standards"), "big boss", "chief executive")
    assert parse_card(text.encode(), "a.md").card.synonyms == (
        "ceo = chief executive = big boss",
        "bbb = trading standards",
    )


def test_add_synonym_starts_a_group_when_the_card_has_none_with_that_term():
    text = add_synonym(card("a"), "ceo", "chief executive")
    assert parse_card(text.encode(), "a.md").card.synonyms == ("chief executive = ceo",)


@pytest.mark.parametrize(
    ("term", "of", "message"),
    [
        ("ceo", "chief executive", "already a synonym on this card"),
        ("call # back", "chief executive", "contains '#'"),
        ("Chief  Executive", "chief executive", "the same words"),
        ("bbb", "ceo", "'bbb' is also in group"),
    ],
)
def test_add_synonym_refuses_what_the_card_could_not_hold(term, of, message):
    with pytest.raises(ContentError, match=message):
        add_synonym(card("a", "ceo = chief executive", "bbb = trading standards"), term, of)


def test_groups_in_folder_names_the_card_holding_each_term(tmp_path):
    write_card(tmp_path, "esc/level4.md", card("l4", "CEO = Chief Executive"))
    write_card(tmp_path, "plain.md", "---\nid: p\ntitle: Plain\n---\nNo vocabulary.\n")
    assert groups_in_folder(tmp_path) == {"ceo": "esc/level4.md", "chief executive": "esc/level4.md"}


# -- travelling to desks, and old databases ---------------------------------------------------
def test_a_published_synonym_reaches_the_desk_and_its_search(rig):
    assert rig.desk.search("gaffer").mode != "words"  # before: only a spelling guess
    path = rig.src / "escalation/customer-asks-for-supervisor.md"
    path.write_text(path.read_text().replace("= boss =", "= boss = gaffer ="))
    rig.publish("gaffer")
    rig.sync()
    response = rig.desk.search("gaffer")
    assert response.mode == "words" and response.results[0].id == "customer-asks-for-supervisor"


def test_a_database_from_before_synonyms_gets_its_vocabulary_on_upgrade(bundled_db, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    conn = sqlite3.connect(data / "content.db")
    conn.executescript("DROP TABLE synonyms; PRAGMA user_version = 2;")
    conn.close()
    store = Store(data / "content.db")
    assert store.schema_version() == SCHEMA_VERSION
    holders = {card_id for card_id, _ in store.synonym_groups()}
    assert LEVEL_4 in holders and "late-fee-waiver" in holders
    store.close()
    lib = Library(data, bundled=None)
    assert first(lib, "bbb") == LEVEL_4
    lib.close()


# -- properties --------------------------------------------------------------------------------
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=8)
term = st.lists(word, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(term, min_size=2, max_size=6, unique_by=syn.term_key))
def test_a_group_of_valid_terms_is_valid_and_splits_back_to_its_terms(terms):
    line = " = ".join(terms)
    assert syn.group_problems(line) == []
    assert syn.split_group(line) == terms


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(term, min_size=2, max_size=4, unique_by=syn.term_key), min_size=1, max_size=4),
    st.lists(word, max_size=6),
    st.booleans(),
)
def test_runs_are_ordered_disjoint_and_every_whole_term_in_a_query_is_found(groups, query, prefix):
    rows = [(f"c{i}", 0, " ".join(syn.term_key(t))) for i, g in enumerate(groups) for t in g]
    vocab = syn.Vocabulary.of(rows)
    runs = vocab.runs(query, prefix)
    ends = [0]
    for run in runs:
        assert run.start >= ends[-1] and run.end > run.start and run.end <= len(query)
        assert all(0 <= g < len(vocab.groups) for g in run.groups)
        ends.append(run.end)
    # A query that is exactly one term is one exact run of that term's group.
    t = syn.term_key(groups[0][0])
    whole = vocab.runs(list(t), False)
    assert whole and whole[0].start == 0 and whole[0].end == len(t) and whole[0].exact
    assert any(t in vocab.groups[g].terms for g in whole[0].groups)
