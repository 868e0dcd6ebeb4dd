"""The owner's side of the feedback loop: reading the outbox, compacting it, the report,
its JSON and HTML, and `workaid report`. Outboxes are written here as desks write them
(the contract's format 1), file by file."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.core.conftest import write_card
from workaid.core.content.answers import make_answer, save_answer
from workaid.core.feedback import outbox_read
from workaid.core.feedback.outbox import MAX_FILE_BYTES
from workaid.core.feedback.outbox_read import compact, read_outbox
from workaid.core.feedback.report import (
    CardInfo,
    answers_from_share,
    build_report,
    cards_from_folder,
    cards_from_share,
    report_html,
    report_json,
)

A, B, C = "0123456789abcdef", "fedcba9876543210", "00000000000000cc"
TODAY = dt.date(2026, 12, 3)


def day_body(desk: str, day: str, **fields) -> dict:
    body = {
        "format": 1,
        "type": "day",
        "desk": desk,
        "day": day,
        "serial": 7,
        "searches_no_result": {},
        "searches_abandoned": {},
        "searches": 0,
        "opens": {},
        "authority": {},
        "escalations": [],
    }
    body.update(fields)
    return body


def put(share: Path, desk: str, name: str, body: dict | bytes | str) -> Path:
    path = share / "outbox" / desk / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(body, dict):
        body = json.dumps(body)
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def put_day(share: Path, desk: str, day: str, **fields) -> Path:
    return put(share, desk, f"day-{day}.json", day_body(desk, day, **fields))


_serial = iter(range(1, 10**6))


def flag(card: str, reason: str = "unclear", comment: str = "", version: int = 1, at: str = "2026-12-01T10:00:00Z"):
    return {
        "id": f"{next(_serial):032x}",
        "card": card,
        "version": version,
        "reason": reason,
        "comment": comment,
        "at": at,
    }


def put_flags(share: Path, desk: str, flags: list[dict], stamp: str = "20261201T101500Z", rand: str = "a1b2c3") -> Path:
    body = {"format": 1, "type": "flags", "desk": desk, "written_at": "2026-12-01T10:15:00Z", "flags": flags}
    return put(share, desk, f"flags-{stamp}-{rand}.json", body)


def esc(level: int, reason: str = "beyond my discretion", recommended: int | None = 1, cards=("late-fee-waiver",), n=1):
    return {"level": level, "reason": reason, "recommended": recommended, "cards": list(cards), "n": n}


@pytest.fixture
def share(tmp_path) -> Path:
    s = tmp_path / "share"
    s.mkdir()
    return s


def site(share: Path) -> None:
    """Three desks over a few days: enough for every section of the report."""
    put_day(
        share,
        A,
        "2026-11-30",
        searches=20,
        searches_no_result={"ceo": 2, "bbb": 1, "alice smith": 1},
        searches_abandoned={"fee waiver late": 1},
        opens={"late-fee-waiver": 5, "old-card": 2},
        authority={"late-fee-waiver": {"within": 3, "escalate": 1, "refer": 0}},
        escalations=[esc(3, recommended=2), esc(2, recommended=2)],
    )
    put_day(share, A, "2026-12-01", searches=10, searches_no_result={"ceo": 1}, opens={"late-fee-waiver": 1})
    put_day(
        share,
        B,
        "2026-12-01",
        searches=15,
        searches_no_result={"ceo": 4, "bbb": 2},
        searches_abandoned={"fee waiver late": 2},
        opens={"late-fee-waiver": 2, "refund-outside-policy": 4},
        escalations=[esc(4, "customer asked for a manager", recommended=1, cards=("refund-outside-policy",))],
    )
    put_day(
        share, C, "2026-12-02", searches=5, searches_no_result={"president": 1}, escalations=[esc(1, recommended=None)]
    )
    put_flags(share, A, [flag("late-fee-waiver", comment="the £## limit is not clear", version=3)])
    put_flags(share, B, [flag("late-fee-waiver", comment="the £## limit is not clear", version=3)])
    put_flags(share, C, [flag("old-card", "out-of-date", "")], rand="c0ffee")


# -- reading -----------------------------------------------------------------------------------


def test_reading_folds_every_desks_records(share):
    site(share)
    data = read_outbox(share, workers=1)
    assert (data.desks, data.day_records, data.searches) == (3, 4, 50)
    assert data.no_result["ceo"].n == 7 and data.no_result["ceo"].desks == 2  # desk A on two days counts once
    assert data.no_result["bbb"].desks == 2 and data.no_result["president"].desks == 1
    assert data.opens == {"late-fee-waiver": 8, "old-card": 2, "refund-outside-policy": 4}
    assert data.authority == {"late-fee-waiver": {"within": 3, "escalate": 1, "refer": 0}}
    assert sum(data.escalations.values()) == 4
    assert {k.week for k in data.escalations} == {"2026-W49"}
    assert len(data.flags) == 3 and {f.desk for f in data.flags} == {A, B, C}
    assert (data.first_day, data.last_day, data.ignored) == (dt.date(2026, 11, 30), dt.date(2026, 12, 2), 0)


def test_processes_give_the_same_counts_as_one(share, caplog):
    caplog.set_level(logging.INFO, logger="workaid.feedback")
    for i in range(12):
        desk = f"{i:016x}"
        put_day(share, desk, "2026-12-01", searches=3, searches_no_result={"ceo": 1, f"only {i}": 1}, opens={"a": i})
    one = read_outbox(share, workers=1)
    two = read_outbox(share, workers=2)
    assert one == two
    assert "processes failed" not in caplog.text  # the two were read by spawned processes, not the fallback
    assert one.no_result["ceo"].desks == 12 and one.desks == 12


def test_a_share_without_an_outbox_reports_nothing(share):
    data = read_outbox(share)
    assert (data.desks, data.day_records, data.flags) == (0, 0, [])


def test_a_missing_share_is_an_environment_problem(tmp_path):
    from workaid.core.errors import EnvironmentProblem

    with pytest.raises(EnvironmentProblem, match="cannot be found"):
        read_outbox(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "name, content, why",
    [
        ("notes.txt", "hello", "not a name WorkAid writes"),
        ("day-2026-12-01.json", "{not json", "not valid JSON"),
        ("day-2026-12-01.json", json.dumps(day_body(A, "2026-12-01", format=2)), "format 2 is newer"),
        ("day-2026-12-01.json", json.dumps(day_body(B, "2026-12-01")), B),
        ("day-2026-12-01.json", json.dumps(day_body(A, "2026-11-11")), "day-2026-12-01.json"),
        ("day-2026-12-01.json", b" " * (MAX_FILE_BYTES + 1), "larger than"),
        (".day-2026-12-01.json.x1y2z3.tmp", json.dumps(day_body(A, "2026-12-01")), "a temporary file"),
        ("flags-20261201T101500Z-zzzzzz.json", "{}", "not a name WorkAid writes"),
        ("day-2026-02-30.json", "{}", "not a name WorkAid writes"),
    ],
)
def test_files_a_desk_would_not_write_are_skipped_with_a_log_line(share, caplog, name, content, why):
    put_day(share, A, "2026-11-30", searches=4, searches_no_result={"ceo": 1})
    put(share, A, name, content)
    caplog.set_level(logging.INFO, logger="workaid.feedback")
    data = read_outbox(share, workers=1)
    assert (data.day_records, data.searches, data.ignored) == (1, 4, 1)
    lines = [r.getMessage() for r in caplog.records if "skipped " in r.getMessage()]
    assert len(lines) == 1 and f"{A}/{name}" in lines[0] and why in lines[0]


def test_links_pipes_and_stray_folders_are_never_followed(share, tmp_path, caplog):
    put_day(share, A, "2026-11-30", searches=4)
    secret = tmp_path / "elsewhere.json"
    secret.write_text(json.dumps(day_body(A, "2026-12-01", searches=99)))
    (share / "outbox" / A / "day-2026-12-01.json").symlink_to(secret)
    os.mkfifo(share / "outbox" / A / "day-2026-12-02.json")
    (share / "outbox" / "Bob's folder").mkdir()
    (share / "outbox" / "README.txt").write_text("hi")
    caplog.set_level(logging.INFO, logger="workaid.feedback")
    data = read_outbox(share, workers=1)
    assert (data.searches, data.ignored) == (4, 2)
    text = caplog.text
    assert "day-2026-12-01.json: not a plain file" in text and "day-2026-12-02.json: not a plain file" in text
    assert "Bob's folder: not a desk folder" in text and "README.txt: not a desk folder" in text


def test_since_filters_by_the_name_before_a_file_is_opened(share, caplog):
    put_day(share, A, "2026-11-20", searches=100, opens={"late-fee-waiver": 50})
    put(share, B, "day-2026-11-21.json", "{damaged, but too old to be opened")
    put_day(share, A, "2026-12-01", searches=3, opens={"late-fee-waiver": 1})
    put_flags(share, A, [flag("old-card", at="2026-11-20T09:00:00Z")], stamp="20261120T090000Z")
    put_flags(share, A, [flag("late-fee-waiver", at="2026-12-01T09:00:00Z")], stamp="20261201T090000Z")
    caplog.set_level(logging.INFO, logger="workaid.feedback")
    data = read_outbox(share, since=dt.date(2026, 11, 25), workers=1)
    assert (data.searches, data.opens, data.day_records) == (3, {"late-fee-waiver": 1}, 1)
    assert [f.card for f in data.flags] == ["late-fee-waiver"]
    assert data.ignored == 0 and "skipped" not in caplog.text


def test_a_bad_value_inside_a_file_never_breaks_the_read_or_the_sums(share):
    put_day(share, A, "2026-11-30", searches=2, opens={"late-fee-waiver": 1})
    put_day(share, B, "2026-11-30", searches="lots", opens={"late-fee-waiver": 1, "Not An Id!": 5})
    put_day(share, C, "2026-11-30", searches=1, opens={"late-fee-waiver": -3})
    data = read_outbox(share, workers=1)
    assert (data.searches, data.opens, data.day_records, data.ignored) == (2, {"late-fee-waiver": 1}, 1, 2)


# -- compaction ------------------------------------------------------------------------------------


def old_and_new(share: Path) -> None:
    for desk in (A, B):
        for day in ("2026-09-29", "2026-09-30", "2026-10-01", "2026-10-15"):
            put_day(
                share,
                desk,
                day,
                searches=3,
                searches_no_result={"ceo": 1, f"only {desk}": 1},
                opens={"late-fee-waiver": 2},
                escalations=[esc(3, recommended=1)],
            )
    put_flags(share, A, [flag("old-card", at="2026-10-02T09:00:00Z")], stamp="20261002T090000Z")
    site(share)


def test_compaction_loses_nothing_and_counts_nothing_twice(share):
    old_and_new(share)
    before = report_json(build_report(read_outbox(share, workers=1), {}, {}, TODAY))
    done = compact(share, dt.date(2026, 10, 29))
    assert done.months == ("2026-09", "2026-10") and done.merged == 9 and done.deleted == 9 and not done.left
    assert sorted(p.name for p in (share / "outbox-archive").iterdir()) == ["2026-09.json", "2026-10.json"]
    assert sorted(p.name for p in (share / "outbox" / A).iterdir() if p.name.startswith("day-2026-1")) == [
        "day-2026-11-30.json",
        "day-2026-12-01.json",
    ]
    after = report_json(build_report(read_outbox(share, workers=1), {}, {}, TODAY))
    assert after == before
    assert before["no_result"][0] == {"query": "ceo", "times": 15, "desks": 2}
    again = compact(share, dt.date(2026, 10, 29))
    assert again.merged == 0 and again.describe() == "Nothing to compact."
    assert report_json(build_report(read_outbox(share, workers=1), {}, {}, TODAY)) == before


def test_a_file_the_owner_cannot_delete_is_skipped_by_name(share, monkeypatch):
    old_and_new(share)
    before = report_json(build_report(read_outbox(share, workers=1), {}, {}, TODAY))
    stuck = share / "outbox" / B / "day-2026-10-01.json"
    real_unlink = os.unlink

    def unlink(path, *a, **kw):
        if Path(path) == stuck:
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *a, **kw)

    monkeypatch.setattr(outbox_read.os, "unlink", unlink)
    done = compact(share, dt.date(2026, 10, 29))
    assert done.left == (f"{B}/day-2026-10-01.json",) and stuck.exists()
    assert "could not be removed" in done.describe()
    assert report_json(build_report(read_outbox(share, workers=1), {}, {}, TODAY)) == before
    assert compact(share, dt.date(2026, 10, 29)).merged == 0  # merged once, whatever is left behind


def test_compaction_leaves_bad_files_alone_and_a_damaged_archive_untouched(share, caplog):
    put_day(share, A, "2026-09-10", searches=1)
    bad = put(share, A, "day-2026-09-11.json", "{nope")
    put_day(share, A, "2026-08-10", searches=1)
    (share / "outbox-archive").mkdir()
    (share / "outbox-archive" / "2026-08.json").write_text("{damaged")
    caplog.set_level(logging.INFO, logger="workaid.feedback")
    done = compact(share, dt.date(2026, 10, 1))
    assert done.months == ("2026-09",) and done.ignored == 1 and done.damaged == ("2026-08",)
    assert bad.exists() and (share / "outbox" / A / "day-2026-08-10.json").exists()
    assert "2026-08.json: damaged" in caplog.text
    assert read_outbox(share, workers=1).searches == 2  # the August file is still read where it is


def test_since_inside_a_compacted_month_says_so(share):
    old_and_new(share)
    compact(share, dt.date(2026, 10, 29))
    data = read_outbox(share, since=dt.date(2026, 10, 10), workers=1)
    assert any("2026-10 is compacted" in n for n in data.notes)
    assert sum(data.escalations.values()) == 2 + 4  # the two desks' 15 October calls, and the recent four
    assert data.no_result["ceo"].n == 2 * 2 + 7  # October counted whole: 1st and 15th per desk


# -- the report ---------------------------------------------------------------------------------------


def test_a_query_only_one_desk_typed_is_never_shown(share):
    site(share)
    report = build_report(read_outbox(share, workers=1), {}, {}, TODAY)
    shown = [(q.query, q.times, q.desks) for q in report.no_result]
    assert shown == [("ceo", 7, 2), ("bbb", 3, 2)]
    assert [q.query for q in report.abandoned] == ["fee waiver late"]
    assert report.withheld == 2  # "alice smith" and "president"
    text = json.dumps(report_json(report)) + report_html(report)
    assert "alice smith" not in text and "president" not in text


def test_prevention_review_lists_escalations_that_went_higher_than_recommended(share):
    site(share)
    cards = {"refund-outside-policy": CardInfo("refund-outside-policy", "Refunds outside policy", 2, None)}
    report = build_report(read_outbox(share, workers=1), cards, {}, TODAY)
    rows = [(p.card, p.title, p.reason, p.level, p.recommended, p.count) for p in report.prevention]
    assert rows == [
        ("refund-outside-policy", "Refunds outside policy", "customer asked for a manager", 4, 1, 1),
        ("late-fee-waiver", "", "beyond my discretion", 3, 2, 1),
    ]
    weeks = {(w.week, w.reason, w.level): w.n for w in report.escalations}
    assert weeks[("2026-W49", "beyond my discretion", 2)] == 1 and sum(weeks.values()) == 4


def test_stale_cards_still_opened_are_listed_by_opens(share):
    site(share)
    cards = {
        "late-fee-waiver": CardInfo("late-fee-waiver", "Waiving a late fee", 3, dt.date(2026, 11, 1)),
        "old-card": CardInfo("old-card", "Old card", 1, dt.date(2025, 1, 1)),
        "refund-outside-policy": CardInfo("refund-outside-policy", "Refunds", 2, dt.date(2027, 1, 1)),
        "never-opened": CardInfo("never-opened", "Nobody reads me", 1, dt.date(2020, 1, 1)),
    }
    report = build_report(read_outbox(share, workers=1), cards, {}, TODAY)
    assert [(s.card, s.opens) for s in report.stale] == [("late-fee-waiver", 8), ("old-card", 2)]


def test_flags_group_identical_comments_and_take_their_status_from_answers(share):
    site(share)
    data = read_outbox(share, workers=1)
    same = [f.id for f in data.flags if f.card == "late-fee-waiver"]
    other = next(f.id for f in data.flags if f.card == "old-card")
    cards = {"late-fee-waiver": CardInfo("late-fee-waiver", "Waiving a late fee", 4, None)}
    open_report = build_report(data, cards, {}, TODAY)
    row = open_report.flags[0]
    assert (row.card, row.version, row.current_version, row.desks, row.status) == ("late-fee-waiver", 3, 4, 2, "open")
    assert row.comment == "the £## limit is not clear" and set(row.flag_ids) == set(same)
    answers = {
        fid: make_answer(
            fid, "late-fee-waiver", "fixed", 4, "The limit is now in the table.", "Ann", "2026-12-02T09:00:00Z"
        )
        for fid in same
    }
    answers[other] = make_answer(other, "old-card", "answered", None, "Still right.", "Ann", "2026-12-02T09:00:00Z")
    report = build_report(data, cards, answers, TODAY)
    assert {(f.card, f.status) for f in report.flags} == {("late-fee-waiver", "fixed"), ("old-card", "answered")}
    assert report.flags[-1].answer.startswith("Fixed in version 4")
    counts = {f.card: (f.open, f.fixed, f.answered) for f in report.most_flagged}
    assert counts == {"late-fee-waiver": (0, 2, 0), "old-card": (0, 0, 1)}
    half = build_report(data, cards, {same[0]: answers[same[0]]}, TODAY)
    assert half.flags[0].status == "open" and {f.card: f.open for f in half.most_flagged}["late-fee-waiver"] == 1


def test_json_shape_names_no_desk(share):
    site(share)
    out = report_json(build_report(read_outbox(share, workers=1), {}, {}, TODAY))
    assert set(out) >= {
        "format",
        "today",
        "since",
        "desks",
        "searches",
        "no_result",
        "abandoned",
        "most_opened",
        "most_flagged",
        "escalations",
        "stale",
        "prevention",
        "authority",
        "flags",
        "notes",
    }
    assert out["most_opened"][0] == {"card": "late-fee-waiver", "title": "", "opens": 8}
    assert set(out["flags"][0]) >= {"card", "version", "reason", "comment", "desks", "status", "flag_ids"}
    text = json.dumps(out)
    assert json.loads(text) == out
    assert not any(d in text for d in (A, B, C))


_ALLOWED = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_the_html_report_references_nothing_on_the_network(share):
    site(share)
    put_flags(share, A, [flag("late-fee-waiver", comment='<script>alert("x")</script> <img src=x>')], rand="dddddd")
    put_flags(share, B, [flag("late-fee-waiver", comment='<script>alert("x")</script> <img src=x>')], rand="eeeeee")
    page = report_html(build_report(read_outbox(share, workers=1), {}, {}, TODAY))
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 5
    assert set(re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'<>)]*", page, re.I)) <= _ALLOWED
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "src=" not in page.replace("src=x&gt;", "")  # the hostile comment is shown as text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<!--" not in page


def test_an_empty_report_still_renders(share):
    report = build_report(read_outbox(share), {}, {}, TODAY)
    page = report_html(report)
    assert "Nothing yet." in page and "<svg" not in page
    assert report_json(report)["no_result"] == []


def test_cards_from_a_source_folder(tmp_path):
    write_card(
        tmp_path / "src",
        "a.md",
        "---\nid: late-fee-waiver\ntitle: Waiving a late fee\nreview_by: 2026-01-01\n---\nBody.\n",
    )
    cards = cards_from_folder(tmp_path / "src")
    assert cards == {"late-fee-waiver": CardInfo("late-fee-waiver", "Waiving a late fee", None, dt.date(2026, 1, 1))}


def test_cards_from_the_signed_pack(tmp_path):
    from workaid.core.distribution import keys, pack

    key_path, pub_path = keys.generate(tmp_path / "keys")
    src = tmp_path / "src"
    write_card(src, "a.md", "---\nid: late-fee-waiver\ntitle: Waiving a late fee\nreview_by: 2026-01-01\n---\nBody.\n")
    write_card(src, "b.md", "---\nid: other-card\ntitle: Another card\n---\nBody.\n")
    answer = make_answer("ab" * 16, "late-fee-waiver", "fixed", 2, "Clearer now.", "Ann", "2026-12-02T09:00:00Z")
    save_answer(src, answer)
    pack.publish(src, tmp_path / "share", keys.load_private_key(key_path), note="first", author="ann")
    trusted = [keys.load_public_key(str(pub_path))]
    cards = cards_from_share(tmp_path / "share", trusted, only=["late-fee-waiver"])
    assert cards["late-fee-waiver"] == CardInfo("late-fee-waiver", "Waiving a late fee", 1, dt.date(2026, 1, 1))
    assert cards["other-card"].review_by is None and cards["other-card"].version == 1
    assert answers_from_share(tmp_path / "share", trusted) == {answer.flag_id: answer}
    other_key, _ = keys.generate(tmp_path / "other")
    with pytest.raises(pack.PackError, match="not signed by a trusted"):
        cards_from_share(tmp_path / "share", [keys.load_private_key(other_key).public_key()])


# -- workaid report ------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    config = tmp_path / "workaid.toml"
    config.write_text("")
    monkeypatch.setenv("WORKAID_CONFIG", str(config))

    def run(*argv: str) -> tuple[int, str, str]:
        from workaid.cli import main

        try:
            code = main(["--data-dir", str(tmp_path / "data"), "report", *argv])
        except SystemExit as e:
            code = int(e.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_workaid_report_prints_each_section(cli, share):
    site(share)
    code, out, err = cli(str(share))
    assert code == 0, err
    assert "Top searches without a result" in out and "Prevention review" in out
    assert re.search(r"^\s+7\s+2\s+ceo$", out, re.M)
    assert "alice smith" not in out
    assert "note: Cards are shown by id only" in out and "no trusted publisher key" in out


def test_workaid_report_json_and_html(cli, share, tmp_path):
    site(share)
    code, out, err = cli(str(share), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["no_result"][0] == {"query": "ceo", "times": 7, "desks": 2}
    code, out, err = cli(str(share), "--html", str(tmp_path / "report.html"), "--since", "2026-12-01")
    assert code == 0, err
    assert "Wrote the report to" in out
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "since 2026-12-01" in page and "<svg" in page


def test_workaid_report_names_cards_from_the_source_folder(cli, share, tmp_path):
    site(share)
    write_card(tmp_path / "src", "a.md", "---\nid: late-fee-waiver\ntitle: Waiving a late fee\n---\nBody.\n")
    code, out, err = cli(str(share), "--source", str(tmp_path / "src"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["most_opened"][0]["title"] == "Waiving a late fee"
    assert any("come from" in n for n in data["notes"])


def test_workaid_report_compacts(cli, share):
    old_and_new(share)
    code, out, err = cli(str(share), "--compact", "--before", "2026-10-29")
    assert code == 0, err
    assert out.startswith("Compacted 9 file(s) into 2 monthly archive(s) (2026-09, 2026-10); removed 9.")


@pytest.mark.parametrize(
    "argv, code, words",
    [
        (["{missing}"], 1, "is not a folder (or cannot be reached)"),
        (["{share}", "--since", "2026-13-01"], 2, "'2026-13-01' is not a date"),
        (["{share}", "--html", "{missing}/r.html"], 1, "does not exist"),
        (["{share}", "--html", "{share}"], 1, "is a folder"),
        (["{share}", "--json", "--html", "x.html"], 2, "not allowed with"),
        (["{share}", "--before", "2026-10-01"], 1, "--before goes with --compact"),
    ],
)
def test_workaid_report_says_what_is_wrong(cli, share, tmp_path, argv, code, words):
    site(share)
    args = [a.format(share=share, missing=tmp_path / "missing") for a in argv]
    got, out, err = cli(*args)
    assert got == code and words in err


def test_workaid_report_on_an_unreadable_outbox_is_an_environment_problem(cli, share, monkeypatch):
    site(share)

    def refuse(*a, **kw):
        raise PermissionError(13, "Permission denied", str(share / "outbox"))

    monkeypatch.setattr(outbox_read.os, "scandir", refuse)
    code, out, err = cli(str(share))
    assert code == 3 and "Cannot read the outbox" in err


def test_the_bench_generator_writes_files_the_reader_accepts(tmp_path):
    from bench.feedback import generate

    files = generate(tmp_path / "share", desks=3, days=4)
    data = read_outbox(tmp_path / "share", workers=1)
    assert files == 3 * 4 + 1 and data.ignored == 0 and data.day_records == 12
    shutil.rmtree(tmp_path / "share")


def test_workaid_report_names_cards_from_the_signed_pack_and_shows_published_answers(cli, share, tmp_path):
    from workaid.core.distribution import keys, pack

    site(share)
    fid = next(f.id for f in read_outbox(share, workers=1).flags if f.card == "old-card")
    key_path, pub_path = keys.generate(tmp_path / "keys")
    src = tmp_path / "src"
    write_card(src, "a.md", "---\nid: old-card\ntitle: An old card\nreview_by: 2026-01-01\n---\nBody.\n")
    save_answer(src, make_answer(fid, "old-card", "fixed", 2, "Updated.", "Ann", "2026-12-02T09:00:00Z"))
    pack.publish(src, share, keys.load_private_key(key_path), note="first", author="ann")
    (tmp_path / "workaid.toml").write_text(f'trusted_keys = ["{pub_path}"]\n')
    code, out, err = cli(str(share), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["notes"] == []
    assert {"card": "old-card", "title": "An old card", "review_by": "2026-01-01", "opens": 2} in data["stale"]
    assert [f["status"] for f in data["flags"] if f["card"] == "old-card"] == ["fixed"]


def test_report_charts_are_titled_svg_with_no_script(share):
    from workaid.core.feedback.report import report_charts

    site(share)
    charts = report_charts(build_report(read_outbox(share, workers=1), {}, {}, TODAY))
    assert [t for t, _ in charts] == [
        "Top searches without a result",
        "Most-opened cards",
        "Cards with most flags",
        "Escalations per week, by reason",
        "Escalations per week, by level",
    ]
    for _, svg in charts:
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and "<script" not in svg
    assert report_charts(build_report(read_outbox(share, since=TODAY), {}, {}, TODAY)) == []


def test_chart_labels_carry_their_alignment_for_renderers_without_style_sheets(share):
    """Regression: in the workbench (Qt's SVG renderer reads no pygal style sheet) every
    card name started where it should end and ran across its bar."""
    import xml.etree.ElementTree as ET

    from workaid.core.feedback.report import report_charts

    site(share)
    ns = "{http://www.w3.org/2000/svg}"
    for title, svg in report_charts(build_report(read_outbox(share, workers=1), {}, {}, TODAY)):
        root = ET.fromstring(svg)
        axes = [g for g in root.iter(f"{ns}g") if "axis" in g.get("class", "").split()]
        labels = [t for g in axes if "y" in g.get("class", "").split() for t in g.iter(f"{ns}text")]
        assert labels, title
        assert {t.get("text-anchor") for t in labels} == {"end"}, title
        heading = [t for t in root.iter(f"{ns}text") if "title" in t.get("class", "").split()]
        assert heading and heading[0].get("text-anchor") == "middle"


def test_a_big_outbox_is_read_by_one_process_per_core_and_a_small_one_in_place(monkeypatch):
    monkeypatch.setattr(outbox_read.os, "cpu_count", lambda: 2)
    assert outbox_read._workers(10) == 1
    assert outbox_read._workers(5000) == 2
    monkeypatch.setattr(outbox_read.os, "cpu_count", lambda: 64)
    assert outbox_read._workers(5000) == outbox_read.MAX_WORKERS
