"""File formats: the bytes of one file or response turned into items (Atom, OAI-PMH, BibTeX, ...)."""
