"""The first steps of `workaid gui`, in the order that gets the window up soonest.

bench/startup.py measures process start to the first painted window. `prepare` runs
before anything imports Qt and orders the work a bare, empty window never does:

1. The garbage collector is paused: start-up allocates much and frees little, so a
   collection during it is wasted. The app collects once, when the window is up
   (workaid.core.perf), and then turns it back on.
2. The first widget that shows text makes Qt load the font configuration: on Linux,
   fontconfig parsing its XML files and mapping its caches. `prepare` starts that on a
   thread (through ctypes, which lets go of the GIL) while PySide6 itself is imported;
   Qt then finds it done (FcInit runs once per process and is thread-safe). Where
   there is no fontconfig (Windows, macOS) Qt uses the system's own font service and
   nothing is started.
3. The window's Qt-free modules are imported before PySide6. Once PySide6 is in, its
   import hook (for ``from __feature__ import`` switches) reads the source of every
   module an import statement names; imported first, the core's own imports never
   meet it. Only the order changes, so a PySide6 without the hook changes nothing here.

No Qt is imported at this module's top: `prepare` must run before it.

Before all that, `refuse_without_display` checks that there is a desktop to show the
window on: without one, Qt's xcb plugin prints a misleading "xcb-cursor0 is needed"
and aborts the process (exit 134).
"""

from __future__ import annotations

import gc
import os
import stat
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PySide6.QtWidgets import QApplication

STYLE = "Fusion"

_made: QApplication | None = None  # the QApplication start() made
_fonts: threading.Thread | None = None  # fontconfig being loaded
_collector_was_on: bool | None = None  # the collector's state before start-up paused it


def prepare() -> None:
    """Before anything imports Qt: pause the collector, start the font set-up, import the
    window's Qt-free modules, then Qt."""
    global _fonts
    pause_collector()
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        _fonts = threading.Thread(target=_load_fontconfig, name="workaid-fonts", daemon=True)
        _fonts.start()
    _import_qt_free_modules()
    import PySide6.QtWidgets  # noqa: F401


def _import_qt_free_modules() -> None:
    """The modules the window needs that import no Qt at their top, before PySide6
    (3. above): the core, the app's start-up (workaid.ui.app), the crash reporter."""
    import workaid.core.content.library
    import workaid.core.distribution.refill
    import workaid.core.logs
    import workaid.core.settings
    import workaid.ui.app
    import workaid.ui.errors
    import workaid.ui.lazy  # noqa: F401


def pause_collector() -> bool:
    """Turn the garbage collector off until `resume_collector`; whether it was on before.

    The first call records the state, later ones (app.run after `prepare`) return it."""
    global _collector_was_on
    if _collector_was_on is None:
        _collector_was_on = gc.isenabled()
        gc.disable()
    return _collector_was_on


def resume_collector() -> None:
    """Turn the collector back on if `pause_collector` found it on."""
    global _collector_was_on
    if _collector_was_on:
        gc.enable()
    _collector_was_on = None


def start(argv: list[str]) -> QApplication:
    """The QApplication for WorkAid's window.

    The style is chosen on the command line: app.setStyle() returns a QStyle, and
    creating that Python type is work the first paint does not need. (The last
    ``-style`` wins, as setStyle would.) Returns the running QApplication if there is
    one already (tests, an embedding program): that one is left as it is."""
    global _made
    from PySide6.QtWidgets import QApplication

    wait_for_fonts()
    app = QApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    _made = QApplication([*argv, "-style", STYLE])
    return _made


def made_here(app: object) -> bool:
    """Whether `app` came from start(): then its style is already WorkAid's."""
    return _made is not None and app is _made


def wait_for_fonts() -> None:
    """Let the font thread finish before Qt starts. It is long done by then (PySide6's
    import takes far longer); when it is not (fontconfig building its caches on a first
    run), Qt would wait for the same work anyway. So the thread never outlives start-up,
    and Qt never meets it half-way."""
    global _fonts
    if _fonts is not None:
        _fonts.join()
        _fonts = None


def _load_fontconfig() -> None:
    try:
        import ctypes

        ctypes.CDLL("libfontconfig.so.1").FcInit()
    except (OSError, AttributeError):
        pass  # no fontconfig: Qt will find its fonts its own way


NO_DESKTOP = "WorkAid needs a desktop session: {why} — the command line works without one: workaid search WORDS (workaid --help lists the rest)."


def display_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """Why Qt could not open a window here (a sentence for a person), or None.

    Only X11 and Wayland desktops are checked (Windows and macOS always have one), and
    a platform chosen in QT_QPA_PLATFORM (offscreen, wayland, vnc …) is taken as is.
    On the normal path this is one stat() of the X server's socket: start-up does
    not notice it. A socket left behind by a crashed X server is not detected (that
    needs the X protocol); Qt's own message covers it.
    """
    if not (platform.startswith("linux") or "bsd" in platform):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return None
    display = environ.get("DISPLAY", "")
    if not display:
        return NO_DESKTOP.format(why="DISPLAY/WAYLAND_DISPLAY is not set")
    if _x_server_answers(display, platform):
        return None
    return NO_DESKTOP.format(why=f"no display answers at DISPLAY={display}")


def _x_server_answers(display: str, platform: str) -> bool:
    """Whether an X server listens for `display` ("[host]:N[.screen]") on this machine.

    A remote host is not tried (a name lookup or an unanswered connect can take
    seconds): Qt reports that one itself."""
    host, colon, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not colon or not number.isdigit():
        return True  # a form this check does not know: leave it to Qt
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        try:
            if stat.S_ISSOCK(os.stat(path).st_mode):
                return True  # the normal path: a socket file is all that is looked at
        except OSError:
            pass
        # No socket file (a container that does not share /tmp): Linux servers also
        # listen on an abstract socket of the same name.
        return platform.startswith("linux") and _connects("AF_UNIX", "\0" + path)
    if host in ("localhost", "127.0.0.1", "::1"):  # ssh -X forwarding
        return _connects("AF_INET6" if host == "::1" else "AF_INET", (host, 6000 + int(number)))
    return True


def _connects(family: str, address: str | tuple[str, int]) -> bool:
    import _socket  # not `socket`: its Python layer is slow to import, and only connect() is needed

    sock = _socket.socket(getattr(_socket, family), _socket.SOCK_STREAM)
    try:
        sock.settimeout(0.5)
        sock.connect(address)
        return True
    except OSError:
        return False
    finally:
        sock.close()


def refuse_without_display(data_dir: Path) -> int | None:
    """Exit code 2, after saying why on stderr and in the log, if no window can be
    shown here; None to go on and start Qt."""
    problem = display_problem()
    if problem is None:
        return None
    print(problem, file=sys.stderr)
    import logging

    from workaid.core import logs

    try:
        logs.setup(data_dir)
    except OSError as e:
        print(
            f"WorkAid: not keeping a log: cannot write {logs.log_file(data_dir)} ({e.strerror or e}).", file=sys.stderr
        )
    logging.getLogger("workaid.ui").warning("not starting the window: %s", problem)
    return 2
