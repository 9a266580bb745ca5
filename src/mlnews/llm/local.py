"""A GGUF model run in this process by llama.cpp's own server engine (`xllamacpp`).

No server to start, no port to choose: `summariser = "local"` with `[llm] model_path`.
The engine answers the same chat-completions requests as an HTTP server, so prompts,
schemas, validation and the cache are the openai backends'. One engine per model file
serves the whole process: drafting and translating share it, and it stays loaded until
mlnews exits. Its own HTTP side listens on 127.0.0.1 only, behind a random key.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path
from typing import Any

from mlnews.errors import ConfigError, UsageError
from mlnews.llm.client import DEFAULT_CONTEXT, ModelError, RequestError

_engines: dict[tuple[str | int, ...], Any] = {}
_lock = threading.Lock()


class LocalModel:
    def __init__(self, settings: dict[str, Any]):
        given = str(settings["model_path"]).strip()
        if not given:
            raise ConfigError(
                "[llm] model_path: set it to a GGUF model file for the local backends "
                "(README: Drafting with a model)"
            )
        self.path = Path(given).expanduser()
        if not self.path.is_file():
            raise ConfigError(f"[llm] model_path: {self.path}: no such file")
        self.name = str(self.path)
        self.model = self.path.name
        self.n_ctx = int(settings["context_tokens"]) or DEFAULT_CONTEXT
        self.threads = int(settings["threads"]) or (os.cpu_count() or 1)

    def post(self, body: dict[str, Any], about: str) -> dict[str, Any]:
        try:
            data = self._engine().handle_chat_completions(body)
        except (RuntimeError, ValueError) as error:
            raise ModelError(f"{about}: {self.model}: {' '.join(str(error).split())[:200]}") from None
        if not isinstance(data, dict):
            raise ModelError(f"{about}: {self.model} answered {type(data).__name__}, not a chat completion")
        problem = data.get("error")
        if isinstance(problem, dict):
            code = problem.get("code")
            status = code if isinstance(code, int) else 500
            message = " ".join(str(problem.get("message", "failed")).split())[:300]
            if 400 <= status < 500:
                raise RequestError(f"{self.model}: {message}", status)
            raise ModelError(f"{about}: {self.model}: {message}")
        return data

    def context_size(self) -> int | None:
        return self.n_ctx

    def close(self) -> None:
        """The engine stays loaded for the rest of the process: loading it again costs seconds."""

    def serve(self, port: int) -> str:
        """Start an engine whose HTTP side anyone on this machine may use (no key), on `port`
        of 127.0.0.1 (0: a free one); returns its address, http://127.0.0.1:PORT."""
        server = _start(self.path, self.n_ctx, self.threads, port=port, private=False)
        with _lock:
            _engines[("served", port, 0)] = server  # kept alive as long as the process
        return str(server.listening_address)

    def _engine(self) -> Any:
        key = (str(self.path.resolve()), self.n_ctx, self.threads)
        with _lock:
            if key not in _engines:
                _engines[key] = _start(self.path, self.n_ctx, self.threads)
            return _engines[key]


def _start(path: Path, n_ctx: int, threads: int, port: int = 0, private: bool = True) -> Any:
    try:
        import xllamacpp
    except ImportError:
        raise UsageError(
            "the local backends need xllamacpp: pip install 'mlnews[local]' (a prebuilt CPU wheel)"
        ) from None
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = -1  # llama.cpp's log would fill the terminal
    params.hostnames = ["127.0.0.1"]
    params.port = port
    if private:
        params.api_keys = [secrets.token_urlsafe(24)]  # its HTTP side is for nobody but us
    try:
        return xllamacpp.Server(params)
    except (RuntimeError, ValueError, OSError) as error:
        raise ConfigError(
            f"[llm] model_path: {path}: cannot load it as a GGUF model ({' '.join(str(error).split())[:200]})"
        ) from None
