"""The desk panel a rep would see above the card being edited, updated as the owner types.

For a guideline with a discretion table it is the desk's own AuthorityPanel, so the
owner can try "what if £20" against the limits they are typing, and the answer is the
one a rep will get. The other panels take a whole desk (a call, a directory); for
those the preview shows what the rep would see from the same core functions: the
checklist's questions and where each answer leads (checklist.Walk, Recommendation),
a script filled with nothing yet ([name?] markers, scripts.fill), a contact's
directory entry (routing.Contact).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QTextBrowser, QVBoxLayout, QWidget

from workaid.core.content.cards import Card
from workaid.core.content.kinds import placeholders_in
from workaid.core.desk.abusive import PROTOCOL_CARD
from workaid.core.desk.authority import Decision
from workaid.core.desk.checklist import LEVELS, ChecklistError, Recommendation, Walk
from workaid.core.desk.routing import Contact
from workaid.core.desk.scripts import field_help, fill, placeholder_help, speakable
from workaid.core.settings import Settings
from workaid.ui.desk.authority_panel import AuthorityPanel
from workaid.ui.desk.common import preview_html

NONE, AUTHORITY, CHECKLIST, SCRIPT, CONTACT = "none", "authority", "checklist", "script", "contact"


def _label(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


class DeskPreview(QWidget):
    """The rep's desk panel for the card being edited (`shown` says which one)."""

    # The authority check answered (the words the desk would put in the call's note).
    answered = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeskPreview")
        self.setAccessibleName("Desk panel preview")
        self.setAccessibleDescription("The panel a rep sees above this card, updated as you type.")
        self.shown = NONE
        self.card: Card | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)

        self.note = QLabel(self)
        self.note.setObjectName("DeskPreviewNote")
        self.note.setWordWrap(True)
        self.note.setContentsMargins(10, 8, 10, 8)
        # The panel keeps its own height, as over the card on the desk.
        authority_page = QWidget(self)
        page_layout = QVBoxLayout(authority_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.authority = AuthorityPanel(settings, self._on_decision, authority_page)
        page_layout.addWidget(self.authority)
        page_layout.addStretch(1)
        self.walk = self._browser("Checklist walk")
        self.script = self._browser("Script as the rep sees it")
        self.contact = self._browser("Directory entry")
        self._pages = {
            NONE: self.note,
            AUTHORITY: authority_page,
            CHECKLIST: self.walk,
            SCRIPT: self.script,
            CONTACT: self.contact,
        }
        for page in self._pages.values():
            self.stack.addWidget(page)
        self.clear()

    def _browser(self, name: str) -> QTextBrowser:
        view = QTextBrowser(self)
        view.setObjectName("DeskPreviewText")
        view.setAccessibleName(name)
        view.setOpenLinks(False)
        view.setOpenExternalLinks(False)
        return view

    # -- what the owner's editor calls ------------------------------------------------------------
    def show_card(self, card: Card) -> None:
        """Show the panel for `card` (the current text of the card being edited, parsed).

        Shown again with the same id (the owner typed), the authority check keeps the
        amount, facts and times typed into it, so the answer follows the new limits."""
        self.card = card
        fields = card.fields if isinstance(card.fields, dict) else {}
        if card.id == PROTOCOL_CARD:
            self._say(
                "On the desk this card opens the abusive-caller protocol panel (warnings, then ending the call), "
                "driven by the call; it is not previewed here."
            )
        elif card.kind == "guideline" and fields.get("discretion"):
            # AuthorityPanel reads only .id, .title and .fields, which a parsed card has
            # as the stored one does: the desk's own panel, fed the card being edited.
            self.authority.show_card(card)
            self._page(AUTHORITY)
        elif card.kind == "checklist":
            self._show_walk(card)
        elif card.kind == "script":
            self._show_script(card)
        elif card.kind == "contact":
            self._show_contact(card)
        else:
            self._say("No desk panel for this card: a rep sees only the card itself.")

    def clear(self) -> None:
        self.card = None
        self._say("Choose a card to see the desk panel a rep gets with it.")

    # -- the kinds --------------------------------------------------------------------------------
    def _show_walk(self, card: Card) -> None:
        steps_raw = card.fields.get("steps")
        try:
            steps = Walk(steps_raw).steps()
        except ChecklistError as e:
            self._say(f"The checklist cannot be walked: {e}")
            return
        number = {s.id: n for n, s in enumerate(steps, 1)}
        by_id = {s["id"]: s for s in steps_raw if isinstance(s, dict)} if isinstance(steps_raw, list) else {}
        esc = html.escape
        parts = ["<p><b>Escalation checklist</b> — the rep answers Y or N, one question at a time.</p>"]
        for s in steps:
            lines = [f"<b>{number[s.id]}. {esc(s.question)}</b>"]
            if s.help:
                lines.append(f"<i>{esc(s.help)}</i>")
            for answer in ("yes", "no"):
                target = by_id.get(s.id, {}).get(answer)
                lines.append(f"{answer.capitalize()} → {esc(self._lead(s.id, target, number, steps))}")
            parts.append("<p>" + "<br>".join(lines) + "</p>")
        self.walk.setHtml("".join(parts))
        self._page(CHECKLIST)

    @staticmethod
    def _lead(step_id: str, target: Any, number: dict[str, int], steps: list[Any]) -> str:
        if isinstance(target, str):
            question = next((s.question for s in steps if s.id == target), "")
            return f"question {number.get(target, '?')}: {question}"
        if isinstance(target, dict):
            card = target.get("card")
            return Recommendation(
                outcome=target["outcome"],
                level=LEVELS[target["outcome"]],
                reason=str(target.get("reason", "")).strip(),
                card=card.strip() if isinstance(card, str) and card.strip() else None,
                step_id=step_id,
            ).describe()
        return "?"

    def _show_script(self, card: Card) -> None:
        # As the desk's script panel: words for the customer only, fields in the order used.
        body = speakable(card.body)
        names = placeholders_in(body)
        declared = placeholder_help(card.fields)
        renamed = set(placeholders_in(card.body)) - set(names)
        names += [n for n in declared if n not in names and n not in renamed]
        filled = fill(body, {})
        esc = html.escape
        if names:
            rows = "".join(
                f"<li><b>{esc(_label(n))}</b>{' — ' + esc(field_help(n, declared)) if field_help(n, declared) else ''}</li>"
                for n in names
            )
            head = f"<p><b>The rep fills in</b> (0 of {len(names)} filled):</p><ul>{rows}</ul><hr>"
        else:
            head = "<p><b>Nothing to fill in.</b></p><hr>"
        self.script.setHtml(head + preview_html(filled.html))
        self._page(SCRIPT)

    def _show_contact(self, card: Card) -> None:
        c = Contact.from_card(card)
        esc = html.escape
        now = dt.datetime.now().astimezone()
        line = " · ".join(
            part
            for part in (c.team, c.topics_text, f"{c.channel_label}: {c.direct}" if c.direct else c.channel_label)
            if part
        )
        self.contact.setHtml(f"<p><b>{esc(line)}</b></p><p>Hours: {esc(c.hours_text)}<br>{esc(c.now_text(now))}</p>")
        self._page(CONTACT)

    # -- inside ------------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.note.setText(text)
        self._page(NONE)

    def _page(self, key: str) -> None:
        self.shown = key
        self.stack.setCurrentWidget(self._pages[key])

    def _on_decision(self, summary: str, decision: Decision) -> None:
        self.answered.emit(summary)
