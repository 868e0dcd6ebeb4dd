"""One staleness rule: a card, a stored card, a search result and the results model agree for the same date."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from workaid.core.content.cards import Card
from workaid.core.content.review import is_overdue
from workaid.core.content.search import Response, Result, Snippet
from workaid.core.content.store import StoredCard
from workaid.ui.models import ResultsModel

TODAY = dt.date.today()
DATES = {
    "yesterday": TODAY - dt.timedelta(days=1),
    "today": TODAY,
    "tomorrow": TODAY + dt.timedelta(days=1),
    "none": None,
}


def result(review_by: dt.date | None) -> Result:
    return Result("c1", "guideline", "A card", (), "", review_by, Snippet())


@pytest.mark.parametrize("when", sorted(DATES))
def test_card_result_and_model_agree(when, qapp):
    review_by = DATES[when]
    expected = when == "yesterday"
    card = Card(id="c1", kind="guideline", title="A card", body="", source="", sha256="", review_by=review_by)
    stored = StoredCard("c1", "guideline", "A card", (), "", review_by, "", "", {}, "", 1, "")
    assert is_overdue(review_by) is expected
    assert card.is_stale() is expected
    assert stored.is_stale() is expected
    assert result(review_by).is_stale() is expected
    model = ResultsModel()
    model.set_response(Response("", (result(review_by),)))
    index = model.index(0, 0)
    assert model.data(index, ResultsModel.StaleRole) is expected
    assert model.data(index, ResultsModel.ReviewByRole) == (review_by.isoformat() if review_by else "")
    tip = model.data(index, int(Qt.ItemDataRole.ToolTipRole))
    assert ("Stale: review date" in tip) is expected


def test_a_result_prints_its_review_date_as_text_in_json():
    assert result(dt.date(2027, 3, 1)).as_json()["review_by"] == "2027-03-01"
    assert result(None).as_json()["review_by"] is None


def test_the_models_role_numbers_are_qts():
    from workaid.ui.models import DISPLAY_ROLE, USER_ROLE

    assert int(Qt.ItemDataRole.DisplayRole) == DISPLAY_ROLE
    assert int(Qt.ItemDataRole.UserRole) == USER_ROLE
    assert ResultsModel.IdRole > int(Qt.ItemDataRole.UserRole)
