"""Layout constants shared by the main window and the desk, so neither imports the other."""

from __future__ import annotations

# Below this window width the card goes under the results and the desk bar turns compact.
NARROW_WIDTH = 760
