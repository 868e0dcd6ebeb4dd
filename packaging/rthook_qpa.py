# PyInstaller runtime hook: the bundle has no Wayland platform plugin (see build.spec), so
# a QT_QPA_PLATFORM naming only wayland would make Qt abort. Drop the wayland entries;
# XWayland, which every Wayland desktop runs, serves the xcb plugin.
import os

_value = os.environ.get("QT_QPA_PLATFORM", "")
_kept = [p for p in _value.split(";") if p and not p.startswith("wayland")]
if _value and _kept != _value.split(";"):
    os.environ["QT_QPA_PLATFORM"] = ";".join(_kept) or "xcb"
