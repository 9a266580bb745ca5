"""Enriching items: what a web page says about itself, its main text, and figures (PDF, og:image)."""
