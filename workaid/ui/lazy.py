"""`Qt` on first use: the enum namespace is slow to create, and the first frame needs none of it.

PySide6 builds a type when it is first looked up, and ``PySide6.QtCore.Qt`` is
big: looking it up (``from PySide6.QtCore import Qt`` included) creates every one of
its enums at once. A module that writes ``Qt = LazyQt(globals())`` instead keeps its
code as it is (``Qt.Key.Key_Up``); the real namespace is looked up the first time such
an attribute is read, and from then on the module's global ``Qt`` *is* the real one.

Start-up code that runs before the first paint avoids ``Qt.*`` (see
MainWindow._build); everything after it may use it freely. Being lazy never changes
behaviour: an early use only costs the time it would have cost anyway.
"""

from __future__ import annotations

from typing import Any


class LazyQt:
    """Stands in for ``PySide6.QtCore.Qt`` in one module's globals until first used."""

    __slots__ = ("_namespace",)

    def __init__(self, module_globals: dict[str, Any]) -> None:
        self._namespace = module_globals

    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt

        if self._namespace.get("Qt") is self:
            self._namespace["Qt"] = Qt
        return getattr(Qt, name)
