"""What the app holds while it runs: the workspace, the weeks ranked so far and why, the
background retrainer, the jobs, and the entries removed from issue pages; every handler reaches
it through `of(request)`."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request

from mlnews.app.jobs import Jobs
from mlnews.document.edits import Removed
from mlnews.library import Library
from mlnews.rank import pipeline, reasons
from mlnews.rank.rules import Rules
from mlnews.weeks import Week
from mlnews.workspace import Workspace

PAGE = 300  # candidates a page shows first, explained ahead of time


@dataclass
class Ranked:
    """A week's ranking, best first, and why for the items a page shows first."""

    order: list[tuple[int, float]]  # (item id, score)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    weighting: str = ""  # what the ranker weighs, as `reasons.weighting` says it


@dataclass
class State:
    workspace: Workspace
    lock: threading.Lock = field(default_factory=threading.Lock)
    retrainer: Retrainer | None = None
    runner: Jobs | None = None
    csrf: str = ""  # the guard's token for this run, put into every page
    access_token: str | None = None
    # Entries removed from an issue page since the app started, by issue, the last removed last:
    # the page can put them back.
    removed: dict[str, list[Removed]] = field(default_factory=dict)
    # Ranking 100,000 candidates and saying why for a page of them takes most of a second;
    # a page must not: both are made once, and again after each retrain, in the background.
    rankings: dict[str, Ranked] = field(default_factory=dict)

    def ranking(self, library: Library, week: Week) -> Ranked:
        if str(week) not in self.rankings:
            self.rankings[str(week)] = self.rank(library, week)
        return self.rankings[str(week)]

    def rank(self, library: Library, week: Week) -> Ranked:
        config = self.workspace.config
        ids, scores = pipeline.score_week(library, config, week)
        ranked = Ranked(list(zip(ids.tolist(), scores.tolist(), strict=True)))
        self.explain(library, ranked, [item_id for item_id, _ in ranked.order[:PAGE]])
        return ranked

    def explain(self, library: Library, ranked: Ranked, ids: list[int]) -> None:
        """Why, for the items of `ids` not yet explained (the model is the one that ranked them)."""
        wanted = [item_id for item_id in ids if item_id not in ranked.reasons]
        if not wanted:
            return
        config = self.workspace.config
        found = library.ranking.summaries(wanted)
        ranker = pipeline.ranker_for(config)
        model = pipeline.current_model(library, config, ranker)
        ranked.weighting = reasons.weighting(model)
        shown = [(item_id, found[item_id]) for item_id in wanted if item_id in found]
        why = reasons.explain(library, model, shown, pipeline.followed(ranker), Rules.of(config))
        for (item_id, _), reason in zip(shown, why, strict=True):
            ranked.reasons[item_id] = reason.lines()


class Retrainer:
    """One background thread that retrains after decisions; decisions made meanwhile are
    folded into the next run rather than queued one by one."""

    def __init__(self, workspace: Workspace, state: State):
        self.workspace = workspace
        self.state = state
        self.wanted = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.runs = 0
        self.seconds = 0.0
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name="mlnews-retrain", daemon=True)
        self.thread.start()

    def request(self) -> None:
        self.idle.clear()
        self.wanted.set()

    def stop(self) -> None:
        """After the run under way, if any: a thread left in the middle of numerical code when
        the interpreter exits aborts the process."""
        self.stopping = True
        self.wanted.set()
        self.thread.join(timeout=60)

    def _loop(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            if self.stopping:
                return
            started = time.perf_counter()
            try:
                with Library.open(self.workspace.library_path) as library:
                    pipeline.after_decision(library, self.workspace.config)
                    for week in list(self.state.rankings):
                        self.state.rankings[week] = self.state.rank(library, Week.parse(week))
            except Exception as error:  # the thread outlives a failure: the next decision tries again
                print(f"mlnews app: retraining failed: {type(error).__name__}: {error}", file=sys.stderr)
            self.runs += 1
            self.seconds = time.perf_counter() - started  # the last run's, for the benchmark
            if not self.wanted.is_set():
                self.idle.set()


def of(request: Request) -> State:
    state: State = request.app.state.mlnews
    return state
