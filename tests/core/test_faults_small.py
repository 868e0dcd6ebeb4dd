"""Issue 9, "smaller, all real": card text that looks like markup, and a real interrupt of a
real long search. Each test is named after the fault it pins."""

from __future__ import annotations

import html
import json
import logging
import re
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.conftest import write_card
from tests.core.test_cli import workaid
from workaid.core.content.render import plain_text
from workaid.core.content.search import (
    Matcher,
    Result,
    Searcher,
    make_snippet,
    parse_query,
)
from workaid.core.content.store import connect
from workaid.core.content.text import fold

MARKS = re.compile(r"</?mark>")

HOSTILE_BODY = (
    "Refunds <script>alert(1)</script> over the limit.\n\n"
    "Type &lt;script&gt;alert(2)&lt;/script&gt; to test the refund form, or &lt;b&gt;bold&lt;/b&gt;.\n\n"
    'A "quoted" refund & <mark>fake mark</mark> &amp;lt;i&amp;gt; under < £25 and > £10.\n'
)


def _only_mark_tags(marked: str) -> bool:
    return "<" not in MARKS.sub("", marked) and ">" not in MARKS.sub("", marked)


def test_search_json_snippet_marked_carries_no_markup_from_the_card(tmp_path):
    src = tmp_path / "src"
    write_card(src, "refunds.md", f"---\nid: refunds\ntitle: Refund rules\n---\n{HOSTILE_BODY}")
    assert workaid("import", str(src), data=tmp_path / "d").returncode == 0
    out = workaid("search", "refund", "--json", data=tmp_path / "d")
    assert out.returncode == 0, out.stderr
    [result] = [r for r in json.loads(out.stdout) if r["id"] == "refunds"]
    marked = result["snippet_marked"]
    assert "<mark>" in marked and _only_mark_tags(marked), marked
    assert "<script" not in marked and "&lt;script&gt;alert(2)" in marked
    # Unmarked and unescaped, it is the plain snippet again: nothing lost, nothing added.
    assert html.unescape(MARKS.sub("", marked)) == result["snippet"]
    assert "<script>alert(2)</script>" in result["snippet"]  # the words the card shows, as text


def test_plain_text_keeps_escaped_markup_as_text_and_drops_raw_html():
    text = plain_text(HOSTILE_BODY)
    assert "alert(1)" not in text  # raw <script>: not shown by the card view, so not indexed or quoted
    assert "<script>alert(2)</script>" in text and "<b>bold</b>" in text  # shown as words: kept as words
    assert "&lt;i&gt;" in text  # decoded once, never twice
    assert "under < £25 and > £10" in text  # a lone '<' is text, not the start of a tag
    assert "fake mark" in text and "<mark>" not in text


BODY_CHARS = st.sampled_from(
    list("ab <>&;/\"'#*|-\n")
    + ["&lt;", "&gt;", "&amp;", "&#60;", "<script>", "</script>", "<mark>", "</mark>", "<b>", "refund", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(BODY_CHARS, max_size=80).map("".join), st.data())
def test_snippet_marked_is_escaped_text_with_only_mark_tags_for_any_body(body, data):
    plain = plain_text(body)
    candidates = sorted(set(parse_query(plain).tokens)) or ["refund"]
    query = data.draw(st.sampled_from(candidates))
    q = parse_query(query)
    snippet = make_snippet(plain, Matcher(q.tokens, q.prefix), terms=q.tokens)
    result = Result("c", "guideline", "T", (), "", None, snippet)
    marked = result.as_json()["snippet_marked"]
    assert _only_mark_tags(marked), marked
    unmarked = html.unescape(MARKS.sub("", marked))
    assert unmarked == snippet.text
    flat = plain.replace("\n", " ")
    for piece in unmarked.split("…"):  # the snippet is cut from the plain text, ellipses aside
        assert piece.strip() in flat, (piece, flat)


def test_a_real_sqlite_interrupt_cancels_a_real_long_search(library, caplog):
    """A search that would never end is cut short by Searcher.interrupt (sqlite3's
    interrupt, what the search thread gets when the rep types on): it comes back as
    cancelled, logs no failure, caches nothing, and the connection searches on."""
    conn = connect(library.store.path)
    searcher = Searcher(conn)
    assert "late-fee-waiver" in [r.id for r in searcher.search("late fee").results]
    # Every search first reads meta; a temporary view of that name (temp comes first in
    # name lookup) makes that read a recursive CTE that never finds its row.
    conn.execute(
        "CREATE TEMP VIEW meta(key, value) AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT 'loaded_at', n FROM r WHERE n < 0"
    )
    deep_in = threading.Event()
    steps = [0]

    def progress() -> int:
        steps[0] += 1
        if steps[0] >= 200:  # 200,000 VM steps: only the endless statement gets this far
            deep_in.set()
        return 0  # never aborts by itself: the interrupt below is what stops the query

    conn.set_progress_handler(progress, 1000)
    answers = []
    worker = threading.Thread(target=lambda: answers.append(searcher.search("refund limit")), daemon=True)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="workaid.search"):
        worker.start()
        assert deep_in.wait(120), "the long query never started"
        searcher.interrupt()
        worker.join(120)
    assert not worker.is_alive(), "the interrupt did not stop the query"
    [answer] = answers
    assert answer.cancelled and answer.results == () and answer.query == "refund limit"
    assert not [r for r in caplog.records if r.name == "workaid.search"], caplog.text
    conn.set_progress_handler(None, 0)
    conn.execute("DROP VIEW temp.meta")
    again = searcher.search("refund limit")  # not answered from a cache: searched for real
    assert not again.cancelled and again.results and again.mode != "none"
    assert any("refund" in fold(r.title + " " + r.snippet.text) for r in again.results)
    conn.close()
