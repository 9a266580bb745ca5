"""Embeddings from an OpenAI-compatible server (`/v1/embeddings`): OpenAI, vLLM, llama.cpp's
server started with embeddings on, Ollama. The endpoint, its key and its errors are the chat
backends' (`endpoints.HttpEndpoint`, `[llm]` base_url and key); only the model is its own, as
a chat model seldom embeds. `[ranker.taste] embedder = "openai"` turns it on (`rank.dense`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from mlnews import lazy
from mlnews.llm.client import ModelError
from mlnews.llm.endpoints import HttpEndpoint
from mlnews.rank.dense import Embedder, normalised
from mlnews.settings import Setting, inherited

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use
    np = lazy.load("numpy")


class OpenAIEmbedder(Embedder):
    """Titles embedded by an OpenAI-compatible endpoint (`[llm] base_url`, its key)."""

    name: ClassVar[str] = "openai"
    description: ClassVar[str] = __doc__ or ""
    settings: ClassVar[tuple[Setting, ...]] = (
        *inherited(("base_url", "api_key_env", "key_name", "timeout")),
        Setting("model", "text-embedding-3-small", "The embedding model's name as the endpoint knows it."),
    )

    def __init__(self, **values: Any):
        given = {s.name: s.default for s in self.settings} | values
        self.endpoint = HttpEndpoint(given)
        self.model = f"openai:{self.endpoint.model}@{self.endpoint.base_url}"

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        about = f"embedding {len(texts)} titles"
        data = self.endpoint.post({"model": self.endpoint.model, "input": texts}, about, path="embeddings")
        rows = data.get("data")
        if not isinstance(rows, list) or len(rows) != len(texts):
            raise ModelError(f"{about}: {self.endpoint.name} answered no list of {len(texts)} embeddings")
        ordered = sorted(rows, key=lambda row: int(row.get("index", 0)) if isinstance(row, dict) else 0)
        try:
            vectors = np.array([row["embedding"] for row in ordered], dtype=np.float32)
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"{about}: {self.endpoint.name} answered embeddings of no one size") from None
        return normalised(vectors)
