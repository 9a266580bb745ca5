"""A parsed page as the metadata readers see it, and what each of them reports."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from lxml import etree

from mlnews.enrich.values import first_url


@dataclass(frozen=True)
class Page:
    root: etree._Element
    tags: dict[str, list[str]]  # lower-case meta name or property -> contents in page order
    canonical: str
    base: str  # what relative URLs are resolved against

    @classmethod
    def read(cls, root: etree._Element, url: str) -> Page:
        tags = _meta_tags(root)
        canonical = _canonical(root, tags, url)
        return cls(root, tags, canonical, canonical or url)

    def values(self, *names: str) -> list[str]:
        return [value for name in names for value in self.tags.get(name, [])]


def _meta_tags(root: etree._Element) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        # OpenGraph belongs in property= but half the web writes name=: read both.
        keys = {(meta.get(attribute) or "").strip().lower() for attribute in ("name", "property")}
        for key in keys - {""}:
            tags.setdefault(key, []).append(content)
    return tags


def _canonical(root: etree._Element, tags: dict[str, list[str]], url: str) -> str:
    links = [link.get("href") or "" for link in root.iter("link") if "canonical" in rel(link)]
    return first_url([*links, *tags.get("og:url", [])], url)


def text_of(element: etree._Element) -> str:
    # What lxml.html's text_content() gives, spelled so its types are known.
    return "".join(text for text in element.itertext() if isinstance(text, str))


def rel(element: etree._Element) -> list[str]:
    return (element.get("rel") or "").lower().split()


@dataclass(frozen=True)
class Fields:
    """What one source says; the first non-empty value per field wins (`merge`)."""

    title: str = ""
    authors: tuple[str, ...] = ()
    description: str = ""
    published: str | None = None
    site_name: str = ""
    image: str = ""
    doi: str | None = None
    arxiv_id: str | None = None
    pdf_url: str = ""
    keywords: tuple[str, ...] = ()
    scholarly: bool = False  # the source is a scholarly vocabulary describing a paper


def merge(found: list[Fields]) -> Fields:
    """Per field, the value of the first source that gives one."""
    merged: dict[str, Any] = {}
    for field in fields(Fields):
        given = [getattr(source, field.name) for source in found]
        merged[field.name] = next((value for value in given if value), given[0])
    return Fields(**merged)
