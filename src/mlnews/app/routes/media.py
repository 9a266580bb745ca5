"""Figures from the workspace's media/, for the triage pages and the preview alike.

    GET /media/NAME, /preview/media/NAME

Only a file right inside media/ is served (where `mlnews figures` saves them): the name is one
path segment, and the path it resolves to, symbolic links followed, must still be inside media/.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from mlnews.app import state

routes = APIRouter()

KINDS = {".png": "image/png", ".webp": "image/webp", ".jpg": "image/jpeg", ".gif": "image/gif"}


@routes.get("/media/{name}")
@routes.get("/preview/media/{name}")
def figure(name: str, request: Request) -> Response:
    return answer(state.of(request).workspace.root / "media", name)


def answer(folder: Path, name: str) -> Response:
    path = inside(folder, name)
    if path is None:
        raise HTTPException(404)
    return Response(path.read_bytes(), media_type=KINDS.get(path.suffix.lower(), "application/octet-stream"))


def inside(folder: Path, name: str) -> Path | None:
    """The file `name` names right inside `folder`, if it is one and resolves to inside it."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\0" in name:
        return None
    try:
        path = (folder / name).resolve(strict=True)
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return path if path.is_file() and path.parent == root else None
