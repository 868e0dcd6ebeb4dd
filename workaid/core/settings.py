"""User preferences: one declarative registry, stored as JSON in the data dir.

Every setting is declared once here with its type, default and help, so the
preferences file, the CLI and the UI agree, and a bad value in the file falls back
to the default with a logged warning instead of breaking start-up.
"""

from __future__ import annotations

import binascii
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from workaid.core.fileio import atomic_write

log = logging.getLogger("workaid.settings")


# A preferences file is a few kB; anything far larger is not ours and is not parsed.
MAX_FILE_BYTES = 1_000_000


class Setting(NamedTuple):
    name: str
    type: type
    default: Any
    help: str
    # The problem with a value of the right type ("must be 1 to 50"), or None: a value
    # out of range in the file is dropped with a log line, like one of the wrong type.
    check: Callable[[Any], str | None] | None = None

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            return f"must be {self.type.__name__}, not {type(value).__name__}"
        return self.check(value) if self.check else None


def in_range(low: int, high: int) -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"must be from {low} to {high}"


def qt_state(value: str) -> str | None:
    """Window layouts are Qt's bytes in base64; other text would reach Qt as garbage."""
    if not value:
        return None
    try:
        binascii.a2b_base64(value.encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        return "is not base64"
    return None if len(value) <= 100_000 else "is too long"


ZOOM_STEPS = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)


def zoom_check(value: int) -> str | None:
    return None if value in ZOOM_STEPS else f"must be one of {', '.join(map(str, ZOOM_STEPS))}"


def places_check(value: str) -> str | None:
    """A JSON object of screen keys to base64 geometries, small."""
    if not value:
        return None
    if len(value) > 50_000:
        return "is too long"
    try:
        data = json.loads(value)
    except ValueError:
        return "is not JSON"
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return "is not an object of screen keys to geometries"
    return next((f"has {k!r} {qt_state(v)}" for k, v in data.items() if qt_state(v)), None)


REGISTRY: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("window.geometry", str, "", "Main window position and size (Qt geometry, base64).", qt_state),
        Setting("window.state", str, "", "Main window state (Qt, base64).", qt_state),
        Setting("window.splitter", str, "", "Sizes of the results/card splitter (Qt, base64).", qt_state),
        Setting(
            "window.splitter_narrow",
            str,
            "",
            "Sizes of the results/card splitter when the window is narrow and the card sits under the results (Qt, base64).",
            qt_state,
        ),
        Setting(
            "window.places",
            str,
            "",
            "Where the window was on each monitor set-up it was used with (JSON: screen key to Qt geometry).",
            places_check,
        ),
        Setting("window.on_top", bool, False, "Keep the window above the phone system and other windows."),
        Setting("window.compact", bool, False, "Compact mode: a narrow strip, the search box and the card."),
        Setting("window.zoom", int, 100, "Text size in percent (Ctrl+= / Ctrl+- / Ctrl+0).", zoom_check),
        Setting(
            "window.theme",
            str,
            "system",
            "Light or dark: 'system' follows the desktop, or 'light' / 'dark'.",
            lambda v: None if v in ("system", "light", "dark") else "must be system, light or dark",
        ),
        Setting("search.limit", int, 50, "How many results a search shows at most (1 to 50).", in_range(1, 50)),
        Setting("search.kind", str, "", "Kind filter last chosen ('' for all kinds)."),
        Setting(
            "desk.role",
            str,
            "rep",
            "Your role for the authority check on cards with discretion limits (rep, senior-rep, supervisor, manager).",
        ),
    )
}


class Settings:
    """Typed access to the preferences file; writes are atomic."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES:,} bytes")
            raw = json.loads(data.decode("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError, RecursionError) as e:  # RecursionError: nested thousands deep
            log.warning(
                "preferences file %s unreadable (%s); using defaults",
                self.path,
                type(e).__name__ if isinstance(e, RecursionError) else e,
            )
            return
        if not isinstance(raw, dict):
            log.warning(
                "preferences file %s holds no settings (a JSON %s); using defaults", self.path, type(raw).__name__
            )
            return
        for name, value in raw.items():
            spec = REGISTRY.get(name)
            if spec is None:
                continue
            problem = spec.problem(value)
            if problem is None:
                self._values[name] = value
            else:
                log.warning("preference %s %s (found %.80r); using the default %r", name, problem, value, spec.default)

    def get(self, name: str) -> Any:
        return self._values.get(name, REGISTRY[name].default)

    def set(self, name: str, value: Any) -> None:
        spec = REGISTRY[name]
        if not isinstance(value, spec.type):
            raise TypeError(f"setting {name} takes {spec.type.__name__}, not {type(value).__name__}")
        problem = spec.problem(value)
        if problem:
            raise ValueError(f"setting {name} {problem}, not {value!r}")
        self._values[name] = value

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self._values, indent=2, sort_keys=True))
