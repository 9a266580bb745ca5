"""The curator's workflow rules, one place for every front end: a triage decision and its undo,
what happens when items arrive, what may be published, and the curator's `[rules]` changed. Every
command and the app call these (`shortlist`, `reject`, `add --week`, `undo`, `rules`, the app's
keys; `publish`, `email`, `send`), so that a rule cannot differ between them.
"""
