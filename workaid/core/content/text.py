"""Text folding shared by indexing and querying, so both sides agree exactly.

`fold` keeps the string's length (one character in, one out), which lets a match
found in folded text be highlighted at the same offsets in the original.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# A word is a run of letters/digits; CJK runs are split per character because
# CJK text has no spaces and word search would otherwise need the whole run.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"


@functools.cache
def _control() -> re.Pattern[str]:
    # Compiled on first use, like _cjk: start-up folds text but cleans none.
    return re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


@functools.cache
def _cjk() -> re.Pattern[str]:
    # Compiled on first use: this class is slow to compile, and start-up needs none of it.
    return re.compile(f"[{_CJK_CLASS}]")


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch < "\x80":
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)
    stripped = "".join(c for c in base if not unicodedata.combining(c))
    low = stripped.lower() if stripped else ch
    if len(low) != 1:
        low = ch.lower()
        if len(low) != 1:
            return ch
    return low


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character (C-speed after)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one: 'Café' -> 'cafe'."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def clean(text: str) -> str:
    """Drop control and invisible formatting characters; keep newlines and tabs."""
    return _control().sub("", text)


def words(text: str) -> list[str]:
    """Folded search words of `text`; CJK characters stand alone."""
    out: list[str] = []
    for w in _WORD.findall(fold(clean(text))):
        if not w.isascii() and _cjk().search(w):
            out.extend(p for p in re.split(f"([{_CJK_CLASS}])", w) if p)
        else:
            out.append(w)
    return out


def has_cjk(text: str) -> bool:
    return not text.isascii() and bool(_cjk().search(text))


def slug(text: str) -> str:
    """A card id made from a path or title: 'Billing/Late Fees' -> 'billing-late-fees'."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(text))
    return s.strip("-")[:80] or "card"
