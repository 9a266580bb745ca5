"""What makes two records the same thing: keys, canonical URLs, normalised titles.

A key is `arxiv:<id without version>`, `doi:<lower-case doi>`, `openreview:<forum id>`
or `url:<canonical url>`, in that order of preference. Every form a user or a
source may give (`arXiv:2011.15126v2`, an abs/pdf/html URL, a doi.org link, an
OpenReview pdf link) is recognised by `identify`.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

KEY_PREFERENCE = ("arxiv", "doi", "openreview", "url")

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"^(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_PREFIXED = re.compile(rf"^arxiv:\s*(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_PATH = re.compile(
    rf"^/(?:abs|pdf|html|format|ps|src)/(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
# The common case, matched without taking the URL apart.
_ARXIV_PLAIN_URL = re.compile(
    rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?(?:\.pdf)?$"
)
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org", "xxx.lanl.gov"}
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?$", re.IGNORECASE)
# SICI-style DOIs hold < and > (10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0).
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"]+)", re.IGNORECASE)
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_OPENREVIEW_HOSTS = {"openreview.net", "www.openreview.net"}
_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{6,}$")

# Query parameters that say how a reader arrived, not what they read.
_TRACKING = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "ref_url",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "spm",
    "cmpid",
    "sr_share",
}
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
# Medium appends ?source=<where the click came from> to every link it renders.
_TRACKING_BY_HOST = {"medium.com": {"source"}}


def arxiv_id(text: str) -> str | None:
    """The versionless arXiv id in an id, an `arXiv:` reference, a URL or an arXiv DOI."""
    text = text.strip()
    if text[:4].lower() == "doi:":
        text = text[4:].strip()
    for pattern in (_ARXIV_ID, _ARXIV_PREFIXED, _ARXIV_DOI, _ARXIV_PLAIN_URL):
        match = pattern.match(text)
        if match:
            return _clean_arxiv(match.group("id"))
    if "://" in text or text.startswith(("arxiv.org/", "www.arxiv.org/")):
        parts = urlsplit(text if "://" in text else "https://" + text)
        if (parts.hostname or "") in _ARXIV_HOSTS:
            match = _ARXIV_PATH.match(parts.path)
            if match:
                return _clean_arxiv(match.group("id"))
        doi = doi_from_url(text)
        if doi:
            match = _ARXIV_DOI.match(doi)
            if match:
                return _clean_arxiv(match.group("id"))
    return None


def _clean_arxiv(found: str) -> str:
    if "/" in found:
        archive, number = found.split("/")
        # math.GT/0309136 and math/0309136 are one paper: the subject class is not part of the id.
        return f"{archive.split('.')[0].lower()}/{number}"
    return found


def doi(text: str) -> str | None:
    """The lower-case DOI in a bare DOI, a `doi:` reference or a doi.org link."""
    text = text.strip()
    if text.lower().startswith("doi:"):
        text = text[4:].strip()
    if "://" in text:
        return doi_from_url(text)
    match = _DOI.match(text)
    return _clean_doi(match.group(1)) if match else None


def doi_from_url(url: str) -> str | None:
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in _DOI_HOSTS:
        return None
    match = _DOI.match(unquote(parts.path.lstrip("/")))
    return _clean_doi(match.group(1)) if match else None


_DOI_PATH = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/|book/)?(10\.\d{4,9}/[^\s\"?#]+)", re.IGNORECASE)


def doi_in_path(url: str) -> str | None:
    """The DOI a publisher's article URL names in its path (`aip.scitation.org/doi/10.1063/…`,
    `dl.acm.org/doi/10.1145/…`): the same paper as the DOI's other records. Not a key of its
    own: the URL stays the page, the DOI is one more identity of it."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    match = _DOI_PATH.search(path)
    return _clean_doi(match.group(1)) if match else None


def _clean_doi(found: str) -> str:
    return found.rstrip(".,;)]").lower()


def openreview_id(text: str) -> str | None:
    """The forum id in an `openreview:` reference or an openreview.net forum/pdf URL."""
    text = text.strip()
    if text.lower().startswith("openreview:"):
        named = text.split(":", 1)[1].strip()
        return named if _OPENREVIEW_ID.match(named) else None
    if "://" not in text:
        return None
    parts = urlsplit(text)
    if (parts.hostname or "").lower() not in _OPENREVIEW_HOSTS:
        return None
    if parts.path.rstrip("/") not in ("/forum", "/pdf", "/attachment"):
        return None
    query = dict(parse_qsl(parts.query))
    candidate = query.get("id") or query.get("noteId")
    return candidate if candidate and _OPENREVIEW_ID.match(candidate) else None


def canonical_url(url: str) -> str | None:
    """The URL with case, default ports, trailing slash, fragment and tracking removed.

    Returns None for anything that is not an absolute http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in ("http", "https") or not host:
        return None
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    drop = _TRACKING | next(
        (names for suffix, names in _TRACKING_BY_HOST.items() if _host_is(host, suffix)), set()
    )
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in drop and not name.lower().startswith(_TRACKING_PREFIXES)
    ]
    # http and https copies of a page are the same page to a reader.
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def clean_url(url: str) -> str:
    """The URL as it should be stored and published: without fragment or tracking
    parameters, host in lower case; scheme and path as the source gave them."""
    url = url.strip()
    if "?" not in url and "#" not in url and url.startswith(("https://", "http://")):
        host = url.split("/", 3)[2]
        if host.islower() and ":" not in host:
            return url
    try:
        parts = urlsplit(url.strip())
        canonical = canonical_url(url)
    except ValueError:
        return url.strip()
    if canonical is None:
        return url.strip()
    query = urlsplit(canonical).query
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def _host_is(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def identify(text: str) -> str | None:
    """The key for any form of reference: an id, a `prefix:` key, a URL or a DOI."""
    try:
        return _identify(text.strip())
    except ValueError:  # urllib's verdict on a malformed URL (bad IPv6 host, port)
        return None


def _identify(text: str) -> str | None:
    if not text:
        return None
    if text.startswith("url:"):
        url = canonical_url(text[4:])
        return f"url:{url}" if url else None
    found = arxiv_id(text)
    if found:
        return f"arxiv:{found}"
    found = openreview_id(text)
    if found:
        return f"openreview:{found}"
    found = doi(text)
    if found:
        return f"doi:{found}"
    url = canonical_url(text)
    return f"url:{url}" if url else None


def identifiers(references: list[str]) -> list[str]:
    """Every key the references name, without repeats, in the order given."""
    keys: list[str] = []
    for reference in references:
        key = identify(reference)
        if key and key not in keys:
            keys.append(key)
    return keys


def best_key(keys: list[str]) -> str:
    """The preferred key among several for one item (arXiv id first, URL last)."""
    return min(keys, key=lambda k: KEY_PREFERENCE.index(k.split(":", 1)[0]))


def key_family(key: str) -> str:
    return key.split(":", 1)[0]


_LATEX_FORMATTING = re.compile(
    r"\\(?:emph|textit|textbf|texttt|textsc|textrm|text|mathrm|mathbf|mathit|mathcal|mathbb|"
    r"mathsf|mathtt|boldsymbol|bm|it|bf|rm|tt|sc|em|left|right)(?![a-zA-Z])"
)
_LATEX_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NOT_WORD = re.compile(r"[^\w]+")


def normalise_title(title: str) -> str:
    """A form of a title that survives the ways two sources print the same one:
    case, accents, LaTeX markup, punctuation and line breaks."""
    text = title
    if "\\" in text:
        text = _LATEX_FORMATTING.sub(" ", text)
        text = _LATEX_COMMAND.sub(r" \1 ", text)  # keep the word: "$\alpha$-Nets" matches "alpha-Nets"
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_WORD.sub(" ", text.casefold()).replace("_", " ")
    return " ".join(text.split())


def title_is_distinctive(normalised: str) -> bool:
    """Short generic titles ("Introduction", "Editorial") must not merge unrelated items."""
    return len(normalised) >= 20 and normalised.count(" ") >= 2


def host(url: str) -> str:
    """The host name of a URL, lower-case, without port; "" when there is none to be had."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
