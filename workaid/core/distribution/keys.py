"""Ed25519 publisher keys: the publisher signs the shared pack's pointer, desks verify it.

The private key never leaves the content owner's machine; IT deploys the public key
to every desk (as a file or pasted as a string into the configuration). The public
key text is one line, ``workaid-ed25519 <base64 of the 32 raw bytes>``, so it can be
copied into a TOML string, an e-mail or a ticket without mangling.

cryptography is imported inside the functions that need it (a heavy import) so that
reading the configuration at start-up, which only asks `is_key_string`, stays cheap.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from workaid.core.errors import EnvironmentProblem
from workaid.core.fileio import atomic_write

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    PrivateKey = Ed25519PrivateKey
    PublicKey = Ed25519PublicKey

KEY_TYPE = "workaid-ed25519"
PRIVATE_NAME = "publisher.key"
PUBLIC_NAME = "publisher.pub"
# Key files are a few hundred bytes; anything far bigger is not one of ours, and we
# never read an unbounded amount because someone pointed us at the wrong file.
MAX_KEY_FILE = 64 * 1024
_RAW_KEY_LEN = 32
_SIGNATURE_LEN = 64


class KeyProblem(EnvironmentProblem):
    """A key file or key string cannot be used; the message says which and why.

    An EnvironmentProblem so that the CLI and the UI, which already show those calmly,
    never print a traceback for a wrong passphrase or a mistyped key.
    """


# --------------------------------------------------------------------------- text


def public_key_text(public_key: PublicKey) -> str:
    """The one-line form of a public key, ``workaid-ed25519 <base64>``, for files and config."""
    return f"{KEY_TYPE} {base64.b64encode(_raw(public_key)).decode('ascii')}"


def key_id(public_key: PublicKey) -> str:
    """A short fingerprint (16 hex chars of sha256 of the raw key) to name a key to people.

    Messages and signed pointers say *which* key signed without printing the whole
    key; 64 bits is plenty to tell a handful of publisher keys apart.
    """
    return hashlib.sha256(_raw(public_key)).hexdigest()[:16]


def is_key_string(spec: str) -> bool:
    """True if `spec` is a key written out (not a path), so config knows not to resolve it.

    Accepts ``workaid-ed25519 <base64> [comment]`` and bare base64 of exactly 32 bytes.
    Does not check that the bytes are a valid point; `load_public_key` does.
    """
    return _decode_key_line(spec) is not None


def _decode_key_line(line: str) -> bytes | None:
    """The 32 raw key bytes written on `line`, or None if it is not a key line."""
    parts = line.split()
    if not parts:
        return None
    if parts[0] == KEY_TYPE:
        if len(parts) < 2:
            return None
        b64 = parts[1]  # anything after it is a comment, as in OpenSSH .pub files
    elif len(parts) == 1:
        b64 = parts[0]
    else:
        return None
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _RAW_KEY_LEN else None


def _raw(public_key: PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _read_capped(path: Path, what: str) -> bytes:
    """Read a small key file, turning every OS failure into a sentence about that file."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_KEY_FILE + 1)
    except FileNotFoundError:
        raise KeyProblem(f"There is no {what} at {path}.") from None
    except IsADirectoryError:
        raise KeyProblem(f"{path} is a folder, not a {what}.") from None
    except PermissionError:
        raise KeyProblem(f"WorkAid is not allowed to read the {what} {path}. Check the file's permissions.") from None
    except OSError as e:
        raise KeyProblem(f"Cannot read the {what} {path}: {e.strerror or e}.") from None
    if len(data) > MAX_KEY_FILE:
        raise KeyProblem(f"{path} is too large to be a {what} (key files are under 1 KB).")
    return data


# --------------------------------------------------------------------------- generate


def generate(out_dir: Path, passphrase: str | None = None) -> tuple[Path, Path]:
    """Create a new publisher key pair in `out_dir`; return (private key path, public key path).

    The private key (PKCS8 PEM, encrypted when a passphrase is given; an empty
    passphrase means none) is owner-only from the moment it exists: the name is
    claimed with O_CREAT|O_EXCL and mode 0600, and the content arrives through
    atomic_write, whose temp file mkstemp also creates 0600. Claiming the names
    first means an existing key is never overwritten, even by two runs at once —
    losing a publisher key would strand every desk that trusts it.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    out_dir = Path(out_dir).expanduser()
    key_path = out_dir / PRIVATE_NAME
    pub_path = out_dir / PUBLIC_NAME
    for existing in (key_path, pub_path):
        if existing.exists():
            raise KeyProblem(
                f"{existing} already exists; WorkAid will not overwrite a publisher key. "
                "Move the old files away first if you really mean to replace the key "
                "(desks that trust the old key will then need the new publisher.pub)."
            )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KeyProblem(f"Cannot create the folder {out_dir}: {e.strerror or e}.") from None

    private = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption
    if passphrase:
        encryption = serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
    else:
        encryption = serialization.NoEncryption()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public = private.public_key()
    pub_text = (
        f"# WorkAid publisher public key {key_id(public)}. Give this file, or the line below, "
        "to IT for trusted_keys.\n"
        f"{public_key_text(public)}\n"
    )

    claimed: list[Path] = []
    try:
        for path, mode in ((key_path, 0o600), (pub_path, 0o644)):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
            except FileExistsError:
                raise KeyProblem(f"{path} already exists; WorkAid will not overwrite a publisher key.") from None
            os.close(fd)
            claimed.append(path)
        atomic_write(key_path, pem, mode=0o600)
        atomic_write(pub_path, pub_text, mode=0o644)
    except KeyProblem:
        _unlink_all(claimed)
        raise
    except OSError as e:
        _unlink_all(claimed)
        raise KeyProblem(f"Cannot write the key files in {out_dir}: {e.strerror or e}.") from None
    except BaseException:
        _unlink_all(claimed)
        raise
    return key_path, pub_path


def _unlink_all(paths: list[Path]) -> None:
    """Remove files this run created, so a failed generate leaves nothing half-made behind."""
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass


# --------------------------------------------------------------------------- load


def needs_passphrase(path: Path) -> bool:
    """Whether the private key file is protected by a passphrase (so a form asks for one
    before trying); False when the file cannot be read: loading it then says why."""
    try:
        return b"ENCRYPTED" in _read_capped(Path(path).expanduser(), "publisher key file")
    except (KeyProblem, OSError):
        return False


def load_private_key(path: Path, passphrase: str | None = None) -> PrivateKey:
    """Load the publisher's private key, with a sentence for each way that can go wrong.

    A passphrase given for an unencrypted key is ignored: the key is only as safe as
    its file either way, and refusing would not protect anything.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path).expanduser()
    data = _read_capped(path, "publisher key file")
    if not data.strip():
        raise KeyProblem(f"The key file {path} is empty. Create a new key pair, or restore the file from a backup.")
    if b"-----BEGIN" not in data:
        if _decode_key_line(_first_key_line(data)) is not None:
            raise KeyProblem(
                f"{path} is a public key. Signing needs the private key ({PRIVATE_NAME}), "
                "which stays with the content owner."
            )
        raise KeyProblem(f"{path} is not a private key file (expected a PEM file such as {PRIVATE_NAME}).")
    if b"-----BEGIN OPENSSH PRIVATE KEY-----" in data:
        raise KeyProblem(f"{path} is an OpenSSH key; WorkAid needs a publisher key it created itself ({PRIVATE_NAME}).")

    encrypted = b"ENCRYPTED" in data
    if encrypted and not passphrase:
        raise KeyProblem(f"The key file {path} is protected by a passphrase; enter the passphrase to use it.")
    password = passphrase.encode("utf-8") if (encrypted and passphrase) else None
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except ValueError:
        if encrypted:
            raise KeyProblem(f"Wrong passphrase for the key file {path}.") from None
        raise KeyProblem(f"{path} is not a readable private key (the file may be damaged).") from None
    except TypeError:
        # Raised when encryption and password disagree; we decided above, so this
        # means the file's markers lied about its contents.
        raise KeyProblem(f"{path} is not a readable private key (the file may be damaged).") from None
    except UnsupportedAlgorithm:
        raise KeyProblem(f"{path} uses a key type or cipher WorkAid cannot read.") from None
    if not isinstance(key, Ed25519PrivateKey):
        kind = type(key).__name__.lstrip("_").replace("PrivateKey", "") or "another type"
        raise KeyProblem(f"{path} holds a key of type {kind}; WorkAid publisher keys are Ed25519.")
    return key


def _first_key_line(data: bytes) -> str:
    """The first line of a .pub file that is not blank or a # comment ('' if none)."""
    text = data.decode("utf-8", errors="replace")
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""


def load_public_key(spec: str | os.PathLike[str]) -> PublicKey:
    """A public key from config: a path to a .pub file, or the key written out.

    A key string is tried first (``workaid-ed25519 <base64>`` or bare base64 of 32
    bytes), then a file. In a file, blank lines and lines starting with # are
    ignored and exactly one key line must remain.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = os.fspath(spec) if isinstance(spec, os.PathLike) else spec
    if not isinstance(text, str) or not text.strip():
        raise KeyProblem("A trusted key is empty; give a path to a publisher.pub file or the key text.")
    text = text.strip()
    raw = _decode_key_line(text)
    origin = "The key text"
    if raw is None:
        if text.split()[0] == KEY_TYPE:
            raise KeyProblem(
                f"{_shorten(text)} is not a valid {KEY_TYPE} key: after '{KEY_TYPE} ' "
                "should come the base64 of 32 bytes (44 characters ending in '=')."
            )
        path = Path(text).expanduser()
        if not path.exists():
            raise KeyProblem(
                f"{_shorten(text)} is neither a public key file that exists nor a key ('{KEY_TYPE} <base64>')."
            )
        data = _read_capped(path, "public key file")
        lines = [
            ln.strip()
            for ln in data.decode("utf-8", errors="replace").splitlines()
            if ln.strip() and not ln.strip().startswith("#")
        ]
        if b"PRIVATE KEY" in data:
            raise KeyProblem(
                f"{path} is a private key. Desks need only the public key ({PUBLIC_NAME}); keep this file secret."
            )
        if len(lines) != 1 or (raw := _decode_key_line(lines[0])) is None:
            raise KeyProblem(f"{path} is not a WorkAid public key file (expected one line '{KEY_TYPE} <base64>').")
        origin = f"The key in {path}"
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise KeyProblem(f"{origin} is not a valid Ed25519 public key.") from None


def _shorten(text: str, limit: int = 60) -> str:
    """Quote user text in a message without letting a pasted blob swamp it."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --------------------------------------------------------------------------- sign / verify


def sign(private_key: PrivateKey, data: bytes) -> str:
    """Sign `data`; the base64 signature is text so it can sit in a JSON pointer."""
    return base64.b64encode(private_key.sign(data)).decode("ascii")


def verify(public_keys: Iterable[PublicKey], data: bytes, signature_b64: str) -> str | None:
    """The key_id of the trusted key that signed `data`, or None.

    Never raises on a bad signature: the signature comes from a file on the share,
    which anyone with write access could have scribbled on, and a garbled pointer
    must read as "not verified", not crash the sync.
    """
    from cryptography.exceptions import InvalidSignature

    if not isinstance(signature_b64, str) or not isinstance(data, (bytes, bytearray, memoryview)):
        return None
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(signature) != _SIGNATURE_LEN:
        return None
    for key in public_keys:
        try:
            key.verify(signature, bytes(data))
        except InvalidSignature:
            continue
        except (TypeError, ValueError, AttributeError):
            continue  # not an Ed25519 public key; it cannot have signed this
        return key_id(key)
    return None
