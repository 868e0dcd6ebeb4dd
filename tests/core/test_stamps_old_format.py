"""Stamps written before "now in UTC" had one format ("+00:00") still read as they did.

Sync records, escalation logs and signed packs on disk hold "+00:00" stamps, newer ones
hold "Z"; both must read back as the same moment, and a pack signed before must verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sqlite3

from workaid.core.desk.escalation_log import EscalationEntry, EscalationLog, start_of_day
from workaid.core.distribution import keys
from workaid.core.distribution.pack import parse_manifest, parse_pointer
from workaid.core.distribution.sync import SyncStatus

NOW = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


def _status(ok_at: str) -> SyncStatus:
    return SyncStatus(3, ok_at, "owner", ok_at, "", "")


def test_sync_status_shows_old_and_new_stamps_the_same():
    old = _status("2026-12-02T18:37:15+00:00").describe()
    new = _status("2026-12-02T18:37:15Z").describe()
    assert old == new
    local = dt.datetime(2026, 12, 2, 18, 37, 15, tzinfo=dt.UTC).astimezone().strftime("%d %b %H:%M")
    assert f"checked {local}" in old
    assert "+00:00" not in old and "?" not in old


def test_escalation_log_reads_rows_stored_in_either_form(tmp_path):
    log = EscalationLog(tmp_path / "escalations.db", clock=lambda: NOW)
    log.add(EscalationEntry(level=2, reason="Beyond the rep's knowledge", at=NOW - dt.timedelta(hours=2)))
    log.close()
    with sqlite3.connect(tmp_path / "escalations.db") as conn:
        conn.execute(
            "INSERT INTO escalations (at, level, reason) VALUES (?, 1, 'Customer asked')",
            ("2026-12-02T17:00:00Z",),
        )
        conn.execute(
            "INSERT INTO escalations (at, level, reason) VALUES (?, 1, 'Yesterday')",
            ("2026-12-01T17:00:00+00:00",),
        )
    log = EscalationLog(tmp_path / "escalations.db", clock=lambda: NOW)
    try:
        entries = log.entries()
        assert [e.at for e in entries] == [
            dt.datetime(2026, 12, 1, 17, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 2, 16, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 2, 17, tzinfo=dt.UTC),
        ]
        today = log.counts(start_of_day(NOW))
        assert today == {("Beyond the rep's knowledge", 2): 1, ("Customer asked", 1): 1}
    finally:
        log.close()


def _old_canonical(data: dict) -> bytes:
    # The signed form as the first published packs wrote it, spelled out here so a
    # change to the shared serialiser cannot silently move along with it.
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_a_pack_signed_with_old_stamps_still_verifies(tmp_path):
    private_path, public_path = keys.generate(tmp_path / "keys")
    private = keys.load_private_key(private_path)
    public = keys.load_public_key(public_path)
    manifest = _old_canonical(
        {
            "format": 1,
            "serial": 1,
            "published_at": "2026-11-20T09:00:00+00:00",
            "publisher": "owner",
            "note": "",
            "cards": {
                "late-fee-waiver": {
                    "path": "late-fee-waiver.md",
                    "versions": [
                        {
                            "version": 1,
                            "sha256": "a" * 64,
                            "size": 10,
                            "author": "owner",
                            "note": "",
                            "published_at": "2026-11-20T09:00:00+00:00",
                        }
                    ],
                }
            },
        }
    )
    body = {
        "serial": 1,
        "manifest": "manifests/1.json",
        "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
        "manifest_size": len(manifest),
        "published_at": "2026-11-20T09:00:00+00:00",
        "publisher": "owner",
        "format": 1,
        "key_id": keys.key_id(public),
    }
    body["signature"] = base64.b64encode(private.sign(_old_canonical(body))).decode("ascii")
    raw = json.dumps(body, indent=2, sort_keys=True).encode("utf-8")

    pointer = parse_pointer(raw, [public])
    assert pointer.published_at == "2026-11-20T09:00:00+00:00"
    parsed = parse_manifest(manifest, pointer)
    assert parsed.published_at == "2026-11-20T09:00:00+00:00"
    assert parsed.as_bytes() == manifest  # re-serialised, the signed bytes come back exactly
