"""The status bar's texts, never cut: elided with "…", the whole text a click or a key away.

QStatusBar draws a temporary message (showMessage) itself and cuts it hard where the
permanent widgets on its right begin; a plain QLabel with a long text either widens
the window or is cut the same way. On a 480 px second-monitor strip that was the
failure reason the rep needed ("Your flag on … was answered: Fixed in version 2 by …").

`StatusText` is the label the window's status and problem lines (and the shared-folder
line, workaid.ui.sync_status) use: it elides to its width, keeps the whole text as its
tooltip and accessible description, and a click shows the whole text. `install` adds
the line that shows temporary messages in their place (the status bar's own drawing of
them is turned off), remembers the last few, and gives the window Ctrl+Shift+M: a
small window with every status text whole (Esc closes it).

Built before the first paint (the window's status lines are StatusText), so nothing
here touches the `Qt` namespace until a text is too long to fit (workaid.ui.lazy).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Signal
from PySide6.QtWidgets import QLabel, QWidget

from workaid.ui.lazy import LazyQt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QMouseEvent, QResizeEvent
    from PySide6.QtWidgets import QDialog, QMainWindow, QPlainTextEdit, QStatusBar
else:
    Qt = LazyQt(globals())

log = logging.getLogger("workaid.ui.status")

WHOLE_TEXT_KEY = "Ctrl+Shift+M"
MIN_WIDTH = 60  # a squeezed status text keeps a few letters and its "…"
RECENT = 5  # earlier messages the whole-text window still shows


class StatusText(QLabel):
    """One line of the status bar: elided to its width, whole in its tooltip, its
    accessible description, and (a click) the whole-text window."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._sized = False  # laid out at least once: before that its width means nothing
        self.setMinimumWidth(MIN_WIDTH)  # the layout may squeeze it this far: it elides

    # The whole text is the label's text for every caller; only the painted one is elided.
    def setText(self, text: str) -> None:
        self._full = text or ""
        self.setToolTip(self._full)
        self.setAccessibleDescription(self._full)
        self._fit()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def clear(self) -> None:
        self.setText("")

    def shown_text(self) -> str:
        """What is painted (the text elided with "…" when it does not fit)."""
        return QLabel.text(self)

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        fm = self.fontMetrics()
        missing = fm.horizontalAdvance(self._full) - fm.horizontalAdvance(self.shown_text())
        return QSize(hint.width() + max(0, missing), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), MIN_WIDTH), hint.height())

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._sized = True
        self._fit()

    def _fit(self) -> None:
        full = self._full
        if not self._sized:
            if QLabel.text(self) != full:
                QLabel.setText(self, full)
            return
        room = self.contentsRect().width() - 2
        fm = self.fontMetrics()
        if full and fm.horizontalAdvance(full) > room:
            shown = fm.elidedText(" ".join(full.split()), Qt.TextElideMode.ElideRight, max(room, 0))
        else:
            shown = full
        if QLabel.text(self) != shown:
            QLabel.setText(self, shown)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        super().mouseReleaseEvent(e)
        if e.button() == Qt.MouseButton.LeftButton and self._full:
            self.clicked.emit()
            line = find(self)
            if line is not None:
                line.show_whole()


def find(widget: QWidget) -> StatusLine | None:
    """The StatusLine installed on the window `widget` is in, if any."""
    window = widget.window()
    line = window.findChild(StatusLine, "StatusLine")
    return line if isinstance(line, StatusLine) else None


class StatusLine(QObject):
    """The window's temporary messages as an eliding StatusText, and the whole-text window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("StatusLine")
        self._window = window
        bar = window.statusBar()
        self.bar: QStatusBar = bar
        self.message = StatusText(bar)
        self.message.setObjectName("StatusMessage")
        self.message.setAccessibleName("Status message")
        self.message.hide()  # explicitly: the status bar leaves it hidden when it adds it
        # First of the bar's ordinary widgets: it takes the place the status bar would
        # have drawn the message in (it hides the others while a message shows).
        bar.insertWidget(0, self.message, 1)
        self.recent: deque[tuple[dt.datetime, str]] = deque(maxlen=RECENT)
        self._dialog: QDialog | None = None
        self._text: QPlainTextEdit | None = None
        bar.messageChanged.connect(self._on_message)
        bar.installEventFilter(self)
        from PySide6.QtGui import QAction, QKeySequence

        self.action: QAction = QAction("Show the whole status message", window)
        self.action.setObjectName("ShowWholeStatus")
        self.action.setShortcut(QKeySequence(WHOLE_TEXT_KEY))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(lambda _checked=False: self.show_whole())
        window.addAction(self.action)

    def _on_message(self, text: str) -> None:
        if text:
            self.message.setText(text)
            self.message.show()  # after the status bar hid its ordinary widgets
            self.recent.append((dt.datetime.now(), text))
        else:
            self.message.hide()
            self.message.clear()
        if self._dialog is not None and self._dialog.isVisible():
            self._fill()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.bar and event.type() == QEvent.Type.Paint and self.bar.currentMessage():
            # The bar's own paint would draw the message again, cut; only its panel here.
            from PySide6.QtGui import QPainter
            from PySide6.QtWidgets import QStyle, QStyleOption

            painter = QPainter(self.bar)
            opt = QStyleOption()
            opt.initFrom(self.bar)
            self.bar.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, opt, painter, self.bar)
            painter.end()
            return True
        return False

    # -- the whole text -----------------------------------------------------------------
    def texts(self) -> list[str]:
        """Every status text on show, whole, left to right."""
        shown = [w for w in self.bar.findChildren(StatusText) if w.isVisible() and w.text()]
        shown.sort(key=lambda w: w.x())
        return [w.text() for w in shown]

    def whole_text(self) -> str:
        parts = self.texts() or ["Nothing in the status bar just now."]
        current = set(parts)
        earlier = [f"{at:%H:%M:%S}  {text}" for at, text in reversed(self.recent) if text not in current]
        if earlier:
            parts += ["", "Earlier messages:", *earlier]
        return "\n".join(parts)

    def show_whole(self) -> QDialog:
        """The small window with every status text whole; Esc (or Close) closes it."""
        dialog = self._dialog or self._build_dialog()
        self._fill()
        parent = self._window.frameGeometry()
        width = max(320, min(560, parent.width() - 40))
        dialog.resize(width, 220)
        dialog.move(parent.x() + (parent.width() - width) // 2, parent.y() + max(0, parent.height() - 300))
        dialog.show()
        dialog.activateWindow()
        assert self._text is not None
        self._text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return dialog

    def _fill(self) -> None:
        if self._text is not None:
            self._text.setPlainText(self.whole_text())

    def _build_dialog(self) -> QDialog:
        from PySide6.QtWidgets import QDialog, QPlainTextEdit, QVBoxLayout

        from workaid.ui.dialog_parts import close_row  # built on first use: not before the first paint

        dialog = QDialog(self._window)
        dialog.setObjectName("StatusWhole")
        dialog.setWindowTitle("Status — WorkAid")
        dialog.setAccessibleName("The whole status message")
        dialog.setModal(False)
        dialog.setMinimumSize(300, 160)
        layout = QVBoxLayout(dialog)
        text = QPlainTextEdit(dialog)
        text.setObjectName("StatusWholeText")
        text.setReadOnly(True)
        text.setTabChangesFocus(True)
        text.setAccessibleName("Status message, whole")
        text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        layout.addWidget(text, 1)
        layout.addLayout(close_row(dialog, self._window))
        self._dialog, self._text = dialog, text
        return dialog


def install(window: QMainWindow) -> StatusLine:
    """Temporary messages elided in the window's status bar, whole on Ctrl+Shift+M or a click."""
    line = window.findChild(StatusLine, "StatusLine")
    if isinstance(line, StatusLine):
        return line
    return StatusLine(window)
