"""Collecting: each source's new items, fetched politely and committed with its cursor."""
