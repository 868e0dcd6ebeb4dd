"""The content owners' side: writing cards without YAML, versions, diffs and restores,
review dates, drafts and publishing from the workbench.

Authoring stands on the other wings (it reads cards through content, words limits as
the desk does, publishes through distribution); none of them imports it.
"""
