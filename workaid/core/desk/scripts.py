"""Filling a script card's {placeholders} with what the rep typed.

A script is read out or pasted to a customer, so an unfilled placeholder must be
impossible to miss: it becomes a visible ``[name?]`` marker in the text and a
``<mark>`` in the HTML, and `missing` names it, rather than disappearing or
leaking ``{customer_name}`` into a chat window.

Values are inserted literally: a value is never searched for placeholders again,
and in the HTML it is escaped text, so a customer's name such as ``<b>Ann</b>``
or ``{case_ref}`` stays exactly what was typed.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workaid.core.content.kinds import PLACEHOLDER_RE

MARK_CLASS = "missing-placeholder"


def marker(name: str) -> str:
    """How a placeholder with no value shows in filled text."""
    return f"[{name}?]"


@dataclass(frozen=True)
class Filled:
    text: str
    missing: tuple[str, ...]
    html: str
    placeholders: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


def _value(values: Mapping[str, Any], name: str) -> str | None:
    """The text to insert for `name`, or None when there is nothing worth saying."""
    raw = values.get(name)
    if raw is None or isinstance(raw, bool):
        return None
    text = raw if isinstance(raw, str) else str(raw)
    text = text.strip()
    return text or None


def fill(body: str, values: Mapping[str, Any] | None = None) -> Filled:
    """Replace each {name} in `body` with its value; `{{` and `}}` become literal braces.

    Never raises: a value that cannot be used (None, blank) counts as missing.
    """
    if not isinstance(body, str):
        body = "" if body is None else str(body)
    try:
        values = dict(values or {})
    except (TypeError, ValueError):
        values = {}
    names: list[str] = []
    missing: list[str] = []
    # One sentinel per placeholder occurrence in the Markdown we render, swapped for the
    # escaped value (or the marker) only after Markdown and sanitising, so no value is
    # ever read as Markdown or HTML.
    nonce = _nonce(body)
    inserts: list[str] = []
    text_parts: list[str] = []
    md_parts: list[str] = []
    pos = 0
    for m in PLACEHOLDER_RE.finditer(body):
        text_parts.append(body[pos : m.start()])
        md_parts.append(body[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token == "{{":
            text_parts.append("{")
            md_parts.append("{")
            continue
        if token == "}}":
            text_parts.append("}")
            md_parts.append("}")
            continue
        name = m.group(1)
        if name not in names:
            names.append(name)
        value = _value(values, name)
        if value is None:
            if name not in missing:
                missing.append(name)
            text_parts.append(marker(name))
            inserts.append(f'<mark class="{MARK_CLASS}">{html.escape(marker(name))}</mark>')
        else:
            text_parts.append(value)
            inserts.append(html.escape(value))
        md_parts.append(f"{nonce}x{len(inserts) - 1}x")
    text_parts.append(body[pos:])
    md_parts.append(body[pos:])
    return Filled(
        text="".join(text_parts),
        missing=tuple(missing),
        html=_render("".join(md_parts), nonce, inserts),
        placeholders=tuple(names),
    )


def _nonce(body: str) -> str:
    """Letters Markdown leaves alone and the body does not contain."""
    while True:
        nonce = "wa" + secrets.token_hex(6)
        if nonce not in body:
            return nonce


def _render(markdown_text: str, nonce: str, inserts: list[str]) -> str:
    import nh3

    from workaid.core.content.render import (
        ALLOWED_ATTRIBUTES,
        ALLOWED_TAGS,
        URL_SCHEMES,
        to_html,
    )

    rendered = to_html(markdown_text)
    rendered = re.sub(rf"{nonce}x(\d+)x", lambda m: inserts[int(m.group(1))], rendered)
    # Sanitise again with the values in place: a value typed into a link target must
    # not become a javascript: URL. <mark> is the one tag added here.
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS | {"mark"},
        attributes={**ALLOWED_ATTRIBUTES, "mark": {"class"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def placeholder_help(fields: Mapping[str, Any]) -> dict[str, str]:
    """A script card's placeholder descriptions (name -> what to type), for prompts."""
    ph = fields.get("placeholders") if isinstance(fields, Mapping) else None
    if not isinstance(ph, Mapping):
        return {}
    return {str(k): str(v).strip() for k, v in ph.items()}


# -- what gets pasted ------------------------------------------------------------------
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_SAY = re.compile(r"^say\b", re.I)


@dataclass(frozen=True)
class Section:
    """A part of a script card: its heading and the Markdown under it."""

    title: str
    markdown: str


def _say_lines(body: str) -> list[tuple[str, str | None]]:
    """Each line of `body` with the title of the "Say" section it belongs to (None outside
    one, and for the heading lines themselves)."""
    out: list[tuple[str, str | None]] = []
    title: str | None = None
    level = 0
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m and (title is None or len(m.group(1)) <= level):
            title = None
            if _SAY.match(m.group(2)):
                title, level = m.group(2).strip(), len(m.group(1))
            out.append((line, None))
            continue
        out.append((line, title))
    return out


def say_sections(body: str) -> list[Section]:
    """The parts of a script that are said or pasted: every section whose heading starts
    with "Say" (e.g. "## Say — callback"), in order, up to the next heading of the same or
    a higher level. Empty when the card has none."""
    if not isinstance(body, str):
        return []
    out: list[Section] = []
    title: str | None = None
    lines: list[str] = []

    def close() -> None:
        if title is not None and "\n".join(lines).strip():
            out.append(Section(title, "\n".join(lines).strip("\n") + "\n"))

    for line, section in _say_lines(body):
        if section is None or section != title:
            close()
            title, lines = section, []
            if section is None:
                continue
        lines.append(line)
    close()
    return out


# -- words for the customer, words for colleagues -----------------------------------------
CUSTOMER_ISSUE = "customer_issue"
# A placeholder holding a note meant for colleagues, and the call field that says the same
# thing in words for the customer. The rep's issue summary ("…; threatens CEO complaint")
# goes to the hand-off note; what the customer hears is typed separately.
FOR_CUSTOMER = {"issue_summary": CUSTOMER_ISSUE}
FIELD_HELP = {
    CUSTOMER_ISSUE: "The issue, in words for the customer (it is said to them: no internal notes)",
    "issue_summary": "The issue for colleagues: goes to the hand-off note, never to the customer",
}
# "Say — to the supervisor, before connecting": words for a colleague, not the customer.
_TO_COLLEAGUE = re.compile(
    r"\bto (?:the |a |an |my |your |our )?(?:duty )?(?:supervisor|manager|expert|specialist|colleague|senior|team|agent)s?\b",
    re.I,
)


def for_customer(section_title: str) -> bool:
    """Whether a "Say" section is said to the customer (most are) rather than to a colleague."""
    return not _TO_COLLEAGUE.search(section_title or "")


def _customer_fields(markdown: str) -> str:
    def rename(m: re.Match[str]) -> str:
        name: str | None = m.group(1)
        if name is None or name not in FOR_CUSTOMER:
            return m.group(0)
        return "{" + FOR_CUSTOMER[name] + "}"

    return PLACEHOLDER_RE.sub(rename, markdown)


def speakable(body: str) -> str:
    """`body` with every note-for-colleagues placeholder inside a section said to the
    customer renamed to its customer-facing field ({issue_summary} -> {customer_issue}).

    A site's own script written before the two were separated then still never puts the
    rep's internal summary into the customer's ear; words for a colleague keep it."""
    if not isinstance(body, str):
        return ""
    lines = [
        _customer_fields(line) if section is not None and for_customer(section) else line
        for line, section in _say_lines(body)
    ]
    return "\n".join(lines) + ("\n" if body.endswith("\n") else "")


@dataclass(frozen=True)
class SayText:
    """Words to say, as far as the call can fill them: complete, or the fields still empty."""

    title: str
    text: str  # plain text; holds a [name?] marker for each field in `missing`
    html: str
    missing: tuple[str, ...]
    fields: tuple[str, ...]  # the call fields these words use, in order

    @property
    def complete(self) -> bool:
        return not self.missing


def say_text(section: Section | str, values: Mapping[str, Any] | None = None, title: str = "") -> SayText:
    """The one rule for every "say this" text (script parts, protocol steps, checklist
    outcomes): filled with the call's values, internal notes never used in words for the
    customer, and what is still missing named, so the caller can ask for it and refuse to
    copy until it is there."""
    if isinstance(section, Section):
        title, markdown = section.title, section.markdown
    else:
        markdown = section if isinstance(section, str) else ""
    if for_customer(title):
        markdown = _customer_fields(markdown)
    filled = fill_for_copy(markdown, values)
    return SayText(title=title, text=filled.text, html=filled.html, missing=filled.missing, fields=filled.placeholders)


def field_help(name: str, declared: Mapping[str, str] | None = None) -> str:
    """What to type for a call field: the card's own description, else the desk's."""
    if declared and declared.get(name):
        return declared[name]
    if name in FIELD_HELP:
        return FIELD_HELP[name]
    for internal, customer in FOR_CUSTOMER.items():
        if name == customer and declared and declared.get(internal):
            return f"{declared[internal]} (in words for the customer)"
    return ""


def fill_for_copy(markdown_text: str, values: Mapping[str, Any] | None = None) -> Filled:
    """`fill`, with `text` as plain text to paste (no Markdown marks such as ** or >).

    The marks are taken out of the script before filling, so the values stay exactly
    as typed (a name with an asterisk keeps it)."""
    from workaid.core.content.render import plain_text

    rich = fill(markdown_text, values)
    plain = fill(plain_text(markdown_text if isinstance(markdown_text, str) else ""), values)
    return Filled(text=plain.text, missing=rich.missing, html=rich.html, placeholders=rich.placeholders)
