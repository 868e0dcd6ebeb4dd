"""A card body with what changed marked: removed words struck through, added ones marked.

The rep sees the card as it is now, rendered as always (the same Markdown, the same
sanitiser), with the differences from the version they last read shown in place. The
marks go in as private-use characters before rendering and become tags only after the
sanitiser has run, so a card's own text can never smuggle markup in through a diff;
each mark is closed at the end of its line and kept inside table cells and after list
and heading markers, so the Markdown structure is the card's own.
"""

from __future__ import annotations

import html
import re

from workaid.core.content import render
from workaid.core.content.diff import word_diff

DEL_OPEN, DEL_CLOSE, INS_OPEN, INS_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = str.maketrans("", "", DEL_OPEN + DEL_CLOSE + INS_OPEN + INS_CLOSE)
# Qt's rich text has no <del>/<ins>: a struck-through and a shaded span say the same.
REMOVED_TAG = '<s style="color:#b71c1c;">'
ADDED_TAG = '<span style="background-color:#d8f3dc; color:#1b5e20;">'
_BLOCK_PREFIX = re.compile(r"^[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)[ \t]+)*")


def _marked(text: str, open_: str, close: str, at_line_start: bool) -> str:
    """`text` with each line's words (and each table cell's) between the marks."""
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("\n")
            at_line_start = True
        prefix = _BLOCK_PREFIX.match(line).group(0) if at_line_start else ""  # type: ignore[union-attr]
        rest = line[len(prefix) :]
        cells = rest.split("|")
        wrapped = []
        for cell in cells:
            core = cell.strip()
            if core:
                lead = cell[: len(cell) - len(cell.lstrip())]
                trail = cell[len(cell.rstrip()) :]
                wrapped.append(f"{lead}{open_}{core}{close}{trail}")
            else:
                wrapped.append(cell)
        out.append(prefix + "|".join(wrapped))
    return "".join(out)


def highlighted_html(old_body: str, new_body: str) -> str:
    """The new body as sanitised HTML, with the words removed since `old_body` struck
    through and the words added marked."""
    old, new = old_body.translate(_MARKS), new_body.translate(_MARKS)
    parts: list[str] = []
    for span in word_diff(old, new):
        start = not parts or parts[-1].endswith("\n")
        if span.op == "equal":
            parts.append(span.text)
        elif span.op == "delete":
            parts.append(_marked(span.text, DEL_OPEN, DEL_CLOSE, start))
        else:
            parts.append(_marked(span.text, INS_OPEN, INS_CLOSE, start))
    html = render.to_html("".join(parts))
    return (
        html.replace(DEL_OPEN, REMOVED_TAG)
        .replace(DEL_CLOSE, "</s>")
        .replace(INS_OPEN, ADDED_TAG)
        .replace(INS_CLOSE, "</span>")
    )


def marked_source_html(old_text: str, new_text: str) -> str:
    """Two versions of a card's file as one escaped, pre-wrapped HTML fragment with the
    same marks: for an owner reviewing what a publish will change, word by word."""
    parts: list[str] = []
    for span in word_diff(old_text, new_text):
        text = html.escape(span.text, quote=False)
        if span.op == "equal":
            parts.append(text)
        else:
            open_, close = (REMOVED_TAG, "</s>") if span.op == "delete" else (ADDED_TAG, "</span>")
            parts.append("\n".join(f"{open_}{line}{close}" if line else "" for line in text.split("\n")))
    return '<pre style="white-space: pre-wrap;">' + "".join(parts) + "</pre>"
