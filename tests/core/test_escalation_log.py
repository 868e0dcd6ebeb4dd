"""The local escalation log and the abusive-caller protocol record."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from zoneinfo import ZoneInfo

import pytest

from tests.core.conftest import CONTENT
from workaid.core.desk import escalation_log as el
from workaid.core.desk.abusive import AbusiveCallRecord, ProtocolError
from workaid.core.desk.escalation_log import (
    EscalationEntry,
    EscalationLog,
    EscalationLogError,
    default_path,
    start_of_day,
    start_of_week,
)
from workaid.core.errors import EnvironmentProblem, SchemaTooNew

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=LONDON)  # a Thursday


@pytest.fixture
def log(tmp_path):
    lg = EscalationLog(default_path(tmp_path), clock=lambda: NOW)
    yield lg
    lg.close()


def entry(level=2, reason="Beyond the rep's knowledge", days_ago=0, **kw) -> EscalationEntry:
    return EscalationEntry(level=level, reason=reason, at=NOW - dt.timedelta(days=days_ago), **kw)


def test_today_and_this_week_count_by_reason_and_level(log):
    log.add(entry())
    log.add(
        entry(cards=("expert-directory",), target="Billing specialists", outcome="Callback booked", call_seconds=740)
    )
    log.add(entry(level=3, reason="Customer asked for a supervisor"))
    log.add(entry(level=3, reason="Customer asked for a supervisor", days_ago=2))  # Tuesday, same week
    log.add(entry(days_ago=5))  # last Saturday: not this week
    assert log.counts(start_of_day(NOW)) == {
        ("Beyond the rep's knowledge", 2): 2,
        ("Customer asked for a supervisor", 3): 1,
    }
    assert log.counts(start_of_week(NOW)) == {
        ("Customer asked for a supervisor", 3): 2,
        ("Beyond the rep's knowledge", 2): 2,
    }
    assert next(iter(log.counts(start_of_week(NOW)))) == (
        "Customer asked for a supervisor",
        3,
    )  # most frequent, higher level first
    assert start_of_week(NOW) == dt.datetime(2026, 11, 23, 0, 0, tzinfo=LONDON)


def test_entries_come_back_as_logged_in_utc(log):
    log.add(
        EscalationEntry(
            level=1, reason="Within policy", cards=("late-fee-waiver", "late-fee-waiver"), call_seconds=61.7
        )
    )
    (e,) = log.entries()
    assert e.at == NOW and e.at.tzinfo is not None and e.at.utcoffset() == dt.timedelta(0)
    assert e.cards == ("late-fee-waiver",) and e.call_seconds == 61


def test_the_log_holds_no_customer_details_by_design(log):
    columns = [r[1] for r in log.conn.execute("PRAGMA table_info(escalations)")]
    assert columns == ["id", "at", "level", "reason", "target", "cards", "outcome", "call_seconds", "recommended"]
    assert not {"summary", "name", "customer", "case_ref"} & set(EscalationEntry.__dataclass_fields__)


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"level": 4}, "level must be 1, 2 or 3"),
        ({"level": True}, "level must be 1, 2 or 3"),
        ({"reason": "  "}, "reason is missing"),
        ({"reason": "x" * 201}, "at most 200"),
        ({"outcome": 5}, "outcome must be text"),
        ({"cards": ("Late Fee",)}, "card ids"),
        ({"cards": "late-fee-waiver"}, "card ids"),
        ({"call_seconds": -1}, "call length"),
        ({"call_seconds": float("nan")}, "call length"),
        ({"at": dt.datetime(2026, 11, 26, 15, 0)}, "time zone"),
    ],
)
def test_bad_entries_are_refused_with_a_message_and_nothing_is_written(log, kw, words):
    base = {"level": 2, "reason": "Beyond the rep's knowledge"} | kw
    with pytest.raises(EscalationLogError, match=words):
        log.add(EscalationEntry(**base))
    assert log.entries() == []


def test_reason_whitespace_is_folded_to_one_line(log):
    log.add(entry(reason="Customer asked\n for a   supervisor"))
    assert log.entries()[0].reason == "Customer asked for a supervisor"


def test_export_csv_has_a_header_and_neutralises_formulas(log, tmp_path):
    log.add(entry(days_ago=5))
    log.add(
        entry(
            reason='=HYPERLINK("http://x")',
            cards=("expert-directory", "late-fee-waiver"),
            call_seconds=90,
            outcome="-done",
        )
    )
    out = tmp_path / "exports" / "week.csv"
    assert log.export_csv(out, since=start_of_week(NOW)) == 1
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["time_utc", "level", "reason", "target", "cards", "outcome", "call_seconds"]
    assert rows[1] == [
        "2026-11-26T15:00:00+00:00",
        "2",
        '\'=HYPERLINK("http://x")',
        "",
        "expert-directory late-fee-waiver",
        "'-done",
        "90",
    ]
    assert [p.name for p in out.parent.iterdir()] == ["week.csv"]  # no temp file left behind
    assert log.export_csv(tmp_path / "all.csv") == 2


def test_export_to_an_unwritable_place_is_an_environment_problem(log, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(EnvironmentProblem, match="Could not write"):
        log.export_csv(blocker / "x.csv")


def test_schema_is_versioned_and_wal(tmp_path):
    path = tmp_path / "escalations.db"
    lg = EscalationLog(path)
    assert lg.schema_version() == el.SCHEMA_VERSION == 2
    assert lg.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    lg.add(entry())
    lg.close()
    again = EscalationLog(path)
    assert len(again.entries()) == 1
    again.close()


def test_a_log_from_a_newer_workaid_is_refused_not_changed(tmp_path):
    path = tmp_path / "escalations.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer WorkAid"):
        EscalationLog(path)


def test_a_file_that_is_not_a_database_is_kept_and_a_fresh_log_is_started(tmp_path):
    # Was: refused with "cannot be opened" (issue 9 point 7: never replaced, a fresh log beside it).
    path = tmp_path / "escalations.db"
    junk = b"this is not sqlite at all" * 100
    path.write_bytes(junk)
    lg = EscalationLog(path)
    assert lg.path != path and lg.notice and "kept" in lg.notice
    lg.close()
    assert path.read_bytes() == junk


def test_a_failing_migration_leaves_the_log_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "escalations.db"
    EscalationLog(path).close()
    monkeypatch.setattr(el, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(el._MIGRATIONS, 3, ("CREATE TABLE half (x)", "THIS IS NOT SQL"))
    with pytest.raises(sqlite3.OperationalError):
        EscalationLog(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None
    conn.close()


def test_the_log_lives_apart_from_content_and_survives_a_content_reload(tmp_path):
    from workaid.core.content.library import Library

    lg = EscalationLog(default_path(tmp_path))
    lg.add(entry())
    lib = Library(tmp_path, bundled=CONTENT)
    lib.load_bundled()
    lib.close()
    assert default_path(tmp_path).name == "escalations.db" != "content.db"
    assert len(lg.entries()) == 1
    lg.close()


# -- abusive-caller protocol ------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 14, 2, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=95)
        return self.now


def test_the_protocol_record_reads_as_a_call_log_entry():
    rec = AbusiveCallRecord(clock=Clock())
    assert rec.next_step == "first-warning"
    rec.first_warning("swearing at the rep")
    assert rec.next_step == "final-warning"
    rec.final_warning()
    assert rec.next_step == "end-or-transfer"
    rec.end_call("issue can wait; written contact offered")
    assert rec.next_step is None
    assert rec.render() == (
        "Abusive-caller protocol, Tue 24 Nov 2026 (times UTC):\n"
        "14:03:35  First warning given — swearing at the rep\n"
        "14:05:10  Final warning given\n"
        "14:06:45  Call ended as warned — issue can wait; written contact offered\n"
    )
    assert "15:03:35" in rec.render(tz=ZoneInfo("Europe/Paris"))


def test_the_protocol_cannot_be_skipped_or_repeated():
    rec = AbusiveCallRecord(clock=Clock())
    with pytest.raises(ProtocolError, match="first warning before the final"):
        rec.final_warning()
    with pytest.raises(ProtocolError, match="first and final warnings"):
        rec.end_call()
    rec.first_warning()
    with pytest.raises(ProtocolError, match="never a second first warning"):
        rec.first_warning()
    with pytest.raises(ProtocolError, match="final warning before ending"):
        rec.transfer("Duty supervisor desk")
    rec.final_warning()
    with pytest.raises(ProtocolError, match="Say who"):
        rec.transfer(" ")
    rec.transfer("Duty supervisor desk", "no service, urgent")
    with pytest.raises(ProtocolError, match="already ended"):
        rec.end_call()
    assert "Transferred to Duty supervisor desk — no service, urgent" in rec.render()


def test_a_threat_of_harm_skips_the_warnings():
    rec = AbusiveCallRecord(clock=Clock())
    rec.alert_supervisor("threatened to come to the office")
    assert rec.next_step == "end-or-transfer"
    rec.transfer("Duty supervisor")
    assert (
        rec.render()
        .splitlines()[1]
        .endswith("Duty supervisor alerted (threat of harm: warnings skipped) — threatened to come to the office")
    )
    assert AbusiveCallRecord().render() == "Abusive-caller protocol: no steps taken.\n"


def test_the_checklist_recommendation_is_kept_for_the_prevention_review(log):
    log.add(EscalationEntry(level=3, reason="Customer insists", recommended=1))
    log.add(EscalationEntry(level=2, reason="Beyond my discretion"))
    assert [(e.level, e.recommended) for e in log.entries()] == [(3, 1), (2, None)]
    with pytest.raises(EscalationLogError, match="recommended level"):
        log.add(EscalationEntry(level=2, reason="x", recommended=7))


def test_a_log_from_before_the_recommendation_column_is_migrated_and_keeps_its_rows(tmp_path):
    import sqlite3

    path = tmp_path / "escalations.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """CREATE TABLE escalations (id INTEGER PRIMARY KEY, at TEXT NOT NULL, level INTEGER NOT NULL,
        reason TEXT NOT NULL, target TEXT NOT NULL DEFAULT '', cards TEXT NOT NULL DEFAULT '[]',
        outcome TEXT NOT NULL DEFAULT '', call_seconds INTEGER);
        INSERT INTO escalations (at, level, reason) VALUES ('2026-11-30T10:00:00+00:00', 2, 'Old entry');
        PRAGMA user_version = 1;"""
    )
    conn.close()
    old = EscalationLog(path)
    try:
        (e,) = old.entries()
        assert (e.reason, e.level, e.recommended) == ("Old entry", 2, None)
        assert old.schema_version() == 2
    finally:
        old.close()
