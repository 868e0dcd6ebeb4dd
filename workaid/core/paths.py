"""Where WorkAid keeps things: the per-user data dir and the bundled content pack."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "WorkAid"
DATA_DIR_ENV = "WORKAID_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir beats $WORKAID_DATA_DIR beats the platform's per-user data folder."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def bundled_content_dir() -> Path:
    """The default content pack shipped with the app (source tree or frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "content"
    return Path(__file__).resolve().parents[2] / "content"


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
