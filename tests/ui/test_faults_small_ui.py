"""Issue 9, "smaller, all real", on the window's side: no display to open, and card text
that looks like markup in the result list. Each test is named after the fault it pins."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workaid.core.content.search import Result, Snippet
from workaid.ui import boot
from workaid.ui.models import ResultsModel

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "WorkAid needs a desktop session"
linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="X11 sockets and abstract sockets are Linux's"
)


def _gui(data: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-m", "workaid", "--data-dir", str(data)],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _log(data: Path) -> str:
    return (data / "logs" / "workaid.log").read_text(encoding="utf-8")


@linux_only
def test_gui_without_any_display_says_so_in_one_sentence_and_exits_2(tmp_path):
    out = _gui(tmp_path / "d")
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith(SENTENCE) and "DISPLAY/WAYLAND_DISPLAY is not set" in out.stderr
    assert "workaid search" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "xcb" not in out.stderr.lower() and "Traceback" not in out.stderr
    assert out.stderr.strip() in _log(tmp_path / "d")


@linux_only
def test_gui_with_a_display_nobody_answers_at_says_so_and_exits_2(tmp_path):
    if Path("/tmp/.X11-unix/X97").exists():
        pytest.skip("an X server socket exists for :97 on this machine")
    out = _gui(tmp_path / "d", DISPLAY=":97")
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith(SENTENCE) and "DISPLAY=:97" in out.stderr
    assert "xcb" not in out.stderr.lower() and "Traceback" not in out.stderr
    assert out.stderr.strip() in _log(tmp_path / "d")


@linux_only
def test_a_listening_x_server_lets_the_window_start():
    # An X server's abstract socket (what Linux servers listen on beside the file one),
    # and a forwarded display on a local TCP port (ssh -X).
    number = 4000 + os.getpid() % 1000
    env = {"DISPLAY": f":{number}"}
    assert boot.display_problem(env) is not None
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(f"\0/tmp/.X11-unix/X{number}")
        server.listen()
        assert boot.display_problem(env) is None
        assert boot.display_problem({"DISPLAY": f"unix:{number}.0"}) is None
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        if port >= 6000:
            assert boot.display_problem({"DISPLAY": f"localhost:{port - 6000}.0"}) is None
    assert boot.display_problem(env) is not None


def test_a_chosen_platform_or_another_system_is_not_second_guessed():
    assert boot.display_problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert boot.display_problem({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert boot.display_problem({}, platform="win32") is None
    assert boot.display_problem({}, platform="darwin") is None
    assert "not set" in (boot.display_problem({}, platform="linux") or "")
    assert "not set" in (boot.display_problem({"QT_QPA_PLATFORM": "xcb"}, platform="linux") or "")


def test_result_list_shows_card_markup_as_text_and_highlights_only_matches(qtbot):
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    from workaid.core.content.search import Response
    from workaid.ui.delegate import ResultDelegate

    snippet = Snippet((("Type <script>alert(1)</script> & ", False), ("refund", True), (" <b>now</b>", False)))
    model = ResultsModel()
    model.set_response(Response("refund", (Result("c", "guideline", "<i>T</i>", (), "", None, snippet),)))
    index = model.index(0, 0)
    rich = index.data(ResultsModel.SnippetRole)
    assert rich == "Type &lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>refund</b> &lt;b&gt;now&lt;/b&gt;"
    assert "<b>&lt;i&gt;T&lt;/i&gt;</b>" in index.data(Qt.ItemDataRole.ToolTipRole)  # the title, as text
    # The delegate draws the parts as text (a QTextLayout, no HTML), the match highlighted.
    assert index.data(ResultsModel.SnippetPartsRole) == snippet.parts
    image = QImage(400, 120, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = image.rect()
    ResultDelegate().paint(painter, option, index)
    painter.end()


def test_a_stale_search_stuck_in_a_long_query_is_interrupted_by_the_next_keystroke(library, monkeypatch, qtbot):
    """The search thread's real mechanism: post() of a newer request interrupts the
    sqlite3 query still running for the older one; only the newer one is answered."""
    import threading

    from PySide6.QtCore import Qt as _Qt

    from workaid.core.content import store
    from workaid.ui import search_worker
    from workaid.ui.search_worker import SearchRequest, SearchWorker

    slow = threading.Event()
    slow.set()
    deep_in = threading.Event()

    def connect(path):
        conn = store.connect(path)
        conn.create_function("slow", 0, lambda: int(slow.is_set()), deterministic=False)
        # Every search first reads meta: while slow() holds, that read is a recursive CTE
        # that never ends; afterwards it is the real table's row.
        conn.execute(
            "CREATE TEMP VIEW meta(key, value) AS SELECT key, value FROM main.meta WHERE NOT slow() "
            "UNION ALL SELECT 'loaded_at', n FROM (WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE slow()) "
            "SELECT n FROM r) WHERE n < 0"
        )
        steps = [0]

        def progress() -> int:
            steps[0] += 1
            if steps[0] >= 200:
                deep_in.set()
            return 0

        conn.set_progress_handler(progress, 1000)
        return conn

    monkeypatch.setattr(search_worker, "connect", connect)
    worker = SearchWorker(library.store.path)
    replies = []
    worker.replied.connect(lambda seq, response: replies.append((seq, response)), _Qt.ConnectionType.DirectConnection)
    worker.post(SearchRequest(1, "refund limit", None))
    thread = threading.Thread(target=worker.run_pending, daemon=True)
    thread.start()
    try:
        assert deep_in.wait(120), "the long query never started"
        worker.post(SearchRequest(2, "late fee", None))  # interrupts request 1's query
        slow.clear()  # from now on meta is read at once
        thread.join(120)
        assert not thread.is_alive(), "the interrupt did not stop the query"
    finally:
        slow.clear()
        worker.close()
        thread.join(120)
        worker.release()
    assert [seq for seq, _ in replies] == [2]
    assert "late-fee-waiver" in [r.id for r in replies[0][1].results]
