"""Fault campaign, "what a rep says aloud", on the real window: the protocol's steps ask
for what they need and never read the rep's internal note to the customer; the
second-late-fee call goes to a senior rep, not a supervisor; a card that changes during
the call says so; the directory holds every contact card."""

from __future__ import annotations

import re

from deskhelpers import Keyboard, desk_of, focused, publish_new_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uihelpers import CONTENT, result_ids

from workaid.core.content.library import Library

K = Qt.Key
INTERNAL = "Broadband down since Monday; threatens CEO complaint"
_LEFTOVER = re.compile(r"\[[^\]\n]*\?\]|\{[^{}\n]*\}")


def customer_facing(panel) -> list[str]:
    return [panel.say_text.text(), panel.accessibleDescription()]


def test_abusive_protocol_never_reads_the_internal_issue_and_asks_for_its_fields(window, qtbot):
    desk = desk_of(window, qtbot)
    keys = Keyboard(qtbot)
    desk.session.remember({"issue_summary": INTERNAL})  # typed into the hand-off note earlier in the call
    window.search_box.setFocus()
    keys.ctrl_shift(K.Key_A)
    panel = desk.pane.current
    assert panel is desk.pane.panels["abusive"] and focused() is panel
    # Step 1 asks for the name and the issue in words for the customer, right under the words.
    assert list(panel.fields) == ["customer_name", "customer_issue"]
    assert panel.form_box.isVisible() and all(e.isVisible() for e in panel.fields.values())
    assert panel.fields["customer_issue"].accessibleName() == "Issue, in words for the customer"
    assert panel.fields["customer_name"].property("missing") is True
    assert all("CEO" not in t for t in customer_facing(panel))
    panel.fields["customer_name"].setFocus()
    keys.type("Mr Grant")
    keys.press(K.Key_Return)
    assert focused() is panel.fields["customer_issue"]
    keys.type("your broadband")
    keys.press(K.Key_Return)  # everything filled: back to the protocol's keys
    assert focused() is panel
    for text in customer_facing(panel):
        assert "CEO" not in text and not _LEFTOVER.search(text), text
    assert panel.say_text.text().startswith('"Mr Grant, I want to help you with your broadband, but')
    keys.press(K.Key_Return)  # first warning given
    assert list(panel.fields) == ["customer_name"] and panel.fields["customer_name"].text() == "Mr Grant"
    assert not _LEFTOVER.search(panel.say_text.text())
    keys.press(K.Key_Return)  # final warning given
    # Step 3: the reference and how to write to us were shown as [..?] with no way to fill them.
    assert list(panel.fields) == ["customer_name", "case_ref", "direct_contact"]
    assert panel.fields["direct_contact"].property("missing") is True
    panel.fields["case_ref"].setFocus()
    keys.type("WA-7")
    keys.press(K.Key_Return)
    assert focused() is panel.fields["direct_contact"]
    keys.type("help@example.com")
    keys.press(K.Key_Return)
    for text in customer_facing(panel):
        assert "CEO" not in text and not _LEFTOVER.search(text), text
    assert "Your case reference is WA-7. You can contact us in writing at help@example.com" in panel.say_text.text()
    keys.press(K.Key_E)
    assert [s.kind for s in panel.record.steps] == ["first-warning", "final-warning", "ended"]
    # The colleague's note keeps the rep's own summary.
    keys.ctrl(K.Key_H)
    dialog = desk.handoff
    qtbot.waitUntil(dialog.isVisible)
    assert f"Issue: {INTERNAL}" in dialog.preview.toPlainText()


def test_script_form_asks_for_the_customer_words_apart_from_the_note_for_colleagues(window, qtbot):
    desk = desk_of(window, qtbot)
    desk.session.remember({"issue_summary": INTERNAL})
    assert desk.open_card("script-handoff-supervisor", focus_panel=True)
    panel = desk.pane.current
    assert list(panel.fields) == ["customer_name", "manager_name", "customer_issue", "case_ref", "issue_summary"]
    assert panel.fields["issue_summary"].text() == INTERNAL and panel.fields["customer_issue"].text() == ""
    assert panel.labels["issue_summary"].text() == "Issue summary (for colleagues)"
    QApplication.clipboard().setText("before")
    for name, value in {"customer_name": "Ann", "manager_name": "Olu", "case_ref": "WA-7"}.items():
        panel.fields[name].setText(value)
        panel._on_edit(name, value)
    assert not panel.copy()  # the customer's words are still empty: refused, never the internal note
    assert QApplication.clipboard().text() == "before"
    assert "Issue, in words for the customer is still empty" in panel.message.text()
    panel.fields["customer_issue"].setText("the late fee on your March bill")
    panel._on_edit("customer_issue", "the late fee on your March bill")
    assert panel.copy()
    text = QApplication.clipboard().text()
    assert "the full picture: the late fee on your March bill." in text and "CEO" not in text


def test_second_late_fee_call_routes_to_a_senior_rep_with_the_authority_result_in_the_note(window, qtbot):
    desk = desk_of(window, qtbot)
    keys = Keyboard(qtbot)
    keys.ctrl(K.Key_T)  # the call starts
    keys.type("late fee")
    qtbot.waitUntil(lambda: window.model.response is not None and window.model.response.query == "late fee")
    assert result_ids(window)[0] == "late-fee-waiver"
    keys.press(K.Key_Return)
    authority = desk.pane.current
    assert authority is desk.pane.panels["authority"]
    keys.press(K.Key_Tab)
    keys.type("12")
    for key in (K.Key_N, K.Key_Y, K.Key_1):  # not a first offence, good standing, one waiver in October
        keys.press(K.Key_Tab)
        keys.press(key)
    assert authority.verdict.text() == "Needs a senior rep"

    keys.ctrl_shift(K.Key_E)
    checklist = desk.pane.current
    assert checklist is desk.pane.panels["checklist"]
    for key in (K.Key_N, K.Key_N, K.Key_N, K.Key_N):  # not abusive, known, no fault, no supervisor asked
        keys.press(key)
    assert checklist.question.text().startswith("Does the customer want more than your discretion limits allow")
    keys.press(K.Key_Y)
    assert checklist.walk.finished
    assert checklist.outcome.text() == "Ask a senior rep"  # not "Bring in a supervisor"
    assert checklist.badge.text() == "LEVEL 1 · SENIOR REP"
    assert checklist.reason.text().startswith(
        "Reason: Beyond the rep's discretion, within a senior rep's (senior-rep: up to £24"
    )
    assert checklist.team.currentText() == "Senior reps"
    assert "Team chat #senior-reps" in checklist.team_status.text()
    assert "Asking a senior rep" in checklist.script_line.text()
    assert "supervisor" not in checklist.before.text().lower()

    keys.press(K.Key_Return)  # the senior-rep script
    script = desk.pane.current
    assert window.card_view.card.id == "script-handoff-senior-rep" and script is desk.pane.panels["script"]
    assert focused() is script.fields["customer_name"]

    keys.ctrl(K.Key_H)
    dialog = desk.handoff
    qtbot.waitUntil(dialog.isVisible)
    note = dialog.preview.toPlainText()
    assert "Level: 1 — handled by the rep" in note
    assert "Reason: Beyond the rep's discretion, within a senior rep's" in note
    assert "Authority check (Waiving a late-payment fee): £12.00 asked as rep — needs a senior rep" in note
    assert "To: Senior reps — Team chat #senior-reps" in note
    assert "Escalation checklist: Beyond the rep's discretion, within a senior rep's" in note


def _contact(n: int) -> str:
    return (
        f"---\nid: contact-team-{n:03d}\nkind: contact\ntitle: Team {n:03d}\nowner: ops\nreview_by: 2027-01-01\n"
        f'summary: Team number {n}.\nteam: Team {n:03d}\ntopics: [topic-{n}]\nchannel: phone\ndirect: "ext {n}"\n'
        f'hours: "Mon-Fri 08:00-18:00"\ntimezone: Europe/London\n---\nTeam {n}.\n'
    )


def test_the_desk_offers_a_team_on_contact_card_60(tmp_path, make_window, qtbot):
    folder = tmp_path / "cards"
    folder.mkdir()
    import shutil

    shutil.copytree(CONTENT, folder, dirs_exist_ok=True)
    for n in range(1, 66):
        (folder / "contacts" / f"team-{n:03d}.md").write_text(_contact(n), encoding="utf-8")
    lib = Library(tmp_path / "data", bundled=CONTENT)
    lib.import_folder(folder)
    try:
        window = make_window(lib)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0)
        desk = desk_of(window, qtbot)
        teams = [c.team for c in desk.rank_contacts("expert")]
        assert "Team 060" in teams and "Team 065" in teams and "Billing specialists" in teams
        assert (
            len(teams) == 65 + len(list((CONTENT / "contacts").glob("*.md"))) - 1
        )  # the expert directory is a guideline
    finally:
        window.close()
        lib.close()


# -- 16: an open card that changes during the call says so --------------------------------------


def test_a_limit_changed_by_a_sync_mid_call_is_named_and_the_old_answer_shown(window, library, qtbot):
    desk = desk_of(window, qtbot)
    qtbot.waitUntil(lambda: getattr(window, "sync", None) is not None)
    keys = Keyboard(qtbot)
    assert desk.open_card("late-fee-waiver", focus_panel=True)
    panel = desk.pane.current
    assert panel is desk.pane.panels["authority"] and focused() is panel.amount
    panel.role.setCurrentIndex(panel.role.findData("senior-rep"))
    keys.type("24")
    for key in (K.Key_N, K.Key_Y, K.Key_1):
        keys.press(K.Key_Tab)
        keys.press(key)
    assert panel.verdict.text() == "Within your discretion"
    assert panel.offer.text() == "You may offer up to £24.00 yourself."
    assert not desk.pane.banner.isVisible()

    publish_new_version(
        library, "late-fee-waiver", "max_amount: 24", "max_amount: 25", "Olu", "2026-11-25T01:42:00+00:00"
    )
    window.sync.applied.emit(object())  # what the poller says after a sync that changed the content
    qtbot.waitUntil(lambda: desk.pane.banner.isVisible())
    assert desk.pane.banner.text() == "Updated 01:42 by Olu: senior-rep limit now £25"
    assert window.card_view.card.fields["discretion"]["roles"][1]["max_amount"] == 25
    # The answer follows the new limits and says what it was before.
    assert panel.offer.text() == "You may offer up to £25.00 yourself."
    assert (
        "Changed during this call:</b> Updated 01:42 by Olu: senior-rep limit now £25 — was: within your discretion up to £24"
        in panel.detail.text()
    )
    assert "senior-rep: up to £25" in panel.detail.text()
    assert "before, the answer was: within your discretion up to £24" in desk.session.authority_note
    # Another card: the banner goes; back on this one during the call, the panel still says it changed.
    assert desk.open_card("escalation-checklist", focus_panel=False)
    assert not desk.pane.banner.isVisible()
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    assert "Changed during this call" in panel.detail.text()


def test_a_text_only_change_to_the_open_card_is_named_too(window, library, qtbot):
    desk = desk_of(window, qtbot)
    qtbot.waitUntil(lambda: getattr(window, "sync", None) is not None)
    assert desk.open_card("paper-statement-fee", focus_panel=False)
    publish_new_version(
        library, "paper-statement-fee", "\n## ", "\nA new line for reps.\n\n## ", "Sam", "2026-11-25T09:05:00+00:00"
    )
    window.sync.applied.emit(object())
    qtbot.waitUntil(lambda: desk.pane.banner.isVisible())
    assert desk.pane.banner.text() == "Updated 09:05 by Sam: text changed"
