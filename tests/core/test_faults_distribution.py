"""Fault campaign, distribution: content must reach every desk (issue 9, points 1-5 and
the checkout / author / history items). Each test is named after the fault it pins."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.core.conftest import CONTENT, ROOT
from tests.core.share_rig import Rig, card_text, rig  # noqa: F401  (fixture)
from workaid import cli
from workaid.core.distribution import keys, pack
from workaid.core.distribution.share import FolderShare
from workaid.core.distribution.sync import Syncer, SyncFailed
from workaid.core.errors import EnvironmentProblem
from workaid.core.fileio import atomic_write

NOBODY = 65534


def _can_drop_privileges() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "dropping privileges needs root (the suite runs as root in CI); this run is not root"
    if shutil.which("setpriv") is None:
        return "dropping privileges needs util-linux setpriv, which is not installed here"
    return None


def _edit(rig: Rig, old: str, new: str) -> None:
    path = rig.src / "fees/late-fee-waiver.md"
    path.write_text(path.read_text().replace(old, new))


# -- 1. files on the share are readable by other OS users --------------------------


def test_atomic_write_follows_the_umask_and_private_keys_stay_owner_only(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "a" / "f.json", "x")
        assert stat.S_IMODE((tmp_path / "a" / "f.json").stat().st_mode) == 0o640
        assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o750
        key_path, pub_path = keys.generate(tmp_path / "keys")
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_share_files_are_readable_by_another_os_user(tmp_path):
    why = _can_drop_privileges()
    if why:
        pytest.skip(why)
    old = os.umask(0o022)
    base = Path(tempfile.mkdtemp(prefix="workaid-otheruser-"))
    try:
        os.chmod(base, 0o755)
        key_path, pub_path = keys.generate(base / "keys")
        src = base / "src"
        shutil.copytree(CONTENT, src)
        share = base / "share"
        pack.publish(src, share, keys.load_private_key(key_path), author="alice")
        modes = {p.relative_to(share).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in share.rglob("*")}
        assert all(m & 0o004 for m in modes.values()), modes  # every file and folder: others may read
        desk = base / "desk"
        desk.mkdir()
        os.chown(desk, NOBODY, NOBODY)
        config = base / "workaid.toml"
        config.write_text(f'share = "{share}"\ntrusted_keys = ["{pub_path}"]\n')
        env = {
            **os.environ,
            "HOME": str(desk),
            "WORKAID_CONFIG": str(config),
            "XDG_CONFIG_HOME": str(desk / "cfg"),
            "XDG_CONFIG_DIRS": str(base / "site"),
            "XDG_DATA_HOME": str(desk / "share"),
        }
        drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]

        def as_nobody(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [*drop, sys.executable, "-m", "workaid", "--data-dir", str(desk / "data"), *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )

        out = as_nobody("sync")
        assert out.returncode == 0, out.stderr
        assert "Applied serial 1" in out.stdout
        out = as_nobody("search", "late", "fee", "--json")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)[0]["id"] == "late-fee-waiver"
        assert (desk / "data").stat().st_uid == NOBODY
    finally:
        os.umask(old)
        shutil.rmtree(base, ignore_errors=True)


def test_checkout_output_follows_the_umask(rig, tmp_path):
    old = os.umask(0o022)
    try:
        pack.checkout(rig.share, tmp_path / "co", [rig.pub])
    finally:
        os.umask(old)
    card = tmp_path / "co" / "fees" / "late-fee-waiver.md"
    assert stat.S_IMODE(card.stat().st_mode) == 0o644


# -- 2. a lost current.json never restarts the serial ------------------------------


def _break_pointer(share: Path, how: str) -> None:
    pointer = share / "current.json"
    pointer.rename(share / "current.json.moved-away")
    if how == "dangling":
        pointer.symlink_to(share / "gone.json")
    elif how == "loop":
        pointer.symlink_to(pointer)


@pytest.mark.parametrize("how", ["missing", "dangling", "loop"])
def test_missing_dangling_or_looping_pointer_never_restarts_the_serial(rig, how):
    _edit(rig, "£12", "£15")
    assert rig.publish("two").serial == 2
    rig.sync()
    assert rig.serial() == 2
    _break_pointer(rig.share, how)
    _edit(rig, "£15", "£18")
    report = rig.publish("three")
    assert report.serial == 3 and report.changed == ["late-fee-waiver"]
    assert any("missing or a broken link" in n for n in report.notes)
    assert not (rig.share / "current.json").is_symlink()
    rig.sync()
    assert rig.serial() == 3 and "£18" in rig.desk.card("late-fee-waiver").body
    versions = [v["version"] for v in rig.manifest()["cards"]["late-fee-waiver"]["versions"]]
    assert versions == [1, 2, 3]  # history continues


def test_lost_pointer_with_a_manifest_this_folder_cannot_vouch_for_is_refused_with_a_way_to_recover(rig, tmp_path):
    other = tmp_path / "other"
    pack.checkout(rig.share, other, [rig.pub])
    _edit(rig, "£12", "£15")
    rig.publish("alice: two")  # serial 2, which `other` never saw
    (rig.share / "current.json").unlink()
    path = other / "fees/late-fee-waiver.md"
    path.write_text(path.read_text().replace("£12", "£99"))
    with pytest.raises(pack.PackError, match="restore current.json from a backup") as err:
        pack.publish(other, rig.share, rig.priv, author="bob")
    assert "serial 2" in str(err.value)
    assert not (rig.share / "manifests/3.json").exists()


def test_serial_is_above_every_manifest_even_one_a_killed_publish_left(rig):
    stray = rig.share / "manifests/7.json"
    stray.write_bytes((rig.share / "manifests/1.json").read_bytes())
    _edit(rig, "£12", "£15")
    assert rig.publish().serial == 8
    rig.sync()
    assert rig.serial() == 8


# -- 3. a killed publish leaves a share the next publish can use --------------------


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_lock_of_a_dead_publish_is_taken_over_and_its_temp_files_cleaned(rig):
    import socket

    holder = {
        "user": "carol",
        "host": socket.gethostname(),
        "pid": _dead_pid(),
        "started_at": "2026-01-01T00:00:00+00:00",
        "started": time.time(),
    }
    (rig.share / pack.LOCK_FILE).write_text(json.dumps(holder))
    debris = [
        rig.share / ".current.json.abc123.tmp",
        rig.share / "manifests/.2.json.x1y2.tmp",
        rig.share / "objects" / "ab" / ".abcd.q9.tmp",
    ]
    for d in debris:
        d.parent.mkdir(parents=True, exist_ok=True)
        d.write_text("half")
    unrelated = rig.share / "notes.tmp"
    unrelated.write_text("not ours")
    _edit(rig, "£12", "£15")
    report = rig.publish()
    assert report.serial == 2
    assert any("Took over the publish lock" in n and "has ended" in n for n in report.notes)
    assert any("Removed 3 temporary file" in n for n in report.notes)
    assert not any(d.exists() for d in debris) and unrelated.exists()
    assert not (rig.share / pack.LOCK_FILE).exists()


def test_lock_older_than_the_limit_is_taken_over_but_a_live_one_is_not(rig):
    lock = rig.share / pack.LOCK_FILE
    live = {"user": "dan", "host": "another-host", "pid": 4242, "started_at": "now", "started": time.time()}
    lock.write_text(json.dumps(live))
    rig.write("new.md", card_text("new-card", "New"))
    with pytest.raises(pack.PublishConflict, match="dan@another-host pid 4242"):
        rig.publish()
    lock.write_text(json.dumps({**live, "started": live["started"] - pack.LOCK_STALE_SECONDS - 60}))
    report = rig.publish()
    assert report.added == ["new-card"]
    assert any("minutes old" in n for n in report.notes)


def test_publish_killed_after_the_switch_is_not_a_conflict_with_itself(rig, monkeypatch):
    real = pack._write_state
    calls = []

    def dies_after_switch(source, cards, serial, *a, **kw):
        calls.append(kw.get("pending"))
        if len(calls) == 2:  # the final record, after current.json was replaced
            raise KeyboardInterrupt("killed")
        return real(source, cards, serial, *a, **kw)

    monkeypatch.setattr(pack, "_write_state", dies_after_switch)
    _edit(rig, "£12", "£15")
    with pytest.raises(KeyboardInterrupt):
        rig.publish("two")
    monkeypatch.setattr(pack, "_write_state", real)
    assert rig.pointer()["serial"] == 2
    _edit(rig, "£15", "£20")  # the same editor carries on
    report = rig.publish("three")
    assert report.serial == 3 and report.changed == ["late-fee-waiver"]
    rig.sync()
    assert "£20" in rig.desk.card("late-fee-waiver").body


def test_publish_killed_before_the_switch_forgets_the_pending_record(rig, monkeypatch):
    real = pack.atomic_write

    def dies_at_pointer(path, data, **kw):
        if Path(path).name == "current.json":
            raise KeyboardInterrupt("killed")
        return real(path, data, **kw)

    monkeypatch.setattr(pack, "atomic_write", dies_at_pointer)
    _edit(rig, "£12", "£15")
    with pytest.raises(KeyboardInterrupt):
        rig.publish("two")
    monkeypatch.setattr(pack, "atomic_write", real)
    assert not (rig.share / pack.LOCK_FILE).exists()  # an exception still releases the lock
    assert rig.pointer()["serial"] == 1
    report = rig.publish("two again")
    assert report.changed == ["late-fee-waiver"] and report.serial == 3  # above the unswitched manifest 2
    rig.sync()
    assert "£15" in rig.desk.card("late-fee-waiver").body


# -- 4. a share that hangs ----------------------------------------------------------


@pytest.fixture
def fifo_pointer(rig):
    pointer = rig.share / "current.json"
    pointer.rename(rig.share / "real-pointer")
    os.mkfifo(pointer)
    yield pointer
    _release(pointer)


def _release(fifo: Path) -> None:
    """Let every read stuck on `fifo` end (a writer opens and closes it)."""
    for _ in range(64):
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader waiting any more
            return
        os.close(fd)


def _stuck_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "share-io")


def test_hanging_share_times_out_publish_and_checkout_with_syncs_message(rig, fifo_pointer, tmp_path):
    _edit(rig, "£12", "£15")
    with pytest.raises(EnvironmentProblem, match="did not answer within 0.2 s"):
        pack.publish(rig.src, rig.share, rig.priv, timeout=0.2)
    with pytest.raises(EnvironmentProblem, match="did not answer within 0.2 s"):
        pack.checkout(rig.share, tmp_path / "co", [rig.pub], timeout=0.2)
    rig.syncer = Syncer(rig.desk, FolderShare(rig.share, timeout=0.2), [rig.pub])
    rig.sync_fails("did not answer within 0.2 s")
    assert "£12" in rig.desk.card("late-fee-waiver").body


def test_polling_a_hanging_share_does_not_leak_a_thread_per_poll(rig, fifo_pointer):
    before = _stuck_threads()
    for _ in range(40):  # the poller makes a new FolderShare for every poll
        syncer = Syncer(rig.desk, FolderShare(rig.share, timeout=0.05), [rig.pub])
        with pytest.raises(SyncFailed, match="did not answer"):
            syncer.sync_once()
    assert _stuck_threads() - before <= 1  # the one read stuck on the FIFO, joined by every later poll


def test_hanging_objects_cost_a_bounded_number_of_threads(rig):
    _edit(rig, "£12", "£15")
    rig.write("fees/extra.md", card_text("extra-card", "Extra"))
    rig.publish("two")
    fifos = [rig.object_path("late-fee-waiver"), rig.object_path("extra-card")]
    for f in fifos:
        f.unlink()
        os.mkfifo(f)
    try:
        for _ in range(30):
            rig.syncer = Syncer(rig.desk, FolderShare(rig.share, timeout=0.05), [rig.pub])
            rig.sync_fails("did not answer")
        assert _stuck_threads() <= FolderShare._pool._max
        assert len([t for t in threading.enumerate() if t.name == "share-io"]) <= 16
        assert rig.serial() == 1
    finally:
        for f in fifos:
            _release(f)


# -- 5. import on a desk that syncs from a share ----------------------------------


def _config(tmp_path: Path, rig: Rig, **extra: str) -> Path:
    pub = rig.root / "keys" / "publisher.pub"
    lines = [f'share = "{rig.share}"', f'trusted_keys = ["{pub}"]'] + [f'{k} = "{v}"' for k, v in extra.items()]
    path = tmp_path / "workaid.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_import_on_a_desk_that_syncs_from_a_share_is_refused(rig, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKAID_CONFIG", str(_config(tmp_path, rig)))
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "sync"]) == 0
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "only.md").write_text(card_text("only-card", "Only"))
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "import", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "workaid check" in err and "unset 'share'" in err and "Nothing was loaded" in err
    assert cli.main(["--data-dir", str(data), "show", "late-fee-waiver"]) == 0  # the share's cards stay


# -- checkout -------------------------------------------------------------------


def test_checkout_into_a_folder_with_unpublished_edits_refuses_and_force_keeps_a_backup(rig, tmp_path, capsys):
    dest = tmp_path / "co"
    pub = str(rig.root / "keys" / "publisher.pub")
    assert (
        cli.main(["--data-dir", str(tmp_path / "d"), "checkout", str(rig.share), str(dest), "--trusted-key", pub]) == 0
    )
    card = dest / "fees/late-fee-waiver.md"
    card.write_text(card.read_text().replace("£12", "£77"))
    capsys.readouterr()
    assert (
        cli.main(["--data-dir", str(tmp_path / "d"), "checkout", str(rig.share), str(dest), "--trusted-key", pub]) == 1
    )
    err = capsys.readouterr().err
    assert str(card) in err and "--force" in err
    assert "£77" in card.read_text()
    assert (
        cli.main(
            ["--data-dir", str(tmp_path / "d"), "checkout", str(rig.share), str(dest), "--trusted-key", pub, "--force"]
        )
        == 0
    )
    backups = list(tmp_path.glob("co.backup-*"))
    assert len(backups) == 1 and "£77" in (backups[0] / "fees/late-fee-waiver.md").read_text()
    assert "£12" in card.read_text()


def test_checkout_over_an_unchanged_checkout_needs_no_force(rig, tmp_path):
    dest = tmp_path / "co"
    pack.checkout(rig.share, dest, [rig.pub])
    _edit(rig, "£12", "£15")
    rig.publish()
    assert pack.checkout(rig.share, dest, [rig.pub]) > 0  # an older published version: nothing lost
    assert "£15" in (dest / "fees/late-fee-waiver.md").read_text()


def test_readme_checkout_example_works_as_written(rig, tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    line = next(ln for ln in readme.splitlines() if ln.startswith("workaid checkout "))
    command = line.split("#")[0].split()[1:]
    keydir = rig.root / "keys"
    values = {
        "SHARE": str(rig.share),
        "DIR": str(tmp_path / "co"),
        "KEYDIR/publisher.pub": str(keydir / "publisher.pub"),
    }
    argv = [values.get(w, w) for w in command]
    monkeypatch.setenv("WORKAID_CONFIG", str(tmp_path / "empty.toml"))
    (tmp_path / "empty.toml").write_text("")
    assert cli.main(["--data-dir", str(tmp_path / "d"), *argv]) == 0, capsys.readouterr().err
    assert (tmp_path / "co/fees/late-fee-waiver.md").exists()


def test_checkout_without_a_trusted_key_says_how_to_give_one(rig, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKAID_CONFIG", str(tmp_path / "empty.toml"))
    (tmp_path / "empty.toml").write_text("")
    assert cli.main(["--data-dir", str(tmp_path / "d"), "checkout", str(rig.share), str(tmp_path / "co")]) == 1
    err = capsys.readouterr().err
    assert "--trusted-key" in err and "trusted_keys" in err


@pytest.mark.parametrize(
    "bad", ["C:/x.md", "C:x.md", "c:\\x.md", "../escape.md", "/abs.md", "a/../../b.md", "x:stream.md"]
)
def test_checkout_rejects_windows_drive_names_and_paths_outside_the_folder(rig, tmp_path, bad):
    m = rig.manifest()
    m["cards"]["late-fee-waiver"]["path"] = bad
    rig.resign(m)
    dest = tmp_path / "co"
    pack.checkout(rig.share, dest, [rig.pub])
    assert (dest / "late-fee-waiver.md").exists()
    inside = dest.resolve()
    for p in tmp_path.rglob("*.md"):
        assert p.resolve().is_relative_to(inside) or p.resolve().is_relative_to(rig.src.resolve())
    assert not Path("C:").exists() and not (tmp_path / "escape.md").exists()


def test_checkout_never_writes_through_a_link_out_of_the_folder(rig, tmp_path):
    dest = tmp_path / "co"
    outside = tmp_path / "outside"
    outside.mkdir()
    dest.mkdir()
    (dest / "fees").symlink_to(outside)
    pack.checkout(rig.share, dest, [rig.pub])
    assert list(outside.iterdir()) == []
    assert (dest / "late-fee-waiver.md").exists()


# -- publish --author and history -------------------------------------------------


def test_publish_author_defaults_to_the_configured_author_not_the_login(rig, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKAID_CONFIG", str(_config(tmp_path, rig, author="Olu Adeyemi")))
    _edit(rig, "£12", "£15")
    key = rig.root / "keys" / "publisher.key"
    assert (
        cli.main(["--data-dir", str(tmp_path / "d"), "publish", str(rig.src), str(rig.share), "--key", str(key)]) == 0
    )
    latest = rig.manifest()["cards"]["late-fee-waiver"]["versions"][-1]
    assert latest["author"] == "Olu Adeyemi" and rig.pointer()["publisher"] == "Olu Adeyemi"
    _edit(rig, "£15", "£16")
    assert (
        cli.main(
            [
                "--data-dir",
                str(tmp_path / "d"),
                "publish",
                str(rig.src),
                str(rig.share),
                "--key",
                str(key),
                "--author",
                "Sam",
            ]
        )
        == 0
    )
    assert rig.manifest()["cards"]["late-fee-waiver"]["versions"][-1]["author"] == "Sam"


def test_history_shows_every_versions_title(rig, tmp_path, monkeypatch, capsys):
    path = rig.src / "fees/late-fee-waiver.md"
    text = path.read_text()
    title = next(ln for ln in text.splitlines() if ln.startswith("title:"))
    path.write_text(text.replace(title, "title: Late fee waiver, revised"))
    rig.publish("retitled")
    monkeypatch.setenv("WORKAID_CONFIG", str(_config(tmp_path, rig)))
    data = tmp_path / "fresh-desk"  # never held version 1
    assert cli.main(["--data-dir", str(data), "sync"]) == 0
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "history", "late-fee-waiver"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("v2") and lines[0].split("  ")[3].startswith("Late fee waiver, revised")
    assert lines[1].startswith("v1") and title.split(":", 1)[1].strip().strip("'\"") in lines[1]


def test_sync_from_an_unreachable_share_is_an_environment_problem_exit_3(rig, tmp_path, monkeypatch, capsys):
    """A share that is offline is worth a retry (exit 3); a pack failing its checks is not (exit 1)."""
    monkeypatch.setenv("WORKAID_CONFIG", str(_config(tmp_path, rig)))
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "sync"]) == 0
    gone = tmp_path / "unmounted"
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "sync", "--share", str(gone)]) == 3
    err = capsys.readouterr().err
    assert "not reachable" in err and "Still using" in err and "Traceback" not in err
    (rig.share / "current.json").write_text("{ half-written")
    assert cli.main(["--data-dir", str(data), "sync"]) == 1
    assert cli.main(["--data-dir", str(data), "show", "late-fee-waiver"]) == 0  # the last good content stays
