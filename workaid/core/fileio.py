"""Writing files so that a crash or power cut leaves the old file or the new, never half."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

TEMP_SUFFIX = ".tmp"  # temp names are ".<name>.<random>.tmp": see is_temp_name
_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask. Linux reports it in /proc without changing it; elsewhere it
    is read by setting and restoring it, under a lock so two writers never race."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def default_file_mode() -> int:
    """What open() would give a new file: other OS users (desks reading a share) can
    read what the publisher writes unless the publisher's umask says otherwise."""
    return 0o666 & ~current_umask()


def is_temp_name(name: str) -> bool:
    """Whether `name` is one of atomic_write's temp files (left behind by a killed writer)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and name.count(".") >= 3


def atomic_write(path: Path | str, data: bytes | str, mode: int | None = None) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync, then rename.

    The file gets `mode`, or by default the umask's mode (0666 & ~umask, as open()
    would). The temp file is 0600 until then, so a private key (mode=0o600) is
    never readable by others, not even for a moment.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, default_file_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable where the platform allows it
        dfd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
