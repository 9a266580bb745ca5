"""Feeds from OPML into `[sources.NAME]` tables: only http(s) feeds, plain-text names, and a bad
workspace config is reported without being touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlnews import config, config_file
from mlnews.collect import ingest
from mlnews.errors import ConfigError
from mlnews.formats.base import Problem, Subscription
from mlnews.formats.opml import Opml
from mlnews.library import Library

OPML = Opml()


def workspace_config(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "mlnews.toml"
    path.write_text(config_file.default_text() if text is None else text, encoding="utf-8")
    return path


def feed(url: str, title: str = "Feed", site_url: str = "") -> config.Source:
    """A source as OPML gives it; `add_sources` names it after its title."""
    return config.Source(name="", type="feed", url=url, title=title, site_url=site_url)


def named(source: config.Source, name: str = "feed") -> config.Source:
    """The source as `add_sources` stores it."""
    return config.Source(
        name=name, type=source.type, url=source.url, title=source.title, site_url=source.site_url
    )


@pytest.mark.parametrize(
    "bad",
    [
        "[newsletter]\nfirst_weekday = 'friday'\n",
        "[sources.x]\ntype = 'feed'\nurl = 'ftp://a.org/feed'\n",
        "[newsletter]\nname = \n",
    ],
)
def test_a_bad_config_is_reported_and_left_byte_identical(tmp_path: Path, bad: str) -> None:
    path = workspace_config(tmp_path, "# mine\n" + bad)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=str(path)):
        config_file.add_sources(path, [feed("https://a.org/feed")])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mlnews.toml"]  # no temporary file left


def test_a_source_that_would_make_the_config_invalid_changes_nothing(tmp_path: Path) -> None:
    path = workspace_config(tmp_path)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=r"sources.x.type"):
        config_file.add_sources(
            path, [config.Source(name="", title="x", type="gopher", url="https://a.org/")]
        )
    assert path.read_bytes() == before


def test_sources_that_are_not_http_are_skipped_without_hiding_later_ones(tmp_path: Path) -> None:
    path = workspace_config(tmp_path)
    good = [feed("https://a.org/feed", "A"), feed("http://b.org/rss", "B")]
    sources = [feed("javascript:alert(1)"), good[0], feed("file:///etc/passwd"), feed("/relative"), good[1]]
    stored = [named(good[0], "a"), named(good[1], "b")]
    assert config_file.add_sources(path, sources) == stored
    assert config.load(path).sources == tuple(stored)
    assert "javascript" not in path.read_text(encoding="utf-8")


def test_nothing_to_add_leaves_the_file_alone(tmp_path: Path) -> None:
    path = workspace_config(tmp_path)
    before = path.read_bytes()
    assert config_file.add_sources(path, [feed("javascript:alert(1)")]) == []
    assert path.read_bytes() == before


def test_a_bad_site_url_is_dropped_and_the_source_kept(tmp_path: Path) -> None:
    path = workspace_config(tmp_path)
    added = config_file.add_sources(path, [feed("https://a.org/feed", site_url="javascript:alert(1)")])
    assert added == [named(feed("https://a.org/feed"))]
    assert config.load(path).sources == (named(feed("https://a.org/feed")),)
    assert "javascript" not in path.read_text(encoding="utf-8")


def test_sources_are_added_to_a_config_saved_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "mlnews.toml"
    path.write_bytes(b"\xef\xbb\xbf" + config_file.default_text().encode("utf-8"))
    assert config_file.add_sources(path, [feed("https://a.org/feed")]) == [named(feed("https://a.org/feed"))]
    assert config.load(path).sources == (named(feed("https://a.org/feed")),)


def opml(*outlines: str) -> bytes:
    body = "\n".join(outlines)
    return f'<?xml version="1.0"?>\n<opml version="2.0"><body>\n{body}\n</body></opml>'.encode()


def test_opml_titles_are_plain_text() -> None:
    found = list(
        OPML.parse(
            opml(
                '<outline title="&lt;b&gt;JS&lt;/b&gt; &amp;amp; more" xmlUrl="https://a.org/feed"/>',
                '<outline title="&lt;i&gt;&lt;/i&gt;" text="Bee &lt;script&gt;x&lt;/script&gt;"'
                ' xmlUrl="https://b.org/feed"/>',
            )
        )
    )
    assert [s.title for s in found if isinstance(s, Subscription)] == ["JS & more", "Bee"]


def test_opml_feeds_that_are_not_http_are_warned_about_not_subscribed() -> None:
    found = list(
        OPML.parse(
            opml(
                '<outline text="Evil" xmlUrl="javascript:alert(1)"/>',
                '<outline text="Good" xmlUrl="https://a.org/feed"/>',
                '<outline xmlUrl="file:///etc/passwd"/>',
            )
        )
    )
    assert found[1] == Subscription(url="https://a.org/feed", title="Good")
    problems = [p for p in found if isinstance(p, Problem)]
    assert [p.line for p in problems] == [3, 5]
    assert (
        problems[0].message == "outline 'Evil': xmlUrl 'javascript:alert(1)' is not an http(s) URL: skipped"
    )
    assert "file:///etc/passwd" in problems[1].message


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


def test_importing_opml_into_a_bad_workspace_fails_and_changes_nothing(
    library: Library, tmp_path: Path
) -> None:
    path = workspace_config(tmp_path, "[newsletter]\nlanguages = ['en', 'en']\n")
    before = path.read_bytes()
    subscriptions = tmp_path / "subs.opml"
    subscriptions.write_bytes(opml('<outline text="A" xmlUrl="https://a.org/feed"/>'))
    report = ingest.import_files(library, [subscriptions], config_path=path)[0]
    assert report.error is not None and "newsletter.languages: 'en' is listed twice" in report.error
    assert report.sources_added == 0
    assert path.read_bytes() == before


def test_importing_opml_warns_about_and_skips_a_javascript_feed(library: Library, tmp_path: Path) -> None:
    path = workspace_config(tmp_path)
    subscriptions = tmp_path / "subs.opml"
    subscriptions.write_bytes(
        opml(
            '<outline text="Evil" xmlUrl="javascript:alert(1)"/>',
            '<outline text="&lt;b&gt;Good&lt;/b&gt;" xmlUrl="https://a.org/feed"'
            ' htmlUrl="javascript:alert(2)"/>',
        )
    )
    report = ingest.import_files(library, [subscriptions], config_path=path)[0]
    assert (report.error, report.sources_added) == (None, 1)
    assert report.warnings == [
        f"{subscriptions}:3: outline 'Evil': xmlUrl 'javascript:alert(1)' is not an http(s) URL: skipped"
    ]
    assert config.load(path).sources == (named(feed("https://a.org/feed", "Good"), "good"),)
    assert "javascript" not in path.read_text(encoding="utf-8")
