"""The curator's workflow rules, one place for every front end: a triage decision and its undo,
what happens when items arrive, and what may be published. The CLI and the app both call these,
so that a rule cannot differ between them.
"""
