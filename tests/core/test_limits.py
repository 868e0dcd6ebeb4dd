"""One source for every number: the {{limits}} table, and the warning about hand-written amounts."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

from tests.core.bundled_cards import bundled, bundled_of_kind
from tests.core.conftest import CONTENT, ROOT, write_card
from workaid.core.content.cards import parse_card
from workaid.core.content.folder import load_folder
from workaid.core.content.library import Library
from workaid.core.content.limits import (
    RoleLimit,
    disagreements,
    expand_limits,
    limits_markdown,
    money,
)
from workaid.core.content.render import card_body_html
from workaid.core.desk.authority import Discretion, decide

FRONT = """\
---
id: late-fee-waiver
kind: guideline
title: Waiving a late-payment fee
discretion:
  unit: GBP
  escalate_to: supervisor
  roles:
    - role: rep
      max_amount: 12
      per_customer: {count: 1, months: 12}
      conditions: [first-offence, account-in-good-standing]
    - role: senior-rep
      max_amount: 24
      per_customer: {count: 2, months: 12}
      conditions: [account-in-good-standing]
---
"""
BODY_LINE = FRONT.count("\n") + 1  # the file line of the body's first line


def parsed(body: str, front: str = FRONT):
    return parse_card((front + body).encode(), "late-fee-waiver.md")


def test_the_marker_shows_the_table_the_desk_enforces():
    card = parsed("The fee is **£12**.\n\n## Your limits\n\n{{limits}}\n\nMore.\n").card
    assert card is not None
    table = limits_markdown(card.fields)
    assert table == (
        "| Who | Up to | How often | Only if |\n"
        "| --- | --- | --- | --- |\n"
        "| rep | £12 | once per 12 months | first-offence and account-in-good-standing |\n"
        "| senior-rep | £24 | twice per 12 months | account-in-good-standing |\n"
        "\n"
        "Beyond that: supervisor decides."
    )
    html = card_body_html(card.body, card.fields)
    assert "{{limits}}" not in html
    assert "<td>senior-rep</td>\n<td>£24</td>" in html and "<p>Beyond that: supervisor decides.</p>" in html
    assert html.index("The fee is") < html.index("<table>") < html.index("More.")


def test_the_table_and_the_desk_word_a_row_the_same_way():
    card = parsed("{{limits}}\n").card
    assert card is not None
    d = Discretion.from_fields(card.fields["discretion"])
    assert d.roles[1].describe(d.unit) == "senior-rep: up to £24, twice per 12 months, if account-in-good-standing"
    assert decide(card.fields["discretion"], "rep", 20, {"account-in-good-standing": True}, 0).deciding_limit == (
        d.roles[1].describe(d.unit)
    )
    assert RoleLimit("rep", Decimal(0)).describe("GBP") == "rep: nothing (may not grant this)"
    assert money(Decimal("10.5"), "GBP", short=True) == "£10.50" and money(Decimal(3), "credits") == "3.00 credits"


def test_a_changed_limit_changes_the_card_text_too():
    text = FRONT.replace("max_amount: 24", "max_amount: 28") + "{{limits}}\n"
    card = parse_card(text.encode(), "x.md").card
    assert card is not None
    shown = expand_limits(card.body, card.fields)
    assert "| senior-rep | £28 |" in shown and "£24" not in shown


def test_a_role_that_may_grant_nothing_and_rows_without_limits_read_plainly():
    fields = {
        "discretion": {
            "unit": "GBP",
            "escalate_to": "manager",
            "roles": [{"role": "rep", "max_amount": 0}, {"role": "supervisor", "max_amount": 150.5}],
        }
    }
    assert limits_markdown(fields) is not None
    assert "| rep | nothing (may not grant this) | — | — |" in (limits_markdown(fields) or "")
    assert "| supervisor | £150.50 | no limit | — |" in (limits_markdown(fields) or "")


def test_a_body_without_a_readable_table_is_left_as_written():
    assert expand_limits("{{limits}}\n", {}) == "{{limits}}\n"
    assert expand_limits("{{limits}}\n", {"discretion": {"unit": "GBP"}}) == "{{limits}}\n"
    assert limits_markdown({"discretion": "lots"}) is None
    body = "```\n{{limits}}\n```\n"  # in code, the marker is just text (how the docs show it)
    assert expand_limits(body, parsed("x").card.fields) == body  # type: ignore[union-attr]


def test_a_marker_on_a_card_without_a_discretion_table_is_a_problem_at_its_line():
    text = "---\nid: plain\ntitle: Plain\n---\nIntro.\n\n{{limits}}\n"
    problems = [str(p) for p in parse_card(text.encode(), "plain.md").problems]
    assert problems == [
        "plain.md:7 — {{limits}} shows the card's discretion table, but this card has none: "
        "add a 'discretion' block to the front matter, or remove the marker"
    ]
    text = "---\nid: s\nkind: scenario\ntitle: S\n---\n{{limits}}\n"
    assert [str(p) for p in parse_card(text.encode(), "s.md").problems] == [
        "s.md:6 — {{limits}} shows a guideline's discretion table, and a scenario card has none; remove it"
    ]


def test_a_marker_inside_a_sentence_is_a_problem():
    result = parsed("See the limits: {{limits}} below.\n")
    assert [str(p) for p in result.problems] == [
        f"late-fee-waiver.md:{BODY_LINE} — {{{{limits}}}} must be on a line of its own, where the limits table goes"
    ]


def test_check_warns_when_the_body_contradicts_the_table():
    body = (
        "The late-payment fee is £12.\n"
        "\n"
        "| situation | who |\n"
        "|---|---|\n"
        "| second late fee in 12 months | senior rep (up to £28, twice a year) |\n"
        "\n"
        "A rep may waive up to £15.00 once.\n"
    )
    result = parsed(body)
    assert result.card is not None and result.problems == []  # a warning never refuses the card
    assert [str(w) for w in result.warnings] == [
        f"late-fee-waiver.md:{BODY_LINE + 4} — the body says £28 for senior-rep, but the discretion table says £24; "
        "use {{limits}} to show the table's own figures",
        f"late-fee-waiver.md:{BODY_LINE + 6} — the body says £15.00 for rep, but the discretion table says £12; "
        "use {{limits}} to show the table's own figures",
    ]


def test_amounts_that_agree_or_are_not_limits_are_not_warned_about():
    body = (
        "The late-payment fee is **£12**, or £20 for a business account.\n"  # the fee itself: no role named
        "Senior reps may waive up to £24.00, a rep up to £12.\n"  # agrees with the table
        "| under 12 hours | £5 | rep |\n"  # an amount within the limit, not a ceiling
        "| anything above £24 | supervisor |\n"  # the table's own figure
        "| the customer asks for £500 | supervisor decides |\n"  # no limit for who decides beyond
        "\n"
        "{{limits}}\n"
    )
    result = parsed(body)
    assert result.problems == [] and result.warnings == []


def test_only_amounts_in_the_tables_unit_are_read():
    front = FRONT.replace("unit: GBP", "unit: credits")
    body = "A senior rep may give up to £50 or up to 30 credits.\n"
    assert [m for _, m in disagreements(parsed(body, front).card.fields, body)] == [  # type: ignore[union-attr]
        "the body says 30 credits for senior-rep, but the discretion table says 24 credits; "
        "use {{limits}} to show the table's own figures"
    ]


def test_check_import_and_show_use_the_marker_and_print_warnings(tmp_path):
    src = tmp_path / "src"
    write_card(src, "late-fee-waiver.md", FRONT + "| second | senior rep (up to £28) |\n\n{{limits}}\n")
    result = load_folder(src)
    assert result.problems == [] and len(result.warnings) == 1

    def workaid(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workaid", "--data-dir", str(tmp_path / "d"), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    warning = f"warning: {src / 'late-fee-waiver.md'}:{BODY_LINE} — the body says £28 for senior-rep"
    out = workaid("check", str(src))
    assert out.returncode == 0 and warning in out.stdout and "1 valid cards, 0 rejected" in out.stdout
    out = workaid("import", str(src))
    assert out.returncode == 0 and warning in out.stdout and "Loaded 1 cards" in out.stdout
    out = workaid("show", "late-fee-waiver")
    assert out.returncode == 0 and "| senior-rep | £24 | twice per 12 months |" in out.stdout
    assert "{{limits}}" not in out.stdout


def test_the_search_index_holds_the_expanded_limits(tmp_path):
    src = tmp_path / "src"
    write_card(src, "late-fee-waiver.md", FRONT + "Nothing about amounts here.\n\n{{limits}}\n")
    lib = Library(tmp_path / "d", bundled=CONTENT)
    try:
        lib.import_folder(src)
        assert [r.id for r in lib.search("twice per 12 months").results] == ["late-fee-waiver"]
        card = lib.card("late-fee-waiver")
        assert card is not None and "{{limits}}" in card.body  # stored as written; expanded when shown
    finally:
        lib.close()


def test_every_bundled_card_with_limits_shows_them_from_its_table_and_draws_no_warning():
    result = load_folder(CONTENT)
    assert result.problems == [] and result.warnings == []
    with_limits = [c for c in bundled_of_kind("guideline") if "discretion" in c.fields]
    assert with_limits
    for card in with_limits:
        assert "{{limits}}" in card.body, card.id
        assert limits_markdown(card.fields) in expand_limits(card.body, card.fields)  # type: ignore[operator]
    late = expand_limits(bundled("late-fee-waiver").body, bundled("late-fee-waiver").fields)
    assert "| senior-rep | £24 | twice per 12 months | account-in-good-standing |" in late
    assert "When it is beyond you" in late
