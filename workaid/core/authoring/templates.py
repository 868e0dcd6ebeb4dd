"""New cards: a valid skeleton of each kind for the owner to fill in.

A new card passes `check` from its first save, so an owner learns the format from a
working example rather than from error messages. Words a rep reads aloud are real
example sentences, never "TODO": a half-finished script must still be safe to say.
Amounts live only in the structured fields (the body does not repeat them), so the
desk and the card can never disagree about a limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workaid.core.authoring.review_queue import DEFAULT_REVIEW_DAYS
from workaid.core.authoring.writer import CardForm, text_from_form
from workaid.core.content.kinds import ID_RE, KINDS
from workaid.core.errors import WorkAidError


class TemplateError(WorkAidError, ValueError):
    """A new card cannot be made as asked; the message says what to change."""


def new_card(kind: str, id: str, title: str, owner: str = "", today: dt.date | None = None) -> str:
    """The file text of a new card of `kind`, due for review DEFAULT_REVIEW_DAYS after `today`."""
    if kind not in KINDS:
        raise TemplateError(f"kind '{kind}' is not one of: {', '.join(KINDS)}")
    if not ID_RE.match(id):
        raise TemplateError(
            f"id '{id}' must be 1-80 characters of a-z, 0-9 and '-', starting with a letter or digit "
            "(e.g. late-fee-waiver)"
        )
    title = title.strip()
    if not title or "\n" in title or len(title) > 200:
        raise TemplateError("the title must be one line of 1-200 characters")
    if "\n" in owner:
        raise TemplateError("the owner must be one line (a team or person name)")
    day = today or dt.date.today()
    fields, body, summary, tags = _SKELETONS[kind](title)
    form = CardForm(
        id=id,
        kind=kind,
        title=title,
        tags=tags,
        owner=owner.strip(),
        review_by=day + dt.timedelta(days=DEFAULT_REVIEW_DAYS),
        summary=summary,
        fields=fields,
        body=body,
    )
    return text_from_form(form)


Skeleton = tuple[dict[str, Any], str, str, tuple[str, ...]]  # fields, body, summary, tags


def _guideline(title: str) -> Skeleton:
    fields = {
        "discretion": {
            "unit": "GBP",
            "escalate_to": "supervisor",
            "roles": [
                {
                    "role": "rep",
                    "max_amount": 10,
                    "per_customer": {"count": 1, "months": 12},
                    "conditions": ["first-offence", "account-in-good-standing"],
                },
                {
                    "role": "senior-rep",
                    "max_amount": 25,
                    "per_customer": {"count": 2, "months": 12},
                    "conditions": ["account-in-good-standing"],
                },
            ],
        }
    }
    body = (
        "What this covers, in one or two sentences a rep can take in mid-call.\n"
        "\n"
        "The limits above are what the desk checks; do not repeat the amounts here.\n"
        "\n"
        "## Check before you offer\n"
        "\n"
        "- Has the customer had this before in the last 12 months?\n"
        "- Is the account in good standing?\n"
        "\n"
        "## When it is beyond you\n"
        "\n"
        "| situation | who |\n"
        "|---|---|\n"
        "| more than your limit, or a second time this year | senior rep |\n"
        "| more than a senior rep may give | supervisor |\n"
        "\n"
        "## Words that work\n"
        "\n"
        "- \"I've looked at your account and I can take that off for you today. You'll see it on your next bill.\"\n"
        "- If you can't: \"I'm not able to do that myself, but I can ask a colleague who can. Would you like me to?\"\n"
    )
    return fields, body, "One sentence a rep reads under the title in the results.", ("discretion",)


def _script(title: str) -> Skeleton:
    fields = {
        "placeholders": {"customer_name": "Customer's name as they gave it"},
        "variant": "rep",
    }
    body = (
        "When to use this script, in one line.\n"
        "\n"
        "## Say\n"
        "\n"
        "\"Thank you for bearing with me, {customer_name}. I've looked into this for you, "
        "and here's what happens next.\"\n"
        "\n"
        "## Notes\n"
        "\n"
        "- Say it at a normal pace, then stop and let the customer answer.\n"
    )
    return fields, body, "When a rep reads this out, in one sentence.", ("scripts",)


def _checklist(title: str) -> Skeleton:
    fields = {
        "steps": [
            {
                "id": "first-question",
                "question": "Is the caller still abusive after you tried to de-escalate?",
                "yes": {"outcome": "supervisor", "reason": "Caller still abusive after de-escalation"},
                "no": "second-question",
            },
            {
                "id": "second-question",
                "question": "Is the question beyond what you know or can find in the cards?",
                "yes": {"outcome": "expert", "reason": "Beyond the rep's knowledge"},
                "no": {"outcome": "handle", "reason": "Within policy and knowledge"},
            },
        ]
    }
    body = (
        'When to use this checklist. Answer each question in order; the first "yes" decides.\n'
        "\n"
        "## What each outcome means\n"
        "\n"
        "| outcome | what you do next |\n"
        "|---|---|\n"
        "| handle | resolve it now, within policy |\n"
        "| expert | pick the team, tell the customer when they'll hear back, write the hand-off note |\n"
        "| supervisor | write the hand-off note and stay on the line until the supervisor picks up |\n"
    )
    return fields, body, "What these questions decide, in one sentence.", ("checklist",)


def _contact(title: str) -> Skeleton:
    fields = {
        "team": title,
        "topics": ["general-enquiries"],
        "channel": "phone",
        "direct": "020 7946 0000",
        "hours": "Mon-Fri 09:00-17:00",
        "timezone": "Europe/London",
    }
    body = (
        "What this team handles, and when to send a customer to them.\n"
        "\n"
        "## Send them\n"
        "\n"
        "- The kind of call this team takes.\n"
        "\n"
        "## Don't send them\n"
        "\n"
        "- Calls another team or card covers.\n"
        "\n"
        "## What to tell the customer\n"
        "\n"
        "- \"I'm putting you through to the team who can help with this. I've written everything up, "
        "so you won't need to explain it again.\"\n"
    )
    return fields, body, "What this team handles and how fast they answer.", ("contacts",)


def _scenario(title: str) -> Skeleton:
    body = (
        "A worked example call: what the customer said, what the rep did, and why it worked.\n"
        "\n"
        "## The call\n"
        "\n"
        "The customer rings about …\n"
        "\n"
        "## What the rep did\n"
        "\n"
        "1. Listened to the whole story and played it back.\n"
        "2. Checked the card for this situation.\n"
        "\n"
        "## Why it worked\n"
        "\n"
        "- The customer did not have to repeat their story.\n"
    )
    return {}, body, "The situation this example call shows, in one sentence.", ("scenarios",)


_SKELETONS = {
    "guideline": _guideline,
    "script": _script,
    "checklist": _checklist,
    "contact": _contact,
    "scenario": _scenario,
}
