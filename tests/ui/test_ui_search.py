"""Searching as a rep does: keystroke by keystroke, arrows, Enter, Esc."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uihelpers import result_ids, type_slowly

from workaid.ui.models import ResultsModel


def test_typing_shows_results_and_enter_opens_the_top_card(window, qtbot):
    box = window.search_box
    assert box.hasFocus()
    type_slowly(qtbot, box, "escal")
    assert box.text() == "escal"
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "escal")
    ids = result_ids(window)
    assert ids, "escal finds cards"
    titles = [window.model.data(window.model.index(r, 0)) for r in range(3)]
    assert all("scalat" in t.lower() for t in titles), titles
    assert window.count_label.text().endswith("results")

    qtbot.keyClick(box, Qt.Key.Key_Return)
    top_title = window.model.data(window.model.index(0, 0))
    assert window.card_view.card is not None
    assert window.card_view.card.id == ids[0]
    assert top_title in window.card_view.toPlainText()
    # Opening from the box leaves the keyboard in the box: the rep types on.
    assert box.hasFocus()


def test_every_keystroke_updates_the_list(window, qtbot):
    box = window.search_box
    seen = []
    window.search.results.connect(lambda r: seen.append(r.query))
    for ch in "paper":
        qtbot.keyClicks(box, ch)
        qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == box.text())
    # The final answer is for the whole word, and the list holds its results.
    assert seen[-1] == "paper"
    assert "paper-statement-fee" in result_ids(window)


def test_up_and_down_move_the_current_result(window, qtbot):
    box = window.search_box
    type_slowly(qtbot, box, "fee")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "fee")
    assert window.model.rowCount() >= 3
    assert window.results.currentIndex().row() == 0
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert window.results.currentIndex().row() == 2
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert window.results.currentIndex().row() == 1
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Up)  # stops at the top
    assert window.results.currentIndex().row() == 0
    qtbot.keyClick(box, Qt.Key.Key_PageDown)
    assert window.results.currentIndex().row() > 0
    # The text and the cursor in the box are untouched by the arrows.
    assert box.text() == "fee"

    qtbot.keyClick(box, Qt.Key.Key_Down)
    chosen = window.results.currentIndex().data(ResultsModel.IdRole)
    qtbot.keyClick(box, Qt.Key.Key_Enter)
    assert window.card_view.card.id == chosen
    assert box.hasFocus()


def test_escape_clears_the_box_then_returns_to_it(window, qtbot):
    box = window.search_box
    type_slowly(qtbot, box, "abusive")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "abusive")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.card_view.card is not None

    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    # An empty box lists every card again.
    qtbot.waitUntil(
        lambda: window.model.response.query == "" and window.model.rowCount() == window.library.store.count()
    )
    assert window.notice.isHidden()

    # From the card view, Esc brings the keyboard back to the box.
    window.card_view.setFocus()
    qtbot.waitUntil(lambda: window.card_view.hasFocus())
    qtbot.keyClick(window.card_view, Qt.Key.Key_Escape)
    assert box.hasFocus()


def test_typing_in_the_card_view_goes_to_the_search_box(window, qtbot):
    window.card_view.setFocus()
    qtbot.waitUntil(lambda: window.card_view.hasFocus())
    qtbot.keyClicks(window.card_view, "late")
    assert window.search_box.text() == "late"
    assert window.search_box.hasFocus()


def test_enter_with_nothing_found_does_nothing(window, qtbot):
    type_slowly(qtbot, window.search_box, "qqqzzzxx")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "qqqzzzxx")
    assert window.model.rowCount() == 0
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.card_view.card is None
    assert "No cards match “qqqzzzxx”." in window.notice.text()
    assert window.notice.isVisible()


def test_did_you_mean_line_for_a_typo(window, qtbot):
    type_slowly(qtbot, window.search_box, "escaltion")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "escaltion")
    assert window.model.response.mode == "corrected"
    assert window.notice.isVisible()
    shown = window.notice.text().replace("<b>", "").replace("</b>", "")
    assert shown == "No cards match “escaltion”. Showing results for “escalation”."
    assert window.model.rowCount() > 0


def test_kind_filter_narrows_results_and_is_remembered(library, make_window, qtbot):
    w = make_window(library)
    qtbot.waitUntil(lambda: w.model.rowCount() > 0)
    w.kind_filter.setCurrentIndex(w.kind_filter.findData("script"))
    qtbot.waitUntil(
        lambda: (
            w.model.rowCount() > 0
            and all(
                w.model.data(w.model.index(r, 0), ResultsModel.KindRole) == "script" for r in range(w.model.rowCount())
            )
        )
    )
    w.close()
    again = make_window(library)
    assert again.kind_filter.currentText() == "Script"


def test_clicking_a_result_opens_it_without_taking_the_keyboard(window, qtbot):
    rect = window.results.visualRect(window.model.index(1, 0))
    qtbot.mouseClick(window.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.card_view.card is not None
    assert window.card_view.card.id == window.model.data(window.model.index(1, 0), ResultsModel.IdRole)
    assert QApplication.focusWidget() is window.search_box


def test_card_links_open_other_cards(library, make_window, qtbot, tmp_path):
    w = make_window(library)
    from PySide6.QtCore import QUrl

    assert w.card_view.activate_link(QUrl("card:late-fee-waiver")) == "card"
    assert w.card_view.card is not None and w.card_view.card.id == "late-fee-waiver"
