"""Time wordllama (l2_supercat, 256-d, bundled in the wheel) on N real arXiv texts, offline.

    HF_HUB_OFFLINE=1 /usr/bin/time -v python wordllama_speed.py FIELD N [BATCH]

FIELD: title | full (title + abstract). Texts come from speed.py's cache of the largest week
(2026-05-31 window, 7,126 listings; copied to /tmp/wl/speed_texts_FIELD.json), so the peak RSS
is wordllama's, not the pool's. Tokenisation (HF `tokenizers`, Rust) uses RAYON_NUM_THREADS;
the lookup + mean pooling is numpy.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

field, n = sys.argv[1], int(sys.argv[2])
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 64
with open(f"/tmp/wl/speed_texts_{field}.json") as f:
    texts = json.load(f)[:n]
started = time.perf_counter()
import wordllama  # noqa: E402
from wordllama import WordLlama  # noqa: E402

# 0.4.0.post1 looks for the bundled tokenizer in wordllama/tokenizer/ but the wheel ships it in
# wordllama/tokenizers/, so a plain load() downloads it from the Hub. Its *cache* lookup uses
# CACHE_DIR/tokenizers/, so pointing cache_dir at the package finds the bundled file.
wl = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
loaded = time.perf_counter()
vectors = wl.embed(texts, norm=True, batch_size=batch)
done = time.perf_counter()
tokens = sum(
    sum(e.attention_mask) for e in wl.tokenizer.encode_batch(texts[:200], add_special_tokens=False)
) / min(200, len(texts))
rate = len(texts) / (done - loaded)
print(
    f"wordllama {field}: {len(texts)} texts (~{tokens:.0f} tokens), batch {batch}, dim {vectors.shape[1]}: "
    f"import+load {loaded - started:.2f} s, embed {done - loaded:.2f} s = {rate:.0f} texts/s "
    f"-> 7,000 in {7000 / rate:.1f} s"
)
