"""The desk's id on the share: random, stable, and telling nobody who sits at the desk.

The outbox folder of a desk is named by this id, so it must stay the same across
restarts (the owner counts desks, not starts) and must not be the OS user or host
name (the share is readable by every desk). It is 16 lowercase hex characters
(`secrets.token_hex(8)`), kept in DATA_DIR/desk-id, made on first need. A damaged
file is replaced by a new id: the desk then counts as a new one, which is the lesser
harm than guessing.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

from workaid.core.errors import EnvironmentProblem
from workaid.core.fileio import atomic_write

log = logging.getLogger("workaid.feedback")

FILE_NAME = "desk-id"
_ID_RE = re.compile(r"^[0-9a-f]{16}$")


def desk_id(data_dir: Path) -> str:
    """This desk's id, read from `data_dir`/desk-id or made and kept there."""
    path = Path(data_dir) / FILE_NAME
    try:
        found = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        found = None
    except (OSError, UnicodeDecodeError) as e:
        log.warning("desk id file %s cannot be read (%s); a new id replaces it", path, e)
        found = ""
    if found is not None and _ID_RE.match(found):
        return found
    if found is not None:
        log.warning("desk id file %s is damaged (not 16 hex characters); a new id replaces it", path)
    new = secrets.token_hex(8)
    try:
        atomic_write(path, new + "\n")
    except OSError as e:
        raise EnvironmentProblem(
            f"Cannot keep this desk's id in {path}: {e.strerror or e}. Check that the data folder can be written."
        ) from e
    try:  # two first starts at once: both return whichever id the last rename left
        kept = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        kept = new
    kept = kept if _ID_RE.match(kept) else new
    log.info("desk id %s made and kept in %s", kept, path)
    return kept
