"""One chat-completions endpoint: settings, the key, the cache, and what was spent."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mlnews import secrets
from mlnews.config import NetworkSettings, Setting
from mlnews.errors import ConfigError, MlnewsError
from mlnews.fetch import Fetcher, FetchError
from mlnews.library.responses import Responses, Stored

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "https://api.openai.com/v1",
        "The endpoint, up to /v1 (e.g. http://127.0.0.1:8080/v1 for llama.cpp, :11434/v1 for Ollama).",
        is_url=True,
    ),
    Setting("model", "gpt-4o-mini", "The model's name as the endpoint knows it."),
    Setting("temperature", 0.2, "How freely it writes: 0 is the most literal."),
    Setting("timeout", 120.0, "Seconds to wait for one answer."),
    Setting("max_concurrency", 4, "Requests in flight at once."),
    Setting("api_key_env", "OPENAI_API_KEY", "The environment variable holding the key."),
    Setting("key_name", "openai", "Else, the keyring entry holding it (`mlnews keys set NAME`)."),
    Setting("max_input_tokens", 6000, "The most a request may carry: longer body text is cut."),
    Setting("json_mode", True, "Ask for a JSON object (response_format); turn off for servers without it."),
    Setting("price_input", 0.0, "Price per million input tokens, for the cost line (0: not shown)."),
    Setting("price_output", 0.0, "Price per million output tokens."),
)


class ModelError(MlnewsError):
    """The model answered nothing usable; the message names the item."""


@dataclass
class Usage:
    """Tokens spent in one run, and answers the cache saved."""

    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    price_input: float = 0.0
    price_output: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, prompt: int, completion: int, *, cached: bool) -> None:
        with self._lock:
            if cached:
                self.cached += 1
                return
            self.requests += 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion

    @property
    def cost(self) -> float:
        return (self.prompt_tokens * self.price_input + self.completion_tokens * self.price_output) / 1e6

    def describe(self) -> str:
        line = (
            f"{self.requests} request(s), {self.prompt_tokens:,} tokens in, "
            f"{self.completion_tokens:,} out; {self.cached} answer(s) from the cache"
        )
        if self.price_input or self.price_output:
            line += f"; cost ${self.cost:.4f}"
        return line


@dataclass(frozen=True)
class Answer:
    content: str
    cached: bool


class ChatClient:
    def __init__(self, settings: dict[str, Any], network: NetworkSettings | None = None):
        self.base_url = str(settings["base_url"]).rstrip("/")
        self.model = str(settings["model"])
        self.temperature = float(settings["temperature"])
        self.timeout = float(settings["timeout"])
        self.concurrency = max(1, int(settings["max_concurrency"]))
        self.max_input_tokens = int(settings["max_input_tokens"])
        self.json_mode = bool(settings["json_mode"])
        self.key_env = str(settings["api_key_env"])
        self.key_name = str(settings["key_name"])
        self.network = network or NetworkSettings()
        self.usage = Usage(
            price_input=float(settings["price_input"]), price_output=float(settings["price_output"])
        )
        self.responses: Responses | None = None  # the library's cache, given by compose
        self._key: str | None = None
        self._key_read = False
        self._local = threading.local()  # a Fetcher per thread: each runs one exchange at a time
        self._fetchers: list[Fetcher] = []
        self._lock = threading.Lock()

    @property
    def local(self) -> bool:
        """A server on this machine: it needs no key and may be on 127.0.0.1."""
        host = urlsplit(self.base_url).hostname or ""
        return host in ("localhost", "127.0.0.1", "::1")

    def key(self) -> str | None:
        if not self._key_read:
            self._key = secrets.lookup(self.key_name, self.key_env)
            self._key_read = True
            if self._key is None and not self.local:
                raise ConfigError(
                    f"no API key for {self.base_url}: set the environment variable {self.key_env} "
                    f"or run `mlnews keys set {self.key_name}`"
                )
        return self._key

    def complete(self, messages: list[dict[str, str]], about: str) -> Answer:
        """The model's answer to the messages; from the cache when asked before.

        `about` names what it is for (an item's key) in errors.
        """
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.json_mode:
            body["response_format"] = {"type": "json_object"}
        cache_key = hashlib.sha256(
            json.dumps([self.base_url, body], ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()
        if self.responses is not None:
            stored = self.responses.get(cache_key)
            if stored is not None:
                self.usage.add(stored.prompt_tokens, stored.completion_tokens, cached=True)
                return Answer(stored.answer, cached=True)
        data = self._post(body, about)
        content = _content(data, about)
        usage: dict[str, Any] = data["usage"] if isinstance(data.get("usage"), dict) else {}
        prompt, completion = _int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens"))
        self.usage.add(prompt, completion, cached=False)
        if self.responses is not None:
            self.responses.put(cache_key, self.model, Stored(content, prompt, completion))
        return Answer(content, cached=False)

    def _post(self, body: dict[str, Any], about: str) -> dict[str, Any]:
        fetcher: Fetcher | None = getattr(self._local, "fetcher", None)
        if fetcher is None:
            fetcher = Fetcher(self.network)
            self._local.fetcher = fetcher
            with self._lock:
                self._fetchers.append(fetcher)
        url = f"{self.base_url}/chat/completions"
        try:
            response = fetcher.post_json(url, body, token=self.key(), trusted=True, timeout=self.timeout)
            data = response.json()
        except FetchError as error:
            raise ModelError(f"{about}: {error}") from None
        if not isinstance(data, dict):
            raise ModelError(f"{about}: {url} answered {type(data).__name__}, not a chat completion")
        return data

    def close(self) -> None:
        with self._lock:
            for fetcher in self._fetchers:
                fetcher.close()
            self._fetchers.clear()
        self._local = threading.local()


Reader = Callable[[str], tuple[dict[str, str] | None, list[str]]]


def ask(
    client: ChatClient, messages: list[dict[str, str]], about: str, read: Reader, what: str
) -> dict[str, str]:
    """The fields of the model's answer, `read` from it; what `read` finds wrong is put to the
    model once, named. Still unreadable: a ModelError naming the item. Still with problems but
    readable (an unfaithful number, say): returned, for the caller to flag."""
    answer = client.complete(messages, about)
    fields, problems = read(answer.content)
    if problems:
        again = [
            *messages,
            {"role": "assistant", "content": answer.content},
            {
                "role": "user",
                "content": "Write it again as one JSON object, fixing this: " + "; ".join(problems) + ".",
            },
        ]
        answer = client.complete(again, about)
        fields, problems = read(answer.content)
    if fields is None:
        raise ModelError(f"{about}: the model's answer is not {what}: {'; '.join(problems)}")
    return fields


def _content(data: dict[str, Any], about: str) -> str:
    """The answer's text; a refusal or an empty answer is a ModelError naming the item."""
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ModelError(f"{about}: the answer has no choices")
    choice = choices[0]
    message: dict[str, Any] = choice["message"] if isinstance(choice.get("message"), dict) else {}
    refusal = message.get("refusal")
    if refusal:
        raise ModelError(f"{about}: the model refused: {' '.join(str(refusal).split())[:200]}")
    if choice.get("finish_reason") == "content_filter":
        raise ModelError(f"{about}: the endpoint's content filter stopped the answer")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise ModelError(f"{about}: the answer is empty")
    return content


def _int(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
