"""The figures issues name, copied from the workspace's `media/` into the site, web-sized."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

MAX_FIGURE_WIDTH = 1200
_FIGURE = re.compile(r"^figure:\s*(\S.*?)\s*$", re.M)


def copy_figures(workspace: Path, sources: Iterable[bytes], out: Path) -> set[str]:
    """Every figure an issue names, copied once and made web-sized if it is not already.

    Returns the site's files they are, copied now or already there.
    """
    media = (workspace / "media").resolve()
    copied: set[str] = set()
    for text in sources:
        if b"\nfigure:" not in text:
            continue
        for figure in _FIGURE.findall(text.decode("utf-8")):
            origin = (workspace / figure).resolve()
            if not origin.is_file() or not origin.is_relative_to(media):
                continue  # `check` reports it; nothing outside media/ is ever published
            relative = str(origin.relative_to(workspace.resolve()))
            copied.add(relative)
            target = out / relative
            stamp = origin.stat()
            if target.is_file() and target.stat().st_mtime_ns == stamp.st_mtime_ns:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # may be a link to the published site's copy: never write through
            _web_sized_copy(origin, target)
            os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # "already copied", next time
    return copied


def _web_sized_copy(origin: Path, target: Path) -> None:
    """A figure made by `mlnews figures` is web-sized already; one put in media/ by hand may not be."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(origin) as image:
            too_big = image.width > MAX_FIGURE_WIDTH
            if too_big:
                image.thumbnail((MAX_FIGURE_WIDTH, MAX_FIGURE_WIDTH * 4))
                image.save(target, format=image.format or "PNG")
                return
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        pass  # not an image Pillow reads: published as it is
    shutil.copyfile(origin, target)
