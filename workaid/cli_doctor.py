"""`workaid doctor`: one command IT runs on a desk (and CI on a fresh bundle) to see
whether WorkAid can work there, and if not, why — each problem in one sentence.

The Qt-free checks are workaid.core.doctor's; the Qt versions and the offscreen
window are workaid.ui.selftest's. The window check runs in a child process of the
same program (the bundle's executable, or this Python with -m workaid), started
with QT_QPA_PLATFORM=offscreen and a throw-away data folder and configuration: it
never sees the user's data or share, and Qt aborting there is a finding, not a crash.
Exit 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workaid.core.doctor import Check, failed, problems, run_checks

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

EXIT_OK, EXIT_PROBLEMS = 0, 1
CHILD_TIMEOUT_S = 120.0  # a first start may build fontconfig's caches


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    import argparse

    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument("--no-window", action="store_true", help="skip the offscreen window check")
    p.add_argument("--window-check-only", metavar="FILE", help=argparse.SUPPRESS)  # the child's part


def doctor(args: argparse.Namespace, data_dir: Path) -> int:
    if args.window_check_only:
        return _window_child(Path(args.window_check_only), data_dir)
    started = time.monotonic()
    checks = run_checks(data_dir, args.data_dir)
    from workaid.ui.selftest import qt_check

    checks.insert(1, qt_check())
    if args.no_window:
        checks.append(Check("window", True, "not checked (--no-window)"))
    else:
        checks.append(window_in_child())
    seconds = time.monotonic() - started
    found = problems(checks)
    if args.json:
        out = {
            "ok": not found,
            "seconds": round(seconds, 2),
            "checks": [c.as_json() for c in checks],
            "problems": found,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print(checks, found, seconds)
    return EXIT_PROBLEMS if found else EXIT_OK


def _print(checks: list[Check], found: list[str], seconds: float) -> None:
    width = max(len(c.name) for c in checks)
    for c in checks:
        first, *rest = c.detail.splitlines() or [""]
        print(f"{'ok ' if c.ok else 'BAD'}  {c.name:<{width}}  {first}")
        for line in rest:
            print(f"     {'':<{width}}  {line}")
    if found:
        print("\nProblems:")
        for line in found:
            print(f"  {line}")
    else:
        print(f"\nAll checks passed ({seconds:.1f} s).")


def self_command() -> list[str]:
    """How to start this same WorkAid again: the bundle's executable, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "workaid"]


def window_in_child(timeout: float = CHILD_TIMEOUT_S) -> Check:
    """The window check in a child process, in a temporary folder that is removed after."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="workaid-doctor-") as tmp:
        root = Path(tmp)
        result = root / "result.json"
        empty = root / "config" / "workaid.toml"
        empty.parent.mkdir()
        empty.write_text("# doctor's window check: no share, no source\n", encoding="utf-8")
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            WORKAID_CONFIG=str(empty),
            # No site file either: a share named there would be polled (and written to
            # by the feedback outbox) from the window.
            XDG_CONFIG_DIRS=str(root / "no-site"),
            XDG_CONFIG_HOME=str(root / "no-user"),
            PROGRAMDATA=str(root / "no-site"),
        )
        env.pop("WORKAID_DATA_DIR", None)
        command = [*self_command(), "--data-dir", str(root / "data"), "doctor", "--window-check-only", str(result)]
        try:
            done = subprocess.run(
                command, env=env, cwd=tmp, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            return failed(
                "window", " ".join(command), f"The offscreen window check did not finish within {timeout:g} s."
            )
        except OSError as e:
            return failed("window", " ".join(command), f"The window check could not start {command[0]}: {e}.")
        total = time.monotonic() - started
        try:
            data = json.loads(result.read_text(encoding="utf-8"))
            check = Check(str(data["name"]), bool(data["ok"]), str(data["detail"]), str(data["problem"]))
        except (OSError, ValueError, KeyError, TypeError):
            tail = [line for line in (done.stderr or "").strip().splitlines() if line.strip()][-3:]
            why = tail[-1] if tail else "no message"
            return failed(
                "window",
                "\n".join(tail) or " ".join(command),
                f"The offscreen window could not start (exit code {done.returncode}): {why}",
            )
    return Check(check.name, check.ok, f"{check.detail}; {total:.2f} s with the process start", check.problem)


def _window_child(result: Path, data_dir: Path) -> int:
    """In the child: the window check, its Check written to `result` as JSON."""
    from workaid.core.fileio import atomic_write
    from workaid.ui.selftest import window_check

    check = window_check(data_dir)
    atomic_write(result, json.dumps(check.as_json(), ensure_ascii=False).encode("utf-8"))
    return EXIT_OK if check.ok else EXIT_PROBLEMS


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {"doctor": doctor}
