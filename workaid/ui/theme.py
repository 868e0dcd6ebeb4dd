"""The look: light or dark, and the text size (zoom).

Light and dark: one set of colours, written once for the light look, and a dark look
derived from it by turning each colour's lightness over (hue kept).

Why derived, not a second stylesheet: the style sheets, the card's document CSS and the
result painter hold about a hundred colours; a hand-kept dark copy would drift from the
light one with every change. Turning lightness over keeps every pairing's contrast (a
dark text on a light tint becomes a light text on a dark tint) and leaves mid-tone
accents (the blue focus ring, the red STALE badge) as they are.

The choice is the `window.theme` setting: "system" follows the desktop's colour scheme
(Qt's style hints, live), "light" or "dark" fixes it. Widgets styled through `style()`
and everything that asks `color()` / `css()` follow a change at once.

Zoom (`window.zoom`, Ctrl+= / Ctrl+- / Ctrl+0) scales the application font and every
point size in the style sheets and the card's CSS, live: no restart, unlike
QT_SCALE_FACTOR. Paddings in pixels stay, which is what keeps a zoomed strip compact.
"""

from __future__ import annotations

import colorsys
import functools
import logging
import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = LazyQt(globals())  # imported before the first paint, which needs no Qt enum

log = logging.getLogger("workaid.ui.theme")

CHOICES = ("system", "light", "dark")
_HEX = re.compile(r"#([0-9a-fA-F]{6})\b")
_STYLE_ATTR = re.compile(r'style="([^"]*)"')
_POINTS = re.compile(r"(\d+(?:\.\d+)?)pt\b")


def scaled_points(text: str, factor: float) -> str:
    """Style sheet text with every point size multiplied by `factor`."""
    if factor == 1:
        return text
    return _POINTS.sub(lambda m: f"{float(m.group(1)) * factor:.3g}pt", text)


@functools.lru_cache(maxsize=1024)
def dark_hex(hex_color: str) -> str:
    """The dark look's colour for a light look's "#rrggbb"."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    turned = 0.10 + 0.80 * (1.0 - lightness)  # white -> near-black, near-black -> light grey
    r, g, b = colorsys.hls_to_rgb(h, turned, s * 0.85)
    return "#{:02x}{:02x}{:02x}".format(*(round(v * 255) for v in (r, g, b)))


def dark_css(text: str) -> str:
    """Style sheet or HTML text with every #rrggbb turned over."""
    return _HEX.sub(lambda m: dark_hex("#" + m.group(1).lower()), text)


class Theme(QObject):
    """The look in use; one per application (`current()`)."""

    changed = Signal(bool)  # dark? (emitted for a zoom change too)

    def __init__(self) -> None:
        super().__init__()
        self.choice = "system"
        self.dark = False
        self.zoom = 100
        self._base_point_size = 0.0
        self._styled: weakref.WeakKeyDictionary[QWidget, str] = weakref.WeakKeyDictionary()
        self._base_sheet = ""
        self._base_palette: QPalette | None = None
        self._following = False  # connected to the desktop's colour-scheme changes
        self._colors: dict[tuple[str, bool], QColor] = {}

    # -- choosing ------------------------------------------------------------------------------
    def system_is_dark(self) -> bool:
        hints = QGuiApplication.styleHints()
        if hints is None or not hasattr(hints, "colorScheme"):
            return False
        return bool(hints.colorScheme() == Qt.ColorScheme.Dark)

    def choose(self, choice: str) -> None:
        """ "system", "light" or "dark" (anything else: system, logged)."""
        if choice not in CHOICES:
            log.warning("unknown theme %r; following the system", choice)
            choice = "system"
        self.choice = choice
        if choice == "system" and not self._following:
            # Not at start-up: connecting builds Qt's enum namespace, which the first frame does without.
            hints = QGuiApplication.styleHints()
            if hints is not None and hasattr(hints, "colorSchemeChanged"):
                hints.colorSchemeChanged.connect(lambda _scheme: self._follow_system())
                self._following = True
        self._set_dark(self.system_is_dark() if choice == "system" else choice == "dark")

    def _follow_system(self) -> None:
        if self.choice == "system":
            self._set_dark(self.system_is_dark())

    def _set_dark(self, dark: bool) -> None:
        if dark == self.dark:
            return  # the light look is what configure_app already applied
        self.dark = dark
        self.apply()
        self.changed.emit(dark)

    # -- what follows the look ----------------------------------------------------------------
    def color(self, hex_color: str) -> QColor:
        """The look's colour for a light look's "#rrggbb" (asked for at every paint: kept)."""
        key = (hex_color, self.dark)
        found = self._colors.get(key)
        if found is None:
            found = self._colors[key] = QColor(dark_hex(hex_color.lower()) if self.dark else hex_color)
        return found

    def css(self, text: str) -> str:
        return scaled_points(dark_css(text) if self.dark else text, self.zoom / 100)

    def html(self, text: str) -> str:
        """HTML with its style attributes in the current look; the text itself is never
        touched (a card may well say "ref #a1b2c3")."""
        if not self.dark and self.zoom == 100:
            return text
        return _STYLE_ATTR.sub(lambda m: f'style="{self.css(m.group(1))}"', text)

    def set_zoom(self, percent: int) -> None:
        if percent == self.zoom:
            return
        self.zoom = percent
        self.apply()
        self.changed.emit(self.dark)

    def set_base(self, stylesheet: str, palette: QPalette) -> None:
        """The application's light style sheet and palette (app.configure_app)."""
        self._base_sheet = stylesheet
        self._base_palette = palette  # not QPalette(palette): its overloads build Qt's enum namespace
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self._base_point_size = app.font().pointSizeF()

    def style(self, widget: QWidget, stylesheet: str) -> None:
        """Give `widget` its own style sheet, kept in the current look from now on."""
        self._styled[widget] = stylesheet
        widget.setStyleSheet(self.css(stylesheet))

    def apply(self) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if self._base_palette is not None:
            app.setPalette(self._palette(self._base_palette))
        if self._base_point_size > 0:
            font = app.font()
            font.setPointSizeF(self._base_point_size * self.zoom / 100)
            app.setFont(font)
        app.setStyleSheet(self.css(self._base_sheet))
        for widget, sheet in list(self._styled.items()):
            if shiboken6.isValid(widget):  # a closed window's widgets may outlive their C++ side
                widget.setStyleSheet(self.css(sheet))
            else:
                del self._styled[widget]

    def _palette(self, base: QPalette) -> QPalette:
        if not self.dark:
            return base
        p = QPalette(base)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
            for role in _ROLES:
                c = base.color(group, role)
                p.setColor(group, role, QColor(dark_hex(c.name())))
        return p


_ROLES = (
    QPalette.ColorRole.Window,
    QPalette.ColorRole.WindowText,
    QPalette.ColorRole.Base,
    QPalette.ColorRole.AlternateBase,
    QPalette.ColorRole.Text,
    QPalette.ColorRole.Button,
    QPalette.ColorRole.ButtonText,
    QPalette.ColorRole.Highlight,
    QPalette.ColorRole.HighlightedText,
    QPalette.ColorRole.ToolTipBase,
    QPalette.ColorRole.ToolTipText,
    QPalette.ColorRole.PlaceholderText,
    QPalette.ColorRole.Link,
    QPalette.ColorRole.BrightText,
    QPalette.ColorRole.Light,
    QPalette.ColorRole.Midlight,
    QPalette.ColorRole.Mid,
    QPalette.ColorRole.Dark,
    QPalette.ColorRole.Shadow,
)

_current: Theme | None = None


def current() -> Theme:
    """The application's look (made on first use, light until configured)."""
    global _current
    if _current is None:
        _current = Theme()
    return _current


def color(hex_color: str) -> QColor:
    return current().color(hex_color)


def on_change(receiver: QObject, slot: Callable[[bool], None]) -> None:
    """Call `slot(dark)` when the look changes, while `receiver` lives."""
    current().changed.connect(slot)
    receiver.destroyed.connect(lambda: _disconnect(slot))


def _disconnect(slot: Callable[[bool], None]) -> None:
    try:
        current().changed.disconnect(slot)
    except (RuntimeError, TypeError):
        pass
