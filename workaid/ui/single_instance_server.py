"""The running window's side of single_instance: a QLocalServer that raises the window
and takes over the search a second start was given."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from workaid.ui.single_instance import MAX_MESSAGE, Primary, parse

log = logging.getLogger("workaid.instance")


class InstanceServer(QObject):
    """Listens while the window lives; each request is one JSON line, answered "ok"."""

    requested = Signal(object)  # the parsed request: {"cmd": "show", "search": str | None}

    def __init__(self, primary: Primary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.primary = primary
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self.listening = False

    def listen(self) -> bool:
        """Start taking hand-offs; False (logged) when the address cannot be used."""
        if self.primary.lock is None:
            return False  # another window owns the address; this one runs alone
        name = self.primary.address.name
        # We hold the lock, so whatever is at the address is left by a window that died.
        QLocalServer.removeServer(name)
        self.listening = self.server.listen(name)
        if not self.listening:
            log.warning("single instance: cannot listen at %s: %s", name, self.server.errorString())
        return self.listening

    def close(self) -> None:
        if self.listening:
            self.server.close()
            QLocalServer.removeServer(self.primary.address.name)
            self.listening = False
        if self.primary.lock is not None:
            self.primary.lock.release()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            if sock is None:
                return
            buffer = bytearray()
            sock.readyRead.connect(lambda s=sock, b=buffer: self._read(s, b))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._read(sock, buffer)

    def _read(self, sock: QLocalSocket, buffer: bytearray) -> None:
        buffer.extend(bytes(sock.readAll().data()))
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE:
                log.warning("single instance: an over-long request was dropped")
                sock.abort()
            return
        line = bytes(buffer.split(b"\n", 1)[0])
        request = parse(line)
        sock.write(b"ok\n" if request is not None else b"no\n")
        sock.flush()
        sock.disconnectFromServer()
        if request is not None:
            self.requested.emit(request)


def install(window: Any, primary: Primary, show: Callable[[str | None], None]) -> InstanceServer:
    """Serve hand-offs for `window`; `show(search)` raises it (and searches)."""
    server = InstanceServer(primary, window)
    server.requested.connect(lambda request: show(request.get("search")))
    server.listen()
    return server
