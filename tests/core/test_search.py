from __future__ import annotations

import logging
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import write_card
from workaid.core.content.library import Library
from workaid.core.content.search import (
    Matcher,
    edit_distance,
    make_snippet,
    parse_query,
)


def ids(response) -> list[str]:
    return [r.id for r in response.results]


def test_last_word_matches_as_prefix(library):
    got = ids(library.search("escal"))
    assert "escalation-levels" in got and "escalation-checklist" in got


def test_a_trailing_space_makes_the_last_word_whole(library):
    # No card has the whole word "escal": word search finds nothing, the substring
    # fallback still helps.
    assert library.search("escal").mode == "words"
    assert library.search("escal ").mode == "substring"


def test_all_words_must_match_in_any_order(library):
    a = ids(library.search("fee late "))
    b = ids(library.search("late fee "))
    assert a[0] == b[0] == "late-fee-waiver"
    assert set(a) == set(b)
    for r in library.search("late fee waiver ").results:
        text = (r.title + " " + library.card(r.id).body).lower()
        assert "late" in text and "fee" in text and "waiver" in text


def test_title_match_ranks_above_body_mentions(library):
    got = ids(library.search("abusive caller protocol"))
    assert got[0] == "abusive-caller-protocol"


def test_accents_are_ignored_both_ways(library):
    assert "cafe-partner-loyalty-fee" in ids(library.search("cafe"))
    assert "cafe-partner-loyalty-fee" in ids(library.search("café"))
    assert "cafe-partner-loyalty-fee" in ids(library.search("zoe"))


def test_substring_fallback_finds_word_middles(library):
    response = library.search("ensation")  # inside "compensation"
    assert response.mode == "substring"
    assert response.results
    assert all("ensation" in r.snippet.text.lower() for r in response.results)


def test_cjk_text_is_found_by_substring(tmp_path):
    write_card(tmp_path / "src", "jp.md", "---\nid: jp\ntitle: 料金の免除\n---\n遅延料金の免除について説明します。\n")
    lib = Library(tmp_path / "data", bundled=tmp_path / "src")
    lib.load_bundled()
    assert ids(lib.search("料金")) == ["jp"]
    assert ids(lib.search("免除について")) == ["jp"]
    lib.close()


def test_misspelt_word_gets_a_suggestion_and_its_results(library):
    response = library.search("escaltion")
    assert response.suggestion == "escalation"
    assert response.mode == "corrected"
    assert response.results


def test_nonsense_finds_nothing_without_error(library):
    response = library.search("qqqqzzzz")
    assert response.results == () and response.mode == "none"


def test_filters_by_kind_and_tag(library):
    scripts = library.search("apology", kind="script").results
    assert scripts and all(r.kind == "script" for r in scripts)
    tagged = library.search("", tag="fees").results
    assert tagged and all("fees" in r.tags for r in tagged)


def test_empty_query_browses_by_title(library):
    response = library.search("   ")
    titles = [r.title.lower() for r in response.results]
    assert response.mode == "browse" and titles == sorted(titles)


def test_snippet_marks_matches_in_the_original_spelling(library):
    (hit,) = [r for r in library.search("cafe").results if r.id == "cafe-partner-loyalty-fee"]
    marked = [p for p, m in hit.snippet.parts if m]
    assert any(p.lower().startswith("café") for p in marked)


def test_one_and_two_letter_prefixes_answer_from_titles(library):
    for q in ("e", "es", "late f", "late fe"):
        response = library.search(q)
        assert response.results, q
    assert all("e" in r.title.lower() for r in library.search("e").results)
    assert "late-fee-waiver" in ids(library.search("late fe"))


def test_interrupt_from_another_thread_cancels_cleanly(library):
    # The search thread may or may not be mid-query when interrupted; either way no exception escapes.
    done = []
    t = threading.Thread(target=lambda: done.append(library.search("escalation supervisor")))
    t.start()
    library.searcher.interrupt()
    t.join()
    assert done and done[0].query == "escalation supervisor"


def test_edit_distance_counts_transpositions_as_one():
    assert edit_distance("escaltion", "escalation", 2) == 1
    assert edit_distance("supervsior", "supervisor", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2


def test_matcher_respects_word_starts():
    m = Matcher(("fee",), prefix=True)
    assert [folded[a:b] for folded in ["coffee fees fee"] for a, b, _ in m.spans(folded)] == ["fees", "fee"]
    whole = Matcher(("fee",), prefix=False)
    assert [b - a for a, b, _ in whole.spans("fees fee")] == [3]


def test_snippet_prefers_the_window_with_most_query_words():
    plain = "late late late late. " + "filler " * 40 + "late fee here"
    snip = make_snippet(plain, Matcher(("late", "fee"), False), terms=("late", "fee"))
    assert "fee" in [p for p, m in snip.parts if m]


def test_parse_query_quotes_everything():
    q = parse_query('"AND" NEAR( c++ tier-2 ')
    assert q.tokens == ("and", "near", "c", "tier", "2") and not q.prefix


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            '"',
            "'",
            "AND",
            "OR NOT",
            "NEAR(",
            "*",
            "-",
            "tier-2",
            "c++",
            "^",
            "{title}:",
            "a:b",
            "\x00",
            "\u202e",
            "🙂",
            "ﷺ",
            "İ",
            "ß",
        ]
    ),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(HOSTILE, max_size=6).map(" ".join),
    st.sampled_from([None, "script", "contact"]),
    st.sampled_from([None, "fees", "x'y"]),
)
def test_no_input_can_raise(library, caplog, query, kind, tag):
    # "Never raises" alone would also hold if every query failed and was swallowed:
    # no search may have been logged as failed either.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="workaid.search"):
        response = library.search(query, kind=kind, tag=tag)
    assert response.query == query and not response.cancelled
    assert not [r for r in caplog.records if r.name.startswith("workaid.search")], caplog.text
    for r in response.results:
        assert r.snippet.text is not None
        assert kind is None or r.kind == kind


# Real words of the bundled pack and a card each must find, and FTS5 syntax to wrap them in.
REAL_WORDS = [
    ("escalation", "escalation-levels"),
    ("late fee", "late-fee-waiver"),
    ("waiver", "late-fee-waiver"),
    ("checklist", "escalation-checklist"),
]
SYNTAX = st.sampled_from(
    ['"', "'", "*", "(", ")", "^", "-", "+", ":", "{", "}", "NEAR(", "AND ", " OR", " NOT ", "", " "]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(REAL_WORDS), st.lists(SYNTAX, max_size=3).map("".join), st.lists(SYNTAX, max_size=3).map("".join)
)
def test_real_words_in_hostile_syntax_still_find_their_cards(library, caplog, word_and_card, before, after):
    word, card = word_and_card
    caplog.clear()
    query = before + word + after
    with caplog.at_level(logging.WARNING, logger="workaid.search"):
        response = library.search(query)
    assert not [r for r in caplog.records if r.name.startswith("workaid.search")], caplog.text
    tokens = parse_query(query).tokens
    if set(tokens) - set(word.split()):
        return  # an operator word (AND, NEAR …) became a search word of its own: also quoted, finds what it finds
    assert card in ids(response), (query, response.mode)
    assert response.mode == "words"


def test_huge_and_control_inputs(library):
    for q in ["x" * 10_000, "\x00\x01\x02", "\n\t", "🙂" * 500, "a " * 5000, '"' * 1000]:
        assert library.search(q).query == q
