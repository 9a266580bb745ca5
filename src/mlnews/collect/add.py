"""`mlnews add`: whatever a curator pastes becomes an item with its metadata.

* An arXiv id or any arXiv URL: the arXiv API's record.
* A DOI (bare, `doi:` or a doi.org link): the publisher's landing page, reached through
  the DOI resolver, read for its metadata; the DOI is its key.
* Any other http(s) URL: the page's metadata (citation_*, Dublin Core, OpenGraph,
  Twitter cards, JSON-LD, <title>) and main text; its canonical URL names it. An
  OpenReview forum or a journal page is a paper, a blog post an article. A PDF is a paper
  named by its URL, titled from its own metadata or its first page; its abstract and the
  text of its first pages are read from it (`enrich.pdf_text`), so it can be summarised.
"""

from __future__ import annotations

from typing import Any

from mlnews import identity
from mlnews.enrich.metadata import PageMeta, looks_like_pdf, page_meta
from mlnews.errors import MlnewsError
from mlnews.fetch import Fetcher, Response, polite_interval
from mlnews.items import Item
from mlnews.settings import NetworkSettings
from mlnews.sources.base import parse

HTML = "text/html, application/xhtml+xml;q=0.9, application/pdf;q=0.8, */*;q=0.5"


class AddError(MlnewsError):
    pass


def resolve(reference: str, fetcher: Fetcher, network: NetworkSettings) -> Item:
    """The item a pasted reference names, fetched and read."""
    reference = reference.strip()
    key = identity.identify(reference)
    if key and key.startswith("arxiv:"):
        return _arxiv(key.removeprefix("arxiv:"), fetcher, network)
    if key and key.startswith("doi:"):
        doi = key.removeprefix("doi:")
        item = _web(network.doi_resolver_url + doi, fetcher, reference)
        return _with_identity(item, f"doi:{doi}")
    if not reference.startswith(("http://", "https://")):
        raise AddError(f"{reference}: not an arXiv id, a DOI or an http(s) URL")
    item = _web(reference, fetcher, reference)
    if key and key.startswith("openreview:"):
        item = _with_identity(item, key, kind="paper")
    return item


def _arxiv(arxiv_id: str, fetcher: Fetcher, network: NetworkSettings) -> Item:
    response = fetcher.get(
        network.arxiv_api_url,
        params={"id_list": arxiv_id, "max_results": 1},
        interval=polite_interval(network.arxiv_api_url, network),
    )
    items, _ = parse("arxiv-atom", response.content)
    wanted = f"arxiv:{arxiv_id}"
    found = [item for item in items if wanted in identity.identifiers([*item.identifiers, *item.urls])]
    if not found:
        raise AddError(f"arXiv:{arxiv_id}: arXiv has no such paper")
    return found[0]


def _web(url: str, fetcher: Fetcher, reference: str) -> Item:
    response = fetcher.get(url, accept=HTML)
    if looks_like_pdf(response.content) or response.content_type == "application/pdf":
        return _pdf_item(response)
    if response.content_type and "html" not in response.content_type and "xml" not in response.content_type:
        raise AddError(f"{reference}: {response.content_type} is neither a web page nor a PDF")
    meta = page_meta(response.content, response.url)
    return _page_item(meta, response)


def _page_item(meta: PageMeta, response: Response) -> Item:
    # A page may name another site's page as its canonical one; that is not for it to decide.
    address = meta.canonical if meta.canonical and _same_site(meta.canonical, response.url) else response.url
    references = [address, response.url]
    if meta.doi:
        references.append(f"doi:{meta.doi}")
    if meta.arxiv_id:
        references.append(f"arxiv:{meta.arxiv_id}")
    keys = identity.identifiers(references)
    title = meta.title or address
    return Item(
        title=title,
        kind="paper" if meta.kind == "paper" or meta.doi or meta.arxiv_id else "article",
        key=identity.best_key(keys) if keys else None,
        authors=list(meta.authors),
        site=meta.site_name or identity.host(address),
        urls=list(dict.fromkeys(u for u in (address, response.url, meta.pdf_url) if u)),
        identifiers=keys,
        published=meta.published,
        abstract=meta.description,
        body=meta.text,
        categories=list(meta.keywords),
        raw={"web": _raw(meta)},
    )


def _pdf_item(response: Response) -> Item:
    from mlnews.enrich.pdf_text import read_pdf  # PyMuPDF loads only when a PDF is added

    text = read_pdf(response.content)
    if text.problem:
        raise AddError(f"{response.url}: cannot read it: {text.problem}")
    keys = identity.identifiers([response.url])
    return Item(
        title=text.title or response.url.rsplit("/", 1)[-1],
        kind="paper",
        key=identity.best_key(keys) if keys else None,
        authors=list(text.authors),
        site=identity.host(response.url),
        urls=[response.url],
        identifiers=keys,
        abstract=text.abstract,
        body=text.body,
        raw={"web": {"pdf_url": response.url}},
    )


def _with_identity(item: Item, key: str, kind: str | None = None) -> Item:
    item.identifiers = list(dict.fromkeys([key, *item.identifiers]))
    item.key = identity.best_key(item.identifiers)
    if kind:
        item.kind = kind
    return item


def _raw(meta: PageMeta) -> dict[str, Any]:
    """What `figures` needs later (the page's image, the PDF), kept with the item."""
    names = ("url", "canonical", "image", "pdf_url", "site_name")
    return {name: getattr(meta, name) for name in names if getattr(meta, name)}


def _same_site(one: str, other: str) -> bool:
    def site(url: str) -> str:
        return identity.host(url).removeprefix("www.")

    return site(one) == site(other)
