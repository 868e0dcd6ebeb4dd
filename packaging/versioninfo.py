"""WorkAid's version, read without importing the package, and the Windows version resource.

build.spec calls write_version_file on Windows; tests/core/test_packaging.py checks the
text is a VSVersionInfo PyInstaller accepts and carries the same version.
"""

from __future__ import annotations

import re
from pathlib import Path

PRODUCT = "WorkAid"
COMPANY = "WorkAid"
DESCRIPTION = "WorkAid: guideline cards for contact-centre reps"


def read_version(root: Path) -> str:
    """workaid.__version__, from the source text (the spec must not import the app)."""
    text = (root / "workaid" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise SystemExit("versioninfo: no __version__ in workaid/__init__.py")
    return match.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' or '1.2.3rc1' -> (1, 2, 3, 0): Windows wants four 16-bit numbers."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_file_text(version: str) -> str:
    """The VSVersionInfo text PyInstaller's EXE(version=...) reads."""
    v = version_tuple(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": PRODUCT,
        "LegalCopyright": f"© {COMPANY}",
        "OriginalFilename": f"{PRODUCT}.exe",
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    entries = ",\n          ".join(f"StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
          {entries}])]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])])
  ]
)
"""


def write_version_file(folder: Path, version: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "version_info.txt"
    path.write_text(version_file_text(version), encoding="utf-8")
    return str(path)
