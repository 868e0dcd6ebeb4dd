"""The installers agree with the bundle they pack (no build needed; runs everywhere).

The Windows installer cannot be built on the Linux CI, so what would break it silently
is checked here instead: the executables build.spec makes are the ones the .iss ships
and links, the folder it takes is the one COLLECT writes, the icon and version exist and
agree with workaid's version, and uninstalling never names the users' data folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import tomllib
import types
from pathlib import Path

import pytest

import workaid
from workaid.core.distribution.config import load_config

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "build.spec").read_text(encoding="utf-8")
ISS_PATH = ROOT / "packaging" / "windows" / "workaid.iss"
ISS = ISS_PATH.read_text(encoding="utf-8")
_spec = importlib.util.spec_from_file_location("workaid_packaging_versioninfo", ROOT / "packaging" / "versioninfo.py")
assert _spec and _spec.loader
versioninfo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(versioninfo)


def iss_define(name: str) -> str:
    match = re.search(rf'#define {name} "([^"]*)"', ISS)
    assert match, f"workaid.iss defines no {name}"
    return match.group(1)


def iss_setting(name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", ISS, re.M)
    assert match, f"workaid.iss [Setup] has no {name}"
    return match.group(1).strip()


def iss_path(relative: str) -> Path:
    """A path written in the .iss (relative to its folder, Windows separators) on this disk."""
    return (ISS_PATH.parent / relative.replace("\\", "/")).resolve()


def spec_executables() -> dict[str, bool]:
    """Every EXE(...) build.spec makes: name -> console."""
    found = re.findall(r'EXE\(pyz, a\.scripts, \[\], name="([^"]+)", console=(True|False)', SPEC)
    return {name: console == "True" for name, console in found}


def test_the_installer_ships_both_executables_the_spec_builds() -> None:
    exes = spec_executables()
    assert exes == {"WorkAid": False, "workaid-cli": True}
    assert iss_define("AppExe") == "WorkAid.exe"
    assert iss_define("CliExe") == "workaid-cli.exe"
    # Both are linked from the Start menu (the CLI through cmd /k ... doctor).
    assert '"{app}\\{#AppExe}"' in ISS
    assert "{app}\\{#CliExe}" in ISS


def test_the_installer_takes_the_whole_folder_collect_writes() -> None:
    collect = re.search(r'COLLECT\(.*name="([^"]+)"\)', SPEC)
    assert collect and collect.group(1) == "WorkAid"
    dist = iss_define("DistDir")
    assert iss_path(dist) == ROOT / "dist" / "WorkAid"
    files = re.search(r"^\[Files\]\n(.*?)(?=^\[)", ISS, re.M | re.S)
    assert files, "workaid.iss has no [Files] section"
    sources = [line for line in files.group(1).splitlines() if line.startswith("Source:")]
    assert sources == [
        'Source: "{#DistDir}\\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs'
    ]


def test_icon_and_version_agree_everywhere() -> None:
    version = workaid.__version__
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == version
    assert versioninfo.read_version(ROOT) == version
    assert iss_define("AppVersion") == version
    assert iss_define("AppName") == "WorkAid"
    icon = iss_path(iss_setting("SetupIconFile"))
    assert icon == ROOT / "resources" / "icons" / "workaid.ico"
    assert 'ICON = ROOT / "resources" / "icons" / "workaid.ico"' in SPEC
    assert icon.read_bytes()[:4] == b"\x00\x00\x01\x00", "workaid.ico is not an icon file"
    assert (ROOT / "resources" / "icons" / "workaid.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (ROOT / "resources" / "icons" / "workaid.svg").is_file()
    text = versioninfo.version_file_text(version)
    assert f"'FileVersion', '{version}'" in text and f"filevers={versioninfo.version_tuple(version)}" in text


def test_the_version_file_is_one_pyinstaller_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (packaging/build installs it)")
    # The module imports pefile and win32api (used on Windows builds only) at the top but
    # reads the text without them.
    monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(importlib.import_module("PyInstaller.compat"), "win32api", None, raising=False)
    vi = importlib.import_module("PyInstaller.utils.win32.versioninfo")
    info = eval(versioninfo.version_file_text("1.2.3"), vars(vi))  # PyInstaller itself reads the file with eval
    assert info.ffi.fileVersionMS == (1 << 16) | 2 and info.ffi.fileVersionLS == 3 << 16
    assert versioninfo.version_tuple("2.0rc1") == (2, 0, 1, 0)


def test_installing_needs_no_admin_and_uninstalling_keeps_user_data() -> None:
    assert iss_setting("PrivilegesRequired") == "lowest"
    # {autopf} is %LOCALAPPDATA%\Programs in a per-user install: never the data folder
    # (platformdirs: %LOCALAPPDATA%\WorkAid, logs\workaid.log inside it).
    assert iss_setting("DefaultDirName") == "{autopf}\\WorkAid"
    for forbidden in ("[UninstallDelete]", "DelTree", "{localappdata}\\WorkAid", "{userappdata}"):
        assert forbidden not in ISS


def test_the_site_config_parameter_writes_programdata_only_as_admin() -> None:
    assert "{param:SITECONFIG|}" in ISS
    assert "{commonappdata}\\WorkAid" in ISS and "'\\workaid.toml'" in ISS
    init = ISS.split("function InitializeSetup", 1)[1].split("end;\n\nprocedure", 1)[0]
    assert "if not IsAdmin() then" in init and "Result := False;" in init


def test_the_debs_example_site_config_is_inert_and_valid_once_uncommented(tmp_path: Path) -> None:
    example = (ROOT / "packaging" / "linux" / "workaid.toml.example").read_text(encoding="utf-8")
    assert tomllib.loads(example) == {}, "the example must set nothing until IT edits it"
    enabled = re.sub(r"^#(\w+ = )", r"\1", example, flags=re.M)
    (tmp_path / "publisher.pub").write_text("", encoding="utf-8")
    site = tmp_path / "workaid.toml"
    site.write_text(
        enabled.replace("/etc/xdg/WorkAid/publisher.pub", str(tmp_path / "publisher.pub")), encoding="utf-8"
    )
    config = load_config(site_paths=[site], user_path=tmp_path / "none.toml", env={})
    assert config.share == "/mnt/contact-centre/workaid-pack"
    assert config.poll_seconds == 60 and config.telemetry is True
    assert len(config.trusted_keys) == 1


def test_the_deb_depends_on_what_scripts_setup_installs() -> None:
    build = (ROOT / "packaging" / "build").read_text(encoding="utf-8")
    assert "sed -n '/^DEB_PACKAGES=(/,/^)/p' scripts/setup" in build
    setup = (ROOT / "scripts" / "setup").read_text(encoding="utf-8")
    assert re.search(r"^DEB_PACKAGES=\(\n(.*?)\n\)", setup, re.M | re.S), "scripts/setup's DEB_PACKAGES array moved"
    # No maintainer scripts: nothing can remove a user's data on removal or purge.
    for script in ("postrm", "prerm", "preinst", "postinst"):
        assert f"DEBIAN/{script}" not in build
