"""The Qt binding must keep Python's reference counts intact (PySide6 6.12.0 on 3.11 does not)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from workaid.ui.qtcheck import binding_problem


class _Emitter(QObject):
    fired = Signal(object)


def test_void_calls_and_emits_keep_reference_counts():
    assert binding_problem() is None
    if sys.version_info >= (3, 12):
        return  # immortal singletons: nothing to measure
    probe = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(50):
        probe.setObjectName("x")
        probe.fired.emit(1)
    assert sys.getrefcount(None) >= none_before - 5
    assert sys.getrefcount(True) >= true_before - 5
