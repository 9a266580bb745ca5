"""The XSS corpus written into every input format mlnews reads, as a hostile source would:
each payload the text of a title, an author, an abstract, a page's metadata.

Each route gets its own share of the payloads, one item per payload (a payload that breaks its
record breaks only that one); the curator's route (edits in the app) gets them all.
"""

from __future__ import annotations

import json
from html import escape

from .harness import Payload

DAY = "2020-12-01T09:00:00Z"  # in 2020-W49, the week the issue is composed for


def x(text: str) -> str:
    """XML character data whose parsed value is `text` exactly."""
    return escape(text, quote=True)


def url(route: str, payload: Payload) -> str:
    return f"https://{route}.example.org/{payload.id}"


def abstract(payload: Payload) -> str:
    return f"We study hostile inputs. {payload.text} We report what the reader sees."


def mlnews_jsonl(share: list[Payload]) -> bytes:
    lines = [
        json.dumps(
            {
                "format": "mlnews-item/1",
                "title": f"JSONL case: {p.text}",
                "kind": "article",
                "key": f"url:{url('jsonl', p)}",
                "urls": [url("jsonl", p)],
                "authors": [f"Eve {p.text}"],
                "site": "jsonl.example.org",
                "published": DAY,
                "abstract": abstract(p),
                "tags": [p.text],
            },
            ensure_ascii=False,
            separators=(",", ":"),  # as `mlnews export` writes it, which is how the format is told
        )
        for p in share
    ]
    return ("\n".join(lines) + "\n").encode()


def arxiv_id(route: int, n: int) -> str:
    return f"2012.{90000 + route * 1000 + n:05d}"


def arxiv_snapshot(share: list[Payload]) -> bytes:
    lines = []
    for n, p in enumerate(share):
        lines.append(
            json.dumps(
                {
                    "id": arxiv_id(1, n),
                    "submitter": f"Eve {p.text}",
                    "authors": f"Eve {p.text}",
                    "title": f"Snapshot case: {p.text}",
                    "comments": None,
                    "journal-ref": None,
                    "doi": None,
                    "categories": "cs.LG",
                    "license": None,
                    "abstract": abstract(p),
                    "versions": [{"version": "v1", "created": "Tue, 1 Dec 2020 09:00:00 GMT"}],
                    "update_date": "2020-12-01",
                    "authors_parsed": [["Mallory", f"Eve {p.text}", ""]],
                },
                ensure_ascii=False,
            )
        )
    return ("\n".join(lines) + "\n").encode()


def arxiv_atom(share: list[Payload]) -> bytes:
    entries = []
    for n, p in enumerate(share):
        ident = arxiv_id(2, n)
        entries.append(f"""<entry>
<id>http://arxiv.org/abs/{ident}v1</id>
<title>{x("Atom case: " + p.text)}</title>
<updated>{DAY}</updated>
<link href="https://arxiv.org/abs/{ident}v1" rel="alternate" type="text/html"/>
<summary>{x(abstract(p))}</summary>
<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
<published>{DAY}</published>
<arxiv:primary_category term="cs.LG"/>
<author><name>{x("Eve " + p.text)}</name></author>
</entry>""")
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" \
xmlns="http://www.w3.org/2005/Atom">
<id>https://arxiv.org/api/query?id_list=hostile</id>
<title>arXiv Query: hostile</title>
<updated>{DAY}</updated>
<opensearch:totalResults>{len(share)}</opensearch:totalResults>
<opensearch:startIndex>0</opensearch:startIndex>
<opensearch:itemsPerPage>100</opensearch:itemsPerPage>
{"".join(entries)}
</feed>
""".encode()


def rss(share: list[Payload], route: str = "rss") -> bytes:
    """An RSS 2.0 feed whose titles are text and whose descriptions are HTML, as RSS has it."""
    items = "".join(
        f"""<item><title>{x("RSS case: " + p.text)}</title><link>{url(route, p)}</link>
<guid>{url(route, p)}</guid><author>{x("eve@example.org (Eve " + p.text + ")")}</author>
<pubDate>Tue, 01 Dec 2020 09:00:00 +0000</pubDate>
<description>{x(abstract(p))}</description></item>
"""
        for p in share
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{x("Hostile feed " + route)}</title>
<link>https://{route}.example.org/</link><description>Payloads.</description>
{items}</channel></rss>
""".encode()


def atom_feed(share: list[Payload]) -> bytes:
    """A blog's Atom feed: type="html" titles and content, a CDATA section for the summary."""
    entries = "".join(
        f"""<entry><id>{url("atom", p)}</id><title type="html">{x("Atom blog case: " + p.text)}</title>
<link rel="alternate" href="{url("atom", p)}"/><updated>{DAY}</updated><published>{DAY}</published>
<author><name>{x("Eve " + p.text)}</name></author>
<summary type="html"><![CDATA[{abstract(p).replace("]]>", "]]]]><![CDATA[>")}]]></summary>
<content type="html">{x("<p>" + abstract(p) + "</p>")}</content></entry>
"""
        for p in share
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile Atom blog</title><id>https://atom.example.org/</id>
<link rel="alternate" href="https://atom.example.org/"/><updated>{DAY}</updated>
{entries}</feed>
""".encode()


def json_feed(share: list[Payload]) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Hostile JSON Feed",
            "home_page_url": "https://jsonfeed.example.org/",
            "items": [
                {
                    "id": url("jsonfeed", p),
                    "url": url("jsonfeed", p),
                    "title": f"JSON Feed case: {p.text}",
                    "content_html": f"<p>{abstract(p)}</p>",
                    "summary": abstract(p),
                    "authors": [{"name": f"Eve {p.text}"}],
                    "tags": [p.text],
                    "date_published": DAY,
                }
                for p in share
            ],
        },
        ensure_ascii=False,
    ).encode()


_LATEX = {c: "\\" + c for c in "{}%#&$_"} | {"\\": "\\textbackslash{}", "~": "\\~{}", "^": "\\^{}"}


def latex(text: str) -> str:
    """BibTeX field text that decodes (pylatexenc) back to `text`."""
    return "".join(_LATEX.get(c, c) for c in text)


def bibtex(share: list[Payload]) -> bytes:
    entries = "".join(
        f"""@article{{hostile{p.id},
  title = {{{latex("BibTeX case: " + p.text)}}},
  author = {{Mallory, {latex("Eve " + p.text)}}},
  journal = {{Journal of Hostile Inputs}},
  year = {{2020}},
  month = dec,
  url = {{{url("bibtex", p)}}},
  abstract = {{{latex(abstract(p))}}}
}}

"""
        for p in share
    )
    return entries.encode()


def openreview_tsv(share: list[Payload]) -> bytes:
    rows = ["paper_id\ttitle\tlink\tkeywords\tabstract"]
    for p in share:
        text = p.text.replace("\t", " ")
        rows.append(
            f"hostile{p.id}\tOpenReview case: {text}\thttps://openreview.net/forum?id=hostile{p.id}"
            f"\t{text}\t{abstract(p).replace(chr(9), ' ')}"
        )
    return ("\n".join(rows) + "\n").encode()


def issue_source(share: list[Payload]) -> bytes:
    """A past issue (mlnews's own issue source) whose curator wrote the payloads."""
    entries = "".join(
        f"""### Issue case: {p.text}
key: url:{url("issue", p)}
kind: article
title: Issue file case: {p.text}
link: {url("issue", p)}
authors: Eve {p.text}
site: issue.example.org
post: {p.text}

{abstract(p)}

"""
        for p in share
    )
    front = '+++\nweek = "2020-W48"\nlang = "en"\n+++\n\nAn issue of hostile texts.\n\n'
    return f"{front}## articles\n\n{entries}".encode()


def page(p: Payload, address: str) -> str:
    """A web page whose metadata and text carry a payload, for `mlnews add`."""
    return f"""<!doctype html><html><head>
<title>{x("Page case: " + p.text)}</title>
<link rel="canonical" href="{address}/add/{p.id}">
<meta property="og:title" content="{x("Page case: " + p.text)}">
<meta property="og:site_name" content="{x("Hostile site " + p.text)}">
<meta property="og:description" content="{x(abstract(p))}">
<meta name="author" content="{x("Eve " + p.text)}">
<meta property="article:published_time" content="{DAY}">
</head><body><article><h1>{x("Page case: " + p.text)}</h1>
<p>{p.text}</p>
<p>{"Hostile pages say things in their bodies too, and the extractor reads them all. " * 6}</p>
</article></body></html>"""


def opml(address: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Hostile subscriptions</title></head><body>
<outline type="rss" text="hostile" title="hostile" description="&lt;script&gt;__xss('OPML')&lt;/script&gt;"
 xmlUrl="{address}/collect.xml" htmlUrl="{address}/"/>
</body></opml>
""".encode()


# route name -> (file name, writer): the file formats `mlnews import` reads
FILES = {
    "mlnews-jsonl": ("hostile.jsonl", mlnews_jsonl),
    "arxiv-snapshot": ("hostile-snapshot.jsonl", arxiv_snapshot),
    "arxiv-atom": ("hostile-arxiv.atom", arxiv_atom),
    "rss": ("hostile.rss", rss),
    "atom": ("hostile-blog.atom", atom_feed),
    "json-feed": ("hostile.json", json_feed),
    "bibtex": ("hostile.bib", bibtex),
    "openreview-tsv": ("hostile.tsv", openreview_tsv),
    "issue": ("2020-W48.md", issue_source),
}
# and the routes through the network and the app
ROUTES = [*FILES, "add (web page)", "collect (OPML feed)"]
APP = "app edits"
