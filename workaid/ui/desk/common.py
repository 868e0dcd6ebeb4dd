"""What the desk's panels and dialogs share: the panel base class, a message line,
a flow layout, the clipboard, the desk's stylesheet."""

from __future__ import annotations

import atexit
import functools
import logging
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workaid.core import paths
from workaid.ui import theme

log = logging.getLogger("workaid.ui.desk")

# Placeholders left empty show in a preview as the core's <mark>; Qt's rich text has no
# <mark>, so the preview draws it as a highlighted span.
_MARK_OPEN = '<mark class="missing-placeholder">'
_MARK_STYLE = '<span style="background-color: #ffe7a3; color: #6b4300; font-weight: 600;">'


@functools.cache
def desk_stylesheet() -> str:
    path = paths.resources_dir() / "desk.qss"
    try:
        # Images are named relative to the resources folder, wherever it is installed.
        return path.read_text(encoding="utf-8").replace("@RESOURCES@", paths.resources_dir().as_posix())
    except OSError as e:
        log.warning("desk stylesheet %s not loaded: %s", path, e)
        return ""


def preview_html(filled_html: str) -> str:
    """A filled script's HTML as the card view can draw it (missing placeholders highlighted)."""
    return filled_html.replace(_MARK_OPEN, _MARK_STYLE).replace("</mark>", "</span>")


def copy_to_clipboard(text: str, html: str | None = None) -> QMimeData:
    """Put `text` (and `html`, for rich paste targets) on the clipboard; returns the mime data."""
    mime = QMimeData()
    mime.setText(text)
    if html:
        mime.setHtml(html)
    QApplication.clipboard().setMimeData(mime)
    _forget_clipboard_at_exit()
    return mime


@functools.cache
def _forget_clipboard_at_exit() -> None:
    """Qt 6.11's offscreen platform (the tests, CI, a headless kiosk) frees the clipboard's
    mime data twice when the process ends, a segfault after every test passed. On that
    platform only, the clipboard is emptied before Python starts tearing Qt down. A real
    desktop keeps what the rep copied (X11 hands it to the clipboard manager at exit)."""

    def forget() -> None:
        app = QGuiApplication.instance()
        if app is not None and QGuiApplication.platformName() == "offscreen":
            QGuiApplication.clipboard().clear()

    atexit.register(forget)


def present(window: QWidget) -> None:
    """Show a window in front, with the keyboard. (The offscreen platform the tests use
    has no stacking order, and says so as a warning: it is not asked to raise.)"""
    window.show()
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_tone(widget: QWidget, tone: str) -> None:
    """A dynamic property the stylesheet colours by (ok, info, warn, error, …)."""
    if widget.property("tone") != tone:
        widget.setProperty("tone", tone)
        repolish(widget)


class Message(QLabel):
    """One line that says what just happened: copied, refused and why, logged."""

    def __init__(self, parent: QWidget | None = None, name: str = "Message") -> None:
        super().__init__(parent)
        self.setObjectName("DeskMessage")
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, text: str, tone: str = "info") -> None:
        self.setText(text)
        self.setAccessibleDescription(text)
        set_tone(self, tone)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def label(
    text: str, parent: QWidget | None = None, name: str = "", buddy: QWidget | None = None, wrap: bool = False
) -> QLabel:
    lab = QLabel(text, parent)
    if name:
        lab.setObjectName(name)
    if buddy is not None:
        lab.setBuddy(buddy)
    lab.setWordWrap(wrap)
    return lab


class OneLineLabel(QLabel):
    """A label that wants one line but wraps rather than be cut when its box is given
    less (a narrow window, a big font): its size hint is the one-line size, its minimum
    the longest word."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        one = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, self.text())
        m = self.contentsMargins()
        return QSize(one.width() + m.left() + m.right() + 2, max(super().minimumSizeHint().height(), one.height()))


def labelled(parent: QWidget, text: str, *widgets: QWidget) -> tuple[QWidget, QLabel]:
    """A label and its widgets side by side, as one box a FlowLayout keeps together; the
    label's mnemonic (the & in `text`) goes to the last widget. Given less than its
    width, the label wraps: the fields stay whole."""
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    lab = OneLineLabel(text, box)
    lab.setBuddy(widgets[-1])
    row.addWidget(lab, 1)
    for w in widgets:
        row.addWidget(w)
    return box, lab


def key_hint(keys: str, what: str) -> str:
    """'<b>Y</b> yes' style hint text (rich text)."""
    import html

    return f'<span style="color:#1f4e8c; font-weight:600;">{html.escape(keys)}</span> {html.escape(what)}'


class FlowLayout(QLayout):
    """Lays its items out left to right and wraps to a new line when the width runs out.

    An item wider than the whole line (a narrow window, a big font) gets the line's
    width, never more, and the height it asks for at that width: it wraps its own text
    rather than being cut at the panel's edge."""

    def __init__(self, parent: QWidget | None = None, h_spacing: int = 8, v_spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._h = h_spacing
        self._v = v_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        """`widget` at `index` in the flow (addWidget only appends)."""
        from PySide6.QtWidgets import QWidgetItem

        self.addChildWidget(widget)
        self._items.insert(max(0, min(index, len(self._items))), QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), test=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, test=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _do_layout(self, rect: QRect, test: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_h = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if hint.width() > area.width() > 0:
                w = max(area.width(), item.minimumSize().width())
                h = item.heightForWidth(w) if item.hasHeightForWidth() else hint.height()
                hint = QSize(w, max(h, item.minimumSize().height()))
            next_x = x + hint.width() + self._h
            if next_x - self._h > area.right() + 1 and line_h > 0:
                x = area.x()
                y += line_h + self._v
                next_x = x + hint.width() + self._h
                line_h = 0
            if not test:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = next_x
            line_h = max(line_h, hint.height())
        return y + line_h - rect.y() + m.bottom()


class DeskPanel(QFrame):
    """A panel over the card: the desk shows one at a time, for the open card."""

    # The panel's height may have changed (content shown or hidden): the host re-measures.
    resized = Signal()

    title = "Panel"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeskPanel")
        self.setAccessibleName(self.title)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def headed_layout(self, heading: str = "", hint: str = "") -> tuple[QVBoxLayout, QLabel]:
        """The panel's layout, opened by its heading (the panel's title unless given) and,
        on the right, a hint line the panel keeps up to date; returns both."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(label(heading or self.title, self, "DeskTitle"), 0)
        hint_label = label(hint, self, "DeskHint", wrap=True)
        hint_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(hint_label, 1)
        outer.addLayout(head)
        return outer, hint_label

    def show_card(self, card: Any) -> None:
        """The card this panel works on was opened (or opened again)."""

    def focus_first(self) -> None:
        """Give the keyboard to the panel's first field."""
        chain = self.focus_chain()
        if chain:
            chain[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_chain(self) -> list[QWidget]:
        """The panel's controls in Tab order (Tab from the search box comes here first)."""
        return []

    def copy(self) -> bool:
        """Ctrl+Shift+C: copy what this panel offers; False when there was nothing to copy."""
        return False

    def new_call(self) -> None:
        """Forget what was typed for the last call."""

    def timer_changed(self) -> None:
        """The call timer started or paused (a panel that shows the call's time follows)."""

    def refill(self) -> None:
        """Take up what the call now knows (typed elsewhere, or the team chosen)."""

    def card_replaced(self, change: Any, banner: str) -> None:
        """The card this panel shows is about to be replaced by a newer version (a sync)."""


class DeskDialog(QDialog):
    """The frame of the desk's own windows (escalation log, recently updated): a head
    with the title and a figure on the right, a body, and a foot with the message line
    and a row of buttons ending in Close."""

    def __init__(self, name: str, title: str, accessible: str, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(f"{title} — WorkAid")
        self.setAccessibleName(accessible)
        theme.current().style(self, desk_stylesheet())  # follows light / dark and zoom
        self.setModal(False)
        # An explicit minimum: the layout then never resizes the shown window's limits
        # (which some platforms, the tests' offscreen one included, cannot take).
        self.setMinimumSize(360, 260)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        head = QFrame(self)
        head.setObjectName("DialogHead")
        hl = QHBoxLayout(head)
        hl.setContentsMargins(18, 12, 18, 10)
        heading_label = QLabel(heading, head)
        heading_label.setObjectName("DialogTitle")
        self.figure = QLabel(head)  # the totals, a count: what the window adds up to
        self.figure.setObjectName("Totals")
        hl.addWidget(heading_label)
        hl.addStretch(1)
        hl.addWidget(self.figure)
        outer.addWidget(head)
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(18, 12, 18, 8)
        self.body_layout.setSpacing(8)
        outer.addWidget(self.body, 1)
        foot = QFrame(self)
        foot.setObjectName("DialogFoot")
        fl = QVBoxLayout(foot)
        fl.setContentsMargins(18, 6, 18, 12)
        self.message = Message(foot, f"{accessible} message")
        fl.addWidget(self.message)
        self.buttons = QHBoxLayout()
        fl.addLayout(self.buttons)
        outer.addWidget(foot)
        self.foot = foot

    def add_buttons(self, *buttons: QWidget) -> None:
        """The window's own buttons on the left, Close (Esc) on the right."""
        from PySide6.QtWidgets import QPushButton

        for b in buttons:
            self.buttons.addWidget(b)
        self.buttons.addStretch(1)
        self.close_button = QPushButton("Close  Esc", self.foot)
        self.close_button.setObjectName("SecondaryButton")
        self.close_button.setAccessibleName("Close")
        for b in (*buttons, self.close_button):
            if hasattr(b, "setAutoDefault"):
                b.setAutoDefault(False)
        self.buttons.addWidget(self.close_button)
        self.close_button.clicked.connect(self.reject)

    def place_over_parent(self, max_w: int, max_h: int) -> None:
        parent = self.parentWidget()
        if parent is not None:
            pg = parent.frameGeometry()
            w = min(max_w, max(400, pg.width() - 40))
            h = min(max_h, max(320, pg.height() // 2))
            self.resize(w, h)
            self.move(pg.x() + (pg.width() - w) // 2, pg.y() + max(0, (pg.height() - h) // 3))
