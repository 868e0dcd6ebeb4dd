from __future__ import annotations

import base64
import os
import stat
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workaid.core.distribution import keys
from workaid.core.distribution.keys import KeyProblem
from workaid.core.errors import EnvironmentProblem

POSIX = sys.platform != "win32"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """One unencrypted key pair for the module (generating is cheap, but this reads better)."""
    folder = tmp_path_factory.mktemp("keys")
    key_path, pub_path = keys.generate(folder)
    return keys.load_private_key(key_path), keys.load_public_key(str(pub_path)), key_path, pub_path


def test_generate_writes_owner_only_key_and_a_pasteable_public_key(tmp_path):
    old = os.umask(0)  # even with a permissive umask the key must not be readable by others
    try:
        key_path, pub_path = keys.generate(tmp_path / "new")
    finally:
        os.umask(old)
    assert key_path.name == "publisher.key" and pub_path.name == "publisher.pub"
    if POSIX:
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    lines = pub_path.read_text().splitlines()
    assert lines[0].startswith("# ") and len(lines) == 2
    kind, b64 = lines[1].split(" ")
    assert kind == "workaid-ed25519" and len(base64.b64decode(b64, validate=True)) == 32
    # no temp files left behind
    assert sorted(p.name for p in key_path.parent.iterdir()) == ["publisher.key", "publisher.pub"]


def test_generate_refuses_to_overwrite_a_key(tmp_path):
    key_path, _ = keys.generate(tmp_path)
    before = key_path.read_bytes()
    with pytest.raises(EnvironmentProblem, match="will not overwrite"):
        keys.generate(tmp_path)
    assert key_path.read_bytes() == before


def test_generate_refuses_when_only_the_public_file_exists(tmp_path):
    (tmp_path / "publisher.pub").write_text("something\n")
    with pytest.raises(KeyProblem, match="publisher.pub already exists"):
        keys.generate(tmp_path)
    assert not (tmp_path / "publisher.key").exists()


def test_passphrase_round_trip_and_clear_errors(tmp_path):
    key_path, pub_path = keys.generate(tmp_path, passphrase="correct horse")
    assert b"ENCRYPTED" in key_path.read_bytes()
    private = keys.load_private_key(key_path, "correct horse")
    assert keys.key_id(private.public_key()) == keys.key_id(keys.load_public_key(str(pub_path)))
    with pytest.raises(KeyProblem, match="Wrong passphrase"):
        keys.load_private_key(key_path, "wrong horse")
    with pytest.raises(KeyProblem, match="protected by a passphrase"):
        keys.load_private_key(key_path)


def test_empty_passphrase_means_none(tmp_path):
    key_path, _ = keys.generate(tmp_path, passphrase="")
    assert b"ENCRYPTED" not in key_path.read_bytes()
    keys.load_private_key(key_path)
    keys.load_private_key(key_path, "ignored for an unencrypted key")


def test_load_private_key_names_each_problem(tmp_path, pair):
    with pytest.raises(KeyProblem, match="There is no publisher key file at"):
        keys.load_private_key(tmp_path / "missing.key")
    junk = tmp_path / "junk.key"
    junk.write_text("hello\n")
    with pytest.raises(KeyProblem, match="not a private key file"):
        keys.load_private_key(junk)
    with pytest.raises(KeyProblem, match="is a public key"):
        keys.load_private_key(pair[3])
    damaged = tmp_path / "damaged.key"
    damaged.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(KeyProblem, match="not a readable private key"):
        keys.load_private_key(damaged)
    empty = tmp_path / "empty.key"
    empty.write_bytes(b"")
    with pytest.raises(KeyProblem, match="is empty"):
        keys.load_private_key(empty)
    with pytest.raises(KeyProblem, match="is a folder"):
        keys.load_private_key(tmp_path)


def test_load_private_key_rejects_other_key_types(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "ec.key"
    path.write_bytes(
        other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    with pytest.raises(KeyProblem, match="type EC; WorkAid publisher keys are Ed25519"):
        keys.load_private_key(path)


def test_load_public_key_from_file_line_or_bare_base64(pair):
    _, public, _, pub_path = pair
    line = keys.public_key_text(public)
    bare = line.split()[1]
    kid = keys.key_id(public)
    assert keys.key_id(keys.load_public_key(str(pub_path))) == kid
    assert keys.key_id(keys.load_public_key(pub_path)) == kid
    assert keys.key_id(keys.load_public_key(line)) == kid
    assert keys.key_id(keys.load_public_key(f"  {line}  ops team key ")) == kid
    assert keys.key_id(keys.load_public_key(bare)) == kid
    assert keys.is_key_string(line) and keys.is_key_string(bare)
    assert not keys.is_key_string(str(pub_path))
    assert len(kid) == 16 and all(c in "0123456789abcdef" for c in kid)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("", "empty"),
        ("workaid-ed25519 not-base64!", "not a valid workaid-ed25519 key"),
        ("workaid-ed25519 " + base64.b64encode(b"x" * 31).decode(), "32 bytes"),
        ("/no/such/file.pub", "neither a public key file that exists nor a key"),
    ],
)
def test_load_public_key_bad_specs(spec, message):
    with pytest.raises(KeyProblem, match=message):
        keys.load_public_key(spec)


def test_load_public_key_bad_files(tmp_path, pair):
    wrong = tmp_path / "wrong.pub"
    wrong.write_text("# a comment\nnot a key\n")
    with pytest.raises(KeyProblem, match="not a WorkAid public key file"):
        keys.load_public_key(str(wrong))
    with pytest.raises(KeyProblem, match="is a private key"):
        keys.load_public_key(str(pair[2]))


def test_sign_and_verify(pair, tmp_path):
    private, public, _, _ = pair
    data = b'{"serial": 7, "manifest": "abc"}'
    sig = keys.sign(private, data)
    assert keys.verify([public], data, sig) == keys.key_id(public)
    assert keys.verify([public], data + b" ", sig) is None, "a tampered message must not verify"
    assert keys.verify([], data, sig) is None


def test_a_signature_by_another_key_does_not_verify(pair, tmp_path):
    private, public, _, _ = pair
    other_key, _ = keys.generate(tmp_path)
    other = keys.load_private_key(other_key)
    data = b"pointer"
    sig = keys.sign(other, data)
    assert keys.verify([public], data, sig) is None
    # with both keys trusted, the one that signed is named
    assert keys.verify([public, other.public_key()], data, sig) == keys.key_id(other.public_key())


def test_tampered_signature_does_not_verify(pair):
    private, public, _, _ = pair
    raw = bytearray(base64.b64decode(keys.sign(private, b"data")))
    raw[0] ^= 1
    assert keys.verify([public], b"data", base64.b64encode(bytes(raw)).decode()) is None


@settings(max_examples=300, deadline=None)
@given(
    signature=st.one_of(
        st.text(),
        st.binary().map(lambda b: base64.b64encode(b).decode()),
        st.binary(min_size=64, max_size=64).map(lambda b: base64.b64encode(b).decode()),
        st.none(),
        st.integers(),
    ),
    data=st.binary(max_size=64),
)
def test_verify_never_raises_on_garbage(pair, signature, data):
    assert keys.verify([pair[1]], data, signature) is None
