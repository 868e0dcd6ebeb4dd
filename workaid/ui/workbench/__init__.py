"""The content owners' workbench (`workaid edit`): a source folder's cards, edited with
the rep's own view of them live beside the file (workaid.ui.workbench.window).

Nothing Qt is imported here, so the list's Qt-free parts (catalog) load anywhere.
"""

from __future__ import annotations

from pathlib import Path


def run(source_dir: Path, data_dir: Path, argv: list[str] | None = None) -> int:
    """Run the workbench on `source_dir` until its window closes; returns the exit code."""
    from workaid.ui.workbench.app import run as run_app

    return run_app(source_dir, data_dir, argv)
