"""OPML subscription lists: the feeds a reader follows, to collect from.

An OPML file holds no items: every outline with an http(s) `xmlUrl` becomes a
`Subscription`, wherever it sits in the folder tree.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from mlnews.formats.base import Format, Parsed, ParseError, Problem, Subscription
from mlnews.formats.xml import local, parse_xml, root_name
from mlnews.identity import canonical_url
from mlnews.text import html_to_text, squash


class Opml(Format):
    name = "opml"
    sniff_order = 50
    description = "OPML subscription list (feeds to collect from)"

    def sniff(self, head: bytes) -> bool:
        return root_name(head) == "opml"

    def parse(self, data: bytes) -> Iterator[Parsed]:
        root = parse_xml(data)
        if local(root.tag) != "opml":
            raise ParseError(f"not OPML: the document is <{local(root.tag)}>, not <opml>")
        seen: set[str] = set()
        for outline in root.iter():
            if local(outline.tag) != "outline":
                continue
            url = _attribute(outline, "xmlUrl")
            if not url:
                continue
            # Titles are plain text in the spec, but some writers put HTML in them.
            title = html_to_text(_attribute(outline, "title")) or html_to_text(_attribute(outline, "text"))
            if canonical_url(url) is None:
                # A javascript: or file: "feed" cannot be collected, and must not reach the config.
                yield Problem(
                    f"outline {title or url!r}: xmlUrl {url!r} is not an http(s) URL: skipped",
                    line=_line(outline),
                )
                continue
            if url in seen:
                yield Problem(f"{url} is listed again: kept once", line=_line(outline))
                continue
            seen.add(url)
            yield Subscription(url=url, title=title, site_url=_attribute(outline, "htmlUrl"))


def _attribute(element: etree._Element, name: str) -> str:
    """An attribute's value, its name matched without regard to case.

    OPML writers disagree on `xmlUrl`/`xmlurl`/`XMLURL`; the spec's spelling wins
    when several are present.
    """
    value: object = element.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in element.attrib.items() if str(k).lower() == wanted), None)
    return squash(value) if isinstance(value, str) else ""


def _line(element: etree._Element) -> int | None:
    line: object = element.sourceline
    return line if isinstance(line, int) else None
