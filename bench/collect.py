"""Collect speed: many feeds from a local server, beside plain feedparser on the same bytes.

    python bench/collect.py [--feeds 100] [--items 100]

1. Writes N RSS 2.0 feeds of M items and serves them from a local HTTP server.
2. `mlnews collect` (in-process: the same code path) with one `[sources.NAME]` per feed
   into a new workspace: fetch, parse, dedupe, store, cursors.
3. In the same run, plain `feedparser.parse` of the same bytes, and mlnews' own feed
   parsing of them, to show where the time goes.
4. A second collect: every feed answers 304 (conditional GET).

Issue 4 asks for feeds/s and parse time per feed against plain feedparser, and what dominates.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser

from mlnews import workspace
from mlnews.collect.runner import collect
from mlnews.library import Library
from mlnews.sources.base import parse
from sample import WORDS  # bench/sample.py: shared by the benchmarks


def make_feed(number: int, items: int) -> bytes:
    start = datetime(2020, 11, 29, tzinfo=UTC)
    entries = []
    for index in range(items):
        words = " ".join(WORDS[(number + index + k) % len(WORDS)] for k in range(60))
        published = format_datetime(start - timedelta(hours=index))
        entries.append(
            f"<item><title>Post {number}-{index}: {WORDS[index % len(WORDS)]}</title>"
            f"<link>https://blog{number}.example.org/posts/{index}/</link>"
            f"<guid>https://blog{number}.example.org/posts/{index}/</guid>"
            f"<pubDate>{published}</pubDate><description>&lt;p&gt;{words}&lt;/p&gt;</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog {number}</title>'
        f"<link>https://blog{number}.example.org/</link><description>d</description>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode()


def serve(feeds: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feeds[self.path]
            etag = f'"{hash(body)}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    feeds = {f"/feed{n}.xml": make_feed(n, args.items) for n in range(args.feeds)}
    server = serve(feeds)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as folder:
        made, _ = workspace.init(Path(folder) / "ws")
        sources = "".join(
            f'\n[sources.blog{n}]\ntype = "feed"\nurl = "http://127.0.0.1:{port}/feed{n}.xml"\n'
            for n in range(args.feeds)
        )
        made.config_path.write_text("[network]\nallow_private_addresses = true\n" + sources, encoding="utf-8")
        config = made.config
        with Library.open(made.library_path) as library:
            start = time.perf_counter()
            reports = collect(config, library)
            first = time.perf_counter() - start
            start = time.perf_counter()
            collect(config, library)
            second = time.perf_counter() - start
            stored = library.count()
    server.shutdown()
    assert all(r.ok for r in reports), [r.error for r in reports if r.error]
    start = time.perf_counter()
    for body in feeds.values():
        feedparser.parse(body)
    plain = time.perf_counter() - start
    start = time.perf_counter()
    for body in feeds.values():
        parse("feed", body)
    ours = time.perf_counter() - start
    count = args.feeds
    print(f"{count} feeds of {args.items} items ({stored:,} items stored)\n")
    print(f"{'':34}{'seconds':>9}{'feeds/s':>10}{'ms/feed':>9}")
    rows = [
        ("mlnews collect (fetch+parse+store)", first),
        ("mlnews collect again (all 304)", second),
        ("plain feedparser.parse", plain),
        ("mlnews feed parsing (feedparser+)", ours),
    ]
    for name, seconds in rows:
        print(f"{name:34}{seconds:>9.2f}{count / seconds:>10.1f}{seconds / count * 1000:>9.1f}")
    share, parsing = plain / first, ours / first
    print(f"\nparsing: mlnews/feedparser = {ours / plain:.2f}x; feedparser alone is {share:.0%} of a collect")
    print(
        f"what dominates a collect: parsing {parsing:.0%}, the rest (HTTP, dedupe, SQLite) {1 - parsing:.0%}"
    )


if __name__ == "__main__":
    main()
