"""The window polls the shared folder in the background and says what happened."""

from __future__ import annotations

import os
import shutil
import threading

from uihelpers import CONTENT

from workaid.core.distribution import keys, pack


def _share(tmp_path, monkeypatch, with_key: bool = True):
    key_path, pub_path = keys.generate(tmp_path / "keys")
    priv = keys.load_private_key(key_path)
    src = tmp_path / "src"
    shutil.copytree(CONTENT, src)
    pack.publish(src, tmp_path / "share", priv, note="first", author="alice")
    config = tmp_path / "workaid.toml"
    trusted = f'trusted_keys = ["{pub_path}"]\n' if with_key else ""
    config.write_text(f'share = "{tmp_path / "share"}"\n{trusted}poll_seconds = 3600\n')
    monkeypatch.setenv("WORKAID_CONFIG", str(config))
    return src, priv


def _type(qtbot, widget, text):
    for ch in text:
        qtbot.keyClicks(widget, ch)


def test_status_bar_shows_serial_publisher_and_new_content_arrives(tmp_path, monkeypatch, library, make_window, qtbot):
    src, priv = _share(tmp_path, monkeypatch)
    w = make_window(library)
    qtbot.waitUntil(lambda: getattr(w, "sync", None) is not None and w.sync_label.isVisible(), timeout=10000)
    assert "Content serial 1" in w.sync_label.toolTip() and "alice" in w.sync_label.toolTip()
    # A content owner publishes a change; the next poll brings it to the desk.
    card = src / "fees/late-fee-waiver.md"
    card.write_text(card.read_text().replace("Waiving a late-payment fee", "Waiving a late-payment fee (2027 rules)"))
    pack.publish(src, tmp_path / "share", priv, note="new rules", author="bob")
    w.sync.poll_now()
    qtbot.waitUntil(lambda: "Content serial 2" in w.sync_label.toolTip(), timeout=10000)
    _type(qtbot, w.search_box, "2027 rules")
    qtbot.waitUntil(lambda: w.model.rowCount() > 0 and "2027 rules" in w.model.index(0).data(), timeout=5000)


def test_a_failed_check_is_explained_and_the_cards_stay(tmp_path, monkeypatch, library, make_window, qtbot):
    _share(tmp_path, monkeypatch, with_key=False)
    w = make_window(library)
    qtbot.waitUntil(lambda: getattr(w, "sync", None) is not None and w.sync_label.isVisible(), timeout=10000)
    assert "no trusted publisher key" in w.sync_label.toolTip()
    assert w.sync_label.property("problem") is True
    assert library.status().count == len(list(CONTENT.rglob("*.md")))


def test_no_share_configured_means_no_sync_status(tmp_path, monkeypatch, library, make_window, qtbot):
    config = tmp_path / "workaid.toml"
    config.write_text("poll_seconds = 3600\n")
    monkeypatch.setenv("WORKAID_CONFIG", str(config))
    w = make_window(library)
    qtbot.waitUntil(lambda: getattr(w, "sync", None) is not None and not w.sync.busy, timeout=10000)
    assert not w.sync_label.isVisible() and not w.sync.configured


def test_a_hanging_share_never_freezes_the_window(tmp_path, monkeypatch, library, make_window, qtbot):
    _share(tmp_path, monkeypatch)
    pointer = tmp_path / "share" / "current.json"
    pointer.unlink()
    os.mkfifo(pointer)  # reading it blocks like a dead network mount
    w = make_window(library)
    qtbot.waitUntil(lambda: getattr(w, "sync", None) is not None and w.sync.busy, timeout=10000)
    try:
        _type(qtbot, w.search_box, "abusive")
        qtbot.waitUntil(lambda: w.model.rowCount() > 0 and "abusive" in w.model.index(0).data().lower(), timeout=5000)
        assert w.sync.busy  # the poll is still stuck on the share while the rep searches
    finally:
        threading.Thread(target=lambda: open(pointer, "wb").close(), daemon=True).start()
    qtbot.waitUntil(lambda: not w.sync.busy, timeout=15000)
