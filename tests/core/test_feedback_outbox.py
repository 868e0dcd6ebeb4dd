"""The desk writing its outbox: the format, and every fault leaving nothing lost."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from workaid.core.desk.escalation_log import EscalationEntry, EscalationLog
from workaid.core.errors import SchemaTooNew
from workaid.core.feedback import outbox
from workaid.core.feedback.desk_id import desk_id
from workaid.core.feedback.desk_store import FeedbackError, FeedbackStore
from workaid.core.feedback.outbox import (
    DAY_NAME_RE,
    FLAGS_NAME_RE,
    MAX_FILE_BYTES,
    OutboxUnavailable,
    deliver,
    parse_day_file,
    parse_flags_file,
)
from workaid.core.feedback.signals import SignalRecorder

ROOT = Path(__file__).resolve().parents[2]
A, B = "0123456789abcdef", "fedcba9876543210"
T0 = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 3)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
as_nobody = pytest.mark.skipif(not (IS_ROOT and SETPRIV), reason="needs root and setpriv to act as another OS user")


def clock() -> dt.datetime:
    return T0


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    s = FeedbackStore(tmp_path / "data" / "feedback.db", clock=clock)
    yield s
    s.close()


@pytest.fixture
def share(tmp_path: Path) -> Path:
    s = tmp_path / "share"
    s.mkdir()
    return s


def with_a_day(store: FeedbackStore) -> None:
    rec = SignalRecorder(clock)
    rec.searched("ceo", 0)
    rec.cleared()
    rec.opened("late-fee-waiver")
    rec.authority("late-fee-waiver", "escalate")
    store.add_counts(rec.take(final=True))


def files(share: Path, desk: str = A) -> list[Path]:
    folder = share / "outbox" / desk
    return sorted(p for p in folder.iterdir()) if folder.is_dir() else []


# -- the format ---------------------------------------------------------------------------------
def test_delivered_files_have_the_documented_names_and_pass_the_readers_checks(store, share):
    store.add_flag("late-fee-waiver", 3, "unclear", "the £45 limit is not clear")
    with_a_day(store)
    got = deliver(store, share, A, True, TODAY, clock=clock)
    assert (got.flags_sent, got.days_sent, got.waiting) == (1, 1, 0)
    (flags_file,) = [p for p in files(share) if FLAGS_NAME_RE.match(p.name)]
    (day_file,) = [p for p in files(share) if DAY_NAME_RE.match(p.name)]
    assert day_file.name == "day-2026-12-02.json"
    body = parse_flags_file(json.loads(flags_file.read_bytes()), A)
    assert [(f["card"], f["version"], f["reason"], f["comment"]) for f in body["flags"]] == [
        ("late-fee-waiver", 3, "unclear", "the £## limit is not clear")
    ]
    day = parse_day_file(json.loads(day_file.read_bytes()), A)
    assert day["searches_no_result"] == {"ceo": 1} and day["opens"] == {"late-fee-waiver": 1}
    assert day["authority"] == {"late-fee-waiver": {"escalate": 1}}
    assert all(p.stat().st_size <= MAX_FILE_BYTES for p in files(share))


def test_the_outbox_is_world_writable_and_sticky_when_a_desk_creates_it(store, share):
    store.add_flag("late-fee-waiver", 1, "wrong")
    deliver(store, share, A, True, TODAY, clock=clock)
    assert stat.S_IMODE((share / "outbox").stat().st_mode) == 0o1777


def test_the_day_is_sent_only_once_it_is_over_and_only_once(store, share):
    with_a_day(store)
    assert deliver(store, share, A, True, T0.date(), clock=clock).days_sent == 0
    assert deliver(store, share, A, True, TODAY, clock=clock).days_sent == 1
    assert deliver(store, share, A, True, TODAY + dt.timedelta(days=1), clock=clock).days_sent == 0


def test_a_day_record_carries_its_escalations_with_the_recommended_level(store, tmp_path):
    log = EscalationLog(tmp_path / "escalations.db", clock=clock)
    log.add(EscalationEntry(3, "beyond my discretion", cards=("late-fee-waiver",), recommended=2))
    log.add(EscalationEntry(3, "beyond my discretion", cards=("late-fee-waiver",), recommended=2))
    log.add(EscalationEntry(1, "Mrs Quagmire insisted on 07700 900123", recommended=None))
    log.add(EscalationEntry(2, "yesterday", at=T0 - dt.timedelta(days=1)))
    rec = store.day_record(T0.date(), A, 41, log.entries())
    assert rec["serial"] == 41
    assert rec["escalations"] == [
        {"level": 1, "reason": "(other)", "recommended": None, "cards": [], "n": 1},
        {"level": 3, "reason": "beyond my discretion", "recommended": 2, "cards": ["late-fee-waiver"], "n": 2},
    ]
    assert parse_day_file(rec, A) == rec


def test_telemetry_off_sends_flags_only_and_never_the_days_gathered_meanwhile(store, share):
    store.add_flag("late-fee-waiver", 1, "missing")
    with_a_day(store)
    got = deliver(store, share, A, False, TODAY, clock=clock)
    assert (got.flags_sent, got.days_sent) == (1, 0)
    assert deliver(store, share, A, True, TODAY, clock=clock).days_sent == 0
    assert not [p for p in files(share) if p.name.startswith("day-")]


def test_bad_flags_are_refused_with_a_message(store):
    with pytest.raises(FeedbackError, match="reason"):
        store.add_flag("late-fee-waiver", 1, "boring")
    with pytest.raises(FeedbackError, match="card"):
        store.add_flag("Late Fee", 1, "wrong")
    with pytest.raises(FeedbackError, match="version"):
        store.add_flag("late-fee-waiver", 0, "wrong")


# -- flags wait until delivered -------------------------------------------------------------------
def test_flags_stay_waiting_until_delivered_and_become_sent_after(store, share):
    store.add_flag("late-fee-waiver", 1, "unclear", "which limit?")
    assert [f.status for f in store.flags()] == ["waiting"]
    assert store.waiting() == 1
    deliver(store, share, A, True, TODAY, clock=clock)
    assert [f.status for f in store.flags("late-fee-waiver")] == ["sent"]
    assert store.waiting() == 0


def test_share_missing_keeps_every_flag_waiting_then_sends_them(store, tmp_path):
    share = tmp_path / "not-mounted"
    store.add_flag("late-fee-waiver", 1, "unclear")
    with_a_day(store)
    with pytest.raises(OutboxUnavailable, match="cannot be reached.*1 flag is waiting"):
        deliver(store, share, A, True, TODAY, clock=clock)
    assert store.waiting() == 1 and store.unsent_days(TODAY) == [T0.date()]
    share.mkdir()
    got = deliver(store, share, A, True, TODAY, clock=clock)
    assert (got.flags_sent, got.days_sent, got.waiting) == (1, 1, 0)


@pytest.mark.skipif(IS_ROOT, reason="root writes through chmod; the setpriv test covers this as root")
def test_share_read_only_keeps_every_flag_waiting(store, share):
    store.add_flag("late-fee-waiver", 1, "unclear")
    share.chmod(0o555)
    try:
        with pytest.raises(OutboxUnavailable, match="read-only"):
            deliver(store, share, A, True, TODAY, clock=clock)
        assert store.waiting() == 1
    finally:
        share.chmod(0o755)
    assert deliver(store, share, A, True, TODAY, clock=clock).flags_sent == 1


# A desk in its own process, as its own OS user when run through setpriv.
DESK = textwrap.dedent(
    """
    import datetime as dt, json, sys
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from workaid.core.feedback.desk_store import FeedbackStore
    from workaid.core.feedback.outbox import OutboxUnavailable, deliver
    data, share, desk, n = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    store = FeedbackStore(data / "feedback.db")
    for i in range(n):
        store.add_flag("late-fee-waiver", 1, "other", f"note {sys.argv[6]}")
    try:
        got = deliver(store, share, desk, True, dt.date(2026, 12, 3))
        print(json.dumps({"sent": got.flags_sent, "waiting": store.waiting()}))
    except OutboxUnavailable as e:
        print(json.dumps({"error": str(e), "waiting": store.waiting()}))
    """
)


def run_desk(data: Path, share: Path, desk: str, n: int = 1, nobody: bool = False) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-c", DESK, str(ROOT), str(data), str(share), desk, str(n), "ab"[desk != A]]
    if nobody:
        assert SETPRIV
        cmd = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "HOME": "/tmp"}
    )


def result(proc: subprocess.Popen[str]) -> dict[str, object]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def open_dir():
    """A folder another OS user can reach (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="workaid-outbox-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def nobody_data(base: Path) -> Path:
    data = base / "nobody-data"
    data.mkdir()
    os.chown(data, 65534, 65534)
    return data


@as_nobody
def test_share_read_only_for_this_desk_user_keeps_every_flag_waiting(open_dir):
    share = open_dir / "share"
    share.mkdir(mode=0o755)  # root's, read-only for uid 65534
    got = result(run_desk(nobody_data(open_dir), share, A, nobody=True))
    assert "read-only" in str(got["error"]) and got["waiting"] == 1
    assert not (share / "outbox").exists()


def test_share_full_keeps_every_flag_and_day_waiting(store, share, monkeypatch):
    store.add_flag("late-fee-waiver", 1, "unclear")
    with_a_day(store)

    def full(path, data, mode=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(outbox, "atomic_write", full)
    with pytest.raises(OutboxUnavailable, match="is full.*1 flag is waiting"):
        deliver(store, share, A, True, TODAY, clock=clock)
    assert store.waiting() == 1 and store.unsent_days(TODAY) == [T0.date()]
    assert not [p for p in files(share) if not p.name.startswith(".")]
    monkeypatch.undo()
    got = deliver(store, share, A, True, TODAY, clock=clock)
    assert (got.flags_sent, got.days_sent, got.waiting) == (1, 1, 0)


def test_share_full_half_way_keeps_what_was_written_sent_and_the_rest_waiting(store, share, monkeypatch):
    store.add_flag("late-fee-waiver", 1, "unclear")
    with_a_day(store)
    real = outbox.atomic_write

    def full_for_days(path, data, mode=None):
        if Path(path).name.startswith("day-"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, mode)

    monkeypatch.setattr(outbox, "atomic_write", full_for_days)
    with pytest.raises(OutboxUnavailable, match="full"):
        deliver(store, share, A, True, TODAY, clock=clock)
    assert store.waiting() == 0 and store.unsent_days(TODAY) == [T0.date()]
    monkeypatch.undo()
    assert deliver(store, share, A, True, TODAY, clock=clock).days_sent == 1


def test_a_crash_after_the_rename_sends_the_flags_once_not_twice(store, share, monkeypatch):
    store.add_flag("late-fee-waiver", 1, "unclear")
    monkeypatch.setattr(store, "mark_file_sent", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        deliver(store, share, A, True, TODAY, clock=clock)
    monkeypatch.undo()
    assert store.waiting() == 1
    assert deliver(store, share, A, True, TODAY, clock=clock).flags_sent == 1
    ids = [f["id"] for p in files(share) for f in json.loads(p.read_bytes())["flags"]]
    assert len(ids) == 1 and store.waiting() == 0


def test_many_flags_are_split_into_files_within_the_size_limit(store, share):
    for _ in range(300):
        store.add_flag("late-fee-waiver", 1, "other", "ü" * 500)
    assert deliver(store, share, A, True, TODAY, clock=clock).flags_sent == 300
    written = files(share)
    assert len(written) > 1 and all(p.stat().st_size <= MAX_FILE_BYTES for p in written)
    assert sum(len(parse_flags_file(json.loads(p.read_bytes()), A)["flags"]) for p in written) == 300


def test_two_desks_writing_at_once_both_arrive_whole(open_dir):
    share = open_dir / "share"
    share.mkdir()
    (open_dir / "a").mkdir()
    (open_dir / "b").mkdir()
    procs = [run_desk(open_dir / "a", share, A, 40), run_desk(open_dir / "b", share, B, 40)]
    assert [result(p) for p in procs] == [{"sent": 40, "waiting": 0}] * 2
    for desk in (A, B):
        flags = [f for p in files(share, desk) for f in parse_flags_file(json.loads(p.read_bytes()), desk)["flags"]]
        assert len(flags) == 40 and {f["comment"] for f in flags} == {f"note {'ab'[desk != A]}"}


@as_nobody
def test_a_second_desk_cannot_change_the_first_desks_files(open_dir):
    share = open_dir / "share"
    share.mkdir(mode=0o755)
    (open_dir / "a").mkdir()
    assert result(run_desk(open_dir / "a", share, A)) == {"sent": 1, "waiting": 0}
    assert stat.S_IMODE((share / "outbox").stat().st_mode) == 0o1777
    before = {p.name: p.read_bytes() for p in files(share, A)}
    # The other desk can add its own folder in the sticky outbox ...
    assert result(run_desk(nobody_data(open_dir), share, B, nobody=True)) == {"sent": 1, "waiting": 0}
    # ... but not remove, rename or write over the first desk's.
    target = files(share, A)[0]
    attack = textwrap.dedent(
        f"""
        import os, sys
        tries = [
            lambda: os.rename({str(share / "outbox" / A)!r}, {str(share / "outbox" / "stolen")!r}),
            lambda: os.unlink({str(target)!r}),
            lambda: open({str(target)!r}, "wb").write(b"{{}}"),
            lambda: open({str(share / "outbox" / A / "day-2026-12-01.json")!r}, "wb").write(b"{{}}"),
        ]
        ok = 0
        for t in tries:
            try:
                t()
                ok += 1
            except PermissionError:
                pass
        print(ok)
        """
    )
    assert SETPRIV
    out = subprocess.run(
        [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", attack],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "0", out.stderr
    assert {p.name: p.read_bytes() for p in files(share, A)} == before


def test_a_link_in_place_of_the_desk_folder_is_never_written_through(store, share, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (share / "outbox").mkdir()
    (share / "outbox" / A).symlink_to(elsewhere)
    store.add_flag("late-fee-waiver", 1, "unclear")
    with pytest.raises(OutboxUnavailable):
        deliver(store, share, A, True, TODAY, clock=clock)
    assert list(elsewhere.iterdir()) == [] and store.waiting() == 1


# -- the desk's id and its store ------------------------------------------------------------------
def test_the_desk_id_is_random_stable_and_replaced_when_damaged(tmp_path, caplog):
    first = desk_id(tmp_path)
    assert len(first) == 16 and int(first, 16) >= 0 and first == first.lower()
    assert desk_id(tmp_path) == first
    assert desk_id(tmp_path / "other") != first
    (tmp_path / "desk-id").write_text("not an id")
    again = desk_id(tmp_path)
    assert again != first and len(again) == 16
    assert "damaged" in caplog.text


def test_a_store_from_a_newer_workaid_is_refused_untouched(tmp_path):
    path = tmp_path / "feedback.db"
    FeedbackStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    data = path.read_bytes()
    with pytest.raises(SchemaTooNew):
        FeedbackStore(path)
    assert path.read_bytes() == data


def test_a_damaged_store_is_set_aside_and_a_fresh_one_started(tmp_path, caplog):
    path = tmp_path / "feedback.db"
    path.write_bytes(b"this is not a database" * 100)
    s = FeedbackStore(path, clock=clock)
    assert s.notice and s.set_aside and s.set_aside.read_bytes().startswith(b"this is not")
    s.add_flag("late-fee-waiver", 1, "wrong")
    assert s.waiting() == 1
    assert "damaged" in caplog.text
    s.close()


# -- the readers' checks ----------------------------------------------------------------------------
def day_body(**fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "format": 1,
        "type": "day",
        "desk": A,
        "day": "2026-12-02",
        "serial": 3,
        "searches_no_result": {"ceo": 1},
        "searches_abandoned": {},
        "searches": 1,
        "opens": {},
        "authority": {},
        "escalations": [],
    }
    body.update(fields)
    return body


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"format": 2}, "format"),
        ({"desk": B}, "lies in the folder"),
        ({"type": "flags"}, "type"),
        ({"day": "2026-02-30"}, "real date"),
        ({"searches": -1}, "count"),
        ({"opens": {"../x": 1}}, "key"),
        ({"searches_no_result": {"x" * 61: 1}}, "key"),
        ({"searches_no_result": {"a\nb": 1}}, "key"),
        ({"authority": {"late-fee-waiver": {"within": True}}}, "count"),
        ({"escalations": [{"level": 9, "reason": "x", "recommended": None, "cards": [], "n": 1}]}, "level"),
    ],
)
def test_a_day_file_a_desk_would_not_write_is_refused_with_the_reason(fields, why):
    with pytest.raises(ValueError, match=why):
        parse_day_file(day_body(**fields), A)


def test_the_reader_masks_a_digit_a_desk_should_not_have_sent():
    got = parse_day_file(day_body(searches_no_result={"Order 1": 1, "order 2": 2}), A)
    assert got["searches_no_result"] == {"order #": 3}
    # Digits of any script, and superscripts, count as digits too (the fast path is ASCII only).
    got = parse_day_file(day_body(searches_no_result={"order ٣": 1, "order ²": 1, "order 4": 1}), A)
    assert got["searches_no_result"] == {"order #": 3}


def test_a_bad_flag_is_dropped_and_the_good_ones_kept(caplog):
    good = {
        "id": "a" * 32,
        "card": "late-fee-waiver",
        "version": 2,
        "reason": "wrong",
        "comment": "",
        "at": "2026-12-02T10:00:00Z",
    }
    body = {
        "format": 1,
        "type": "flags",
        "desk": A,
        "written_at": "2026-12-02T10:00:00Z",
        "flags": [good, {**good, "reason": "bad"}],
    }
    assert parse_flags_file(body, A)["flags"] == [good]
    assert "dropped flag 2" in caplog.text
