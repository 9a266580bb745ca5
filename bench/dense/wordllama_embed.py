"""Embed embed.py's rows (the 30 aligned weeks, date order) with wordllama, in embed.py's chunk format.

    HF_HUB_OFFLINE=1 python wordllama_embed.py title|full [CACHE]     (CACHE default /tmp/wl/dense)

Writes CACHE/wordllama_FIELD/{rows.npy, chunk_*.npy} (float32, 256-d, L2-normalised), readable
by evaluate.py's load_embeddings. CACHE must hold pool.pkl (or it is rebuilt from the snapshot).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data
import wordllama
from embed import CHUNK, needed_rows, texts_for
from wordllama import WordLlama


def load() -> wordllama.WordLlamaInference:
    # the bundled tokenizer sits in wordllama/tokenizers/, which load() only searches as a cache
    # dir (its project-root lookup wants wordllama/tokenizer/): see wordllama_speed.py
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def main() -> None:
    field = sys.argv[1]
    data.CACHE = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/wl/dense")
    folder = data.CACHE / f"wordllama_{field}"
    folder.mkdir(parents=True, exist_ok=True)
    p = data.pool()
    rows = needed_rows(p)
    np.save(folder / "rows.npy", rows)
    texts = texts_for(p, rows, field)
    wl = load()
    started = time.perf_counter()
    for c in range(0, len(rows), CHUNK):
        np.save(
            folder / f"chunk_{c // CHUNK:04d}.npy", wl.embed(texts[c : c + CHUNK], norm=True, batch_size=16)
        )
    took = time.perf_counter() - started
    print(f"wordllama {field}: {len(rows)} rows in {took:.1f} s ({len(rows) / took:.0f}/s)")


if __name__ == "__main__":
    main()
