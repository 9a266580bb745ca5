"""Collecting: sources run with their cursors (`collect`), files imported (`import`), pasted links (`add`)."""
