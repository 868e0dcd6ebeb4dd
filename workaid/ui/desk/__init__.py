"""The escalation desk: call timer, authority check, checklist, scripts, contacts,
hand-off note, abusive-caller protocol and escalation log, on top of the main window.

Nothing here is imported before the main window's first paint: MainWindow builds
the desk (``install``) once the first results are on screen, and the desk builds
each panel the first time a card needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workaid.ui.desk.desk import Desk
    from workaid.ui.desk.host import DeskHost


def install(window: DeskHost) -> Desk:
    """Build the desk into `window` (the main window, seen as a DeskHost) and return it."""
    from workaid.ui.desk.desk import Desk

    return Desk(window)
