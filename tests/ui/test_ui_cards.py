"""The card view: stale cards warn, and nothing in a card can load or run anything."""

from __future__ import annotations

import textwrap

import pytest
from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QImage, QPixmap, QTextDocument
from uihelpers import CONTENT, type_slowly

from workaid.core.content.library import Library
from workaid.ui import card_view as card_view_module
from workaid.ui.models import ResultsModel


def test_stale_card_shows_badge_and_banner(window, qtbot):
    type_slowly(qtbot, window.search_box, "paper statement")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "paper statement")
    row = window.model.row_of("paper-statement-fee")
    assert row >= 0
    index = window.model.index(row, 0)
    assert index.data(ResultsModel.StaleRole) is True
    assert index.data(ResultsModel.ReviewByRole) == "2025-09-30"

    window.open_card("paper-statement-fee")
    text = window.card_view.toPlainText()
    assert "Stale: review date 30 Sep 2025 has passed — check with billing-team before relying on it." in text
    assert "Review by 30 Sep 2025" in text
    assert "Owner: billing-team" in text


def test_fresh_card_has_no_stale_banner(window):
    card = window.library.card("late-fee-waiver")
    assert card is not None and not card.is_stale()
    window.open_card("late-fee-waiver")
    assert "Stale:" not in window.card_view.toPlainText()
    assert card.title in window.card_view.toPlainText()


EVIL = textwrap.dedent(
    """\
    ---
    id: evil-card
    kind: guideline
    title: Evil <i>card</i> & friends
    tags: [security]
    owner: security-team
    review_by: 2099-01-01
    ---
    Hello <script>alert(1)</script> there.

    ![x](file:///etc/passwd)

    <img src="http://example.com/x.png">

    <p style="background-image: url(http://example.com/bg.png)" onclick="alert(2)">styled</p>

    [local file](file:///etc/passwd) and [web page](https://example.com/ok) and [other card](card:late-fee-waiver)

    [js](javascript:alert(3))
    """
)


@pytest.fixture
def evil_library(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "evil.md").write_text(EVIL, encoding="utf-8")
    (folder / "late.md").write_text(
        "---\nid: late-fee-waiver\nkind: guideline\ntitle: Late fee\n---\nBody.\n", encoding="utf-8"
    )
    lib = Library(tmp_path / "data", bundled=CONTENT)
    lib.import_folder(folder)
    yield lib
    lib.close()


def _anchors(doc: QTextDocument) -> list[str]:
    hrefs = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                hrefs.append(fmt.anchorHref())
            if fmt.isImageFormat():
                hrefs.append("IMAGE:" + fmt.toImageFormat().name())
            it += 1
        block = block.next()
    return hrefs


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, QByteArray):
        return value.isEmpty()
    if isinstance(value, (bytes, str)):
        return len(value) == 0
    if isinstance(value, (QImage, QPixmap)):
        return value.isNull()
    return False


def test_hostile_card_renders_inert(evil_library, make_window, qtbot, monkeypatch):
    opened = []

    class FakeDesktop:
        @staticmethod
        def openUrl(url):
            opened.append(url.toString())
            return True

    monkeypatch.setattr(card_view_module, "QDesktopServices", FakeDesktop)
    w = make_window(evil_library)
    assert w.open_card("evil-card")
    view = w.card_view
    rendered = view.toHtml()
    lower = rendered.lower()
    assert "<script" not in lower
    assert "alert(" not in lower
    assert "onclick" not in lower
    assert "file:" not in lower
    assert "http://example.com/x.png" not in lower
    assert "bg.png" not in lower
    assert "javascript:" not in lower
    # The title is text, not markup.
    assert "Evil <i>card</i> & friends" in view.toPlainText()
    assert "styled" in view.toPlainText()

    # Nothing in the document is an image, and no link points at a file.
    hrefs = _anchors(view.document())
    assert not [h for h in hrefs if h.startswith("IMAGE:")]
    assert not [h for h in hrefs if h.lower().startswith("file:")]
    assert "https://example.com/ok" in hrefs
    assert "card:late-fee-waiver" in hrefs

    # Even if asked directly, the view and its document load nothing. (A None answer
    # from loadResource would make QTextDocument read the file itself.)
    for url in ("file:///etc/passwd", "/etc/passwd", "http://example.com/x.png", "data:text/plain,hi"):
        for kind in (QTextDocument.ResourceType.ImageResource, QTextDocument.ResourceType.StyleSheetResource):
            assert _empty(view.loadResource(kind.value, QUrl(url)))
            assert _empty(view.document().resource(kind.value, QUrl(url))), url

    # Clicking: a file link does nothing, a web link goes to the desktop only then, a card link opens the card.
    view.anchorClicked.emit(QUrl("file:///etc/passwd"))
    view.anchorClicked.emit(QUrl("javascript:alert(3)"))
    assert opened == []
    assert w.card_view.card.id == "evil-card"
    view.anchorClicked.emit(QUrl("https://example.com/ok"))
    assert opened == ["https://example.com/ok"]
    view.anchorClicked.emit(QUrl("card:late-fee-waiver"))
    assert w.card_view.card.id == "late-fee-waiver"
    assert opened == ["https://example.com/ok"]


def test_card_text_is_selectable(window):
    from PySide6.QtCore import Qt

    window.open_card("late-fee-waiver")
    flags = window.card_view.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert (
        flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
        or flags & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    )
    assert not window.card_view.openLinks()
    assert not window.card_view.openExternalLinks()


def test_tables_get_borders_from_the_default_stylesheet(window):
    window.open_card("escalation-levels")
    css = window.card_view.document().defaultStyleSheet()
    assert "td" in css and "border" in css
    assert "four escalation levels" in window.card_view.toPlainText().lower()
