"""Cards: parsing one Markdown file with YAML front matter into a validated card.

Authors write these files by hand, so every problem is reported as
``file:line — what is wrong`` and parsing never raises on bad input. The format is
documented in docs/card-format.md; what each kind of card holds is in kinds.py, and
reading a whole folder of cards is folder.py's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from workaid.core.content.kinds import (
    ID_RE,
    KIND_KEYS,
    KINDS,
    Where,
    as_text,
    check_kind,
    closest,
    shown,
)
from workaid.core.content.synonyms import check_synonyms
from workaid.core.content.text import fold

log = logging.getLogger("workaid.cards")

MAX_CARD_BYTES = 256 * 1024
COMMON_KEYS = ("id", "kind", "title", "tags", "owner", "review_by", "summary", "synonyms")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_DEPTH = 32  # nesting of front matter; real cards use at most 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located for the author."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line} — {self.message}" if self.line else f"{self.source or '.'} — {self.message}"


@dataclass(frozen=True)
class Card:
    id: str
    kind: str
    title: str
    body: str
    source: str
    sha256: str
    tags: tuple[str, ...] = ()
    owner: str = ""
    review_by: dt.date | None = None
    summary: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    # Search vocabulary: groups like "ceo = chief executive", as written (synonyms.py).
    synonyms: tuple[str, ...] = ()

    def is_stale(self, today: dt.date | None = None) -> bool:
        from workaid.core.content.review import is_overdue

        return is_overdue(self.review_by, today)


@dataclass
class ParseResult:
    card: Card | None
    problems: list[Problem]
    id_line: int = 1
    derived: bool = False  # the id came from the file's path (no front matter)
    # Worth the owner's attention but no reason to refuse the card (a hand-written
    # amount the discretion table contradicts): printed by check, import and publish.
    warnings: list[Problem] = field(default_factory=list)
    synonym_lines: tuple[int, ...] = ()  # the file line of each of card.synonyms (the folder check names it)


def id_key(card_id: str) -> str:
    """The form under which two ids count as the same (case and Unicode form)."""
    return fold(unicodedata.normalize("NFKC", card_id))


class _Located:
    """Front-matter data together with the line each value came from."""

    def __init__(self, node: yaml.Node, first_line: int) -> None:
        self.node = node
        self.first_line = first_line

    def scalar(self, *path: Any) -> str | None:
        """The text a scalar at exactly `path` was written as (`1.10`, `yes`, `02071234`)."""
        node, rest = self._walk(path)
        return node.value if not rest and isinstance(node, yaml.ScalarNode) else None

    def line(self, *path: Any) -> int:
        return self._walk(path)[0].start_mark.line + self.first_line

    def _walk(self, path: tuple[Any, ...]) -> tuple[yaml.Node, int]:
        """(deepest node found along `path`, how many steps could not be followed)."""
        node = self.node
        for n, step in enumerate(path):
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == step:
                        nxt = v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                nxt = node.value[step]
            if nxt is None:
                return node, len(path) - n
            node = nxt
        return node, 0


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, file line where the body starts)."""
    if not text.startswith("---"):
        return None, text, 1
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise _Unclosed()


class _Unclosed(Exception):
    pass


def parse_card(raw: bytes, source: str) -> ParseResult:
    """Parse one card file's bytes. Never raises; problems come back located."""
    problems: list[Problem] = []

    def bad(line: int, message: str) -> ParseResult:
        problems.append(Problem(source, line, message))
        return ParseResult(None, problems)

    if len(raw) > MAX_CARD_BYTES:
        return bad(1, f"file is {len(raw):,} bytes; a card may be at most {MAX_CARD_BYTES:,} bytes")
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return bad(line, f"not UTF-8 text (byte {e.start}); save the file as UTF-8")
    if "\x00" in text:
        return bad(text[: text.index("\x00")].count("\n") + 1, "contains a NUL character; is this a binary file?")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return _parse_text(text, source, digest, problems)
    except Exception:  # a bug, not the author's fault: log it, tell them calmly
        log.exception("parsing %s failed", source)
        return bad(
            1, "could not be read as a card because of a fault in WorkAid (logged); please report it with this file"
        )


def _parse_text(text: str, source: str, digest: str, problems: list[Problem]) -> ParseResult:
    def bad(line: int, message: str) -> ParseResult:
        problems.append(Problem(source, line, message))
        return ParseResult(None, problems)

    try:
        front, body, body_line = _split_front_matter(text)
    except _Unclosed:
        return bad(1, "front matter opened with '---' is never closed by a '---' line")

    if front is None:
        return ParseResult(_plain_card(text, source, digest), problems, derived=True)

    lines = front.split("\n")
    try:
        node = yaml.compose(front, Loader=_Loader)
        if node is not None:
            shape = _shape_problem(node)
            if shape:
                return bad(shape[0] + 2, shape[1])
        data = _CardLoader("").construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        line, message = _explain_yaml_error(e, lines)
        return bad(line, message)
    except yaml.YAMLError as e:
        return bad(2, f"front matter is not valid YAML: {e}")
    except RecursionError:
        return bad(2, "front matter is nested too deeply")
    if not isinstance(data, dict) or node is None:
        return bad(2, "front matter must be a set of 'key: value' lines")
    loc = _Located(node, first_line=2)
    card = _validate(data, loc, body, source, digest, problems, body_line)
    warnings = []
    if card is not None and not problems and card.kind == "guideline":
        from workaid.core.content.limits import disagreements

        warnings = [Problem(source, line, message) for line, message in disagreements(card.fields, body, body_line)]
    synonym_lines = tuple(loc.line("synonyms", i) for i in range(len(card.synonyms))) if card else ()
    return ParseResult(
        card if not problems else None,
        problems,
        loc.line("id") if "id" in data else 1,
        warnings=warnings,
        synonym_lines=synonym_lines,
    )


if TYPE_CHECKING:  # the C loader, when PyYAML has it, is the same constructor over a faster parser
    _Loader = yaml.SafeLoader
else:
    _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT = yaml.SafeLoader("")  # only its resolver is used: which tag a plain scalar gets


class _CardLoader(_Loader):
    """The safe loader, made total: every scalar either becomes a value or a located error.

    PyYAML raises bare ValueError/KeyError/AttributeError for `2027-02-30`,
    `!!timestamp nonsense`, `!!bool maybe` or a 5,000-digit number (Python's int/str
    limit); here a plain scalar that cannot become its implied type stays the text the
    author wrote (the field's check then says what is wrong with it), an explicitly
    tagged one is reported at its line, and repeated keys are an error, not "last wins".
    """

    def _total(self, node: yaml.ScalarNode, build: Callable[[_CardLoader, yaml.ScalarNode], object], what: str) -> Any:
        try:
            value = build(self, node)
        except yaml.YAMLError:
            raise
        except Exception as e:  # only a date's ValueError says something an author can use
            value, reason = None, (str(e) if what.startswith("a date") and isinstance(e, ValueError) else "")
        else:
            if not (isinstance(value, int) and value.bit_length() > 3000):  # ~900 digits
                return value
            reason = "too many digits"
        implied = _IMPLICIT.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]  # types-PyYAML leaves resolve unannotated
        if implied == node.tag:
            return node.value
        raise yaml.constructor.ConstructorError(
            None, None, f"{shown(node.value)} is not {what}" + (f" ({reason})" if reason else ""), node.start_mark
        )

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        return self._total(node, _Loader.construct_yaml_int, "a whole number")

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        return self._total(node, _Loader.construct_yaml_float, "a number")

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> Any:
        return self._total(node, _Loader.construct_yaml_bool, "true or false")

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        return self._total(node, _Loader.construct_yaml_timestamp, "a date or time")

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node)
                try:
                    first = seen.get(key)
                    seen.setdefault(key, key_node.start_mark.line)
                except TypeError:
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {shown(key_node.value)}", key_node.start_mark, note=str(first)
                    )
        return super().construct_mapping(node, deep)


for _tag, _method in (
    ("int", "construct_yaml_int"),
    ("float", "construct_yaml_float"),
    ("bool", "construct_yaml_bool"),
    ("timestamp", "construct_yaml_timestamp"),
):
    _CardLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", getattr(_CardLoader, _method))


def _shape_problem(root: yaml.Node) -> tuple[int, str] | None:
    """(line in front matter, problem) if the node graph is shared or too deep.

    Aliases could multiply data exponentially, and deep nesting would exhaust the stack
    in every later step (checks, JSON, display); a card needs neither.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return node.start_mark.line, "front matter may not use YAML anchors or aliases (& and *)"
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return (
                node.start_mark.line,
                f"front matter is nested more than {MAX_DEPTH} levels deep; a card needs at most 5",
            )
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend(((k, depth + 1), (v, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, depth + 1) for v in node.value)
    return None


def _key_on(line: str) -> str | None:
    m = re.match(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:", line)
    return m.group(1) if m else None


def _explain_yaml_error(e: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, str]:
    """(file line, message in plain words) for a YAML error; the raw text as a fallback."""
    mark = e.problem_mark or e.context_mark
    row = mark.line if mark else 0
    line = row + 2
    ctx_line = (e.context_mark.line + 2) if e.context_mark else line
    raw = " ".join(x.strip() for x in (e.problem or "", e.context or "") if x).strip() or "invalid YAML"
    problem = (e.problem or "").strip()
    text = lines[row] if row < len(lines) else ""
    key = _key_on(text)
    field = f"the {key}" if key else "this value"
    if problem.startswith("mapping values are not allowed"):
        return line, f"{field} contains ': ' — put the whole {key or 'value'} in quotes, e.g. {key or 'key'}: \"…\""
    if "tab" in problem or "'\\t'" in problem:
        return line, "line is indented with a tab; indent with spaces"
    if problem.startswith("duplicate key"):
        first = int(getattr(e, "note", "") or 0) + 2
        return line, f"key {problem[len('duplicate key ') :]} appears twice (first on line {first}); keep one"
    if "unexpected end of stream" in problem and e.context and "quoted" in e.context:
        return ctx_line, "a quote opened on this line is never closed"
    if "did not find expected ',' or ']'" in problem or "expected ',' or ']'" in problem:
        return ctx_line, "a '[' list opened on this line is never closed with ']' (or an item is missing its comma)"
    if "did not find expected ',' or '}'" in problem or "expected ',' or '}'" in problem:
        return ctx_line, "a '{' block opened on this line is never closed with '}' (or an item is missing its comma)"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return line, (
            f"line is indented differently from the keys above it (line {ctx_line} starts that block); "
            "put it at the same indent as its siblings, or quote a value that starts with a symbol"
        )
    if "did not find expected '-' indicator" in problem:
        return line, f"expected another '- ' list item here, at the indent of the list that starts on line {ctx_line}"
    if "could not find expected ':'" in problem:
        return ctx_line, "line is not 'key: value' (a ':' is missing, or a quote on this line is not closed)"
    if "block sequence entries are not allowed" in problem:
        return line, f"a '- ' list item is not allowed here; put the list under {field} on new, indented lines"
    if "cannot start any token" in problem:
        return line, f"{field} starts with a character YAML reserves (@, `, %); put the whole value in quotes"
    if "unknown escape character" in problem:
        return line, "a backslash inside double quotes starts an unknown escape; use single quotes instead"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return line, f"the YAML tag {tag} is not allowed in a card; remove it"
    if "found unhashable key" in problem:
        return line, "a key is a list or block; keys must be plain names"
    if "nesting depth" in problem:
        return line, "front matter is nested too deeply"
    if e.context is None and " is not " in problem:  # from _CardLoader: an explicitly tagged value
        return line, f"{field}: {problem}" if key else problem
    return line, f"front matter is not valid YAML: {raw}"


def _plain_card(text: str, source: str, digest: str) -> Card:
    """A document with no front matter: id from its path, title from its first heading."""
    stem = source[:-3] if source.lower().endswith(".md") else source
    title = ""
    for line in text.split("\n"):
        m = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
        if m:
            title = m.group(1)
            break
    if not title:
        title = Path(stem).name.replace("_", " ").replace("-", " ").strip() or "Untitled"
    card_id = derived_id(source) or hashed_id("", source)
    return Card(id=card_id, kind="guideline", title=title[:200], body=text, source=source, sha256=digest)


def derived_id(source: str) -> str:
    """The readable id of a card without front matter, from its path ("" if none).

    Transliterated, not dropped: `Возврат.md` -> `vozvrat`, `客服.md` -> `kefu`,
    `café.md` -> `cafe`. Idempotent on its own results, so a desk that parses the same
    bytes as `<id>.md` (sync) gets the same id back.
    """
    from anyascii import anyascii  # lazy: its tables load on first use

    stem = source[:-3] if source.lower().endswith(".md") else source
    text = anyascii(unicodedata.normalize("NFC", stem)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-")


def hashed_id(base: str, source: str, digits: int = 6) -> str:
    """`base` made unique by a short hash of the path: the same path always gets the same id."""
    h = hashlib.sha256(unicodedata.normalize("NFC", source).encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    return f"{base[: 79 - digits].rstrip('-')}-{h}" if base else f"card-{h}"


def _validate(
    data: dict[Any, Any],
    loc: _Located,
    body: str,
    source: str,
    digest: str,
    problems: list[Problem],
    body_line: int = 1,
) -> Card | None:
    def bad(path: Where, message: str) -> None:
        """Report at the line of a front-matter path, or at a file line given as an int."""
        problems.append(Problem(source, path if isinstance(path, int) else loc.line(*path), message))

    def as_written(key: str) -> Any:
        """A top-level scalar as text when YAML read it as a number, yes/no or a date:
        `title: 1.10`, `direct: 02071234` (octal!) and `id: 2024` mean what was typed."""
        v = data.get(key)
        if isinstance(v, (bool, int, float, dt.date)):
            src = loc.scalar(key)
            if src is not None:
                return src.strip()
        return v

    for key in list(data):
        if isinstance(key, str) and key not in ("tags", "review_by"):
            data[key] = as_written(key)

    for key in data:
        if not isinstance(key, str):
            bad((), f"front-matter key {shown(key)} is not a name")
    kind = data.get("kind", "guideline")
    if kind not in KINDS:
        bad(("kind",), f"kind {shown(kind)} is not one of: {', '.join(KINDS)}")
        kind = None
    allowed = set(COMMON_KEYS) | set(KIND_KEYS.get(kind or "", ()))
    for key in data:
        if isinstance(key, str) and key not in allowed:
            hint = ""
            owners = [k for k, v in KIND_KEYS.items() if key in v]
            if owners:
                hint = f" (it belongs to kind {owners[0]})"
            else:
                close = closest(key, sorted(allowed))
                if close:
                    hint = f" (did you mean '{close}'?)"
            bad((key,), f"unknown key '{key}'{hint}")

    card_id = data.get("id")
    if card_id is None:
        bad((), "missing 'id' (lower-case letters, digits and '-')")
    elif not isinstance(card_id, str) or not ID_RE.match(card_id):
        bad(
            ("id",), f"id {shown(card_id)} must be 1-80 characters of a-z, 0-9 and '-', starting with a letter or digit"
        )
    title = as_text(data.get("title"))
    if data.get("title") is not None and title is None:
        bad(("title",), f"title must be one line of text, not {_kind_of(data['title'])}")
    elif not title:
        bad(("title",) if "title" in data else (), "missing 'title'")
    elif "\n" in title or len(title) > 200:
        bad(("title",), "title must be one line of at most 200 characters")
    tags_raw = data.get("tags", [])
    tags: list[str] = []
    if isinstance(tags_raw, str):
        tags_raw = [t.strip() for t in tags_raw.split(",") if t.strip()]
    if not isinstance(tags_raw, list):
        bad(("tags",), "tags must be a list, e.g. [fees, discretion]")
    else:
        for i, t in enumerate(tags_raw):
            t = as_text(t)
            if t is None or not TAG_RE.match(t.lower()):
                bad(("tags", i), f"tag {shown(tags_raw[i])} must be a short word of a-z, 0-9 and '-'")
            else:
                tags.append(t.lower())
    owner = data.get("owner", "")
    if owner is not None and as_text(owner) is None:
        bad(("owner",), "owner must be a team or person name")
    summary = data.get("summary", "")
    if summary is not None and as_text(summary) is None:
        bad(("summary",), "summary must be one line of text")
    review = data.get("review_by")
    review_by = None
    if review is not None:
        if isinstance(review, dt.datetime):
            review_by = review.date()
        elif isinstance(review, dt.date):
            review_by = review
        elif isinstance(review, str) and re.match(r"^\s*\d{4}-\d{1,2}-\d{1,2}\b", review):
            try:  # shaped like a date but not a real one: say why (2027-02-30, month 13)
                dt.date.fromisoformat(review.strip()[:10])
                bad(("review_by",), f"review_by {shown(review)} is not a date like 2027-03-01")
            except ValueError as e:
                bad(
                    ("review_by",),
                    f"review_by {shown(review.strip())} is not a real date ({e}); write it like 2027-03-01",
                )
        else:
            bad(("review_by",), f"review_by {shown(review)} is not a date like 2027-03-01")
    synonyms = check_synonyms(data.get("synonyms"), bad)

    fields: dict[str, Any] = {}
    if kind:
        for key in KIND_KEYS[kind]:
            if key in data:
                fields[key] = data[key]
        if kind == "checklist" and isinstance(fields.get("steps"), list):
            fields["steps"] = [_yes_no_keys(s) for s in fields["steps"]]
        check_kind(kind, fields, body, bad, body_line)
        for path, what in _unstorable(fields):
            bad(path, f"{'.'.join(map(str, path))} holds {what}; a card holds only text, numbers, lists and blocks")
    if problems or not isinstance(card_id, str) or not title:  # a bad id or title is among the problems
        return None
    return Card(
        id=card_id,
        kind=kind,
        title=title,
        body=body,
        source=source,
        sha256=digest,
        tags=tuple(dict.fromkeys(tags)),
        owner=as_text(owner) or "",
        review_by=review_by,
        summary=as_text(summary) or "",
        fields=_plain(fields),
        synonyms=synonyms,
    )


def _kind_of(value: Any) -> str:
    """What YAML made of a value, in words for a message."""
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a block of keys"
    if isinstance(value, (set, frozenset)):
        return "a set (!!set)"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    return shown(value)


def _unstorable(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, what) of every value that is not plain data (binary, sets, …)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, (str, int, float, bool, dt.date)) and k is not None:
                yield path, f"a key that is {_kind_of(k)}"
            yield from _unstorable(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unstorable(v, path + (i,))
    elif not isinstance(value, (str, int, float, bool, dt.date)) and value is not None:
        yield path, _kind_of(value)


def _yes_no_keys(step: Any) -> Any:
    """YAML 1.1 reads a bare `yes:` key as True; authors mean the answer 'yes'."""
    if not isinstance(step, dict):
        return step
    return {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): v for k, v in step.items()}


def _plain(value: Any) -> Any:
    """Structured fields as JSON-friendly data (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
