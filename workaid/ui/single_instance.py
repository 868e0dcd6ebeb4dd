"""One WorkAid window per user session: a second start raises the first and hands it
its search (`workaid --search "fee waiver"`), then exits.

The second start must be quick (bench/desktop.py: target 200 ms from launch to the
raised window), so this module imports no Qt: the client is a plain local socket (a
Unix socket, or a named pipe on Windows) that the running window's QLocalServer
(single_instance_server.py) listens on. Who is the running window is decided by a lock
file, not by the socket: two starts at the same moment both find no server, but only
one gets the lock; the other waits for its server and hands over.

The address is per user, per desktop session (the display) and per data folder, so
two users of one terminal server, or a test with its own data folder, never meet.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

log = logging.getLogger("workaid.instance")

PROTOCOL = 1
MAX_MESSAGE = 4096
CONNECT_TIMEOUT = 1.0  # a live server answers in milliseconds; a hung one must not hang us
WAIT_FOR_STARTING = 8.0  # how long a second start waits for a first one that holds the lock


@dataclass(frozen=True)
class Address:
    """Where the running window listens: `name` for QLocalServer.listen, `path` for our
    client (the socket file, or the pipe), `lock` for deciding who runs."""

    name: str
    path: str
    lock: Path


def address(data_dir: Path, environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Address:
    session = environ.get("WAYLAND_DISPLAY") or environ.get("DISPLAY") or environ.get("SESSIONNAME", "")
    user = str(os.getuid()) if hasattr(os, "getuid") else environ.get("USERNAME", "")
    try:
        folder = str(Path(data_dir).resolve())
    except OSError:
        folder = str(data_dir)
    key = hashlib.sha256(f"{user}\0{session}\0{folder}".encode()).hexdigest()[:16]
    runtime = _runtime_dir(environ, platform)
    if platform.startswith("win"):
        name = f"workaid-{key}"
        return Address(name, rf"\\.\pipe\{name}", runtime / f"workaid-{key}.lock")
    path = str(runtime / f"workaid-{key}.sock")
    return Address(path, path, runtime / f"workaid-{key}.lock")


def _runtime_dir(environ: Mapping[str, str], platform: str) -> Path:
    """$XDG_RUNTIME_DIR when it is ours (per user, cleared at log-out), else a private
    folder in the temporary directory."""
    given = environ.get("XDG_RUNTIME_DIR", "")
    if given and not platform.startswith("win"):
        path = Path(given)
        try:
            st = path.stat()
            if path.is_dir() and (not hasattr(os, "getuid") or st.st_uid == os.getuid()):
                return path
        except OSError:
            pass
    user = str(os.getuid()) if hasattr(os, "getuid") else environ.get("USERNAME", "user")
    path = Path(environ.get("LOCALAPPDATA", "") or tempfile.gettempdir()) / f"workaid-{user}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir())
    return path


def message(search: str | None = None) -> dict[str, Any]:
    """What a second start says: raise the window, and search for `search` if given."""
    body: dict[str, Any] = {"v": PROTOCOL, "cmd": "show"}
    if search is not None:
        body["search"] = " ".join(search.split())[:500]
    return body


def hand_off(where: Address, body: Mapping[str, Any], timeout: float = CONNECT_TIMEOUT) -> bool:
    """Give `body` to the running window; True when it answered "ok"."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n"
    try:
        if where.path.startswith("\\\\.\\pipe\\"):
            return _over_pipe(where.path, raw)
        return _over_socket(where.path, raw, timeout)
    except OSError as e:
        log.debug("no running WorkAid at %s: %s", where.path, e)
        return False


def _over_socket(path: str, raw: bytes, timeout: float) -> bool:
    import socket

    if not os.path.exists(path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(raw)
        reply = b""
        while not reply.endswith(b"\n") and len(reply) < 64:
            chunk = sock.recv(64)
            if not chunk:
                break
            reply += chunk
    return reply.strip() == b"ok"


def _over_pipe(path: str, raw: bytes) -> bool:
    with open(path, "r+b", buffering=0) as pipe:
        pipe.write(raw)
        reply = pipe.read(64)
    return reply.strip() == b"ok"


class PrimaryLock:
    """Held for the whole life of the one running window (released by the OS if it dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] | None = None

    def acquire(self) -> bool:
        try:
            fh = open(self.path, "a+b")  # noqa: SIM115 - held open for the window's life
        except OSError as e:
            log.warning("single-instance lock %s cannot be opened (%s); starting anyway", self.path, e)
            return True
        try:
            if sys.platform.startswith("win"):
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the file releases the lock
            self._fh = None


@dataclass
class Primary:
    """This process runs the window: it listens at `address` (lock None: it could not
    tell, and runs without taking hand-offs rather than not at all)."""

    address: Address
    lock: PrimaryLock | None
    search: str | None = None


def claim(data_dir: Path, search: str | None = None, wait: float = WAIT_FOR_STARTING) -> Primary | None:
    """None when a running window took the request (this process should exit 0); else
    the Primary this process is, to start the window with."""
    where = address(data_dir)
    body = message(search)
    if hand_off(where, body):
        return None
    lock = PrimaryLock(where.lock)
    if lock.acquire():
        return Primary(where, lock, search)
    # Another start holds the lock and is still coming up: hand over once it listens.
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if hand_off(where, body):
            return None
        if lock.acquire():  # it gave up or died while starting: we run
            return Primary(where, lock, search)
    log.warning("another WorkAid holds %s but does not answer; starting a second window", where.lock)
    return Primary(where, None, search)


def parse(raw: bytes) -> dict[str, Any] | None:
    """A request as the server accepts it, or None (logged) when it is not one."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        log.warning("single instance: a request that is not JSON was ignored")
        return None
    if not isinstance(body, dict) or body.get("v") != PROTOCOL or body.get("cmd") != "show":
        log.warning("single instance: an unknown request was ignored: %.200r", body)
        return None
    search = body.get("search")
    if search is not None and not isinstance(search, str):
        return None
    return {"cmd": "show", "search": search}
