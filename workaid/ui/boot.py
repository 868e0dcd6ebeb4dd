"""The first steps of `workaid gui`, in the order that gets the window up soonest.

bench/startup.py measures process start to the first painted window. Two costs that a
bare, empty window never pays are cut here, by `prepare`:

1. PySide6 replaces ``__import__`` with a hook for its ``from __feature__ import``
   switches (snake_case, true_property): from then on every module an import
   statement names has its source file read and searched for "PySide6", once per
   module, typing.py and logging's 2,000 lines included. For the modules the window
   needs that is ~7 ms, and it goes on for every later import, on worker threads too.
   WorkAid uses no ``__feature__`` switch (tests/ui/test_ui_startup.py checks), so
   once Qt is imported `prepare` puts back the import PySide wrapped, which PySide
   keeps in ``builtins.__orig_import__`` (its own lazy loading stays in place).
   Without the hook a module PySide has not seen counts as using no feature, which
   is what WorkAid's modules are.
2. The first widget that shows text makes Qt load the font configuration: on Linux,
   fontconfig parsing its XML files and mapping its caches, ~5 ms. `prepare` starts
   that on a thread (through ctypes, which lets go of the GIL) while PySide6 itself is
   imported; Qt then finds it done (FcInit runs once per process and is thread-safe).
   Where there is no fontconfig (Windows, macOS) Qt uses the system's own font
   service and nothing is started.

No Qt is imported at this module's top: `prepare` must run before it.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

STYLE = "Fusion"

_made: QApplication | None = None  # the QApplication start() made
_fonts: threading.Thread | None = None  # fontconfig being loaded


def prepare() -> None:
    """Before anything imports Qt: start the font set-up, import Qt, drop its import hook."""
    global _fonts
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        _fonts = threading.Thread(target=_load_fontconfig, name="workaid-fonts", daemon=True)
        _fonts.start()
    import PySide6.QtWidgets  # noqa: F401

    drop_feature_hook()


def drop_feature_hook() -> bool:
    """Put back the import PySide6 wrapped with its ``__feature__`` hook; True if it did.

    Only PySide's own hook is replaced: if something else has replaced ``__import__``
    since (a debugger, a profiler), that is left alone."""
    import builtins

    hook = getattr(builtins, "__feature_import__", None)
    wrapped = getattr(builtins, "__orig_import__", None)
    if hook is None or wrapped is None or builtins.__import__ is not hook:
        return False
    builtins.__import__ = wrapped
    return True


def start(argv: list[str]) -> QApplication:
    """The QApplication for WorkAid's window.

    The style is chosen on the command line: app.setStyle() returns a QStyle, and
    creating that Python type costs ~5 ms before the first paint. (The last ``-style``
    wins, as setStyle would.) Returns the running QApplication if there is one
    already (tests, an embedding program): that one is left as it is."""
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
