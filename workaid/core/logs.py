"""Logging: one named logger per subsystem (workaid.store, workaid.search, workaid.ui …),
all into one rotating file in the data dir that IT can ask for."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_configured: Path | None = None


def setup(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send every workaid.* logger to data_dir/logs/workaid.log (5 × 1 MB kept)."""
    global _configured
    log_dir = data_dir / "logs"
    log_file = log_dir / "workaid.log"
    if _configured == log_file:
        return log_file
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("workaid")
    for h in list(root.handlers):
        if getattr(h, "_workaid", False):
            root.removeHandler(h)
            h.close()
    handler._workaid = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _configured = log_file
    return log_file
