"""Fault campaign, card parsing (issue 9, points 11-13): typos never crash `check`,
YAML errors come back in plain words, and plain Markdown folders import whole."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import CONTENT, ROOT, write_card
from workaid.core.content.cards import COMMON_KEYS, derived_id, parse_card
from workaid.core.content.folder import load_folder
from workaid.core.content.kinds import ID_RE, KIND_KEYS, KINDS

INTERNAL = "fault in WorkAid"  # the safety net's words: a parse that reaches it is a bug


def problems_of(text: str) -> list[str]:
    result = parse_card(text.encode("utf-8", "surrogatepass"), "x.md")
    assert (result.card is None) == bool(result.problems)
    return [str(p) for p in result.problems]


def card(front: str, body: str = "Body\n") -> str:
    return f"---\nid: a\ntitle: T\n{front}\n---\n{body}"


# -- 11. every scalar in every field: one located problem, never a traceback ---------


def test_impossible_date_is_one_located_problem_saying_why():
    assert problems_of(card("review_by: 2027-02-30")) == [
        "x.md:4 — review_by '2027-02-30' is not a real date (day is out of range for month); write it like 2027-03-01"
    ]
    assert "year 0 is out of range" in problems_of(card("review_by: 0000-01-01"))[0]


def test_timestamp_tag_with_nonsense_is_located_not_a_crash():
    assert problems_of(card("review_by: !!timestamp nonsense")) == [
        "x.md:4 — the review_by: 'nonsense' is not a date or time"
    ]
    assert problems_of(card("review_by: !!timestamp 2027-02-30"))[0].startswith(
        "x.md:4 — review_by '2027-02-30' is not a real date"
    )


@pytest.mark.parametrize("key", ["id", "title", "owner", "summary", "review_by", "tags", "kind", "x"])
def test_five_thousand_digit_number_in_any_field_is_located_not_a_crash(key):
    for number in ("9" * 5000, "-" + "1" * 5000, "0x" + "f" * 5000, "0o" + "7" * 5000, "1" + "_0" * 3000):
        fields = {"id": "a", "title": "T", key: number}
        got = problems_of("---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\nbody\n")
        assert all(INTERNAL not in p for p in got), got
        if key in ("review_by", "tags", "kind", "x"):
            assert got and all(p.startswith("x.md:") and len(p) < 300 for p in got), got


SCALARS = [
    "yes",
    "no",
    "on",
    "~",
    "null",
    "true",
    "1.10",
    ".inf",
    "-.inf",
    ".nan",
    "1e400",
    "0o17",
    "0x1F",
    "1:30:00",
    "2027-03-01",
    "2027-03-01 10:00:00",
    "2027-13-45",
    "!!binary aGVsbG8=",
    "!!binary '!!!'",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
    "!!pairs [{a: 1}]",
    "!!int x",
    "!!float x",
    "!!bool maybe",
    "!!null x",
    "!!str 5",
    "!!timestamp x",
    "[a, [b, {c: d}]]",
    "{a: {b: {c: [1]}}}",
    "[]",
    "{}",
    "''",
    "!foo bar",
    "!!python/name:os.system",
    "{<<: {a: 1}, b: 2}",
    "&x 1",
    "[&y a, *y]",
    '"\\x"',
    "'unclosed",
    "[unclosed",
    "{unclosed",
]
FIELDS = sorted(set(COMMON_KEYS) | {k for keys in KIND_KEYS.values() for k in keys})


@pytest.mark.parametrize("kind", KINDS)
def test_every_yaml_scalar_kind_in_every_field_is_located_or_valid(kind):
    for field in FIELDS:
        for value in SCALARS:
            lines = [f"kind: {kind}", "id: a", "title: T"]
            lines = [ln for ln in lines if not ln.startswith(f"{field}:")] + [f"{field}: {value}"]
            text = "---\n" + "\n".join(lines) + "\n---\nHello {name}\n"
            result = parse_card(text.encode(), "x.md")
            for p in result.problems:
                assert INTERNAL not in p.message, (field, value, p)
                assert 1 <= p.line <= 7 and p.message, (field, value, p)
            if result.card is not None:
                json.dumps(result.card.fields)  # what the store will do with it


def test_binary_and_sets_are_refused_where_no_check_looks():
    text = (
        "---\nid: c\nkind: checklist\ntitle: T\nsteps:\n  - id: a\n    question: Q?\n    help: !!binary aGVsbG8=\n"
        "    yes: {outcome: handle, reason: r}\n    no: {outcome: handle, reason: r}\n---\n"
    )
    assert problems_of(text) == [
        "x.md:8 — steps.0.help holds binary data (!!binary); a card holds only text, numbers, lists and blocks"
    ]
    contact = "---\nid: c\nkind: contact\ntitle: T\nteam: B\ntopics: [a]\nchannel: phone\ndirect: '1'\ntimezone: !!set {a}\n---\n"
    assert problems_of(contact) == [
        "x.md:9 — timezone holds a set (!!set); a card holds only text, numbers, lists and blocks"
    ]


def test_text_fields_keep_what_was_typed_not_what_yaml_guessed():
    c = parse_card(
        card("kind: contact\nteam: 1.10\ntopics: [a]\nchannel: phone\ndirect: 02071234").encode(), "x.md"
    ).card
    assert (
        c is not None and c.fields["direct"] == "02071234" and c.fields["team"] == "1.10"
    )  # not octal 553628, not 1.1
    assert parse_card(b"---\nid: 2024\ntitle: yes\n---\n", "x.md").card.title == "yes"


def test_deep_nesting_and_aliases_are_refused_with_a_line():
    assert problems_of(card("summary: " + "[" * 40 + "]" * 40))[0].startswith(
        "x.md:4 — front matter is nested more than"
    )
    assert problems_of(card("summary: " + "[" * 5000 + "]" * 5000))[0].startswith("x.md:4 — front matter is nested")
    assert (
        problems_of(card("owner: &o x\nsummary: *o"))[0].startswith("x.md:")
        and "aliases" in problems_of(card("owner: &o x\nsummary: *o"))[0]
    )


def test_merge_key_into_top_level_is_checked_like_any_key():
    assert problems_of(card("<<: {owner: billing, reveiw_by: 2027-01-01}")) == [
        "x.md:4 — unknown key 'reveiw_by' (did you mean 'review_by'?)"
    ]


def test_duplicate_key_is_an_error_naming_both_lines():
    assert problems_of("---\nid: a\ntitle: First\nowner: x\ntitle: Second\n---\n") == [
        "x.md:5 — key 'title' appears twice (first on line 3); keep one"
    ]
    assert "appears twice" in problems_of(card("discretion: {unit: GBP, unit: EUR}"))[0]


KEYS = st.sampled_from(list(FIELDS) + ["yes", "no", "steps", "roles", "x", "<<", "", "Title"]) | st.text(max_size=8)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes()
    | st.binary(max_size=8)
    | st.frozensets(st.integers(0, 5), max_size=3)
)
VALUES = st.recursive(LEAVES, lambda c: st.lists(c, max_size=4) | st.dictionaries(KEYS, c, max_size=4), max_leaves=20)
RAW = st.sampled_from(
    [
        "!!timestamp nonsense",
        "2027-02-30",
        "9" * 5000,
        "0x" + "f" * 4000,
        "!!binary ???",
        "!!int ''",
        "!!bool maybe",
        "&a [1]",
        "*a",
        "{<<: *a}",
        "!!set {a: 1}",
        "[" * 60 + "]" * 60,
        "'open",
        '"\\q"',
        "a: b: c",
        "\t- x",
        "- a\n - b",
        "!!python/object:os.system x",
        "|\n  block\n  text",
        ">\n folded",
        "? complex\n: key",
        "@at",
        "`tick",
        "%dir",
    ]
)


def _as_yaml(value) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None, width=1000)
    except (yaml.YAMLError, ValueError, TypeError):
        return "x: y\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(KEYS, VALUES, max_size=8),
    st.lists(st.tuples(KEYS, RAW), max_size=4),
    st.sampled_from(KINDS),
    st.text(max_size=200),
)
def test_parse_never_raises_on_any_yaml_document(data, raw_lines, kind, body):
    data = {"kind": kind, **data}
    text = _as_yaml(data) + "".join(f"{k}: {v}\n" for k, v in raw_lines)
    doc = "---\n" + text + "---\n" + body.replace("---", "- -")
    result = parse_card(doc.encode("utf-8", "surrogatepass"), "fuzz.md")
    assert (result.card is None) == bool(result.problems)
    last = doc.count("\n") + 1
    for p in result.problems:
        assert p.source == "fuzz.md" and 1 <= p.line <= last and p.message.strip()
        assert INTERNAL not in p.message, p
    if result.card is not None:
        json.dumps(result.card.fields)
        assert ID_RE.match(result.card.id)


def test_check_import_and_publish_report_typos_without_a_traceback(tmp_path):
    src = tmp_path / "src"
    write_card(src, "date.md", "---\nid: d\ntitle: T\nreview_by: 2027-02-30\n---\n")
    write_card(src, "tag.md", "---\nid: t\ntitle: T\nreview_by: !!timestamp nonsense\n---\n")
    write_card(src, "big.md", f"---\nid: b\ntitle: T\nsummary: x\nowner: x\nreview_by: {'9' * 5000}\n---\n")
    write_card(src, "colon.md", "---\nid: c\ntitle: Fees: what to say\n---\n")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "workaid", "--data-dir", str(tmp_path / "desk"), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("keygen", "--out", str(tmp_path / "keys")).returncode == 0
    for args in (
        ["check", str(src)],
        ["import", str(src)],
        ["publish", str(src), str(tmp_path / "share"), "--key", str(tmp_path / "keys/publisher.key")],
    ):
        out = run(*args)
        assert out.returncode == 1, (args, out.stderr)
        assert "Traceback" not in out.stderr and INTERNAL not in out.stderr
        for name, line in (("date.md", 4), ("tag.md", 4), ("big.md", 6), ("colon.md", 3)):
            assert f"{src / name}:{line} — " in out.stderr, (args, out.stderr)
        assert f"{src / 'colon.md'}:3 — the title contains ': ' — put the whole title in quotes" in out.stderr


# -- 12. YAML errors in plain words; placeholders located in the body ----------------


@pytest.mark.parametrize(
    "front, line, words",
    [
        ("id: a\ntitle: Fees: what to say", 3, "the title contains ': ' — put the whole title in quotes"),
        ("id: a\ntitle: T\nsummary: Note: read it", 4, "the summary contains ': ' — put the whole summary in quotes"),
        ("id: a\ntitle: T\n\towner: x", 4, "indented with a tab"),
        ("id: a\ntitle: 'never closed\nowner: x", 3, "a quote opened on this line is never closed"),
        ("id: a\ntitle: T\ntags: [a, b\nowner: x", 4, "a '[' list opened on this line is never closed"),
        ("id: a\ntitle: T\nsummary: {a: b\nowner: x", 4, "a '{' block opened on this line is never closed"),
        (
            "id: a\ntitle: T\ndiscretion:\n  unit: GBP\n escalate_to: x",
            6,
            "indented differently from the keys above it",
        ),
        ("id: a\ntitle: T\ndiscretion:\n  unit: GBP\n    escalate_to: x", 6, "contains ': '"),
        ("id: a\ntitle: T\nowner: @team", 4, "starts with a character YAML reserves"),
        ('id: a\ntitle: "C:\\qa"', 3, "unknown escape; use single quotes"),
        ("id: a\ntitle: T\nowner: !custom x", 4, "the YAML tag '!custom' is not allowed in a card"),
    ],
)
def test_yaml_errors_are_explained_in_plain_words_at_their_line(front, line, words):
    (got,) = problems_of(f"---\n{front}\n---\n")
    assert got.startswith(f"x.md:{line} — ") and words in got, got


def test_unknown_yaml_errors_fall_back_to_the_raw_message():
    (got,) = problems_of("---\nid: a\ntitle: !!map x\n---\n")
    assert got.startswith("x.md:3 — front matter is not valid YAML: ") and "mapping" in got


SCRIPT = """---
id: s
kind: script
title: T
placeholders:
  customer_name: Name
  callback_time: When
---
Hello {customer_name}.

We will call at {callback_time}, {custmer_name}.
And {Callback Time} again.
"""


def test_misspelt_placeholder_is_reported_at_the_body_line_with_a_suggestion():
    assert problems_of(SCRIPT) == [
        "x.md:11 — the text uses {custmer_name}, which 'placeholders' does not declare — did you mean {customer_name}?",
        "x.md:12 — the text uses {Callback Time}, which 'placeholders' does not declare — did you mean {callback_time}?",
    ]
    unrelated = SCRIPT.replace("{custmer_name}", "{zzz}").replace("And {Callback Time} again.", "")
    assert problems_of(unrelated) == ["x.md:11 — the text uses {zzz} but 'placeholders' does not declare it"]


# -- 13. plain Markdown folders import whole, ids unique and stable ------------------

AWKWARD = [
    "a_b.md",
    "a-b.md",
    "c++.md",
    "c.md",
    "!.md",
    "~.md",
    "客服.md",
    "Возврат.md",
    "café.md",
    "cafe.md",
    "Café.md",
]


def test_names_that_differ_in_punctuation_or_script_all_import_with_readable_ids(tmp_path):
    for name in AWKWARD:
        write_card(tmp_path, name, f"# {name}\n\nText.\n")
    result = load_folder(tmp_path)
    assert result.problems == [] and len(result.cards) == len(AWKWARD)
    ids = {c.source: c.id for c in result.cards}
    assert len(set(ids.values())) == len(AWKWARD)
    assert all(ID_RE.match(i) for i in ids.values())
    assert ids["客服.md"] == "kefu" and ids["Возврат.md"] == "vozvrat"
    for name, base in (
        ("a_b.md", "a-b"),
        ("a-b.md", "a-b"),
        ("c++.md", "c"),
        ("c.md", "c"),
        ("café.md", "cafe"),
        ("cafe.md", "cafe"),
    ):
        assert ids[name].startswith(base + "-") and len(ids[name]) == len(base) + 7, (
            ids
        )  # both sides of a clash get a hash
    assert ids["!.md"].startswith("card-") and ids["~.md"].startswith("card-")


def test_derived_ids_come_back_the_same_when_a_desk_parses_the_published_bytes(tmp_path):
    for name in AWKWARD + ["x" * 120 + ".md", "Straße/Größe.md"]:
        write_card(tmp_path, name, "Just text.\n")
    for c in load_folder(tmp_path).cards:
        assert parse_card((tmp_path / c.source).read_bytes(), f"{c.id}.md").card.id == c.id  # what sync does


def test_derived_id_that_meets_a_front_matter_id_gets_a_hash_and_front_matter_keeps_its_id(tmp_path):
    write_card(tmp_path, "policy.md", "---\nid: refunds\ntitle: Policy\n---\n")
    write_card(tmp_path, "Refunds.md", "# Old refunds notes\n")
    ids = {r.source: r.id for r in load_folder(tmp_path).refs}
    assert ids["policy.md"] == "refunds" and ids["Refunds.md"].startswith("refunds-")


def test_front_matter_ids_that_collide_stay_an_error(tmp_path):
    write_card(tmp_path, "a.md", "---\nid: same\ntitle: A\n---\n")
    write_card(tmp_path, "b.md", "---\nid: same\ntitle: B\n---\n")
    assert [str(p) for p in load_folder(tmp_path).problems] == ["b.md:2 — id 'same' has the same id as a.md"]


def test_bundled_pack_plain_file_keeps_its_id():
    ids = {c.source: c.id for c in load_folder(CONTENT).cards}
    assert ids["imported/Old phone etiquette notes.md"] == "imported-old-phone-etiquette-notes"
    assert derived_id("Billing/Late Fees.md") == "billing-late-fees"


def _generated_folder(root, n: int, seed: int = 9) -> list[str]:
    rng = random.Random(seed)
    stems = [
        "Возврат",
        "客服",
        "café",
        "cafe",
        "a_b",
        "a-b",
        "c++",
        "c",
        "!",
        "~",
        "Ελληνικά",
        "한국어",
        "عربى",
        "Notes",
        "ß",
    ]
    dirs = ["", "Billing/", "billing/", "Служба/", "客服/", "Über uns/", "a b/", "a_b/"]
    names = set()
    while len(names) < n:
        names.add(
            f"{rng.choice(dirs)}{rng.choice(stems)}{rng.choice(['', ' ', '_', '-', '!', ''])}{rng.randrange(400) if rng.random() < 0.8 else ''}.md"
        )
    for name in sorted(names):
        write_card(root, name, f"# {name}\n\nText {rng.random()}\n")
    return sorted(names)


def test_three_thousand_generated_files_import_whole_with_stable_ids(tmp_path, library):
    names = _generated_folder(tmp_path / "src", 3000)
    first = load_folder(tmp_path / "src")
    assert first.problems == [] and len(first.cards) == 3000
    ids = {c.source: c.id for c in first.cards}
    assert len(set(ids.values())) == 3000 and all(ID_RE.match(i) for i in ids.values())
    assert {c.source: c.id for c in load_folder(tmp_path / "src").cards} == ids  # re-import: identical

    report = library.import_folder(tmp_path / "src")  # the real import, all or nothing
    assert report.total == 3000

    # Adding a file changes only ids of files whose derived id it newly shares.
    new = "Billing/café7.md"
    assert new not in names
    write_card(tmp_path / "src", new, "# new\n")
    after = {c.source: c.id for c in load_folder(tmp_path / "src").cards}
    base = derived_id(new)
    changed = {s for s in ids if after[s] != ids[s]}
    assert all(derived_id(s) == base for s in changed), changed
    assert len(set(after.values())) == 3001


def test_sync_debris_is_listed_as_skipped_with_a_reason(tmp_path):
    write_card(tmp_path, "Invoice.md", "# Invoice\n")
    for junk in (
        "Invoice (2).md",
        "~$voice.md",
        ".hidden.md",
        "x.sync-conflict-20260101-101010-ABCDEFG.md",
        "y (conflicted copy 2026-01-01).md",
        ".syncthing.Invoice.md.tmp",
    ):
        write_card(tmp_path, junk, "# junk\n")
    (tmp_path / "link.md").symlink_to(tmp_path / "Invoice.md")
    result = load_folder(tmp_path)
    assert [c.source for c in result.cards] == ["Invoice.md"] and result.problems == []
    reasons = {s.source: s.reason for s in result.skipped}
    assert set(reasons) == {
        "Invoice (2).md",
        "~$voice.md",
        ".hidden.md",
        "x.sync-conflict-20260101-101010-ABCDEFG.md",
        "y (conflicted copy 2026-01-01).md",
        ".syncthing.Invoice.md.tmp",
        "link.md",
    }
    assert "copy made by a sync tool" in reasons["Invoice (2).md"] and "link" in reasons["link.md"]
    out = subprocess.run(
        [sys.executable, "-m", "workaid", "--data-dir", str(tmp_path / "d"), "check", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert f"note: {tmp_path / 'Invoice (2).md'} — skipped: looks like a copy made by a sync tool" in out.stdout
