from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.conftest import CONTENT, write_card
from workaid.core.content.cards import MAX_CARD_BYTES, parse_card
from workaid.core.content.folder import load_folder
from workaid.core.content.kinds import KINDS

GOOD = """\
---
id: late-fee-waiver
kind: guideline
title: Waiving a late-payment fee
tags: [fees, discretion]
owner: billing-team
review_by: 2027-03-01
---
Body with **bold**.
"""


def problems_of(text: str | bytes, source: str = "x.md") -> list[str]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return [str(p) for p in parse_card(raw, source).problems]


def test_valid_card_parses_with_all_fields():
    card = parse_card(GOOD.encode(), "fees/late.md").card
    assert card is not None
    assert (card.id, card.kind, card.title, card.tags, card.owner) == (
        "late-fee-waiver",
        "guideline",
        "Waiving a late-payment fee",
        ("fees", "discretion"),
        "billing-team",
    )
    assert card.review_by == dt.date(2027, 3, 1)
    assert card.body.strip() == "Body with **bold**."
    assert not card.is_stale(dt.date(2027, 2, 1)) and card.is_stale(dt.date(2027, 3, 2))


def test_bom_and_crlf_are_accepted():
    card = parse_card(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), "x.md").card
    assert card is not None and card.id == "late-fee-waiver"


def test_plain_markdown_without_front_matter_imports_with_id_from_path():
    card = parse_card(b"Intro line\n\n# Phone etiquette\n\nBe kind.", "Old Notes/Phone Tips.md").card
    assert card.id == "old-notes-phone-tips"
    assert card.title == "Phone etiquette"
    assert card.kind == "guideline"


def test_plain_markdown_without_heading_takes_file_name_as_title():
    card = parse_card(b"just text", "misc/call_wrap-up.md").card
    assert card.title == "call wrap up"


def test_unknown_key_is_reported_with_its_line_and_a_hint():
    text = GOOD.replace("review_by: 2027-03-01", "reveiw_by: 2027-03-01")
    assert problems_of(text) == ["x.md:7 — unknown key 'reveiw_by' (did you mean 'review_by'?)"]


def test_key_of_another_kind_names_that_kind():
    text = GOOD.replace("owner: billing-team", "placeholders: {a: b}")
    assert "belongs to kind script" in problems_of(text)[0]


def test_invalid_yaml_points_at_the_line():
    text = GOOD.replace("tags: [fees, discretion]", "tags: [fees, discretion")
    (problem,) = problems_of(text)
    assert problem.startswith("x.md:") and "never closed with ']'" in problem
    assert int(problem.split(":")[1].split()[0]) in (5, 6)


def test_unclosed_front_matter_is_reported():
    assert problems_of("---\nid: a\ntitle: b\n") == [
        "x.md:1 — front matter opened with '---' is never closed by a '---' line"
    ]


def test_bad_id_title_tags_and_date_are_all_reported_at_once():
    text = "---\nid: Bad Id\ntags: [ok, 'not ok!']\nreview_by: soon\nkind: memo\n---\nbody"
    got = problems_of(text)
    assert any(p.startswith("x.md:2 — id 'Bad Id'") for p in got)
    assert any(p.startswith("x.md:3 — tag 'not ok!'") for p in got)
    assert any(p.startswith("x.md:4 — review_by 'soon'") for p in got)
    assert any(p.startswith("x.md:5 — kind 'memo'") for p in got)
    assert any("missing 'title'" in p for p in got)


def test_oversized_and_binary_and_non_utf8_files_are_rejected_calmly():
    assert "at most" in problems_of(b"x" * (MAX_CARD_BYTES + 1))[0]
    assert "not UTF-8" in problems_of(b"---\nid: a\ntitle: \xff\n---\n")[0]
    assert "NUL" in problems_of(b"abc\x00def")[0]


def test_yaml_aliases_are_refused_so_nothing_can_blow_up():
    text = "---\nid: a\ntitle: t\ntags: &x [a, b]\nowner: *x\n---\n"
    assert "anchors or aliases" in problems_of(text)[0]


def test_python_specific_yaml_tags_are_not_executed():
    text = "---\nid: a\ntitle: !!python/object/apply:os.system ['echo hacked']\n---\n"
    got = problems_of(text)
    assert got == ["x.md:3 — the YAML tag '!!python/object/apply:os.system' is not allowed in a card; remove it"]


def test_script_placeholders_must_be_declared_and_used():
    text = "---\nid: s\nkind: script\ntitle: T\nplaceholders:\n  customer_name: Name\n  unused: U\n---\nHello {customer_name}, I am {agent}. Braces {{like this}}."
    got = problems_of(text)
    assert any("uses {agent}" in p for p in got)
    assert any(p.startswith("x.md:7 — placeholder 'unused' is declared") for p in got)
    assert len(got) == 2


def test_checklist_steps_accept_bare_yes_no_and_check_references():
    text = """---
id: c
kind: checklist
title: T
steps:
  - id: first
    question: Abusive?
    yes: {outcome: supervisor, reason: Abuse}
    no: second
  - id: second
    question: Knows?
    yes: missing
    no: {outcome: maybe, reason: r}
---
"""
    got = problems_of(text)
    assert any(p.startswith("x.md:12 — 'yes' leads to step 'missing'") for p in got)
    assert any("outcome must be one of" in p for p in got)
    good = text.replace("yes: missing", "yes: {outcome: expert, reason: Beyond me}").replace(
        "outcome: maybe", "outcome: handle"
    )
    card = parse_card(good.encode(), "x.md").card
    assert card is not None
    assert card.fields["steps"][0]["yes"]["outcome"] == "supervisor"
    assert card.fields["steps"][0]["no"] == "second"


def test_contact_needs_timezone_with_hours_and_a_real_zone():
    base = "---\nid: c\nkind: contact\ntitle: T\nteam: Billing\ntopics: [refunds]\nchannel: phone\ndirect: '123'\nhours: Mon-Fri 08:00-18:00\n"
    assert any("need a 'timezone'" in p for p in problems_of(base + "---\n"))
    assert any("not a known IANA" in p for p in problems_of(base + "timezone: Mars/Olympus\n---\n"))
    assert problems_of(base + "timezone: Europe/London\n---\n") == []


def test_guideline_discretion_is_validated():
    text = "---\nid: g\ntitle: T\ndiscretion:\n  unit: GBP\n  escalate_to: supervisor\n  roles:\n    - role: rep\n      max_amount: -5\n---\n"
    got = problems_of(text)
    assert got == ["x.md:9 — max_amount must be a number of 0 or more"]


def test_folder_reports_duplicate_ids_even_when_case_or_accents_differ(tmp_path):
    write_card(tmp_path, "a.md", "---\nid: refund\ntitle: A\n---\n")
    write_card(tmp_path, "b/b.md", "---\nid: refund\ntitle: B\n---\n")
    write_card(tmp_path, "c.md", "---\nid: late-fee\ntitle: C\n---\n")
    write_card(tmp_path, "d.md", "# Late Fee\n")  # plain file whose path gives id 'd' — no clash
    write_card(tmp_path, "Late-Fee.md", "# Title\n")  # id from path: late-fee -> gets a path hash, no clash
    result = load_folder(tmp_path)
    msgs = [str(p) for p in result.problems]
    assert any(m.startswith("b/b.md:2 — id 'refund' has the same id as a.md") for m in msgs)
    assert len(msgs) == 1
    assert next(r.id for r in result.refs if r.source == "Late-Fee.md").startswith("late-fee-")


def test_folder_skips_hidden_files_and_sync_debris(tmp_path):
    write_card(tmp_path, "ok.md", GOOD)
    for junk in ("~$ok.md", ".syncthing.ok.md.tmp", "ok (1).md", ".hidden.md", ".git/x.md", "notes.txt"):
        write_card(tmp_path, junk, GOOD.replace("late-fee-waiver", "other"))
    result = load_folder(tmp_path)
    assert [c.source for c in result.cards] == ["ok.md"] and result.problems == []


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    result = load_folder(tmp_path / "nope")
    assert result.cards == [] and "not a folder" in str(result.problems[0])


def test_bundled_pack_is_valid_and_covers_every_kind():
    result = load_folder(CONTENT)
    assert result.problems == []
    assert len(result.cards) >= 30
    assert {c.kind for c in result.cards} == set(KINDS)
    assert sum(c.is_stale() for c in result.cards) >= 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parser_never_raises_on_any_bytes(raw):
    result = parse_card(raw, "fuzz.md")
    assert (result.card is None) == bool(result.problems)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["id", "kind", "title", "tags", "owner", "review_by", "steps", "placeholders", "discretion", "x"]
        ),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
            max_leaves=8,
        ),
    ),
    st.text(max_size=200),
)
def test_parser_never_raises_on_any_front_matter(data, body):
    import yaml

    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    result = parse_card(text.encode("utf-8", "surrogatepass"), "fuzz.md")
    for p in result.problems:
        assert p.source == "fuzz.md" and p.line >= 1 and p.message
