"""The default section of a shortlisted item, when the curator named none.

Scholarly work goes to papers; company, product and press pages to use cases; blog posts
and tutorials to technical articles; the rest to other topics. A workspace with its own
sections (other ids) falls back to each section's `kinds`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from mlnews import identity
from mlnews.items import Item
from mlnews.settings import Config

SCHOLARLY = ("arxiv:", "doi:", "openreview:")
PRESS_HOSTS = ("prnewswire.com", "businesswire.com", "globenewswire.com", "accesswire.com", "newswire.ca")
BLOG_HOSTS = (
    "medium.com", "towardsdatascience.com", "substack.com", "github.io", "distill.pub",
    "thegradient.pub", "paperswithcode.com", "huggingface.co", "wordpress.com", "blogspot.com",
)  # fmt: skip
_PRESS_PATH = re.compile(
    r"/(press|press-releases?|news-releases?|newsroom|announcements?|products?|customers?|"
    r"case-stud(y|ies)|solutions|success-stories)(/|$|-)"
)
_PRESS_TITLE = re.compile(r"\b(unveils|launches|announces|introduces|rolls out|partners with)\b", re.I)
_BLOG_PATH = re.compile(r"/(blog|posts?|tutorials?|guides?|learn|articles?|notebooks?)(/|$)|how-to|tutorial")


def role(item: Item) -> str:
    """One of the default section ids: papers, use-cases, articles, other."""
    keys = [item.key or "", *item.identifiers]
    if item.kind == "paper" or any(k.startswith(SCHOLARLY) for k in keys):
        return "papers"
    host, path = _host_and_path(item.url or "")
    if _matches(host, PRESS_HOSTS) or _PRESS_PATH.search(path) or _PRESS_TITLE.search(item.title):
        return "use-cases"
    blog_host = _matches(host, BLOG_HOSTS) or any(
        "blog" in part for part in host.split(".")
    )  # ai.googleblog.com
    if item.kind == "article" and (blog_host or _BLOG_PATH.search(path)):
        return "articles"
    return "other"


def section_for(item: Item, config: Config) -> str:
    if item.section and any(s.id == item.section for s in config.sections):
        return item.section
    wanted = role(item)
    if any(s.id == wanted for s in config.sections):
        return wanted
    return config.section_for_kind(item.kind).id


def _host_and_path(url: str) -> tuple[str, str]:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return "", ""
    return identity.host(url), path


def _matches(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)
