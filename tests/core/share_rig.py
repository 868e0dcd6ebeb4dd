"""A share simulator: a publisher's source folder, a shared folder and a desk, in tmp."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.core.conftest import CONTENT, write_card
from workaid.core.content.library import Library
from workaid.core.distribution import keys, pack
from workaid.core.distribution.share import FolderShare
from workaid.core.distribution.sync import Syncer, SyncFailed, sync_status


def card_text(cid: str, title: str, body: str = "Body text.") -> str:
    return f"---\nid: {cid}\ntitle: {title}\ntags: [test]\n---\n{body}\n"


@dataclass
class Rig:
    root: Path
    src: Path
    share: Path
    priv: object
    pub: object
    desk: Library = field(init=False)
    syncer: Syncer = field(init=False)

    def __post_init__(self) -> None:
        self.desk = self.new_desk("desk")

    def new_desk(self, name: str) -> Library:
        lib = Library(self.root / name, bundled=CONTENT)
        lib.load_bundled()
        self.syncer = Syncer(lib, FolderShare(self.share, timeout=2.0), [self.pub])
        return lib

    def write(self, rel: str, text: str) -> Path:
        return write_card(self.src, rel, text)

    def publish(self, note: str = "", **kw) -> pack.PublishReport:
        return pack.publish(self.src, self.share, self.priv, note=note, author=kw.pop("author", "alice"), **kw)

    def sync(self):
        return self.syncer.sync_once()

    def sync_fails(self, match: str) -> str:
        with pytest.raises(SyncFailed, match=match) as err:
            self.sync()
        return str(err.value)

    def serial(self) -> int:
        return sync_status(self.desk).serial

    def titles(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.desk.store.conn.execute("SELECT id, title FROM cards")}

    def pointer(self) -> dict:
        return json.loads((self.share / "current.json").read_text())

    def manifest(self) -> dict:
        return json.loads((self.share / self.pointer()["manifest"]).read_text())

    def object_path(self, cid: str) -> Path:
        sha = self.manifest()["cards"][cid]["versions"][-1]["sha256"]
        return self.share / "objects" / sha[:2] / sha

    def resign(self, new_manifest: dict | None = None, key=None, **pointer_fields) -> None:
        """Write a pointer (and optionally a new manifest) as a publisher with `key` would."""
        fields = {k: v for k, v in self.pointer().items() if k not in ("signature", "format", "key_id")}
        fields.update(pointer_fields)
        if new_manifest is not None:  # a hand-made pack has no delta: desks read the manifest
            fields.update(delta="", delta_sha256="", delta_size=0, previous_manifest_sha256="")
            raw = json.dumps(new_manifest, indent=1, sort_keys=True).encode()
            (self.share / fields["manifest"]).write_bytes(raw)
            fields.update(manifest_sha256=hashlib.sha256(raw).hexdigest(), manifest_size=len(raw))
        (self.share / "current.json").write_bytes(pack.sign_pointer(fields, key or self.priv))


@pytest.fixture
def rig(tmp_path) -> Rig:
    key_path, pub_path = keys.generate(tmp_path / "keys")
    src = tmp_path / "src"
    shutil.copytree(CONTENT, src)
    r = Rig(tmp_path, src, tmp_path / "share", keys.load_private_key(key_path), keys.load_public_key(str(pub_path)))
    r.publish("first")
    r.sync()
    return r
