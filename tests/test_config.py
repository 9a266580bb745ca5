"""mlnews.toml: written complete by init, checked strictly, errors name file and key."""

import tomllib
import typing
from pathlib import Path

import pytest

from mlnews import config, config_file
from mlnews.errors import ConfigError

SOURCE = "[sources.a]\ntype = 'feed'\nurl = 'https://a.org/feed'\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mlnews.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_file_loads_to_the_defaults(tmp_path: Path) -> None:
    loaded = config.load(write(tmp_path, config_file.default_text()))
    assert loaded == config.Config()
    assert [s.name for s in loaded.sections] == [
        "Machine-learning papers",
        "Technical articles",
        "Examples of machine-learning use cases",
        "Other topics",
    ]
    assert loaded.first_weekday == "sunday"


def test_every_setting_is_written_out_with_its_help() -> None:
    text = config_file.default_text()
    data = tomllib.loads(text)
    for setting in config.SETTINGS:
        assert data["newsletter"][setting.name] == setting.default
        assert setting.help in text
    for spec in (*config.SECTION_FIELDS, *config.SOURCE_FIELDS):
        assert spec.help in text


def test_a_setting_is_its_dataclass_field() -> None:
    """The tuples are made from the dataclasses' fields: one name and one default each, and the
    field's declared type is the type of the TOML value (a list is kept as a tuple)."""
    tables = [
        (config.Config, config.SETTINGS),
        (config.NetworkSettings, config.NETWORK_SETTINGS),
        (config.EmailSettings, config.EMAIL_SETTINGS),
        (config.RulesSettings, config.RULES_SETTINGS),
    ]
    for table, settings in tables:
        hints = typing.get_type_hints(table)
        defaults = table()
        assert settings and len({s.name for s in settings}) == len(settings)
        for setting in settings:
            value = getattr(defaults, setting.name)
            assert (list(value) if isinstance(value, tuple) else value) == setting.default, setting.name
            expected = tuple if isinstance(setting.default, list) else type(setting.default)
            assert (typing.get_origin(hints[setting.name]) or hints[setting.name]) is expected, setting.name


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS + config.NETWORK_SETTINGS + config.EMAIL_SETTINGS + config.RULES_SETTINGS:
        assert f"`{setting.name}`" in readme, f"README does not document {setting.name}"
    from mlnews.sources import base

    for name in base.types():
        for option in base.get(name).options:
            assert f"{option.name} =" in readme, f"README does not show {name}'s {option.name}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[newsletter]\nname = \n", r"mlnews.toml: invalid TOML: .*line 2"),
        ("[newsletter]\ncolour = 'blue'\n", r"unknown key 'newsletter.colour'"),
        (
            "[newsletter]\nfirst_weekday = 'friday'\n",
            r"newsletter.first_weekday: expected 'sunday' or 'monday', got 'friday'",
        ),
        ("[newsletter]\nlanguages = 'en'\n", r"newsletter.languages: expected a list, got 'en'"),
        (
            "[newsletter]\nlanguages = ['en', 'fr']\n",
            r"newsletter.languages: expected 'en' or 'ja' or 'zh', got 'fr'",
        ),
        ("[newsletter]\nname = 3\n", r"newsletter.name: expected a string, got 3 \(int\)"),
        ("[[sections]]\nname = 'Papers'\n", r"sections\[1\]: missing key 'id'"),
        ("[[sections]]\nid = 'Papers!'\nname = 'P'\n", r"section id 'Papers!'"),
        ("[[sections]]\nid = 'p'\nname = 'P'\nkinds = ['blog']\n", r"sections\[1\].kinds: expected one of"),
        (
            "[sources.x]\ntype = 'gopher'\nurl = 'u'\n",
            r"sources.x.type: expected 'arxiv' or 'feed' or 'oai-pmh', got 'gopher'",
        ),
        (
            "[[sources]]\ntype = 'feed'\nurl = 'https://a.org/'\n",
            r"expected one \[sources.NAME\] table per source",
        ),
        (
            "[sources.'a b']\ntype = 'feed'\nurl = 'https://a.org/'\n",
            r"sources.a b: a source name is letters",
        ),
        ("[network]\nretries = 'x'\n", r"network.retries: expected a whole number, got 'x'"),
        (
            "[network]\nallow_private_addresses = 1\n",
            r"network.allow_private_addresses: expected true or false",
        ),
        ("[network]\nproxy = 'x'\n", r"unknown key 'network.proxy'; known keys: contact_email"),
        (
            "[sources.a]\ntype = 'arxiv'\nurl = 'https://export.arxiv.org/api/query'\ncategories = 'cs.LG'\n",
            r"sources.a.categories: expected a list, got 'cs.LG'",
        ),
        (
            "[sources.a]\ntype = 'feed'\nurl = 'https://a.org/'\ncategories = ['cs.LG']\n",
            r"unknown key 'sources.a.categories'; known keys: type, url, title, site_url, kind",
        ),
        ("colour = 1\n", r"unknown key 'colour'"),
        (
            "[newsletter]\nlanguages = ['en', 'zh', 'en']\n",
            r"newsletter.languages: 'en' is listed twice",
        ),
        (
            "[newsletter]\nsite_url = 'example.org'\n",
            r"newsletter.site_url: expected an http\(s\) URL, got 'example.org'",
        ),
        ("[newsletter]\nsite_url = ''\n", r"newsletter.site_url: expected an http\(s\) URL, got ''"),
        ("[[sections]]\nid = ''\nname = 'P'\n", r"sections\[1\].id: expected a non-empty string"),
        ("[[sections]]\nid = 'p'\nname = ' '\n", r"sections\[1\].name: expected a non-empty string"),
        (
            SOURCE + "[sources.x]\ntype = 'feed'\nurl = ''\n",
            r"sources.x.url: expected a non-empty string",
        ),
        (
            "[sources.x]\ntype = ''\nurl = 'https://a.org/'\n",
            r"sources.x.type: expected 'arxiv' or 'feed' or 'oai-pmh', got ''",
        ),
        (
            "[sources.x]\ntype = 'feed'\nurl = 'javascript:alert(1)'\n",
            r"sources.x.url: expected an http\(s\) URL, got 'javascript:alert\(1\)'",
        ),
        (
            "[sources.x]\ntype = 'feed'\nurl = '/feed.xml'\n",
            r"sources.x.url: expected an http\(s\) URL, got '/feed.xml'",
        ),
        (
            SOURCE + "[sources.x]\ntype = 'feed'\nurl = 'https://b.org/'\nsite_url = 'file:///etc'\n",
            r"sources.x.site_url: expected an http\(s\) URL, got 'file:///etc'",
        ),
    ],
)
def test_bad_config_names_file_key_and_expectation(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        config.load(write(tmp_path, text))
    assert str(tmp_path / "mlnews.toml") in str(raised.value)
    assert "\n" not in str(raised.value)


def test_add_sources_keeps_comments_and_skips_known_feeds(tmp_path: Path) -> None:
    path = write(tmp_path, config_file.default_text())
    feed = config.Source(name="", type="feed", url="https://lilianweng.github.io/index.xml", title="Lil'Log")
    added = config.Source(name="lil-log", type="feed", url=feed.url, title="Lil'Log")
    assert config_file.add_sources(path, [feed]) == [added]
    again = config.Source(name="", type="feed", url="HTTPS://lilianweng.github.io/index.xml#x", title="same")
    assert config_file.add_sources(path, [again]) == []
    text = path.read_text()
    assert "# The day a week starts" in text and "[sources.lil-log]" in text
    assert config.load(path).sources == (added,)
    other = config.Source(name="", type="feed", url="https://b.org/feed", title="Lil'Log")
    assert [s.name for s in config_file.add_sources(path, [other])] == ["lil-log-2"]  # names stay unique


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "mlnews.toml"
    path.write_bytes(b"\xef\xbb\xbf" + config_file.default_text().encode("utf-8"))
    assert config.load(path) == config.Config()


def test_good_urls_and_an_empty_optional_site_url_load(tmp_path: Path) -> None:
    text = SOURCE + "site_url = ''\n[newsletter]\nsite_url = 'http://news.example.org:8080/ml/'\n"
    loaded = config.load(write(tmp_path, text))
    assert loaded.sources == (config.Source(name="a", type="feed", url="https://a.org/feed"),)
    assert loaded.site_url == "http://news.example.org:8080/ml/"
