"""`workaid doctor`: what IT asks first when a desk misbehaves, checked in one go.

Each check returns a `Check`: a name, whether it passed, what it found (detail, for
people), and when it failed the one sentence that names the problem. Checks only
look: doctor never writes to the shared folder, never creates, migrates or repairs
the content database (it is opened read-only; a damaged one is reported, not set
aside) and never writes the data folder. What needs Qt (the versions, an offscreen
window) is workaid.ui.selftest's; this module is the core's part.

A fresh desk is healthy: no share configured, no data folder or content database yet
(the app has never run) are notes, not problems. The window builds its database
from the bundled pack at its first start, and the window check proves that works.
"""

from __future__ import annotations

import logging
import os
import platform
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workaid import __version__
from workaid.core import logs, paths
from workaid.core.errors import EnvironmentProblem, WorkAidError, first_line

if TYPE_CHECKING:
    from workaid.core.distribution.config import Config

log = logging.getLogger("workaid.doctor")

SHARE_TIMEOUT_S = 5.0  # a share that does not answer in this time is reported, not waited for


@dataclass(frozen=True)
class Check:
    """One thing doctor looked at. `problem` is empty when `ok`; otherwise the sentence
    printed under "Problems:" (the detail says more)."""

    name: str
    ok: bool
    detail: str
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "problem": self.problem}


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str, problem: str) -> Check:
    return Check(name, False, detail, problem)


def data_dir_source(override: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """Where the data folder's location came from, in the words of `paths.data_dir`'s rule."""
    env = os.environ if env is None else env
    if override:
        return "--data-dir"
    if env.get(paths.DATA_DIR_ENV):
        return f"${paths.DATA_DIR_ENV}"
    return "default: the per-user data folder"


def run_checks(
    data_dir: Path,
    data_dir_flag: str | None = None,
    env: Mapping[str, str] | None = None,
    share_timeout: float = SHARE_TIMEOUT_S,
) -> list[Check]:
    """Every Qt-free check, in the order doctor prints them. `env` stands in for the
    real environment (tests); the configuration is read from it as the app reads it."""
    checks = [
        version_check(),
        sqlite_check(),
        data_folder_check(data_dir, data_dir_source(data_dir_flag, env)),
        log_file_check(data_dir),
    ]
    config_result, config = config_check(env)
    checks.append(config_result)
    database_result, desk_serial = database_check(data_dir)
    checks.append(share_check(config, desk_serial, share_timeout))
    checks.append(database_result)
    return checks


def version_check() -> Check:
    frozen = getattr(sys, "frozen", False)
    how = "bundle" if frozen else ("virtualenv" if sys.prefix != sys.base_prefix else "installed Python")
    return passed(
        "WorkAid",
        f"WorkAid {__version__}; Python {platform.python_version()} ({how}: {sys.executable}); "
        f"{platform.system()} {platform.release()}",
    )


def sqlite_check() -> Check:
    """The SQLite the content database uses, with the full-text search it cannot do without."""
    version = sqlite3.sqlite_version
    conn = sqlite3.connect(":memory:")
    try:
        have: list[str] = []
        for name, sql in (
            ("FTS5", "CREATE VIRTUAL TABLE t USING fts5(a)"),
            ("trigram", "CREATE VIRTUAL TABLE g USING fts5(a, tokenize='trigram')"),
        ):
            try:
                conn.execute(sql)
                have.append(name)
            except sqlite3.OperationalError:
                pass
    finally:
        conn.close()
    detail = f"SQLite {version}; " + (", ".join(have) + " present" if have else "no FTS5")
    if "FTS5" not in have:
        return failed("SQLite", detail, f"SQLite {version} has no FTS5: WorkAid cannot search.")
    if "trigram" not in have:
        return failed("SQLite", detail, f"SQLite {version} has no trigram tokenizer (needs 3.34 or later).")
    return passed("SQLite", detail)


def data_folder_check(data_dir: Path, source: str) -> Check:
    where = f"{data_dir} ({source})"
    if not data_dir.exists():
        return passed("data folder", f"{where}; not created yet (WorkAid has not run here as this user)")
    if not data_dir.is_dir():
        return failed("data folder", where, f"The data folder {data_dir} is a file, not a folder.")
    if not os.access(data_dir, os.W_OK | os.X_OK):
        return failed(
            "data folder",
            where,
            f"The data folder {data_dir} cannot be written by this user: the window will not start "
            "(preferences and logs cannot be kept).",
        )
    return passed("data folder", f"{where}; writable")


def log_file_check(data_dir: Path) -> Check:
    path = logs.log_file(data_dir)
    if not path.exists():
        return passed("log file", f"{path} (not written yet)")
    try:
        size = path.stat().st_size
    except OSError as e:
        return failed("log file", str(path), f"The log file {path} cannot be read: {e.strerror or e}.")
    if not os.access(path, os.W_OK):
        return failed("log file", str(path), f"The log file {path} cannot be written by this user.")
    return passed("log file", f"{path} ({size:,} bytes)")


def config_check(env: Mapping[str, str] | None = None) -> tuple[Check, Config | None]:
    """The effective configuration and every file consulted; the Config for the share check."""
    from workaid.core.distribution import config as cfg

    try:
        config = cfg.load_config(env=env)
    except WorkAidError as e:
        listed = [
            f.label + (" (not read)" if not f.read else "" if f.path.exists() else " (not present)")
            for f in cfg.config_files(env)
        ]
        detail = "files consulted, lowest layer first:\n" + "\n".join(f"  {line}" for line in listed)
        return failed("configuration", detail, first_line(e)), None
    lines = ["files consulted, lowest layer first (a later file wins):"]
    lines += [f"  {line}" for line in cfg.describe_files(config)]
    lines.append("effective:")
    lines += [f"  {line}" for line in cfg.describe(config).split("\n\n", 1)[0].splitlines()]
    return passed("configuration", "\n".join(lines)), config


def share_check(config: Config | None, desk_serial: int | None, timeout: float = SHARE_TIMEOUT_S) -> Check:
    """Is the configured share there, answering in time, signed by a trusted key, and
    does its manifest match the signature? Only reads, each within `timeout`."""
    from workaid.core.distribution import keys
    from workaid.core.distribution.pack import PackError, parse_manifest, parse_pointer
    from workaid.core.distribution.share import MAX_MANIFEST_BYTES, MAX_POINTER_BYTES, POINTER, open_share

    if config is None:
        return passed("share", "not checked: the configuration could not be read (see above)")
    if not config.share:
        return passed(
            "share", "none configured: this desk uses the bundled cards (set 'share' in workaid.toml to sync)"
        )
    where = config.share
    trusted = []
    for spec in config.trusted_keys:
        try:
            trusted.append(keys.load_public_key(spec))
        except WorkAidError as e:
            return failed("share", where, f"A trusted key cannot be used ({spec}): {first_line(e)}")
    if not trusted:
        return failed(
            "share",
            where,
            f"The share {where} is configured but no trusted_keys are: no pack can be accepted.",
        )
    ids = ", ".join(keys.key_id(k) for k in trusted)
    try:
        source = open_share(where, timeout=timeout)
        pointer = parse_pointer(source.read(POINTER, MAX_POINTER_BYTES), trusted)
    except EnvironmentProblem as e:
        return failed("share", where, f"Share: {first_line(e)}")
    except PackError as e:
        return failed("share", f"{where}; trusted keys {ids}", f"Share {where}: {first_line(e)}.")
    detail = (
        f"{where}: reachable; serial {pointer.serial}, published {pointer.published_at or '?'} by "
        f"{pointer.publisher or 'unknown'}, signed by trusted key {pointer.key_id or '?'}"
    )
    try:
        manifest = parse_manifest(
            source.read(pointer.manifest, min(pointer.manifest_size, MAX_MANIFEST_BYTES)), pointer
        )
    except (EnvironmentProblem, PackError) as e:
        return failed("share", detail, f"Share {where}: serial {pointer.serial} cannot be used: {first_line(e)}.")
    detail += f"; manifest matches ({len(manifest.live()):,} live cards)"
    if desk_serial is None:
        return passed("share", detail + "; this desk has not synced yet")
    if pointer.serial < desk_serial:
        return failed(
            "share",
            detail,
            f"Share {where} offers serial {pointer.serial}, older than serial {desk_serial} this desk holds: "
            "sync refuses it (was the share restored from a backup?).",
        )
    behind = (
        "up to date"
        if pointer.serial == desk_serial
        else f"this desk has serial {desk_serial}; the next sync applies {pointer.serial}"
    )
    return passed("share", f"{detail}; {behind}")


def database_check(data_dir: Path) -> tuple[Check, int | None]:
    """The content database, opened read-only: integrity (quick_check), cards, serial,
    schema version. Returns the serial synced from a share (None: never synced) too."""
    from workaid.core.content.store import DB_NAME, SCHEMA_VERSION

    path = data_dir / DB_NAME
    if not path.exists():
        return passed(
            "content database", f"{path}: none yet (the window builds it from the bundled pack at its first start)"
        ), None
    from urllib.parse import quote

    # The database is in WAL mode. With WorkAid running (a -wal file beside it) a
    # read-only connection shares its -shm and reads what it committed; with none
    # running, mode=ro would leave new -wal and -shm files behind, so the file is read
    # as immutable instead, which creates nothing.
    running = Path(f"{path}-wal").exists()
    try:
        uri = f"file:{quote(path.resolve().as_posix())}?{'mode=ro' if running else 'immutable=1'}"
        conn = sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error as e:
        return failed("content database", str(path), f"The content database {path} cannot be opened: {e}."), None
    try:
        quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
        if quick != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(quick))
        schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
        count = int(conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]) if schema else 0
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()) if schema else {}
    except sqlite3.OperationalError as e:
        from workaid.core.schema import environment_problem

        mapped = environment_problem(e, path, "content database")
        if mapped is not None:
            return failed("content database", str(path), first_line(mapped)), None
        return _damaged(path, str(e)), None
    except sqlite3.DatabaseError as e:
        return _damaged(path, str(e)), None
    finally:
        conn.close()
    serial = int(meta.get("pack_serial", "0") or 0)
    source = meta.get("source", "") or "nothing loaded"
    detail = (
        f"{path}: integrity ok; {count:,} cards from {source}"
        + (f", serial {serial}" if serial else "")
        + f"; schema version {schema}"
    )
    if schema > SCHEMA_VERSION:
        return failed(
            "content database",
            detail,
            f"The content database {path} was made by a newer WorkAid (schema {schema}, this one knows "
            f"{SCHEMA_VERSION}): install that version again, or remove the file to rebuild it.",
        ), serial or None
    if schema < SCHEMA_VERSION:
        detail += f" (upgraded to {SCHEMA_VERSION} at the next start)"
    if count == 0:
        detail += " (empty: the window loads the bundled pack at its next start)"
    return passed("content database", detail), serial or None


def _damaged(path: Path, why: str) -> Check:
    why = " ".join(why.replace("*** in database main ***", "").split())  # quick_check's report, on one line
    if len(why) > 200:
        why = why[:199] + "…"
    return failed(
        "content database",
        str(path),
        f"The content database {path} is damaged ({why}); WorkAid sets it aside and rebuilds it at its next start.",
    )


def problems(checks: list[Check]) -> list[str]:
    return [c.problem or f"{c.name} failed" for c in checks if not c.ok]
