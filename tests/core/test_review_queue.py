"""Review dates for owners (issue 11, point 8): the queue, and marking a card reviewed."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.core.conftest import CONTENT, write_card
from workaid.core.authoring.review_queue import (
    DEFAULT_REVIEW_DAYS,
    DUE,
    NO_DATE,
    OVERDUE,
    REVIEWED_NOTE,
    MarkRefused,
    load_review_queue,
    mark_reviewed,
    next_review,
    review_dates_in,
    review_queue,
    usual_period,
)
from workaid.core.content.cards import parse_card

TODAY = dt.date(2026, 12, 3)


def card(card_id: str, review_by: str | None, owner: str = "billing-team", extra: str = "") -> str:
    review = f"review_by: {review_by}\n" if review_by else ""
    return f"---\nid: {card_id}\ntitle: Card {card_id}\nowner: {owner}\n{review}{extra}---\nBody of {card_id}.\n"


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "src"
    write_card(src, "a.md", card("long-overdue", "2026-10-01"))
    write_card(src, "b.md", card("just-overdue", "2026-12-02", owner="Ops"))
    write_card(src, "c.md", card("due-today", "2026-12-03"))
    write_card(src, "d.md", card("due-soon", "2026-12-20", owner="ops"))
    write_card(src, "e.md", card("due-later", "2027-06-01"))
    write_card(src, "f.md", card("no-date", None))
    write_card(src, "sub/g.md", "# Old notes\n\nNo front matter.\n")
    return src


def test_queue_lists_overdue_first_most_overdue_first_then_due_then_undated(source):
    items = review_queue(source, TODAY)
    assert [(i.id, i.days, i.status) for i in items] == [
        ("long-overdue", -63, OVERDUE),
        ("just-overdue", -1, OVERDUE),
        ("due-today", 0, DUE),
        ("due-soon", 17, DUE),
        ("no-date", None, NO_DATE),
        ("sub-g", None, NO_DATE),
    ]
    assert items[0].path == source / "a.md" and items[0].title == "Card long-overdue"
    assert items[0].review_by == dt.date(2026, 10, 1) and items[0].owner == "billing-team"


def test_within_days_widens_the_due_group(source):
    ids = [i.id for i in review_queue(source, TODAY, within_days=365) if i.status == DUE]
    assert ids == ["due-today", "due-soon", "due-later"]
    assert [i.id for i in review_queue(source, TODAY, within_days=0) if i.status == DUE] == ["due-today"]


def test_owner_filter_ignores_case(source):
    assert [i.id for i in review_queue(source, TODAY, owner="OPS")] == ["just-overdue", "due-soon"]
    assert review_queue(source, TODAY, owner="nobody") == []


def test_a_file_with_problems_is_reported_not_silently_left_out(source):
    write_card(source, "broken.md", "---\nid: broken\ntitle: a: b\n---\n")
    items, problems = load_review_queue(source, TODAY)
    assert "broken" not in {i.id for i in items}
    assert [p.source for p in problems] == ["broken.md"]


def test_usual_period_is_the_median_gap_of_past_review_dates_ignoring_corrections():
    d = dt.date
    assert usual_period([]) is None and usual_period([d(2026, 1, 1)]) is None
    assert usual_period([d(2026, 1, 1), d(2026, 4, 1)]) == 90
    # a typo fixed three days later is not a cycle; repeats and None are ignored
    dates = [d(2025, 1, 1), d(2025, 7, 1), d(2025, 7, 4), d(2026, 1, 1), None, d(2026, 1, 1)]
    assert usual_period(dates) == 181


def test_review_dates_in_reads_past_versions_texts_and_skips_broken_ones():
    texts = [card("x", "2026-01-01"), card("x", "2026-04-01").encode(), "---\nid: [\n---\n", card("x", None)]
    assert review_dates_in(texts) == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]


def test_next_review_keeps_the_rhythm_when_early_and_starts_from_today_when_late():
    assert next_review(dt.date(2027, 3, 1), TODAY, 180) == dt.date(2027, 8, 28)
    assert next_review(dt.date(2026, 1, 1), TODAY, 180) == TODAY + dt.timedelta(days=180)
    assert next_review(None, TODAY, 30) == TODAY + dt.timedelta(days=30)


def test_mark_reviewed_changes_only_the_review_by_line(tmp_path):
    text = (
        "---\n"
        "id: late-fee-waiver   # keep: other cards link here\n"
        "title: Waiving a late-payment fee\n"
        "tags: [fees,   discretion]\n"
        "review_by:   2027-03-01  # six-monthly\n"
        "summary:   odd   spacing kept\n"
        "---\nBody\n"
    )
    path = write_card(tmp_path, "fee.md", text)
    result = mark_reviewed(path, TODAY)
    assert (result.id, result.old, result.new) == ("late-fee-waiver", dt.date(2027, 3, 1), dt.date(2027, 8, 28))
    assert result.period_days == DEFAULT_REVIEW_DAYS and result.note == REVIEWED_NOTE == "reviewed, no change"
    assert result.in_place
    assert path.read_text() == text.replace("2027-03-01", "2027-08-28")


def test_mark_reviewed_uses_the_cards_own_rhythm_or_the_given_period(tmp_path):
    path = write_card(tmp_path, "x.md", card("x", "2027-01-10"))
    # published 90 and 90 days apart, then 93 days to the file's own date: the usual period is 90
    history = [dt.date(2026, 4, 12), dt.date(2026, 7, 11), dt.date(2026, 10, 9)]
    assert mark_reviewed(path, TODAY, history=history).new == dt.date(2027, 4, 10)
    assert mark_reviewed(path, TODAY, period_days=7).new == dt.date(2027, 4, 17)  # the call's period wins


def test_mark_reviewed_keeps_crlf_line_ends_and_a_bom(tmp_path):
    raw = "\ufeff---\r\nid: x\r\ntitle: X\r\nreview_by: 2027-01-01\r\n---\r\nBody\r\n".encode()
    path = tmp_path / "x.md"
    path.write_bytes(raw)
    mark_reviewed(path, TODAY)
    assert path.read_bytes() == raw.replace(b"2027-01-01", b"2027-06-30")


def test_mark_reviewed_adds_a_review_date_to_a_card_without_one_after_the_owner(tmp_path):
    path = write_card(
        tmp_path, "x.md", "---\nid: x\ntitle: X\ntags:\n  - a\n  - b\nowner: ops\nsummary: S\n---\nBody\n"
    )
    result = mark_reviewed(path, TODAY, period_days=30)
    assert result.old is None and result.new == dt.date(2027, 1, 2) and result.in_place
    assert (
        path.read_text()
        == "---\nid: x\ntitle: X\ntags:\n  - a\n  - b\nowner: ops\nreview_by: 2027-01-02\nsummary: S\n---\nBody\n"
    )


def test_mark_reviewed_fills_an_empty_review_by_line_where_it_is(tmp_path):
    path = write_card(tmp_path, "x.md", "---\nid: x\nreview_by:   # to do\ntitle: X\n---\nBody\n")
    assert mark_reviewed(path, TODAY, period_days=30).in_place
    assert path.read_text() == "---\nid: x\nreview_by: 2027-01-02 # to do\ntitle: X\n---\nBody\n"


def test_mark_reviewed_falls_back_to_the_writer_for_front_matter_it_cannot_edit_by_line(tmp_path):
    path = write_card(tmp_path, "x.md", "---\n{id: x, title: X, review_by: 2027-01-01}\n---\nBody\n")
    result = mark_reviewed(path, TODAY)
    assert not result.in_place and result.new == dt.date(2027, 6, 30)
    parsed = parse_card(path.read_bytes(), "x.md").card
    assert (parsed.id, parsed.title, parsed.review_by, parsed.body) == ("x", "X", dt.date(2027, 6, 30), "Body\n")


def test_a_card_with_problems_is_not_marked_reviewed_and_is_left_untouched(tmp_path):
    text = "---\nid: x\ntitle: X\nreview_by: 2027-02-30\n---\n"
    path = write_card(tmp_path, "x.md", text)
    with pytest.raises(MarkRefused, match="not marked reviewed: the card has problems") as e:
        mark_reviewed(path, TODAY)
    assert "x.md:4 — review_by '2027-02-30' is not a real date" in str(e.value)
    assert path.read_text() == text


def test_a_file_without_front_matter_or_a_missing_file_is_refused_in_words(tmp_path):
    path = write_card(tmp_path, "notes.md", "# Notes\n")
    with pytest.raises(MarkRefused, match="has no front matter"):
        mark_reviewed(path, TODAY)
    with pytest.raises(MarkRefused, match="no such card file"):
        mark_reviewed(tmp_path / "gone.md", TODAY)
    with pytest.raises(MarkRefused, match="at least 1 day"):
        mark_reviewed(path, TODAY, period_days=0)


def test_every_bundled_card_with_front_matter_can_be_marked_in_place(tmp_path):
    src = tmp_path / "content"
    shutil.copytree(CONTENT, src)
    before = {i.id: i for i in review_queue(src, TODAY, within_days=10_000)}
    for item in before.values():
        if item.status == NO_DATE and not item.path.read_text(encoding="utf-8").startswith("---"):
            continue
        old = item.path.read_text(encoding="utf-8")
        result = mark_reviewed(item.path, TODAY)
        assert result.in_place, item.id
        changed = [(a, b) for a, b in zip(old.splitlines(), item.path.read_text().splitlines(), strict=True) if a != b]
        assert len(changed) == 1 and "review_by" in changed[0][1], item.id


# -- the command line: workaid review ----------------------------------------------------
def review(capsys, tmp_path, *argv: str) -> tuple[int, str, str]:
    from workaid.cli import parse_args
    from workaid.cli_authoring import COMMANDS

    args = parse_args(["review", *argv])
    code = COMMANDS["review"](args, tmp_path / "data")
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def dated_source(tmp_path):
    today = dt.date.today()
    src = tmp_path / "src"
    write_card(src, "a.md", card("late-fee-waiver", (today - dt.timedelta(days=12)).isoformat()))
    write_card(src, "b.md", card("soon", (today + dt.timedelta(days=5)).isoformat(), owner="ops"))
    write_card(src, "c.md", card("later", (today + dt.timedelta(days=90)).isoformat()))
    write_card(src, "d.md", card("undated", None))
    return src


def test_review_prints_the_queue_grouped_with_dates_in_words(capsys, tmp_path, dated_source):
    code, out, _ = review(capsys, tmp_path, str(dated_source))
    assert code == 0
    assert out.index("Overdue: 1") < out.index("Due within 30 days: 1") < out.index("No review date")
    assert "late-fee-waiver  Card late-fee-waiver · billing-team — overdue by 12 days (" in out
    assert "— due in 5 days (" in out and "later" not in out
    assert "  undated" in out


def test_review_by_owner_and_as_json(capsys, tmp_path, dated_source):
    code, out, _ = review(capsys, tmp_path, str(dated_source), "--owner", "ops", "--within", "100", "--json")
    assert code == 0
    import json

    rows = json.loads(out)
    assert [(r["id"], r["days"], r["status"]) for r in rows] == [("soon", 5, "due")]


def test_review_mark_moves_the_date_and_names_the_publish_note(capsys, tmp_path, dated_source):
    code, out, _ = review(capsys, tmp_path, str(dated_source), "--mark", "soon", "--mark", "undated")
    assert code == 0
    soon = dt.date.today() + dt.timedelta(days=5)
    new = soon + dt.timedelta(days=DEFAULT_REVIEW_DAYS)
    assert f"soon: review by {soon.day} {soon:%b} {soon.year} → {new.day} {new:%b} {new.year}; " in out
    assert "publish with the note 'reviewed, no change'" in out
    assert "undated: no review date → " in out
    assert parse_card((dated_source / "b.md").read_bytes(), "b.md").card.review_by == new


def test_review_mark_of_an_unknown_id_exits_1_and_changes_nothing(capsys, tmp_path, dated_source):
    before = {p.name: p.read_bytes() for p in dated_source.iterdir()}
    code, out, err = review(capsys, tmp_path, str(dated_source), "--mark", "soon", "--mark", "late-fee-waver")
    assert code == 1
    assert "no card with id 'late-fee-waver' in" in err and "nothing was marked" in err
    assert {p.name: p.read_bytes() for p in dated_source.iterdir()} == before


def test_review_says_which_files_are_left_out_because_they_do_not_parse(capsys, tmp_path, dated_source):
    write_card(dated_source, "broken.md", "---\nid: broken\ntitle: a: b\n---\n")
    code, _, err = review(capsys, tmp_path, str(dated_source))
    assert code == 0 and "1 file could not be read as cards and is not in the queue" in err


def test_review_of_a_missing_folder_exits_1(capsys, tmp_path):
    code, _, err = review(capsys, tmp_path, str(tmp_path / "nowhere"))
    assert code == 1 and "is not a folder" in err


def test_workaid_review_runs_as_a_command(tmp_path, dated_source):
    import subprocess
    import sys

    from tests.core.conftest import ROOT

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "workaid",
            "--data-dir",
            str(tmp_path / "d"),
            "review",
            str(dated_source),
            "--mark",
            "x",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "workaid: no card with id 'x'" in out.stderr
