"""The workbench's card form and desk-panel preview: the form gives back exactly the card
it was shown, an edit changes only what was edited, and the preview's authority check
answers with the limits being typed."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt
from uihelpers import CONTENT

from workaid.core.authoring.writer import CardForm, form_from_text, text_from_form
from workaid.core.content.cards import parse_card
from workaid.core.settings import Settings
from workaid.ui.workbench.desk_preview import AUTHORITY, CHECKLIST, CONTACT, NONE, SCRIPT, DeskPreview
from workaid.ui.workbench.form import CardFormEditor
from workaid.ui.workbench.form_models import DiscretionModel, PlaceholdersModel, StepsModel

BUNDLED = sorted(CONTENT.rglob("*.md"))
K = Qt.Key


def bundled_form(name: str) -> CardForm:
    path = next(p for p in BUNDLED if p.name == name)
    form, problems = form_from_text(path.read_text(encoding="utf-8"), str(path))
    assert form is not None, problems
    return form


def card_of(form: CardForm):
    result = parse_card(text_from_form(form).encode("utf-8"), "card.md")
    assert result.card is not None and not result.problems, result.problems
    return result.card


def _gone(widget) -> None:
    # A fixture's widget outlives qtbot's deleteLater here (seen: hundreds of widgets per
    # test left alive), and the stylesheet set before each test re-polishes every live
    # widget, so each test would be slower than the last.
    widget.close()
    shiboken6.delete(widget)


@pytest.fixture
def editor():
    ed = CardFormEditor()
    yield ed
    _gone(ed)


@pytest.fixture
def preview(tmp_path):
    view = DeskPreview(Settings(tmp_path / "preferences.json"))
    yield view
    _gone(view)


def changed_fields(a: CardForm, b: CardForm) -> set[str]:
    return {k for k in CardForm.__dataclass_fields__ if getattr(a, k) != getattr(b, k)}


# -- the models ---------------------------------------------------------------------------------
def test_discretion_model(qtmodeltester):
    model = DiscretionModel()
    model.set_rows(bundled_form("late-fee-waiver.md").fields["discretion"]["roles"])
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "1 per 12 months"
    assert model.index(0, 3).data() == "first-offence, account-in-good-standing"
    assert model.index(1, 1).data(DiscretionModel.AmountRole) == 24


def test_placeholders_model(qtmodeltester):
    model = PlaceholdersModel()
    model.set_mapping(bundled_form("setting-a-callback.md").fields["placeholders"])
    qtmodeltester.check(model)
    assert model.index(0, 0).data(PlaceholdersModel.NameRole) == "customer_name"


def test_steps_model(qtmodeltester):
    model = StepsModel()
    model.set_rows(bundled_form("escalation-checklist.md").fields["steps"])
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "→ beyond-knowledge"
    assert model.index(0, 2).data().startswith("Supervisor: Caller still abusive")


# -- the round trip -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_every_bundled_card_comes_back_unchanged(editor, qtbot, path):
    form, problems = form_from_text(path.read_text(encoding="utf-8"), str(path))
    assert form is not None, problems
    with qtbot.assert_not_emitted(editor.edited):
        editor.set_form(copy.deepcopy(form))
    assert editor.form() == form
    assert text_from_form(editor.form()) == text_from_form(form)  # same order of keys too


def test_what_the_widgets_cannot_show_is_kept(editor):
    form = bundled_form("late-fee-waiver.md")
    form.kind = "script"  # the owner changed the kind in the source: the table stays, the parser names it
    form.fields["discretion"]["roles"][0]["per_customer"] = {"months": 12, "count": 1}
    editor.set_form(copy.deepcopy(form))
    assert editor.form() == form
    editor.summary.setText("Changed.")
    after = editor.form()
    assert after.fields == form.fields and after.body == form.body
    assert list(after.fields["discretion"]["roles"][0]["per_customer"]) == ["months", "count"]


# -- editing ------------------------------------------------------------------------------------------
def test_editing_a_limit_changes_that_limit_and_the_file_parses(editor, qtbot):
    form = bundled_form("late-fee-waiver.md")
    editor.set_form(copy.deepcopy(form))
    rows = editor.section("guideline").rows
    table = rows.table
    table.setFocus()
    rows.select_row(1)
    table.setCurrentIndex(table.model().index(1, 1))
    with qtbot.wait_signal(editor.edited):
        qtbot.keyClick(table, K.Key_F2)
        editor_widget = table.focusWidget()
        editor_widget.selectAll()
        qtbot.keyClicks(editor_widget, "30")
        qtbot.keyClick(editor_widget, K.Key_Return)
    after = editor.form()
    assert after.fields["discretion"]["roles"][1]["max_amount"] == 30
    expected = copy.deepcopy(form)
    expected.fields["discretion"]["roles"][1]["max_amount"] = 30
    assert after == expected  # nothing else moved
    again, problems = form_from_text(text_from_form(after))
    assert not problems and again == after


def test_a_bad_amount_is_refused_in_plain_words(editor):
    editor.set_form(bundled_form("late-fee-waiver.md"))
    model = editor.section("guideline").model
    assert not model.setData(model.index(0, 1), "twelve")
    assert "not an amount" in editor.problem.text()
    assert model.setData(model.index(0, 2), "")  # no limit on how often
    assert "per_customer" not in editor.form().fields["discretion"]["roles"][0]
    assert not model.setData(model.index(0, 2), "sometimes")
    assert model.setData(model.index(0, 2), "2 per 12 months")
    assert editor.form().fields["discretion"]["roles"][0]["per_customer"] == {"count": 2, "months": 12}


def test_rows_are_added_moved_and_removed(editor):
    form = bundled_form("late-fee-waiver.md")
    editor.set_form(form)
    rows = editor.section("guideline").rows
    rows.select_row(1)
    rows.add.click()
    roles = editor.form().fields["discretion"]["roles"]
    assert [r["role"] for r in roles] == ["rep", "senior-rep", "supervisor"]
    assert roles[2]["max_amount"] == 24  # starts at the row above: limits never shrink down the list
    rows.up.click()
    assert [r["role"] for r in editor.form().fields["discretion"]["roles"]] == ["rep", "supervisor", "senior-rep"]
    rows.remove.click()
    assert [r["role"] for r in editor.form().fields["discretion"]["roles"]] == ["rep", "senior-rep"]
    rows.down.click()
    rows.select_row(0)
    rows.down.click()
    assert [r["role"] for r in editor.form().fields["discretion"]["roles"]] == ["senior-rep", "rep"]


def test_common_fields_change_only_themselves(editor, qtbot):
    form = bundled_form("late-fee-waiver.md")
    editor.set_form(copy.deepcopy(form))
    editor.tags.setFocus()
    editor.tags.selectAll()
    with qtbot.wait_signal(editor.edited):
        qtbot.keyClicks(editor.tags, "fees, waivers")
    after = editor.form()
    assert after.tags == ("fees", "waivers")
    assert changed_fields(form, after) == {"tags"}
    editor.has_review.setChecked(False)
    assert editor.form().review_by is None
    editor.has_review.setChecked(True)
    editor.review_by.setDate(dt.date(2028, 1, 31))
    assert editor.form().review_by == dt.date(2028, 1, 31)
    assert changed_fields(form, editor.form()) == {"tags", "review_by"}


def test_a_checklist_answer_becomes_an_outcome_and_back(editor):
    form = bundled_form("escalation-checklist.md")
    editor.set_form(copy.deepcopy(form))
    section = editor.section("checklist")
    section.rows.select_row(0)
    assert section.question.text().startswith("Is the caller still threatening")
    section.no.mode.setCurrentIndex(1)  # "no" ends the checklist
    section.no.reason.setText("")
    section.no.reason.textEdited.emit("Calm again")
    step = editor.form().fields["steps"][0]
    assert step["no"] == {"outcome": "handle", "reason": "Calm again"}
    section.no.mode.setCurrentIndex(0)  # back to the next step: the step it went to before
    assert editor.form() == form


def test_renaming_a_step_follows_the_answers_that_lead_to_it(editor):
    editor.set_form(bundled_form("escalation-checklist.md"))
    section = editor.section("checklist")
    section.rows.select_row(1)
    section.step_id.setText("knowledge")
    section.step_id.editingFinished.emit()
    steps = editor.form().fields["steps"]
    assert steps[1]["id"] == "knowledge" and steps[0]["no"] == "knowledge"
    section.step_id.setText("abusive")  # taken: refused, and the field shows the id again
    section.step_id.editingFinished.emit()
    assert editor.form().fields["steps"][1]["id"] == "knowledge"
    assert "already has the id" in editor.problem.text()


def test_a_script_declares_the_placeholders_its_text_uses(editor):
    form = bundled_form("setting-a-callback.md")
    form.body += "\nWe will write to {email_address}.\n"
    editor.set_form(form)
    section = editor.section("script")
    assert section.declare.isEnabled()
    section.declare.click()
    assert list(editor.form().fields["placeholders"])[-1] == "email_address"
    assert not section.declare.isEnabled()


def test_a_contact_edits_its_directory_entry(editor):
    form = bundled_form("billing-specialists.md")
    editor.set_form(copy.deepcopy(form))
    section = editor.section("contact")
    section.hours.setText("Mon-Sat 08:00-20:00")
    section.channel.setCurrentIndex(section.channel.findText("Email"))
    after = editor.form()
    assert after.fields["hours"] == "Mon-Sat 08:00-20:00" and after.fields["channel"] == "email"
    assert {k for k in after.fields if after.fields[k] != form.fields.get(k)} == {"hours", "channel"}
    card_of(after)


def test_changing_the_kind_shows_its_fields_and_keeps_the_old_ones(editor):
    form = bundled_form("late-fee-waiver.md")
    editor.set_form(copy.deepcopy(form))
    editor.kind.setCurrentIndex(editor.kind.findData("scenario"))
    assert editor.stack.currentWidget() is editor.section("scenario")
    after = editor.form()
    assert after.kind == "scenario" and after.fields == form.fields  # nothing typed is lost


def test_labels_take_the_keyboard_to_their_fields(editor):
    from PySide6.QtWidgets import QLabel

    buddies = {lab.text(): lab.buddy() for lab in editor.findChildren(QLabel) if lab.buddy() is not None}
    assert buddies["&Title"] is editor.title
    assert buddies["Ta&gs"] is editor.tags
    assert buddies["&Review by"] is editor.has_review
    assert editor.title.accessibleName() == "Title"


# -- the desk panel preview -----------------------------------------------------------------------
def test_the_authority_check_follows_the_limits_being_typed(editor, preview, qtbot):
    form = bundled_form("late-fee-waiver.md")
    preview.show_card(card_of(form))
    assert preview.shown == AUTHORITY
    panel = preview.authority
    for box in panel.facts:
        box.set_value(True)
    panel._set_used(0)
    panel.amount.setFocus()
    qtbot.keyClicks(panel.amount, "20")
    assert panel.verdict.text() == "Needs a senior rep"
    panel.amount.selectAll()
    qtbot.keyClicks(panel.amount, "28")
    assert panel.verdict.text() == "Escalate to supervisor"

    # The owner raises the senior rep's limit in the form; the preview is shown the new text.
    editor.set_form(copy.deepcopy(form))
    model = editor.section("guideline").model
    assert model.setData(model.index(1, 1), "30")
    preview.show_card(card_of(editor.form()))
    assert panel.amount.text() == "28"  # what the owner typed stays
    assert panel.verdict.text() == "Needs a senior rep"
    assert "senior-rep: up to £30" in panel.detail.text()


def test_other_kinds_preview_what_the_rep_sees(preview):
    preview.show_card(card_of(bundled_form("escalation-checklist.md")))
    assert preview.shown == CHECKLIST
    walk = preview.walk.toPlainText()
    assert "1. Is the caller still threatening" in walk
    assert "No → question 2: Is the question beyond what you know" in walk
    assert "Yes → Level 3 — Bring in a supervisor: Caller still abusive after de-escalation." in walk

    preview.show_card(card_of(bundled_form("setting-a-callback.md")))
    assert preview.shown == SCRIPT
    assert "[customer_name?]" in preview.script.toPlainText()

    preview.show_card(card_of(bundled_form("billing-specialists.md")))
    assert preview.shown == CONTACT
    assert "Billing specialists" in preview.contact.toPlainText()
    assert "020 7946 0410" in preview.contact.toPlainText()

    preview.show_card(card_of(bundled_form("late-fee-second-offence.md")))
    assert preview.shown == NONE and "No desk panel" in preview.note.text()
    preview.clear()
    assert preview.card is None and preview.shown == NONE


def test_the_source_echoing_an_edit_leaves_the_cursor_alone(editor, qtbot):
    editor.set_form(bundled_form("late-fee-waiver.md"))
    editor.title.setFocus()
    editor.title.setCursorPosition(7)
    qtbot.keyClicks(editor.title, "X")
    with qtbot.assert_not_emitted(editor.edited):
        editor.set_form(editor.form())  # the window wrote the file and parsed it back
    assert editor.title.text() == "WaivingX a late-payment fee" and editor.title.cursorPosition() == 8
    other = bundled_form("billing-specialists.md")
    editor.set_form(other)
    assert editor.form() == other and editor.stack.currentWidget() is editor.section("contact")


def test_a_guideline_gets_its_first_discretion_table(editor):
    form = bundled_form("expert-directory.md")
    assert form.kind == "guideline" and "discretion" not in form.fields
    editor.set_form(form)
    section = editor.section("guideline")
    assert section.model.rowCount() == 0
    section.unit.setText("GBP")
    section.escalate.setText("supervisor")
    section.rows.add.click()
    after = editor.form()
    assert after.fields == {
        "discretion": {"unit": "GBP", "escalate_to": "supervisor", "roles": [{"role": "rep", "max_amount": 0}]}
    }
    assert list(after.fields["discretion"]) == ["unit", "escalate_to", "roles"]
    card_of(after)
