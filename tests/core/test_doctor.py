"""`workaid doctor`'s Qt-free checks on a healthy desk, a fresh one, and each fault IT meets."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from tests.core.share_rig import rig  # noqa: F401  (fixture)
from workaid.core.content.store import DB_NAME
from workaid.core.distribution import keys
from workaid.core.doctor import problems, run_checks


def by_name(checks):
    return {c.name: c for c in checks}


def config_env(tmp_path, text: str) -> dict[str, str]:
    """The environment doctor reads: one chosen config file, no site file of the machine's."""
    path = tmp_path / "conf" / "workaid.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return {"WORKAID_CONFIG": str(path), "XDG_CONFIG_DIRS": str(tmp_path / "no-site")}


def share_config(rig, tmp_path, pub=None) -> dict[str, str]:
    pub = pub or (tmp_path / "keys" / "publisher.pub")
    return config_env(tmp_path, f'share = "{rig.share}"\ntrusted_keys = ["{pub}"]\n')


def test_a_healthy_desk_passes_every_check_and_shows_share_and_database(rig, tmp_path):
    checks = by_name(run_checks(rig.desk.data_dir, env=share_config(rig, tmp_path)))
    assert problems(list(checks.values())) == []
    serial = rig.serial()
    assert f"serial {serial}," in checks["share"].detail and "up to date" in checks["share"].detail
    assert "signed by trusted key" in checks["share"].detail and "manifest matches" in checks["share"].detail
    db = checks["content database"].detail
    assert "integrity ok" in db and f"serial {serial};" in db and "schema version" in db
    assert f"$WORKAID_CONFIG {tmp_path / 'conf' / 'workaid.toml'}: share = " in checks["configuration"].detail
    assert "SQLite 3." in checks["SQLite"].detail and "FTS5" in checks["SQLite"].detail


def test_a_fresh_desk_is_healthy_and_doctor_creates_nothing(tmp_path):
    data = tmp_path / "never-ran"
    checks = run_checks(data, env=config_env(tmp_path, ""))
    assert problems(checks) == []
    named = by_name(checks)
    assert "not created yet" in named["data folder"].detail
    assert "none configured" in named["share"].detail
    assert "none yet" in named["content database"].detail
    assert not data.exists(), "doctor only looks: no data folder, database or log made"


def test_share_missing_is_a_problem_named_with_its_path(rig, tmp_path):
    shutil.rmtree(rig.share)
    checks = run_checks(rig.desk.data_dir, env=share_config(rig, tmp_path))
    (problem,) = problems(checks)
    assert str(rig.share) in problem and "not reachable" in problem


def test_share_signed_by_an_untrusted_key_is_a_problem(rig, tmp_path):
    _, other = keys.generate(tmp_path / "other")
    checks = run_checks(rig.desk.data_dir, env=share_config(rig, tmp_path, pub=other))
    (problem,) = problems(checks)
    assert "not signed by a trusted publisher key" in problem


def test_share_pointer_altered_after_signing_is_a_bad_signature(rig, tmp_path):
    pointer = json.loads((rig.share / "current.json").read_text())
    pointer["serial"] = 99
    (rig.share / "current.json").write_text(json.dumps(pointer))
    (problem,) = problems(run_checks(rig.desk.data_dir, env=share_config(rig, tmp_path)))
    assert "not signed by a trusted publisher key" in problem


def test_share_configured_without_trusted_keys_is_a_problem(rig, tmp_path):
    (problem,) = problems(run_checks(rig.desk.data_dir, env=config_env(tmp_path, f'share = "{rig.share}"\n')))
    assert "no trusted_keys" in problem


def test_damaged_content_db_is_reported_and_left_where_it_is(bundled_db, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    db = data / DB_NAME
    raw = bytearray(db.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    raw[page * 2 : page * 6] = b"\xa5" * (page * 4)  # scribble over index and table pages
    db.write_bytes(bytes(raw))
    checks = run_checks(data, env=config_env(tmp_path, ""))
    (problem,) = problems(checks)
    assert "content database" in problem and "damaged" in problem and str(db) in problem
    assert db.read_bytes() == bytes(raw), "doctor neither repairs nor sets the file aside"
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(DB_NAME)) == [DB_NAME]


def test_a_file_that_is_not_a_database_is_damaged(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    (problem,) = problems(run_checks(data, env=config_env(tmp_path, "")))
    assert "damaged" in problem


def test_config_file_with_a_typo_is_a_problem_naming_file_and_setting(tmp_path):
    env = config_env(tmp_path, 'shar = "/srv/workaid"\n')
    checks = by_name(run_checks(tmp_path / "data", env=env))
    assert not checks["configuration"].ok
    problem = checks["configuration"].problem
    assert env["WORKAID_CONFIG"] in problem and "'shar'" in problem and "Did you mean 'share'?" in problem
    assert checks["share"].ok and "not checked" in checks["share"].detail, "one fault, named once"
    assert env["WORKAID_CONFIG"] in checks["configuration"].detail


def test_window_child_that_aborts_is_reported_with_qts_last_words(monkeypatch):
    from workaid import cli_doctor

    fake = "import sys; sys.stderr.write('qt.qpa.plugin: Could not load the Qt platform plugin\\n'); sys.exit(134)"
    monkeypatch.setattr(cli_doctor, "self_command", lambda: [sys.executable, "-c", fake])
    check = cli_doctor.window_in_child(timeout=60)
    assert not check.ok
    assert "exit code 134" in check.problem and "Could not load the Qt platform plugin" in check.problem


@pytest.mark.parametrize("flag, expected", [("/x", "--data-dir"), (None, "default")])
def test_data_folder_says_where_its_location_came_from(tmp_path, flag, expected):
    from workaid.core.doctor import data_dir_source

    assert data_dir_source(flag, {}).startswith(expected)
    assert data_dir_source(None, {"WORKAID_DATA_DIR": "/d"}) == "$WORKAID_DATA_DIR"
