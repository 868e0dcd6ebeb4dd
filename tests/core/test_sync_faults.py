"""Faults and attacks a desk must survive: one named test each. In every case the pack
is rejected whole, the last good content stays in use, and the reason is recorded."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.core.bundled_cards import bundled_count
from tests.core.conftest import ROOT
from tests.core.share_rig import Rig, card_text, rig  # noqa: F401  (fixture)
from workaid.core.distribution import keys, pack
from workaid.core.distribution.share import FolderShare
from workaid.core.distribution.sync import Syncer, sync_status
from workaid.core.errors import EnvironmentProblem


def bump_late_fee(rig: Rig, text: str = "£15") -> None:
    path = rig.src / "fees/late-fee-waiver.md"
    path.write_text(path.read_text().replace("£12", text))
    rig.publish("change")


def last_good(rig: Rig, serial: int = 1) -> None:
    """The desk still shows serial `serial`'s content, intact."""
    assert rig.serial() == serial
    assert "£12" in rig.desk.card("late-fee-waiver").body
    assert rig.desk.status().count == bundled_count()
    assert rig.desk.store.integrity_ok()


def test_poll_with_no_change_reads_only_the_pointer(rig):
    result = rig.sync()
    assert not result.changed and result.reads == 1
    assert result.bytes_read == (rig.share / "current.json").stat().st_size


def test_delta_sync_fetches_only_changed_objects(rig):
    bump_late_fee(rig)
    result = rig.sync()
    assert result.changed and result.updated == 1 and result.objects_fetched == 1 and result.reads == 3
    # pointer + delta + one object: far less than the full manifest alone
    assert result.bytes_read < (rig.share / "manifests/2.json").stat().st_size / 3
    assert "£15" in rig.desk.card("late-fee-waiver").body
    assert rig.desk.card("late-fee-waiver").version == 2
    assert [v["version"] for v in rig.desk.history("late-fee-waiver")] == [2, 1]
    assert rig.desk.history("late-fee-waiver")[0]["author"] == "alice"


def test_half_written_object_at_its_final_name(rig):
    bump_late_fee(rig)
    obj = rig.object_path("late-fee-waiver")
    whole = obj.read_bytes()
    obj.write_bytes(whole[: len(whole) // 2])
    rig.sync_fails("does not match its signed hash")
    last_good(rig)
    assert "does not match" in sync_status(rig.desk).last_error
    obj.write_bytes(whole)  # the copy finishes; the next poll applies it
    rig.sync()
    assert rig.serial() == 2 and sync_status(rig.desk).last_error == ""


def test_half_written_manifest_at_its_final_name(rig):
    bump_late_fee(rig)
    manifest, delta = rig.share / "manifests/2.json", rig.share / "deltas/2.json"
    whole, whole_delta = manifest.read_bytes(), delta.read_bytes()
    manifest.write_bytes(whole[:100])
    delta.write_bytes(whole_delta[:50])
    rig.sync_fails("does not match the signed pointer")
    last_good(rig)
    manifest.write_bytes(whole)
    rig.sync()
    assert rig.serial() == 2


def test_damaged_delta_falls_back_to_the_whole_manifest(rig):
    bump_late_fee(rig)
    delta = rig.share / "deltas/2.json"
    delta.write_bytes(delta.read_bytes().replace(b"alice", b"mallo"))
    result = rig.sync()
    assert rig.serial() == 2 and "£15" in rig.desk.card("late-fee-waiver").body
    assert result.bytes_read > (rig.share / "manifests/2.json").stat().st_size


@pytest.mark.parametrize("crash_at", [1, 2, 3])
def test_publisher_killed_between_any_two_steps(rig, crash_at):
    """A real publisher process dies (os._exit) before its n-th file write: object(s),
    manifest, pointer. Desks see the old set or the new set, never a mix."""
    path = rig.src / "fees/late-fee-waiver.md"
    path.write_text(path.read_text().replace("£12", "£15"))
    (rig.src / "new.md").write_text(card_text("brand-new", "Brand new"))
    driver = f"""
import os, sys
from pathlib import Path
from workaid.core.distribution import keys, pack
real, n = pack.atomic_write, [0]
def dying(path, data, **kw):
    n[0] += 1
    if n[0] == {crash_at}:
        os._exit(9)
    return real(path, data, **kw)
pack.atomic_write = dying
pack.publish(Path(sys.argv[1]), Path(sys.argv[2]), keys.load_private_key(Path(sys.argv[3])), author="alice")
"""
    out = subprocess.run(
        [sys.executable, "-c", driver, str(rig.src), str(rig.share), str(rig.root / "keys/publisher.key")], cwd=ROOT
    )
    assert out.returncode == 9
    rig.sync()  # nothing new is visible yet: the pointer was not switched
    last_good(rig)
    assert (rig.share / pack.LOCK_FILE).exists()  # the dead publisher's lock says so
    report = rig.publish("retry")  # its process is gone: the lock is taken over, with a note
    assert any("Took over the publish lock" in n for n in report.notes)
    assert not (rig.share / pack.LOCK_FILE).exists()
    assert report.serial == 2 and set(report.added + report.changed) == {"late-fee-waiver", "brand-new"}
    rig.sync()
    assert rig.serial() == 2 and "£15" in rig.desk.card("late-fee-waiver").body


def test_share_missing_is_never_read_as_all_cards_deleted(rig):
    rig.syncer = Syncer(rig.desk, FolderShare(rig.root / "not-mounted"), [rig.pub])
    rig.sync_fails("not reachable")
    last_good(rig)


def test_empty_share_keeps_the_cards(rig, tmp_path):
    (tmp_path / "empty").mkdir()
    rig.syncer = Syncer(rig.desk, FolderShare(tmp_path / "empty"), [rig.pub])
    rig.sync_fails("current.json is missing")
    last_good(rig)


def test_unmounted_share_leaving_an_empty_mount_point_keeps_the_cards(rig):
    for child in rig.share.iterdir():
        os.rename(child, rig.root / ("moved-" + child.name))
    rig.sync_fails("missing")
    last_good(rig)


def test_permission_denied_on_the_share_keeps_the_cards(rig, monkeypatch):
    real_open = os.open

    def denied(path, *a, **kw):
        if str(path).startswith(str(rig.share)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr(os, "open", denied)
    rig.sync_fails("No permission")
    monkeypatch.undo()
    last_good(rig)


def test_hanging_share_times_out_and_keeps_the_cards(rig):
    pointer = rig.share / "current.json"
    saved = pointer.read_bytes()
    pointer.unlink()
    os.mkfifo(pointer)  # opening a FIFO with no writer blocks, like a dead mount
    rig.syncer = Syncer(rig.desk, FolderShare(rig.share, timeout=0.3), [rig.pub])
    try:
        rig.sync_fails("did not answer within 0.3 s")
        last_good(rig)
    finally:
        threading.Thread(target=lambda: open(pointer, "wb").close(), daemon=True).start()  # release the stuck reader
    pointer.unlink()
    pointer.write_bytes(saved)


def test_byte_flipped_in_a_card_after_signing(rig):
    bump_late_fee(rig)
    obj = rig.object_path("late-fee-waiver")
    data = bytearray(obj.read_bytes())
    data[40] ^= 0x01
    obj.write_bytes(bytes(data))
    rig.sync_fails("does not match its signed hash")
    last_good(rig)


def test_unsigned_pointer_is_rejected(rig):
    bump_late_fee(rig)
    data = rig.pointer()
    del data["signature"]
    (rig.share / "current.json").write_text(json.dumps(data))
    rig.sync_fails("not signed")
    last_good(rig)


def test_pointer_signed_by_an_untrusted_key_is_rejected(rig, tmp_path):
    bump_late_fee(rig)
    mallory = keys.load_private_key(keys.generate(tmp_path / "mallory")[0])
    rig.resign(key=mallory)
    rig.sync_fails("not signed by a trusted publisher key")
    last_good(rig)


def test_pointer_field_changed_after_signing_is_rejected(rig):
    bump_late_fee(rig)
    data = rig.pointer()
    data["publisher"] = "someone else"
    (rig.share / "current.json").write_text(json.dumps(data))
    rig.sync_fails("not signed by a trusted publisher key")
    last_good(rig)


def test_rollback_to_an_older_serial_is_refused(rig):
    old_pointer = (rig.share / "current.json").read_bytes()
    bump_late_fee(rig)
    rig.sync()
    (rig.share / "current.json").write_bytes(old_pointer)  # a validly signed, older pointer
    rig.sync_fails("rollback refused")
    assert rig.serial() == 2 and "£15" in rig.desk.card("late-fee-waiver").body


def test_equal_serial_with_different_content_is_refused(rig):
    manifest = rig.manifest()
    manifest["note"] = "quietly different"
    rig.resign(new_manifest=manifest)
    rig.sync_fails("again with different content")
    last_good(rig)


def test_huge_pointer_is_refused_without_reading_it_all(rig):
    with open(rig.share / "current.json", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    rig.sync_fails("larger than")
    last_good(rig)


def test_endless_object_data_is_capped(rig):
    bump_late_fee(rig)
    obj = rig.object_path("late-fee-waiver")
    with open(obj, "ab") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: huge without using disk
    rig.sync_fails("larger than")
    last_good(rig)


def test_oversized_card_in_the_manifest_is_refused(rig):
    manifest = rig.manifest()
    manifest["serial"] = 2
    manifest["cards"]["late-fee-waiver"]["versions"][-1]["size"] = 10**12
    rig.resign(new_manifest=manifest, serial=2, manifest="manifests/2.json")
    rig.sync_fails("malformed")
    last_good(rig)


def test_symlink_in_place_of_an_object_is_not_followed(rig, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(card_text("late-fee-waiver", "Planted"))
    bump_late_fee(rig)
    obj = rig.object_path("late-fee-waiver")
    obj.unlink()
    obj.symlink_to(secret)
    rig.sync_fails("link")
    last_good(rig)


def test_dotdot_and_odd_paths_in_the_manifest_are_never_used(rig, tmp_path):
    manifest = rig.manifest()
    manifest["serial"] = 2
    manifest["cards"]["late-fee-waiver"]["path"] = "../../outside.md"
    manifest["cards"]["../escape"] = manifest["cards"]["escalation-levels"]
    rig.resign(new_manifest=manifest, serial=2, manifest="manifests/2.json")
    rig.sync_fails("invalid card id")
    del manifest["cards"]["../escape"]
    rig.resign(new_manifest=manifest, serial=2, manifest="manifests/2.json")
    rig.sync()  # a strange publisher path alone is harmless: it is never opened
    out = tmp_path / "checkout"
    pack.checkout(rig.share, out, [rig.pub])
    assert (out / "late-fee-waiver.md").exists() and not (tmp_path / "outside.md").exists()


def test_malformed_front_matter_in_a_signed_pack_is_rejected(rig):
    bad = b"---\nid: late-fee-waiver\ntitle: [unclosed\n---\nbody\n"
    sha = hashlib.sha256(bad).hexdigest()
    (rig.share / "objects" / sha[:2]).mkdir(exist_ok=True)
    (rig.share / "objects" / sha[:2] / sha).write_bytes(bad)
    manifest = rig.manifest()
    manifest["serial"] = 2
    manifest["cards"]["late-fee-waiver"]["versions"].append(
        {"version": 2, "sha256": sha, "size": len(bad), "author": "x", "note": "", "published_at": ""}
    )
    rig.resign(new_manifest=manifest, serial=2, manifest="manifests/2.json")
    rig.sync_fails("invalid")
    last_good(rig)


def test_object_holding_another_cards_id_is_rejected(rig):
    manifest = rig.manifest()
    manifest["serial"] = 2
    manifest["cards"]["late-fee-waiver"]["versions"].append(
        dict(manifest["cards"]["escalation-levels"]["versions"][-1], version=2)
    )
    rig.resign(new_manifest=manifest, serial=2, manifest="manifests/2.json")
    rig.sync_fails("holds card 'escalation-levels'")
    last_good(rig)


def test_duplicate_ids_in_a_source_folder_are_refused_at_publish(rig):
    rig.write("dup.md", card_text("late-fee-waiver", "Second copy"))
    with pytest.raises(Exception, match="same id"):
        rig.publish()


@pytest.mark.parametrize(
    "twin",
    ["Late-Fee-Waiver", "late-fee-waive\u0301r", "late\u2011fee-waiver", "ｌate-fee-waiver"],
    ids=["case", "unicode-combining-form", "unicode-non-breaking-hyphen", "unicode-fullwidth"],
)
def test_ids_differing_only_in_case_or_unicode_form_are_refused_in_a_pack(rig, twin):
    """Ids are lower-case ASCII, so no two can look alike in another case or Unicode form."""
    manifest = rig.manifest()
    manifest["serial"] = 2
    manifest["cards"][twin] = manifest["cards"]["late-fee-waiver"]
    rig.resign(new_manifest=manifest, serial=2, manifest="manifests/2.json")
    rig.sync_fails("invalid card id")
    last_good(rig)


def test_foreign_temp_and_conflict_files_on_the_share_are_ignored(rig):
    for junk in (
        "~$late-fee-waiver.md",
        ".syncthing.current.json.tmp",
        "current (1).json",
        "manifests/2 (1).json",
        "objects/zz/junk",
    ):
        path = rig.share / junk
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("junk")
    for junk in ("~$card.md", ".syncthing.card.md.tmp", "late-fee-waiver (1).md"):
        (rig.src / junk).write_text(card_text("late-fee-waiver", "Junk"))
    bump_late_fee(rig)
    rig.sync()
    assert rig.serial() == 2 and rig.desk.card("late-fee-waiver").title == "Waiving a late-payment fee"


def test_pack_from_a_newer_format_is_refused_with_a_clear_message(rig):
    bump_late_fee(rig)
    data = rig.pointer()
    fields = {k: v for k, v in data.items() if k not in ("signature",)}
    fields["format"] = 2
    signed = dict(fields)
    signed["signature"] = keys.sign(rig.priv, pack.canonical(fields))
    (rig.share / "current.json").write_text(json.dumps(signed))
    rig.sync_fails("newer than this WorkAid understands")
    last_good(rig)


def test_app_killed_mid_apply_keeps_the_last_good_content_and_resumes(rig):
    for i in range(30):
        rig.write(f"bulk/c{i}.md", card_text(f"bulk-{i}", f"Bulk card {i}"))
    bump_late_fee(rig)
    driver = """
import os, sys
from pathlib import Path
from workaid.core.distribution import keys
from workaid.core.content import store
from workaid.core.content.library import Library
from workaid.core.distribution.share import FolderShare
from workaid.core.distribution.sync import Syncer
real, n = store._index_row, [0]
def dying(*a, **kw):
    n[0] += 1
    if n[0] == 10:
        os._exit(9)  # killed in the middle of the transaction
    return real(*a, **kw)
store._index_row = dying
lib = Library(Path(sys.argv[1]), bundled=Path(sys.argv[3]))
Syncer(lib, FolderShare(Path(sys.argv[2])), [keys.load_public_key(sys.argv[4])]).sync_once()
"""
    rig.desk.close()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            driver,
            str(rig.root / "desk"),
            str(rig.share),
            str(ROOT / "content"),
            str(rig.root / "keys/publisher.pub"),
        ],
        cwd=ROOT,
    )
    assert out.returncode == 9
    rig.desk = rig.new_desk("desk")  # restart
    last_good(rig)
    rig.sync()  # apply resumes
    assert rig.serial() == 2 and rig.desk.card("bulk-7") is not None and rig.desk.store.integrity_ok()


def test_clock_skew_never_decides_order(rig):
    path = rig.src / "fees/late-fee-waiver.md"
    path.write_text(path.read_text().replace("£12", "£15"))
    rig.publish("from a desk whose clock is in 2099", now="2099-01-01T00:00:00Z")
    rig.sync()
    path.write_text(path.read_text().replace("£15", "£16"))
    rig.publish("from a desk whose clock is in 1999", now="1999-01-01T00:00:00Z")
    rig.sync()
    assert rig.serial() == 3 and "£16" in rig.desk.card("late-fee-waiver").body


def test_a_second_desk_syncs_from_scratch(rig):
    second = rig.new_desk("desk2")
    result = rig.sync()
    assert result.changed and result.serial == 1 and second.status().count == bundled_count()


def test_share_environment_errors_are_environment_problems(rig):
    with pytest.raises(EnvironmentProblem):
        FolderShare(rig.root / "nowhere").read("current.json", 100)
    with pytest.raises(ValueError):
        FolderShare(rig.share).read("../etc/passwd", 100)
    assert Path(rig.share).exists()
