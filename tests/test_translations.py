"""Translations in the issue source, the offline translation memory, faithfulness, glossary, keys."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from mlnews import faithful, secrets
from mlnews.compose.translations import translate_issue
from mlnews.config import Config, ConfigError, check
from mlnews.document.check import notices, problems
from mlnews.document.model import fingerprint
from mlnews.document.source import dumps, parse
from mlnews.translate import Glossary, Request
from mlnews.translate.memory import MemoryTranslator

ORDER = ["papers", "articles", "use-cases", "other"]
HEADLINE = "Keypoints instead of frames: video calls at a tenth of the bandwidth"

SOURCE = f"""\
+++
week = "2020-W49"
picks = []
+++

A note from the curator.

#### zh

策展人的话。

## papers

### {HEADLINE}
key: arxiv:2011.15126
kind: paper
title: One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing
link: https://arxiv.org/abs/2011.15126
post: Video calls that send keypoints, not frames
drafted: headline={fingerprint(HEADLINE)}
flagged: headline={fingerprint(HEADLINE)} "the number \\"10\\" is not in the source"

A talking-head model renders the caller from one photo, with H.264 as the baseline.

#### zh 用关键点代替视频帧：视频通话只用十分之一的带宽
post: 只传关键点、不传画面的视频通话
source: headline={fingerprint(HEADLINE)} summary=000000

说话人头模型用一张照片还原通话者。

#### ja キーポイントでビデオ通話の帯域を十分の一に
"""


def test_translations_read_and_write_back_as_written() -> None:
    parsed = parse(SOURCE, "2020-W49.md")
    assert parsed.problems == []
    issue = parsed.issue
    assert issue.intro == "A note from the curator."
    assert issue.intro_translations["zh"].summary == "策展人的话。"
    entry = issue.entries[0]
    assert entry.summary.startswith("A talking-head model")
    zh = entry.translations["zh"]
    assert zh.headline == "用关键点代替视频帧：视频通话只用十分之一的带宽"
    assert zh.post == "只传关键点、不传画面的视频通话"
    assert zh.summary == "说话人头模型用一张照片还原通话者。"
    assert entry.translations["ja"].headline.startswith("キーポイント")
    assert entry.flags() == {"headline": 'the number "10" is not in the source'}
    assert dumps(issue, ORDER) == SOURCE
    assert parse(dumps(issue, ORDER)).issue == issue


def test_stale_translations_and_flags_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "2020-W49.md"
    parsed = parse(SOURCE, str(path))
    flagged, stale = notices(parsed, path)
    assert flagged == [
        f'{path}:14: the headline is flagged (the number "10" is not in the source); '
        "check it, then delete its 'flagged:' mark"
    ]
    # The summary changed since the zh summary was made from it; the headline did not.
    assert len(stale) == 1 and "the zh summary of arxiv:2011.15126 is stale" in stale[0]
    assert stale[0].startswith(f"{path}:25: ")


def test_an_edited_text_drops_its_flag_when_written_back() -> None:
    issue = parse(SOURCE).issue
    issue.entries[0].headline = "Video calls at a tenth of the bandwidth"
    assert issue.entries[0].flags() == {}
    assert "flagged:" not in dumps(issue, ORDER)


def test_a_translation_into_a_language_not_published_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "2020-W49.md"
    text = SOURCE.replace("#### ja ", "#### fr ")
    found = problems(parse(text, str(path)), Config(), path)
    assert found == [f"{path}:31: translation into 'fr': languages it can be: ja, zh"]


def test_a_translation_outside_any_entry_is_a_problem() -> None:
    text = SOURCE.replace("## papers\n", "## papers\n\n#### zh 孤立\n")
    assert (14, "a translation in section 'papers' outside any entry") in parse(text).problems


class Dictionary:
    """A translator that knows some texts: enough to see what compose asks for and when."""

    name = "dictionary"

    def __init__(self, known: dict[str, str]):
        self.known = known
        self.asked: list[Request] = []

    def translate(self, request: Request) -> dict[str, str]:
        self.asked.append(request)
        return {k: self.known[v] for k, v in request.texts.items() if v in self.known}


def test_compose_translates_what_is_missing_or_stale_and_untouched_only() -> None:
    issue = parse(SOURCE.split("#### zh 用关键点")[0]).issue  # one entry, no translations
    entry = issue.entries[0]
    known = {
        HEADLINE: "关键点代替视频帧",
        entry.summary: "说话人头模型，以 H.264 为基线。",
        entry.post: "只传关键点的视频通话",
        issue.intro: "策展人的话。",
    }
    translator = Dictionary(known)
    config = Config(languages=("en", "zh"))
    issue.intro_translations.clear()
    report = translate_issue(issue, config, translator)
    assert report.translated == 4 and report.flagged == []
    zh = entry.translations["zh"]
    assert zh.headline == "关键点代替视频帧" and zh.untouched("headline")
    # Nothing changed: nothing is asked again.
    translator.asked.clear()
    translate_issue(issue, config, translator)
    assert translator.asked == []
    # The curator edits the zh post and the English headline and post change.
    zh.post = "只传关键点"
    entry.headline, entry.post = "Keypoints, not frames", "Keypoints, not frames, for video calls"
    known |= {"Keypoints, not frames": "关键点，而非帧"}
    report = translate_issue(issue, config, translator)
    assert [r.texts for r in translator.asked] == [{"headline": "Keypoints, not frames"}]
    assert zh.headline == "关键点，而非帧" and zh.post == "只传关键点"
    assert report.kept == 1
    assert zh.stale(entry.originals()) == ["post"]


def test_an_invented_number_in_a_translation_is_flagged() -> None:
    issue = parse(SOURCE.split("#### zh 用关键点")[0]).issue
    entry = issue.entries[0]
    # "降低 90%" would be right: a tenth of the bandwidth is 90% less
    translator = Dictionary({HEADLINE: "视频通话带宽降低 95%"})
    report = translate_issue(issue, Config(languages=("en", "zh")), translator)
    assert report.flagged == ['arxiv:2011.15126 zh headline: the number "95%" is not in the source']
    assert entry.translations["zh"].flags() == {"headline": 'the number "95%" is not in the source'}


def test_the_glossary_keeps_terms_as_written() -> None:
    issue = parse(SOURCE.split("#### zh 用关键点")[0]).issue
    translator = Dictionary({issue.entries[0].summary: "说话人头模型，以 H264 为基线。"})
    config = Config(languages=("en", "zh"), glossary=Glossary(keep=("H.264",)))
    report = translate_issue(issue, config, translator)
    # H264 is H.264 to the faithfulness check (a name's variant), not to the glossary
    assert report.flagged == ['arxiv:2011.15126 zh summary: the glossary keeps "H.264" as written']


def test_the_translation_memory_finds_texts_by_words_then_by_place(tmp_path: Path) -> None:
    (tmp_path / "translations.toml").write_text(
        textwrap.dedent(
            """\
            [[texts]]
            key = "arxiv:2011.15126"
            field = "headline"
            en = "Keypoints instead of frames"
            zh = "关键点代替视频帧"

            [[texts]]
            en = "Keypoints   instead of frames"
            ja = "フレームの代わりにキーポイント"
            """
        ),
        encoding="utf-8",
    )
    memory = MemoryTranslator()
    memory.root = tmp_path
    found = memory.translate(Request({"headline": "Keypoints instead\nof frames"}, "en", "zh"))
    assert found == {"headline": "关键点代替视频帧"}
    assert memory.translate(Request({"headline": "Keypoints instead of frames"}, "en", "ja")) == {
        "headline": "フレームの代わりにキーポイント"
    }
    reworded = Request({"headline": "Keypoints, not frames"}, "en", "zh", about="arxiv:2011.15126")
    assert memory.translate(reworded) == {"headline": "关键点代替视频帧"}
    assert memory.translate(Request({"post": "Something else"}, "en", "zh")) == {}


def test_a_broken_translation_memory_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "translations.toml").write_text("[[texts]]\nen = 3\n", encoding="utf-8")
    memory = MemoryTranslator()
    memory.root = tmp_path
    with pytest.raises(ConfigError, match=r"translations.toml: texts record 1: every value must be a string"):
        memory.translate(Request({"headline": "x"}, "en", "zh"))


@pytest.mark.parametrize(
    ("glossary", "message"),
    [
        ({"keep": "GPT-3"}, "glossary.keep: expected a list of terms"),
        ({"fr": {"attention": "attention"}}, "glossary.fr: not a language you publish in"),
        ({"zh": {"attention": 3}}, 'glossary.zh: expected term = "rendering" lines'),
    ],
)
def test_a_bad_glossary_is_one_line_naming_the_key(glossary: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check(Path("mlnews.toml"), {"glossary": glossary})


def test_a_glossary_is_read() -> None:
    config = check(Path("mlnews.toml"), {"glossary": {"keep": ["GPT-3"], "zh": {"attention": "注意力"}}})
    assert config.glossary.for_text("GPT-3 uses attention", "zh") == (["GPT-3"], {"attention": "注意力"})


@pytest.mark.parametrize(
    ("text", "source", "problems"),
    [
        ("Bandwidth falls by 90%.", "bandwidth falls by 90 percent", []),
        (
            "Bandwidth falls by 95%.",
            "bandwidth falls by 90 percent",
            ['the number "95%" is not in the source; the source says "bandwidth falls by 90 percent"'],
        ),
        (
            "It beats GPT-4 on three tasks.",
            "It beats GPT-3 on 3 tasks.",
            ['the name "GPT-4" is not in the source'],
        ),
        ("Three GANs and 3 datasets.", "a GAN on three datasets", []),
        ("A tenfold cut, 10x.", "a tenfold cut", []),
        (
            "Researchers at Google show it.",
            "Researchers show it.",
            ['the name "Google" is not in the source'],
        ),
        ("The model is 1,000 times smaller.", "1000 times smaller", []),
        ("用 ResNet-50 在 ImageNet 上提升 2.5 个点", "ResNet-50 gains 2.5 points on ImageNet", []),
        (
            "在 COCO 上提升 3.1 个点",
            "gains 2.5 points on ImageNet",
            [
                'the number "3.1 个点" is not in the source; the source says "gains 2.5 points on ImageNet"',
                'the name "COCO" is not in the source',
            ],
        ),
    ],
)
def test_faithfulness_checks_numbers_and_names(text: str, source: str, problems: list[str]) -> None:
    assert [str(p) for p in faithful.check(text, source)] == problems


def test_keys_set_and_delete_use_the_keyring_and_never_print_the_key(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real keyring backend (a JSON file), chosen the way keyring lets users choose one.
    (tmp_path / "filekeyring.py").write_text(
        textwrap.dedent(
            """\
            import json, os
            from keyring.backend import KeyringBackend
            from keyring.errors import PasswordDeleteError

            class FileKeyring(KeyringBackend):
                priority = 1
                path = os.environ["TEST_KEYRING_FILE"]

                def _load(self):
                    return json.load(open(self.path)) if os.path.exists(self.path) else {}

                def get_password(self, service, username):
                    return self._load().get(f"{service}/{username}")

                def set_password(self, service, username, password):
                    data = self._load(); data[f"{service}/{username}"] = password
                    json.dump(data, open(self.path, "w"))

                def delete_password(self, service, username):
                    data = self._load()
                    if f"{service}/{username}" not in data:
                        raise PasswordDeleteError(username)
                    del data[f"{service}/{username}"]
                    json.dump(data, open(self.path, "w"))
            """
        ),
        encoding="utf-8",
    )
    store = tmp_path / "keys.json"
    monkeypatch.setenv("TEST_KEYRING_FILE", str(store))
    monkeypatch.syspath_prepend(str(tmp_path))
    import keyring

    before = keyring.get_keyring()
    keyring.set_keyring(keyring.core.load_keyring("filekeyring.FileKeyring"))
    try:
        monkeypatch.setattr(sys, "stdin", _Stdin("sk-live-123456\n"))
        result = run("keys", "set", "openai")
        assert result.code == 0, result.err
        assert "sk-live-123456" not in result.out + result.err
        assert json.loads(store.read_text()) == {"mlnews/openai": "sk-live-123456"}
        assert secrets.lookup("openai", "NO_SUCH_VARIABLE") == "sk-live-123456"
        assert run("keys", "delete", "openai").code == 0
        missing = run("keys", "delete", "openai")
        assert missing.code == 1 and "no such entry" in missing.err
        monkeypatch.setattr(sys, "stdin", _Stdin("two words\n"))
        refused = run("keys", "set", "openai")
        assert refused.code == 1 and "two words" not in refused.err
    finally:
        keyring.set_keyring(before)


class _Stdin:
    def __init__(self, text: str):
        self.text = text

    def isatty(self) -> bool:
        return False

    def read(self) -> str:
        return self.text
