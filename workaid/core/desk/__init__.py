"""The escalation desk, what a rep uses during a call: the authority check, the
escalation checklist and where it leads, scripts and their say-texts, the hand-off
note, the call timer and call session, the abusive-caller protocol, and the rep's
own escalation log.
"""
