"""WorkAid: the right guideline card in two keystrokes, for contact-centre reps."""

__version__ = "0.1.0"
