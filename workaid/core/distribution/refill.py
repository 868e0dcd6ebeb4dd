"""A desk's library that, after its content database was found damaged, refills from
the configured shared folder (a full, verified sync) before falling back to the
bundled pack. The content wing knows nothing of shares; this is where the two meet.
"""

from __future__ import annotations

from pathlib import Path

from workaid.core.content.library import Library
from workaid.core.content.store import ImportReport
from workaid.core.errors import WorkAidError, first_line


def open_library(data_dir: Path | str, bundled: Path | None = None) -> Library:
    """The library the CLI and the window open: a damaged database is rebuilt from the
    share when one is configured."""
    return Library(data_dir, bundled, refill=refill_from_share)


def refill_from_share(library: Library) -> tuple[str, ImportReport] | None:
    """A full sync from the configured share into a fresh store; None with no share
    configured; WorkAidError saying why when the configuration or the share cannot be read."""
    from workaid.core.distribution.config import load_config

    try:
        config = load_config()
    except WorkAidError as e:
        raise WorkAidError(f"the configuration cannot be read: {e}") from e
    share = config.share
    if not share:
        return None
    from workaid.core.distribution.share import open_share
    from workaid.core.distribution.sync import Syncer, trusted_keys

    try:
        result = Syncer(library, open_share(share), trusted_keys(config.trusted_keys)).sync_once()
    except WorkAidError as e:
        raise WorkAidError(f"the shared folder {share} is unreachable: {first_line(e)}") from e
    how = f"rebuilt from the shared folder {share} (serial {result.serial})"
    return how, ImportReport(result.added, result.updated, result.removed, 0)
