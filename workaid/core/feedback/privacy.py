"""What may leave a desk: flag comments masked, search queries cleaned or dropped.

Privacy here is by construction, not by review: every string a desk sends (a flag's
comment, a query, an escalation reason) has passed one of the two functions below,
and both err on the side of removing too much. A comment keeps its sense with the
customer's details cut out ("the £## limit is not clear [e-mail removed]"); a query
that looks like it holds a customer's details is dropped whole, since a query with
a hole in it teaches the owner nothing.

What counts as customer data:
- e-mail addresses (any word with an "@" in it, social handles included);
- card numbers (13-19 digits, spaces or dashes between), phone numbers (7 or more
  digits with the usual separators) and reference-like tokens (letters and digits
  mixed, 5 characters or more, or a run of 5 or more digits);
- whatever the rep typed into the current call (the session's values: the name,
  the account, the amount …), whole or word by word, in any case;
- common given names and surnames (names.COMMON_NAMES);
- for queries only, with the content's vocabulary: a Capitalised word the content
  does not know, which is how a rep types a surname into the search box.
Any digit left after that becomes "#": amounts and dates keep their shape, not their value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable

from workaid.core.content.text import clean, fold
from workaid.core.feedback.names import COMMON_NAMES

MAX_COMMENT = 500
MAX_QUERY = 60
_MAX_INPUT = 20_000  # a comment box never holds more; bounds the work on pasted text

EMAIL_MASK = "[e-mail removed]"
PHONE_MASK = "[phone removed]"
CARD_MASK = "[card number removed]"
REFERENCE_MASK = "[reference removed]"
VALUE_MASK = "[removed]"
NAME_MASK = "[name removed]"

# While masking, a removed span is held as a sentinel (control characters never
# survive `_normalise`), so later passes cannot match inside a mask's own words.
_SENTINELS = {
    "\x01E\x02": EMAIL_MASK,
    "\x01P\x02": PHONE_MASK,
    "\x01C\x02": CARD_MASK,
    "\x01R\x02": REFERENCE_MASK,
    "\x01V\x02": VALUE_MASK,
    "\x01N\x02": NAME_MASK,
}
_E, _P, _C, _R, _V, _N = _SENTINELS

_TOKEN_RE = re.compile(r"\S+")
_OPENERS = "([{<\"'"
_CLOSERS = ")]}>\"',;:.!?"
_DATE_RE = re.compile(r"(?<!\d)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?!\d)")
# Card and phone numbers stand alone: digits inside a longer token ("0123456789abcdef")
# are a reference, masked whole below.
_CARD_RE = re.compile(r"(?<![^\W_])(?:\d[ -]?){12,18}\d(?![^\W_])")
_PHONE_RE = re.compile(r"(?:\+|(?<![^\W_])00)?\(?(?<![^\W_])\d[\d ().\-/]{4,}\d(?![^\W_])")
_PHONE_DIGITS = 7
_REFERENCE_RE = re.compile(r"(?<![^\W_])(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]{5,}(?![^\W_])|\d{5,}")
_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_WORD_RE = re.compile(r"[^\W_]+")
_DIGIT_RE = re.compile(r"\d")
# Words of a call value that identify nobody on their own, kept in a masked comment.
_COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "with",
        "you",
        "your",
    ]
)


def _normalise(text: str) -> str:
    """NFKC (full-width digits and "＠" become plain ones), control characters out,
    whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", text[:_MAX_INPUT])
    text = clean(text).replace("\x01", " ").replace("\x02", " ")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") else c for c in text)
    return " ".join(text.split())


def _email(m: re.Match[str]) -> str:
    """A word with an "@" and anything else in it: an address or a handle."""
    word = m.group()
    if "@" not in word or not word.strip("@"):
        return word
    core = word.lstrip(_OPENERS)
    head = word[: len(word) - len(core)]
    body = core.rstrip(_CLOSERS)
    tail = core[len(body) :]
    if "@" not in body or not body.strip("@"):  # "(@)," and the like: nothing around the "@"
        return _E
    return f"{head}{_E}{tail}"


def _phone(m: re.Match[str]) -> str:
    return _P if sum(c.isdigit() for c in m.group()) >= _PHONE_DIGITS else m.group()


def _no_digits(text: str) -> str:
    text = _DIGIT_RE.sub("#", text)
    return "".join("#" if c.isdigit() else c for c in text) if not text.isascii() else text


def _value_patterns(call_values: Iterable[object]) -> tuple[list[re.Pattern[str]], set[str]]:
    """One pattern per whole value (any whitespace between its words) and the set of
    its identifying words (folded), from whatever the session holds."""
    whole: list[re.Pattern[str]] = []
    parts: set[str] = set()
    for value in call_values:
        if not isinstance(value, str):
            continue
        norm = _normalise(value)
        if len(norm) < 2 or fold(norm) in _COMMON_WORDS:
            continue
        pieces = norm.split(" ")
        body = r"\s*".join(re.escape(p) for p in pieces)
        whole.append(re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE))
        for w in _WORD_RE.findall(norm):
            f = fold(w)
            if len(f) >= 2 and not f.isdigit() and f not in _COMMON_WORDS:
                parts.add(f)
    # Longest first: "Jo Smith" is removed before "Jo" could cut it in two.
    whole.sort(key=lambda p: -len(p.pattern))
    return whole, parts


def _is_name(word: str) -> bool:
    return fold(word.replace("'", "").replace("\u2019", "")) in COMMON_NAMES


def mask_comment(text: str, call_values: Iterable[object] = ()) -> str:
    """`text` with the customer's details masked, digits as "#", at most 500 characters."""
    if not isinstance(text, str):
        raise TypeError(f"a comment is text, not {type(text).__name__}")
    s = _normalise(text)
    s = _TOKEN_RE.sub(_email, s)
    s = _DATE_RE.sub(lambda m: _DIGIT_RE.sub("#", m.group()), s)
    s = _CARD_RE.sub(_C, s)
    s = _PHONE_RE.sub(_phone, s)
    s = _REFERENCE_RE.sub(_R, s)
    whole, parts = _value_patterns(call_values)
    for pattern in whole:
        s = pattern.sub(_V, s)
    if parts:
        s = _WORD_RE.sub(lambda m: _V if fold(m.group()) in parts else m.group(), s)
    s = _NAME_WORD_RE.sub(lambda m: _N if _is_name(m.group()) else m.group(), s)
    s = _no_digits(s)
    for sentinel, mask in _SENTINELS.items():
        s = s.replace(sentinel, mask)
    return s[:MAX_COMMENT].rstrip()


def _looks_private(s: str) -> bool:
    """Whether normalised text holds an e-mail, card, phone number or reference."""
    if "@" in s or _CARD_RE.search(s) or _REFERENCE_RE.search(s):
        return True
    return any(sum(c.isdigit() for c in m.group()) >= _PHONE_DIGITS for m in _PHONE_RE.finditer(s))


def _capitalised(word: str) -> bool:
    """How a rep types a surname: "Smithers", or "SMITHERS"; short all-capital words
    ("CEO", "BBB") are how everyone types an acronym, and stay."""
    if not word[:1].isupper():
        return False
    return any(c.islower() for c in word[1:]) or len(word) >= 5


def clean_query(text: str, call_values: Iterable[object] = (), vocabulary: Container[str] | None = None) -> str | None:
    """The query as it may be sent (folded, spaces collapsed, digits as "#"), or None
    when it may not: too long, or holding anything that looks like a customer's details."""
    if not isinstance(text, str):
        return None
    s = _normalise(text)
    if not s or len(s) > MAX_QUERY or _looks_private(s):
        return None
    whole, parts = _value_patterns(call_values)
    if any(p.search(s) for p in whole):
        return None
    words = _WORD_RE.findall(s)
    for w in words:
        f = fold(w)
        if f in parts and (vocabulary is None or f not in vocabulary):
            return None
        if vocabulary is not None and _capitalised(w) and f not in vocabulary:
            return None
    if any(_is_name(w) for w in _NAME_WORD_RE.findall(s)):
        return None
    out = " ".join(_no_digits(fold(s)).split())
    if not out or len(out) > MAX_QUERY or fold(out) != out:
        return None
    return out
