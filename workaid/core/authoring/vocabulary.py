"""The owner's side of the search vocabulary: which card holds which term, and adding a
term customers typed to a group, from the report's "add as synonym of…".

The edit goes through the card form (writer.py), so the result is the same file the
workbench's form would write, and it is validated by the same parser before the owner
sees it; nothing is saved here: the workbench shows the text for the owner to check.
"""

from __future__ import annotations

from pathlib import Path

from workaid.core.authoring.writer import form_from_text, text_from_form
from workaid.core.content.folder import synonym_groups
from workaid.core.content.synonyms import SEPARATOR, split_group, term_key, term_problem
from workaid.core.errors import ContentError


def folded(term: str) -> str:
    """How a term is named in look-ups: its folded search words, space-separated."""
    return " ".join(term_key(term))


def groups_in_folder(source: Path | str) -> dict[str, str]:
    """Every term of the folder's synonym groups (folded) -> the card file holding it."""
    out: dict[str, str] = {}
    for rel, group in synonym_groups(source):
        for term in split_group(group):
            out.setdefault(folded(term), rel)
    return out


def add_synonym(text: str, new_term: str, of: str, source: str = "card.md") -> str:
    """The card file `text` with `new_term` added to the group that has `of`, or with a
    new group "of = new_term" when no group of this card has it.

    Raises ContentError, in words, when the card does not parse, when the term cannot be
    a synonym, or when this card already has it.
    """
    new_term, of = " ".join(new_term.split()), " ".join(of.split())
    for term in (new_term, of):
        why = term_problem(term)
        if why:
            raise ContentError([f"{why}."])
    if term_key(new_term) == term_key(of):
        raise ContentError([f"'{new_term}' and '{of}' are the same words; choose the term it means."])
    form, problems = form_from_text(text, source)
    if form is None:
        first = problems[0].message if problems else "it does not parse"
        raise ContentError([f"the card has a problem to fix first: {first}"])
    groups = list(form.synonyms)
    want, have = term_key(of), term_key(new_term)
    for i, group in enumerate(groups):
        keys = [term_key(t) for t in split_group(group)]
        if have in keys:
            raise ContentError([f"'{new_term}' is already a synonym on this card (group {i + 1})."])
        if want in keys:
            groups[i] = group + SEPARATOR + new_term
            break
    else:
        groups.append(of + SEPARATOR + new_term)
    form.synonyms = tuple(groups)
    out = text_from_form(form)
    _, problems = form_from_text(out, source)  # the same check a save makes: one term, one group
    if problems:
        raise ContentError([f"not added: {problems[0].message}"])
    return out
