"""`search.json`: every entry of a language's weekly issues, for the site's search box.

Each entry is `{url, headline, title, text, section, issue}`, in plain text; the theme's
`search.js` fetches the file once and ranks matches in the browser, so the site needs no server.
"""

from __future__ import annotations

import orjson

from mlnews.render.pages import Digest


def search_index(weeks: list[Digest]) -> str:
    entries = [{**entry, "issue": digest.title} for digest in weeks for entry in digest.entries]
    return orjson.dumps(entries).decode()
