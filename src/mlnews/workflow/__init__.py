"""The curator's workflow rules, one place for every front end: a triage decision and its undo,
what happens when items arrive, and what may be published. Every command and the app call these
(`shortlist`, `reject`, `add --week`, `undo`, the app's keys; `publish`, `email`, `send`), so that
a rule cannot differ between them.
"""
