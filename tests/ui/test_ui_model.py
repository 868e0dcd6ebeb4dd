"""ResultsModel: a well-behaved Qt model with named roles."""

from __future__ import annotations

from PySide6.QtCore import Qt

from workaid.core.content.search import Response, Result, Snippet
from workaid.ui.models import ResultsModel


def test_model_passes_the_qt_model_tester(library, qtmodeltester):
    model = ResultsModel()
    model.set_response(library.search("fee"))
    assert model.rowCount() > 3
    qtmodeltester.check(model)
    model.set_response(library.search(""))
    qtmodeltester.check(model)
    model.set_response(library.search("qqqzzzxx"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_roles_and_role_names(library):
    model = ResultsModel()
    model.set_response(library.search("paper statement"))
    names = {bytes(v.data()).decode() for v in model.roleNames().values()}
    assert {"id", "title", "kind", "tags", "summary", "snippet", "stale", "reviewBy", "display"} <= names
    row = model.row_of("paper-statement-fee")
    index = model.index(row, 0)
    card = library.card("paper-statement-fee")
    assert index.data(Qt.ItemDataRole.DisplayRole) == card.title
    assert index.data(ResultsModel.TitleRole) == card.title
    assert index.data(ResultsModel.IdRole) == "paper-statement-fee"
    assert index.data(ResultsModel.KindRole) == "guideline"
    assert "fees" in index.data(ResultsModel.TagsRole)
    assert index.data(ResultsModel.SummaryRole) == card.summary
    assert index.data(ResultsModel.StaleRole) is True
    assert index.data(ResultsModel.ReviewByRole) == "2025-09-30"
    assert "<b>" in index.data(ResultsModel.SnippetRole)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert card.title in tip and "Stale" in tip


def test_snippet_role_escapes_text_and_marks_matches():
    result = Result(
        id="x",
        kind="script",
        title="A <title>",
        tags=("a",),
        summary="",
        review_by=None,
        snippet=Snippet((("use <script> & ", False), ("refund", True), (" now", False))),
    )
    model = ResultsModel()
    model.set_response(Response("refund", (result,)))
    index = model.index(0, 0)
    assert index.data(ResultsModel.SnippetRole) == "use &lt;script&gt; &amp; <b>refund</b> now"
    assert index.data(ResultsModel.StaleRole) is False
    assert "&lt;title&gt;" in index.data(Qt.ItemDataRole.ToolTipRole)
