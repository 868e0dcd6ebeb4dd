"""`workaid doctor` end to end: the offscreen window check, and the command as IT runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from workaid.ui.selftest import QUERY, qt_check, window_check

ROOT = Path(__file__).resolve().parents[2]


def test_window_check_opens_searches_and_renders_a_card(tmp_path, qapp):
    check = window_check(tmp_path / "data", timeout_s=60)
    assert check.ok, check.problem
    assert f"searched “{QUERY}”" in check.detail and "rendered “" in check.detail
    assert (tmp_path / "data" / "content.db").exists(), "the window filled the folder it was given"


def test_qt_check_names_the_versions():
    check = qt_check()
    assert check.ok, check.problem
    assert check.detail.startswith("Qt 6.") and "PySide6 6." in check.detail


def doctor(tmp_path: Path, config: str, *args: str) -> subprocess.CompletedProcess:
    conf = tmp_path / "workaid.toml"
    conf.write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-m", "workaid", "--data-dir", str(tmp_path / "data"), "--config", str(conf), "doctor", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_doctor_on_a_fresh_desk_without_a_display_exits_0(tmp_path):
    out = doctor(tmp_path, "")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "All checks passed" in out.stdout and "Problems" not in out.stdout
    for name in ("WorkAid", "Qt", "SQLite", "data folder", "log file", "configuration", "share", "content database"):
        assert f"ok   {name}" in out.stdout
    assert f"--config file {tmp_path / 'workaid.toml'}" in out.stdout
    assert "platform offscreen" in out.stdout and "rendered “" in out.stdout
    assert not (tmp_path / "data").exists(), "the window ran on a copy, never in the user's data folder"


def test_doctor_with_a_missing_share_exits_1_and_names_it_last(tmp_path):
    from workaid.core.distribution import keys

    _, pub = keys.generate(tmp_path / "keys")
    missing = tmp_path / "gone"
    out = doctor(tmp_path, f'share = "{missing}"\ntrusted_keys = ["{pub}"]\n', "--no-window")
    assert out.returncode == 1, out.stdout + out.stderr
    tail = out.stdout.strip().splitlines()
    assert tail[-2] == "Problems:"
    assert str(missing) in tail[-1] and "not reachable" in tail[-1]


def test_doctor_json_lists_every_check_and_the_problems(tmp_path):
    out = doctor(tmp_path, "shar = 1\n", "--json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is False
    names = [c["name"] for c in report["checks"]]
    assert names[-1] == "window" and "configuration" in names
    assert [c["ok"] for c in report["checks"] if c["name"] == "window"] == [True], "the window works regardless"
    (problem,) = report["problems"]
    assert "'shar'" in problem and "Did you mean 'share'?" in problem
