"""Reading the shared folder: the one small interface sync goes through.

Everything about the share is untrusted and may misbehave: files may be missing,
huge, endless, half-written, or the mount may hang. So every read is capped, every
read has a time limit, and only names built by WorkAid itself (from a verified hash)
are ever opened. Another source (HTTP(S), object storage via fsspec) only has to
implement `ShareSource.read`.
"""

from __future__ import annotations

import concurrent.futures
import errno
import functools
import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from workaid.core.errors import EnvironmentProblem

log = logging.getLogger("workaid.share")

POINTER = "current.json"
MAX_POINTER_BYTES = 64 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
SHA_RE = re.compile(r"^[0-9a-f]{64}$")

T = TypeVar("T")


class ShareMissing(EnvironmentProblem):
    """The share (or a file on it) is not there: offline, unmounted, or never published."""


class ShareTooLarge(EnvironmentProblem):
    """A file on the share is larger than anything WorkAid would publish."""


def object_name(sha256: str) -> str:
    """The only way an object's name is made: from a verified hex digest, never from the share."""
    if not SHA_RE.match(sha256):
        raise ValueError(f"not a sha256 digest: {sha256!r}")
    return f"objects/{sha256[:2]}/{sha256}"


def manifest_name(serial: int) -> str:
    if not isinstance(serial, int) or isinstance(serial, bool) or serial < 1:
        raise ValueError(f"not a serial: {serial!r}")
    return f"manifests/{serial}.json"


def delta_name(serial: int) -> str:
    return "deltas/" + manifest_name(serial).split("/", 1)[1]


class ShareSource(Protocol):
    """Where packs come from. `read` returns at most `cap` bytes or raises."""

    location: str

    def read(self, name: str, cap: int) -> bytes: ...


class _DaemonPool:
    """Worker threads that never block interpreter exit (a ThreadPoolExecutor joins its
    threads at exit, so one read stuck on a hung mount would hang WorkAid's exit).

    At most `max_threads` exist: a thread stuck on a hung mount is abandoned, not
    replaced without limit, so a desk polling a dead share for days holds a fixed
    number of threads; further work waits in the queue and its caller times out.
    """

    def __init__(self, size: int, max_threads: int = 16) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._threads = 0
        self._size = size
        self._max = max(size, max_threads)

    @property
    def threads(self) -> int:
        return self._threads

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((future, fn, args))
        with self._lock:
            if self._idle > 0:
                self._idle -= 1
            elif self._threads < self._max:  # every thread busy (or stuck): add one, up to the cap
                self._threads += 1
                threading.Thread(target=self._work, name="share-io", daemon=True).start()
        return future

    def _work(self) -> None:
        while True:
            future, fn, args = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as e:  # handed to the caller, who decides
                    future.set_exception(e)
            with self._lock:
                if self._idle >= self._size:
                    self._threads -= 1
                    return
                self._idle += 1


class FolderShare:
    """A pack on a file share (SMB/NFS mount, a synced folder, a local path).

    Reads run on a helper thread so a hung mount costs the caller `timeout` seconds,
    not forever; the stuck thread is abandoned (it is a daemon), and the same file is
    never read by two stuck threads at once.
    """

    _pool = _DaemonPool(size=4, max_threads=16)
    _inflight: ClassVar[dict[tuple[str, int], Future[bytes]]] = {}
    _inflight_lock = threading.RLock()  # a done callback may run inside read()

    def __init__(self, root: Path | str, timeout: float = 10.0) -> None:
        self.root = Path(root)
        self.location = str(self.root)
        self.timeout = timeout
        self.bytes_read = 0
        self.reads = 0
        self._count = threading.Lock()  # reads run on several threads

    def _check_name(self, name: str) -> Path:
        parts = name.split("/")
        if name.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in name or "\x00" in name:
            raise ValueError(f"refusing to open {name!r} on the share")
        return self.root.joinpath(*parts)

    def _read(self, path: Path, cap: int) -> bytes:
        if not self.root.is_dir():
            raise ShareMissing(f"The shared folder {self.root} is not reachable (offline or not mounted).")
        # O_NOFOLLOW: a symlink planted on the share is refused, not followed.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            raise ShareMissing(f"{path} is missing on the shared folder.") from None
        except PermissionError:
            raise EnvironmentProblem(f"No permission to read {path} on the shared folder.") from None
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise EnvironmentProblem(
                    f"{path} on the shared folder is a link; WorkAid does not follow links there."
                ) from None
            raise EnvironmentProblem(f"Cannot read {path} on the shared folder: {e.strerror}.") from None
        try:
            chunks, total = [], 0
            while total <= cap:
                chunk = os.read(fd, min(1 << 20, cap + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
        with self._count:
            self.reads += 1
            self.bytes_read += total
        if total > cap:
            raise ShareTooLarge(f"{path} on the shared folder is larger than {cap:,} bytes; refusing it.")
        return b"".join(chunks)

    def read(self, name: str, cap: int) -> bytes:
        path = self._check_name(name)
        key = (str(path), cap)
        with FolderShare._inflight_lock:
            # A read of the same file still in flight (stuck on a FIFO or a hung mount)
            # is joined, not repeated: a poll every minute must not strand a thread each time.
            future = FolderShare._inflight.get(key)
            if future is None:
                future = self._pool.submit(self._read, path, cap)
                FolderShare._inflight[key] = future
                future.add_done_callback(functools.partial(FolderShare._forget, key))
        return self._wait(future)

    def call(self, fn: Callable[..., T], *args: object) -> T:
        """Run another operation on the share (a listing, a write, the publish lock) with
        the same time limit and message as a read: publish and checkout hang no longer
        than sync does."""
        return self._wait(self._pool.submit(fn, *args))

    def _wait(self, future: Future[T]) -> T:
        try:
            return future.result(timeout=self.timeout)
        except (concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
            future.cancel()  # still queued behind stuck reads: never start it
            raise EnvironmentProblem(
                f"The shared folder {self.root} did not answer within {self.timeout:g} s; will try again."
            ) from None

    @staticmethod
    def _forget(key: tuple[str, int], future: Future[bytes]) -> None:
        with FolderShare._inflight_lock:
            if FolderShare._inflight.get(key) is future:
                del FolderShare._inflight[key]


def open_share(location: str, timeout: float = 10.0) -> ShareSource:
    """The share named in configuration. Only folders today; a URL scheme would map to
    another ShareSource here (see README, 'Beyond one share')."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", location, re.I) and not location.lower().startswith("file://"):
        raise EnvironmentProblem(f"Share {location!r}: only folder paths are supported in this version.")
    if location.lower().startswith("file://"):
        location = location[7:]
    return FolderShare(Path(location).expanduser(), timeout=timeout)
