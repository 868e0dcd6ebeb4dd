"""`workaid authority` and `workaid script`, called the way cli.py dispatches them."""

from __future__ import annotations

import json

import pytest

from workaid.cli import parse_args
from workaid.cli_escalation import COMMANDS


def run(library, capsys, *argv: str) -> tuple[int, str, str]:
    args = parse_args(argv)
    code = COMMANDS[args.command](args, library)
    out = capsys.readouterr()
    return code, out.out, out.err


CLEAN = ("--fact", "first-offence=yes", "--fact", "account-in-good-standing=true")


def test_authority_within_discretion_prints_the_answer_and_the_limit(library, capsys):
    code, out, err = run(
        library, capsys, "authority", "late-fee-waiver", "--role", "rep", "--amount", "12", *CLEAN, "--used", "0"
    )
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "Waiving a late-payment fee (late-fee-waiver), as rep:",
        "Within your discretion: you may offer up to £12.00 (£12.00 asked).",
        "Limit: rep: up to £12, once per 12 months, if first-offence and account-in-good-standing.",
    ]


def test_authority_too_much_names_who_decides_and_what_the_rep_may_offer(library, capsys):
    code, out, _ = run(
        library, capsys, "authority", "late-fee-waiver", "--role", "rep", "--amount", "£20", *CLEAN, "--used", "0"
    )
    assert code == 0
    assert "Needs a senior-rep: £20.00 is beyond what you may grant; you may offer up to £12.00 yourself." in out
    assert "£20.00 is above the rep limit of £12.00." in out


def test_authority_without_history_says_to_check_it_first(library, capsys):
    code, out, _ = run(library, capsys, "authority", "late-fee-waiver", "--role", "rep", "--amount", "12", *CLEAN)
    assert code == 0
    assert "Check first: the waiver history" in out and "If it all checks out — within your discretion" in out


def test_authority_json_is_machine_readable(library, capsys):
    code, out, _ = run(
        library,
        capsys,
        "authority",
        "refund-outside-policy",
        "--role",
        "supervisor",
        "--amount",
        "400",
        "--fact",
        "account-in-good-standing=1",
        "--fact",
        "tenure-over-12-months=0",
        "--used",
        "0",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["card"] == "refund-outside-policy"
    assert (data["verdict"], data["who"], data["may_offer"], data["amount"]) == ("escalate", "manager", "150", "400")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["authority", "no-such-card", "--role", "rep", "--amount", "1"], "no card with id 'no-such-card'"),
        (["authority", "script-apology-rep", "--role", "rep", "--amount", "1"], "has no discretion limits"),
        (["authority", "fee-waiver-basics", "--role", "rep", "--amount", "1"], "has no discretion limits"),
        (["authority", "late-fee-waiver", "--role", "rep", "--amount", "-5"], "The amount '-5' is negative"),
        (
            ["authority", "late-fee-waiver", "--role", "rep", "--amount", "twelve"],
            "The amount 'twelve' is not a number",
        ),
        (["authority", "late-fee-waiver", "--role", "rep", "--amount", "nan"], "is not a number"),
        (
            ["authority", "late-fee-waiver", "--role", "agent", "--amount", "1"],
            "Unknown role 'agent' for this card: its roles are rep, senior-rep",
        ),
        (
            ["authority", "late-fee-waiver", "--role", "rep", "--amount", "1", "--fact", "first-offence"],
            "--fact 'first-offence' is not NAME=VALUE",
        ),
        (
            ["authority", "late-fee-waiver", "--role", "rep", "--amount", "1", "--fact", "first-offence=maybe"],
            "must be yes or no",
        ),
        (
            ["authority", "late-fee-waiver", "--role", "rep", "--amount", "1", "--fact", "x=yes", "--fact", "x=no"],
            "both yes and no",
        ),
        (
            ["authority", "late-fee-waiver", "--role", "rep", "--amount", "1", "--used", "-1"],
            "--used '-1' must be a whole number",
        ),
        (
            ["authority", "late-fee-waiver", "--role", "rep", "--amount", "1", "--used", "once"],
            "must be a whole number",
        ),
    ],
)
def test_authority_bad_input_is_a_message_and_exit_1(library, capsys, argv, words):
    code, out, err = run(library, capsys, *argv)
    assert code == 1 and out == ""
    assert err.startswith("workaid: ") and words in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["authority", "late-fee-waiver", "--amount", "1"],
        ["authority", "late-fee-waiver", "--role", "rep"],
        ["authority"],
    ],
)
def test_authority_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        parse_args(argv)
    assert e.value.code == 2
    assert "required" in capsys.readouterr().err


def test_script_fully_filled_prints_the_text_and_exits_0(library, capsys):
    code, out, err = run(
        library,
        capsys,
        "script",
        "script-apology-rep",
        "--set",
        "customer_name=Ann Lee",
        "--set",
        "customer_issue=the double charge",
        "--set",
        "agent_name=Sam",
        "--set",
        "case_ref=WA-20418",
    )
    assert code == 0 and err == ""
    assert "\"Ann Lee, I'm sorry about the double charge." in out
    assert "under reference WA-20418" in out and "?]" not in out


def test_script_with_gaps_prints_markers_and_names_every_gap(library, capsys):
    code, out, err = run(
        library, capsys, "script", "script-apology-rep", "--set", "customer_name=Ann", "--set", "agent_name="
    )
    assert code == 1
    assert "I'm sorry about [customer_issue?]." in out and "I'm [agent_name?]," in out
    assert "3 placeholders left unfilled (shown as [name?]): customer_issue, agent_name, case_ref" in err
    assert "--set case_ref=…   The case reference, e.g. WA-20418" in err


def test_script_values_may_contain_equals_signs_and_braces(library, capsys):
    code, out, _ = run(
        library,
        capsys,
        "script",
        "script-abusive-final-warning",
        "--set",
        "customer_name=Ann {case_ref} =x",
    )
    assert code == 0 and "\"Ann {case_ref} =x, I've asked you to stop" in out


def test_script_unknown_placeholder_is_named_with_a_suggestion(library, capsys):
    code, out, err = run(library, capsys, "script", "script-abusive-final-warning", "--set", "customer=Ann")
    assert code == 1
    assert "'customer' is not a placeholder in script-abusive-final-warning (did you mean customer_name?)" in err
    assert "[customer_name?]" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["script", "no-such-card"], "no card with id 'no-such-card'"),
        (["script", "late-fee-waiver"], "card 'late-fee-waiver' is a guideline, not a script"),
        (["script", "script-apology-rep", "--set", "customer_name"], "--set 'customer_name' is not NAME=VALUE"),
    ],
)
def test_script_bad_input_is_a_message_and_exit_1(library, capsys, argv, words):
    code, out, err = run(library, capsys, *argv)
    assert code == 1 and out == "" and words in err


def test_cli_script_never_reads_the_internal_summary_to_the_customer(library, capsys, tmp_path):
    """Regression (issue 9, point 14): `workaid script` filled a site script's {issue_summary}
    into the words said to the customer; it asks for the customer's wording instead."""
    from tests.core.conftest import write_card

    folder = tmp_path / "site"
    write_card(
        folder,
        "old-apology.md",
        """
        ---
        id: old-apology
        kind: script
        title: An older site apology
        placeholders:
          issue_summary: What the call is about
        ---
        ## Say
        "I'm sorry about {issue_summary}."
        """,
    )
    library.import_folder(folder)
    code, out, err = run(library, capsys, "script", "old-apology", "--set", "issue_summary=threatens CEO complaint")
    assert "CEO" not in out and "[customer_issue?]" in out
    assert code == 1 and "customer_issue" in err
