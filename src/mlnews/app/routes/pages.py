"""The app's pages: an HTML shell per page (templates/), its script and style (static/).

GET /                  this week's candidates
GET /weeks/2020-W49    a week's candidates
GET /issues/2020-W49   an issue, editable
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import jinja2
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mlnews.app import state
from mlnews.app.guard import TOKEN_COOKIE
from mlnews.app.routes.issue import period_of
from mlnews.app.routes.triage import week_of
from mlnews.weeks import Week

routes = APIRouter()

STATIC = ("common.js", "app.js", "app.css", "issue.js", "issue.css")


@routes.get("/")
def home(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/weeks/{Week.this(state.of(request).workspace.config.first_weekday)}")


@routes.get("/weeks/{week}", response_class=HTMLResponse)
def week_page(week: str, request: Request) -> Response:
    held = state.of(request)
    chosen = week_of(week)
    sections = held.workspace.config.sections
    response = HTMLResponse(_page("week.html", csrf=held.csrf, week=str(chosen), sections=sections))
    token = held.access_token
    if token is not None and request.query_params.get("token") == token:
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
    return response


@routes.get("/issues/{period}", response_class=HTMLResponse)
def issue_page(period: str, request: Request) -> Response:
    held = state.of(request)
    chosen = period_of(period)
    # A month's candidates are its weeks': the page links to its last one.
    first_weekday = held.workspace.config.first_weekday
    week = chosen if isinstance(chosen, Week) else Week.containing(chosen.end(), first_weekday)
    return HTMLResponse(_page("issue.html", csrf=held.csrf, period=str(chosen), week=str(week)))


@routes.get("/favicon.ico")
def icon() -> Response:
    icon = (resources.files("mlnews") / "theme" / "assets" / "icon.svg").read_bytes()
    return Response(icon, media_type="image/svg+xml")


@routes.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404)
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    return Response(_asset(name), media_type=f"{kind}; charset=utf-8")


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
