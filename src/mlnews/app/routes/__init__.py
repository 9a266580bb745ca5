"""The app's routes, by concern, each a named handler at module level that reaches the app's
state through `state.of(request)`: pages, triage, the issue, jobs, media and the preview."""
