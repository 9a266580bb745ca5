"""A paper reached through feeds: its links and ids name it, and its arXiv and OpenReview
records are one item however they arrive (issue 10)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from mlnews import identity

SAM = "Sharpness-Aware Minimization for Efficiently Improving Generalization"
SAM_REVIEW = "Sharpness-aware Minimization for Efficiently Improving Generalization"  # OpenReview's case
SAM_ARXIV = "https://arxiv.org/abs/2010.01412v2"
SAM_FORUM = "https://openreview.net/forum?id=6Tm1mposlrM"


@dataclass
class Post:
    title: str
    link: str
    guid: str = ""


def _rss(*posts: Post) -> str:
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{escape(p.link)}</link>"
        + (f'<guid isPermaLink="false">{escape(p.guid)}</guid>' if p.guid else "")
        + "<description>A post about a paper.</description></item>"
        for p in posts
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Reading list</title>'
        f"<link>https://example.org/reading</link>{items}</channel></rss>"
    )


def _atom(*posts: Post) -> str:
    entries = "".join(
        f"<entry><title>{escape(p.title)}</title>"
        f'<link rel="alternate" href="{escape(p.link)}"/>'
        f"<id>{escape(p.guid or p.link)}</id><updated>2020-10-06T00:00:00Z</updated>"
        "<summary>A post about a paper.</summary></entry>"
        for p in posts
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>Reading list</title><link href="https://example.org/reading"/>'
        f"<id>https://example.org/reading</id><updated>2020-10-06T00:00:00Z</updated>{entries}</feed>"
    )


def _json_feed(*posts: Post) -> str:
    items = [
        {"id": p.guid or p.link, "url": p.link, "title": p.title, "content_text": "A post about a paper."}
        for p in posts
    ]
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Reading list",
            "home_page_url": "https://example.org/reading",
            "items": items,
        }
    )


WRITERS = {"rss": (_rss, "rss"), "atom": (_atom, "atom"), "json-feed": (_json_feed, "json")}


@pytest.fixture
def workspace(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    return tmp_path / "ws"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(run, workspace: Path, *paths: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", str(workspace), "import", *map(str, paths))
    assert result.code == 0, result.err


def _items(run, workspace: Path) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    items = run("-w", str(workspace), "list", "--json").json()
    assert isinstance(items, list)
    return items


def _show(run, workspace: Path, reference: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = run("-w", str(workspace), "show", reference, "--json")
    assert result.code == 0, result.err
    shown = result.json()
    assert isinstance(shown, dict)
    return shown


SCHOLARLY_LINKS = [
    ("https://arxiv.org/abs/2010.01412v2", "arxiv:2010.01412"),
    ("https://arxiv.org/pdf/2010.08895v1.pdf", "arxiv:2010.08895"),
    ("https://openreview.net/forum?id=YicbFdNTTy", "openreview:YicbFdNTTy"),
    ("https://openreview.net/pdf?id=PxTIG12RRHS", "openreview:PxTIG12RRHS"),
    ("https://doi.org/10.1109/CVPR46437.2021.00991", "doi:10.1109/cvpr46437.2021.00991"),
]


@pytest.mark.parametrize("form", WRITERS)
def test_a_feed_entry_linking_to_a_scholarly_record_is_that_paper(run, workspace: Path, form: str) -> None:  # type: ignore[no-untyped-def]
    write, suffix = WRITERS[form]
    posts = [Post(f"Paper number {n} with a long title", link) for n, (link, _) in enumerate(SCHOLARLY_LINKS)]
    posts.append(Post("A blog post that is about something else", "https://example.org/reading/post"))
    _import(run, workspace, _write(workspace, f"reading.{suffix}", write(*posts)))
    for (link, key), post in zip(SCHOLARLY_LINKS, posts, strict=False):
        shown = _show(run, workspace, link)
        assert (shown["key"], shown["kind"], shown["title"]) == (key, "paper", post.title)
    assert _show(run, workspace, "https://example.org/reading/post")["kind"] == "article"


@pytest.mark.parametrize(
    ("form", "guid", "key"),
    [
        ("atom", "https://arxiv.org/abs/2010.01412v2", "arxiv:2010.01412"),
        ("atom", "https://openreview.net/forum?id=6Tm1mposlrM", "openreview:6Tm1mposlrM"),
        ("rss", "https://doi.org/10.1109/CVPR46437.2021.00991", "doi:10.1109/cvpr46437.2021.00991"),
        ("rss", "openreview:6Tm1mposlrM", "openreview:6Tm1mposlrM"),
        ("json-feed", "https://openreview.net/pdf?id=6Tm1mposlrM", "openreview:6Tm1mposlrM"),
    ],
)
def test_an_entry_id_naming_a_paper_makes_the_entry_that_paper(  # type: ignore[no-untyped-def]
    run, workspace: Path, form: str, guid: str, key: str
) -> None:
    write, suffix = WRITERS[form]
    post = Post(SAM, "https://example.org/reading/sam", guid=guid)
    _import(run, workspace, _write(workspace, f"reading.{suffix}", write(post)))
    shown = _show(run, workspace, guid)
    assert (shown["key"], shown["kind"]) == (key, "paper")
    assert _show(run, workspace, "https://example.org/reading/sam")["key"] == key


def test_bare_numbers_and_words_in_an_entry_id_name_no_paper(run, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    posts = [
        Post("A post whose guid looks like an arXiv id", "https://example.org/a", guid="2010.01412"),
        Post("A post whose guid looks like a forum id", "https://example.org/b", guid="6Tm1mposlrM"),
    ]
    _import(run, workspace, _write(workspace, "reading.rss", _rss(*posts)))
    assert {(i["key"], i["kind"]) for i in _items(run, workspace)} == {
        ("url:https://example.org/a", "article"),
        ("url:https://example.org/b", "article"),
    }


# Each arrangement: the files to import, one command each, as lists of posts per file.
ARXIV_POST = Post(SAM, SAM_ARXIV)
REVIEW_POST = Post(SAM_REVIEW, SAM_FORUM)
ARRIVALS = {
    "one file, arXiv first": [[[ARXIV_POST, REVIEW_POST]]],
    "one file, OpenReview first": [[[REVIEW_POST, ARXIV_POST]]],
    "one import of two files": [[[ARXIV_POST], [REVIEW_POST]]],
    "two imports, arXiv first": [[[ARXIV_POST]], [[REVIEW_POST]]],
    "two imports, OpenReview first": [[[REVIEW_POST]], [[ARXIV_POST]]],
}


def _arrive(run, workspace: Path, imports: list[list[list[Post]]], form: str = "rss") -> None:  # type: ignore[no-untyped-def]
    write, suffix = WRITERS[form]
    number = 0
    for files in imports:
        paths = []
        for posts in files:
            number += 1
            paths.append(_write(workspace, f"feed{number}.{suffix}", write(*posts)))
        _import(run, workspace, *paths)


@pytest.mark.parametrize("arrival", ARRIVALS)
def test_arxiv_and_openreview_entries_of_one_paper_are_one_item(run, workspace: Path, arrival: str) -> None:  # type: ignore[no-untyped-def]
    _arrive(run, workspace, ARRIVALS[arrival])
    [item] = _items(run, workspace)
    assert item["key"] == "arxiv:2010.01412" and item["kind"] == "paper"
    by_arxiv = _show(run, workspace, SAM_ARXIV)
    assert _show(run, workspace, SAM_FORUM) == by_arxiv
    assert _show(run, workspace, "https://arxiv.org/pdf/2010.01412") == by_arxiv
    assert {"arxiv:2010.01412", "openreview:6Tm1mposlrM"} <= set(by_arxiv["identifiers"])  # type: ignore[arg-type]
    assert {SAM_ARXIV, SAM_FORUM} <= set(by_arxiv["urls"])  # type: ignore[arg-type]
    # Importing the same feeds again changes nothing.
    before = run("-w", str(workspace), "export").out
    _arrive(run, workspace, ARRIVALS[arrival])
    assert run("-w", str(workspace), "export").out == before


@pytest.mark.parametrize("arrival", ["one file", "two imports"])
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://arxiv.org/abs/2010.01412", "https://arxiv.org/abs/2101.00001"),
        ("https://openreview.net/forum?id=6Tm1mposlrM", "https://openreview.net/forum?id=3eNrIs9I78x"),
    ],
)
def test_two_ids_of_one_family_with_one_title_stay_two_items(  # type: ignore[no-untyped-def]
    run, workspace: Path, arrival: str, first: str, second: str
) -> None:
    posts = [Post(SAM, first), Post(SAM, second)]
    _arrive(run, workspace, [[posts]] if arrival == "one file" else [[[posts[0]]], [[posts[1]]]])
    assert len(_items(run, workspace)) == 2
    assert _show(run, workspace, first)["key"] != _show(run, workspace, second)["key"]


@pytest.mark.parametrize("arrival", ["one file", "two imports"])
def test_an_openreview_entry_joins_one_of_two_arxiv_papers_sharing_its_title(  # type: ignore[no-untyped-def]
    run, workspace: Path, arrival: str
) -> None:
    posts = [Post(SAM, SAM_ARXIV), Post(SAM, "https://arxiv.org/abs/2101.00001"), REVIEW_POST]
    _arrive(run, workspace, [[posts]] if arrival == "one file" else [[[p]] for p in posts])
    assert len(_items(run, workspace)) == 2
    assert _show(run, workspace, SAM_FORUM)["key"] == "arxiv:2010.01412"  # the first to arrive


PROCEEDINGS = "https://proceedings.example.org/2021/sam.html"
BIBTEX = f"@inproceedings{{foret2021,\n  title = {{{SAM}}},\n  url = {{{PROCEEDINGS}}},\n}}\n"


@pytest.mark.parametrize("feed_first", [True, False])
@pytest.mark.parametrize("link", [SAM_ARXIV, SAM_FORUM])
def test_a_paper_known_by_url_only_joins_the_scholarly_record_with_its_title(  # type: ignore[no-untyped-def]
    run, workspace: Path, feed_first: bool, link: str
) -> None:
    feed = _write(workspace, "reading.atom", _atom(Post(SAM_REVIEW, link)))
    bib = _write(workspace, "reading.bib", BIBTEX)
    for path in (feed, bib) if feed_first else (bib, feed):
        _import(run, workspace, path)
    [item] = _items(run, workspace)
    assert item["key"] == identity.identify(link)
    assert _show(run, workspace, PROCEEDINGS) == _show(run, workspace, link)


def test_a_blog_post_with_a_paper_title_is_not_the_paper(run, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    # Only papers merge by title: a post named after a paper is a post about it.
    posts = [Post(SAM, SAM_ARXIV), Post(SAM, "https://example.org/reading/sam-explained")]
    _arrive(run, workspace, [[posts]])
    assert sorted(str(i["kind"]) for i in _items(run, workspace)) == ["article", "paper"]


# -- real data: the ICLR 2021 submissions and the arXiv hot papers of Oct-Dec 2020 ------------

_HOT_TITLE = re.compile(r"^# \d+\. (?P<title>.+)$")
_HOT_ABS = re.compile(r"\[abs\]\((?P<url>https://arxiv\.org/abs/[^)]+)\)")


def _hot_papers(folder: Path) -> list[Post]:
    posts: dict[str, Post] = {}
    for path in sorted(folder.glob("*---Hot-Papers.md")):
        title = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            heading = _HOT_TITLE.match(line)
            if heading:
                title = heading.group("title").strip()
            link = _HOT_ABS.search(line)
            if link and title:
                posts.setdefault(link.group("url"), Post(title, link.group("url")))
                title = ""
    return list(posts.values())


def _submissions(path: Path) -> list[Post]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Post(row["title"], row["link"]) for row in rows]


def test_real_arxiv_and_openreview_feeds_make_one_item_per_paper(  # type: ignore[no-untyped-def]
    run, workspace: Path, shared_data: Path
) -> None:
    arxiv = _hot_papers(shared_data / "arxiv" / "hot_papers_2020")
    arxiv_titles = {identity.normalise_title(p.title) for p in arxiv}
    submissions = _submissions(shared_data / "openreview" / "iclr2021" / "paperlist.tsv")
    # Every submission that is also a hot paper, and as many that are not.
    shared = [p for p in submissions if identity.normalise_title(p.title) in arxiv_titles]
    others = [p for p in submissions if identity.normalise_title(p.title) not in arxiv_titles]
    review = shared + others[: len(shared)]
    assert len(arxiv) > 600 and len(shared) >= 10
    _import(run, workspace, _write(workspace, "hot.rss", _rss(*arxiv)))
    _import(run, workspace, _write(workspace, "iclr.atom", _atom(*review)))
    items = _items(run, workspace)
    assert all(i["kind"] == "paper" for i in items)
    assert len(items) == len(arxiv) + len(review) - len(shared)
    # Two seed papers (SAM; self-supervised learning with dual networks), ViT and Performers.
    for arxiv_id, forum in [
        ("2010.01412", "6Tm1mposlrM"),
        ("2010.00578", "c5QbJ1zob73"),
        ("2010.11929", "YicbFdNTTy"),
        ("2009.14794", "Ua6zuk0WRH"),
    ]:
        shown = _show(run, workspace, f"https://openreview.net/forum?id={forum}")
        assert shown["key"] == f"arxiv:{arxiv_id}"
        assert _show(run, workspace, f"https://arxiv.org/abs/{arxiv_id}") == shown
    # No two arXiv papers were joined by title.
    exported = [json.loads(line) for line in run("-w", str(workspace), "export").out.splitlines()]
    assert all(sum(k.startswith("arxiv:") for k in i["identifiers"]) <= 1 for i in exported)


@pytest.mark.parametrize("arrival", ["one file", "two imports"])
def test_two_arxiv_and_two_openreview_records_of_one_title_pair_up(  # type: ignore[no-untyped-def]
    run, workspace: Path, arrival: str
) -> None:
    # Two papers of one title, each on arXiv and OpenReview: whichever record comes
    # first, each forum joins an arXiv paper no other forum has taken.
    other_forum = "https://openreview.net/forum?id=3eNrIs9I78x"
    other_arxiv = "https://arxiv.org/abs/2101.00001"
    posts = [REVIEW_POST, ARXIV_POST, Post(SAM, other_arxiv), Post(SAM, other_forum)]
    _arrive(run, workspace, [[posts]] if arrival == "one file" else [[[p]] for p in posts])
    assert len(_items(run, workspace)) == 2
    assert _show(run, workspace, SAM_FORUM)["key"] == "arxiv:2010.01412"
    assert _show(run, workspace, other_forum)["key"] == "arxiv:2101.00001"
