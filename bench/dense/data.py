"""The real pool (arxiv/daily_2025) and curator (hf-daily) for the dense-backend experiment.

Dates as mlnews reads the snapshot format: `published` = the first version's date
(src/mlnews/formats/arxiv_snapshot.py), the window = [to-27, to] (rank/labels.window, 28 days).
"""

from __future__ import annotations

import gzip
import json
import pickle
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

DATA = Path("/work/shared/data")
CACHE = Path("/tmp/dense")
LOOKBACK = 28


def _day(record: dict) -> str:
    versions = record.get("versions") or []
    if versions:
        try:
            return parsedate_to_datetime(versions[0]["created"]).date().isoformat()
        except (TypeError, ValueError):
            pass
    return record.get("update_date") or ""


def pool() -> dict:
    """{'ids': [...], 'title': [...], 'abstract': [...], 'day': [...], 'cats': [...]} in file order."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / "pool.pkl"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    out: dict = {"ids": [], "title": [], "abstract": [], "day": [], "cats": []}
    seen = set()
    for path in sorted((DATA / "arxiv" / "daily_2025").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                r = json.loads(line)
                if r["id"] in seen:
                    continue
                seen.add(r["id"])
                out["ids"].append(r["id"])
                out["title"].append(" ".join((r.get("title") or "").split()))
                out["abstract"].append(" ".join((r.get("abstract") or "").split()))
                out["day"].append(_day(r))
                out["cats"].append(r.get("categories") or "")
    cached.write_bytes(pickle.dumps(out))
    return out


def text(p: dict, i: int) -> str:
    return f"{p['title'][i]}. {p['abstract'][i]}"


def weeks() -> list[dict]:
    """The curator's weeks in order: {'name', 'from', 'to', 'picks'} (ids, versions stripped)."""
    data = json.loads((DATA / "curators" / "hf-daily.json").read_text())["hf-daily"]["weeks"]
    return [
        {"name": name, "from": w["from"], "to": w["to"], "picks": [p.split("v")[0] for p in w["picks"]]}
        for name, w in sorted(data.items(), key=lambda kv: kv[1]["to"])
    ]


def window(to: str) -> tuple[str, str]:
    end = date.fromisoformat(to)
    return (end - timedelta(days=LOOKBACK - 1)).isoformat(), end.isoformat()
