"""An OpenAI-compatible server over HTTP: OpenAI, vLLM, llama.cpp's server, Ollama, LM Studio.

Requests go through the project's HTTP client (`Fetcher.post_json`: 429/5xx retried with
backoff, Retry-After, size caps). A model thinks slowly, so a timed-out request is tried
once more, not four times; a server on this machine that refuses the connection is not
running, and waiting for it would only delay saying so. The key is read once per run,
under a lock, and a missing one is the same one-line error for every thread.
"""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar
from urllib.parse import urlsplit

from mlnews import secrets
from mlnews.errors import ConfigError
from mlnews.fetch import Fetcher, FetchError
from mlnews.llm.client import Endpoint, EndpointError, ModelError, RequestError
from mlnews.settings import NetworkSettings

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def open_endpoint(backend: str, values: dict[str, Any]) -> Endpoint:
    """The endpoint a chat backend (`openai`, `local`) talks to, made from its settings."""
    if backend == "local":
        from mlnews.llm.local import LocalModel  # xllamacpp only where it is asked for

        return LocalModel(values)
    return HttpEndpoint(values)


def ready(endpoint: Endpoint, network: NetworkSettings) -> None:
    """Before anything is asked: the run's network settings, and the key a remote server
    needs (none: the one-line error now, not after the first drafts)."""
    if isinstance(endpoint, HttpEndpoint):
        endpoint.network = network
        endpoint.key()


class HttpEndpoint:
    def __init__(self, settings: dict[str, Any], network: NetworkSettings | None = None):
        self.base_url = str(settings["base_url"]).rstrip("/")
        self.name = self.base_url
        self.model = str(settings["model"])
        self.timeout = float(settings["timeout"])
        self.key_env = str(settings["api_key_env"])
        self.key_name = str(settings["key_name"])
        self.network = network or NetworkSettings()
        self._key: str | None = None
        self._key_error: ConfigError | None = None
        self._key_read = False
        self._local = threading.local()  # a Fetcher per thread: each runs one exchange at a time
        self._fetchers: list[Fetcher] = []
        self._lock = threading.Lock()

    @property
    def local(self) -> bool:
        """A server on this machine: it needs no key."""
        return (urlsplit(self.base_url).hostname or "") in LOOPBACK

    def key(self) -> str | None:
        """The key, read once per run; ConfigError (for every caller) if a remote server has none."""
        with self._lock:
            if not self._key_read:
                self._key_read = True
                self._key = secrets.lookup(self.key_name, self.key_env)
                if self._key is None and not self.local:
                    self._key_error = ConfigError(
                        f"no API key for {self.base_url}: set the environment variable {self.key_env} "
                        f"or run `mlnews keys set {self.key_name}`"
                    )
            if self._key_error is not None:
                raise self._key_error
            return self._key

    def post(self, body: dict[str, Any], about: str, path: str = "chat/completions") -> dict[str, Any]:
        """The answer to `body` at `path` (the chat completions; "embeddings" for an embedder)."""
        url = f"{self.base_url}/{path}"
        key = self.key()
        try:
            response = self._fetcher().post_json(
                url, body, token=key, trusted=True, timeout=self.timeout, retries=self._retries()
            )
            data = response.json()
        except FetchError as error:
            raise self._error(error, about) from None
        if not isinstance(data, dict):
            raise ModelError(f"{about}: {url} answered {type(data).__name__}, not a JSON object")
        return data

    def context_size(self) -> int | None:
        """What the server says: vLLM's and llama.cpp's model list, llama.cpp's /props,
        Ollama's model details (its num_ctx, else Ollama's default)."""
        root = re.sub(r"/v1$", "", self.base_url)
        models = self._get_json(f"{self.base_url}/models")
        listed = models.get("data") if isinstance(models, dict) else None
        entries = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
        # The model asked for; a server with one model (llama.cpp) may list it under its file name.
        matching = [e for e in entries if e.get("id") == self.model] or (entries if len(entries) == 1 else [])
        for entry in matching:
            size = entry.get("max_model_len") or (entry.get("meta") or {}).get("n_ctx")
            if isinstance(size, int) and size > 0:
                return size
        props = self._get_json(f"{root}/props")
        if isinstance(props, dict):
            size = (props.get("default_generation_settings") or {}).get("n_ctx") or props.get("n_ctx")
            if isinstance(size, int) and size > 0:
                return size
        shown = self._post_json(f"{root}/api/show", {"model": self.model})
        if isinstance(shown, dict) and "model_info" in shown:
            found = re.search(r"^num_ctx\s+(\d+)", str(shown.get("parameters") or ""), re.MULTILINE)
            return int(found.group(1)) if found else 4096  # Ollama's default, whatever the model's
        return None

    def close(self) -> None:
        with self._lock:
            for fetcher in self._fetchers:
                fetcher.close()
            self._fetchers.clear()
        self._local = threading.local()

    def _fetcher(self) -> Fetcher:
        fetcher: Fetcher | None = getattr(self._local, "fetcher", None)
        if fetcher is None:
            fetcher = Fetcher(self.network)
            self._local.fetcher = fetcher
            with self._lock:
                self._fetchers.append(fetcher)
        return fetcher

    def _retries(self) -> dict[str, int]:
        retries = {"timeout": 1}
        if self.local:
            retries["connect"] = 0
        return retries

    def _error(self, error: FetchError, about: str) -> Exception:
        """What a failed exchange means: the endpoint is unusable, or this one request failed."""
        parts = urlsplit(self.base_url)
        if error.why == "connect" and self.local:
            where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
            return EndpointError(
                f"nothing listens on {where} — is the model server running? ({self.base_url})"
            )
        if error.why == "connect":
            return EndpointError(f"cannot reach {self.base_url}: {error}")
        if error.status in (401, 403):
            return EndpointError(
                f"{error} — check the key ({self.key_env} or `mlnews keys set {self.key_name}`)"
            )
        if error.status == 404:
            return EndpointError(
                f"{error} — is base_url right, and does the server have model {self.model!r}?"
            )
        if error.status is not None and 400 <= error.status < 500:
            return RequestError(str(error), error.status)
        return ModelError(f"{about}: {error}")

    # What a server says about itself is worth one quick try: no answer is an answer.
    _ONCE: ClassVar[dict[str, int]] = {"timeout": 0, "connect": 0, "status": 0, "connection": 0}

    def _get_json(self, url: str) -> Any:
        try:
            return self._fetcher().get(url, trusted=True, timeout=10.0, retries=self._ONCE).json()
        except FetchError:
            return None

    def _post_json(self, url: str, body: dict[str, Any]) -> Any:
        try:
            return self._fetcher().post_json(url, body, trusted=True, timeout=10.0, retries=self._ONCE).json()
        except FetchError:
            return None
