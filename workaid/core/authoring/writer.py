"""A card as a form and back: what the workbench edits instead of YAML.

The owner fills in fields; the file is what gets published. Both directions go
through the one card parser (cards.parse_card), so the form can never accept what
the importer would refuse, and a file the writer wrote always parses back to the
card the form showed. Writing is canonical (documented key order, ISO dates, short
lists on one line), so two owners saving the same form get the same bytes and a
diff shows only what changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from workaid.core.content.cards import Card, Problem, parse_card
from workaid.core.content.kinds import KIND_KEYS

# Long enough that no summary or reason is ever folded across lines: owners read the
# file too, and a folded line looks like two values.
_NO_WRAP = 1_000_000


@dataclass
class CardForm:
    """Everything an owner edits on one card; `fields` holds the kind's own keys
    (kinds.KIND_KEYS) as plain data, exactly as `Card.fields` does."""

    id: str = ""
    kind: str = "guideline"
    title: str = ""
    tags: tuple[str, ...] = ()
    owner: str = ""
    review_by: dt.date | None = None
    summary: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    synonyms: tuple[str, ...] = ()  # search vocabulary, one group per item: "ceo = chief executive"


def form_from_card(card: Card) -> CardForm:
    """The form for a parsed card (copies, so editing the form never changes the card)."""
    import copy

    return CardForm(
        id=card.id,
        kind=card.kind,
        title=card.title,
        tags=tuple(card.tags),
        owner=card.owner,
        review_by=card.review_by,
        summary=card.summary,
        fields=copy.deepcopy(card.fields),
        body=card.body,
        synonyms=tuple(card.synonyms),
    )


def form_from_text(text: str, source: str = "card.md") -> tuple[CardForm | None, list[Problem]]:
    """The form for a card file's text, or None with the parser's located problems.

    `source` names the file in problems; for a file without front matter it is also
    where the card's id comes from (its path, as on import).
    """
    result = parse_card(text.encode("utf-8", "surrogatepass"), source)
    if result.card is None or result.problems:
        return None, result.problems
    return form_from_card(result.card), []


def text_from_form(form: CardForm) -> str:
    """The card file for a form: front matter in the documented order, then the body.

    Empty optional fields are left out. Keys in `fields` the kind does not know are
    still written (after the kind's own), so nothing typed is lost: the parser then
    names them, e.g. after the owner changed a guideline into a script.
    """
    data: dict[str, Any] = {"id": form.id, "kind": form.kind, "title": form.title}
    if form.tags:
        data["tags"] = _Flow(form.tags)
    if form.owner:
        data["owner"] = form.owner
    if form.review_by is not None:
        data["review_by"] = form.review_by
    if form.summary:
        data["summary"] = form.summary
    if form.synonyms:
        data["synonyms"] = list(form.synonyms)  # one group a line, as owners read and diff them
    known = KIND_KEYS.get(form.kind, ())
    ordered = [k for k in known if k in form.fields] + [k for k in form.fields if k not in known]
    for key in ordered:
        data[key] = _styled(key, form.fields[key])
    front = yaml.dump(
        data,
        Dumper=_CardDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=_NO_WRAP,
    )
    body = form.body.replace("\r\n", "\n").replace("\r", "\n")  # as the parser reads it
    return f"---\n{front}---\n{body}"


def form_problems(form: CardForm, source: str = "card.md") -> list[Problem]:
    """What `check` would say about the file this form writes (lines are that file's),
    so the form can show the same plain-words problems as the source tab."""
    return parse_card(text_from_form(form).encode("utf-8", "surrogatepass"), source).problems


# -- styling: which values are written on one line ----------------------------------------
class _Flow(list[Any]):
    """A list written on one line: `[fees, discretion]`."""


class _FlowMap(dict[Any, Any]):
    """A block written on one line: `{count: 1, months: 12}`."""


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, float, dt.date)) or (isinstance(v, str) and "\n" not in v)


def _flow_list(v: Any) -> Any:
    return _Flow(v) if isinstance(v, (list, tuple)) and all(_scalar(x) for x in v) else v


def _flow_map(v: Any) -> Any:
    if isinstance(v, dict) and all(isinstance(k, str) and _scalar(x) for k, x in v.items()):
        return _FlowMap(v)
    return v


def _styled(key: str, value: Any) -> Any:
    """The value with the short parts the documented examples write on one line marked
    so (topics, a role's per_customer and conditions, a step's outcome); the rest
    stays in block style, which reads best for long or nested data."""
    if key == "topics":
        return _flow_list(value)
    if key == "discretion" and isinstance(value, dict) and isinstance(value.get("roles"), list):
        roles = [
            {
                k: (_flow_map(v) if k == "per_customer" else _flow_list(v) if k == "conditions" else v)
                for k, v in r.items()
            }
            if isinstance(r, dict)
            else r
            for r in value["roles"]
        ]
        return {**value, "roles": roles}
    if key == "steps" and isinstance(value, list):
        return [
            {k: (_flow_map(v) if k in ("yes", "no") else v) for k, v in s.items()} if isinstance(s, dict) else s
            for s in value
        ]
    return value


class _CardDumper(yaml.SafeDumper):
    """The safe dumper, plus the one-line markers above. Being the safe dumper, a text
    that YAML 1.1 would read as something else ('yes', 'on', '007', '2027-03-01')
    is quoted, so it parses back as the same text."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # the parser refuses anchors and aliases; a value used twice is written twice

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # list items indented under their key, as in docs/card-format.md and the bundled cards
        super().increase_indent(flow, False)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(data), flow_style=True)


def _represent_tuple(dumper: yaml.SafeDumper, data: tuple[Any, ...]) -> yaml.Node:
    return dumper.represent_list(list(data))


_CardDumper.add_representer(_Flow, _represent_flow_list)
_CardDumper.add_representer(_FlowMap, _represent_flow_map)
_CardDumper.add_representer(tuple, _represent_tuple)
