"""Owners' answers to flags: checked like content, published with the cards, kept on desks."""

from __future__ import annotations

import json
import secrets

import pytest

from tests.core.share_rig import rig  # noqa: F401  (fixture)
from workaid.core.content import answers as ans
from workaid.core.distribution import pack


def flag_id() -> str:
    return secrets.token_hex(16)


def fixed(fid: str, version: int = 2, text: str = "The £12 limit now reads clearly.") -> ans.Answer:
    return ans.make_answer(fid, "late-fee-waiver", "fixed", version, text, "Alice", "2026-12-03T10:00:00Z")


def test_an_answer_marked_fixed_reaches_the_desk_with_the_next_pack(rig):
    fid = flag_id()
    ans.save_answer(rig.src, fixed(fid))
    report = rig.publish("answer a flag")
    assert report.serial == 2 and report.answers and not report.changed
    assert "answers" in rig.manifest()
    rig.sync()
    got = rig.desk.answers()[fid]
    assert got.describe() == "Fixed in version 2 by Alice: The £12 limit now reads clearly."
    # The same answers again: nothing new to publish.
    assert rig.publish("again").nothing


def test_an_answer_travels_by_delta_with_a_card_change_and_a_later_pack_keeps_it(rig):
    fid = flag_id()
    ans.save_answer(rig.src, fixed(fid))
    card = rig.src / "fees/late-fee-waiver.md"
    card.write_text(card.read_text().replace("£12", "£15"))
    rig.publish("fee up, flag fixed")
    result = rig.sync()
    assert result.changed and fid in rig.desk.answers()
    card.write_text(card.read_text().replace("£15", "£16"))
    rig.publish("later change")
    rig.sync()
    assert fid in rig.desk.answers()


def test_a_second_owner_folder_never_drops_an_answer_the_first_published(rig, tmp_path):
    first, second = flag_id(), flag_id()
    ans.save_answer(rig.src, fixed(first))
    rig.publish("first answer")
    bob = tmp_path / "bob"
    pack.checkout(rig.share, bob, [rig.pub])
    assert first in ans.load_answers(bob)
    (bob / ans.ANSWERS_FILE).unlink()  # bob's folder lost its copy
    ans.save_answer(
        bob, ans.make_answer(second, "late-fee-waiver", "answered", None, "Use the goodwill card.", "Bob", "x")
    )
    pack.publish(bob, rig.share, rig.priv, author="bob")
    rig.sync()
    assert {first, second} <= set(rig.desk.answers())
    assert {first, second} <= set(ans.load_answers(bob))


def test_a_damaged_answers_object_on_the_share_is_refused_and_the_desk_keeps_its_content(rig):
    ans.save_answer(rig.src, fixed(flag_id()))
    rig.publish("answer")
    sha = rig.manifest()["answers"]["sha256"]
    (rig.share / "objects" / sha[:2] / sha).write_bytes(b'{"format": 1, "answers": {}}\n' + b" " * 10)
    before = rig.serial()
    rig.sync_fails("answers")
    assert rig.serial() == before and rig.desk.answers() == {}


def test_a_hand_typed_answers_file_with_a_mistake_stops_the_publish_with_the_file_named(rig):
    path = rig.src / ans.ANSWERS_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"format": 1, "answers": {flag_id(): {"card": "late-fee-waiver", "status": "done"}}}))
    with pytest.raises(ans.AnswersError, match=r"answers.json.*status must be one of fixed, answered"):
        rig.publish("bad")
    assert rig.pointer()["serial"] == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"status": "answered", "text": " "}, "needs words"),
        ({"version": 0}, "whole number of 1 or more"),
        ({"card": "Not An Id"}, "not a card id"),
        ({"text": "x" * 1001}, "keep it to 1000"),
    ],
)
def test_bad_answers_are_refused_in_words(fields, message):
    base = {
        "flag_id": flag_id(),
        "card": "late-fee-waiver",
        "status": "fixed",
        "version": 2,
        "text": "ok",
        "by": "A",
        "at": "t",
    }
    with pytest.raises(ans.AnswersError, match=message):
        ans.make_answer(**{**base, **fields})
