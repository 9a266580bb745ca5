"""A week's candidates, best first, and the decisions made on them (`workflow.triage`).

    GET  /api/weeks/2020-W49/candidates   the week's items, ranked, with reasons
    GET  /api/items/KEY/similar           the items most like one
    POST /api/decisions                   {"keys": [...], "state": "shortlisted", "section": ..., "week": ...}
    POST /api/undo                        the last decision, undone
    POST /api/rules                       {"list": "exclude", "rule": "author:Jane Doe"}: a rule of [rules]

A decision is stored at once (a short transaction: `collect` and `import` run beside the
app, WAL and a busy timeout keep them apart) and the ranker retrains in the background,
so that the answer does not wait for it; the page asks for the ranking again after. A rule
is written to mlnews.toml as `mlnews rules` writes it (`workflow.rules`), and the weeks are
ranked again under it when next asked for.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from mlnews.app import state
from mlnews.errors import MlnewsError
from mlnews.items import summary
from mlnews.library import Library
from mlnews.weeks import Week
from mlnews.workflow import rules, triage

routes = APIRouter()


class Decision(BaseModel):
    keys: list[str]
    state: str
    section: str | None = None
    week: str | None = None


@routes.get("/api/weeks/{week}/candidates")
def candidates(week: str, request: Request, limit: int = state.PAGE) -> dict[str, Any]:
    held = state.of(request)
    chosen = week_of(week)
    with Library.open(held.workspace.library_path) as library:
        ranked = held.ranking(library, chosen)
        top = ranked.order[: max(1, min(limit, 2000))]
        held.explain(library, ranked, [item_id for item_id, _ in top])
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
    return {"week": str(chosen), "items": items, "total": len(ranked.order), "weighting": ranked.weighting}


@routes.get("/api/items/{key:path}/similar")
def similar(key: str, request: Request, limit: int = 10) -> dict[str, Any]:
    from mlnews.rank import pipeline

    workspace = state.of(request).workspace
    with Library.open(workspace.library_path) as library:
        try:
            ranked = pipeline.similar(library, workspace.config, key, max(1, min(limit, 50)))
        except MlnewsError as error:
            raise HTTPException(404, str(error)) from None
    return {"key": key, "items": [{**summary(r.item), "score": round(r.score, 4)} for r in ranked]}


@routes.post("/api/decisions")
def decide(decision: Decision, request: Request) -> dict[str, Any]:
    held = state.of(request)
    kept = decision.state in triage.KEPT
    week = str(week_of(decision.week)) if kept and decision.week else None
    with held.lock, Library.open(held.workspace.library_path) as library:
        try:
            triage.decide(
                library,
                held.workspace.config,
                decision.keys,
                decision.state,
                decision.section if kept else None,
                week,
                retrain=False,  # in the background: the answer does not wait for it
            )
        except MlnewsError as error:
            raise HTTPException(422, str(error)) from None
    if held.retrainer is not None:
        held.retrainer.request()
    return {"ok": True, "keys": decision.keys, "state": decision.state}


@routes.post("/api/undo")
def undo(request: Request) -> dict[str, Any]:
    held = state.of(request)
    with held.lock, Library.open(held.workspace.library_path) as library:
        try:
            undone = triage.undo(library, held.workspace.config, retrain=False)
        except MlnewsError as error:
            raise HTTPException(409, str(error)) from None
    if held.retrainer is not None:
        held.retrainer.request()
    return {"ok": True, "keys": [item.key for item in undone]}


class RuleChange(BaseModel):
    list: str  # "include" or "exclude"
    rule: str  # a word or phrase, author:NAME or category:NAME


@routes.post("/api/rules")
def add_rule(change: RuleChange, request: Request) -> dict[str, Any]:
    held = state.of(request)
    with held.lock:
        try:
            done = rules.add(held.workspace, change.list, change.rule)
        except MlnewsError as error:
            raise HTTPException(422, str(error)) from None
        if done.changed:
            held.rankings.clear()  # every week is ranked again under the rules when next shown
    return {"ok": True, "changed": done.changed, "message": done.message}


def week_of(text: str) -> Week:
    """The week a URL names; 404, saying what is expected, if it does not name one."""
    try:
        return Week.parse(text)
    except MlnewsError as error:
        raise HTTPException(404, str(error)) from None
