"""Cards: parsing and validating Markdown files with YAML front matter.

Authors write these files by hand, so every problem is reported as
``file:line — what is wrong`` and parsing never raises on bad input. The format is
documented in docs/card-format.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from workaid.core.text import fold, slug

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

# Editor and sync-tool debris that must never become a card.
_DEBRIS = re.compile(r"^(~\$|\.~lock|\.syncthing\.)|(\.tmp|\.swp|~)$|\s\(\d+\)\.md$", re.IGNORECASE)


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
        return self.review_by is not None and self.review_by < (today or dt.date.today())


@dataclass
class ParseResult:
    card: Card | None
    problems: list[Problem]
    id_line: int = 1


def id_key(card_id: str) -> str:
    """The form under which two ids count as the same (case and Unicode form)."""
    return fold(unicodedata.normalize("NFKC", card_id))


def is_debris(name: str) -> bool:
    return name.startswith(".") or bool(_DEBRIS.search(name))


def iter_card_files(folder: Path) -> Iterator[Path]:
    """Markdown files under `folder`, sorted, skipping hidden entries, debris and links."""
    for rel, _ in _scan(str(folder), ""):
        yield Path(folder, rel)


def _scan(root: str, prefix: str) -> Iterator[tuple[str, os.DirEntry]]:
    """(relative posix path, entry) of card files, depth first, sorted; links never followed."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _scan(entry.path, f"{prefix}{name}/")
        elif name.lower().endswith(".md") and not is_debris(name) and entry.is_file(follow_symlinks=False):
            yield f"{prefix}{name}", entry


class _Located:
    """Front-matter data together with the line each value came from."""

    def __init__(self, node: yaml.Node, first_line: int) -> None:
        self.node = node
        self.first_line = first_line

    def line(self, *path: Any) -> int:
        node = self.node
        for step in path:
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == step:
                        nxt = v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                nxt = node.value[step]
            if nxt is None:
                break
            node = nxt
        return node.start_mark.line + self.first_line


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
        front, body, _ = _split_front_matter(text)
    except _Unclosed:
        return bad(1, "front matter opened with '---' is never closed by a '---' line")

    if front is None:
        return ParseResult(_plain_card(text, source, digest), problems)

    try:
        node = yaml.compose(front, Loader=_Loader)
        if node is not None and _has_alias(node):
            return bad(2, "front matter may not use YAML anchors or aliases (& and *)")
        data = _Loader("").construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = (mark.line + 2) if mark else 2
        what = (e.problem or e.context or "invalid YAML").strip()
        return bad(line, f"front matter is not valid YAML: {what}")
    except yaml.YAMLError as e:
        return bad(2, f"front matter is not valid YAML: {e}")
    except RecursionError:
        return bad(2, "front matter is nested too deeply")
    if not isinstance(data, dict) or node is None:
        return bad(2, "front matter must be a set of 'key: value' lines")
    loc = _Located(node, first_line=2)
    card = _validate(data, loc, body, source, digest, problems)
    return ParseResult(card if not problems else None, problems, loc.line("id") if "id" in data else 1)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _has_alias(root: yaml.Node) -> bool:
    """Whether any node is reachable twice: aliases could multiply data exponentially."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


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
    return Card(id=slug(stem), kind="guideline", title=title[:200], body=text, source=source, sha256=digest)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _validate(data: dict, loc: _Located, body: str, source: str, digest: str, problems: list[Problem]) -> Card | None:
    def bad(path: tuple, message: str) -> None:
        problems.append(Problem(source, loc.line(*path), message))

    for key in data:
        if not isinstance(key, str):
            bad((), f"front-matter key {key!r} is not a name")
    kind = data.get("kind", "guideline")
    if kind not in KINDS:
        bad(("kind",), f"kind {kind!r} is not one of: {', '.join(KINDS)}")
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
        bad(("id",), f"id {card_id!r} must be 1-80 characters of a-z, 0-9 and '-', starting with a letter or digit")
    title = _text(data.get("title"))
    if not title:
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
                bad(("tags", i), f"tag {tags_raw[i]!r} must be a short word of a-z, 0-9 and '-'")
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
        else:
            try:
                review_by = dt.date.fromisoformat(str(review).strip())
            except ValueError:
                bad(("review_by",), f"review_by {review!r} is not a date like 2027-03-01")

    fields: dict[str, Any] = {}
    if kind:
        for key in KIND_KEYS[kind]:
            if key in data:
                fields[key] = data[key]
        if kind == "checklist" and isinstance(fields.get("steps"), list):
            fields["steps"] = [_yes_no_keys(s) for s in fields["steps"]]
        validator = _KIND_VALIDATORS.get(kind)
        if validator:
            validator(fields, body, bad)
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


def _check_guideline(fields: dict, body: str, bad) -> None:
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
    months = {r["per_customer"].get("months") for r in roles if isinstance(r, dict) and isinstance(r.get("per_customer"), dict)}
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


def _check_script(fields: dict, body: str, bad) -> None:
    ph = fields.get("placeholders", {}) or {}
    if not isinstance(ph, dict):
        bad(("placeholders",), "placeholders must be 'name: description' lines")
        return
    for name, desc in ph.items():
        if not isinstance(name, str) or not NAME_RE.match(name):
            bad(("placeholders", name), f"placeholder name {name!r} must be like customer_name")
        if _text(desc) is None:
            bad(("placeholders", name), f"placeholder '{name}' needs a description")
    used = placeholders_in(body)
    for name in used:
        if name not in ph:
            bad(("placeholders",) if ph else (), f"the text uses {{{name}}} but 'placeholders' does not declare it")
    for name in ph:
        if isinstance(name, str) and name not in used:
            bad(("placeholders", name), f"placeholder '{name}' is declared but the text never uses {{{name}}}")
    variant = fields.get("variant")
    if variant is not None and variant not in ("rep", "manager"):
        bad(("variant",), "variant must be rep or manager")


def _check_checklist(fields: dict, body: str, bad) -> None:
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


def _check_contact(fields: dict, body: str, bad) -> None:
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
        from workaid.core.hours import HoursError, parse_hours

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
                bad(("timezone",), f"timezone {tz!r} is not a known IANA time-zone name")


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


def load_folder(folder: Path | str, known: dict[str, FileStamp] | None = None) -> FolderResult:
    """Parse every card under `folder`; collect all problems, including duplicate ids.

    With `known` (stamps from an earlier run), a file whose size and modification time
    are unchanged is not read again: it was valid then and is the same file now (as
    git's index reasons). `cards` then holds only the files that were parsed; `refs`
    always covers every card.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return FolderResult([], [Problem("", 0, "is not a folder (or cannot be opened)")], 0)
    cards: list[Card] = []
    refs: list[CardRef] = []
    stamps: dict[str, FileStamp] = {}
    problems: list[Problem] = []
    by_key: dict[str, CardRef] = {}
    files = 0
    for rel, entry in _scan(str(folder), ""):
        files += 1
        path = entry.path
        id_line = 1
        try:
            st = entry.stat(follow_symlinks=False)
            hit = known.get(rel) if known else None
            if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
                ref = CardRef(hit[2], hit[3], rel)
                card = None
            else:
                with open(path, "rb") as fh:
                    raw = fh.read(MAX_CARD_BYTES + 1)
                result = parse_card(raw, rel)
                problems.extend(result.problems)
                card, id_line = result.card, result.id_line
                if card is None:
                    continue
                ref = CardRef(card.id, card.sha256, rel)
        except OSError as e:
            problems.append(Problem(rel, 0, f"cannot be read: {e.strerror or e}"))
            continue
        key = id_key(ref.id)
        if key in by_key:
            other = by_key[key]
            same = "the same id" if other.id == ref.id else f"an id that differs only in case or accents ('{other.id}')"
            problems.append(Problem(rel, id_line, f"id '{ref.id}' has {same} as {other.source}"))
            continue
        by_key[key] = ref
        refs.append(ref)
        stamps[rel] = (st.st_size, st.st_mtime_ns, ref.id, ref.sha256)
        if card is not None:
            cards.append(card)
    return FolderResult(cards, problems, files, refs, stamps)
