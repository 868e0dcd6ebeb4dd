"""User preferences: one declarative registry, stored as JSON in the data dir.

Every setting is declared once here with its type, default and help, so the
preferences file, the CLI and the UI agree, and a bad value in the file falls back
to the default with a logged warning instead of breaking start-up.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, NamedTuple

from workaid.core.fileio import atomic_write

log = logging.getLogger("workaid.settings")


class Setting(NamedTuple):
    name: str
    type: type
    default: Any
    help: str


REGISTRY: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("window.geometry", str, "", "Main window position and size (Qt geometry, base64)."),
        Setting("window.state", str, "", "Main window state (Qt, base64)."),
        Setting("window.splitter", str, "", "Sizes of the results/card splitter (Qt, base64)."),
        Setting(
            "window.splitter_narrow",
            str,
            "",
            "Sizes of the results/card splitter when the window is narrow and the card sits under the results (Qt, base64).",
        ),
        Setting("search.limit", int, 50, "How many results a search shows at most."),
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
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as e:
            log.warning("preferences file %s unreadable (%s); using defaults", self.path, e)
            return
        if not isinstance(raw, dict):
            return
        for name, value in raw.items():
            spec = REGISTRY.get(name)
            if spec and isinstance(value, spec.type) and not (spec.type is int and isinstance(value, bool)):
                self._values[name] = value
            elif spec:
                log.warning("preference %s has a bad value %r; using the default", name, value)

    def get(self, name: str) -> Any:
        return self._values.get(name, REGISTRY[name].default)

    def set(self, name: str, value: Any) -> None:
        spec = REGISTRY[name]
        if not isinstance(value, spec.type):
            raise TypeError(f"setting {name} takes {spec.type.__name__}, not {type(value).__name__}")
        self._values[name] = value

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self._values, indent=2, sort_keys=True))
