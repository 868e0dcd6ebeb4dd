"""The PySide6 user interface: thin widgets over workaid.core (no logic lives here)."""
