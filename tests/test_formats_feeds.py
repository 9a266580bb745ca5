"""Feeds: RSS/Atom/CDF (through feedparser), JSON Feed and OPML, on real feeds.

The classes are used directly rather than through `formats()`, so these tests
do not depend on the other format modules being present.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlnews.formats.base import Format, ParseError, Problem, Subscription
from mlnews.formats.entries import author_names, shorten
from mlnews.formats.feed import Feed
from mlnews.formats.json_feed import JsonFeed
from mlnews.formats.opml import Opml
from mlnews.items import Item

FEED = Feed()
JSON_FEED = JsonFeed()
OPML = Opml()
OURS: tuple[Format, ...] = (FEED, JSON_FEED, OPML)

# Entries per real feed: every one of them is importable.
REAL_FEED_ITEMS = {
    "489.rss": 10,
    "4fsodonline.atom": 25,
    "DaringFireball.atom": 48,
    "DaringFireball.rss": 47,
    "EMarley.rss": 10,
    "KatieFloyd.rss": 20,
    "OneFootTsunami.atom": 25,
    "aktuality.rss": 30,
    "allthis.atom": 12,
    "bio.rdf": 30,
    "cloudblog.rss": 20,
    "donthitsave.xml": 10,
    "expertopinionent.atom": 43,
    "kc0011.rss": 20,
    "livemint.xml": 25,
    "macworld.rss": 30,
    "manton.rss": 10,
    "monkeydom.rss": 13,
    "natasha.xml": 10,
    "phpxml.rss": 20,
    "rubenerd.rss": 10,
    "russcox.atom": 19,
    "scriptingNews.rss": 50,
    "theomnishow.rss": 4,
}
REAL_JSON_FEED_ITEMS = {"DaringFireball.json": 48, "inessential.json": 20, "allthis.json": 12}

# Markup a source may send inside text; what is stored must have none of it. (A bare '<'
# is fine in a body: "W < 2H" or "the <title> tag" are text, written as &lt; in the HTML.)
MARKUP = re.compile(
    r"</?(?:p|a|div|img|br|span|em|strong|b|i|u|ul|ol|li|iframe|script|style|figure|"
    r"blockquote|table|tr|td|h[1-6]|code|pre|sup|sub)\b[^<>]*>",
    re.IGNORECASE,
)
ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)


def parsed(fmt: Format, data: bytes) -> tuple[list[Item], list[Problem]]:
    found = list(fmt.parse(data))
    items = [x for x in found if isinstance(x, Item)]
    problems = [x for x in found if isinstance(x, Problem)]
    assert len(items) + len(problems) == len(found), found
    return items, problems


def items_of(fmt: Format, data: bytes) -> list[Item]:
    items, problems = parsed(fmt, data)
    # Entries sharing a page are imported all the same (the library makes them one item).
    assert [p for p in problems if "differ only by #fragment" not in p.message] == []
    return items


def rss(items: str, channel_link: str = "https://blog.example.org/") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Example &amp; Co</title><link>{channel_link}</link>\n{items}\n</channel></rss>"
    ).encode()


def real(shared_data: Path, name: str) -> bytes:
    return (shared_data / "feeds" / "real_world" / name).read_bytes()


# --- RSS / Atom through feedparser -------------------------------------------------------


def test_lilianweng_snapshots_old_posts_are_all_in_the_new_feed(shared_data: Path) -> None:
    folder = shared_data / "feeds" / "ml_blogs" / "lilianweng"
    old = items_of(FEED, (folder / "index.2022-02-25-425aa20.xml").read_bytes())
    new = items_of(FEED, (folder / "index.2026-07-06-b52f250.xml").read_bytes())
    assert (len(old), len(new)) == (38, 53)
    old_guids = {item.raw["feed"]["id"] for item in old}
    new_guids = {item.raw["feed"]["id"] for item in new}
    assert old_guids <= new_guids and len(new_guids - old_guids) == 15
    assert {item.urls[0] for item in old} <= {item.urls[0] for item in new}

    first = old[0]
    assert first.title == "Learning with not Enough Data Part 2: Active Learning"
    assert first.urls == ["https://lilianweng.github.io/posts/2022-02-20-active-learning/"]
    assert first.published == "2022-02-20T00:00:00Z"
    assert first.updated is None  # the feed gives pubDate only: feedparser's alias is not a date
    assert (first.site, first.kind) == ("Lil'Log", "article")
    assert first.abstract.startswith("This is part 2 of what to do when facing a limited amount")
    assert new[0].title == "Harness Engineering for Self-Improvement"
    assert new[0].published == "2026-07-04T00:00:00Z"


@pytest.mark.parametrize(("name", "count"), sorted(REAL_FEED_ITEMS.items()))
def test_real_feed_item_counts(shared_data: Path, name: str, count: int) -> None:
    found = items_of(FEED, real(shared_data, name))
    assert len(found) == count
    assert all(item.title and item.urls and item.site for item in found)
    assert all(url.startswith(("http://", "https://")) for item in found for url in item.urls)
    json.dumps([item.to_dict() for item in found])  # raw included: JSON all the way down


def test_no_markup_in_any_stored_text(shared_data: Path) -> None:
    feeds: list[tuple[Format, str]] = [(FEED, name) for name in REAL_FEED_ITEMS]
    feeds += [(JSON_FEED, name) for name in REAL_JSON_FEED_ITEMS]
    checked = 0
    for fmt, name in feeds:
        for item in items_of(fmt, real(shared_data, name)):
            assert "<" not in item.title and "<" not in item.site, (name, item.title)
            for text in (item.title, item.abstract, item.body, item.site, *item.authors):
                assert not MARKUP.search(text), (name, item.title, MARKUP.search(text))
                assert not ENTITY.search(text), (name, item.title, ENTITY.search(text))
            checked += 1
    assert checked == sum(REAL_FEED_ITEMS.values()) + sum(REAL_JSON_FEED_ITEMS.values())


def test_atom_entry_facts(shared_data: Path) -> None:
    tlog = items_of(FEED, real(shared_data, "russcox.atom"))[0]
    assert tlog.title == "Transparent Logs for Skeptical Clients"
    assert tlog.urls == ["http://research.swtch.com/tlog"]  # the tag: id is no link
    assert (tlog.published, tlog.updated) == ("2019-03-01T16:00:00Z", "2019-03-01T16:02:00Z")
    assert tlog.abstract == "How an untrusted server can publish a verifiably append-only log."
    assert tlog.body.startswith("Suppose we want to maintain and publish a public, append-only log")
    assert tlog.authors == ["Russ Cox"]  # inherited from the feed's <author>, as Atom says


def test_untitled_rss_items_are_titled_from_their_summary(shared_data: Path) -> None:
    found = items_of(FEED, real(shared_data, "scriptingNews.rss"))
    untitled = [item for item in found if not item.raw["feed"].get("title")]
    assert len(untitled) == 39
    for item in untitled:
        assert len(item.title) <= 81
        assert item.abstract.startswith(item.title.rstrip("…"))
    assert found[0].title == "Good morning students and teachers! 🍏"


def test_non_utf8_feed_is_decoded(shared_data: Path) -> None:
    first = items_of(FEED, real(shared_data, "kc0011.rss"))[0]  # declared gb2312
    assert first.title == "建国35周年纪念，华表，和平鸽"
    assert first.site == "投资资讯网交易在线--流通纪念币最新20篇论坛主题-全文"
    assert first.authors == ["大鱼儿"]


def test_biorxiv_preprints_are_papers_with_their_dois(shared_data: Path) -> None:
    found = items_of(FEED, real(shared_data, "bio.rdf"))
    assert len(found) == 30 and {item.kind for item in found} == {"paper"}
    for item in found:
        number = re.search(r"/short/(\d+)v\d", item.urls[0])
        assert number, item.urls
        assert item.identifiers == [f"doi:10.1101/{number.group(1)}"]
    first = found[0]
    assert first.title.startswith("Wheat inositol pyrophosphate kinase (TaVIH2-3B) interacts")
    assert first.site == "bioRxiv Subject Collection: Plant Biology"
    assert first.published == "2019-08-27T00:00:00Z"
    # dc:creator names all thirteen authors in one "Last, F., Last, F." string.
    assert first.authors[:3] == ["M. Kaur", "A. Shukla", "S. Kanwar"]
    assert first.authors[-1] == "A. K. Pandey" and len(first.authors) == 13


def test_relative_links_are_made_absolute_against_the_feed_link() -> None:
    found = items_of(
        FEED,
        rss(
            "<item><title>One</title><link>/posts/one/</link></item>"
            "<item><title>Two</title><link>two.html</link></item>"
            "<item><title>Three</title><link>https://elsewhere.example.com/three</link></item>",
            channel_link="https://blog.example.org/notes/",
        ),
    )
    assert [item.urls for item in found] == [
        ["https://blog.example.org/posts/one/"],
        ["https://blog.example.org/notes/two.html"],
        ["https://elsewhere.example.com/three"],
    ]
    assert {item.site for item in found} == {"Example & Co"}


def test_entries_without_title_or_link_are_skipped_with_a_warning() -> None:
    items, problems = parsed(
        FEED,
        rss(
            "<item><description>&lt;p&gt;A post with &lt;b&gt;no&lt;/b&gt; title, only a long"
            " description that goes on well past eighty characters of text.&lt;/p&gt;</description>"
            "<link>https://blog.example.org/a</link></item>"
            "<item><link>https://blog.example.org/b</link></item>"
            '<item><title>Podcast only</title><guid isPermaLink="false">ep-7</guid>'
            '<enclosure url="https://cdn.example.org/ep7.mp3" type="audio/mpeg" length="1"/></item>'
            "<item><title>Permalink guid</title><guid>https://blog.example.org/c</guid></item>"
        ),
    )
    assert [item.title for item in items] == [
        "A post with no title, only a long description that goes on well past eighty…",
        "Permalink guid",
    ]
    assert items[1].urls == ["https://blog.example.org/c"]
    assert [p.message for p in problems] == [
        "skipped entry #2 (no id): it has no title and no summary",
        "skipped entry #3 (ep-7): it has no absolute http(s) link",
    ]


def test_html_is_dropped_and_content_kept_apart_from_summary() -> None:
    item = items_of(
        FEED,
        rss(
            "<item><title>Results &amp;amp; &lt;em&gt;more&lt;/em&gt;</title>"
            "<link>https://blog.example.org/r</link>"
            "<description>&lt;p&gt;Short &lt;script&gt;alert(1)&lt;/script&gt;summary&lt;/p&gt;"
            "</description>"
            '<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            "<![CDATA[<p>The <a href='/x'>full</a> text.</p><p>Second paragraph.</p>]]>"
            "</content:encoded>"
            "<category>ML</category><category>Vision</category>"
            "<author>jane@example.org (Jane Doe)</author></item>"
        ),
    )[0]
    assert item.title == "Results & more"
    assert item.abstract == "Short summary"
    assert item.body == "The full text. Second paragraph."
    assert item.categories == ["ML", "Vision"]
    assert item.authors == ["Jane Doe"]


def test_arxiv_rss_items_are_papers_named_by_their_guid() -> None:
    item = items_of(
        FEED,
        rss(
            "<item><title>Attention Is All You Need</title>"
            "<link>https://arxiv.org/abs/1706.03762</link>"
            "<description>arXiv:1706.03762v7 Announce Type: replace</description>"
            '<guid isPermaLink="false">oai:arXiv.org:1706.03762v7</guid>'
            "<category>cs.CL</category></item>",
            channel_link="http://rss.arxiv.org/rss/cs.CL",
        ),
    )[0]
    assert item.kind == "paper"
    assert item.identifiers == ["arxiv:1706.03762"]
    assert item.urls == ["https://arxiv.org/abs/1706.03762"]


def test_doi_link_makes_an_entry_a_paper() -> None:
    item = items_of(
        FEED, rss("<item><title>A paper</title><link>https://doi.org/10.18653/v1/N19-1423</link></item>")
    )[0]
    assert item.kind == "paper"


def test_ill_formed_feed_imports_what_is_sound_with_a_warning() -> None:
    # An undefined entity halfway: feedparser reads on in its lenient mode.
    data = rss(
        "<item><title>First</title><link>https://blog.example.org/1</link></item>\n"
        "<item><title>Caf&eacute; post</title><link>https://blog.example.org/2</link></item>"
    )
    items, problems = parsed(FEED, data)
    assert [item.urls[0] for item in items] == ["https://blog.example.org/1", "https://blog.example.org/2"]
    assert len(problems) == 1
    assert problems[0].message == "feed is ill-formed (undefined entity); imported what could be read"
    assert problems[0].line == 4


def test_corpus_ill_formed_feed_warns(shared_data: Path) -> None:
    path = "feeds/feedparser_corpus/illformed/rss_item_link_corrupted_ampersands.xml"
    items, problems = parsed(FEED, (shared_data / path).read_bytes())
    assert items == [] and len(problems) == 2  # the warning, then the entry with no title
    assert problems[0].message.startswith("feed is ill-formed (unclosed token)")


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b" \n", "not a feed: the file is empty", None),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "not a feed: ", 1),
        (
            b'<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>',
            "not a feed: no RSS, Atom or CDF channel found",
            None,
        ),
        (
            b'<rss version="2.0">\n<channel><title>T</title>\n<link>https://x.org/</lin',
            "cannot read the feed: ",
            3,
        ),
    ],
)
def test_what_is_not_a_feed_is_a_parse_error(data: bytes, message: str, line: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        list(FEED.parse(data))
    assert caught.value.message.startswith(message)
    assert caught.value.line == line


def test_feedparser_is_never_given_bytes_it_could_take_for_a_file_name(tmp_path: Path) -> None:
    secret = tmp_path / "feed.xml"
    secret.write_bytes(rss("<item><title>Secret</title><link>https://x.org/s</link></item>"))
    with pytest.raises(ParseError):
        list(FEED.parse(str(secret).encode()))


def test_feedparser_corpus_never_raises_anything_but_parse_error(shared_data: Path) -> None:
    corpus = shared_data / "feeds" / "feedparser_corpus"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert len(files) == 668
    outcomes = {"read": 0, "refused": 0}
    for path in files:
        try:
            found = list(FEED.parse(path.read_bytes()))
        except ParseError as error:
            assert error.message, path
            outcomes["refused"] += 1
            continue
        for thing in found:
            assert isinstance(thing, Item | Problem), (path, thing)
            if isinstance(thing, Item):
                json.dumps(thing.to_dict())
                assert thing.title and thing.urls, path
        outcomes["read"] += 1
    assert outcomes["read"] > 600 and outcomes["refused"] > 0


def test_arxiv_api_atom_is_a_valid_atom_feed(shared_data: Path) -> None:
    xml = shared_data / "arxiv" / "api_atom" / "xml" / "id_1605.08386_s0_m100_199195aa31ad.xml"
    data = xml.read_bytes()
    assert FEED.sniff(data[:8192])
    [item] = items_of(FEED, data)
    assert item.title == "Heat-bath random walks with Markov bases"
    assert item.kind == "paper" and item.authors == ["Caprice Stanley", "Tobias Windisch"]


# --- JSON Feed ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "count"), sorted(REAL_JSON_FEED_ITEMS.items()))
def test_real_json_feed_item_counts(shared_data: Path, name: str, count: int) -> None:
    found = items_of(JSON_FEED, real(shared_data, name))
    assert len(found) == count
    json.dumps([item.to_dict() for item in found])


def test_json_feed_1_0_authors_and_facts(shared_data: Path) -> None:
    gruber = items_of(JSON_FEED, real(shared_data, "DaringFireball.json"))[0]
    assert gruber.title == "The Talk Show: ‘I Do Like Throwing a Baby’"
    assert gruber.authors == ["John Gruber"]  # the feed's author: the item names none
    assert gruber.urls == [
        "https://daringfireball.net/linked/2017/06/26/the-talk-show-195",
        "https://daringfireball.net/thetalkshow/2017/06/26/ep-195",
    ]
    assert (gruber.published, gruber.updated) == ("2017-06-27T00:54:17Z", "2017-06-27T00:54:20Z")
    assert gruber.site == "Daring Fireball"
    assert gruber.raw["json-feed"]["_feed"]["title"] == "Daring Fireball"

    drang = items_of(JSON_FEED, real(shared_data, "allthis.json"))[0]
    assert drang.authors == ["Dr. Drang"]  # item-level 1.0 "author"
    assert drang.title == "Last thoughts on modifier keys"
    assert drang.abstract == "The first shall be last."
    assert drang.body.startswith("When I wrote the post about ordering Mac modifier keys")


def test_json_feed_1_1_authors() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Authors",
        "home_page_url": "https://example.org/",
        "authors": [{"name": "Root One"}, {"name": "Root Two"}],
        "author": {"name": "Legacy Root"},
        "items": [
            {"id": "1", "url": "/1", "title": "Inherits"},
            {"id": "2", "url": "/2", "title": "Legacy", "author": {"name": "Legacy Item"}},
            {"id": "3", "url": "/3", "title": "Modern", "authors": [{"name": "A"}, {"name": "B"}]},
            {
                "id": "4",
                "url": "/4",
                "title": "Both",
                "authors": [{"name": "A"}],
                "author": {"name": "Legacy Item"},
            },
        ],
    }
    found = items_of(JSON_FEED, json.dumps(feed).encode())
    assert [item.authors for item in found] == [
        ["Root One", "Root Two"],
        ["Legacy Item"],
        ["A", "B"],
        ["A"],
    ]
    assert found[0].urls == ["https://example.org/1"]


def test_json_feed_skips_items_without_title_or_link(shared_data: Path) -> None:
    items, problems = parsed(JSON_FEED, real(shared_data, "authors.json"))
    assert items == [] and len(problems) == 4
    assert problems[0].message == "skipped entry #1 (Item without authors): it has no title and no summary"
    items, problems = parsed(JSON_FEED, real(shared_data, "jsonfeed-extension.json"))
    assert items == [] and len(problems) == 3
    assert problems[0].message == "skipped entry #1 (2): it has no absolute http(s) link"


def test_json_feed_html_is_plain_text(shared_data: Path) -> None:
    data = (shared_data / "feeds" / "feedparser_corpus" / "json" / "example.json").read_bytes()
    second, first = items_of(JSON_FEED, data)
    assert (second.title, second.categories) == ("post 2", ["test", "JSON"])
    assert first.title == "Hello, world!"  # no title: the start of its content, script dropped
    assert first.abstract == "Hello, world!" and first.authors == ["you"]


def test_truncated_json_feed_is_a_parse_error_with_its_line(shared_data: Path) -> None:
    with pytest.raises(ParseError) as caught:
        list(JSON_FEED.parse(real(shared_data, "allthis-partial.json")))
    assert caught.value.message.startswith("not valid JSON:")
    assert caught.value.line == 1
    with pytest.raises(ParseError) as caught:
        list(JSON_FEED.parse(b'{\n "version": "https://jsonfeed.org/version/1",\n "items": [,]\n}'))
    assert caught.value.line == 3


def test_json_that_is_not_a_json_feed_is_a_parse_error(shared_data: Path) -> None:
    with pytest.raises(ParseError, match="not a JSON Feed"):
        list(JSON_FEED.parse(real(shared_data, "ScriptingNews.json")))  # RSS spelled in JSON
    with pytest.raises(ParseError, match="not a JSON Feed"):
        list(JSON_FEED.parse(b"[1, 2]"))


def test_json_feed_sniffing() -> None:
    assert JSON_FEED.sniff(b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1.1"}')
    assert JSON_FEED.sniff(b'{"version":"https:\\/\\/jsonfeed.org\\/version\\/1"}')
    rss_in_json = b'{"version": "2.0", "items": [], "feed_url": "x", "content_html": ""}'
    assert not JSON_FEED.sniff(rss_in_json)
    assert not JSON_FEED.sniff(b'{"format":"mlnews-item/1","title":"x"}')


# --- OPML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Subs.opml", "SubsNoTitleAttributes.opml"])
def test_opml_lists_every_subscription_at_any_depth(shared_data: Path, name: str) -> None:
    found = list(OPML.parse(real(shared_data, name)))
    assert all(isinstance(x, Subscription) for x in found)
    subscriptions = [x for x in found if isinstance(x, Subscription)]
    assert len(subscriptions) == 207  # 69 at the top, 138 inside four folders
    assert subscriptions[0] == Subscription(
        url="http://daringfireball.net/feeds/main",
        title="Daring Fireball",
        site_url="http://daringfireball.net/",
    )
    titles = {s.url: s.title for s in subscriptions}
    assert titles["http://corinnekrych.blogspot.com/feeds/posts/default"] == "chat & code"
    julia = next(s for s in subscriptions if s.url == "http://jvns.ca/atom.xml")
    assert (julia.title, julia.site_url) == ("Julia Evans", "")


def test_opml_repeats_and_broken_files() -> None:
    data = (
        b'<opml version="2.0"><body><outline text="A" xmlUrl="https://a.org/feed"/>'
        b'<outline text="Folder">\n<outline text="A again" xmlurl="https://a.org/feed"/>'
        b'<outline text="B" title="Bee" xmlUrl="https://b.org/rss"/></outline></body></opml>'
    )
    found = list(OPML.parse(data))
    assert [type(x).__name__ for x in found] == ["Subscription", "Problem", "Subscription"]
    assert isinstance(found[1], Problem) and found[1].line == 2
    assert found[2] == Subscription(url="https://b.org/rss", title="Bee", site_url="")
    with pytest.raises(ParseError) as caught:
        list(OPML.parse(b'<opml version="2.0">\n<body><outline text="x"></body></opml>'))
    assert caught.value.line == 2
    with pytest.raises(ParseError, match="not OPML"):
        list(OPML.parse(b"<rss/>"))


# --- sniffing and shared rules ------------------------------------------------------------


def test_each_real_file_is_sniffed_as_its_own_format(shared_data: Path) -> None:
    expected: dict[str, Format | None] = {name: FEED for name in REAL_FEED_ITEMS}
    expected |= {name: JSON_FEED for name in REAL_JSON_FEED_ITEMS}
    expected |= {
        "allthis-partial.json": JSON_FEED,
        "authors.json": JSON_FEED,
        "jsonfeed-extension.json": JSON_FEED,
        "ScriptingNews.json": None,
        "Subs.opml": OPML,
        "SubsNoTitleAttributes.opml": OPML,
        "LICENSE.source-repo.txt": None,
    }
    folder = shared_data / "feeds" / "real_world"
    assert {p.name for p in folder.iterdir()} == set(expected)
    for name, fmt in expected.items():
        head = (folder / name).read_bytes()[:8192]
        sniffed = [f for f in OURS if f.sniff(head)]
        assert sniffed == ([fmt] if fmt else []), name


def test_feed_sniffs_every_feed_kind() -> None:
    assert FEED.sniff(b'<?xml version="1.0"?>\n<!-- x -->\n<rss version="0.91">')
    assert FEED.sniff(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">')
    assert FEED.sniff(b'<feed xmlns="http://www.w3.org/2005/Atom">')
    assert FEED.sniff(b'<feed version="0.3" xmlns="http://purl.org/atom/ns#">')
    assert FEED.sniff(b'<CHANNEL HREF="http://x.org/">')  # CDF
    assert FEED.sniff('<?xml version="1.0" encoding="utf-16"?><rss>'.encode("utf-16"))
    assert not FEED.sniff(b"<opml/>") and not FEED.sniff(b"<html><body/></html>")


def test_shared_rules() -> None:
    assert shorten("one two three", 9) == "one two…"
    assert shorten("short", 80) == "short"
    assert author_names(["Kaur, M., Shukla, A."]) == ["M. Kaur", "A. Shukla"]
    assert author_names(["Smith, John", "Ada Lovelace", "Ada Lovelace"]) == [
        "Smith, John",
        "Ada Lovelace",
    ]
