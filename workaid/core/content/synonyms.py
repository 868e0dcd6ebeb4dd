"""Search vocabulary that owners control: synonym groups written on cards.

A card may carry ``synonyms:``, a list of groups, each a line of terms separated by
``=`` (``ceo = chief executive = managing director``). Reps type the customer's words
("ceo", "bbb"); the cards are written in the company's ("chief executive", "Better
Business Bureau"). A group says those are one thing, and the card holding it is the
authority for that vocabulary: a search that hits a term ranks that card first (see
search.Searcher).

This module is the one place that says what a valid group is (the parser, the folder
check, the store and the workbench all ask it) and how a query's words meet the groups
(`Vocabulary.expand`), so what is checked and what is searched cannot drift apart.
Terms are compared by their folded search words (text.words), exactly as queries are.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workaid.core.content.text import clean, words

log = logging.getLogger("workaid.synonyms")

MAX_TERM_CHARS = 60
MAX_TERMS_PER_GROUP = 40
MAX_GROUPS_PER_CARD = 200
# A lone word being typed must be this long before it counts as the start of a
# synonym ("pres" -> "president", "bett" -> "better business bureau"): shorter
# prefixes start too many other words.
MIN_PREFIX_CHARS = 4
# A prefix that starts terms of many groups says nothing; at most this many are used.
MAX_GROUPS_PER_RUN = 4
SEPARATOR = " = "
_SPLIT = re.compile(r"\s*=\s*")
_TERM_PUNCT = frozenset(" -'\u2019\u2010\u2011")

TermKey = tuple[str, ...]


def split_group(text: str) -> list[str]:
    """The terms of one group line, each with its spaces collapsed, in written order."""
    return [" ".join(t.split()) for t in _SPLIT.split(text.strip())] if text.strip() else []


def term_key(term: str) -> TermKey:
    """What a term is compared by: its folded search words ('Trading-Standards' ->
    ('trading', 'standards')), the same words a query is cut into."""
    return tuple(words(unicodedata.normalize("NFC", term)))


def term_problem(term: str) -> str | None:
    """Why `term` cannot be a synonym, in words; None when it can."""
    if not term:
        return "an empty term (two '=' together, or one at an end)"
    if len(term) > MAX_TERM_CHARS:
        return f"the term {_quoted(term)} is {len(term)} characters long; a term may be at most {MAX_TERM_CHARS}"
    text = unicodedata.normalize("NFC", term)
    odd = [ch for ch in text if not (ch.isalnum() or ch in _TERM_PUNCT or unicodedata.category(ch).startswith("M"))]
    if odd:
        return (
            f"the term {_quoted(term)} contains {_quoted(odd[0])}; a term is made of words "
            "(letters and digits, with spaces, hyphens or apostrophes between them)"
        )
    if not term_key(text):
        return f"the term {_quoted(term)} has no letters or digits"
    return None


def group_problems(text: str) -> list[str]:
    """Everything wrong with one group line (empty: it is a valid group)."""
    terms = split_group(text)
    out: list[str] = []
    seen: dict[TermKey, str] = {}
    for term in terms[:MAX_TERMS_PER_GROUP]:
        why = term_problem(term)
        if why:
            out.append(why)
            continue
        key = term_key(term)
        if key in seen:
            same = "twice" if seen[key] == term else f"twice ({_quoted(seen[key])} and {_quoted(term)} are the same words)"
            out.append(f"the term {_quoted(term)} is in this group {same}; keep one")
        else:
            seen[key] = term
    if len(terms) > MAX_TERMS_PER_GROUP:
        out.append(f"a group may have at most {MAX_TERMS_PER_GROUP} terms (this one has {len(terms)}); split it")
    if not out and len(seen) < 2:
        out.append(
            "a synonym group needs at least two different terms separated by ' = ', e.g. ceo = chief executive"
        )
    return out


Report = Callable[[tuple[Any, ...], str], None]


def check_synonyms(value: Any, bad: Report) -> tuple[str, ...]:
    """The card's groups (each line stripped, as written) after reporting every problem
    through the parser's `bad`, located at the list or at the group's own line."""
    if value is None:
        return ()
    if isinstance(value, str):
        bad(("synonyms",), "synonyms must be a list with one group per line, e.g.\n  - ceo = chief executive")
        return ()
    if not isinstance(value, list):
        bad(("synonyms",), "synonyms must be a list of groups, each like 'ceo = chief executive'")
        return ()
    if len(value) > MAX_GROUPS_PER_CARD:
        bad(("synonyms",), f"a card may hold at most {MAX_GROUPS_PER_CARD} synonym groups (this one has {len(value)})")
        return ()
    groups: list[str] = []
    first_at: dict[TermKey, int] = {}
    for i, item in enumerate(value):
        if not isinstance(item, str):
            bad(("synonyms", i), "each synonym group must be one line of terms like 'ceo = chief executive'")
            continue
        text = clean(item).strip()
        problems = group_problems(text)
        for why in problems:
            bad(("synonyms", i), f"synonym group {i + 1}: {why}")
        if problems:
            continue
        for term in split_group(text):
            key = term_key(term)
            if key in first_at:
                bad(
                    ("synonyms", i),
                    f"synonym group {i + 1}: the term {_quoted(term)} is also in group {first_at[key] + 1}; "
                    "a term may be in one group only (merge the two groups)",
                )
            else:
                first_at[key] = i
        groups.append(text)
    return tuple(groups)


@dataclass(frozen=True)
class Holder:
    """Where one group is written, for the folder-wide check."""

    source: str
    line: int
    group: str


def folder_clashes(holders: Iterable[Holder]) -> list[tuple[Holder, str]]:
    """(holder, message) for every term that a group before it (in path order) already
    has: a rep's word must lead to one card, so one term is in one group."""
    first: dict[TermKey, tuple[str, Holder]] = {}
    out: list[tuple[Holder, str]] = []
    for h in holders:
        for term in split_group(h.group):
            key = term_key(term)
            if not key:
                continue
            had = first.get(key)
            if had is None:
                first[key] = (term, h)
            elif had[1] is not h:
                where = f"{had[1].source}:{had[1].line}" if had[1].line else had[1].source
                out.append(
                    (
                        h,
                        f"the synonym {_quoted(term)} is also in a group on {where}; a term may be in one "
                        "group only (merge the groups, or keep it on the card that is the answer)",
                    )
                )
    return out


def _quoted(text: str) -> str:
    return "'" + (text if len(text) <= 40 else text[:39] + "…") + "'"


# -- the vocabulary search uses ------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """One group as search uses it: its terms' keys and the cards that hold it."""

    terms: tuple[TermKey, ...]
    cards: tuple[str, ...]


@dataclass(frozen=True)
class Run:
    """Query words start..end (exclusive) that name the terms of `groups`; `exact` when
    the words are a whole term, not the start of one being typed."""

    start: int
    end: int
    groups: tuple[int, ...]
    exact: bool


@dataclass
class Vocabulary:
    """Every group of the content, indexed for matching a query's words in microseconds."""

    groups: list[Group] = field(default_factory=list)
    _by_first: dict[str, list[tuple[TermKey, int]]] = field(default_factory=dict)
    _starts: list[tuple[str, int]] = field(default_factory=list)  # (a term's first word, group), sorted

    @classmethod
    def of(cls, rows: Iterable[tuple[str, int, str]]) -> Vocabulary:
        """From (card_id, group number, folded term) rows; a term that two groups share
        (only a pack made without the folder check has one) joins them into one."""
        by_group: dict[tuple[str, int], list[TermKey]] = {}
        for card_id, number, term in rows:
            key = tuple(term.split())
            if key:
                by_group.setdefault((card_id, number), []).append(key)
        groups: list[Group] = []
        owner: dict[TermKey, int] = {}
        for (card_id, _), terms in by_group.items():
            joined = next((owner[t] for t in terms if t in owner), None)
            if joined is None:
                owner.update((t, len(groups)) for t in terms)
                groups.append(Group(tuple(dict.fromkeys(terms)), (card_id,)))
            else:
                g = groups[joined]
                new = tuple(dict.fromkeys((*g.terms, *terms)))
                groups[joined] = Group(new, g.cards if card_id in g.cards else (*g.cards, card_id))
                owner.update((t, joined) for t in new)
        vocab = cls(groups)
        for t, gi in owner.items():
            vocab._by_first.setdefault(t[0], []).append((t, gi))
            vocab._starts.append((t[0], gi))
        vocab._starts.sort()
        return vocab

    def __bool__(self) -> bool:
        return bool(self.groups)

    def runs(self, tokens: Sequence[str], prefix: bool) -> list[Run]:
        """The query's word runs that name a group, left to right, longest first.

        A run is a whole term, or two or more whole words that start one ("better
        business" for "better business bureau"); while the rep types (`prefix`), the
        query's last words may also be the start of a term: "better busi", and a lone
        last word of MIN_PREFIX_CHARS or more starts any term ("pres", "bett"); a lone
        finished last word may be a term's first word ("trading ").
        """
        out: list[Run] = []
        n = len(tokens)
        i = 0
        while i < n:
            best: tuple[int, bool] = (0, False)  # (end, exact): the longer run wins, then a whole term
            found: set[int] = set()
            for term, gi in self._by_first.get(tokens[i], ()):
                end, k = i + len(term), n - i
                same = _common(tokens, i, term)
                if same == len(term):
                    cand = (end, True)
                elif prefix and 2 <= k <= len(term) and same == k - 1 and term[k - 1].startswith(tokens[n - 1]):
                    cand = (n, False)  # "better busi": the last word is being typed
                elif same >= 2:
                    cand = (i + same, False)  # "better business": the first whole words of a longer term
                else:
                    continue
                if cand > best:
                    best, found = cand, {gi}
                elif cand == best:
                    found.add(gi)
            if not found and i == n - 1 and len(tokens[i]) >= MIN_PREFIX_CHARS:
                # The last word starts a term ("bett", "pres"); once finished ("trading "),
                # it must be the term's whole first word.
                word = tokens[i]
                at = bisect.bisect_left(self._starts, (word, -1))
                while at < len(self._starts) and (
                    self._starts[at][0].startswith(word) if prefix else self._starts[at][0] == word
                ):
                    found.add(self._starts[at][1])
                    at += 1
                    if len(found) >= MAX_GROUPS_PER_RUN:
                        break
                best = (n, False)
            if found:
                out.append(Run(i, best[0], tuple(sorted(found)[:MAX_GROUPS_PER_RUN]), best[1]))
                i = best[0]
            else:
                i += 1
        return out


def _common(tokens: Sequence[str], at: int, term: TermKey) -> int:
    """How many of the term's first words the query has, word for word, from `at` on."""
    same = 0
    for word, want in zip(tokens[at:], term, strict=False):
        if word != want:
            break
        same += 1
    return same
