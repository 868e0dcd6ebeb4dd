from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workaid.core.content.library import Library

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"


def write_card(folder: Path, rel: str, text: str) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """A data dir holding the bundled pack, built once per test session."""
    data = tmp_path_factory.mktemp("bundled-data")
    lib = Library(data, bundled=CONTENT)
    lib.load_bundled()
    lib.close()
    return data


@pytest.fixture
def library(bundled_db, tmp_path) -> Library:
    """A private copy of the bundled database for one test."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(bundled_db, data)
    lib = Library(data, bundled=CONTENT)
    yield lib
    lib.close()
