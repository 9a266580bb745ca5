"""The triage app, put together: its state, its routes by concern (`routes/`), and the guard
around them (Host, CSRF, CSP, a token off loopback).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from mlnews.app import jobs
from mlnews.app.guard import Guard
from mlnews.app.routes import issue, media, pages, preview, triage
from mlnews.app.routes import jobs as routes_jobs
from mlnews.app.serving import hosts_for
from mlnews.app.state import Retrainer, State
from mlnews.library import Library
from mlnews.weeks import Week
from mlnews.workspace import Workspace

__all__ = ["create_app", "hosts_for"]

ROUTES = (pages, triage, issue, routes_jobs, media, preview)


def create_app(
    workspace: Workspace, hosts: set[str], access_token: str | None = None, week: Week | None = None
) -> Any:
    """The app, guarded; with `week`, that week is ranked before the first page is asked for."""
    held = State(workspace, access_token=access_token)
    retrainer = held.retrainer = Retrainer(workspace, held)
    runner = held.runner = jobs.Jobs(workspace, finished=lambda job: _after(job, held))
    if week is not None:
        with Library.open(workspace.library_path) as library:
            held.ranking(library, week)

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        yield
        retrainer.stop()
        runner.stop_all()

    api = FastAPI(title="mlnews", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    api.state.mlnews = held
    guard = Guard(api, hosts, access_token)
    held.csrf = guard.csrf
    for module in ROUTES:
        api.include_router(module.routes)
    return guard


def _after(job: jobs.Job, held: State) -> None:
    """New items after a collect: the weeks the app shows are ranked again, in the background."""
    if job.command == "collect" and held.retrainer is not None:
        held.retrainer.request()
