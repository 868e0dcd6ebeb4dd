"""Owners' answers to the flags reps raise: content that travels to desks in the pack.

A rep flags a card (wrong, unclear, out of date…); the flag reaches the owner through
the share's outbox. The owner marks it "fixed in version N" or answers it in words.
That answer is owner-written content like a card, so it lives in the owner's source
folder (`.workaid/answers.json`, beside the folder's other bookkeeping) and is
published with the cards: one object on the share, named in the signed manifest. A
desk keeps the current set in its content database, where the rep who flagged finds
the answer to their own flag (matched by the flag's random id, so no desk learns who
flagged what).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workaid.core.errors import EnvironmentProblem, WorkAidError
from workaid.core.fileio import atomic_write

ANSWERS_FILE = ".workaid/answers.json"
FORMAT = 1
STATUSES = ("fixed", "answered")
MAX_TEXT = 1000
MAX_ANSWERS_BYTES = 8 * 1024 * 1024
FLAG_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_CARD_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class AnswersError(WorkAidError, ValueError):
    """The answers file (or one answer) is not as WorkAid writes it; the message says where."""


@dataclass(frozen=True)
class Answer:
    flag_id: str
    card: str
    status: str  # "fixed" or "answered"
    version: int | None  # fixed in this version of the card (None: answered in words only)
    text: str
    by: str
    at: str

    def describe(self) -> str:
        """What the rep who flagged reads: one line, in the owner's words."""
        head = f"Fixed in version {self.version}" if self.status == "fixed" and self.version else "Answered"
        if self.status == "fixed" and not self.version:
            head = "Fixed"
        who = f" by {self.by}" if self.by else ""
        return f"{head}{who}" + (f": {self.text}" if self.text else ".")

    def as_json(self) -> dict[str, Any]:
        return {
            "card": self.card,
            "status": self.status,
            "version": self.version,
            "text": self.text,
            "by": self.by,
            "at": self.at,
        }


def make_answer(
    flag_id: str, card: str, status: str, version: int | None, text: str, by: str, at: str
) -> Answer:
    """An answer checked as the parser checks a card: every problem in words."""
    if not isinstance(flag_id, str) or not FLAG_ID_RE.match(flag_id):
        raise AnswersError(f"{flag_id!r} is not a flag id (32 hexadecimal characters).")
    if not isinstance(card, str) or not _CARD_RE.match(card):
        raise AnswersError(f"flag {flag_id}: {card!r} is not a card id.")
    if status not in STATUSES:
        raise AnswersError(f"flag {flag_id}: the status must be one of {', '.join(STATUSES)}, not {status!r}.")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise AnswersError(f"flag {flag_id}: the version must be a whole number of 1 or more, not {version!r}.")
    if not isinstance(text, str) or not isinstance(by, str) or not isinstance(at, str):
        raise AnswersError(f"flag {flag_id}: the text, the author and the time must be text.")
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise AnswersError(f"flag {flag_id}: the answer is {len(text)} characters; keep it to {MAX_TEXT}.")
    if status == "answered" and not text:
        raise AnswersError(f"flag {flag_id}: an answer needs words (or mark the flag fixed).")
    return Answer(flag_id, card, status, version, text, " ".join(by.split())[:200], at[:40])


def parse_answers(raw: bytes) -> dict[str, Answer]:
    """Every answer in an answers file; any fault rejects the file whole (it is signed
    content on a desk, or the owner's own file: neither should be half-believed)."""
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswersError(f"the answers file is {len(raw)} bytes; at most {MAX_ANSWERS_BYTES}.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise AnswersError("the answers file is not valid JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswersError("the answers file has no list of answers.")
    if not isinstance(data.get("format"), int) or data["format"] > FORMAT:
        raise AnswersError(f"the answers file has format {data.get('format')!r}; this WorkAid reads format {FORMAT}.")
    out: dict[str, Answer] = {}
    for flag_id, a in data["answers"].items():
        if not isinstance(a, dict):
            raise AnswersError(f"flag {flag_id}: the answer is not a table of fields.")
        out[flag_id] = make_answer(
            flag_id,
            a.get("card"),  # type: ignore[arg-type]  # make_answer checks every field's type
            a.get("status"),  # type: ignore[arg-type]
            a.get("version"),
            a.get("text", ""),
            a.get("by", ""),
            a.get("at", ""),
        )
    return out


def answers_bytes(answers: Mapping[str, Answer]) -> bytes:
    """The one serialisation: sorted, so the same answers always make the same object."""
    body = {"format": FORMAT, "answers": {fid: answers[fid].as_json() for fid in sorted(answers)}}
    return (json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def answers_path(source: Path) -> Path:
    return Path(source) / ANSWERS_FILE


def read_answers_file(source: Path) -> bytes | None:
    """The owner's answers file as it is on disk, checked; None when there is none yet."""
    path = answers_path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise EnvironmentProblem(f"Cannot read {path}: {e.strerror or e}. Check the folder, then try again.") from e
    try:
        parse_answers(raw)
    except AnswersError as e:
        raise AnswersError(f"{path}: {e}") from None
    return raw


def load_answers(source: Path) -> dict[str, Answer]:
    raw = read_answers_file(source)
    return {} if raw is None else parse_answers(raw)


def save_answer(source: Path, answer: Answer) -> None:
    """Add or replace one answer, atomically; the next publish takes it to every desk."""
    answers = load_answers(source)
    answers[answer.flag_id] = answer
    _write(source, answers)


def save_all(source: Path, answers: Mapping[str, Answer]) -> None:
    _write(source, answers)


def _write(source: Path, answers: Mapping[str, Answer]) -> None:
    path = answers_path(source)
    try:
        atomic_write(path, answers_bytes(answers))
    except OSError as e:
        raise EnvironmentProblem(
            f"Could not save the answer to {path}: {e.strerror or e}. Nothing was changed; try again."
        ) from e


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# -- on a desk: the content database's meta table holds the published set -----------------
META_KEY = "answers"
META_SHA_KEY = "answers_sha256"


def from_meta(meta: Mapping[str, str]) -> dict[str, Answer]:
    """The answers a desk last applied (the sync verified them), or none."""
    text = meta.get(META_KEY, "")
    if not text:
        return {}
    try:
        return parse_answers(text.encode("utf-8"))
    except AnswersError:
        return {}
