"""Word-level differences of two texts (card bodies, whole card files), for people.

An owner comparing two versions of a card wants to see which words changed, not which
lines: a changed limit in a long paragraph should read "up to [-£24-]{+£28+}". Lines are
matched first, so a 100 KB card with a few scattered edits only compares words inside
the few lines that changed. Every span keeps its whitespace, so the old text is exactly
the equal and deleted spans joined, and the new text the equal and inserted ones: a
view built on the spans never shows a text that was not there.

Plain text only: this module knows nothing of cards or fields (see authoring.versions).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest
from typing import Literal

Op = Literal["equal", "delete", "insert"]

# Words, runs of whitespace, and every other character alone (so "£24." is "£", "24", "."):
# together they cover any text, which keeps the spans joining back to it.
# An amount with its currency sign is one word ("£12" → "£14" reads as one change,
# not "£" kept and "12" swapped); otherwise words, whitespace runs and single marks.
_TOKEN = re.compile(r"[£$€¥₹]?\d+(?:[.,]\d+)*|\w+|\s+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")

# Word matching without autojunk finds the best alignment but its cost grows with the
# product of the two blocks; past this many token pairs (a whole rewritten chapter with
# no line in common) autojunk keeps it fast, at the price of a coarser alignment.
_EXACT_PAIRS = 4_000_000


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text that is in both versions (equal), only the old (delete) or only the new (insert)."""

    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a side-by-side view: the old line and the new, each with its word marks.

    `left` holds equal and delete spans, `right` equal and insert spans; a line present
    on one side only has None as the other side's number and no spans there."""

    left: tuple[Span, ...]
    right: tuple[Span, ...]
    left_no: int | None
    right_no: int | None
    changed: bool

    @property
    def left_text(self) -> str:
        return "".join(s.text for s in self.left)

    @property
    def right_text(self) -> str:
        return "".join(s.text for s in self.right)


def tokens(text: str) -> list[str]:
    """The words (an amount with its currency sign counts as one), whitespace runs and
    punctuation of `text`; joined they are `text`."""
    return _TOKEN.findall(text)


def _split_lines(text: str) -> list[str]:
    """Lines with their newline; unlike str.splitlines, only "\n" ends a line (cards are
    read with their line ends made "\n"), so line numbers agree with an editor's."""
    return _LINE.findall(text)


def _line_opcodes(a: list[str], b: list[str]) -> Sequence[tuple[str, int, int, int, int]]:
    # Lines that recur all over a long card (blank lines, a table's |---| rule) are not
    # used to anchor a match, only to extend one: without that, each of them is tried as
    # an anchor against every copy, and a 100 KB card takes ten times as long.
    return SequenceMatcher(None, a, b, autojunk=True).get_opcodes()


def _word_spans(old: str, new: str, trim: bool = False) -> list[Span]:
    """Word-level spans of two blocks of text that differ (no line in common); `trim` for
    one line against one line, where the common start and end are surely the same words."""
    if not old or not new:
        return [Span("delete", old)] if old else [Span("insert", new)] if new else []
    a, b = tokens(old), tokens(new)
    head = tail = 0
    if trim:
        # The words both lines start and end with are kept as they are: a line with one
        # changed word leaves the matcher a few tokens, not a hundred mostly-spaces.
        while head < min(len(a), len(b)) and a[head] == b[head]:
            head += 1
        while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
            tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    matcher = SequenceMatcher(None, mid_a, mid_b, autojunk=len(mid_a) * len(mid_b) > _EXACT_PAIRS)
    codes = [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    if head:
        codes.insert(0, ("equal", 0, head, 0, head))
    if tail:
        codes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    out: list[Span] = []
    n = 0
    while n < len(codes):
        tag, i1, i2, j1, j2 = codes[n]
        if tag == "equal":
            out.append(Span("equal", "".join(a[i1:i2])))
            n += 1
            continue
        # A run of changes, swallowing the lone spaces between them: "[-late fee-]{+early
        # charge+}" reads better than four marks around a kept space.
        dels, ins = [], []
        while n < len(codes):
            tag, i1, i2, j1, j2 = codes[n]
            if tag == "equal" and not (_is_space(a[i1:i2]) and n + 1 < len(codes)):
                break
            dels.append("".join(a[i1:i2]))
            ins.append("".join(b[j1:j2]))
            n += 1
        if "".join(dels):
            out.append(Span("delete", "".join(dels)))
        if "".join(ins):
            out.append(Span("insert", "".join(ins)))
    return out


def _is_space(parts: Sequence[str]) -> bool:
    return all(p.isspace() for p in parts)


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Neighbouring spans of the same kind as one; empty spans dropped."""
    out: list[Span] = []
    for s in spans:
        if not s.text:
            continue
        if out and out[-1].op == s.op:
            out[-1] = Span(s.op, out[-1].text + s.text)
        else:
            out.append(s)
    return out


def _order(spans: list[Span]) -> list[Span]:
    """Within each run of changes, what was removed before what was added."""
    out: list[Span] = []
    run: list[Span] = []
    for s in spans + [Span("equal", "")]:
        if s.op == "equal":
            out.extend(x for x in run if x.op == "delete")
            out.extend(x for x in run if x.op == "insert")
            run = []
            out.append(s)
        else:
            run.append(s)
    return _merge(out)


def word_diff(old: str, new: str) -> list[Span]:
    """The spans that turn `old` into `new`, word by word; [Span("equal", old)] when they agree."""
    if old == new:
        return [Span("equal", old)] if old else []
    a, b = _split_lines(old), _split_lines(new)
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(a, b):
        if tag == "equal":
            spans.append(Span("equal", "".join(a[i1:i2])))
        else:
            spans.extend(_block_spans(a[i1:i2], b[j1:j2]))
    return _order(_merge(spans))


def _block_spans(a: list[str], b: list[str]) -> list[Span]:
    """Word spans of a block of changed lines. As many lines on both sides reads as each
    line edited in place (the usual case), so each pair is compared alone: faster, and
    a word never seems to move from one line to another."""
    if len(a) == len(b):
        out: list[Span] = []
        for x, y in zip(a, b, strict=True):
            out.extend(_word_spans(x, y, trim=True))
        return out
    return _word_spans("".join(a), "".join(b))


def old_text(spans: Iterable[Span]) -> str:
    return "".join(s.text for s in spans if s.op != "insert")


def new_text(spans: Iterable[Span]) -> str:
    return "".join(s.text for s in spans if s.op != "delete")


def is_changed(spans: Iterable[Span]) -> bool:
    return any(s.op != "equal" for s in spans)


def word_counts(spans: Iterable[Span]) -> tuple[int, int]:
    """(words removed, words added): "body: 3 words removed, 5 added" for a summary line."""
    removed = added = 0
    for s in spans:
        n = len(_WORD.findall(s.text)) if s.op != "equal" else 0
        if s.op == "delete":
            removed += n
        elif s.op == "insert":
            added += n
    return removed, added


def _marked(text: str, start: str, end: str) -> str:
    """Each line's piece of `text` between the marks, newlines outside them, so every
    printed line opens and closes its own marks."""
    return "\n".join(f"{start}{part}{end}" if part else "" for part in text.split("\n"))


def inline_text(spans: Iterable[Span]) -> str:
    """The two versions in one text, removals as [-…-] and additions as {+…+} (as git's word diff)."""
    marks = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
    return "".join(s.text if s.op == "equal" else _marked(s.text, *marks[s.op]) for s in spans)


def inline_html(spans: Iterable[Span]) -> str:
    """The two versions in one escaped HTML fragment, removals in <del> and additions in <ins>.

    Newlines are kept as they are (outside the marks), for a view with pre-wrapped white space."""
    tags = {"delete": ("<del>", "</del>"), "insert": ("<ins>", "</ins>")}
    out = []
    for s in spans:
        text = html.escape(s.text, quote=False)
        out.append(text if s.op == "equal" else _marked(text, *tags[s.op]))
    return "".join(out)


def _lines(spans: Iterable[Span]) -> list[list[Span]]:
    """Spans cut at each newline (the newline stays with its line): one list per line."""
    lines: list[list[Span]] = [[]]
    for s in spans:
        parts = s.text.split("\n")
        for n, part in enumerate(parts):
            text = part + "\n" if n < len(parts) - 1 else part
            if text:
                lines[-1].append(Span(s.op, text))
            if n < len(parts) - 1:
                lines.append([])
    if not lines[-1]:
        lines.pop()
    return [_merge(line) for line in lines]


def _strip_newline(line: list[Span]) -> tuple[Span, ...]:
    """A line's spans without its final newline (a row shows lines, not line ends)."""
    if line and line[-1].text.endswith("\n"):
        last = line[-1]
        line = line[:-1] + ([Span(last.op, last.text[:-1])] if last.text != "\n" else [])
    return tuple(line)


def side_by_side(old: str, new: str) -> list[Row]:
    """The two texts as rows of old line | new line, lines matched as in word_diff, with the
    words that changed within each changed line marked."""
    a, b = _split_lines(old), _split_lines(new)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(a, b):
        if tag == "equal":
            for k in range(i2 - i1):
                line = (Span("equal", a[i1 + k].removesuffix("\n")),)
                rows.append(Row(line, line, i1 + k + 1, j1 + k + 1, False))
            continue
        spans = _order(_merge(_block_spans(a[i1:i2], b[j1:j2])))
        left = _lines(s for s in spans if s.op != "insert")
        right = _lines(s for s in spans if s.op != "delete")
        for k, (lft, rgt) in enumerate(zip_longest(left, right)):
            rows.append(
                Row(
                    _strip_newline(lft or []),
                    _strip_newline(rgt or []),
                    i1 + k + 1 if lft is not None else None,
                    j1 + k + 1 if rgt is not None else None,
                    True,
                )
            )
    return rows


def with_context(rows: Sequence[Row], context: int = 3) -> list[Row | None]:
    """The changed rows and `context` rows either side; None where unchanged rows were left out."""
    keep = [False] * len(rows)
    for n, row in enumerate(rows):
        if row.changed:
            for k in range(max(0, n - context), min(len(rows), n + context + 1)):
                keep[k] = True
    out: list[Row | None] = []
    for n, row in enumerate(rows):
        if keep[n]:
            out.append(row)
        elif not out or out[-1] is not None:
            out.append(None)
    return out


def inline_lines(spans: Iterable[Span], context: int | None = 3) -> list[str | None]:
    """The inline text line by line; with `context`, only lines with a change and `context`
    lines either side, None where unchanged lines were left out (a terminal shows '…')."""
    lines = _lines(spans)
    texts = [inline_text(_strip_newline(line)) for line in lines]
    if context is None:
        return list(texts)
    changed = [any(s.op != "equal" for s in line) for line in lines]
    keep = [False] * len(lines)
    for n, c in enumerate(changed):
        if c:
            for k in range(max(0, n - context), min(len(lines), n + context + 1)):
                keep[k] = True
    out: list[str | None] = []
    for n, text in enumerate(texts):
        if keep[n]:
            out.append(text)
        elif not out or out[-1] is not None:
            out.append(None)
    return out
