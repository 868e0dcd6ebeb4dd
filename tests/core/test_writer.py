"""The card form and the file stay in step: what the workbench writes parses back to
the card the owner saw, and nothing typed changes on the way (issue 11, point 2)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import CONTENT
from workaid.core.authoring.writer import CardForm, form_from_card, form_from_text, form_problems, text_from_form
from workaid.core.content.cards import parse_card
from workaid.core.content.folder import iter_card_files
from workaid.core.content.kinds import CHANNELS, OUTCOMES

# Words and characters that YAML 1.1 or Markdown would take for something else.
TRICKY = [
    "yes", "no", "on", "off", "Yes", "NO", "true", "null", "~", "007", "1.10", "0x1F", "1e3", "2027-03-01",
    "12:30", "a: b", "key: value", "# not a comment", "x #y", "- dash", "-", "---", "...", "'quoted'",
    '"double"', "it's", "[a, b]", "{a: 1}", "a, b", "&anchor", "*alias", "!tag", "%percent", "@at", "`tick`",
    "|", ">", "? q", "café", "Возврат", "客服", "£24", "tab\there", "\\back", "emoji 🙂",
]  # fmt: skip


def _one_line(text: str) -> str:
    return " ".join(text.split())  # the parser strips; a title is one line


line_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4).map(" ".join),
).map(_one_line)
nonempty_line = line_text.filter(bool)
name = st.from_regex(r"\A[a-z][a-z0-9-]{0,15}\Z")
placeholder_name = st.from_regex(r"\A[a-z_][a-z0-9_]{0,12}\Z")
# The body is free Markdown: any characters but NUL (refused: a binary file) and CR (read
# as a line end, as every editor does), and the {{limits}} marker, which only a card with a
# discretion table may hold (test_limits.py). A script's braces are placeholders, drawn apart.
body_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r"), max_size=300).filter(
    lambda t: "{{limits}}" not in t
)
script_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r{}"), max_size=100)
amount = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False).map(lambda f: round(f, 2)))


@st.composite
def discretion(draw):
    roles = draw(st.lists(name, min_size=1, max_size=4, unique=True))
    escalate_to = draw(name.filter(lambda n: n not in roles))
    amounts = sorted(draw(st.lists(amount, min_size=len(roles), max_size=len(roles))))
    months = draw(st.integers(1, 36))
    rows = []
    for role, amt in zip(roles, amounts, strict=True):
        row = {"role": role, "max_amount": amt}
        if draw(st.booleans()):
            row["per_customer"] = {"count": draw(st.integers(1, 5)), "months": months}
        if draw(st.booleans()):
            row["conditions"] = draw(st.lists(name, max_size=3))
        rows.append(row)
    return {"discretion": {"unit": draw(nonempty_line), "escalate_to": escalate_to, "roles": rows}}


@st.composite
def script(draw):
    names = draw(st.lists(placeholder_name, min_size=0, max_size=4, unique=True))
    chunks = draw(st.lists(script_text, min_size=len(names) + 1, max_size=len(names) + 1))
    body = chunks[0] + "".join(f"{{{n}}}{c}" for n, c in zip(names, chunks[1:], strict=True))
    fields: dict = {"placeholders": {n: draw(line_text) for n in names}}
    if draw(st.booleans()):
        fields["variant"] = draw(st.sampled_from(["rep", "manager"]))
    return fields, body


@st.composite
def checklist(draw):
    ids = draw(st.lists(name, min_size=1, max_size=5, unique=True))
    steps = []
    for i, step_id in enumerate(ids):
        step = {"id": step_id, "question": draw(nonempty_line)}
        for answer in ("yes", "no"):
            later = ids[i + 1 :]
            if later and draw(st.booleans()):
                step[answer] = draw(st.sampled_from(later))
            else:
                outcome = {"outcome": draw(st.sampled_from(OUTCOMES)), "reason": draw(nonempty_line)}
                if draw(st.booleans()):
                    outcome["card"] = draw(name)
                step[answer] = outcome
        if draw(st.booleans()):
            step["help"] = draw(line_text)
        steps.append(step)
    return {"steps": steps}


@st.composite
def contact(draw):
    fields = {
        "team": draw(nonempty_line),
        "topics": draw(st.lists(nonempty_line, min_size=1, max_size=4)),
        "channel": draw(st.sampled_from(CHANNELS)),
        "direct": draw(st.one_of(nonempty_line, st.sampled_from(["02071234", "+44 20 7946 0000", "0800 123 456"]))),
    }
    if draw(st.booleans()):
        fields["hours"] = draw(st.sampled_from(["Mon-Fri 08:00-18:00", "Mon-Fri 09:00-17:00, Sat 09:00-13:00"]))
        fields["timezone"] = draw(st.sampled_from(["Europe/London", "America/New_York", "Asia/Tokyo"]))
    return fields


@st.composite
def forms(draw):
    kind = draw(st.sampled_from(["guideline", "script", "checklist", "contact", "scenario"]))
    body = draw(body_text)
    fields: dict = {}
    if kind == "guideline" and draw(st.booleans()):
        fields = draw(discretion())
    elif kind == "script":
        fields, body = draw(script())
    elif kind == "checklist":
        fields = draw(checklist())
    elif kind == "contact":
        fields = draw(contact())
    title = draw(nonempty_line.filter(lambda t: len(t) <= 200))
    return CardForm(
        id=draw(st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")),
        kind=kind,
        title=title,
        tags=tuple(draw(st.lists(st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,10}\Z"), max_size=4, unique=True))),
        owner=draw(line_text),
        review_by=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))),
        summary=draw(line_text),
        fields=fields,
        body=body,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms())
def test_any_form_the_writer_writes_parses_back_to_the_same_card(form):
    text = text_from_form(form)
    result = parse_card(text.encode("utf-8"), "card.md")
    assert result.problems == [], text
    card = result.card
    assert (card.id, card.kind, card.title, card.tags) == (form.id, form.kind, form.title, form.tags)
    assert (card.owner, card.review_by, card.summary) == (form.owner, form.review_by, form.summary)
    assert card.fields == form.fields
    assert card.body == form.body
    # form -> file -> form is the identity, and writing again gives the same bytes
    again, problems = form_from_text(text)
    assert problems == [] and again == form
    assert text_from_form(again) == text


def test_text_yaml_would_misread_is_written_so_it_reads_back_as_typed():
    form = CardForm(
        id="2024",
        kind="contact",
        title="yes",
        owner="007",
        summary="Call us: on weekdays # not a comment",
        fields={"team": "on", "topics": ["no", "1.10", "- dash", "a, b"], "channel": "phone", "direct": "02071234"},
        body="# Heading\n\n---\n\nA rule line above, kept in the body.\n",
    )
    text = text_from_form(form)
    assert "title: 'yes'" in text and "direct: '02071234'" in text
    again, problems = form_from_text(text)
    assert problems == [] and again == form


def test_writer_puts_common_keys_in_the_documented_order_then_the_kinds():
    form = CardForm(
        id="fee",
        kind="guideline",
        title="A fee",
        tags=("fees", "discretion"),
        owner="billing-team",
        review_by=dt.date(2027, 3, 1),
        summary="One line.",
        fields={
            "discretion": {"unit": "GBP", "escalate_to": "supervisor", "roles": [{"role": "rep", "max_amount": 12}]}
        },
        body="Body\n",
    )
    front = text_from_form(form).split("---\n")[1]
    keys = [line.split(":")[0] for line in front.splitlines() if line and not line.startswith(" ")]
    assert keys == ["id", "kind", "title", "tags", "owner", "review_by", "summary", "discretion"]
    assert "tags: [fees, discretion]\n" in front and "review_by: 2027-03-01\n" in front


def test_empty_optional_fields_are_left_out_of_the_file():
    text = text_from_form(CardForm(id="x", title="X", body="b"))
    assert text == "---\nid: x\nkind: guideline\ntitle: X\n---\nb"


def test_a_key_of_another_kind_is_kept_and_named_not_dropped():
    """An owner who turns a guideline into a script keeps the discretion table in the
    file until they remove it; the parser says where it belongs."""
    form = CardForm(id="x", kind="scenario", title="X", fields={"discretion": {"unit": "GBP"}})
    form2, problems = form_from_text(text_from_form(form))
    assert form2 is None
    assert any("unknown key 'discretion' (it belongs to kind guideline)" in p.message for p in problems)


def test_form_from_text_gives_located_problems_for_a_broken_file():
    form, problems = form_from_text("---\nid: x\ntitle: a: b\n---\n", "x.md")
    assert form is None
    assert [(p.line, p.source) for p in problems] == [(3, "x.md")]
    assert "put the whole title in quotes" in problems[0].message


def test_form_from_text_of_a_file_without_front_matter_keeps_its_path_id():
    form, problems = form_from_text("# Phone etiquette\n\nAnswer within three rings.\n", "imported/Old notes.md")
    assert problems == [] and form.id == "imported-old-notes" and form.title == "Phone etiquette"
    again, _ = form_from_text(text_from_form(form), "elsewhere.md")
    assert again == form  # written out, the id is in the front matter and no longer depends on the path


def test_editing_the_form_does_not_change_the_card_it_came_from():
    card = parse_card(
        b"---\nid: x\nkind: contact\ntitle: X\nteam: T\ntopics: [a]\nchannel: phone\ndirect: '1'\n---\n", "x.md"
    ).card
    form = form_from_card(card)
    form.fields["topics"].append("b")
    assert card.fields["topics"] == ["a"]


def test_every_bundled_card_survives_file_form_file_form():
    files = list(iter_card_files(CONTENT))
    assert len(files) > 20
    for path in files:
        rel = path.relative_to(CONTENT).as_posix()
        original = parse_card(path.read_bytes(), rel).card
        form, problems = form_from_text(path.read_text(encoding="utf-8"), rel)
        assert problems == [], rel
        text = text_from_form(form)
        again, problems = form_from_text(text, rel)
        assert problems == [] and again == form, rel
        card = parse_card(text.encode("utf-8"), rel).card
        assert (card.id, card.kind, card.title, card.tags, card.owner) == (
            original.id,
            original.kind,
            original.title,
            original.tags,
            original.owner,
        ), rel
        assert (card.review_by, card.summary, card.fields, card.body) == (
            original.review_by,
            original.summary,
            original.fields,
            original.body,
        ), rel


def test_windows_line_ends_in_the_body_are_written_as_the_parser_reads_them():
    form = CardForm(id="x", title="X", body="one\r\ntwo\rthree\n")
    again, _ = form_from_text(text_from_form(form))
    assert again.body == "one\ntwo\nthree\n"


def test_form_problems_are_the_parsers_words_for_the_written_file():
    form = CardForm(id="Bad Id", kind="script", title="X", fields={"placeholders": {"name": "Their name"}}, body="Hi")
    messages = [p.message for p in form_problems(form, "x.md")]
    assert any("must be 1-80 characters of a-z" in m for m in messages)
    assert "placeholder 'name' is declared but the text never uses {name}" in messages
    form.id, form.body = "good-id", "Hi {name}"
    assert form_problems(form) == []
