"""Publishing: validation first, immutable objects, versioned manifest, signed pointer last."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.core.bundled_cards import bundled_count
from tests.core.share_rig import card_text, rig  # noqa: F401  (fixture)
from workaid.core.distribution import keys, pack
from workaid.core.errors import ContentError


def test_first_publish_writes_objects_manifest_and_signed_pointer(rig):
    pointer = rig.pointer()
    assert pointer["serial"] == 1 and pointer["manifest"] == "manifests/1.json"
    manifest = rig.manifest()
    assert len(manifest["cards"]) == len(list(rig.src.rglob("*.md")))
    v = manifest["cards"]["late-fee-waiver"]["versions"][0]
    assert (v["version"], v["author"], v["note"]) == (1, "alice", "first")
    assert rig.object_path("late-fee-waiver").read_bytes() == (rig.src / "fees/late-fee-waiver.md").read_bytes()
    assert rig.serial() == 1


def test_unchanged_cards_get_no_new_version_and_nothing_to_publish_is_no_serial(rig):
    report = rig.publish("again")
    assert report.nothing and rig.pointer()["serial"] == 1
    rig.write("fees/late-fee-waiver.md", (rig.src / "fees/late-fee-waiver.md").read_text().replace("£12", "£15"))
    report = rig.publish("fee up")
    assert report.serial == 2 and report.changed == ["late-fee-waiver"] and report.unchanged == bundled_count() - 1
    cards = rig.manifest()["cards"]
    assert [v["version"] for v in cards["late-fee-waiver"]["versions"]] == [1, 2]
    assert [v["version"] for v in cards["escalation-levels"]["versions"]] == [1]


def test_invalid_source_publishes_nothing_and_lists_every_problem(rig):
    rig.write("bad1.md", "---\nid: Bad\ntitle: x\n---\n")
    rig.write("bad2.md", "---\nid: ok-id\n---\n")
    with pytest.raises(ContentError) as err:
        rig.publish()
    sources = {p.source for p in err.value.problems}
    assert sources == {"bad1.md", "bad2.md"}
    assert rig.pointer()["serial"] == 1


def test_removed_card_becomes_a_tombstone_not_a_disappearance(rig):
    (rig.src / "fees/paper-statement-fee.md").unlink()
    report = rig.publish("retire paper fee card")
    assert report.removed == ["paper-statement-fee"]
    entry = rig.manifest()["cards"]["paper-statement-fee"]
    assert entry["deleted"] is True and entry["deleted_by"] == "alice" and entry["versions"]
    rig.sync()
    assert rig.desk.card("paper-statement-fee") is None
    assert rig.desk.history("paper-statement-fee")


def test_second_editor_with_a_stale_copy_gets_a_conflict_naming_the_card(rig, tmp_path):
    bob = tmp_path / "bob"
    assert pack.checkout(rig.share, bob, [rig.pub]) == bundled_count()
    # Alice edits and publishes first.
    rig.write("fees/late-fee-waiver.md", (rig.src / "fees/late-fee-waiver.md").read_text().replace("£12", "£15"))
    rig.publish("alice's change")
    # Bob edits his (now stale) copy of the same card.
    bob_card = bob / "fees/late-fee-waiver.md"
    bob_card.write_text(bob_card.read_text().replace("£12", "£10"))
    with pytest.raises(pack.PublishConflict, match="late-fee-waiver") as err:
        pack.publish(bob, rig.share, rig.priv, author="bob")
    assert "version 2 by alice" in str(err.value)
    assert rig.pointer()["serial"] == 2  # nothing lost: alice's version is current
    # Bob takes the latest, redoes his edit and publishes.
    shutil.rmtree(bob)
    pack.checkout(rig.share, bob, [rig.pub])
    bob_card.write_text(bob_card.read_text().replace("£15", "£10"))
    assert pack.publish(bob, rig.share, rig.priv, author="bob").changed == ["late-fee-waiver"]


def test_removing_a_card_someone_else_changed_is_a_conflict(rig, tmp_path):
    bob = tmp_path / "bob"
    pack.checkout(rig.share, bob, [rig.pub])
    rig.write("fees/late-fee-waiver.md", (rig.src / "fees/late-fee-waiver.md").read_text() + "\nMore.\n")
    rig.publish()
    (bob / "fees/late-fee-waiver.md").unlink()
    with pytest.raises(pack.PublishConflict, match="late-fee-waiver"):
        pack.publish(bob, rig.share, rig.priv, author="bob")


def test_a_folder_without_base_records_cannot_overwrite_published_cards(rig, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(rig.src, other)
    (other / pack.BASE_FILE).unlink()
    (other / "fees/late-fee-waiver.md").write_text(card_text("late-fee-waiver", "Overwritten"))
    with pytest.raises(pack.PublishConflict, match="no record of which version"):
        pack.publish(other, rig.share, rig.priv)


def test_only_one_publish_at_a_time(rig):
    (rig.share / pack.LOCK_FILE).write_text("carol@desk pid 1 since earlier")
    rig.write("new.md", card_text("new-card", "New"))
    with pytest.raises(pack.PublishConflict, match="Another publish is in progress .carol@desk"):
        rig.publish()
    (rig.share / pack.LOCK_FILE).unlink()
    assert rig.publish().added == ["new-card"]


def test_publishing_refuses_to_build_on_a_pack_it_cannot_verify(rig, tmp_path):
    other_key = keys.load_private_key(keys.generate(tmp_path / "k2")[0])
    with pytest.raises(pack.PackError, match="not signed by a trusted"):
        pack.publish(rig.src, rig.share, other_key)


def test_pointer_is_replaced_last(rig, monkeypatch):
    order = []
    real = pack.atomic_write
    monkeypatch.setattr(
        pack,
        "atomic_write",
        lambda path, data, **kw: (order.append(path.parent.name + "/" + path.name), real(path, data, **kw)),
    )
    rig.write("fees/late-fee-waiver.md", (rig.src / "fees/late-fee-waiver.md").read_text() + "\nx\n")
    rig.publish()
    kinds = [p.split("/")[0] if not p.endswith("current.json") else "pointer" for p in order]
    assert kinds.index("manifests") > max(i for i, k in enumerate(kinds) if len(k) == 2)  # objects before manifest
    assert kinds.index("pointer") > kinds.index("manifests")
    assert json.loads((rig.share / "current.json").read_text())["serial"] == 2


def test_a_second_publish_rereads_only_changed_files(rig, monkeypatch):
    from workaid.core.content import cards, folder

    parsed = []
    real = cards.parse_card

    def counted(raw, source):
        parsed.append(source)
        return real(raw, source)

    # Both places a publish parses: the folder scan, and pack.py's own reads.
    monkeypatch.setattr(folder, "parse_card", counted)
    monkeypatch.setattr(cards, "parse_card", counted)
    path = rig.src / "fees/paper-statement-fee.md"  # a card without synonyms
    path.write_text(path.read_text() + "\nOne more line.\n")
    assert rig.publish().changed == ["paper-statement-fee"]
    assert parsed == ["fees/paper-statement-fee.md"]

    # A changed card with synonym groups is checked against every other card's groups
    # (one term, one group, folder-wide): only the files that hold groups are read again.
    parsed.clear()
    path = rig.src / "fees/late-fee-waiver.md"
    path.write_text(path.read_text() + "\nOne more line.\n")
    assert rig.publish().changed == ["late-fee-waiver"]
    holders = sorted(str(p.relative_to(rig.src)) for p in rig.src.rglob("*.md") if "\nsynonyms:" in p.read_text())
    assert parsed[0] == "fees/late-fee-waiver.md"
    assert sorted(set(parsed)) == holders


def test_publish_cli_end_to_end(tmp_path):
    import subprocess
    import sys

    from tests.core.conftest import ROOT

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "workaid", "--data-dir", str(tmp_path / "desk"), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("keygen", "--out", str(tmp_path / "keys")).returncode == 0
    shutil.copytree(ROOT / "content", tmp_path / "src")
    out = run(
        "publish",
        str(tmp_path / "src"),
        str(tmp_path / "share"),
        "--key",
        str(tmp_path / "keys/publisher.key"),
        "--note",
        "first",
    )
    assert out.returncode == 0 and "Published serial 1" in out.stdout
    out = run("sync", "--share", str(tmp_path / "share"))
    assert out.returncode == 1 and "no trusted publisher key" in out.stderr
    out = run("sync", "--share", str(tmp_path / "share"), "--trusted-key", str(tmp_path / "keys/publisher.pub"))
    assert out.returncode == 0 and "Content serial 1" in out.stdout
    (tmp_path / "workaid.toml").write_text(
        'share = "share"\ntrusted_keys = ["keys/publisher.pub"]\npoll_seconds = 30\n'
    )
    out = run("--config", str(tmp_path / "workaid.toml"), "config")
    assert "poll_seconds = 30" in out.stdout and "workaid.toml" in out.stdout
    out = run("--config", str(tmp_path / "workaid.toml"), "sync")
    assert out.returncode == 0 and "Up to date (serial 1)" in out.stdout
    out = run("history", "late-fee-waiver")
    assert out.stdout.startswith("v1") and "first" in out.stdout
    (tmp_path / "workaid.toml").write_text('shaer = "x"\n')
    out = run("--config", str(tmp_path / "workaid.toml"), "sync")
    assert out.returncode == 1 and "share" in out.stderr and "Traceback" not in out.stderr
