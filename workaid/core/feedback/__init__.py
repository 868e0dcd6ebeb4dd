"""The feedback loop: flags and daily signals from desks to the share's outbox, and the owner's report."""
