"""Cards: parsing and validating Markdown files with YAML front matter.

Authors write these files by hand, so every problem is reported as
``file:line — what is wrong`` and parsing never raises on bad input. The format is
documented in docs/card-format.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from workaid.core.content.text import fold

log = logging.getLogger("workaid.cards")

MAX_CARD_BYTES = 256 * 1024
KINDS = ("guideline", "script", "checklist", "contact", "scenario")
COMMON_KEYS = ("id", "kind", "title", "tags", "owner", "review_by", "summary")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "guideline": ("discretion",),
    "script": ("placeholders", "variant"),
    "checklist": ("steps",),
    "contact": ("team", "topics", "channel", "direct", "hours", "timezone"),
    "scenario": (),
}
OUTCOMES = ("handle", "expert", "supervisor")
CHANNELS = ("phone", "email", "chat", "ticket", "transfer")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
PLACEHOLDER_RE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")

# Editor and sync-tool debris that must never become a card, each with the reason an
# import report gives (so a real card with an unlucky name is noticed, not lost).
_DEBRIS_KINDS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^~\$"), "an Office lock file (~$…)"),
    (re.compile(r"^\.~lock", re.I), "a LibreOffice lock file"),
    (re.compile(r"^\.syncthing\.", re.I), "a Syncthing temporary file"),
    (re.compile(r"(\.tmp|\.swp|~)$", re.I), "an editor or sync temporary file"),
    (re.compile(r"\s\(\d+\)\.md$", re.I), "looks like a copy made by a sync tool (' (2)' before .md); rename it if it is a real card"),
    (re.compile(r"\.sync-conflict-[0-9]{8}-", re.I), "a Syncthing conflict copy"),
    (re.compile(r"\((conflicted copy|case conflict)", re.I), "a Dropbox conflict copy"),
)
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

    def is_stale(self, today: dt.date | None = None) -> bool:
        from workaid.core.content.review import is_overdue

        return is_overdue(self.review_by, today)


@dataclass
class ParseResult:
    card: Card | None
    problems: list[Problem]
    id_line: int = 1
    derived: bool = False  # the id came from the file's path (no front matter)


def id_key(card_id: str) -> str:
    """The form under which two ids count as the same (case and Unicode form)."""
    return fold(unicodedata.normalize("NFKC", card_id))


def debris_reason(name: str) -> str | None:
    """Why a file name is skipped as hidden or editor/sync debris, or None for a card name."""
    for pattern, reason in _DEBRIS_KINDS:
        if pattern.search(name):
            return reason
    if name.startswith("."):
        return "a hidden file (its name starts with '.')"
    return None


def is_debris(name: str) -> bool:
    return debris_reason(name) is not None


@dataclass(frozen=True)
class Skipped:
    """A file that looks like a card but is not imported, and why (shown as a note)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source} — skipped: {self.reason}"


def iter_card_files(folder: Path) -> Iterator[Path]:
    """Markdown files under `folder`, sorted, skipping hidden entries, debris and links."""
    for rel, _ in _scan(str(folder), ""):
        yield Path(folder, rel)


def skipped_files(folder: Path | str) -> list[Skipped]:
    """Files that look like cards but are skipped (debris, hidden, links), for the report."""
    skipped: list[Skipped] = []
    for _ in _scan(str(folder), "", skipped):
        pass
    return skipped


def _looks_like_card(name: str) -> bool:
    return ".md" in name.lower()


def _scan(root: str, prefix: str, skipped: list[Skipped] | None = None) -> Iterator[tuple[str, os.DirEntry]]:
    """(relative posix path, entry) of card files, depth first, sorted; links never followed.

    Iterative, so a very deep tree cannot exhaust the stack. Hidden folders (.git, …)
    are not looked into; skipped files that look like cards are added to `skipped`.
    """
    stack: list[Iterator[os.DirEntry]] = []
    prefixes: list[str] = []

    def enter(path: str, pre: str) -> None:
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        stack.append(iter(entries))
        prefixes.append(pre)

    enter(root, prefix)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            prefixes.pop()
            continue
        name, pre = entry.name, prefixes[-1]
        rel = f"{pre}{name}"
        try:
            if entry.is_symlink():
                if skipped is not None and (_looks_like_card(name) or entry.is_dir()):
                    skipped.append(Skipped(rel, "is a link; links are not followed"))
                continue
            if entry.is_dir(follow_symlinks=False):
                if not name.startswith("."):
                    enter(entry.path, f"{rel}/")
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        reason = debris_reason(name)
        if reason is None and name.lower().endswith(".md"):
            yield rel, entry
        elif reason is not None and skipped is not None and _looks_like_card(name):
            skipped.append(Skipped(rel, reason))


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

    def _walk(self, path: tuple) -> tuple[yaml.Node, int]:
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
        return bad(1, "could not be read as a card because of a fault in WorkAid (logged); please report it with this file")


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
    return ParseResult(card if not problems else None, problems, loc.line("id") if "id" in data else 1)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT = yaml.SafeLoader("")  # only its resolver is used: which tag a plain scalar gets


class _CardLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe loader, made total: every scalar either becomes a value or a located error.

    PyYAML raises bare ValueError/KeyError/AttributeError for `2027-02-30`,
    `!!timestamp nonsense`, `!!bool maybe` or a 5,000-digit number (Python's int/str
    limit); here a plain scalar that cannot become its implied type stays the text the
    author wrote (the field's check then says what is wrong with it), an explicitly
    tagged one is reported at its line, and repeated keys are an error, not "last wins".
    """

    def _total(self, node: yaml.ScalarNode, build: Callable, what: str) -> Any:
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
        if _IMPLICIT.resolve(yaml.ScalarNode, node.value, (True, False)) == node.tag:
            return node.value
        raise yaml.constructor.ConstructorError(
            None, None, f"{_show(node.value)} is not {what}" + (f" ({reason})" if reason else ""), node.start_mark)

    def construct_yaml_int(self, node):
        return self._total(node, _Loader.construct_yaml_int, "a whole number")

    def construct_yaml_float(self, node):
        return self._total(node, _Loader.construct_yaml_float, "a number")

    def construct_yaml_bool(self, node):
        return self._total(node, _Loader.construct_yaml_bool, "true or false")

    def construct_yaml_timestamp(self, node):
        return self._total(node, _Loader.construct_yaml_timestamp, "a date or time")

    def construct_mapping(self, node, deep=False):
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
                        None, None, f"duplicate key {_show(key_node.value)}", key_node.start_mark, note=str(first))
        return super().construct_mapping(node, deep)


for _tag, _method in (("int", "construct_yaml_int"), ("float", "construct_yaml_float"),
                      ("bool", "construct_yaml_bool"), ("timestamp", "construct_yaml_timestamp")):
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
            return node.start_mark.line, f"front matter is nested more than {MAX_DEPTH} levels deep; a card needs at most 5"
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend(((k, depth + 1), (v, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, depth + 1) for v in node.value)
    return None


def _show(value: Any, limit: int = 60) -> str:
    """A value for a message: quoted, short, and safe for any type (even a huge int)."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        return line, f"key {problem[len('duplicate key '):]} appears twice (first on line {first}); keep one"
    if "unexpected end of stream" in problem and e.context and "quoted" in e.context:
        return ctx_line, "a quote opened on this line is never closed"
    if "did not find expected ',' or ']'" in problem or "expected ',' or ']'" in problem:
        return ctx_line, "a '[' list opened on this line is never closed with ']' (or an item is missing its comma)"
    if "did not find expected ',' or '}'" in problem or "expected ',' or '}'" in problem:
        return ctx_line, "a '{' block opened on this line is never closed with '}' (or an item is missing its comma)"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return line, (f"line is indented differently from the keys above it (line {ctx_line} starts that block); "
                      "put it at the same indent as its siblings, or quote a value that starts with a symbol")
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
    card_id = derived_id(source) or _hashed_id("", source)
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


def _hashed_id(base: str, source: str, digits: int = 6) -> str:
    """`base` made unique by a short hash of the path: the same path always gets the same id."""
    h = hashlib.sha256(unicodedata.normalize("NFC", source).encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    return f"{base[: 79 - digits].rstrip('-')}-{h}" if base else f"card-{h}"


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _validate(data: dict, loc: _Located, body: str, source: str, digest: str, problems: list[Problem],
              body_line: int = 1) -> Card | None:
    def bad(path: tuple | int, message: str) -> None:
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
            bad((), f"front-matter key {_show(key)} is not a name")
    kind = data.get("kind", "guideline")
    if kind not in KINDS:
        bad(("kind",), f"kind {_show(kind)} is not one of: {', '.join(KINDS)}")
        kind = None
    allowed = set(COMMON_KEYS) | set(KIND_KEYS.get(kind or "", ()))
    for key in data:
        if isinstance(key, str) and key not in allowed:
            hint = ""
            owners = [k for k, v in KIND_KEYS.items() if key in v]
            if owners:
                hint = f" (it belongs to kind {owners[0]})"
            else:
                close = _closest(key, sorted(allowed))
                if close:
                    hint = f" (did you mean '{close}'?)"
            bad((key,), f"unknown key '{key}'{hint}")

    card_id = data.get("id")
    if card_id is None:
        bad((), "missing 'id' (lower-case letters, digits and '-')")
    elif not isinstance(card_id, str) or not ID_RE.match(card_id):
        bad(("id",), f"id {_show(card_id)} must be 1-80 characters of a-z, 0-9 and '-', starting with a letter or digit")
    title = _text(data.get("title"))
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
            t = _text(t)
            if t is None or not TAG_RE.match(t.lower()):
                bad(("tags", i), f"tag {_show(tags_raw[i])} must be a short word of a-z, 0-9 and '-'")
            else:
                tags.append(t.lower())
    owner = data.get("owner", "")
    if owner is not None and _text(owner) is None:
        bad(("owner",), "owner must be a team or person name")
    summary = data.get("summary", "")
    if summary is not None and _text(summary) is None:
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
                bad(("review_by",), f"review_by {_show(review)} is not a date like 2027-03-01")
            except ValueError as e:
                bad(("review_by",), f"review_by {_show(review.strip())} is not a real date ({e}); write it like 2027-03-01")
        else:
            bad(("review_by",), f"review_by {_show(review)} is not a date like 2027-03-01")

    fields: dict[str, Any] = {}
    if kind:
        for key in KIND_KEYS[kind]:
            if key in data:
                fields[key] = data[key]
        if kind == "checklist" and isinstance(fields.get("steps"), list):
            fields["steps"] = [_yes_no_keys(s) for s in fields["steps"]]
        validator = _KIND_VALIDATORS.get(kind)
        if validator:
            validator(fields, body, bad, body_line)
        for path, what in _unstorable(fields):
            bad(path, f"{'.'.join(map(str, path))} holds {what}; a card holds only text, numbers, lists and blocks")
    if problems:
        return None
    return Card(
        id=card_id,
        kind=kind,
        title=title,
        body=body,
        source=source,
        sha256=digest,
        tags=tuple(dict.fromkeys(tags)),
        owner=_text(owner) or "",
        review_by=review_by,
        summary=_text(summary) or "",
        fields=_plain(fields),
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
    return _show(value)


def _unstorable(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
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


def _closest(word: str, options: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, options, n=1, cutoff=0.7)
    return found[0] if found else None


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v not in (float("inf"), float("-inf"))


def _check_guideline(fields: dict, body: str, bad, body_line: int = 1) -> None:
    d = fields.get("discretion")
    if d is None:
        return
    if not isinstance(d, dict):
        bad(("discretion",), "discretion must be a block with unit, escalate_to and roles")
        return
    for key in d:
        if key not in ("unit", "escalate_to", "roles"):
            bad(("discretion", key), f"unknown key '{key}' in discretion")
    if not _text(d.get("unit")):
        bad(("discretion",), "discretion needs a 'unit' (e.g. GBP)")
    if not isinstance(d.get("escalate_to"), str) or not d["escalate_to"].strip():
        bad(("discretion",), "discretion needs 'escalate_to': who decides beyond every limit")
    roles = d.get("roles")
    if not isinstance(roles, list) or not roles:
        bad(("discretion", "roles") if "roles" in d else ("discretion",), "discretion needs a list of 'roles'")
        return
    seen: set[str] = set()
    for i, r in enumerate(roles):
        where = ("discretion", "roles", i)
        if not isinstance(r, dict):
            bad(where, "each role must be a block with role and max_amount")
            continue
        for key in r:
            if key not in ("role", "max_amount", "per_customer", "conditions"):
                bad(where + (key,), f"unknown key '{key}' in a discretion role")
        name = r.get("role")
        if not isinstance(name, str) or not ID_RE.match(name):
            bad(where, "role needs a name such as rep or senior-rep")
        elif name in seen:
            bad(where + ("role",), f"role '{name}' is listed twice")
        else:
            seen.add(name)
        amt = r.get("max_amount")
        if not _number(amt) or amt < 0:
            bad(where + ("max_amount",) if "max_amount" in r else where, "max_amount must be a number of 0 or more")
        pc = r.get("per_customer")
        if pc is not None:
            ok = isinstance(pc, dict) and set(pc) <= {"count", "months"} and all(
                isinstance(pc.get(k), int) and not isinstance(pc.get(k), bool) and pc.get(k) > 0 for k in ("count", "months")
            )
            if not ok:
                bad(where + ("per_customer",), "per_customer must be {count: N, months: M} with whole numbers above 0")
        conds = r.get("conditions")
        if conds is not None and (not isinstance(conds, list) or not all(isinstance(c, str) and ID_RE.match(c) for c in conds)):
            bad(where + ("conditions",), "conditions must be a list of names like first-offence")
    # Authority is cumulative (a senior rep may grant what a rep may), so limits must
    # not shrink up the list, and one "times used" answer must fit every row.
    amounts = [(i, r.get("max_amount")) for i, r in enumerate(roles) if isinstance(r, dict) and _number(r.get("max_amount"))]
    for (_, lower), (i, higher) in zip(amounts, amounts[1:]):
        if higher < lower:
            bad(("discretion", "roles", i, "max_amount"), "max_amount must not be lower than the role above it in the list (roles go from least to most authority)")
    months = {_show(r["per_customer"].get("months")) for r in roles if isinstance(r, dict) and isinstance(r.get("per_customer"), dict)}
    if len(months) > 1:
        bad(("discretion", "roles"), "every role's per_customer must count over the same number of months")
    if isinstance(d.get("escalate_to"), str) and d["escalate_to"] in seen:
        bad(("discretion", "escalate_to"), f"escalate_to '{d['escalate_to']}' is also a listed role; it should be the role above them all")


def placeholders_in(body: str) -> list[str]:
    """Placeholder names used in a script body, in order of first use."""
    names: list[str] = []
    for m in PLACEHOLDER_RE.finditer(body):
        if m.group(1) is not None and m.group(1) not in names:
            names.append(m.group(1))
    return names


def _first_use_lines(body: str, body_line: int) -> dict[str, int]:
    """Each placeholder name used in the body -> the file line of its first use."""
    lines: dict[str, int] = {}
    for m in PLACEHOLDER_RE.finditer(body):
        if m.group(1) is not None and m.group(1) not in lines:
            lines[m.group(1)] = body_line + body.count("\n", 0, m.start())
    return lines


def _check_script(fields: dict, body: str, bad, body_line: int = 1) -> None:
    ph = fields.get("placeholders", {}) or {}
    if not isinstance(ph, dict):
        bad(("placeholders",), "placeholders must be 'name: description' lines")
        return
    for name, desc in ph.items():
        if not isinstance(name, str) or not NAME_RE.match(name):
            bad(("placeholders", name), f"placeholder name {_show(name)} must be like customer_name")
        if _text(desc) is None:
            bad(("placeholders", name), f"placeholder '{name}' needs a description")
    used = placeholders_in(body)
    declared = [n for n in ph if isinstance(n, str)]
    suggested: set[str] = set()
    for name, line in _first_use_lines(body, body_line).items():
        if name in ph:
            continue
        guess = _closest(name, declared) or _closest(re.sub(r"\W+", "_", name.strip().lower()), declared)
        if guess:
            suggested.add(guess)
            bad(line, f"the text uses {{{name}}}, which 'placeholders' does not declare — did you mean {{{guess}}}?")
        else:
            bad(line, f"the text uses {{{name}}} but 'placeholders' does not declare it")
    for name in declared:
        if name not in used and name not in suggested:
            bad(("placeholders", name), f"placeholder '{name}' is declared but the text never uses {{{name}}}")
    variant = fields.get("variant")
    if variant is not None and variant not in ("rep", "manager"):
        bad(("variant",), "variant must be rep or manager")


def _check_checklist(fields: dict, body: str, bad, body_line: int = 1) -> None:
    steps = fields.get("steps")
    if not isinstance(steps, list) or not steps:
        bad(("steps",) if "steps" in fields else (), "a checklist needs a list of 'steps'")
        return
    ids: list[str] = []
    for i, s in enumerate(steps):
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            if s["id"] in ids:
                bad(("steps", i, "id"), f"step id '{s['id']}' is used twice")
            ids.append(s["id"])
    for i, s in enumerate(steps):
        where = ("steps", i)
        if not isinstance(s, dict):
            bad(where, "each step must be a block with id, question, yes and no")
            continue
        for key in s:
            if key not in ("id", "question", "yes", "no", "help"):
                bad(where + (key,), f"unknown key '{key}' in a step")
        if not isinstance(s.get("id"), str) or not NAME_RE.match(s["id"].replace("-", "_")):
            bad(where, "step needs an 'id' such as abusive or beyond-knowledge")
        if not _text(s.get("question")):
            bad(where, "step needs a 'question'")
        for answer in ("yes", "no"):
            a = s.get(answer)
            if a is None:
                bad(where, f"step needs a '{answer}' answer: a next step id or {{outcome: …}}")
            elif isinstance(a, str):
                if a not in ids:
                    bad(where + (answer,), f"'{answer}' leads to step '{a}', which does not exist")
                elif ids.index(a) <= i:
                    bad(where + (answer,), f"'{answer}' leads back to step '{a}'; steps may only lead forward")
            elif isinstance(a, dict):
                if a.get("outcome") not in OUTCOMES:
                    bad(where + (answer,), f"outcome must be one of: {', '.join(OUTCOMES)}")
                for key in a:
                    if key not in ("outcome", "reason", "card"):
                        bad(where + (answer, key), f"unknown key '{key}' in an outcome")
                if not _text(a.get("reason")):
                    bad(where + (answer,), "an outcome needs a 'reason' the rep can read out or log")
            else:
                bad(where + (answer,), f"'{answer}' must be a step id or {{outcome: …}}")


def _check_contact(fields: dict, body: str, bad, body_line: int = 1) -> None:
    if not _text(fields.get("team")):
        bad(("team",) if "team" in fields else (), "a contact needs a 'team'")
    topics = fields.get("topics")
    if not isinstance(topics, list) or not topics or not all(_text(t) for t in topics):
        bad(("topics",) if "topics" in fields else (), "a contact needs a list of 'topics'")
    if fields.get("channel") not in CHANNELS:
        bad(("channel",) if "channel" in fields else (), f"channel must be one of: {', '.join(CHANNELS)}")
    if not _text(fields.get("direct")):
        bad(("direct",) if "direct" in fields else (), "a contact needs 'direct': a number or address to reach them")
    hours = fields.get("hours")
    if hours is not None:
        from workaid.core.content.hours import HoursError, parse_hours

        try:
            parse_hours(hours)  # the same parser the callback check uses, so every part is checked
        except HoursError as e:
            bad(("hours",), f"{e} (hours look like 'Mon-Fri 08:00-18:00, Sat 09:00-13:00')")
        tz = fields.get("timezone")
        if not isinstance(tz, str):
            bad(("hours",), "hours need a 'timezone' such as Europe/London")
        else:
            try:
                import zoneinfo

                zoneinfo.ZoneInfo(tz)
            except Exception:
                bad(("timezone",), f"timezone {_show(tz)} is not a known IANA time-zone name")


_KIND_VALIDATORS = {
    "guideline": _check_guideline,
    "script": _check_script,
    "checklist": _check_checklist,
    "contact": _check_contact,
}


@dataclass(frozen=True)
class CardRef:
    """Which card a file holds, without its content: enough to compare with a pack."""

    id: str
    sha256: str
    source: str


# What a publish remembers about a file it has validated: (size, mtime_ns, id, sha256).
FileStamp = tuple[int, int, str, str]


@dataclass
class FolderResult:
    cards: list[Card]
    problems: list[Problem]
    files: int
    refs: list[CardRef] = field(default_factory=list)
    stamps: dict[str, FileStamp] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)  # debris, hidden files, links: noted, not loaded


@dataclass
class _Found:
    """One valid file found by load_folder, before ids are compared."""

    rel: str
    stat: os.stat_result
    card: Card | None  # None when a stamp showed the file unchanged
    id: str
    sha256: str
    id_line: int
    derived: bool


def load_folder(folder: Path | str, known: dict[str, FileStamp] | None = None) -> FolderResult:
    """Parse every card under `folder`; collect all problems, including duplicate ids.

    With `known` (stamps from an earlier run), a file whose size and modification time
    are unchanged is not read again: it was valid then and is the same file now (as
    git's index reasons). `cards` then holds only the files that were parsed; `refs`
    always covers every card. A file whose id may have come from its path is always
    peeked at (does it open with '---'?), because that id depends on the other files
    (see _settle_derived_ids).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return FolderResult([], [Problem("", 0, "is not a folder (or cannot be opened)")], 0)
    problems: list[Problem] = []
    skipped: list[Skipped] = []
    found: list[_Found] = []
    files = 0
    for rel, entry in _scan(str(folder), "", skipped):
        files += 1
        try:
            st = entry.stat(follow_symlinks=False)
            hit = known.get(rel) if known else None
            if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
                if not _maybe_derived(hit[2], rel):
                    found.append(_Found(rel, st, None, hit[2], hit[3], 1, False))
                    continue
                if not _starts_with_dashes(entry.path):  # no front matter: the id is the path's
                    found.append(_Found(rel, st, None, derived_id(rel) or _hashed_id("", rel), hit[3], 1, True))
                    continue
            with open(entry.path, "rb") as fh:
                raw = fh.read(MAX_CARD_BYTES + 1)
        except OSError as e:
            problems.append(Problem(rel, 0, f"cannot be read: {e.strerror or e}"))
            continue
        result = parse_card(raw, rel)
        problems.extend(result.problems)
        if result.card is not None:
            found.append(_Found(rel, st, result.card, result.card.id, result.card.sha256, result.id_line, result.derived))
    _settle_derived_ids(found)

    cards: list[Card] = []
    refs: list[CardRef] = []
    stamps: dict[str, FileStamp] = {}
    by_key: dict[str, CardRef] = {}
    for f in found:
        ref = CardRef(f.id, f.sha256, f.rel)
        key = id_key(ref.id)
        if key in by_key:
            other = by_key[key]
            same = "the same id" if other.id == ref.id else f"an id that differs only in case or accents ('{other.id}')"
            problems.append(Problem(f.rel, f.id_line, f"id '{ref.id}' has {same} as {other.source}"))
            continue
        by_key[key] = ref
        refs.append(ref)
        stamps[f.rel] = (f.stat.st_size, f.stat.st_mtime_ns, ref.id, ref.sha256)
        if f.card is not None:
            cards.append(f.card if f.card.id == f.id else replace(f.card, id=f.id))
    return FolderResult(cards, problems, files, refs, stamps, skipped)


def _starts_with_dashes(path: str) -> bool:
    """Whether a file may open with front matter (a peek, far cheaper than a parse)."""
    with open(path, "rb") as fh:
        head = fh.read(6)
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def _maybe_derived(card_id: str, rel: str) -> bool:
    """Whether `card_id` could be the path-derived id of `rel` (then the file is re-read)."""
    base = derived_id(rel)
    return card_id in (base, _hashed_id(base, rel), _hashed_id(base, rel, 12))


def _settle_derived_ids(found: list[_Found]) -> None:
    """Make path-derived ids unique, the same on every import of the same folder.

    A derived id that another derived id or any front-matter id shares gets a short
    hash of its path, for every file that shares it, so no file "wins" by listing
    order. Adding a file therefore changes only the ids of files whose derived id it
    newly shares (and removing one may give the others back their plain id).
    Front-matter ids are never changed; two of those that collide stay an error.
    """
    explicit = {id_key(f.id) for f in found if not f.derived}
    bases = Counter(f.id for f in found if f.derived)
    for f in found:
        if f.derived and (bases[f.id] > 1 or id_key(f.id) in explicit) and derived_id(f.rel):
            f.id = _hashed_id(derived_id(f.rel), f.rel)
    taken = Counter(id_key(f.id) for f in found)
    for f in found:  # a 6-digit hash that meets another id: use 12 digits for those
        if f.derived and taken[id_key(f.id)] > 1:
            f.id = _hashed_id(derived_id(f.rel), f.rel, 12)
