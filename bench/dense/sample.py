"""The rows a sampled replay needs: every pick of the 30 weeks in the union, and 4% of the rest.

Written to /tmp/dense/sample_rows.npy (pool rows), for `embed.py MODEL FIELD sample`: a
longer text (title + abstract) costs too much for all 38,189 listings at one thread.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import data
from embed import needed_rows

SHARE = 0.04
p = data.pool()
rows = needed_rows(p)
picks = {x for w in data.weeks()[:30] for x in w["picks"]}
is_pick = np.array([p["ids"][r] in picks for r in rows])
rng = np.random.default_rng(1)
chosen = is_pick | (rng.random(len(rows)) < SHARE)
np.save(data.CACHE / "sample_rows.npy", rows[chosen])
print(f"{chosen.sum()} rows: {is_pick.sum()} picks + {(chosen & ~is_pick).sum()} others")
