"""The card view: a read-only, inert QTextBrowser.

Safety: the HTML comes from render.to_html (already sanitised by nh3), and on top of
that the view never loads anything: loadResource answers an empty (non-null) value
for every URL (no remote, no file:, no data:; returning None would let
QTextDocument read local files and data: URLs itself), links are never followed by Qt itself, and a click is
routed by scheme: web and mail links go to the desktop only after the click,
``card:ID`` opens that card in the app, everything else is ignored and logged.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QByteArray, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from workaid.core.content import render
from workaid.core.content.store import StoredCard
from workaid.ui import theme
from workaid.ui.models import human_date, kind_label

log = logging.getLogger("workaid.ui.card")


def card_html(markdown_text: str, fields: Mapping[str, Any] | None = None) -> str:
    """The body as a rep sees it; with the card's `fields`, its {{limits}} line shows the discretion table."""
    return render.card_body_html(markdown_text, fields)


def warm_up() -> None:
    """Import markdown, its extensions and nh3 off the GUI thread, so the first card opens
    at once: what is left then (the GUI thread's own converter) is cheap to build."""
    card_html(
        "# w\n\n**a** *b* `c` [d](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n\n```\ny\n```\n"
    )


DOCUMENT_CSS = """
body { color: #1d232b; }
p { margin-top: 0px; margin-bottom: 9px; }
h1 { font-size: 15pt; font-weight: 600; color: #111820; margin-top: 14px; margin-bottom: 8px; }
h2 { font-size: 12.5pt; font-weight: 600; color: #17365d; margin-top: 16px; margin-bottom: 6px; }
h3 { font-size: 11pt; font-weight: 600; color: #2b3440; margin-top: 12px; margin-bottom: 4px; }
h4, h5, h6 { font-size: 10.5pt; font-weight: 600; color: #2b3440; margin-top: 10px; margin-bottom: 4px; }
a { color: #1a5fb4; text-decoration: underline; }
ul, ol { margin-top: 0px; margin-bottom: 9px; margin-left: 0px; -qt-list-indent: 1; }
li { margin-bottom: 3px; }
table { border-collapse: collapse; border-color: #c9d1da; border-style: solid;
        margin-top: 4px; margin-bottom: 12px; }
th { background-color: #eef2f6; font-weight: 600; border: 1px solid #c9d1da; padding: 5px 9px; text-align: left; }
td { border: 1px solid #c9d1da; padding: 5px 9px; vertical-align: top; }
code { font-family: "DejaVu Sans Mono", "Consolas", monospace; background-color: #f0f2f5; color: #8a2c2c; }
pre { font-family: "DejaVu Sans Mono", "Consolas", monospace; background-color: #f4f6f8; color: #1d232b;
      padding: 8px; margin-bottom: 10px; }
pre code { color: #1d232b; background-color: #f4f6f8; }
blockquote { color: #46505c; font-style: italic; margin-left: 14px; margin-right: 0px; }
kbd { font-family: "DejaVu Sans Mono", monospace; background-color: #f0f2f5; }
hr { background-color: #dde3ea; }
.title { font-size: 18pt; font-weight: 600; color: #0f1720; margin-top: 0px; margin-bottom: 4px; }
.meta { color: #5b6673; margin-bottom: 2px; }
.summary { color: #3a4450; font-style: italic; margin-bottom: 10px; }
.chip { color: #1f4e8c; font-weight: 600; }
.stale { color: #7a1712; }
.hint { color: #6b7683; }
.hint-title { font-size: 14pt; color: #3a4450; font-weight: 600; }
"""

COMPACT_CSS = """
.title { font-size: 15pt; }
h1 { font-size: 13.5pt; }
h2 { font-size: 12pt; }
"""

KEY_HINTS = (
    ("Type", "search as you type"),
    ("↑ ↓", "choose a result"),
    ("Enter", "open it here"),
    ("Esc", "clear the search"),
    ("Ctrl+K", "back to the search box from anywhere"),
    ("Ctrl+T", "start or pause the call timer"),
    ("Ctrl+Shift+E", "escalation checklist"),
    ("Ctrl+H", "hand-off note"),
    ("Ctrl+Shift+A", "abusive-caller protocol"),
)


def header_html(card: StoredCard) -> str:
    esc = html.escape
    parts = [f'<p class="title">{esc(card.title)}</p>']
    meta = [f'<span class="chip">{esc(kind_label(card.kind))}</span>']
    if card.tags:
        meta.append(esc(" · ".join(card.tags)))
    if card.owner:
        meta.append(f"Owner: {esc(card.owner)}")
    stale = card.is_stale()
    when = esc(human_date(card.review_by)) if card.review_by else ""
    if when:
        meta.append(f'<span class="stale"><b>Review by {when}</b></span>' if stale else f"Review by {when}")
    parts.append('<p class="meta">' + " &nbsp;|&nbsp; ".join(meta) + "</p>")
    if stale:
        who = esc(card.owner) if card.owner else "the card's owner"
        parts.append(
            '<table width="100%" cellspacing="0" cellpadding="9" style="border: none; margin-top: 8px; margin-bottom: 4px;">'
            '<tr><td bgcolor="#fdecea" style="border: 1px solid #f0a8a1; border-left: 4px solid #c62828;">'
            f'<span class="stale">\u26a0 <b>Stale:</b> review date {when} has passed — '
            f"check with {who} before relying on it.</span></td></tr></table>"
        )
    if card.summary:
        parts.append(f'<p class="summary">{esc(card.summary)}</p>')
    parts.append('<hr style="margin-top: 2px; margin-bottom: 12px;" />')
    return "".join(parts)


def empty_html(message: str | None = None) -> str:
    rows = "".join(
        f'<tr><td style="padding: 3px 14px 3px 0px;"><b>{html.escape(k)}</b></td>'
        f'<td class="hint" style="padding: 3px 0px;">{html.escape(v)}</td></tr>'
        for k, v in KEY_HINTS
    )
    lead = html.escape(message or "Find the right card in two keystrokes.")
    return (
        f'<p class="hint-title" style="margin-top: 24px;">{lead}</p>'
        f'<table cellspacing="0" cellpadding="0" style="border: none; margin-top: 6px;">{rows}</table>'
    )


class CardView(QTextBrowser):
    """Shows one card. Never fetches a resource, never follows a link on its own."""

    cardLinkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardView")
        self.setAccessibleName("Card")
        self.setAccessibleDescription("The open card. Text can be selected and copied.")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setReadOnly(True)
        self._compact = False
        self._apply_css()
        theme.on_change(self, lambda _dark: self.restyle())
        self.document().setDocumentMargin(18)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.refused_resources: list[str] = []  # every URL the document asked for (all refused)
        self.card: StoredCard | None = None
        self._body_html: str | None = None  # a body shown in place of the card's own (show_body)
        self.show_empty()

    # -- content ----------------------------------------------------------------
    def show_card(self, card: StoredCard) -> None:
        self.card = card
        self._body_html = None
        body = card_html(card.body, card.fields)
        self._set_html(header_html(card) + body)
        self.verticalScrollBar().setValue(0)
        self.setDocumentTitle(card.title)

    def show_body(self, body_html: str) -> None:
        """Show the open card with `body_html` (safe HTML, e.g. a script with its placeholders
        filled in) in place of its own body; the scroll position stays where it is."""
        if self.card is None:
            return
        self._body_html = body_html
        position = self.verticalScrollBar().value()
        self._set_html(header_html(self.card) + body_html)
        self.verticalScrollBar().setValue(position)

    def show_empty(self, message: str | None = None) -> None:
        self.card = None
        self._empty_message = message
        self._set_html(empty_html(message))

    def set_compact(self, compact: bool) -> None:
        """Narrow strip: smaller title and margins. Re-renders what is shown."""
        if compact == self._compact:
            return
        self._compact = compact
        self.document().setDocumentMargin(12 if compact else 18)
        self.restyle()

    def restyle(self) -> None:
        """Draw what is shown again in the current look (compact, theme, zoom)."""
        self._apply_css()
        position = self.verticalScrollBar().value()
        if self.card is not None:
            body = self._body_html if self._body_html is not None else card_html(self.card.body, self.card.fields)
            self._set_html(header_html(self.card) + body)
        else:
            self._set_html(empty_html(getattr(self, "_empty_message", None)))
        self.verticalScrollBar().setValue(position)

    def _apply_css(self) -> None:
        look = theme.current()
        self.document().setDefaultStyleSheet(look.css(DOCUMENT_CSS + (COMPACT_CSS if self._compact else "")))

    def _set_html(self, text: str) -> None:
        self.setHtml(theme.current().html(text))

    def setSource(
        self, url: QUrl | str, type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource
    ) -> None:
        # Navigation by URL is never wanted: content only ever comes in through show_card.
        log.warning("card view refused to navigate to %s", url.toString() if isinstance(url, QUrl) else url)

    # -- safety ---------------------------------------------------------------------
    def loadResource(self, type: int, name: QUrl | str) -> QByteArray:
        # Not None: a null answer makes QTextDocument fall back to reading local files
        # and decoding data: URLs itself. An empty, non-null answer ends the lookup.
        url = name.toString() if isinstance(name, QUrl) else str(name)
        self.refused_resources.append(url)
        log.warning("card view refused to load a resource: %s", url[:200])
        return QByteArray()

    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        self.activate_link(url)

    def activate_link(self, url: QUrl) -> str:
        """What a click on `url` does; returns 'external', 'card' or 'ignored'."""
        text = url.toString()
        scheme = url.scheme().lower()
        if scheme in ("http", "https", "mailto") and render.is_safe_link(text):
            log.info("opening link from card %s: %s", self.card.id if self.card else "-", text[:200])
            QDesktopServices.openUrl(url)
            return "external"
        if scheme == "card":
            card_id = url.path() or text.split(":", 1)[1]
            card_id = card_id.strip("/")
            if card_id:
                self.cardLinkActivated.emit(card_id)
                return "card"
        log.warning("ignored a link with an unsupported address: %s", text[:200])
        return "ignored"
