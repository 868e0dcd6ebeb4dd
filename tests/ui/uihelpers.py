"""Small helpers shared by the UI tests."""

from __future__ import annotations

from pathlib import Path

CONTENT = Path(__file__).resolve().parents[2] / "content"


def type_slowly(qtbot, widget, text: str) -> None:
    """Type like a person: one key at a time, letting the event loop run in between."""
    for ch in text:
        qtbot.keyClicks(widget, ch)
        qtbot.wait(1)


def result_ids(window) -> list[str]:
    from workaid.ui.models import ResultsModel

    m = window.model
    return [m.data(m.index(r, 0), ResultsModel.IdRole) for r in range(m.rowCount())]
