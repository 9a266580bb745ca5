"""Issues: the source files curators edit (`issues/2020-W49.md`), composing and checking them."""
