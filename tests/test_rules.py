"""The curator's rules (`[rules]`, `mlnews rules`, the app's `i`/`e`): an excluded item never
appears, a pinned one comes first with the rule as its reason, min_score hides low ones but
never a pinned one, a bad rule is a one-line error, every edit is safe to repeat."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from mlnews.errors import UsageError
from mlnews.items import Item
from mlnews.library import Library
from mlnews.rank.rules import Rule, Rules, apply
from mlnews.workspace import Workspace
from test_app import WEEK, csrf_of, serve

VIDEO_CHAT = "arxiv:2012.00328"  # "Low Bandwidth Video-Chat Compression using Deep Generative Models"
MULTIMODAL = "arxiv:2011.15124"  # by Emanuele Bugliarello, Ryan Cotterell…
PIXELNERF = "arxiv:2012.02190"  # the only cs.GR candidate


def candidates(run: Any, workspace: Workspace, *extra: str) -> list[dict[str, Any]]:
    result = run("-w", str(workspace.root), "candidates", WEEK, "--json", "--limit", "500", *extra)
    assert result.code == 0, result.err
    found: list[dict[str, Any]] = result.json()
    return found


def rules(run: Any, workspace: Workspace, *args: str) -> str:
    result = run("-w", str(workspace.root), "rules", *args)
    assert result.code == 0, result.err
    return str(result.out)


def test_an_excluded_item_never_appears_and_keeps_no_score(run: Any, demo_copy: Workspace) -> None:
    before = [c["key"] for c in candidates(run, demo_copy, "--all")]
    assert {MULTIMODAL, PIXELNERF, VIDEO_CHAT} <= set(before)
    # Any case, any spaces, accents or not; a category in any case; a phrase whatever its hyphens.
    rules(run, demo_copy, "exclude", "author:ÉMANUELE  bugliarello")
    rules(run, demo_copy, "exclude", "category:cs.gr")
    rules(run, demo_copy, "exclude", "video chat")
    after = [c["key"] for c in candidates(run, demo_copy, "--all")]
    assert after == [key for key in before if key not in {MULTIMODAL, PIXELNERF, VIDEO_CHAT}]
    ranked = run("-w", str(demo_copy.root), "rank", "--week", WEEK)
    assert ranked.code == 0 and f"ranked {len(after)} candidates" in ranked.out
    # Kept with no score: `list --sort score` (and compose's picks) put them last, unscored.
    listed = {i["key"]: i for i in run("-w", str(demo_copy.root), "list", "--sort", "score", "--json").json()}
    assert all(listed[key]["score"] is None for key in (MULTIMODAL, PIXELNERF, VIDEO_CHAT))
    assert listed[after[0]]["score"] is not None
    # A word is a whole word: "chats" is not "chat".
    rules(run, demo_copy, "remove", "video chat")
    rules(run, demo_copy, "exclude", "video chats")
    assert VIDEO_CHAT in [c["key"] for c in candidates(run, demo_copy)]


def test_a_pinned_item_comes_first_with_the_rule_as_its_reason(run: Any, demo_copy: Workspace) -> None:
    plain = candidates(run, demo_copy)
    assert plain[0]["key"] != VIDEO_CHAT and VIDEO_CHAT in [c["key"] for c in plain]
    assert "pinned: include 'video-chat compression'" not in str(plain)
    out = rules(run, demo_copy, "include", "Video-Chat Compression")
    assert "include 'Video-Chat Compression': added" in out
    pinned = candidates(run, demo_copy)
    assert (
        pinned[0]["key"] == VIDEO_CHAT and pinned[0]["score"] < pinned[1]["score"]
    )  # first whatever its score
    assert pinned[0]["reasons"]["rule"] == "pinned: include 'Video-Chat Compression'"
    assert all(c["reasons"]["rule"] == "" for c in pinned[1:])
    assert [c["key"] for c in pinned[1:]] == [c["key"] for c in plain if c["key"] != VIDEO_CHAT]
    shown = run("-w", str(demo_copy.root), "candidates", WEEK, "--limit", "1")
    assert "pinned: include 'Video-Chat Compression'" in shown.out
    # Exclude wins over include; a decision stands over both.
    rules(run, demo_copy, "include", "author:Ryan Cotterell")
    rules(run, demo_copy, "exclude", "multimodal")
    assert MULTIMODAL not in [c["key"] for c in candidates(run, demo_copy)]
    shortlisted = run("-w", str(demo_copy.root), "shortlist", MULTIMODAL, "--week", WEEK)
    assert shortlisted.code == 0, shortlisted.err
    assert MULTIMODAL in [c["key"] for c in candidates(run, demo_copy, "--all")]


def test_min_score_hides_low_items_but_never_a_pinned_one(run: Any, demo_copy: Workspace) -> None:
    plain = candidates(run, demo_copy)
    scores = sorted({c["score"] for c in plain})
    bar = (scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2  # between two scores shown
    lowest = min(plain, key=lambda c: c["score"])
    rules(run, demo_copy, "min-score", str(bar))
    rules(run, demo_copy, "include", f"author:{lowest['authors'][0]}")
    shown = candidates(run, demo_copy)
    assert shown[0]["key"] == lowest["key"] and shown[0]["score"] < bar
    assert all(c["score"] >= bar for c in shown[1:])
    assert [c["key"] for c in shown[1:]] == [c["key"] for c in plain if c["score"] >= bar and c is not lowest]
    assert f"min_score {bar:g}" in rules(run, demo_copy).splitlines()
    rules(run, demo_copy, "min-score", "0")
    assert len(candidates(run, demo_copy)) == len(plain)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["exclude", "foo:bar"], "rules exclude: 'foo:bar': unknown prefix 'foo:'"),
        (["include", "  "], "rules include: '  ': a rule is a word or phrase"),
        (["include", "author:"], "author: names nobody"),
        (["exclude", "..."], "'...': matches nothing: a phrase needs a letter or a digit"),
        (["min-score", "nan"], "rules min-score: expected a number, got nan"),
        (["remove", "topic:x"], "unknown prefix 'topic:'"),
    ],
)
def test_a_bad_rule_is_a_one_line_error(
    run: Any, demo_copy: Workspace, args: list[str], message: str
) -> None:
    before = (demo_copy.root / "mlnews.toml").read_bytes()
    result = run("-w", str(demo_copy.root), "rules", *args)
    assert result.code == 1 and message in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert (demo_copy.root / "mlnews.toml").read_bytes() == before


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("exclude = ['thing:x']", "rules.exclude: 'thing:x': unknown prefix 'thing:'"),
        ("include = ['']", "rules.include: '': a rule is a word or phrase"),
        ("include = [3]", "rules.include: expected a list of strings, got 3"),
        ("include = ['gan']\nexclude = ['GAN']", "rules: 'GAN' is both included and excluded"),
        ("min_score = 'high'", "rules.min_score: expected a number, got 'high'"),
        ("pin = ['x']", "unknown key 'rules.pin'; known keys: include, exclude, min_score"),
    ],
)
def test_a_bad_rules_table_is_a_one_line_error_naming_the_setting(
    run: Any, demo_copy: Workspace, table: str, message: str
) -> None:
    path = demo_copy.root / "mlnews.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[rules]\n")
    end = text.index("\n[", start + 1)
    path.write_text(text[:start] + f"[rules]\n{table}\n" + text[end:], encoding="utf-8")
    result = run("-w", str(demo_copy.root), "candidates", WEEK)
    assert result.code == 1 and message in result.err and str(path) in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1


def test_rule_edits_are_safe_to_repeat_and_keep_the_curators_comments(run: Any, demo_copy: Workspace) -> None:
    path = demo_copy.root / "mlnews.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[rules]\n", "[rules]\n# my own note\n"), "utf-8"
    )
    assert "no rules yet" in rules(run, demo_copy)
    assert "added" in rules(run, demo_copy, "include", "diffusion")
    once = path.read_bytes()
    assert "already a rule; nothing changed" in rules(run, demo_copy, "include", "Diffusion")
    assert path.read_bytes() == once and b"# my own note" in once
    moved = rules(run, demo_copy, "exclude", "diffusion")
    assert "exclude 'diffusion': added (no longer included)" in moved
    assert rules(run, demo_copy).splitlines() == ["exclude 'diffusion'"]
    assert "removed" in rules(run, demo_copy, "remove", "DIFFUSION")
    assert "not a rule; nothing changed" in rules(run, demo_copy, "remove", "diffusion")
    assert "min_score: 0.25" in rules(run, demo_copy, "min-score", "0.25")
    assert "already" in rules(run, demo_copy, "min-score", "0.25")
    written = tomllib.loads(path.read_text(encoding="utf-8"))["rules"]
    assert written == {"include": [], "exclude": [], "min_score": 0.25}


def test_rules_order_100000_candidates_at_once() -> None:
    count = 100_000
    ruling = Rules((Rule("text", "a"), Rule("author", "b")), (Rule("category", "c"),), 0.5)
    rng = np.random.default_rng(3)
    ids, scores = np.arange(count, dtype=np.int64) + 7, rng.random(count)
    including = np.where(rng.random(count) < 0.01, rng.integers(0, 2, count), -1)
    excluding = np.where(rng.random(count) < 0.05, 0, -1)
    started = time.perf_counter()
    ruled = apply(ruling, ids, scores, including, excluding, lambda: {7})
    took = time.perf_counter() - started
    pinned = (including >= 0) & (excluding < 0)
    assert ruled.ids[: pinned.sum()].tolist() == ids[pinned][np.argsort(-scores[pinned])].tolist()
    rest = ruled.scores[pinned.sum() :][ruled.ids[pinned.sum() :] != 7]
    assert (rest >= 0.5).all() and (np.diff(rest) <= 0).all()
    assert 7 in ruled.ids.tolist()  # decided: never hidden, whatever its score
    assert np.isnan([s for i, s in ruled.stored if excluding[i - 7] >= 0 and i != 7]).all()
    assert took < 0.5, took
    why = ruled.why()
    excluded_one, pinned_one = int(ids[np.flatnonzero(excluding >= 0)[1]]), int(ruled.ids[0])
    assert why[excluded_one] == "hidden: exclude category:c" and 7 not in why
    assert why[pinned_one] in ("pinned: include 'a'", "pinned: include author:b")
    low = int(ids[np.flatnonzero((scores < 0.5) & (including < 0) & (excluding < 0) & (ids != 7))[0]])
    assert why[low] == "hidden: under min_score 0.5"
    assert ruled.hidden == len(ids) - len(ruled.ids)


@pytest.mark.parametrize("index", ["answers", "cannot answer"])
def test_text_rules_pin_and_hide_by_whole_words_whoever_answers(
    index: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library.open(tmp_path / "library.db") as library:
        with library.transaction():
            for number, title, abstract, author in [
                (1, "Diffusion models for video", "We denoise.", "Zoë Ångström"),
                (2, "Fast diffusions", "Models of diffusion-limited growth.", "Ann Lee"),
                (3, "Graph transformers", "Attention over graphs, not diffusion models.", "Bo Li"),
                (4, "Video chat compression", "Keypoints instead of frames.", "Zoe Angstrom Jr"),
            ]:
                library.add(
                    Item(
                        title=title,
                        abstract=abstract,
                        kind="paper",
                        authors=[author],
                        key=f"arxiv:2011.1000{number}",
                    )
                )
        if index == "cannot answer":  # as while it is behind: FTS5 checks the candidates
            monkeypatch.setattr(library.text_index, "among", lambda query, ids: None)
        key_of = dict(library.db.execute("SELECT id, key FROM items").fetchall())
        ids = np.array(sorted(key_of), dtype=np.int64)

        def found(rule: str, among: np.ndarray = ids) -> set[str]:
            return {key_of[int(i)] for i in among[Rule.parse(rule).found(library, among)]}

        assert found("diffusion models") == {"arxiv:2011.10001", "arxiv:2011.10003"}  # title or abstract
        assert found("Diffusion") == {"arxiv:2011.10001", "arxiv:2011.10002", "arxiv:2011.10003"}
        assert found("diffusions") == {"arxiv:2011.10002"}  # a whole word
        assert found("author:zoe angstrom") == {"arxiv:2011.10001"}  # one whole author, accents or not
        assert found("diffusion models", ids[2:]) == {"arxiv:2011.10003"}  # only among those asked
        ruling = Rules((Rule.parse("diffusion"),), (Rule.parse("graph transformers"),))
        assert sorted(ruling.pinned(library, ids.tolist()).values()) == ["pinned: include 'diffusion'"] * 2
        assert {key_of[i] for i in ruling.pinned(library, ids.tolist())} == {
            "arxiv:2011.10001",
            "arxiv:2011.10002",
        }


def test_a_rule_is_parsed_once_with_its_setting_named() -> None:
    assert Rule.parse("author:Yann  LeCun") == Rule("author", "Yann LeCun")
    assert Rule.parse("Category:cs.CV") == Rule("category", "cs.CV")
    assert Rule.parse("GPT-4: a study") == Rule("text", "GPT-4: a study")  # no prefix: a phrase
    assert str(Rule.parse("diffusion")) == "'diffusion'" and str(Rule("author", "X Y")) == "author:X Y"
    with pytest.raises(UsageError, match=r"^\[rules\] exclude: 'venue:x': unknown prefix"):
        Rule.parse("venue:x", "[rules] exclude")


# -- the app ---------------------------------------------------------------------------------------


@pytest.fixture
def app(demo_copy: Workspace) -> Iterator[tuple[Workspace, str]]:
    server, address = serve(demo_copy)
    yield demo_copy, address
    server.should_exit = True


def test_a_rule_made_in_the_app_changes_the_list_and_is_the_clis(
    app: tuple[Workspace, str], run: Any
) -> None:
    workspace, address = app
    listed = httpx.get(f"{address}/api/weeks/{WEEK}/candidates").json()["items"]
    assert MULTIMODAL in [i["key"] for i in listed] and listed[0]["key"] != VIDEO_CHAT
    headers = {"x-csrf-token": csrf_of(address)}
    made = httpx.post(
        f"{address}/api/rules",
        json={"list": "exclude", "rule": "author:Emanuele Bugliarello"},
        headers=headers,
    )
    assert made.status_code == 200 and made.json()["changed"], made.text
    pin = {"list": "include", "rule": "video-chat"}
    assert httpx.post(f"{address}/api/rules", json=pin, headers=headers).json()["changed"]
    again = httpx.post(f"{address}/api/rules", json=pin, headers=headers).json()
    assert not again["changed"] and "already a rule" in again["message"]
    after = httpx.get(f"{address}/api/weeks/{WEEK}/candidates").json()["items"]
    assert MULTIMODAL not in [i["key"] for i in after]
    assert after[0]["key"] == VIDEO_CHAT and after[0]["reasons"][0] == "pinned: include 'video-chat'"
    assert rules(run, workspace).splitlines() == [
        "include 'video-chat'",
        "exclude author:Emanuele Bugliarello",
    ]
    bad = httpx.post(f"{address}/api/rules", json={"list": "exclude", "rule": "x:y"}, headers=headers)
    assert bad.status_code == 422 and "unknown prefix 'x:'" in bad.json()["detail"]
    refused = httpx.post(f"{address}/api/rules", json={"list": "exclude", "rule": "deep"})
    assert refused.status_code == 403 and "deep" not in (workspace.root / "mlnews.toml").read_text("utf-8")


@pytest.mark.browser
def test_an_author_selected_in_the_page_is_hidden_with_one_key(
    browser: Any, app: tuple[Workspace, str]
) -> None:
    from playwright.sync_api import expect

    workspace, address = app
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{address}/weeks/{WEEK}")
    rows = page.locator("#items li")
    rows.first.wait_for()
    first, count = rows.first.get_attribute("data-key"), rows.count()
    author = page.locator("#detail .author").first
    name = author.inner_text()
    author.dblclick(position={"x": 4, "y": 4})  # selects its first word: the rule takes the whole name
    page.keyboard.press("e")
    expect(page.locator("#status")).to_contain_text(f"exclude author:{name}: added")
    expect(rows).to_have_count(count - 1)
    assert first not in rows.evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert rules_of(workspace)["exclude"] == [f"author:{name}"]
    page.keyboard.press("i")  # nothing selected: says what to do, changes nothing
    expect(page.locator("#status")).to_contain_text("Select a word or phrase")
    assert errors == []
    page.context.close()


def rules_of(workspace: Workspace) -> dict[str, Any]:
    found: dict[str, Any] = tomllib.loads((workspace.root / "mlnews.toml").read_text(encoding="utf-8"))[
        "rules"
    ]
    return found
