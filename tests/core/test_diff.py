"""Word-level diffs of card text: what an owner reads when comparing two versions."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from workaid.core.content.diff import (
    Span,
    inline_html,
    inline_lines,
    inline_text,
    new_text,
    old_text,
    side_by_side,
    tokens,
    with_context,
    word_counts,
    word_diff,
)

OLD = "The senior rep may waive up to £24, twice a year.\nSecond line stays.\nThird line goes.\n"
NEW = "The senior rep may waive up to £28, twice a year.\nSecond line stays.\nA new third line.\nAnd a fourth.\n"


def test_a_changed_amount_is_marked_word_by_word_not_as_a_whole_line():
    assert inline_text(word_diff(OLD, NEW)).splitlines() == [
        "The senior rep may waive up to [-£24-]{+£28+}, twice a year.",
        "Second line stays.",
        "[-Third-]{+A new third+} line[- goes-].",
        "{+And a fourth.+}",
    ]


def test_neighbouring_changed_words_read_as_one_change():
    assert inline_text(word_diff("late fee waived today", "early charge waived today")) == (
        "[-late fee-]{+early charge+} waived today"
    )


def test_equal_texts_have_no_change_and_empty_texts_no_spans():
    assert word_diff("same\n", "same\n") == [Span("equal", "same\n")]
    assert word_diff("", "") == []
    assert word_diff("", "new") == [Span("insert", "new")]
    assert word_counts(word_diff(OLD, NEW)) == (3, 7)  # words, not punctuation


def test_html_is_escaped_and_marks_close_on_every_line():
    spans = word_diff("Use <b>bold</b> & go\n", "Use <i>it</i> & go\nNext\n")
    html = inline_html(spans)
    assert "<b>" not in html and "<i>" not in html and "&lt;" in html and "&amp;" in html
    assert "<del>" in html and "<ins>" in html
    for line in html.split("\n"):
        assert line.count("<ins>") == line.count("</ins>") and line.count("<del>") == line.count("</del>")


def test_side_by_side_pairs_lines_and_marks_words_on_each_side():
    rows = side_by_side(OLD, NEW)
    assert [(r.left_no, r.right_no, r.changed) for r in rows] == [
        (1, 1, True),
        (2, 2, False),
        (3, 3, True),
        (None, 4, True),
    ]
    first = rows[0]
    assert first.left_text == "The senior rep may waive up to £24, twice a year."
    assert first.right_text == "The senior rep may waive up to £28, twice a year."
    assert [s.text for s in first.left if s.op == "delete"] == ["£24"]
    assert [s.text for s in first.right if s.op == "insert"] == ["£28"]
    assert rows[3].left == () and rows[3].right_text == "And a fourth."


def test_context_leaves_out_far_unchanged_lines():
    old = "".join(f"line {n}\n" for n in range(1, 21))
    new = old.replace("line 10\n", "line ten\n")
    rows = with_context(side_by_side(old, new), context=1)
    assert rows[0] is None and rows[-1] is None
    assert [r.left_no for r in rows if r is not None] == [9, 10, 11]
    lines = inline_lines(word_diff(old, new), context=1)
    assert lines == [None, "line 9", "line [-10-]{+ten+}", "line 11", None]


def test_a_long_card_with_scattered_edits_compares_only_the_changed_words():
    old = "".join(f"Paragraph {n}: the rep may offer a credit of £{n} when asked.\n\n" for n in range(2000))
    new = old.replace("credit of £500 ", "refund of £500 ").replace("Paragraph 1500:", "Section 1500:")
    spans = word_diff(old, new)
    assert [s.text for s in spans if s.op != "equal"] == ["credit", "refund", "Paragraph", "Section"]


_TEXT = st.text(alphabet=st.sampled_from(list("ab £1.\n\t-") + ["é", "\r", "\u2028"]), max_size=60)


@settings(max_examples=400, deadline=None)
@given(_TEXT, _TEXT)
def test_the_spans_always_join_back_to_both_texts(old, new):
    spans = word_diff(old, new)
    assert old_text(spans) == old and new_text(spans) == new
    assert all(s.text for s in spans)
    assert all(a.op != b.op for a, b in itertools.pairwise(spans))  # neighbours merged
    rows = side_by_side(old, new)
    assert "".join(r.left_text + "\n" for r in rows if r.left_no is not None).rstrip("\n") == old.rstrip("\n")
    assert "".join(r.right_text + "\n" for r in rows if r.right_no is not None).rstrip("\n") == new.rstrip("\n")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_tokens_cover_any_text(text):
    assert "".join(tokens(text)) == text


_LINES = st.lists(st.sampled_from(["\n", "a b\n", "|---|\n", "£24 a\n", "c d e\n"]), min_size=200, max_size=320)


@settings(max_examples=60, deadline=None)
@given(_LINES, _LINES)
def test_long_texts_of_recurring_lines_also_join_back(old, new):
    # Past 200 lines the line matcher sets recurring lines aside as anchors (autojunk).
    spans = word_diff("".join(old), "".join(new))
    assert old_text(spans) == "".join(old) and new_text(spans) == "".join(new)


def test_a_changed_amount_is_one_change_with_its_currency_sign():
    from workaid.core.content.diff import inline_text, word_diff

    assert (
        inline_text(word_diff("The fee is £12.50 now.", "The fee is £14 now.")) == "The fee is [-£12.50-]{+£14+} now."
    )
