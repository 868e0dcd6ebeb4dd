"""The escalation desk in the main window: the call bar, the panel over the card, the
keys, and the hand-off and log dialogs.

Built once the first results are on screen (MainWindow.build_desk, workaid.ui.startup); each panel and
dialog is built the first time it is needed. Everything the desk decides comes from
workaid.core (authority, checklist, scripts, hours, handoff, escalation_log, desk);
what the call has gathered so far is the CallSession, in memory only.

Keys (all work from the search box, the panels and the dialogs):

    Ctrl+T          start / pause the call timer
    Ctrl+Shift+T    new call: timer back to 0:00, the last call forgotten
    Ctrl+Shift+E    escalation checklist (Y / N, Backspace back, Enter opens the script)
    Ctrl+H          hand-off note
    Ctrl+Shift+A    abusive-caller protocol (Enter, E, T, H)
    Ctrl+Shift+L    escalation log
    Ctrl+Shift+U    recently updated cards (newest first; Enter opens one)
    Ctrl+Shift+D    dismiss the marks of what changed since you last opened this card
    Ctrl+Shift+C    copy what the panel offers (filled script, protocol record, note…);
                    Ctrl+Enter too, in the script form and the hand-off note
    Tab             from the search box straight into the panel over the card

None of these is a key a text field takes for itself: on X11 a line edit keeps Ctrl+E
(end of line) and Ctrl+U, so the checklist is Ctrl+Shift+E.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workaid.core.desk.abusive import PROTOCOL_CARD
from workaid.core.desk.changes import CardChange, compare
from workaid.core.desk.routing import CHECKLIST_CARD, Contact, hint_words, rank_contacts
from workaid.core.desk.seen import SeenCards, SinceLastSeen, since_last_seen
from workaid.core.desk.seen import default_path as seen_path
from workaid.core.desk.session import CallSession
from workaid.core.errors import EnvironmentProblem
from workaid.ui import theme
from workaid.ui.desk.call_timer import CallTimerButton
from workaid.ui.desk.common import DeskPanel, desk_stylesheet
from workaid.ui.desk.give_way import ResultsGiveWay
from workaid.ui.desk.log_service import LogService
from workaid.ui.layout import NARROW_WIDTH
from workaid.ui.tasks import Tasks

if TYPE_CHECKING:
    from workaid.ui.desk.escalation_log_view import EscalationLogDialog
    from workaid.ui.desk.handoff_dialog import HandoffDialog
    from workaid.ui.desk.host import DeskHost
    from workaid.ui.desk.recent_view import RecentDialog

log = logging.getLogger("workaid.ui.desk")

PANEL_SHARE = 0.62  # at most this much of the card pane's height goes to a panel
PANEL_SHARE_NARROW = 0.72
CARD_MIN_HEIGHT = 90  # the card's text under a panel keeps at least this
# While the rep works in the panel (the results gave way, workaid.ui.desk.give_way) the
# panel may take all but the card's title line: its verdict and fields come first.
CARD_MIN_HEIGHT_IN_USE = 56


def local_now() -> dt.datetime:
    return dt.datetime.now().astimezone()


class PanelHost(QScrollArea):
    """Holds the panels (one shown at a time) above the card, as tall as its panel needs,
    up to a share of the pane; beyond that it scrolls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PanelHost")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.inner = QWidget(self)
        self.inner.setObjectName("PanelInner")
        self.box = QVBoxLayout(self.inner)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(0)
        self.setWidget(self.inner)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def keyPressEvent(self, e: Any) -> None:
        super().keyPressEvent(e)  # the scrolling keys
        # A letter no panel control used stays here: it never wanders into the card view,
        # which would send it to the search box in the middle of, say, the protocol.
        if e.text() and e.text().isprintable():
            e.accept()

    def content_height(self, width: int) -> int:
        layout = self.inner.layout()
        if layout is not None and layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return self.inner.sizeHint().height()


class DeskPane(QObject):
    """The panel over the card: a PanelHost inside the card view, above its text.

    The card view keeps its place in the splitter (and everything the window does with
    it); the host sits in the view's top viewport margin, so the card's text (and its
    scroll bar, see _fit_scroll_bar) start under the panel.
    """

    def __init__(self, host: DeskHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host_window = host
        self.view = host.card_view
        self.panels: dict[str, DeskPanel] = {}
        self.current: DeskPanel | None = None
        self.give_way: ResultsGiveWay | None = None  # set by the Desk
        self._fit_pending = False
        self._height = 0
        self.host = PanelHost(self.view)
        self.host.hide()
        # Over every card, panel or not: the open card changed during the call (a sync).
        self.banner = QLabel(self.host.inner)
        self.banner.setObjectName("ChangeBanner")
        self.banner.setAccessibleName("Card changed")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.host.box.addWidget(self.banner)
        # Over the card too: the rep's own flag on it, and the owner's answer (ui.feedback).
        self.note = QLabel(self.host.inner)
        self.note.setObjectName("FlagNote")
        self.note.setAccessibleName("Your flag on this card")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        self.host.box.addWidget(self.note)
        self.view.installEventFilter(self)  # resizes: the host follows the view's width
        # The scroll bar's container (a QAbstractScrollArea always has one).
        vbar_box = self.view.verticalScrollBar().parentWidget()
        assert vbar_box is not None
        self._vbar_box = vbar_box
        vbar_box.installEventFilter(self)
        # A panel that grows or shrinks (a message shown, a result instead of a question)
        # asks its parent for a new layout: the host then fits it again.
        self.host.inner.installEventFilter(self)

    def add_panel(self, key: str, panel: DeskPanel) -> DeskPanel:
        panel.hide()
        self.host.box.addWidget(panel)
        panel.resized.connect(self.fit_later)
        self.panels[key] = panel
        return panel

    def show_panel(self, panel: DeskPanel | None) -> None:
        if panel is not self.current:
            if self.current is not None:
                self.current.hide()
            self.current = panel
            if panel is not None:
                panel.show()
        if panel is None:
            if self.give_way is not None:
                self.give_way.restore()
            if self.banner.isVisible() or not self.note.isHidden():
                self.host.show()
                self.fit()
            else:
                self.host.hide()
                self._set_height(0)
            return
        self.host.show()
        self._chain_tabs(panel)
        self.fit()
        self.host.verticalScrollBar().setValue(0)
        if self.give_way is not None:
            self.give_way.check_later()

    def _chain_tabs(self, panel: DeskPanel) -> None:
        """Tab from the search box goes into the panel first."""
        chain = [w for w in panel.focus_chain() if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
        prev: QWidget = self.host_window.search_box
        for w in chain:
            QWidget.setTabOrder(prev, w)
            prev = w

    def fit_later(self) -> None:
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self, self.fit)

    def fit(self) -> None:
        """The host as tall as its panel, within its share of the card view."""
        self._fit_pending = False
        if self.current is None and not self.banner.isVisible():
            return
        view_h = self.view.height()
        if self.give_way is not None and self.give_way.active and self.current is not None:
            cap = max(80, view_h - CARD_MIN_HEIGHT_IN_USE)
        else:
            share = PANEL_SHARE_NARROW if self.host_window.width() < NARROW_WIDTH else PANEL_SHARE
            cap = max(80, min(int(view_h * share), view_h - CARD_MIN_HEIGHT))
        m = self.host.contentsMargins()  # the host's own border (the stylesheet's line under it)
        wanted = self.host.content_height(self.view.width() - m.left() - m.right()) + m.top() + m.bottom()
        self._set_height(min(wanted, cap))

    def _set_height(self, h: int) -> None:
        self._height = h
        self.view.setViewportMargins(0, h, 0, 0)
        self.host.setGeometry(0, 0, self.view.width(), h)
        self._fit_scroll_bar()

    def _fit_scroll_bar(self) -> None:
        """The card's scroll bar starts under the panel, as its text does. (The view lays its
        scroll bars out over its whole height, viewport margins or not; each time it does,
        this moves the vertical one down again.)"""
        box = self._vbar_box
        top = self.view.viewport().geometry().top()
        g = box.geometry()
        if self._height and g.top() < top and g.height() > 0:
            box.setGeometry(g.x(), top, g.width(), max(0, g.bottom() - top + 1))

    @property
    def height(self) -> int:
        return self._height

    def scroll_to_end(self) -> None:
        bar = self.host.verticalScrollBar()
        bar.setValue(bar.maximum())

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setAccessibleDescription(text)
        self.banner.show()
        self.host.show()
        self.fit_later()

    def hide_banner(self) -> None:
        if self.banner.isVisible():
            self.banner.hide()
            self.banner.clear()
            self._fold()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setAccessibleDescription(text)
        self.note.show()
        self.host.show()
        self.fit_later()

    def hide_note(self) -> None:
        if not self.note.isHidden():
            self.note.hide()
            self.note.clear()
            self._fold()

    def _fold(self) -> None:
        """After a line went away: the host goes too when nothing is left in it."""
        if self.current is None and not self.banner.isVisible() and self.note.isHidden():
            self.host.hide()
            self._set_height(0)
        else:
            self.fit_later()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.view and kind == QEvent.Type.Resize:
            if self.current is not None or self.banner.isVisible():
                self.host.setGeometry(0, 0, self.view.width(), self._height)
                self.fit_later()
        elif watched is self.host.inner and kind == QEvent.Type.LayoutRequest:
            self.fit_later()
        elif watched is self._vbar_box and kind in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            self._fit_scroll_bar()
        return False


class CallBar(QWidget):
    """In the search bar: the call timer and the desk menu."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.timer = CallTimerButton(desk.session, self)
        self.menu_button = QToolButton(self)
        self.menu_button.setObjectName("DeskMenuButton")
        self.menu_button.setText("Desk")
        self.menu_button.setAccessibleName("Escalation desk menu")
        self.menu_button.setToolTip("Escalation desk: checklist, hand-off note, abusive caller, log")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.menu = QMenu(self.menu_button)
        self.menu.setObjectName("DeskMenu")
        self.menu_button.setMenu(self.menu)
        layout.addWidget(self.timer)
        layout.addWidget(self.menu_button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._compact: bool | None = None

    def set_compact(self, compact: bool) -> None:
        """A narrow window: the menu button shrinks to an icon, the search box keeps its room."""
        if compact != self._compact:
            self._compact = compact
            self.menu_button.setText("☰" if compact else "Desk")


class Desk(QObject):
    # (card id, verdict) each time the authority panel answers: the feedback signals count them
    authorityChecked = Signal(str, str)
    newCall = Signal()

    def __init__(self, window: DeskHost) -> None:
        self._widget = window.window()  # the same window, as the widget that parents the desk
        super().__init__(self._widget)
        self.window = window
        self.library = window.library
        self.settings = window.settings
        self._clock: Callable[[], dt.datetime] = local_now
        self.session = CallSession()
        self.log_service = LogService(window.library.data_dir, self)
        self._opened: dict[str, Any] = {}  # cards opened this call, for the team ranking
        self._focus_panel_next = False
        self._handoff: HandoffDialog | None = None
        self._log_view: EscalationLogDialog | None = None
        self._recent_view: RecentDialog | None = None
        self._shut = False
        # The versions this rep last opened (local to this desk), saved off the GUI thread.
        self.seen = SeenCards(seen_path(window.library.data_dir))
        self._seen_tasks = Tasks(self, max_threads=1)
        self.since: SinceLastSeen | None = None  # what the open card's marks show, until dismissed

        style = desk_stylesheet()
        self.bar = CallBar(self)
        theme.current().style(self.bar, style)  # follows light / dark and zoom
        # As tall as the kind filter beside it: the search bar keeps its height, so nothing
        # under it moves when the desk arrives.
        height = window.kind_filter.sizeHint().height()
        self.bar.timer.setFixedHeight(height)
        self.bar.menu_button.setFixedHeight(height)
        self.bar.timer.fit_width()
        window.add_to_search_bar(self.bar)
        self.pane = DeskPane(window, self)
        theme.current().style(self.pane.host, style)
        self.pane.give_way = ResultsGiveWay(window, self.pane, self)
        self.bar.timer.toggled_by_user.connect(self.toggle_timer)

        self.actions: dict[str, QAction] = {}
        app_wide = Qt.ShortcutContext.ApplicationShortcut
        self._action("timer", "Start / pause the call timer", ("Ctrl+T",), self.toggle_timer, app_wide)
        self._action(
            "new_call", "New call (timer to 0:00, forget this call)", ("Ctrl+Shift+T",), self.new_call, app_wide
        )
        self.bar.menu.addSeparator()
        self._action("checklist", "Escalation checklist", ("Ctrl+Shift+E",), self.open_checklist, app_wide)
        self._action("handoff", "Hand-off note…", ("Ctrl+H",), self.open_handoff, app_wide)
        self._action("abusive", "Abusive-caller protocol", ("Ctrl+Shift+A",), self.open_abusive, app_wide)
        self.bar.menu.addSeparator()
        self._action("log", "Escalation log…", ("Ctrl+Shift+L",), self.open_log, app_wide)
        self._action("recent", "Recently updated cards…", ("Ctrl+Shift+U",), self.open_recent, app_wide)
        self._action(
            "dismiss_changes",
            "Dismiss the marked changes",
            ("Ctrl+Shift+D",),
            self.dismiss_changes,
            Qt.ShortcutContext.WindowShortcut,
        )
        self._action(
            "copy",
            "Copy (script, record, contact)",
            ("Ctrl+Shift+C", "Ctrl+Return", "Ctrl+Enter"),
            self.copy,
            Qt.ShortcutContext.WindowShortcut,
        )
        window.setTabOrder(window.kind_filter, self.bar.timer)
        window.setTabOrder(self.bar.timer, self.bar.menu_button)

        window.cardOpened.connect(self._on_card_opened)
        self._shown_id: str | None = None
        self._shown_card: Any = None
        self._panel_focus: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        window.installEventFilter(self)  # resizes: the call bar compacts in a narrow window
        self._fit_bar()
        view = window.card_view
        if view.card is not None:
            self._on_card_opened(view.card.id)

    def _action(
        self, key: str, text: str, keys: tuple[str, ...], slot: Callable[[], Any], context: Qt.ShortcutContext
    ) -> QAction:
        act = QAction(text, self)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(context)
        act.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(act)
        self.bar.menu.addAction(act)
        self.actions[key] = act
        return act

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Resize:
            self._fit_bar()
        return False

    def _fit_bar(self) -> None:
        self.bar.set_compact(self.window.width() < NARROW_WIDTH)

    # -- time -------------------------------------------------------------------------------
    def clock(self) -> dt.datetime:
        """Now, in the desk's local time zone (tests set a fixed clock with set_clock)."""
        return self._clock()

    def set_clock(self, clock: Callable[[], dt.datetime]) -> None:
        self._clock = clock

    # -- the call ---------------------------------------------------------------------------
    def toggle_timer(self) -> None:
        running = self.session.toggle_timer()
        if running:
            card = self.window.card_view.card
            if card is not None:  # the card on screen when the call starts is part of it
                self._note(card)
        self.bar.timer.refresh()
        panel = self.pane.panels.get("checklist")
        if panel is not None:
            panel.timer_changed()
        self._status("Call timer running." if running else "Call timer paused: Ctrl+T carries on.")

    def new_call(self) -> None:
        self.session.new_call()
        self._opened.clear()
        self.pane.hide_banner()  # a change before this call is nothing this customer was told
        for panel in self.pane.panels.values():
            panel.new_call()
        if self._handoff is not None:
            self._handoff.new_call()
        self.bar.timer.refresh()
        card = self.window.card_view.card
        if card is not None and self.pane.current is not None:
            self.pane.current.show_card(card)
        self._status("New call: the timer is at 0:00 (Ctrl+T starts it) and the last call is forgotten.")
        self.newCall.emit()

    def _note(self, card: Any) -> None:
        self._opened[card.id] = card
        self.session.note_card(card.id, card.title)
        if self._handoff is not None and self._handoff.isVisible():
            self._handoff.prefill()

    # -- cards and panels -----------------------------------------------------------------------
    def card(self, card_id: str) -> Any | None:
        try:
            return self.library.card(card_id)
        except EnvironmentProblem as e:
            self.window.report_problem(str(e))
            return None

    def card_title(self, card_id: str | None) -> str:
        if not card_id:
            return ""
        card = self.card(card_id)
        return card.title if card is not None else card_id

    def open_card(self, card_id: str, focus_panel: bool = True) -> bool:
        """Open a card in the main window; with focus_panel its panel gets the keyboard."""
        self._focus_panel_next = focus_panel
        if focus_panel and not self.window.isActiveWindow():
            self.window.activateWindow()  # asked for from a dialog: the keyboard goes back to the window
        ok = self.window.open_card(card_id, keep_focus=False)
        if not ok:
            self._focus_panel_next = False
        return ok

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        # The window sends the keyboard to the search box when it opens a card; when it only
        # opens the same card again (new content synced, a retry) the rep typing in a panel
        # keeps their place. Remembered until the event loop next runs, so only a change made
        # by that same call counts (never a deliberate Ctrl+K).
        if new is self.window.search_box and old is not None and self.pane.host.isAncestorOf(old):
            self._panel_focus = old
            QTimer.singleShot(0, self, self._forget_panel_focus)
        panel = self.pane.current
        if new is not None and panel is not None and panel.isAncestorOf(new):
            chain = [w for w in panel.focus_chain() if w.isVisible()]
            if chain and new is chain[-1]:
                # The panel's last control: what follows it (the key hints, the verdict's
                # reasons) is read, not focused, so the keyboard brings it into view too.
                QTimer.singleShot(0, self, self.pane.scroll_to_end)

    def _forget_panel_focus(self) -> None:
        self._panel_focus = None

    def _on_card_opened(self, card_id: str) -> None:
        card = self.window.card_view.card
        if card is None or card.id != card_id:
            card = self.card(card_id)
            if card is None:
                return
        again = card_id == self._shown_id
        previous, self._shown_card = self._shown_card, card
        self._shown_id = card_id
        change = self._change(previous, card) if again else None
        since = None if again else self._since_last_seen(card)
        if not again:
            self.since = since
        if change is not None:
            self.pane.show_banner(change.banner(self.clock().tzinfo))
            self._status(change.banner(self.clock().tzinfo))
        elif since is not None:
            self.pane.show_banner(since.banner(self.clock().tzinfo) + "  (Ctrl+Shift+D hides the marks)")
        elif not again:
            self.pane.hide_banner()
        self._mark_seen(card)
        restore = self._panel_focus if again else None
        self._panel_focus = None
        if self.session.started:
            self._note(card)
        else:
            self._opened[card.id] = card
        panel = self._panel_for(card)
        if panel is not None:
            if change is not None:
                panel.card_replaced(change, change.banner(self.clock().tzinfo))
            panel.show_card(card)
        self.pane.show_panel(panel)
        if since is not None and card.kind != "script":  # a script's body is its filled-in preview
            self.window.card_view.show_body(self._highlighted(since))
        if self._focus_panel_next and panel is not None:
            panel.focus_first()
        elif restore is not None and restore.isVisible():
            restore.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_panel_next = False

    def _change(self, previous: Any, card: Any) -> CardChange | None:
        """What a newer version of the card on screen changed (a sync replaced it), if anything."""
        if previous is None or (
            previous.version == card.version and previous.body == card.body and previous.fields == card.fields
        ):
            return None
        try:
            history = self.library.history(card.id)
        except EnvironmentProblem as e:
            self.window.report_problem(str(e))
            history = []
        change = compare(previous, card, history)
        if change is not None:
            log.info("card %s changed on screen: %s", card.id, "; ".join(change.changes))
        return change

    # -- what changed since the rep last opened a card ------------------------------------------
    def _since_last_seen(self, card: Any) -> SinceLastSeen | None:
        seen = self.seen.last_seen(card.id)
        if seen is None or seen >= card.version:
            return None
        try:
            history = self.library.history(card.id)
            raws = {seen: self.library.version_raw(card.id, seen) or ""}
        except EnvironmentProblem as e:
            log.warning("cannot read the history of %s: %s", card.id, e)
            return None
        since = since_last_seen(card, seen, raws, history)
        if since is not None:
            log.info("card %s changed since version %s was last opened here", card.id, seen)
        return since

    def _highlighted(self, since: SinceLastSeen) -> str:
        from workaid.core.content.highlight import highlighted_html
        from workaid.core.content.limits import expand_limits

        # The limits table is compared as the rep reads it, so a changed limit is marked in it.
        old = expand_limits(since.old_body, dict(since.old_fields))
        return highlighted_html(old, expand_limits(since.new_body, dict(since.new_fields)))

    def _mark_seen(self, card: Any) -> None:
        if self.seen.mark(card.id, card.version):
            self._seen_tasks.run(self.seen.save, None, self._seen_not_saved)

    def _seen_not_saved(self, exc: BaseException) -> None:
        # Only the marks of what changed are at stake; the rep need not be told.
        log.warning("could not save which card versions were opened: %r", exc)

    def dismiss_changes(self) -> None:
        """Ctrl+Shift+D: the card as it is, without the marks of what changed."""
        view = self.window.card_view
        if self.since is None or view.card is None or view.card.id != self.since.card_id:
            return
        self.since = None
        self.pane.hide_banner()
        if view.card.kind != "script":
            view.show_card(view.card)
        self._status("Changes dismissed: the card as it is now.")

    def _panel_for(self, card: Any) -> DeskPanel | None:
        kind = card.kind
        if card.id == PROTOCOL_CARD:
            return self._panel("abusive")
        if kind == "checklist":
            return self._panel("checklist")
        if kind == "script":
            return self._panel("script")
        if kind == "contact":
            return self._panel("contact")
        if kind == "guideline" and isinstance(card.fields, dict) and card.fields.get("discretion"):
            return self._panel("authority")
        return None

    def _panel(self, key: str) -> DeskPanel:
        panel = self.pane.panels.get(key)
        if panel is not None:
            return panel
        if key == "authority":
            from workaid.ui.desk.authority_panel import AuthorityPanel

            panel = AuthorityPanel(self.settings, self._on_authority)
        elif key == "checklist":
            from workaid.ui.desk.checklist_panel import ChecklistPanel

            panel = ChecklistPanel(self)
        elif key == "script":
            from workaid.ui.desk.script_panel import ScriptPanel

            panel = ScriptPanel(self)
        elif key == "contact":
            from workaid.ui.desk.contact_panel import ContactPanel

            panel = ContactPanel(self)
        else:
            from workaid.ui.desk.abusive_panel import AbusivePanel

            panel = AbusivePanel(self)
        return self.pane.add_panel(key, panel)

    def _on_authority(self, summary: str, decision: Any = None) -> None:
        self.session.record_authority(summary, decision)
        if decision is not None and self._shown_id:
            self.authorityChecked.emit(self._shown_id, str(decision.verdict))

    def show_card_body(self, card: Any, body_html: str) -> None:
        view = self.window.card_view
        if view.card is not None and view.card.id == card.id:
            view.show_body(body_html)

    # -- the directory --------------------------------------------------------------------------
    def contacts(self) -> list[Contact]:
        try:
            cards = self.library.cards_of_kind("contact")
        except EnvironmentProblem as e:
            self.window.report_problem(str(e))
            return []
        return [Contact.from_card(c) for c in cards if c is not None]

    def rank_contacts(self, outcome: str) -> list[Contact]:
        return rank_contacts(self.contacts(), outcome, hint_words(self._opened.values()))

    def call_changed(self, source: Any = None) -> None:
        """The team taking the call over, or a value typed for the call, changed elsewhere:
        the open script and the note follow, so nothing is typed twice."""
        panel = self.pane.panels.get("script")
        if panel is not None and panel is self.pane.current:
            panel.refill()
        if self._handoff is not None and source is not self._handoff and self._handoff.isVisible():
            self._handoff.prefill()

    # -- commands -----------------------------------------------------------------------------------
    def open_checklist(self) -> None:
        self.open_card(CHECKLIST_CARD, focus_panel=True)

    def open_abusive(self) -> None:
        self.open_card(PROTOCOL_CARD, focus_panel=True)

    @property
    def handoff(self) -> HandoffDialog:
        if self._handoff is None:
            from workaid.ui.desk.handoff_dialog import HandoffDialog

            self._handoff = HandoffDialog(self, self._widget)
        return self._handoff

    def open_handoff(self) -> None:
        self.handoff.open_for_call()

    def open_recent(self) -> None:
        if self._recent_view is None:
            from workaid.ui.desk.recent_view import RecentDialog

            self._recent_view = RecentDialog(self, self._widget)
        self._recent_view.open_view()

    @property
    def log_view(self) -> EscalationLogDialog:
        if self._log_view is None:
            from workaid.ui.desk.escalation_log_view import EscalationLogDialog

            self._log_view = EscalationLogDialog(self, self._widget)
        return self._log_view

    def open_log(self) -> None:
        self.log_view.open_view()

    def copy(self) -> None:
        """Ctrl+Shift+C: what the panel over the card offers (a panel with its own message line says what happened)."""
        panel = self.pane.current
        if panel is None or not panel.isVisible():
            self._status("Nothing to copy here: open a script, a contact or the protocol first.")
            return
        copied = panel.copy()
        if not hasattr(panel, "message"):
            self._status(
                f"Copied the {panel.title.lower()}."
                if copied
                else f"Nothing to copy yet from the {panel.title.lower()}."
            )

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)

    def shutdown(self) -> None:
        if self._shut:
            return
        self._shut = True
        for dialog in (self._handoff, self._log_view, self._recent_view):
            if dialog is not None:
                dialog.close()
        self.log_service.close()
        self._seen_tasks.close()
        try:
            self.seen.save()
        except OSError as e:
            log.warning("could not save which card versions were opened: %s", e)
