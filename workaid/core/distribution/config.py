"""The configuration IT deploys: where the shared folder is and which publisher keys to trust.

TOML files in layers, lowest to highest: built-in defaults; the site-wide files
(pushed to every desk by IT); the per-user file, or instead the file named by
`--config` or $WORKAID_CONFIG; then command-line overrides. A higher layer replaces a
value whole — including the trusted_keys list, so a layer can also *drop* a key.

Site files (`site_config_paths`): on Linux and the BSDs one in each entry of
$XDG_CONFIG_DIRS, the first entry winning as the XDG spec says (Ubuntu sets
/etc/xdg/xdg-ubuntu:/etc/xdg, so reading only one entry would miss /etc/xdg);
/etc/xdg when the variable is unset or holds no absolute entry. On Windows
%PROGRAMDATA%\\WorkAid\\workaid.toml; on macOS /Library/Application Support/WorkAid.

Mistakes are errors, not warnings: a misspelt setting that was silently ignored
would leave a desk syncing from the wrong place or trusting the wrong key, and
nobody would notice. Every message names the file and the setting. Each value
remembers where it came from so `workaid config` can answer "why is it this?".

Preferences a rep changes in the app live in settings.py, not here.
"""

from __future__ import annotations

import difflib
import json
import ntpath
import os
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workaid.core.distribution.keys import is_key_string
from workaid.core.errors import ConfigError, EnvironmentProblem

APP_NAME = "WorkAid"
CONFIG_NAME = "workaid.toml"
CONFIG_ENV = "WORKAID_CONFIG"
# A config file is a few lines; this only stops us reading something absurd by mistake.
MAX_CONFIG_FILE = 1024 * 1024

POLL_DEFAULT = 60
POLL_MIN = 5
POLL_MAX = 86400

DEFAULTS: dict[str, Any] = {
    "share": None,
    "trusted_keys": (),
    "poll_seconds": POLL_DEFAULT,
    "author": None,
    "source": None,
    "key": None,
    "telemetry": True,
}
MAX_AUTHOR = 200
KNOWN = tuple(DEFAULTS)
DEFAULT_SOURCE = "default"
CLI_SOURCE = "command line"
SITE_KIND = "site file"
USER_KIND = "user file"
ENV_KIND = f"${CONFIG_ENV}"
FLAG_KIND = "--config file"
XDG_FALLBACK = "/etc/xdg"

# The file `workaid --config FILE` chose (main() also puts it in $WORKAID_CONFIG so a
# process WorkAid starts reads the same file): labelled as the flag, not the variable.
_flag_file: str | None = None

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True)
class Config:
    """The effective configuration, with where each value came from.

    `sources` maps each setting to "default", "site file <path>", "user file <path>",
    "$WORKAID_CONFIG <path>", "--config file <path>" or "command line". `consulted`
    lists the files looked at (lowest layer first) and whether they were present, for
    `workaid config`; `files` says the same with what each file set, for `workaid doctor`.
    """

    share: str | None = None
    trusted_keys: tuple[str, ...] = ()
    poll_seconds: int = POLL_DEFAULT
    author: str | None = None  # the name `publish` records (default: the login name)
    source: str | None = None  # the content owner's folder of card files (`workaid edit`, the window's "Edit cards…")
    key: str | None = None  # the publisher's private key file, for publishing from the workbench
    # whether this desk sends its daily aggregate signals to the share's outbox (flags a rep
    # sends on purpose go regardless); "off" in any layer wins, so a user cannot undo the site's choice
    telemetry: bool = True
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KNOWN, DEFAULT_SOURCE), hash=False)
    consulted: tuple[str, ...] = ()
    files: tuple[ConfigFile, ...] = ()


@dataclass(frozen=True)
class ConfigFile:
    """One file a layer names: whether it was there, and the settings it set (checked values).

    `read` is False for a file deliberately not read (the per-user file while
    --config or $WORKAID_CONFIG names another), so support sees it was not forgotten."""

    kind: str  # SITE_KIND, USER_KIND, ENV_KIND or FLAG_KIND
    path: Path
    present: bool = False
    values: dict[str, Any] = field(default_factory=dict, hash=False)
    read: bool = True

    @property
    def label(self) -> str:
        return f"{self.kind} {self.path}"


def use_config_file(path: str | os.PathLike[str]) -> None:
    """`workaid --config FILE`: read FILE instead of the per-user file, in this process
    and (through $WORKAID_CONFIG) in any it starts; labelled as the flag in `workaid config`."""
    global _flag_file
    _flag_file = os.path.abspath(os.path.expanduser(os.fspath(path)))
    os.environ[CONFIG_ENV] = _flag_file


def site_config_paths(env: Mapping[str, str] | None = None, platform: str | None = None) -> list[Path]:
    """The machine-wide files IT deploys, highest first (the first one wins per setting).

    platformdirs' site_config_dir gives only the first XDG entry unless asked for all,
    and cannot be pointed at another environment, so the XDG rule is written out here:
    relative entries are invalid and ignored (the spec says so), duplicates read once."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        base = env.get("PROGRAMDATA", "").strip()
        if base:
            return [Path(ntpath.join(base, APP_NAME, CONFIG_NAME))]
        import platformdirs

        return [Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME]
    if platform == "darwin":
        import platformdirs

        return [Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME]
    entries = [e for e in env.get("XDG_CONFIG_DIRS", "").split(":") if e and os.path.isabs(e)]
    out: list[Path] = []
    for entry in entries or [XDG_FALLBACK]:
        path = Path(os.path.normpath(entry)) / APP_NAME / CONFIG_NAME
        if path not in out:
            out.append(path)
    return out


def site_config_path() -> Path:
    """The highest-priority site file (where `packaging` installs one: /etc/xdg/WorkAid/workaid.toml
    on a desk with the standard XDG setting)."""
    return site_config_paths()[0]


def user_config_path() -> Path:
    """The per-user file (e.g. ~/.config/WorkAid/workaid.toml)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def config_files(
    env: Mapping[str, str] | None = None,
    site_path: Path | None = None,
    user_path: Path | None = None,
    site_paths: Sequence[Path] | None = None,
) -> list[ConfigFile]:
    """The files the layers name, lowest layer first (nothing read yet): the site files
    from the last XDG entry to the first, then the per-user file or the chosen one
    (with the per-user file listed as not read). Doctor lists them even when one is broken."""
    env = os.environ if env is None else env
    if site_paths is None:
        site_paths = [Path(site_path)] if site_path is not None else site_config_paths(env)
    files = [ConfigFile(SITE_KIND, Path(p)) for p in reversed(site_paths)]
    user = Path(user_path) if user_path is not None else user_config_path()
    chosen = env.get(CONFIG_ENV, "")
    if chosen:
        path = os.path.abspath(os.path.expanduser(chosen))
        files.append(ConfigFile(USER_KIND, user, read=False))
        files.append(ConfigFile(FLAG_KIND if path == _flag_file else ENV_KIND, Path(path)))
    else:
        files.append(ConfigFile(USER_KIND, user))
    return files


def load_config(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    site_path: Path | None = None,
    user_path: Path | None = None,
    site_paths: Sequence[Path] | None = None,
) -> Config:
    """Build the effective configuration from every layer.

    `overrides` are command-line values; a None value means "not given" so callers
    can pass argparse results straight through. `env`, `site_path` (one site file),
    `site_paths` (several, highest first) and `user_path` default to the real
    environment and platform folders; tests pass their own.
    Every file is read and checked even when a higher layer overrides it, so a
    broken site file is reported instead of hiding until the day it matters.
    """
    values: dict[str, Any] = dict(DEFAULTS)
    sources: dict[str, str] = dict.fromkeys(KNOWN, DEFAULT_SOURCE)
    consulted: list[str] = []
    files: list[ConfigFile] = []
    layers = config_files(env, site_path, user_path, site_paths)
    chooser = "--config" if any(f.kind == FLAG_KIND for f in layers) else ENV_KIND
    for file in layers:
        label, path = file.label, file.path
        if not file.read:
            consulted.append(f"{label} (not read: {chooser} names another file)")
            files.append(file)
            continue
        table = _read_toml(path, file.kind in (ENV_KIND, FLAG_KIND), file.kind)
        if table is None:
            consulted.append(f"{label} (not present)")
            files.append(file)
            continue
        consulted.append(label)
        layer = _apply(table, values, sources, label, f"In the config file {path}", path.parent)
        files.append(ConfigFile(file.kind, path, True, layer))
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None}
        _apply(given, values, sources, CLI_SOURCE, "On the command line", Path.cwd())
    return Config(
        share=values["share"],
        trusted_keys=tuple(values["trusted_keys"]),
        poll_seconds=values["poll_seconds"],
        author=values["author"],
        source=values["source"],
        key=values["key"],
        telemetry=values["telemetry"],
        sources=sources,
        consulted=tuple(consulted),
        files=tuple(files),
    )


def describe(config: Config) -> str:
    """The effective configuration as TOML-looking lines with where each value came from.

    Values are written as TOML so a line can be copied into a config file as-is.
    """
    rendered = {
        "share": _toml_value(config.share if config.share is not None else ""),
        "trusted_keys": _toml_value(list(config.trusted_keys)),
        "poll_seconds": _toml_value(config.poll_seconds),
        "author": _toml_value(config.author or ""),
        "source": _toml_value(config.source if config.source is not None else ""),
        "key": _toml_value(config.key if config.key is not None else ""),
        "telemetry": _toml_value(config.telemetry),
    }
    left = {k: f"{k} = {v}" for k, v in rendered.items()}
    # Line the comments up, but let one long key list run long rather than push all out.
    width = max((len(s) for s in left.values() if len(s) <= 40), default=0)
    lines = []
    for k in KNOWN:
        note = f"from {config.sources.get(k, DEFAULT_SOURCE)}"
        if k in ("share", "author", "source", "key") and getattr(config, k) is None:
            note += " (not set)"
        lines.append(f"{left[k].ljust(width)}    # {note}")
    if config.files:
        lines.append("")
        lines.append("# files consulted, lowest layer first (a later file wins):")
        lines.extend(f"#   {line}" for line in describe_files(config))
    elif config.consulted:
        lines.append("")
        lines.append("# files read, lowest layer first:")
        lines.extend(f"#   {c}" for c in config.consulted)
    return "\n".join(lines)


def describe_files(config: Config) -> list[str]:
    """One line per file consulted: absent, not read, or the settings it set, each
    marked when a higher layer (or the site's telemetry = false) overrules it."""
    out = []
    for file, seen in zip(config.files, config.consulted, strict=False):
        if not file.present:
            out.append(seen)
            continue
        parts = []
        for key, value in file.values.items():
            shown = _toml_value(list(value) if isinstance(value, tuple) else ("" if value is None else value))
            ruled = "" if config.sources.get(key) == file.label else f" (overruled by {config.sources.get(key)})"
            parts.append(f"{key} = {shown}{ruled}")
        out.append(f"{file.label}: {'; '.join(parts) if parts else 'sets nothing'}")
    return out


# --------------------------------------------------------------------------- internals


def _read_toml(path: Path, required: bool, kind: str = "") -> dict[str, Any] | None:
    """The file's table, None if it is absent and optional; errors name the file and line."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CONFIG_FILE + 1)
    except FileNotFoundError:
        if required and kind == FLAG_KIND:
            raise ConfigError(f"--config names the config file {path}, which does not exist. Fix the path.") from None
        if required:
            raise ConfigError(
                f"${CONFIG_ENV} names the config file {path}, which does not exist. "
                f"Fix the path or unset ${CONFIG_ENV}."
            ) from None
        return None
    except IsADirectoryError:
        raise ConfigError(f"The config file {path} is a folder; it should be a TOML file.") from None
    except PermissionError:
        raise EnvironmentProblem(
            f"WorkAid is not allowed to read the config file {path}. Check its permissions."
        ) from None
    except OSError as e:
        raise EnvironmentProblem(f"Cannot read the config file {path}: {e.strerror or e}.") from None
    if len(data) > MAX_CONFIG_FILE:
        raise ConfigError(f"The config file {path} is over 1 MB; it is not a WorkAid config file.")
    try:
        text = data.decode("utf-8-sig")  # tolerate the BOM older Notepad writes
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ConfigError(f"The config file {path}, line {line}: not UTF-8 text. Save it as UTF-8.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(_toml_error(path, text, e)) from None


def _toml_error(path: Path, text: str, e: tomllib.TOMLDecodeError) -> str:
    """'<file>, line N: <reason>' followed by the offending line, so it can be found and fixed."""
    reason = str(e)
    m = _TOML_WHERE.search(reason)
    if not m:
        return f"The config file {path} is not valid TOML: {reason}."
    reason = reason[: m.start()]
    line_no, col = int(m.group(1)), int(m.group(2))
    lines = text.splitlines()
    msg = f"The config file {path}, line {line_no}: {reason} (not valid TOML)."
    if 1 <= line_no <= len(lines):
        shown = lines[line_no - 1]
        if len(shown) <= 200:
            msg += f"\n    {shown}\n    {' ' * max(col - 1, 0)}^"
    return msg


def _apply(
    table: Mapping[str, Any],
    values: dict[str, Any],
    sources: dict[str, str],
    label: str,
    where: str,
    base: Path,
) -> dict[str, Any]:
    """Check one layer and lay it over `values`; relative paths resolve against `base`.
    Returns the layer's checked values (what the file set, for `describe_files`)."""
    for key in table:
        if key not in DEFAULTS:
            raise ConfigError(f"{where}: unknown setting {key!r}.{_did_you_mean(str(key))}")
    layer: dict[str, Any] = {}
    for key, value in table.items():
        if key == "share":
            layer[key] = _share(value, where, base)
        elif key == "trusted_keys":
            layer[key] = _trusted_keys(value, where, base)
        elif key == "poll_seconds":
            layer[key] = _poll_seconds(value, where, label == CLI_SOURCE)
        elif key == "author":
            layer[key] = _author(value, where)
        elif key in ("source", "key"):
            layer[key] = _local_path(key, value, where, base)
        elif key == "telemetry":
            layer[key] = _telemetry(value, where)
    for key, value in layer.items():  # only after the whole layer checked out
        if key == "telemetry" and values[key] is False and sources[key] != DEFAULT_SOURCE:
            continue  # a lower layer (the site) switched sending off: no higher layer turns it back on
        values[key] = value
        sources[key] = label
    return layer


def _did_you_mean(key: str) -> str:
    close = difflib.get_close_matches(key.lower(), KNOWN, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"{hint} The settings are: {', '.join(KNOWN)}."


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a decimal number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _resolve(value: str, base: Path) -> str:
    """An absolute form of a path written in a layer; URLs are left alone."""
    if _URL.match(value):
        return value
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base / path
    return os.path.normpath(path)


def _share(value: Any, where: str, base: Path) -> str | None:
    """The shared folder; an empty string unsets it (TOML has no null)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ConfigError(
            f'{where}: share must be text (a folder path or URL in quotes, e.g. share = "//server/workaid"), '
            f"not {_type_name(value)}."
        )
    value = value.strip()
    return _resolve(value, base) if value else None


_LOCAL_EXAMPLES = {"source": ("a folder path", "~/cards"), "key": ("a key file path", "~/keys/publisher.key")}


def _local_path(key: str, value: Any, where: str, base: Path) -> str | None:
    """A path on this computer: the owner's folder of card files (`source`) or their
    private key file (`key`, which never leaves the owner's machine); "" unsets it."""
    what, example = _LOCAL_EXAMPLES[key]
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ConfigError(
            f'{where}: {key} must be text ({what} in quotes, e.g. {key} = "{example}"), not {_type_name(value)}.'
        )
    value = value.strip()
    if _URL.match(value):
        raise ConfigError(f"{where}: {key} must be on this computer or a mounted drive, not a URL.")
    return _resolve(value, base) if value else None


def _trusted_keys(value: Any, where: str, base: Path) -> tuple[str, ...]:
    """Key strings kept as written; key file paths made absolute against the layer's folder."""
    if isinstance(value, (str, os.PathLike)):
        hint = ' (put it in brackets: trusted_keys = ["..."])'
        raise ConfigError(f"{where}: trusted_keys must be a list of key files or keys{hint}, not a single value.")
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{where}: trusted_keys must be a list of key files or keys, not {_type_name(value)}.")
    out: list[str] = []
    for i, item in enumerate(value, 1):
        if isinstance(item, os.PathLike):
            item = os.fspath(item)
        if not isinstance(item, str):
            raise ConfigError(
                f"{where}: trusted_keys entry {i} must be text (a key file path or a key), not {_type_name(item)}."
            )
        item = item.strip()
        if not item:
            raise ConfigError(f"{where}: trusted_keys entry {i} is empty.")
        out.append(item if is_key_string(item) else _resolve(item, base))
    return tuple(out)


def _author(value: Any, where: str) -> str | None:
    """The publisher's name as people should read it in every card's history (a login
    like `jdoe2` says little); an empty string unsets it."""
    if not isinstance(value, str):
        raise ConfigError(
            f'{where}: author must be text (a name in quotes, e.g. author = "Olu Adeyemi"), not {_type_name(value)}.'
        )
    value = " ".join(value.split())
    if len(value) > MAX_AUTHOR:
        raise ConfigError(f"{where}: author is {len(value)} characters long; at most {MAX_AUTHOR}.")
    return value or None


def _telemetry(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(
            f"{where}: telemetry must be true or false (telemetry = false stops this desk sending its daily "
            f"search and use figures), not {_type_name(value)}{' ' + _toml_value(value) if isinstance(value, (str, int, float)) else ''}."
        )
    return value


def _poll_seconds(value: Any, where: str, from_cli: bool) -> int:
    if from_cli and isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(
            f"{where}: poll_seconds must be a whole number of seconds (e.g. poll_seconds = 60), "
            f"not {_type_name(value)}{' ' + _toml_value(value) if isinstance(value, (str, float)) else ''}."
        )
    if not POLL_MIN <= value <= POLL_MAX:
        raise ConfigError(f"{where}: poll_seconds is {value}; it must be between {POLL_MIN} and {POLL_MAX} (one day).")
    return value


def _toml_value(value: Any) -> str:
    """A TOML literal for str, int, float or a list of str (JSON strings are valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
