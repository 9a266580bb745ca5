"""Jobs from the app (`app.jobs` runs them): start one, follow it, cancel it.

POST /api/jobs                 {"command": "compose", "period": "2020-W49", "force": false}
GET  /api/jobs/latest          the job running or last run (a reloaded page finds it)
GET  /api/jobs/7               one job: state, step, output
POST /api/jobs/7/cancel
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from mlnews.app import jobs, state
from mlnews.app.jobs import Jobs

routes = APIRouter()


class Start(BaseModel):
    command: str
    period: str | None = None
    force: bool = False


def _runner(request: Request) -> Jobs:
    runner = state.of(request).runner
    assert runner is not None  # create_app makes it
    return runner


@routes.post("/api/jobs", status_code=202)
def start(wanted: Start, request: Request) -> dict[str, Any]:
    return _runner(request).start(wanted.command, wanted.period, wanted.force).as_json()


@routes.get("/api/jobs/latest")
def latest(request: Request) -> dict[str, Any]:
    job = _runner(request).latest()
    return {"job": job.as_json() if job else None}


@routes.get("/api/jobs/{number}")
def show(number: int, request: Request) -> dict[str, Any]:
    return jobs.find(_runner(request), number).as_json()


@routes.post("/api/jobs/{number}/cancel")
def cancel(number: int, request: Request) -> dict[str, Any]:
    runner = _runner(request)
    job = jobs.find(runner, number)
    runner.cancel(job)
    return job.as_json()
