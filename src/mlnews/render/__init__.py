"""Rendering: every view of an issue for readers (Markdown, HTML pages, e-mail content, thread)."""
