from __future__ import annotations

import sys
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from workaid.core.content import render
from workaid.core.content.render import is_safe_link, plain_text, to_html


def test_raw_html_and_scripts_are_removed():
    html = to_html("Hi <script>alert(1)</script> <b onclick='x()'>bold</b> <iframe src='http://x'></iframe>")
    assert "<script" not in html and "onclick" not in html and "iframe" not in html
    assert "bold" in html


def test_images_never_load_and_file_links_lose_their_target():
    html = to_html(
        "![secret](file:///etc/passwd) <img src='http://example.com/x.png'> [p](file:///etc/passwd) [ok](https://example.com)"
    )
    assert "<img" not in html and "file:" not in html
    assert "[image: secret]" in html
    assert 'href="https://example.com"' in html


def test_tables_render():
    html = to_html("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html and "<td>1</td>" in html


def test_only_web_and_mail_links_may_leave_the_app():
    assert is_safe_link("https://x.org") and is_safe_link("mailto:a@b.c")
    assert (
        not is_safe_link("file:///etc/passwd")
        and not is_safe_link("javascript:alert(1)")
        and not is_safe_link("card:x")
    )


def test_plain_text_drops_markup():
    assert (
        plain_text("# Title\n\n- **bold** item with [link](http://x)\n\n| a | b |\n|---|---|")
        == "Title\nbold item with link\na · b"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_rendering_never_raises_and_never_emits_script(text):
    html = to_html(text)
    assert "<script" not in html.lower()
    plain_text(text)


def test_two_threads_rendering_at_once_each_get_their_own_result():
    # A Python-Markdown converter keeps a document's state while converting (its
    # reference links, abbreviations and raw-HTML stash), so one shared by two
    # threads mixes their cards; each thread has its own (render._converter).
    def text(who: str, n: int) -> str:
        return (
            f"# {who} {n}\n\nSee [the rule][r] and <b>{who}</b>.\n\n*[ABC]: {who} abbreviation {n}\n\n"
            f"ABC applies.\n\n| a | b |\n|---|---|\n| {who} | {n} |\n\n[r]: https://{who}.example/{n}\n"
        )

    texts = {who: [text(who, n) for n in range(200)] for who in ("alpha", "beta")}
    expected = {who: [to_html(t) for t in ts] for who, ts in texts.items()}
    got: dict[str, list[str]] = {}
    start = threading.Barrier(2)

    def render_all(who: str) -> None:
        start.wait()
        got[who] = [to_html(t) for t in texts[who]]

    threads = [threading.Thread(target=render_all, args=(who,)) for who in texts]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so a shared converter would be caught mid-card
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert got == expected


# -- rendering section by section gives the same card ------------------------------------
_BLOCKS = [
    "# Title\n",
    "## When it is beyond you\n",
    "### Steps\n",
    "A paragraph with **bold**, *emphasis* and a [link](card:late-fee-waiver).\n",
    "- one\n- two\n  - nested\n",
    "1. first\n2. second\n",
    "| who | up to |\n|---|---|\n| rep | £12 |\n",
    "```\n# not a heading inside code\n```\n",
    "> a quote\n> # still quoted\n",
    "Term\n: its definition\n",
    "    indented code\n",
    "{{limits}}\n",
]


def _norm(html_text: str) -> str:
    import re

    return re.sub(r">\s+<", "><", html_text).strip()


def test_every_bundled_card_renders_the_same_in_sections_as_whole():
    from tests.core.conftest import ROOT
    from workaid.core.content.cards import parse_card
    from workaid.core.content.limits import expand_limits

    for path in (ROOT / "content").rglob("*.md"):
        card = parse_card(path.read_bytes(), path.name).card
        assert card is not None
        whole = render.to_html(expand_limits(card.body, card.fields))
        assert _norm(render.card_body_html(card.body, card.fields)) == _norm(whole), path


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_BLOCKS), min_size=1, max_size=12), st.sampled_from(["\n", ""]))
def test_any_text_renders_the_same_in_sections_as_whole(blocks, gap):
    text = gap.join(blocks)
    fields = {"discretion": {"unit": "GBP", "roles": [{"role": "rep", "max_amount": 12}], "escalate_to": "supervisor"}}
    from workaid.core.content.limits import expand_limits

    assert _norm(render.card_body_html(text, fields)) == _norm(render.to_html(expand_limits(text, fields)))
