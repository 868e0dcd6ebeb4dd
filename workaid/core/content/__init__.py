"""Guideline cards as content: the card format and its validation, the local content
database (store), search over it, rendering for the card view, and the library that
opens, fills and rebuilds a desk's content.

Knows nothing of shares or signatures (``distribution``) nor of calls (``desk``).
"""
