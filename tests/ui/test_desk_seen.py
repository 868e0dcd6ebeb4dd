"""Reps see what changed (issue 11, point 10): a card opened again after a sync that
changed it shows its changes marked, with the version's author and note; one key hides
the marks; "Recently updated" lists the news, newest first."""

from __future__ import annotations

import re

from deskhelpers import desk_of, publish_new_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workaid.core.desk.seen import SeenCards, default_path


def test_a_card_changed_since_it_was_last_opened_shows_its_changes_marked(window, library, qtbot):
    desk = desk_of(window, qtbot)
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    assert not desk.pane.banner.isVisible()  # a first read is not a change
    assert desk.open_card("escalation-checklist", focus_panel=False)

    publish_new_version(
        library,
        "late-fee-waiver",
        "The late-payment fee is **£12**",
        "The late-payment fee is **£14**",
        "Olu",
        "2026-11-25T01:42:00+00:00",
        note="fee went up in November",
    )
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    banner = desk.pane.banner.text()
    assert banner.startswith("Changed since you last opened it (version 1 → 2)")
    assert "by Olu" in banner and "“fee went up in November”" in banner
    html = window.card_view.toHtml()
    # The old amount struck through beside the new one (Qt writes the marks as styles).
    struck = re.search(r'<span style="[^"]*line-through[^"]*">([^<]*)</span>', html)
    added = re.search(r'<span style="[^"]*background-color:#d8f3dc[^"]*">([^<]*)</span>', html)
    assert struck and "12" in struck.group(1) and "14" not in struck.group(1)
    assert added and "14" in added.group(1)

    desk.dismiss_changes()
    assert not desk.pane.banner.isVisible()
    assert "£12" not in window.card_view.toPlainText().split("late-payment fee is")[1][:20]

    # Seen now: the next open is plain, and this survives a restart of the desk.
    assert desk.open_card("escalation-checklist", focus_panel=False)
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    assert not desk.pane.banner.isVisible()
    desk.shutdown()
    assert SeenCards(default_path(library.data_dir)).last_seen("late-fee-waiver") == 2


def test_recently_updated_lists_the_news_and_opens_a_card_from_it(window, library, qtbot):
    desk = desk_of(window, qtbot)
    assert desk.open_card("paper-statement-fee", focus_panel=False)
    assert desk.open_card("late-fee-waiver", focus_panel=False)  # the rep moved on
    publish_new_version(
        library, "paper-statement-fee", "\n## ", "\nA new line for reps.\n\n## ", "Sam", "2026-11-25T09:05:00+00:00"
    )
    desk.actions["recent"].trigger()
    view = desk._recent_view
    assert view is not None
    qtbot.waitUntil(view.isVisible)
    model = view.model
    assert model.rowCount() == 1
    index = model.index(0, 0)
    assert index.data(model.IdRole) == "paper-statement-fee"
    assert index.data(model.UnreadRole) is True
    assert "version 2" in index.data(Qt.ItemDataRole.DisplayRole) and "Sam" in index.data()
    view.open_current()
    qtbot.waitUntil(lambda: not view.isVisible())
    assert window.card_view.card.id == "paper-statement-fee"
    assert desk.pane.banner.text().startswith("Changed since you last opened it (version 1 → 2)")
    assert "A new line for reps." in window.card_view.toPlainText()
    QApplication.processEvents()


def test_recent_model_passes_the_model_tester(window, qtmodeltester, qtbot):
    from workaid.ui.desk.models import RecentModel

    desk = desk_of(window, qtbot)
    model = RecentModel(lambda: None)
    from workaid.core.desk.seen import RecentChange

    model.set_rows([RecentChange("a", "A", 2, "Olu", None, "note", True)])
    qtmodeltester.check(model)
    assert desk.seen is not None


def test_a_changed_limit_is_marked_in_the_limits_table_the_rep_reads(window, library, qtbot):
    desk = desk_of(window, qtbot)
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    assert desk.open_card("escalation-checklist", focus_panel=False)
    publish_new_version(library, "late-fee-waiver", "max_amount: 24", "max_amount: 28", "Olu", "2026-11-25T01:42:00Z")
    assert desk.open_card("late-fee-waiver", focus_panel=False)
    assert "senior-rep limit now £28" in desk.pane.banner.text()
    html = window.card_view.toHtml()
    struck = re.findall(r'<span style="[^"]*line-through[^"]*">([^<]*)</span>', html)
    added = re.findall(r'<span style="[^"]*background-color:#d8f3dc[^"]*">([^<]*)</span>', html)
    assert any("24" in s for s in struck) and any("28" in a for a in added)
