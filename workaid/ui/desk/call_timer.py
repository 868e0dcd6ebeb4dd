"""The call timer in the search bar: Ctrl+T starts and pauses it, Ctrl+Shift+T starts a new call."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSizePolicy, QToolButton, QWidget

from workaid.core.desk.call_timer import format_elapsed
from workaid.core.desk.session import TIME_THRESHOLD_MINUTES, CallSession
from workaid.ui.desk.common import set_tone

TICK_MS = 500  # twice a second, so the shown second never lags by more than half


class CallTimerButton(QToolButton):
    """Shows the call's length; a click (or Ctrl+T) starts or pauses it."""

    toggled_by_user = Signal()

    def __init__(self, session: CallSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("CallTimer")
        self.setAccessibleName("Call timer")
        self.setToolTip("Call timer — Ctrl+T start or pause · Ctrl+Shift+T new call")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAutoRaise(False)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.refresh)
        self.clicked.connect(self.toggled_by_user)
        self.fit_width()

    def fit_width(self) -> None:
        """One width for every state ("▶ Start call", "● 1:02:09", "❚❚ 4:05"), so the search box
        beside it never moves. Call again once the stylesheet is set (its padding counts)."""
        self.ensurePolished()
        widths = []
        for text in ("▶ Start call", "● 0:00:00", "❚❚ 0:00:00"):
            self.setText(text)
            widths.append(self.sizeHint().width())
        self.setFixedWidth(max(widths))
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        running = s.timer.running
        elapsed = s.timer.elapsed()
        shown = format_elapsed(elapsed)
        over = s.started and s.over_threshold()
        if running:
            self.setText(f"● {shown}")
            state = "over" if over else "running"
            desc = f"Call running, {shown}"
        elif s.started:
            self.setText(f"❚❚ {shown}")
            state = "over" if over else "paused"
            desc = f"Call paused at {shown}"
        else:
            self.setText("▶ Start call")
            state = "idle"
            desc = "No call timed yet: Ctrl+T starts the timer"
        if over:
            desc += f" — past the {TIME_THRESHOLD_MINUTES}-minute threshold"
        self.setAccessibleDescription(desc)
        set_tone(self, state)
        if running and not self._tick.isActive():
            self._tick.start()
        elif not running and self._tick.isActive():
            self._tick.stop()
