"""The desk's item models pass Qt's model tester, empty, filled and refilled, and name their roles."""

from __future__ import annotations

import datetime as dt

from deskhelpers import LONDON, WED_1110
from PySide6.QtCore import Qt

from workaid.core.desk.abusive import AbusiveCallRecord
from workaid.core.desk.checklist import Walk
from workaid.core.desk.handoff import ConsultedCard
from workaid.core.desk.routing import Contact
from workaid.ui.desk.models import (
    ConsultedCardsModel,
    ContactsModel,
    CountsModel,
    ProtocolStepsModel,
    TrailModel,
)


def role_names(model) -> set[str]:
    return {bytes(v.data()).decode() for v in model.roleNames().values()}


def contacts(library) -> list[Contact]:
    return [Contact.from_card(library.card(r.id)) for r in library.search("", kind="contact").results]


def test_trail_model(library, qtmodeltester):
    model = TrailModel()
    qtmodeltester.check(model)
    walk = Walk.from_card(library.card("escalation-checklist"), auto_answers={"time-threshold": False})
    for answer in (False, False, False, False):
        walk.answer(answer)
    model.set_rows(walk.trail)
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    last = model.index(4, 0)
    assert last.data(TrailModel.StepRole) == "time-threshold"
    assert last.data(TrailModel.SourceRole) == "the call timer"
    assert last.data().endswith("— No (from the call timer)")
    assert {"step", "question", "answer", "source", "at", "display"} <= role_names(model)


def test_contacts_model(library, qtmodeltester):
    model = ContactsModel(lambda: WED_1110)
    qtmodeltester.check(model)
    model.set_rows(contacts(library))
    qtmodeltester.check(model)
    row = model.row_of("contact-billing-specialists")
    index = model.index(row, 0)
    assert index.data() == index.data(Qt.ItemDataRole.EditRole) == "Billing specialists"
    assert index.data(ContactsModel.OpenNowRole) is True
    assert index.data(ContactsModel.StatusRole) == "Open now"
    assert index.data(ContactsModel.DirectRole) == "020 7946 0410"
    assert "Mon-Fri 08:00-18:00 Europe/London" in index.data(Qt.ItemDataRole.ToolTipRole)
    model.refresh_now()
    assert {"id", "team", "channel", "direct", "hours", "openNow", "status", "topics"} <= role_names(model)


def test_consulted_cards_model_is_checkable(qtmodeltester):
    model = ConsultedCardsModel()
    qtmodeltester.check(model)
    model.set_cards(
        [ConsultedCard("late-fee-waiver", "Waiving a late-payment fee"), ConsultedCard("expert-directory", "Directory")]
    )
    qtmodeltester.check(model)
    second = model.index(1, 0)
    assert second.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(second, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert [c.id for c in model.included()] == ["late-fee-waiver"]
    # A new card keeps the choices already made.
    model.set_cards([*model._rows, ConsultedCard("script-handoff-expert", "Hand-off")])
    assert [c.id for c in model.included()] == ["late-fee-waiver", "script-handoff-expert"]
    qtmodeltester.check(model)


def test_counts_model(qtmodeltester):
    model = CountsModel()
    qtmodeltester.check(model)
    model.set_counts(
        {("Beyond the rep's knowledge", 2): 1},
        {("Beyond the rep's knowledge", 2): 3, ("Customer asked for a supervisor", 3): 1},
    )
    qtmodeltester.check(model)
    assert model.columnCount() == 4 and model.rowCount() == 2
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Reason",
        "Level",
        "Today",
        "This week",
    ]
    assert [model.index(0, c).data() for c in range(4)] == ["Beyond the rep's knowledge", "2 · expert", "1", "3"]
    assert model.index(1, 2).data(CountsModel.TodayRole) == 0
    assert model.totals() == (1, 4)
    model.set_counts({}, {})
    qtmodeltester.check(model)


def test_protocol_steps_model(qtmodeltester):
    model = ProtocolStepsModel(tz=lambda: LONDON)
    qtmodeltester.check(model)
    t = [WED_1110]

    def clock():
        t[0] += dt.timedelta(seconds=30)
        return t[0]

    record = AbusiveCallRecord(clock=clock)
    record.first_warning()
    model.set_record(record.steps, record.next_step)
    qtmodeltester.check(model)
    assert model.index(0, 0).data(ProtocolStepsModel.StateRole) == "done"
    assert model.index(0, 0).data() == "1. First warning — ✓ given at 11:10:30"
    assert model.index(1, 0).data(ProtocolStepsModel.StateRole) == "next"
    record.final_warning()
    record.transfer("Duty supervisor desk")
    model.set_record(record.steps, record.next_step)
    assert model.index(2, 0).data() == "3. End the call or transfer — ✓ transferred to Duty supervisor desk at 11:11:30"
    qtmodeltester.check(model)
