"""The two kinds of failure WorkAid distinguishes.

Environment errors (a locked file, a full disk, a missing folder) are not bugs: the
user gets a calm message and can retry. Anything else is a bug and is logged with
its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable


class WorkAidError(Exception):
    """Base for errors that carry a message meant for a person."""


class EnvironmentProblem(WorkAidError):
    """Something outside the program is wrong; retrying later may work."""


class ContentError(WorkAidError):
    """A card or content folder is invalid; the message lists every problem."""

    def __init__(self, problems: Iterable[object]) -> None:
        self.problems: list[object] = list(problems)  # content.cards.Problem items
        super().__init__("\n".join(str(p) for p in self.problems))


class SchemaTooNew(EnvironmentProblem):
    """The database was written by a newer WorkAid; we refuse rather than corrupt it."""


class ConfigError(WorkAidError):
    """The deployed configuration is wrong; the message names the file and the setting."""


def first_line(e: BaseException) -> str:
    """The first line of an error's message (its type when it has none): for sentences
    that quote a cause inside a longer status line."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def is_expected(e: BaseException) -> bool:
    """Whether a person can act on this error (our own kinds, or the OS refusing a file or
    a share); everything else is a bug and goes to the log with its traceback."""
    return isinstance(e, (WorkAidError, OSError))


def for_person(e: BaseException) -> str:
    """The sentence a rep or owner reads for a failed piece of work: ours say what to do,
    the OS's get the advice we would give, and a bug says where its details went."""
    if isinstance(e, WorkAidError):
        return str(e).strip() or type(e).__name__
    if isinstance(e, OSError):
        return f"{e.strerror or e}. Check the folder and the disk, then try again."
    return "WorkAid hit an unexpected problem; the details are in the log file."
