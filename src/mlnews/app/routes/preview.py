"""The issue as it will be published, in each language, rendered live from the issue source.

    GET /preview/2020-W49/        the site's page for the issue, first language
    GET /preview/zh/2020-W49/     the same in Chinese
    GET /preview/assets/style.css          (its figures: `media`)

The page is the one `build` writes (same theme, same templates), for a site whose root is
/preview/: an edit shows at the next load, nothing is written, and links to other issues
work inside the preview. The page's own script is not run (the frame is sandboxed).
"""

from __future__ import annotations

import jinja2
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from mlnews.app import state
from mlnews.app.routes.issue import period_of
from mlnews.document import source
from mlnews.errors import MlnewsError
from mlnews.publish import site
from mlnews.render.pages import template_problem

KINDS = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


routes = APIRouter()


@routes.get("/preview/assets/{name}")
def asset(name: str, request: Request) -> Response:
    if name not in site.ASSETS:
        raise HTTPException(404)
    workspace = state.of(request).workspace
    return Response(site.asset(workspace, name), media_type=KINDS[name[name.rindex(".") :]])


@routes.get("/preview/{first}/{second}/", response_class=HTMLResponse)
def translated(first: str, second: str, request: Request) -> Response:
    return page(request, second, first)


@routes.get("/preview/{period}/", response_class=HTMLResponse)
def original(period: str, request: Request) -> Response:
    return page(request, period, state.of(request).workspace.config.languages[0])


def page(request: Request, period: str, lang: str) -> Response:
    """The site's page for an issue in `lang`, rendered now for a site rooted at /preview/."""
    workspace = state.of(request).workspace
    if lang not in workspace.config.languages:
        raise HTTPException(404, f"{lang}: not one of this newsletter's languages")
    chosen = period_of(period)
    if not source.path_for(workspace.issues_dir, chosen).exists():
        raise HTTPException(404, f"{chosen}: no such issue yet; compose it first")
    root = f"http://{request.headers['host']}/preview/"  # the guard let only the app's own host in
    try:
        return HTMLResponse(site.issue_page(workspace, chosen, lang, root))
    except jinja2.TemplateError as error:
        raise HTTPException(500, template_problem(error)) from None
    except MlnewsError as error:
        raise HTTPException(422, str(error)) from None
