"""The bundled content pack's cards, parsed once, for tests that need no database."""

from __future__ import annotations

import functools

from tests.core.conftest import CONTENT
from workaid.core.content.cards import Card
from workaid.core.content.folder import load_folder


@functools.cache
def _cards() -> dict[str, Card]:
    result = load_folder(CONTENT)
    assert not result.problems, result.problems
    return {c.id: c for c in result.cards}


def bundled(card_id: str) -> Card:
    return _cards()[card_id]


def bundled_of_kind(kind: str) -> list[Card]:
    return [c for c in _cards().values() if c.kind == kind]


def bundled_count() -> int:
    """How many cards the bundled pack holds (tests must not hard-code it: content grows)."""
    return len(_cards())
