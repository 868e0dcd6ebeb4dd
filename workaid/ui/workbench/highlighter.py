"""Colours for a card's raw file: front matter keys and values, Markdown headings, bold,
lists, `{placeholders}` and the `{{limits}}` marker.

Which block is front matter is carried from line to line in the block state (Qt's
per-line memory), so typing on one line re-colours only that line and the lines after
it whose state changed, never the whole card.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

# Block states: -1 (Qt's "unknown") only for the first line.
BODY, FRONT, FRONT_FIRST = 0, 1, 2

_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)(\s*:)(?=\s|$)")
_LIST_DASH = re.compile(r"^\s*-\s")
_COMMENT = re.compile(r"(?:^|\s)(#.*)$")
_HEADING = re.compile(r"^#{1,6}\s.*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_BOLD = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")
_MARKER = re.compile(r"\{\{\s*[\w-]+\s*\}\}")
_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_][\w-]*\}(?!\})")
_TABLE_PIPE = re.compile(r"\|")


def _fmt(color: str, bold: bool = False, italic: bool = False, background: str | None = None) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    if italic:
        f.setFontItalic(True)
    if background:
        f.setBackground(QColor(background))
    return f


class CardHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.fence = _fmt("#7a8591", bold=True)
        self.key = _fmt("#17365d", bold=True)
        self.value = _fmt("#2d6a2e")
        self.comment = _fmt("#8a94a0", italic=True)
        self.heading = _fmt("#0f3c78", bold=True)
        self.bold = _fmt("#1d232b", bold=True)
        self.list_mark = _fmt("#9a5b00", bold=True)
        self.placeholder = _fmt("#7b2c8f", bold=True, background="#f4ebf7")
        self.marker = _fmt("#8a4b00", bold=True, background="#fdf1de")
        self.pipe = _fmt("#9aa3ad")

    def highlightBlock(self, text: str) -> None:
        previous = self.previousBlockState()
        first = self.currentBlock().blockNumber() == 0
        if first and text.lstrip("\ufeff").rstrip() == "---":
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(FRONT_FIRST)
            return
        if previous in (FRONT, FRONT_FIRST):
            if text.rstrip() in ("---", "..."):
                self.setFormat(0, len(text), self.fence)
                self.setCurrentBlockState(BODY)
                return
            self._front(text)
            self.setCurrentBlockState(FRONT)
            return
        self._body(text)
        self.setCurrentBlockState(BODY)

    def _front(self, text: str) -> None:
        m = _KEY.match(text)
        start = 0
        if m:
            if m.group(1).strip():
                self.setFormat(m.start(1), len(m.group(1)), self.list_mark)
            self.setFormat(m.start(2), len(m.group(2)), self.key)
            start = m.end(3)
        else:
            dash = _LIST_DASH.match(text)
            if dash:
                self.setFormat(0, dash.end(), self.list_mark)
                start = dash.end()
        comment = _COMMENT.search(text, start)
        end = comment.start(1) if comment else len(text)
        if end > start:
            self.setFormat(start, end - start, self.value)
        if comment:
            self.setFormat(comment.start(1), len(text) - comment.start(1), self.comment)
        self._inline(text)

    def _body(self, text: str) -> None:
        if _HEADING.match(text):
            self.setFormat(0, len(text), self.heading)
        else:
            m = _LIST.match(text)
            if m:
                self.setFormat(0, m.end(), self.list_mark)
            for b in _BOLD.finditer(text):
                self.setFormat(b.start(), b.end() - b.start(), self.bold)
            if text.lstrip().startswith("|"):
                for p in _TABLE_PIPE.finditer(text):
                    self.setFormat(p.start(), 1, self.pipe)
        self._inline(text)

    def _inline(self, text: str) -> None:
        for m in _PLACEHOLDER.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.placeholder)
        for m in _MARKER.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.marker)
