"""The feedback loop in the window: the rep's flags and signals (service, flag_dialog)."""
