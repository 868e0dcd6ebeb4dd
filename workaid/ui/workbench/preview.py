"""The live preview: the rep's own card view (workaid.ui.card_view.CardView), so the owner
sees exactly what a rep will see, header, stale badge and body, rendered and sanitised
the same way.

While the text has problems the preview keeps the last version that had none, and says
so: a half-typed table should not make the preview flicker to nothing.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from workaid.core.content.cards import Card
from workaid.core.content.store import StoredCard
from workaid.ui.card_view import CardView


def as_stored(card: Card) -> StoredCard:
    """A parsed card as the card view takes it (what the store would hand back after import)."""
    return StoredCard(
        id=card.id,
        kind=card.kind,
        title=card.title,
        tags=card.tags,
        owner=card.owner,
        review_by=card.review_by,
        summary=card.summary,
        body=card.body,
        fields=dict(card.fields),
        source=card.source,
        version=0,
        updated_at="",
    )


class PreviewPane(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WorkbenchPreview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.note = QLabel(self)
        self.note.setObjectName("PreviewNote")
        self.note.setWordWrap(True)
        self.note.setContentsMargins(10, 6, 10, 6)
        self.note.setStyleSheet("background: #fff4d6; color: #5c4300; border-bottom: 1px solid #ecd9a0;")
        self.note.hide()
        self.view = CardView(self)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setAccessibleName("Preview")
        self.view.setAccessibleDescription("The card as a rep will see it, updated as you type.")
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        self.shown_sha256: str | None = None

    def show_card(self, card: Card) -> None:
        """Show `card` as the rep's view would, keeping the scroll position."""
        self.note.hide()
        if card.sha256 == self.shown_sha256:
            return
        bar = self.view.verticalScrollBar()
        position = bar.value()
        self.view.show_card(as_stored(card))
        bar.setValue(min(position, bar.maximum()))
        self.shown_sha256 = card.sha256

    def show_stale(self, problems: int) -> None:
        """The text has problems: keep the last good preview and say so."""
        if self.shown_sha256 is None:
            self._message("The preview appears once the card has no problems.")
            return
        self.note.setText(
            f"The preview shows the last version without problems; fix the {problems} problem"
            f"{'s' if problems != 1 else ''} under the editor to update it."
        )
        self.note.show()

    def clear(self, message: str | None = None) -> None:
        self.shown_sha256 = None
        self._message(message or "Choose a card on the left to edit it.")

    def _message(self, text: str) -> None:
        # Not CardView.show_empty: its key hints are the rep's search keys, not the owner's.
        self.note.hide()
        self.view.show_empty(text)
        self.view.setHtml(f'<p class="hint-title" style="margin-top: 24px;">{html.escape(text)}</p>')
