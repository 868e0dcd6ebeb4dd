"""The CLI as support staff and scripts use it: real processes, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.core.conftest import ROOT, write_card


def workaid(*args: str, data) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workaid", "--data-dir", str(data), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_search_json_lists_ranked_results_from_the_bundled_pack(tmp_path):
    out = workaid("search", "late", "fee", "--json", data=tmp_path)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert results[0]["id"] == "late-fee-waiver"
    assert {"id", "title", "kind", "snippet"} <= set(results[0])


def test_search_prints_a_suggestion_for_a_misspelt_word(tmp_path):
    out = workaid("search", "escaltion", data=tmp_path)
    assert out.returncode == 0
    assert "Did you mean: escalation?" in out.stdout
    assert "escalation" in out.stdout.lower()
    out = workaid("search", "escaltion", "--json", data=tmp_path)
    assert "Did you mean: escalation?" in out.stderr and json.loads(out.stdout)


def test_import_rejects_bad_folder_whole_and_names_file_and_line(tmp_path):
    src = tmp_path / "src"
    write_card(src, "good.md", "---\nid: good\ntitle: Good card\n---\nBody\n")
    write_card(src, "bad.md", "---\nid: bad\ntitle: Bad\nreveiw_by: 2027-01-01\n---\n")
    out = workaid("import", str(src), data=tmp_path / "d")
    assert out.returncode == 1
    assert f"{src / 'bad.md'}:4 — unknown key 'reveiw_by'" in out.stderr
    assert "Nothing was loaded" in out.stderr
    # The desk still has what it had: the bundled pack.
    assert json.loads(workaid("search", "good", "card", "--json", data=tmp_path / "d").stdout)[0]["id"] != "good"
    (src / "bad.md").unlink()
    out = workaid("import", str(src), data=tmp_path / "d")
    assert out.returncode == 0 and "Loaded 1 cards" in out.stdout


def test_check_validates_without_loading(tmp_path):
    out = workaid("check", str(ROOT / "content"), data=tmp_path)
    assert out.returncode == 0 and "0 rejected" in out.stdout
    assert not (tmp_path / "content.db").exists()
    out = workaid("check", str(tmp_path / "missing"), data=tmp_path)
    assert out.returncode == 1 and "not a folder" in out.stderr


def test_show_and_history(tmp_path):
    out = workaid("show", "late-fee-waiver", data=tmp_path)
    assert out.returncode == 0 and "# Waiving a late-payment fee" in out.stdout
    out = workaid("history", "late-fee-waiver", data=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("v1")
    out = workaid("show", "no-such-card", data=tmp_path)
    assert out.returncode == 1 and "no card with id" in out.stderr


def test_data_dir_from_environment(tmp_path):
    env = {**__import__("os").environ, "WORKAID_DATA_DIR": str(tmp_path / "envdata")}
    out = subprocess.run(
        [sys.executable, "-m", "workaid", "search", "refund"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0 and (tmp_path / "envdata" / "content.db").exists()


def test_every_command_in_the_help_has_its_own_help_and_runs_somewhere(capsys):
    """The one-line table of `workaid --help` and the commands that really run stay in
    step: each listed command parses its own --help, and has something to run it."""
    from workaid import cli, cli_authoring, cli_doctor, cli_escalation, cli_feedback

    for command in cli.COMMAND_HELP:
        with pytest.raises(SystemExit) as e:
            cli.parse_args([command, "--help"])
        assert e.value.code == 0
        assert f"usage: workaid {command}" in capsys.readouterr().out
        # gui, edit and check run before logging is set up (main); the rest go through a table.
        assert command in ("gui", "edit", "check") or any(
            command in table
            for table in (
                cli._COMMANDS,
                cli_escalation.COMMANDS,
                cli_authoring.COMMANDS,
                cli_feedback.COMMANDS,
                cli_doctor.COMMANDS,
            )
        )


def test_config_shows_the_data_and_log_folders_and_labels_the_config_flag(tmp_path):
    chosen = tmp_path / "chosen.toml"
    chosen.write_text("poll_seconds = 45\n", encoding="utf-8")
    out = workaid("--config", str(chosen), "config", data=tmp_path / "d")
    assert out.returncode == 0, out.stderr
    assert f"poll_seconds = 45    # from --config file {chosen}" in out.stdout
    assert "$WORKAID_CONFIG" not in out.stdout.replace("not read: --config", "")
    assert f"# data folder: {tmp_path / 'd'}    # from --data-dir" in out.stdout
    assert f"# log file:    {tmp_path / 'd' / 'logs' / 'workaid.log'}" in out.stdout
