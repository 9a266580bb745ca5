"""What crawlers read: `sitemap.xml`, every page of the site, and `robots.txt`, which points to it."""

from __future__ import annotations

from collections.abc import Iterable

from mlnews.render import html

SITEMAP = "sitemap.xml"


def sitemap(root: str, outputs: Iterable[str]) -> str:
    """Every page among the site's files (a folder's `index.html`), as a URL under `root`."""
    pages = sorted(p.removesuffix("index.html") for p in outputs if p.endswith("index.html"))
    urls = "".join(f"<url><loc>{html.text(root + p)}</loc></url>\n" for p in pages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def robots(root: str) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {root}{SITEMAP}\n"
