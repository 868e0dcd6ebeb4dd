"""One wording for an authority answer: the terminal and the hand-off note say what the view-model says."""

from __future__ import annotations

import json

import pytest

from tests.core.bundled_cards import bundled
from workaid.cli import parse_args
from workaid.cli_escalation import COMMANDS
from workaid.core.desk.authority import decide
from workaid.core.desk.authority_words import AuthorityAnswer
from workaid.core.desk.session import authority_summary

TITLE = "Waiving a late-payment fee"
CLEAN = {"first-offence": True, "account-in-good-standing": True}
CASES = {
    "within": ("rep", "12", CLEAN, 0),
    "senior": ("rep", "20", {"account-in-good-standing": True}, 1),
    "escalate": ("rep", "40", {"account-in-good-standing": True}, 0),
    "unlimited": ("supervisor", "40", {}, None),
    "unchecked": ("rep", "12", {}, None),
}


def decision(case: str):
    role, amount, facts, used = CASES[case]
    return decide(bundled("late-fee-waiver").fields["discretion"], role, amount, facts, used)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_note_line_carries_the_badge_and_the_offer(case):
    answer = AuthorityAnswer.of(decision(case))
    line = authority_summary(TITLE, decision(case))
    assert line == answer.note_line(TITLE)
    assert f"— {answer.label.lower()};" in line


@pytest.mark.parametrize("case", ["senior", "escalate", "unlimited"])
def test_the_headline_ends_with_the_offer_the_panel_shows(case):
    answer = AuthorityAnswer.of(decision(case))
    assert answer.headline.endswith("; " + answer.offer[:1].lower() + answer.offer[1:])


def test_the_offer_in_each_voice():
    senior, unlimited = AuthorityAnswer.of(decision("senior")), AuthorityAnswer.of(decision("unlimited"))
    assert senior.offer == "You may not offer anything yourself."
    assert authority_summary(TITLE, decision("senior")).endswith("I may not offer anything myself.")
    assert unlimited.offer == "You may offer the £40.00 asked."
    assert authority_summary(TITLE, decision("unlimited")).endswith("no limit for my role.")


def test_unchecked_names_what_to_check_then_both_answers():
    answer = AuthorityAnswer.of(decision("unchecked"))
    assert answer.tone == "check" and answer.if_confirmed is not None
    assert answer.title == "Check first: first offence, account in good standing, how often they have had it"
    assert answer.offer_line.startswith(f"Until then: {answer.label} — you may")
    assert answer.checks_out == "Within your discretion — You may offer up to £12.00 yourself."


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_cli_prints_the_view_models_words(case, library, capsys):
    role, amount, facts, used = CASES[case]
    argv = ["authority", "late-fee-waiver", "--role", role, "--amount", amount]
    argv += [a for k, v in facts.items() for a in ("--fact", f"{k}={'yes' if v else 'no'}")]
    if used is not None:
        argv += ["--used", str(used)]
    answer = AuthorityAnswer.of(decision(case))
    assert _run(library, argv) == 0
    assert answer.text() in capsys.readouterr().out
    assert _run(library, [*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["words"] == {"label": answer.label, "headline": answer.headline, "offer": answer.offer}
    assert data["verdict"] == answer.decision.verdict


def _run(library, argv: list[str]) -> int:
    args = parse_args(argv)
    return COMMANDS[args.command](args, library)
