from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from workaid.core.distribution.config import Config, describe, load_config
from workaid.core.errors import ConfigError, EnvironmentProblem

KEY = "workaid-ed25519 " + "A" * 43 + "="  # well-formed text; validity is keys.py's business


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def where(tmp_path):
    """Site and user file locations that are not the real machine's."""
    return {"site_path": tmp_path / "site" / "workaid.toml", "user_path": tmp_path / "user" / "workaid.toml", "env": {}}


def test_defaults_when_no_files_exist(where):
    cfg = load_config(**where)
    assert cfg.share is None and cfg.trusted_keys == () and cfg.poll_seconds == 60
    assert cfg.sources == {
        "share": "default",
        "trusted_keys": "default",
        "poll_seconds": "default",
        "author": "default",
        "source": "default",
        "key": "default",
        "telemetry": "default",
    }
    assert cfg.telemetry is True


def test_the_site_switches_telemetry_off_and_a_user_file_cannot_switch_it_back_on(where):
    site = write(where["site_path"], "telemetry = false\n")
    write(where["user_path"], "telemetry = true\n")
    cfg = load_config(**where)
    assert cfg.telemetry is False and cfg.sources["telemetry"] == f"site file {site}"
    assert "telemetry = false" in describe(cfg)


def test_telemetry_given_as_text_is_refused_with_the_setting_named(where):
    write(where["site_path"], 'telemetry = "no"\n')
    with pytest.raises(ConfigError, match="telemetry must be true or false"):
        load_config(**where)


def test_layering_order_and_sources(where, tmp_path):
    site = write(
        where["site_path"],
        f"""
        share = "/srv/workaid"
        trusted_keys = ["{KEY}"]
        poll_seconds = 300
    """,
    )
    user = write(where["user_path"], "poll_seconds = 30\n")
    cfg = load_config(**where)
    assert cfg.share == os.path.normpath("/srv/workaid")
    assert cfg.trusted_keys == (KEY,)
    assert cfg.poll_seconds == 30
    assert cfg.sources["share"] == f"site file {site}"
    assert cfg.sources["poll_seconds"] == f"user file {user}"

    cfg = load_config({"poll_seconds": 10, "share": None}, **where)
    assert cfg.poll_seconds == 10 and cfg.sources["poll_seconds"] == "command line"
    assert cfg.sources["share"] == f"site file {site}", "a None override means 'not given'"


def test_env_file_replaces_the_user_file(where, tmp_path):
    write(where["user_path"], "poll_seconds = 30\n")
    chosen = write(tmp_path / "elsewhere" / "my.toml", "share = 'https://content.example/workaid'\n")
    cfg = load_config(**{**where, "env": {"WORKAID_CONFIG": str(chosen)}})
    assert cfg.poll_seconds == 60, "the per-user file is not read when $WORKAID_CONFIG is set"
    assert cfg.share == "https://content.example/workaid", "URLs are not treated as paths"
    assert cfg.sources["share"] == f"$WORKAID_CONFIG {chosen}"


def test_env_naming_a_missing_file_is_an_error(where, tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"WORKAID_CONFIG.*nope\.toml.*does not exist"):
        load_config(**{**where, "env": {"WORKAID_CONFIG": str(missing)}})


def test_relative_paths_resolve_against_the_files_folder(where, tmp_path):
    site = write(
        where["site_path"],
        f"""
        share = "../share"
        trusted_keys = ["keys/publisher.pub", "{KEY}", "/abs/other.pub"]
    """,
    )
    cfg = load_config(**where)
    assert cfg.share == str(tmp_path / "share")
    assert cfg.trusted_keys == (str(site.parent / "keys" / "publisher.pub"), KEY, os.path.normpath("/abs/other.pub"))


def test_command_line_relative_paths_resolve_against_the_current_folder(where, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config({"share": "s", "trusted_keys": ["k.pub"], "poll_seconds": "15"}, **where)
    assert cfg.share == str(tmp_path / "s") and cfg.trusted_keys == (str(tmp_path / "k.pub"),)
    assert cfg.poll_seconds == 15


def test_a_higher_layer_replaces_the_key_list_and_can_unset_share(where):
    write(where["site_path"], f'share = "/srv/w"\ntrusted_keys = ["{KEY}", "/k/old.pub"]\n')
    write(where["user_path"], 'share = ""\ntrusted_keys = []\n')
    cfg = load_config(**where)
    assert cfg.share is None and cfg.trusted_keys == ()


def test_unknown_key_names_file_and_key_with_a_suggestion(where):
    site = write(where["site_path"], "pol_seconds = 30\n")
    with pytest.raises(ConfigError) as e:
        load_config(**where)
    msg = str(e.value)
    assert str(site) in msg and "'pol_seconds'" in msg and "Did you mean 'poll_seconds'?" in msg


def test_wrong_types_name_file_key_and_expected_type(where):
    user = write(where["user_path"], 'poll_seconds = "60"\n')
    with pytest.raises(ConfigError) as e:
        load_config(**where)
    assert str(user) in str(e.value) and "poll_seconds must be a whole number" in str(e.value)

    write(where["user_path"], "poll_seconds = true\n")
    with pytest.raises(ConfigError, match="poll_seconds must be a whole number"):
        load_config(**where)
    write(where["user_path"], "share = 5\n")
    with pytest.raises(ConfigError, match="share must be text"):
        load_config(**where)
    write(where["user_path"], 'trusted_keys = "a.pub"\n')
    with pytest.raises(ConfigError, match="trusted_keys must be a list"):
        load_config(**where)
    write(where["user_path"], "trusted_keys = [1]\n")
    with pytest.raises(ConfigError, match="trusted_keys entry 1 must be text"):
        load_config(**where)


@pytest.mark.parametrize("value", [4, 86401, -1])
def test_poll_seconds_out_of_range(where, value):
    write(where["user_path"], f"poll_seconds = {value}\n")
    with pytest.raises(ConfigError, match="between 5 and 86400"):
        load_config(**where)


def test_poll_seconds_bounds_are_allowed(where):
    write(where["user_path"], "poll_seconds = 5\n")
    assert load_config(**where).poll_seconds == 5
    assert load_config({"poll_seconds": 86400}, **where).poll_seconds == 86400


def test_bad_toml_names_the_file_and_line(where):
    site = write(where["site_path"], 'share = "/srv"\n\npoll_seconds 30\n')
    with pytest.raises(ConfigError) as e:
        load_config(**where)
    msg = str(e.value)
    assert str(site) in msg and "line 3" in msg and "poll_seconds 30" in msg


def test_a_broken_lower_layer_is_reported_even_when_overridden(where):
    write(where["site_path"], "share = [\n")
    write(where["user_path"], 'share = "/ok"\n')
    with pytest.raises(ConfigError, match="site"):
        load_config(**where)


def test_utf8_bom_is_accepted_and_non_utf8_is_named(where):
    where["user_path"].parent.mkdir(parents=True)
    where["user_path"].write_bytes(b"\xef\xbb\xbfpoll_seconds = 20\n")
    assert load_config(**where).poll_seconds == 20
    where["user_path"].write_bytes(b'share = "/caf\xe9"\n')
    with pytest.raises(ConfigError, match="line 1: not UTF-8"):
        load_config(**where)


def test_unknown_command_line_override_is_an_error(where):
    with pytest.raises(ConfigError, match="command line.*'shar'.*Did you mean 'share'"):
        load_config({"shar": "/x"}, **where)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_unreadable_file_is_an_environment_problem(where):
    site = write(where["site_path"], "poll_seconds = 30\n")
    site.chmod(0)
    try:
        with pytest.raises(EnvironmentProblem, match="not allowed to read the config file"):
            load_config(**where)
    finally:
        site.chmod(0o644)


def test_describe_shows_values_and_where_they_came_from(where):
    site = write(where["site_path"], f'share = "/srv/w"\ntrusted_keys = ["{KEY}"]\n')
    cfg = load_config({"poll_seconds": 90}, **where)
    text = describe(cfg)
    lines = text.splitlines()
    assert lines[0].startswith('share = "/srv/w"') and lines[0].endswith(f"# from site file {site}")
    assert lines[1].startswith(f'trusted_keys = ["{KEY}"]')
    assert lines[2].startswith("poll_seconds = 90") and lines[2].endswith("# from command line")
    assert f"user file {where['user_path']} (not present)" in text


def test_describe_defaults():
    text = describe(Config())
    assert 'share = ""' in text and "not set" in text and "poll_seconds = 60" in text and "# from default" in text


def test_source_is_a_folder_relative_to_its_config_file(where, tmp_path):
    write(where["user_path"], 'source = "cards"\n')
    cfg = load_config(**where)
    assert cfg.source == str(where["user_path"].parent / "cards")
    assert f"from user file {where['user_path']}" in describe(cfg).splitlines()[4]
    write(where["user_path"], "source = 3\n")
    with pytest.raises(ConfigError, match=r"source must be text"):
        load_config(**where)
    assert load_config(**{**where, "user_path": tmp_path / "none.toml"}).source is None


# -- site files: every XDG_CONFIG_DIRS entry, %PROGRAMDATA% on Windows ----------------


def test_every_xdg_config_dirs_entry_is_read_and_the_first_wins_per_setting(tmp_path):
    from workaid.core.distribution.config import site_config_paths

    a, b = tmp_path / "a", tmp_path / "b"
    write(a / "WorkAid" / "workaid.toml", "poll_seconds = 30\n")
    lower = write(b / "WorkAid" / "workaid.toml", f'poll_seconds = 300\nshare = "/srv/w"\ntrusted_keys = ["{KEY}"]\n')
    env = {"XDG_CONFIG_DIRS": f"{a}:{b}"}
    assert site_config_paths(env, "linux") == [a / "WorkAid" / "workaid.toml", lower]
    cfg = load_config(env=env, user_path=tmp_path / "user.toml")
    assert cfg.poll_seconds == 30, "the first entry (xdg-ubuntu on Ubuntu) overrides a later one"
    assert cfg.sources["poll_seconds"] == f"site file {a / 'WorkAid' / 'workaid.toml'}"
    assert cfg.share == "/srv/w" and cfg.sources["share"] == f"site file {lower}", "a later entry still counts"
    assert cfg.trusted_keys == (KEY,)
    lines = describe(cfg).splitlines()
    assert (
        f"#   site file {lower}: poll_seconds = 300 (overruled by site file {a / 'WorkAid' / 'workaid.toml'}); "
        in "\n".join(lines)
    )


def test_site_files_fall_back_to_etc_xdg_when_xdg_config_dirs_is_unset_or_empty():
    from workaid.core.distribution.config import site_config_paths

    fallback = [Path("/etc/xdg/WorkAid/workaid.toml")]
    assert site_config_paths({}, "linux") == fallback
    assert site_config_paths({"XDG_CONFIG_DIRS": ""}, "linux") == fallback
    assert site_config_paths({"XDG_CONFIG_DIRS": ":"}, "linux") == fallback


def test_relative_and_empty_xdg_entries_are_ignored_as_the_spec_says(tmp_path):
    from workaid.core.distribution.config import site_config_paths

    env = {"XDG_CONFIG_DIRS": f"relative/dir::{tmp_path}:./x:{tmp_path}/"}
    assert site_config_paths(env, "linux") == [tmp_path / "WorkAid" / "workaid.toml"]
    assert site_config_paths({"XDG_CONFIG_DIRS": "only/relative"}, "linux") == [Path("/etc/xdg/WorkAid/workaid.toml")]


def test_windows_site_file_is_under_programdata():
    from workaid.core.distribution.config import site_config_paths

    (path,) = site_config_paths({"PROGRAMDATA": r"C:\ProgramData", "XDG_CONFIG_DIRS": "/ignored"}, "win32")
    assert str(path) == r"C:\ProgramData\WorkAid\workaid.toml"


def test_telemetry_off_in_a_later_site_file_still_wins_over_an_earlier_one_and_the_user(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a / "WorkAid" / "workaid.toml", "telemetry = true\n")
    lower = write(b / "WorkAid" / "workaid.toml", "telemetry = false\n")
    user = write(tmp_path / "user.toml", "telemetry = true\n")
    cfg = load_config(env={"XDG_CONFIG_DIRS": f"{a}:{b}"}, user_path=user)
    assert cfg.telemetry is False and cfg.sources["telemetry"] == f"site file {lower}"
    assert f"user file {user}: telemetry = true (overruled by site file {lower})" in describe(cfg)


def test_config_flag_is_labelled_as_the_flag_not_the_environment_variable(tmp_path, monkeypatch):
    from workaid.core.distribution import config

    monkeypatch.setattr(config, "_flag_file", None)
    # setenv first: delenv of an unset variable records nothing to undo, and use_config_file
    # below sets it, which would leak into every later test's subprocesses.
    monkeypatch.setenv("WORKAID_CONFIG", "unset-after-the-test")
    monkeypatch.delenv("WORKAID_CONFIG")
    chosen = write(tmp_path / "chosen.toml", "poll_seconds = 45\n")
    user = write(tmp_path / "user.toml", "poll_seconds = 30\n")
    config.use_config_file(chosen)
    assert os.environ["WORKAID_CONFIG"] == str(chosen), "processes WorkAid starts read the same file"
    cfg = load_config(site_path=tmp_path / "none.toml", user_path=user)
    assert cfg.poll_seconds == 45 and cfg.sources["poll_seconds"] == f"--config file {chosen}"
    assert f"user file {user} (not read: --config names another file)" in describe(cfg)
    chosen.unlink()
    with pytest.raises(ConfigError, match=r"--config names the config file .*chosen\.toml"):
        load_config(site_path=tmp_path / "none.toml", user_path=user)


def test_env_file_is_labelled_as_the_environment_variable_and_the_user_file_as_not_read(where, tmp_path):
    chosen = write(tmp_path / "env.toml", "poll_seconds = 45\n")
    cfg = load_config(**{**where, "env": {"WORKAID_CONFIG": str(chosen)}})
    assert cfg.sources["poll_seconds"] == f"$WORKAID_CONFIG {chosen}"
    assert f"user file {where['user_path']} (not read: $WORKAID_CONFIG names another file)" in describe(cfg)
