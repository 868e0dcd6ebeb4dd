"""Markdown to safe HTML for the card view, and to plain text for the search index.

Python-Markdown passes raw HTML straight through, so every rendering is sanitised
with nh3: no script, no style, no event handlers, no images (the view never fetches
a resource), links only to http(s), mailto and other cards (``card:ID``).

Safe to call from any thread: a Python-Markdown converter keeps state while it
converts, so each thread gets its own (the window warms one up off the GUI thread
while the GUI thread may open a card).
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from workaid.core.content.limits import expand_limits

if TYPE_CHECKING:
    import markdown

ALLOWED_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "div", "span"),
    *("strong", "em", "b", "i", "u", "s", "del", "code", "kbd", "sup", "sub", "abbr", "a"),
    *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto", "card"}

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# What Markdown passes through as raw HTML: a tag or a comment, i.e. '<' followed by a
# letter, '/', '!' or '?'. "under < £25 and > £10" is text, as the card view shows it.
_TAG = re.compile(r"<[A-Za-z/!?][^>\n]{0,500}>")
_HIDDEN_OPEN = re.compile(r"<(script|style)\b", re.I)
_HIDDEN_CLOSE = {"script": re.compile(r"</script[^>]{0,500}>", re.I), "style": re.compile(r"</style[^>]{0,500}>", re.I)}
_LINE_MARK = re.compile(r"^[ \t]*(?:[#>]+|[-+*]|\d+[.)])[ \t]+", re.M)
_RULE = re.compile(r"^[ \t|:=*_-]*[-=*_]{3,}[ \t|:=*_-]*$", re.M)
_INLINE = str.maketrans({"*": None, "`": None, "~": None, "|": " ", "\t": " "})
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)


def _table_row(m: re.Match[str]) -> str:
    # Cells joined by a middle dot, so a snippet from a table still reads as cells.
    return " · ".join(c.strip() for c in m.group(1).split("|") if c.strip())


_SPACES = re.compile(r" {2,}")
_BLANKS = re.compile(r"\n\s*\n+")


def _drop_hidden(text: str) -> str:
    """Script and style elements, content included, out: the sanitiser drops their
    content too, so it is neither indexed nor quoted. One pass (an opening with no
    closing tag is left to _TAG), so no input makes it slow."""
    out, pos = [], 0
    while (m := _HIDDEN_OPEN.search(text, pos)) is not None:
        close = _HIDDEN_CLOSE[m.group(1).lower()].search(text, m.end())
        if close is None:
            break
        out.append(text[pos : m.start()])
        out.append(" ")
        pos = close.end()
    out.append(text[pos:])
    return "".join(out)


def plain_text(markdown_text: str) -> str:
    """Readable text of a Markdown body, for indexing and snippets (fast, no parser).

    The result is text, never markup: raw HTML is taken out first and entities are
    decoded last, once, so a body that shows "&lt;script&gt;" as words yields the
    characters "<script>", which every consumer that builds HTML escapes again
    (snippet_marked, the result list's rich roles). Decoding before the tags are taken
    out would drop words the card shows; decoding twice would make "&amp;lt;" a "<"."""
    text = markdown_text
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(r"\1", text))
    if "<" in text:
        text = _TAG.sub(" ", _drop_hidden(text))
    text = _RULE.sub("", text)
    if "|" in text:
        text = _TABLE_ROW.sub(_table_row, text)
    text = _LINE_MARK.sub("", text)
    text = text.translate(_INLINE).replace("__", "")
    if "&" in text:
        text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    text = _BLANKS.sub("\n", text)
    return text.strip()


_local = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's converter, built on its first card: building one is cheap once
    markdown is imported, and sharing one across threads would mix their output."""
    md: markdown.Markdown | None = getattr(_local, "converter", None)
    if md is None:
        import markdown  # lazy: a slow import, not needed until a card is opened

        md = markdown.Markdown(
            extensions=["tables", "sane_lists", "fenced_code", "def_list", "abbr"], output_format="html"
        )
        _local.converter = md
    return md


def to_html(markdown_text: str) -> str:
    """Sanitised HTML of a Markdown body. Images become their alt text in brackets."""
    import nh3

    text = _IMAGE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "[image]", markdown_text)
    md = _converter()
    md.reset()
    raw = md.convert(text)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def card_body_html(markdown_text: str, fields: Mapping[str, Any] | None) -> str:
    """A card's body as a rep sees it: its ``{{limits}}`` line shows the discretion table itself.

    Rendered heading section by heading section, each remembered: an owner typing in one
    section of a long card re-renders that section only, and a rep who opens a card again
    gets it at once. The result is the same as rendering the whole text (a test holds
    that); a text whose parts depend on each other is rendered whole."""
    text = expand_limits(markdown_text, fields)
    parts = heading_sections(text)
    if parts is None or len(parts) == 1:
        return to_html(text)
    return "\n".join(_section_html(part) for part in parts)


# A heading at the start of a line begins a section; nothing before it can run on past it.
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE_LINE = re.compile(r"[ \t]{0,3}(```|~~~)")
# What ties sections together: reference-style link or abbreviation definitions (used
# anywhere in the text), raw HTML blocks (which may hold a heading line), setext underlines.
_CROSS_SECTION = re.compile(r"^[ \t]{0,3}(?:\[[^\]\n]+\]:|\*\[[^\]\n]+\]:|<[A-Za-z!/]|=+[ \t]*$|-+[ \t]*$)", re.M)


def heading_sections(text: str) -> list[str] | None:
    """The text cut before each ATX heading that follows a blank line outside fenced
    code; None when its sections could not be rendered apart (see _CROSS_SECTION)."""
    if _CROSS_SECTION.search(text):
        return None
    parts: list[str] = []
    start = pos = 0
    fence: str | None = None
    blank_before = True
    for line in text.splitlines(keepends=True):
        m = _FENCE_LINE.match(line)
        if m and (fence is None or m.group(1) == fence):
            fence = None if fence else m.group(1)
        elif fence is None and blank_before and _HEADING.match(line) and pos > start:
            # Only after a blank line: a table or a list item runs on into the next line.
            parts.append(text[start:pos])
            start = pos
        blank_before = not line.strip()
        pos += len(line)
    if fence is not None:
        return None  # an unclosed fence runs to the end: render whole
    parts.append(text[start:])
    return parts


@functools.lru_cache(maxsize=1024)
def _section_html(section: str) -> str:
    return to_html(section)


def card_plain_text(markdown_text: str, fields: Mapping[str, Any] | None) -> str:
    """A card's body as the search index holds it: with its limits table, so "£24" finds the card."""
    return plain_text(expand_limits(markdown_text, fields))


def is_safe_link(url: str) -> bool:
    """Whether a clicked link may leave the app (only web and mail links may)."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return scheme in ("http", "https", "mailto")
