"""The feedback loop as a rep and an owner live it: a flag in three keystrokes, the owner
marks it fixed in the workbench, and after the next sync the rep sees the answer."""

from __future__ import annotations

import json
import shutil

from deskhelpers import Keyboard, desk_of
from PySide6.QtCore import Qt
from uihelpers import CONTENT

from workaid.core.distribution import keys, pack
from workaid.ui.feedback.flag_dialog import REASONS, ReasonsModel
from workaid.ui.workbench.feedback_models import FlagsModel


def _share(tmp_path, monkeypatch):
    key_path, pub_path = keys.generate(tmp_path / "keys")
    priv = keys.load_private_key(key_path)
    src = tmp_path / "src"
    shutil.copytree(CONTENT, src)
    pack.publish(src, tmp_path / "share", priv, note="first", author="alice")
    config = tmp_path / "workaid.toml"
    config.write_text(
        f'share = "{tmp_path / "share"}"\ntrusted_keys = ["{pub_path}"]\npoll_seconds = 3600\n'
        f'source = "{src}"\nkey = "{key_path}"\nauthor = "Alice Owner"\n'
    )
    monkeypatch.setenv("WORKAID_CONFIG", str(config))
    return src, priv


def _outbox_files(share):
    return sorted(p for p in (share / "outbox").rglob("*.json"))


def _ready(window, qtbot):
    qtbot.waitUntil(lambda: window.feedback is not None and window.feedback.store is not None, timeout=10000)
    return window.feedback


def _open(window, qtbot, query, card_id):
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, query)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 and window.model.row_of(card_id) >= 0, timeout=5000)
    assert window.open_card(card_id)


def test_reasons_model(qtmodeltester):
    model = ReasonsModel()
    qtmodeltester.check(model)
    assert model.rowCount() == len(REASONS) == 5


def test_flag_in_three_keystrokes_fixed_by_the_owner_and_the_answer_seen_after_sync(
    tmp_path, monkeypatch, library, make_window, open_workbench, qtbot
):
    src, priv = _share(tmp_path, monkeypatch)
    share = tmp_path / "share"
    w = make_window(library)
    feedback = _ready(w, qtbot)
    desk_of(w, qtbot)
    _open(w, qtbot, "late fee", "late-fee-waiver")
    w.search_box.setFocus()

    keys_ = Keyboard(qtbot)
    keys_.ctrl_shift(Qt.Key.Key_F)
    dialog = feedback._dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    keys_.press(Qt.Key.Key_2)  # unclear
    keys_.press(Qt.Key.Key_Return)
    assert keys_.count == 3
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: bool(feedback.mine.get("late-fee-waiver")), timeout=5000)
    flag = feedback.mine["late-fee-waiver"][0]
    assert flag.reason == "unclear" and flag.version == w.card_view.card.version

    # The next poll delivers it: the note over the card says so.
    w.sync.poll_now()
    qtbot.waitUntil(lambda: any(p.name.startswith("flags-") for p in _outbox_files(share)), timeout=10000)
    qtbot.waitUntil(lambda: "sent" in w.desk.pane.note.text(), timeout=10000)
    assert "Your flag (Unclear" in w.desk.pane.note.text()

    # The owner, in the workbench: Feedback → the flag → Mark fixed in version 2.
    bench = open_workbench(src)
    view = bench.commands.show_feedback("flags")
    qtbot.waitUntil(lambda: view.report is not None and view.flags_model.rowCount() == 1, timeout=10000)
    row = view.flags_model.index(0, 0).data(FlagsModel.RowRole)
    assert row.card == "late-fee-waiver" and row.reason == "unclear" and row.status == "open"
    view.answer_text.setText("The limit is now a table at the top of the card.")
    assert view.mark_fixed(version=2) == 1
    answers = json.loads((src / ".workaid" / "answers.json").read_text())["answers"]
    assert answers[flag.id]["status"] == "fixed" and answers[flag.id]["version"] == 2
    card = src / "fees/late-fee-waiver.md"
    card.write_text(card.read_text().replace("Waiving a late-payment fee", "Waiving a late-payment fee (clearer)"))
    pack.publish(src, share, priv, note="clearer limits", author="Alice Owner")

    # The rep's next sync: the answer is over the card and in the status bar.
    w.sync.poll_now()
    qtbot.waitUntil(lambda: "Fixed in version 2" in w.desk.pane.note.text(), timeout=10000)
    assert "The limit is now a table" in w.desk.pane.note.text()


def test_no_customer_detail_from_the_call_the_comment_or_the_searches_reaches_the_outbox_or_the_report(
    tmp_path, monkeypatch, library, make_window, qtbot
):
    """The issue's privacy test, as a rep would leak it: the customer's details typed into
    the call, into searches and into a flag comment; none reaches a file or a report."""
    import datetime as dt

    from workaid.core.desk.escalation_log import EscalationLog, default_path
    from workaid.core.feedback.desk_id import desk_id
    from workaid.core.feedback.outbox import deliver
    from workaid.core.feedback.outbox_read import read_outbox
    from workaid.core.feedback.report import build_report, report_html, report_json

    name, phone, email, ref = "Jonathan Smithers", "07700 900123", "jon.smithers@example.com", "AB123456"
    _share(tmp_path, monkeypatch)
    share = tmp_path / "share"
    w = make_window(library)
    feedback = _ready(w, qtbot)
    desk = desk_of(w, qtbot)
    desk.session.remember({"customer_name": name, "phone": phone, "email": email, "reference": ref})
    answered: list[str] = []
    w.search.results.connect(lambda response: answered.append(response.query))
    for query in (name, phone, email, ref, f"refund {ref}"):
        w.search_box.clear()
        qtbot.keyClicks(w.search_box, query)  # one keystroke at a time, as a rep types
        qtbot.waitUntil(lambda q=query: q in answered, timeout=5000)
    _open(w, qtbot, "ceo", "level-4-customer-escalation")
    dialog = feedback.open_flag_dialog()
    dialog.choose(0)  # wrong
    dialog.comment.setText(f"{name} on {phone} ({email}, ref {ref}) was told the wrong thing")
    dialog.send()
    flags = lambda: feedback.mine.get("level-4-customer-escalation", [])  # noqa: E731
    qtbot.waitUntil(lambda: [f.status for f in flags()] == ["sent"], timeout=5000)
    feedback.flush(final=True)
    qtbot.waitUntil(lambda: feedback.store.unsent_days(dt.date.today() + dt.timedelta(days=2)) != [], timeout=5000)

    # The flag went at once; the next day's delivery sends the day's figures.
    escalations = EscalationLog(default_path(library.data_dir))
    got = deliver(
        feedback.store,
        share,
        desk_id(library.data_dir),
        True,
        dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1),
        escalations=escalations,
    )
    escalations.close()
    assert got.days_sent == 1
    blob = "".join(p.read_text() for p in _outbox_files(share)).lower()
    report = build_report(read_outbox(share), {}, {}, dt.date.today())
    shown = (json.dumps(report_json(report)) + report_html(report)).lower()
    assert "was told the wrong thing" in blob and "level-4-customer-escalation" in shown
    for secret in (name, "smithers", "jonathan", phone, "07700", "900123", email, "example.com", ref.lower()):
        assert secret.lower() not in blob, secret
        assert secret.lower() not in shown, secret
