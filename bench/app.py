"""The triage app's speed with a big library: the first page and a decision's round trip.

    python bench/app.py [--items 100000]

Builds a library of N generated arXiv records, all dated in one week (bench/ingest.py's
generator, as bench/rank.py), with a history of 600 decisions; serves `mlnews app` on
loopback (uvicorn, as `mlnews app` does) and times, over HTTP as the browser asks:

- the first page: the HTML shell, then the week's candidates (the top 300, with reasons),
  cold (the week ranked for the first time) and warm (the ranking kept by the app);
- a decision: POST /api/decisions, stored at once (the retrain runs in the background).

The side by side: arxiv-sanity-lite's page render is not comparable (it ranks in memory at
start-up), so the figures are printed against the issue's goals: first page < 200 ms,
decision round trip < 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from rank import WEEK, build, decide  # bench/rank.py

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from mlnews.workspace import Workspace
from test_app import serve  # the same server the tests drive


def timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        build(Path(folder), args.items)
        decide(Path(folder))
        print(f"library of {args.items:,} items built in {time.perf_counter() - started:.0f} s")
        workspace = Workspace(Path(folder))
        server, address = serve(workspace)
        try:
            with httpx.Client(timeout=120) as client:
                page = f"{address}/weeks/{WEEK}"
                api = f"{address}/api/weeks/{WEEK}/candidates"
                cold = timed(lambda: client.get(page)) + timed(lambda: client.get(api).raise_for_status())
                warm = [timed(lambda: client.get(page)) + timed(lambda: client.get(api)) for _ in range(10)]
                token = client.get(page).text.split('name="csrf-token" content="')[1].split('"')[0]
                keys = [item["key"] for item in client.get(api).json()["items"] if item["state"] == "new"][
                    :20
                ]
                round_trips = []
                for key in keys:
                    body = {"keys": [key], "state": "rejected"}
                    round_trips.append(
                        timed(
                            lambda b=body: client.post(
                                f"{address}/api/decisions", json=b, headers={"X-CSRF-Token": token}
                            )
                        )
                    )
                # The ranker retrains in the background after decisions: how long until the
                # page's next read has the new order.
                retrainer = server.config.app.app.state.mlnews.retrainer
                started = time.perf_counter()
                retrainer.idle.wait(timeout=600)
                retrained = time.perf_counter() - started
        finally:
            server.should_exit = True
            # The server's thread ends after the app has stopped its background work: a
            # retrain cut off by the interpreter's exit would abort the process.
            for thread in threading.enumerate():
                if thread is not threading.current_thread():
                    thread.join(timeout=60)
        print(f"first page, cold (ranks {args.items:,} candidates): {cold:.0f} ms")
        print(f"first page, warm: median {statistics.median(warm):.0f} ms (goal < 200 ms)")
        print(
            f"decision round trip: median {statistics.median(round_trips):.1f} ms, "
            f"max {max(round_trips):.1f} ms (goal < 50 ms)"
        )
        print(
            f"new order after the last decision (retrain + re-rank, in the background): {retrained:.1f} s "
            f"(one retrain and re-rank: {retrainer.seconds:.1f} s)"
        )


if __name__ == "__main__":
    main()
