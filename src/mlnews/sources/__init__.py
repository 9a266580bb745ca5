"""Live source types: what a `[sources.NAME]` table names (arXiv API, OAI-PMH, feeds, plugins)."""
