"""The triage app: a week's candidates, best first, and the decisions made on them.

Pages are an HTML shell (templates/), a script and a style (static/); the data is JSON:

    GET  /api/weeks/2020-W49/candidates   the week's items, ranked, with reasons
    POST /api/decisions                   {"keys": [...], "state": "shortlisted", "section": ..., "week": ...}
    POST /api/undo                        the last decision, undone

A decision is stored at once (a short transaction: `collect` and `import` run beside the
app, WAL and a busy timeout keep them apart) and the ranker retrains in the background,
so that the answer does not wait for it; the page asks for the ranking again after.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from mlnews.app import issue_view, jobs, preview
from mlnews.app.guard import TOKEN_COOKIE, Guard
from mlnews.cli.output import summary
from mlnews.errors import MlnewsError
from mlnews.items import STATES
from mlnews.library import Library
from mlnews.rank import pipeline, reasons
from mlnews.weeks import Week
from mlnews.workspace import Workspace

PAGE = 300  # candidates a page shows first, explained ahead of time
STATIC = ("common.js", "app.js", "app.css", "issue.js", "issue.css")


class Decision(BaseModel):
    keys: list[str]
    state: str
    section: str | None = None
    week: str | None = None


@dataclass
class _Undo:
    key: str
    state: str
    section: str | None
    week: str | None


@dataclass
class Ranked:
    """A week's ranking, best first, and why for the items a page shows first."""

    order: list[tuple[int, float]]  # (item id, score)
    reasons: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class State:
    workspace: Workspace
    undo: list[list[_Undo]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    retrainer: _Retrainer | None = None
    runner: jobs.Jobs | None = None
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
        model = pipeline.current_model(library, config, pipeline.ranker_for(config))
        shown = [(item_id, found[item_id]) for item_id in wanted if item_id in found]
        for (item_id, _), why in zip(shown, reasons.explain(library, model, shown), strict=True):
            ranked.reasons[item_id] = why.lines()


class _Retrainer:
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


def create_app(
    workspace: Workspace, hosts: set[str], access_token: str | None = None, week: Week | None = None
) -> Any:
    """The app, guarded; with `week`, that week is ranked before the first page is asked for."""
    state = State(workspace)
    retrainer = state.retrainer = _Retrainer(workspace, state)
    runner = state.runner = jobs.Jobs(workspace, finished=lambda job: _after(job, state))
    if week is not None:
        with Library.open(workspace.library_path) as library:
            state.ranking(library, week)

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        yield
        retrainer.stop()
        runner.stop_all()

    api = FastAPI(title="mlnews", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    api.state.mlnews = state
    guard = Guard(api, hosts, access_token)

    @api.get("/")
    def home() -> RedirectResponse:
        return RedirectResponse(f"/weeks/{pipeline.today_week(workspace.config)}")

    @api.get("/weeks/{week}", response_class=HTMLResponse)
    def week_page(week: str, request: Request) -> Response:
        chosen = _week(week)
        page = _page("week.html", csrf=guard.csrf, week=str(chosen), sections=workspace.config.sections)
        response = HTMLResponse(page)
        if access_token is not None and request.query_params.get("token") == access_token:
            response.set_cookie(TOKEN_COOKIE, access_token, httponly=True, samesite="strict")
        return response

    api.include_router(jobs.router(runner))
    api.include_router(issue_view.router(workspace, runner))
    api.include_router(preview.router(workspace, lambda name: _media(workspace, name)))

    @api.get("/issues/{period}", response_class=HTMLResponse)
    def issue_page(period: str) -> Response:
        chosen = issue_view.period_of(period)
        # A month's candidates are its weeks': the page links to its last one.
        first_weekday = workspace.config.first_weekday
        week = chosen if isinstance(chosen, Week) else Week.containing(chosen.end(), first_weekday)
        return HTMLResponse(_page("issue.html", csrf=guard.csrf, period=str(chosen), week=str(week)))

    @api.get("/favicon.ico")
    def icon() -> Response:
        icon = (resources.files("mlnews") / "theme" / "assets" / "icon.svg").read_bytes()
        return Response(icon, media_type="image/svg+xml")

    @api.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404)
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        return Response(_asset(name), media_type=f"{kind}; charset=utf-8")

    @api.get("/api/weeks/{week}/candidates")
    def candidates(week: str, limit: int = PAGE) -> dict[str, Any]:
        chosen = _week(week)
        with Library.open(workspace.library_path) as library:
            ranked = state.ranking(library, chosen)
            top = ranked.order[: max(1, min(limit, 2000))]
            state.explain(library, ranked, [item_id for item_id, _ in top])
            found = library.ranking.summaries([item_id for item_id, _ in top])  # their state now
        items = [
            {
                **summary(found[item_id]),
                "abstract": found[item_id].abstract,
                "score": round(score, 4),
                "reasons": ranked.reasons.get(item_id, []),
            }
            for item_id, score in top
            if item_id in found
        ]
        return {"week": str(chosen), "items": items, "total": len(ranked.order)}

    @api.get("/api/items/{key:path}/similar")
    def more_like(key: str, limit: int = 10) -> dict[str, Any]:
        with Library.open(workspace.library_path) as library:
            try:
                ranked = pipeline.similar(library, workspace.config, key, max(1, min(limit, 50)))
            except MlnewsError as error:
                raise HTTPException(404, str(error)) from None
        return {"key": key, "items": [{**summary(r.item), "score": round(r.score, 4)} for r in ranked]}

    @api.get("/media/{name}")
    def media(name: str) -> Response:
        return _media(workspace, name)

    @api.post("/api/decisions")
    def decide(decision: Decision) -> dict[str, Any]:
        if decision.state not in STATES:
            raise HTTPException(422, f"unknown state {decision.state!r}; states are: {', '.join(STATES)}")
        sections = {s.id for s in workspace.config.sections}
        if decision.section is not None and decision.section not in sections:
            raise HTTPException(422, f"unknown section {decision.section!r}")
        keep = decision.state in ("shortlisted", "featured")
        week = str(_week(decision.week)) if keep and decision.week else None
        with state.lock, Library.open(workspace.library_path) as library:
            try:
                before = [library.get(key) for key in decision.keys]
                library.triage(decision.keys, decision.state, decision.section if keep else None, week)
            except MlnewsError as error:
                raise HTTPException(422, str(error)) from None
            state.undo.append([_Undo(i.key or "", i.state, i.section, i.week) for i in before])
        if state.retrainer is not None:
            state.retrainer.request()
        return {"ok": True, "keys": decision.keys, "state": decision.state}

    @api.post("/api/undo")
    def undo() -> dict[str, Any]:
        with state.lock:
            if not state.undo:
                raise HTTPException(409, "nothing to undo")
            last = state.undo.pop()
            with Library.open(workspace.library_path) as library:
                for previous in last:
                    library.triage([previous.key], previous.state, previous.section, previous.week)
        if state.retrainer is not None:
            state.retrainer.request()
        return {"ok": True, "keys": [u.key for u in last]}

    return guard


def _after(job: jobs.Job, state: State) -> None:
    """New items after a collect: the weeks the app shows are ranked again, in the background."""
    if job.command == "collect" and state.retrainer is not None:
        state.retrainer.request()


def _media(workspace: Workspace, name: str) -> Response:
    """A figure: only a file right inside the workspace's media/; no path from a request reaches further."""
    path = workspace.root / "media" / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404)
    kind = {".png": "image/png", ".webp": "image/webp", ".jpg": "image/jpeg", ".gif": "image/gif"}
    return Response(path.read_bytes(), media_type=kind.get(path.suffix.lower(), "application/octet-stream"))


def _week(text: str) -> Week:
    try:
        return Week.parse(text)
    except MlnewsError as error:
        raise HTTPException(404, str(error)) from None


@functools.cache
def _pages() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("mlnews.app", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _page(name: str, **values: Any) -> str:
    return _pages().get_template(name).render(**values)


def _asset(name: str) -> str:
    return (resources.files("mlnews.app") / "static" / name).read_text(encoding="utf-8")


def hosts_for(host: str, port: int) -> set[str]:
    """The Host header values the app answers to when bound to `host`."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost"}
    return {f"{name}:{port}" for name in names}
