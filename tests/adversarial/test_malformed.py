"""Malformed inputs through every command that reads files or fetches them: truncated gzip,
binary junk, nesting past any parser's depth, a cyclic PDF, a line of 16 MB, bad UTF-8, UTF-16,
NUL bytes, entity expansion, a symlink to /etc/passwd as a figure.

Each ends either in a clean success or in an exit code other than 0 with one line on standard
error naming the input, and never in a traceback. Whatever the outcome, /etc/passwd is never
copied into anything mlnews writes.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from .conftest import Tally
from .harness import mlnews, ok

pytestmark = pytest.mark.adversarial

WEEK = "2020-W49"
DEMO = Path(__file__).resolve().parents[2] / "src" / "mlnews" / "demo"
DEPTH = 100_000
CYCLIC_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""
JUNK = random.Random(25).randbytes(64 * 1024)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'.encode() for n in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    b"<link>https://laughs.example.org/1</link></item></channel></rss>\n"
)
FEED = (DEMO / "articles.rss").read_bytes()
PASSWD_MARK = "root:x:0:0"


def snapshot_line(n: int) -> str:
    return json.dumps(
        {
            "id": f"2012.{80000 + n}",
            "submitter": "A",
            "authors": "A. Author",
            "title": f"Paper {n}",
            "categories": "cs.LG",
            "abstract": "An abstract.",
            "versions": [{"version": "v1", "created": "Tue, 1 Dec 2020 09:00:00 GMT"}],
            "update_date": "2020-12-01",
            "authors_parsed": [["Author", "A.", ""]],
        }
    )


def utf16_feed() -> bytes:
    return FEED.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def truncated_gzip() -> bytes:
    whole = gzip.compress("\n".join(snapshot_line(n) for n in range(2000)).encode())
    return whole[: len(whole) // 2]


# name -> the file's bytes (made when a test asks): what `mlnews import` is given
IMPORTS: dict[str, Callable[[], bytes]] = {
    "truncated.jsonl.gz": lambda: truncated_gzip(),
    "junk.bin": lambda: JUNK,
    "junk.jsonl": lambda: b'{"format":"mlnews-item/1"' + JUNK,
    "deep.jsonl": lambda: ('{"id":' + "[" * DEPTH + "\n").encode(),
    "deep-snapshot.jsonl": lambda: (
        snapshot_line(0)[:-1] + ', "x": ' + "[" * DEPTH + "]" * DEPTH + "}\n"
    ).encode(),
    "huge-line.jsonl": lambda: b'{"format":"mlnews-item/1","title":"' + b"x" * (16 << 20) + b'"}\n',
    "bad-utf8.jsonl": lambda: snapshot_line(1).encode().replace(b"Paper", b"Pa\xff\xfeper") + b"\n",
    "bad-utf8.rss": lambda: FEED.replace(b"Demo reading list", b"Demo \xc3\x28 list", 1),
    "utf16.rss": lambda: utf16_feed(),
    "nul.rss": lambda: FEED.replace(b"<title>", b"<title>\x00", 3),
    "nul.jsonl": lambda: snapshot_line(2).encode().replace(b"Paper", b"Pa\x00per") + b"\n",
    "laughs.rss": lambda: LAUGHS,
    "cyclic.pdf": lambda: CYCLIC_PDF,
    "truncated.rss": lambda: FEED[: len(FEED) // 2],
    "deep.bib": lambda: b"@article{deep, title = " + b"{" * DEPTH + b"x" + b"}" * DEPTH + b"}\n",
    "empty.json": lambda: b"",
    "deep.opml": lambda: (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        + b"<outline>" * 5000
        + b"</outline>" * 5000
        + b"</body></opml>"
    ),
}

# name -> issue source text written over issues/2020-W49.md
ISSUES: dict[str, bytes] = {
    "junk": JUNK,
    "bad-utf8": b'+++\nweek = "2020-W49"\n+++\n\nIntro \xff\xfe here.\n',
    "nul": b'+++\nweek = "2020-W49"\n+++\n\nIntro\x00 here.\n',
    "deep-toml": f'+++\nweek = "2020-W49"\nx = {"[" * DEPTH + "]" * DEPTH}\n+++\n\nIntro.\n'.encode(),
    "utf16": '+++\nweek = "2020-W49"\n+++\n\nIntro.\n'.encode("utf-16"),
    "huge-line": b'+++\nweek = "2020-W49"\n+++\n\n' + b"word " * 400_000 + b"\n",  # a 2 MB line
}
ISSUE_COMMANDS: dict[str, list[str]] = {
    "check": ["check", WEEK],
    "render": ["render", WEEK],
    "compose": ["compose", WEEK],
    "build": ["build"],
    "publish": ["publish", WEEK, "--to", "markdown"],
    "email": ["email", WEEK, "-o", "out.eml"],
    "thread": ["thread", WEEK],
}
CONFIGS: dict[str, bytes] = {
    "junk": JUNK,
    "bad-utf8": b'[site]\ntitle = "\xff\xfe"\n',
    "nul": b'[site]\ntitle = "a\x00b"\n',
    "deep-toml": f"x = {'[' * DEPTH + ']' * DEPTH}\n".encode(),
}

# name -> (content type, body) a loopback server answers `mlnews add` and `mlnews collect` with
SERVED: dict[str, tuple[str, bytes]] = {
    "cyclic.pdf": ("application/pdf", CYCLIC_PDF),
    "junk.html": ("text/html", JUNK),
    "bad-utf8.html": ("text/html; charset=utf-8", b"<html><title>\xff\xfe</title><p>\xc3\x28</p></html>"),
    "deep.html": ("text/html", b"<html><body>" + b"<div>" * DEPTH + b"x</body></html>"),
    "laughs.xml": ("application/rss+xml", LAUGHS),
    "junk.xml": ("application/rss+xml", JUNK),
    "utf16.xml": ("application/rss+xml", utf16_feed()),
    "nul.xml": ("application/rss+xml", FEED.replace(b"<title>", b"<title>\x00", 3)),
    "truncated.xml": ("application/rss+xml", FEED[: len(FEED) // 2]),
    "deep.json": (
        "application/feed+json",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * DEPTH,
    ),
}


@dataclass
class Outcome:
    code: int
    err: str

    def problems(self, names: list[str]) -> tuple[bool, bool]:
        """(a traceback, an error that is not one line naming the input)"""
        traceback = "Traceback" in self.err
        if self.code == 0:
            return traceback, False
        # Progress said on the way ("Fetching 2 figures for shortlisted items…") is no error.
        lines = [line for line in self.err.splitlines() if line.strip() and not line.endswith("…")]
        named = len(lines) == 1 and any(name in lines[0] for name in names)
        return traceback, not named


def judge(tally: Tally, command: str, outcome: Outcome, names: list[str], root: Path) -> None:
    traceback, not_one_line = outcome.problems(names)
    leaked = [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and p.suffix != ".db" and PASSWD_MARK in _text(p)
    ]
    tally("inputs", command, inputs=1, tracebacks=int(traceback), **{"not one line": int(not_one_line)})
    assert not traceback, outcome.err[-3000:]
    assert not not_one_line, f"exit {outcome.code}, expected one line naming {names}:\n{outcome.err[-3000:]}"
    assert not leaked, f"/etc/passwd copied into {leaked}"


def _text(path: Path) -> str:
    try:
        return path.read_bytes()[: 4 << 20].decode("utf-8", "replace")
    except OSError:
        return ""


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with one composed week, copied by each test."""
    root = tmp_path_factory.mktemp("malformed") / "ws"
    ok(mlnews("init", str(root)))
    ok(mlnews("-w", str(root), "import", str(DEMO / "papers.atom")))
    ok(
        mlnews(
            "-w", str(root), "shortlist", "--week", WEEK, "--section", "papers", "2011.15126", "2011.12289"
        )
    )
    ok(mlnews("-w", str(root), "compose", WEEK))
    config = root / "mlnews.toml"
    text = config.read_text(encoding="utf-8").replace('from_address = ""', 'from_address = "n@example.org"')
    config.write_text(
        text.replace("allow_private_addresses = false", "allow_private_addresses = true"), "utf-8"
    )
    return root


@pytest.fixture
def ws(composed: Path, tmp_path: Path) -> Path:
    shutil.copytree(composed, tmp_path / "ws")
    return tmp_path / "ws"


def run(ws: Path, *args: str) -> Outcome:
    result = mlnews("-w", str(ws), *args, cwd=ws.parent, timeout=240)
    return Outcome(result.returncode, result.stderr)


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_import(name: str, ws: Path, tally: Tally) -> None:
    path = ws.parent / name
    path.write_bytes(IMPORTS[name]())
    judge(tally, "import", run(ws, "import", str(path)), [name], ws.parent)


def test_import_of_a_folder_and_of_a_missing_file(ws: Path, tally: Tally) -> None:
    (ws.parent / "folder.rss").mkdir()
    judge(tally, "import", run(ws, "import", str(ws.parent / "folder.rss")), ["folder.rss"], ws.parent)
    judge(tally, "import", run(ws, "import", str(ws.parent / "gone.rss")), ["gone.rss"], ws.parent)


ISSUE_CASES = [(issue, command) for issue in sorted(ISSUES) for command in sorted(ISSUE_COMMANDS)]


@pytest.mark.parametrize(("issue", "command"), ISSUE_CASES)
def test_issue_source(issue: str, command: str, ws: Path, tally: Tally) -> None:
    (ws / "issues" / f"{WEEK}.md").write_bytes(ISSUES[issue])
    judge(tally, command, run(ws, *ISSUE_COMMANDS[command]), [f"{WEEK}.md"], ws.parent)


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("command", [["list"], ["check"], ["build"]], ids=["list", "check", "build"])
def test_settings_file(config: str, command: list[str], ws: Path, tally: Tally) -> None:
    (ws / "mlnews.toml").write_bytes(CONFIGS[config])
    judge(tally, command[0], run(ws, *command), ["mlnews.toml"], ws.parent)


@pytest.mark.parametrize("command", ["check", "build", "email", "render"])
def test_a_figure_that_is_a_symlink_to_etc_passwd(command: str, ws: Path, tally: Tally) -> None:
    (ws / "media").mkdir(exist_ok=True)
    (ws / "media" / "figure.png").symlink_to("/etc/passwd")
    issue = ws / "issues" / f"{WEEK}.md"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(
        text.replace("site: arxiv.org\n", "site: arxiv.org\nfigure: media/figure.png\n", 1), "utf-8"
    )
    outcome = run(ws, *ISSUE_COMMANDS[command])
    judge(tally, command, outcome, ["figure.png"], ws.parent)


@pytest.mark.parametrize("name", sorted(n for n in SERVED if not n.endswith((".xml", ".json"))))
def test_add_of_a_hostile_page(name: str, ws: Path, httpserver: HTTPServer, tally: Tally) -> None:
    kind, body = SERVED[name]
    httpserver.expect_request(f"/{name}").respond_with_data(body, content_type=kind)
    url = httpserver.url_for(f"/{name}")
    judge(tally, "add", run(ws, "add", url), [url, name], ws.parent)


@pytest.mark.parametrize("name", sorted(n for n in SERVED if n.endswith((".xml", ".json"))))
def test_collect_of_a_hostile_feed(name: str, ws: Path, httpserver: HTTPServer, tally: Tally) -> None:
    kind, body = SERVED[name]
    httpserver.expect_request(f"/{name}").respond_with_data(body, content_type=kind)
    config = ws / "mlnews.toml"
    source = f'\n[sources.hostile]\ntype = "feed"\nurl = "{httpserver.url_for("/" + name)}"\n'
    config.write_text(config.read_text(encoding="utf-8") + source, encoding="utf-8")
    # --no-figures: the shortlisted papers' figures would be fetched from arxiv.org
    judge(tally, "collect", run(ws, "collect", "--no-figures"), ["hostile", name], ws.parent)
