"""Everything WorkAid knows and decides, with no Qt import (a test enforces it)."""
