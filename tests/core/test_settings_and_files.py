from __future__ import annotations

import json
import os

import pytest

from workaid.core.fileio import atomic_write
from workaid.core.settings import REGISTRY, Settings


def test_settings_round_trip_and_defaults(tmp_path):
    s = Settings(tmp_path / "prefs.json")
    assert s.get("search.limit") == REGISTRY["search.limit"].default
    s.set("search.kind", "script")
    s.save()
    assert Settings(tmp_path / "prefs.json").get("search.kind") == "script"


def test_bad_values_in_the_file_fall_back_to_defaults(tmp_path):
    (tmp_path / "prefs.json").write_text(json.dumps({"search.limit": "many", "unknown": 1, "search.kind": "script"}))
    s = Settings(tmp_path / "prefs.json")
    assert s.get("search.limit") == 50 and s.get("search.kind") == "script"
    (tmp_path / "prefs.json").write_text("{not json")
    assert Settings(tmp_path / "prefs.json").get("search.kind") == ""


def test_setting_a_wrong_type_is_refused(tmp_path):
    with pytest.raises(TypeError):
        Settings(tmp_path / "p.json").set("search.limit", "x")


def test_atomic_write_leaves_no_temp_files_and_replaces_whole(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    atomic_write(target, "one")
    atomic_write(target, b"two")
    assert target.read_text() == "two"
    assert os.listdir(target.parent) == ["f.txt"]
