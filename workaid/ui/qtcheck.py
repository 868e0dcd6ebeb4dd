"""A start-up check for a broken Qt binding.

PySide6-Essentials 6.12.0 (abi3 wheel) on Python 3.11 drops a reference to ``None``
on every call of a Qt method that returns nothing (``setText``, ``setPen`` …) and a
reference to ``True`` on every ``Signal.emit()``. On Python 3.12+ these objects are
immortal and nothing happens; on 3.11 the interpreter aborts after a few thousand
calls ("Fatal Python error: none_dealloc"), i.e. within seconds of use.
PySide6 6.11.3 does not have the bug. The check costs a few microseconds.
"""

from __future__ import annotations

import sys

_PROBES = 32
_ballast: list[object] = []  # gives back the references the probe itself dropped


def binding_problem() -> str | None:
    """A message for a person if this PySide6 build corrupts reference counts, else None."""
    if sys.version_info >= (3, 12):
        return None  # None and True are immortal: the bug cannot bite
    import PySide6
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost < _PROBES // 2:
        return None
    _ballast.extend([None] * max(lost, 0))
    return (
        f"PySide6 {PySide6.__version__} on Python {sys.version_info.major}.{sys.version_info.minor} "
        "drops a reference to None on every Qt call and would crash WorkAid within seconds "
        "('Fatal Python error: none_dealloc'). Install PySide6-Essentials 6.11.x "
        "(pip install 'PySide6-Essentials<6.12') or run on Python 3.12 or later."
    )
