"""Search that keeps up with typing: results on every keystroke, no input can raise.

Design (see bench/search.py for the figures):
- every user word is quoted, so FTS5 syntax in the input is just text; the last word
  matches as a prefix unless the query ends with a space;
- ranking asks FTS5 only for the top row ids (``ORDER BY rank LIMIT``, bm25 weighted
  title > tags > body); snippets are cut in Python for those rows alone, instead of
  running ``snippet()`` over every match as a bare query does;
- a one- or two-letter last word matches titles and tags only: it would otherwise
  match a large part of a big pack, and ranking thousands of rows per keystroke is
  what makes the bare query slow; from the third letter on, everything is searched;
- when words find nothing, a trigram index over accent-folded text finds substrings
  (also CJK); when that finds nothing too, a "did you mean" correction from the index
  vocabulary is suggested and its results are shown;
- the previous keystrokes' answers are cached, so backspacing is free, and a search
  can be interrupted from another thread when the user has typed on;
- owners' synonym groups (synonyms.py) widen the query: words that name a term of a
  group (or start one, while typing) match any term of it, and the card holding the
  group ranks first, being the authority for that vocabulary. The groups are read
  once per content version, and matching a query against them is a few dict look-ups.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workaid.core.content.review import is_overdue, review_date
from workaid.core.content.store import DamagedDatabase, folded_doc, is_damage
from workaid.core.content.synonyms import Run, Vocabulary
from workaid.core.content.text import clean, fold, has_cjk, words

log = logging.getLogger("workaid.search")

MAX_QUERY_CHARS = 256
MAX_TOKENS = 12
SHORT_PREFIX = 2
SNIPPET_CHARS = 150
SNIPPET_SCAN_CHARS = 1500
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Snippet:
    """A short excerpt with the matched parts marked: ((text, is_match), ...)."""

    parts: tuple[tuple[str, bool], ...] = ()

    @property
    def text(self) -> str:
        return "".join(p for p, _ in self.parts)

    def marked(self, open_: str = "[", close: str = "]", escape: Callable[[str], str] | None = None) -> str:
        esc: Callable[[str], str] = escape or (lambda s: s)
        return "".join(f"{open_}{esc(p)}{close}" if hit else esc(p) for p, hit in self.parts)


@dataclass(frozen=True)
class Result:
    id: str
    kind: str
    title: str
    tags: tuple[str, ...]
    summary: str
    review_by: dt.date | None
    snippet: Snippet

    def is_stale(self, today: dt.date | None = None) -> bool:
        return is_overdue(self.review_by, today)

    def as_json(self) -> dict[str, Any]:
        from html import escape  # not at start-up: the window never needs it

        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "tags": list(self.tags),
            "summary": self.summary,
            "review_by": self.review_by.isoformat() if self.review_by else None,
            "snippet": self.snippet.text,
            # HTML: a consumer may put it straight into a page, so the card's text is
            # escaped and the <mark> tags are the only markup in it.
            "snippet_marked": self.snippet.marked("<mark>", "</mark>", escape),
        }


@dataclass(frozen=True)
class Response:
    query: str
    results: tuple[Result, ...] = ()
    mode: str = "words"  # words | substring | browse | corrected | none
    suggestion: str | None = None
    cancelled: bool = False
    terms: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class _Query:
    tokens: tuple[str, ...]
    prefix: bool
    raw_folded: str


def parse_query(query: str) -> _Query:
    text = clean(query or "")[:MAX_QUERY_CHARS]
    toks = tuple(words(text)[:MAX_TOKENS])
    prefix = bool(toks) and not text[-1:].isspace()
    return _Query(toks, prefix, fold(" ".join(text.split())))


def fts_expression(tokens: tuple[str, ...], prefix: bool) -> str:
    """An FTS5 MATCH expression in which no user text is syntax."""
    parts = []
    for i, tok in enumerate(tokens):
        last = i == len(tokens) - 1
        quoted = '"' + tok.replace('"', '""') + '"'
        if last and prefix:
            quoted += "*"
        parts.append(quoted)
    return " ".join(parts)


class Searcher:
    """Runs searches on one read connection. Thread-safe to `interrupt()`."""

    def __init__(self, conn: sqlite3.Connection, limit: int = 50) -> None:
        self.conn = conn
        self.limit = limit
        self._cache: OrderedDict[tuple[Any, ...], Response] = OrderedDict()
        self._rank_cache: OrderedDict[tuple[Any, ...], list[int]] = OrderedDict()
        self._cache_version: int | None = None
        self._vocab: dict[int, list[tuple[str, int]]] | None = None
        self._synonyms: Vocabulary | None = None
        self.expand_synonyms = True  # off only to measure what expansion costs (bench/search.py)
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------
    def search(self, query: str, kind: str | None = None, tag: str | None = None) -> Response:
        """Ranked results for what the user typed. Never raises on any input."""
        try:
            q = parse_query(query)
            key = (q.tokens, q.prefix, q.raw_folded if not q.tokens else "", kind or "", tag or "")
            self._check_cache_version()
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return Response(query, hit.results, hit.mode, hit.suggestion, terms=hit.terms)
            response = self._search(query, q, kind, tag)
            self._cache[key] = response
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return response
        except sqlite3.OperationalError as e:
            if "interrupt" in str(e):
                return Response(query, mode="none", cancelled=True)
            log.exception("search failed for %r", query)
            return Response(query, mode="none")
        except sqlite3.DatabaseError as e:
            if is_damage(e):  # not a search problem: the caller sets the file aside (Store.set_aside)
                raise DamagedDatabase(f"The content database is damaged: {e}") from e
            log.exception("search failed for %r", query)
            return Response(query, mode="none")

    def interrupt(self) -> None:
        """Abandon the search running on another thread (the user typed on)."""
        self.conn.interrupt()

    def invalidate(self) -> None:
        self._cache.clear()
        self._rank_cache.clear()
        self._vocab = None
        self._synonyms = None

    # -- internals ----------------------------------------------------------
    def _check_cache_version(self) -> None:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        count = self.conn.execute("SELECT value FROM meta WHERE key = 'loaded_at'").fetchone()
        stamp = hash((version, count))
        if stamp != self._cache_version:
            self._cache_version = stamp
            self.invalidate()

    def _search(self, query: str, q: _Query, kind: str | None, tag: str | None) -> Response:
        if not q.tokens:
            if not q.raw_folded.strip():
                return Response(query, self._browse(kind, tag), mode="browse")
            results = self._substring(q.raw_folded, kind, tag)
            return Response(query, results, mode="substring" if results else "none", terms=(q.raw_folded,))
        terms = q.tokens
        last = q.tokens[-1]
        expanded = self._expanded(q, kind, tag) if self.expand_synonyms else None
        if expanded is not None:
            rows, terms = expanded
        elif q.prefix and len(last) <= SHORT_PREFIX:
            rows = self._short_prefix(q.tokens, kind, tag)
        else:
            rows = self._ranked(fts_expression(q.tokens, q.prefix), kind, tag)
        if rows:
            return Response(query, self._results(rows[: self.limit], terms, q.prefix), mode="words", terms=terms)
        sub = q.raw_folded if has_cjk(q.raw_folded) else " ".join(q.tokens)
        results = self._substring(sub, kind, tag)
        if results:
            return Response(query, results, mode="substring", terms=(sub,))
        suggestion = self._suggest(q)
        if suggestion:
            sq = parse_query(suggestion + ("" if q.prefix else " "))
            rows = self._ranked(fts_expression(sq.tokens, False), kind, tag)[: self.limit]
            if rows:
                return Response(
                    query,
                    self._results(rows, sq.tokens, False),
                    mode="corrected",
                    suggestion=suggestion,
                    terms=sq.tokens,
                )
        return Response(query, (), mode="none", suggestion=suggestion)

    # -- synonyms ------------------------------------------------------------
    def _load_synonyms(self) -> Vocabulary:
        if self._synonyms is None:
            try:
                rows = self.conn.execute("SELECT card_id, group_no, term FROM synonyms ORDER BY card_id, group_no")
                self._synonyms = Vocabulary.of(rows)
            except sqlite3.OperationalError as e:
                if "no such table" not in str(e):
                    raise
                self._synonyms = Vocabulary()  # a database this version has not upgraded (read-only)
        return self._synonyms

    def _expanded(self, q: _Query, kind: str | None, tag: str | None) -> tuple[list[int], tuple[str, ...]] | None:
        """(row ids, terms to mark) when the query names synonyms, else None.

        Each run of words that names a group becomes (the words as typed OR every term
        of the group); the other words stay as they are. The cards holding a named
        group come first when the rest of the query matches them too, then everything
        the widened query finds, by rank. A one- or two-letter last word is bounded as
        in _short_prefix: inside a run, the run's terms stand for it; outside, the
        ranked rows are filtered by it.
        """
        vocab = self._load_synonyms()
        runs = vocab.runs(q.tokens, q.prefix) if vocab else []
        if not runs:
            return None
        n = len(q.tokens)
        short_last = q.prefix and len(q.tokens[-1]) <= SHORT_PREFIX
        segments: list[tuple[str, frozenset[str]]] = []  # (expression, cards that hold it)
        extra: list[str] = []
        at = 0
        for run in runs:
            segments.extend((fts_expression((t,), False), frozenset()) for t in q.tokens[at : run.start])
            segments.append(self._run_expression(q, run, short_last, extra))
            at = run.end
        plain_tail = q.tokens[at:]
        filter_last = short_last and at < n  # the short last word is not in a run
        for i, t in enumerate(plain_tail):
            last = at + i == n - 1
            if not (last and filter_last):
                segments.append((fts_expression((t,), q.prefix and last), frozenset()))
        expression = " AND ".join(e for e, _ in segments)
        first = self._holders(segments, kind, tag)
        rest = self._ranked(expression, kind, tag)
        taken = set(first)
        rows = first + [r for r in rest if r not in taken]
        if filter_last:
            rows = self._with_word_start(rows, q.tokens[-1])
        return rows, (*extra, *q.tokens)

    def _run_expression(self, q: _Query, run: Run, short_last: bool, extra: list[str]) -> tuple[str, frozenset[str]]:
        vocab = self._load_synonyms()
        typed = q.tokens[run.start : run.end]
        at_end = run.end == len(q.tokens)
        alternatives = []
        if not (at_end and short_last and not run.exact):  # a 1-2 letter start: the terms stand for it
            alternatives.append("(" + fts_expression(typed, q.prefix and at_end and not short_last) + ")")
        holders: list[str] = []
        for gi in run.groups:
            group = vocab.groups[gi]
            holders.extend(c for c in group.cards if c not in holders)
            for term in group.terms:
                if term == typed and alternatives:
                    continue  # the words as typed already say it
                phrase = " ".join(term)
                alternatives.append('"' + phrase.replace('"', '""') + '"')
                if phrase not in extra:
                    extra.append(phrase)
        return "(" + " OR ".join(alternatives) + ")", frozenset(holders)

    def _holders(self, segments: list[tuple[str, frozenset[str]]], kind: str | None, tag: str | None) -> list[int]:
        """The cards holding the named groups that the rest of the query also matches."""
        ids = list(dict.fromkeys(c for _, cards in segments for c in sorted(cards)))
        if not ids:
            return []
        where, args = self._filters(kind, tag)
        marks = ",".join("?" * len(ids))
        found = dict(
            self.conn.execute(f"SELECT c.id, c.rowid FROM cards c WHERE c.id IN ({marks}){where}", [*ids, *args])
        )
        out = []
        for cid in ids:
            rowid = found.get(cid)
            if rowid is None:
                continue
            rest = [e for e, cards in segments if cid not in cards]
            if rest:
                sql = "SELECT 1 FROM cards_fts WHERE cards_fts MATCH ? AND rowid = ?"
                if self.conn.execute(sql, [" AND ".join(rest), rowid]).fetchone() is None:
                    continue
            out.append(rowid)
        return out

    def _with_word_start(self, rowids: list[int], prefix: str) -> list[int]:
        """The rows with a word starting with `prefix` (title, tags or text), in order."""
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        texts = {
            r[0]: r[1]
            for r in self.conn.execute(
                f"SELECT rowid, title || ' ' || tags || ' ' || plain FROM cards WHERE rowid IN ({marks})", rowids
            )
        }
        word_start = re.compile(rf"(?<![^\W_]){re.escape(prefix)}")
        return [rid for rid in rowids if word_start.search(fold(texts.get(rid, "")))][: self.limit]

    def _filters(self, kind: str | None, tag: str | None, alias: str = "c") -> tuple[str, list[str]]:
        sql, args = "", []
        if kind:
            sql += f" AND {alias}.kind = ?"
            args.append(kind)
        if tag:
            sql += f" AND (' ' || {alias}.tags || ' ') LIKE ?"
            args.append(f"% {tag.lower()} %")
        return sql, args

    def _short_prefix(self, tokens: tuple[str, ...], kind: str | None, tag: str | None) -> list[int]:
        """Results while the last word is one or two letters long.

        Such a prefix matches a large share of a big pack, and ranking all of it per
        keystroke is the slow case of the bare query. Alone, it is matched against
        titles and tags and only the first few hundred candidates are ranked. After
        other words, the ranking of those words (usually cached from the keystroke
        before) is filtered to cards that also have a word starting with the prefix.
        """
        last = tokens[-1]
        if len(tokens) == 1:
            expression = fts_expression((last,), True)
            return self._ranked_bounded("cards_titles", expression, kind, tag) or self._ranked_bounded(
                "cards_fts", expression, kind, tag
            )
        base = self._ranked(fts_expression(tokens[:-1], False), kind, tag)
        return self._with_word_start(base, last)

    def _ranked_bounded(
        self, table: str, expression: str, kind: str | None, tag: str | None, candidates: int = 400
    ) -> list[int]:
        """The best of the first `candidates` matches: bounded work for unselective queries."""
        where, args = self._filters(kind, tag)
        sql = (
            f"SELECT f.rowid, f.rank FROM {table} f JOIN cards c ON c.rowid = f.rowid "
            f"WHERE {table} MATCH ?{where} LIMIT ?"
        )
        rows = self.conn.execute(sql, [expression, *args, candidates]).fetchall()
        rows.sort(key=lambda r: r[1])
        return [r[0] for r in rows[: self.limit]]

    def _ranked(self, expression: str, kind: str | None, tag: str | None) -> list[int]:
        """Up to twice a page of ranked row ids (the spare half lets the next keystroke
        filter this answer instead of asking the index again); cached."""
        limit = self.limit * 2
        key = (expression, kind, tag)
        hit = self._rank_cache.get(key)
        if hit is not None:
            self._rank_cache.move_to_end(key)
            return hit
        rows = self._ranked_uncached(expression, kind, tag, limit)
        self._rank_cache[key] = rows
        if len(self._rank_cache) > _CACHE_SIZE:
            self._rank_cache.popitem(last=False)
        return rows

    def _ranked_uncached(self, expression: str, kind: str | None, tag: str | None, limit: int) -> list[int]:
        """Cards whose title or tags hold every word first, then the rest by bm25.

        The small title index answers the first part cheaply; when it alone fills the
        page, the large index (whose cost grows with the number of matches) is not
        asked at all: those are exactly the unselective queries that make a bare
        ranked query slow.
        """
        first = self._rank_in("cards_titles", expression, kind, tag, limit)
        if len(first) >= limit:
            return first
        rest = self._rank_in("cards_fts", expression, kind, tag, limit + len(first))
        seen = set(first)
        return (first + [r for r in rest if r not in seen])[:limit]

    def _rank_in(self, table: str, expression: str, kind: str | None, tag: str | None, limit: int) -> list[int]:
        where, args = self._filters(kind, tag)
        if where:
            sql = (
                f"SELECT f.rowid FROM {table} f JOIN cards c ON c.rowid = f.rowid "
                f"WHERE {table} MATCH ?{where} ORDER BY f.rank LIMIT ?"
            )
        else:
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ?"
        return [r[0] for r in self.conn.execute(sql, [expression, *args, limit])]

    def _browse(self, kind: str | None, tag: str | None) -> tuple[Result, ...]:
        where, args = self._filters(kind, tag)
        rows = self.conn.execute(
            f"SELECT rowid FROM cards c WHERE 1{where} ORDER BY title COLLATE NOCASE LIMIT ?", [*args, self.limit]
        ).fetchall()
        return self._results([r[0] for r in rows], (), False)

    def _substring(self, text: str, kind: str | None, tag: str | None) -> tuple[Result, ...]:
        """Cards containing `text` anywhere (accents folded): trigram candidates, verified."""
        needle = " ".join(text.split())
        if not needle:
            return ()
        where, args = self._filters(kind, tag)
        if len(needle) >= 3:
            grams = list(dict.fromkeys(needle[i : i + 3] for i in range(len(needle) - 2)))
            if len(grams) > 16:  # enough to be selective; the check below is exact
                step = len(grams) / 16
                grams = [grams[int(i * step)] for i in range(16)]
            expr = " ".join('"' + g.replace('"', '""') + '"' for g in grams)
            sql = (
                "SELECT c.rowid, c.title, c.tags, c.plain FROM cards_tri t JOIN cards c ON c.rowid = t.rowid "
                f"WHERE cards_tri MATCH ?{where} ORDER BY t.rank LIMIT ?"
            )
            rows = self.conn.execute(sql, [expr, *args, self.limit * 4]).fetchall()
            rowids = [r[0] for r in rows if needle in folded_doc(r[1], r[2], r[3])][: self.limit]
        else:
            sql = f"SELECT rowid FROM cards c WHERE instr(lower(c.title || ' ' || c.plain), ?) > 0{where} LIMIT ?"
            rowids = [r[0] for r in self.conn.execute(sql, [needle, *args, self.limit])]
        return self._results(rowids, (needle,), False, substring=True)

    def _results(
        self, rowids: list[int], terms: tuple[str, ...], prefix: bool, substring: bool = False
    ) -> tuple[Result, ...]:
        if not rowids:
            return ()
        marks = ",".join("?" * len(rowids))
        rows = self.conn.execute(
            f"SELECT rowid, id, kind, title, tags, summary, review_by, plain FROM cards WHERE rowid IN ({marks})",
            rowids,
        ).fetchall()
        by_rowid = {r[0]: r for r in rows}
        matcher = Matcher(terms, prefix, substring) if terms else None
        out = []
        for rid in rowids:
            r = by_rowid.get(rid)
            if r is None:
                continue
            out.append(
                Result(
                    id=r[1],
                    kind=r[2],
                    title=r[3],
                    tags=tuple(r[4].split()),
                    summary=r[5],
                    review_by=review_date(r[6]),
                    snippet=make_snippet(_body_first(r[7], r[5], matcher), matcher, terms=terms),
                )
            )
        return tuple(out)

    # -- did you mean -------------------------------------------------------
    def _load_vocab(self) -> dict[int, list[tuple[str, int]]]:
        if self._vocab is None:
            by_len: dict[int, list[tuple[str, int]]] = {}
            for term, docs in self.conn.execute(
                "SELECT term, doc FROM cards_vocab WHERE length(term) BETWEEN 3 AND 30"
            ):
                if term.isdigit():
                    continue
                by_len.setdefault(len(term), []).append((term, docs))
            self._vocab = by_len
        return self._vocab

    def _known(self, token: str, prefix: bool) -> bool:
        if prefix:
            hi = token[:-1] + chr(ord(token[-1]) + 1)
            sql = "SELECT 1 FROM cards_vocab WHERE term >= ? AND term < ? LIMIT 1"
            return self.conn.execute(sql, [token, hi]).fetchone() is not None
        return self.conn.execute("SELECT 1 FROM cards_vocab WHERE term = ?", [token]).fetchone() is not None

    def _suggest(self, q: _Query) -> str | None:
        vocab = None
        out, changed = [], False
        for i, tok in enumerate(q.tokens):
            is_prefix = q.prefix and i == len(q.tokens) - 1
            if len(tok) < 4 or tok.isdigit() or self._known(tok, is_prefix):
                out.append(tok)
                continue
            vocab = vocab or self._load_vocab()
            best = closest_term(tok, vocab)
            if best and best != tok:
                out.append(best)
                changed = True
            else:
                out.append(tok)
        return " ".join(out) if changed else None


def closest_term(word: str, vocab: dict[int, list[tuple[str, int]]]) -> str | None:
    """The most frequent vocabulary term within edit distance 1 (2 for long words)."""
    limit = 1 if len(word) <= 5 else 2
    best: tuple[int, int, str] | None = None
    for length in range(len(word) - limit, len(word) + limit + 1):
        for term, docs in vocab.get(length, ()):
            if term[0] != word[0] and term[-1] != word[-1]:
                continue
            d = edit_distance(word, term, limit)
            if d <= limit:
                cand = (d, -docs, term)
                if best is None or cand < best:
                    best = cand
    return best[2] if best else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment), giving up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            row_min = min(row_min, v)
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _body_first(plain: str, summary: str, matcher: Matcher | None) -> str:
    """The indexed text starts with the summary, which the list shows anyway; skip it
    in the snippet unless that is where the match is."""
    if summary and plain.startswith(summary) and not (matcher and matcher.found_in(summary)):
        return plain[len(summary) + 1 :]
    return plain


class Matcher:
    """Finds the query's words in folded text: a literal search (fast in C), then a
    word-boundary check in Python on the few hits."""

    def __init__(self, terms: tuple[str, ...], prefix: bool, substring: bool = False) -> None:
        self.substring = substring
        self.prefix_term = terms[-1] if prefix and terms and not substring else None
        uniq = sorted({t for t in terms if t}, key=len, reverse=True)
        self.regex = re.compile("|".join(map(re.escape, uniq))) if uniq else None

    def spans(self, folded: str, at_most: int = 200) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        if self.regex is None:
            return out
        n = len(folded)
        for m in self.regex.finditer(folded):
            a, b = m.span()
            term = m.group()
            if not self.substring:
                if a > 0 and folded[a - 1].isalnum():
                    continue
                if term == self.prefix_term:
                    while b < n and folded[b].isalnum():
                        b += 1
                elif b < n and folded[b].isalnum():
                    continue
            out.append((a, b, term))
            if len(out) >= at_most:
                break
        return out

    def found_in(self, text: str) -> bool:
        return bool(self.spans(fold(text), at_most=1))


def _region(plain: str, terms: tuple[str, ...]) -> tuple[str, bool]:
    """The part of a long text worth scanning for a snippet, and whether text follows it:
    its start, or else the stretch around the first place a query word occurs (found
    at C speed)."""
    start = 0
    if len(plain) > SNIPPET_SCAN_CHARS and terms and not any(t in fold(plain[:SNIPPET_SCAN_CHARS]) for t in terms):
        hits = [i for i in (fold(plain).find(t) for t in terms if t) if i >= 0]
        if hits:
            start = max(0, min(hits) - 200)
    end = start + SNIPPET_SCAN_CHARS
    return plain[start:end], end < len(plain)


def make_snippet(
    plain: str, matcher: Matcher | None, width: int = SNIPPET_CHARS, terms: tuple[str, ...] = ()
) -> Snippet:
    """The stretch of `plain` around the best cluster of matches, matches marked.

    Matching runs on folded text, which has the same length as the original, so
    'cafe' marks 'Café' in place.
    """
    text, more = _region(plain, terms)
    text = text.replace("\n", " ")
    spans = matcher.spans(fold(text)) if matcher is not None else []
    if not spans:
        cut = text[:width]
        if len(text) > width or more:
            sp = cut.rfind(" ", width - 25)
            cut = (cut[:sp] if sp > 0 else cut) + "…"
        return Snippet(((cut, False),))
    # Choose the window (starting a little before a match) that shows the most of the
    # query's words; a word matched twice counts once. Two pointers: linear in matches.
    best_start, best_score = 0, -1
    counts: dict[str, int] = {}
    j = 0
    for i, (s, _, _) in enumerate(spans):
        start = max(0, s - 30)
        while j < len(spans) and spans[j][1] <= start + width:
            counts[spans[j][2]] = counts.get(spans[j][2], 0) + 1
            j += 1
        if len(counts) > best_score:
            best_start, best_score = start, len(counts)
        if i < j:
            key = spans[i][2]
            counts[key] -= 1
            if not counts[key]:
                del counts[key]
    start = best_start
    if start > 0:
        sp = text.find(" ", start, start + 15)
        start = sp + 1 if sp != -1 else start
    end = min(len(text), start + width)
    cut_short = end < len(text) or more
    if cut_short:
        sp = text.rfind(" ", end - 25, end)
        end = sp if sp > start else end
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("…", False))
    pos = start
    for a, b, _ in spans:
        if a < start or b > end or a < pos:
            continue
        if a > pos:
            parts.append((text[pos:a], False))
        parts.append((text[a:b], True))
        pos = b
    if pos < end:
        parts.append((text[pos:end], False))
    if cut_short:
        parts.append(("…", False))
    return Snippet(tuple(parts))
