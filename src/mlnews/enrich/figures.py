"""Giving shortlisted items their figure: fetched within limits, made web-sized, kept in media/.

Papers: the PDF (arXiv's, the landing page's `citation_pdf_url`, or a `.pdf` link) and
its Figure 1, else its largest image, else the top of its first page. Articles: the
page's `og:image` (the page is read for it when the item came from a feed), accepted only
if the server says it is an image and its bytes are one.
Only shortlisted items get one: fetching every candidate's PDF is what makes a run take
hours. For the same reason a host that failed for good (its retries spent, or no name
lookup) is given up for the rest of the run (`DownHosts`): offline, each further item on
it would spend the whole retry schedule again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mlnews import files
from mlnews.enrich.images import sniff_image_type, web_image
from mlnews.enrich.metadata import looks_like_pdf, page_meta
from mlnews.enrich.pdf import extract_figure
from mlnews.enrich.pdf_text import read_pdf
from mlnews.errors import MlnewsError
from mlnews.fetch import Fetcher, FetchError, Response, polite_interval
from mlnews.items import Item
from mlnews.library import Library
from mlnews.settings import NetworkSettings

PDF_LIMIT_MB = 30.0
IMAGE_LIMIT_MB = 10.0


# (items done, items in all, key of the item being fetched, "" once all are done)
Progress = Callable[[int, int, str], None]


@dataclass
class Attached:
    key: str
    path: str | None = None  # relative to the workspace, e.g. media/arxiv-2011.15126.webp
    error: str | None = None
    gave_up: str = ""  # the host this failure gave up for the run
    skipped: str = ""  # the host, given up earlier in the run: nothing was fetched
    body: str = ""  # a paper's first pages, read from the PDF fetched for its figure


@dataclass
class DownHosts:
    """The hosts given up for one run, each with the error that gave it up."""

    errors: dict[str, str] = field(default_factory=dict)


class HostDown(MlnewsError):
    def __init__(self, host: str):
        super().__init__(f"{host} failed earlier in this run; not tried again")
        self.host = host


def attach(
    item: Item,
    fetcher: Fetcher,
    network: NetworkSettings,
    workspace: Path,
    down: DownHosts | None = None,
) -> Attached:
    """Fetch and save the item's figure; the error, if any, is one line naming the URL."""
    key = item.key or ""
    body = ""
    down = down if down is not None else DownHosts()
    known_down = set(down.errors)
    try:
        if item.kind == "paper":
            url = pdf_url(item, network)
            if not url:
                return Attached(key, error="no PDF link known for this paper")
            response = _get(
                fetcher,
                down,
                url,
                accept="application/pdf",
                max_bytes=_bytes(PDF_LIMIT_MB, network),
                interval=polite_interval(url, network),  # arXiv's three seconds hold for its PDFs too
            )
            if not looks_like_pdf(response.content):
                return Attached(key, error=f"{url}: not a PDF ({response.content_type or 'no type'})")
            # The PDF is here anyway: its first pages give the drafter more than the abstract.
            body = "" if item.body else read_pdf(response.content).body
            figure = extract_figure(response.content)
            data, extension = figure.image, figure.format
        else:
            url = _image_url(item, fetcher, down)
            if not url:
                return Attached(key, error=f"{item.url or 'the page'} names no image (og:image)")
            response = _get(fetcher, down, url, accept="image/*", max_bytes=_bytes(IMAGE_LIMIT_MB, network))
            if not response.content_type.startswith("image/") or sniff_image_type(response.content) is None:
                return Attached(key, error=f"{url}: not an image ({response.content_type or 'no type'})")
            data, extension, _, _ = web_image(response.content)
    except HostDown as error:
        return Attached(key, error=str(error), skipped=error.host)
    except MlnewsError as error:
        gave_up = next((h for h in down.errors if h not in known_down), "")
        return Attached(key, error=str(error), gave_up=gave_up)
    relative = f"media/{file_stem(key)}.{extension}"
    (workspace / "media").mkdir(exist_ok=True)
    files.write_bytes(workspace / relative, data)
    return Attached(key, path=relative, body=body)


def _get(
    fetcher: Fetcher,
    down: DownHosts,
    url: str,
    *,
    accept: str,
    max_bytes: int | None = None,
    interval: float = 0.0,
) -> Response:
    """`Fetcher.get`, unless the URL's host was given up; one that fails for good is given up."""
    host = host_of(url)
    if host in down.errors:
        raise HostDown(host)
    try:
        return fetcher.get(url, accept=accept, max_bytes=max_bytes, interval=interval)
    except FetchError as error:
        if host and error.unreachable:
            down.errors[host] = str(error)
        raise


def host_of(url: str) -> str:
    """Host and port: two servers on one machine are two hosts."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2].lower()
    except ValueError:
        return ""


def _image_url(item: Item, fetcher: Fetcher, down: DownHosts) -> str:
    """The og:image the item's page names: kept by `add`, else read from the page now."""
    web = item.raw.get("web", {})
    if isinstance(web, dict) and web.get("image"):
        return str(web["image"])
    if not item.url:
        return ""
    response = _get(fetcher, down, item.url, accept="text/html")
    if "html" not in response.content_type:
        return ""
    return page_meta(response.content, response.url, with_text=False).image


def pdf_url(item: Item, network: NetworkSettings) -> str:
    key = item.key or ""
    if key.startswith("arxiv:"):
        return network.arxiv_pdf_url + key.removeprefix("arxiv:")
    web = item.raw.get("web", {})
    if isinstance(web, dict) and web.get("pdf_url"):
        return str(web["pdf_url"])
    return next((u for u in item.urls if u.lower().split("?")[0].endswith(".pdf")), "")


def file_stem(key: str) -> str:
    """A file name from a key: `arxiv:2011.15126` -> `arxiv-2011.15126`.

    URL keys are cut short and given a hash, so that two pages never share a file.
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-.") or "item"
    if key.startswith("url:"):
        stem = f"{stem[:80].strip('-.')}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"
    return stem


def attach_missing(
    library: Library,
    fetcher: Fetcher,
    network: NetworkSettings,
    workspace: Path,
    keys: list[str] | None = None,
    *,
    down: DownHosts | None = None,
    progress: Progress | None = None,
) -> list[Attached]:
    """Figures for the given items, or for every shortlisted item that has none yet.

    Pass the same `down` to every call of one run, so that a host given up stays given up.
    """
    items = [library.get(key) for key in keys] if keys else library.shortlisted_without_figure()
    down = down if down is not None else DownHosts()
    results = []
    for done, item in enumerate(items):
        if progress:
            progress(done, len(items), item.key or "")
        result = attach(item, fetcher, network, workspace, down)
        if result.path:
            library.set_figure(item.key or "", result.path)
        if result.body:
            library.set_body(item.key or "", result.body)
        results.append(result)
    if progress and items:
        progress(len(items), len(items), "")
    return results


def _bytes(megabytes: float, network: NetworkSettings) -> int:
    return int(min(megabytes, network.max_download_mb) * 1024 * 1024)
