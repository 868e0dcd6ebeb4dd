"""Logging: one named logger per subsystem (workaid.store, workaid.search, workaid.ui …),
all into one rotating file in the data dir that IT can ask for."""

from __future__ import annotations

import logging
from pathlib import Path

_configured: Path | None = None


def log_file(data_dir: Path) -> Path:
    """The log file setup() writes to: data_dir/logs/workaid.log."""
    return data_dir / "logs" / "workaid.log"


def setup(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send every workaid.* logger to data_dir/logs/workaid.log (5 × 1 MB kept)."""
    # Lazy: logging.handlers brings socket, pickle, queue …, which the GUI does not
    # want before its window is painted.
    import logging.handlers

    global _configured
    path = log_file(data_dir)
    if _configured == path:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    import os

    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        # Else the first record, much later, prints a "Logging error" traceback.
        import errno

        raise PermissionError(errno.EACCES, "the log folder is read-only for this user", str(path))
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("workaid")
    for h in list(root.handlers):
        if getattr(h, "_workaid", False):
            root.removeHandler(h)
            h.close()
    handler._workaid = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _configured = path
    return path
