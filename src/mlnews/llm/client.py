"""One model, asked through the chat-completions protocol: the request a server honours,
the cache, and what was spent.

A request names the answer's JSON schema and its `max_tokens`; the prompt is built for the
room the model's context leaves (`Task.build(budget)`), and built smaller once if the
server still finds it too long. Servers differ in what they accept for the answer's
format: a JSON schema (OpenAI, vLLM, llama.cpp, Ollama), else a JSON object, else plain
text; a refusal moves the client one step down for the rest of the run. Only answers the
caller found valid are kept in the library's cache (`remember`): a bad answer is asked
again next time, never replayed.

Where the model runs is an `Endpoint`: an HTTP server (`endpoints.HttpEndpoint`) or a GGUF
file in this process (`local.LocalModel`).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from mlnews.errors import MlnewsError
from mlnews.library.responses import Responses, Stored

FORMATS = ("json_schema", "json_object", "text")  # tried in this order; a refusal moves down
DEFAULT_CONTEXT = 8192  # tokens, for a server that does not say (llama.cpp's common default)
ANSWER_MARGIN = 64  # tokens between the prompt's estimate and the room the answer needs


class ModelError(MlnewsError):
    """The model answered nothing usable for one item; the message names the item.

    Compose keeps the offline draft for that entry, flags it, and goes on."""


class EndpointError(MlnewsError):
    """The endpoint itself fails (not listening, refuses the key, has no such model): every
    request would, so the run stops with this one line."""


class RequestError(MlnewsError):
    """The endpoint refused one request (an HTTP 4xx): the message is the server's."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class Endpoint(Protocol):
    name: str  # where it is, for messages: "http://127.0.0.1:8080/v1", "SmolLM2.gguf"
    model: str  # the model's name, as answers are cached under it

    def post(self, body: dict[str, Any], about: str) -> dict[str, Any]:
        """The chat completion for `body`; RequestError for a refused request, EndpointError
        when nothing can be asked, ModelError for one that failed (timed out twice, 5xx)."""
        ...

    def context_size(self) -> int | None:
        """The model's context in tokens, where the endpoint says; None where it does not."""
        ...

    def close(self) -> None: ...


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
class Task:
    """One thing to ask: its prompt (built for a token budget), its answer's schema and size."""

    build: Callable[[int], list[dict[str, str]]]  # budget in tokens -> messages
    schema: dict[str, Any]  # the answer: a JSON object schema
    max_tokens: int
    about: str  # what it is for (an item's key), in messages
    name: str = "answer"  # the schema's name


@dataclass(frozen=True)
class Answer:
    content: str
    cached: bool
    key: str  # the cache key of the request that was asked
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ChatClient:
    """Settings that shape requests, the endpoint, the cache and the run's usage."""

    def __init__(self, endpoint: Endpoint, settings: dict[str, Any]):
        self.endpoint = endpoint
        self.model = endpoint.model
        self.temperature = float(settings["temperature"])
        self.concurrency = max(1, int(settings["max_concurrency"]))
        self.max_input_tokens = int(settings["max_input_tokens"])
        self.max_output_tokens = max(16, int(settings["max_output_tokens"]))
        self.context_setting = int(settings["context_tokens"])
        self.formats = list(FORMATS if settings["json_mode"] else FORMATS[-1:])
        # A model on this machine costs nothing a price would say.
        prices = float(settings.get("price_input", 0.0)), float(settings.get("price_output", 0.0))
        self.usage = Usage(price_input=prices[0], price_output=prices[1])
        self.responses: Responses | None = None  # the library's cache, given by compose
        self._context: int | None = None
        self._lock = threading.Lock()

    def context(self) -> int:
        """The model's context in tokens: the setting, else what the endpoint says, once a run."""
        with self._lock:
            if self._context is None:
                said = self.context_setting or self.endpoint.context_size()
                self._context = said if said and said > 0 else DEFAULT_CONTEXT
            return self._context

    def budget(self, max_tokens: int) -> int:
        """Tokens a prompt may take: what the context leaves the answer, within the setting."""
        return max(0, min(self.max_input_tokens, self.context() - max_tokens - ANSWER_MARGIN))

    def complete(self, task: Task, messages: list[dict[str, str]] | None = None) -> Answer:
        """The model's answer; from the cache when a valid one was kept for the same request.

        `messages` replaces the task's own prompt (a re-ask); the prompt is otherwise built
        for the budget, and once smaller if the server says it does not fit."""
        budget = self.budget(task.max_tokens)
        sent = messages if messages is not None else task.build(budget)
        key = self._key(sent, task)
        if self.responses is not None:
            stored = self.responses.get(key)
            if stored is not None:
                self.usage.add(stored.prompt_tokens, stored.completion_tokens, cached=True)
                return Answer(stored.answer, True, key, stored.prompt_tokens, stored.completion_tokens)
        shrunk = False
        while True:
            chosen = self.format
            try:
                data = self.endpoint.post(self._body(sent, task, chosen), task.about)
            except RequestError as error:
                if _too_long(str(error)) and not shrunk and messages is None:
                    shrunk = True
                    budget = _smaller(budget, str(error), task.max_tokens)
                    sent = task.build(budget)  # the cache key stays the request's as first built
                    continue
                if error.status == 400 and self._step_down(chosen, str(error)):
                    continue
                raise ModelError(f"{task.about}: {error}") from None
            break
        content = _content(data, task.about)
        usage: dict[str, Any] = data["usage"] if isinstance(data.get("usage"), dict) else {}
        prompt, completion = _int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens"))
        self.usage.add(prompt, completion, cached=False)
        return Answer(content, False, key, prompt, completion)

    def remember(self, key: str, answer: Answer) -> None:
        """Keep a valid answer for the request `key`: composing again asks nothing."""
        if self.responses is not None and not (answer.cached and answer.key == key):
            stored = Stored(answer.content, answer.prompt_tokens, answer.completion_tokens)
            self.responses.put(key, self.model, stored)

    def close(self) -> None:
        self.endpoint.close()

    @property
    def format(self) -> str:
        with self._lock:
            return self.formats[0]

    def _body(self, messages: list[dict[str, str]], task: Task, chosen: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": min(task.max_tokens, self.max_output_tokens),
        }
        if chosen == "json_schema":
            schema = {"name": task.name, "strict": True, "schema": task.schema}
            body["response_format"] = {"type": "json_schema", "json_schema": schema}
        elif chosen == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _step_down(self, refused: str, message: str) -> bool:
        """A server that refuses the answer's format: use the next one, for the rest of the run.

        False when there is none left to try, or the refusal is about something else."""
        if not _FORMAT_REFUSED.search(message):
            return False
        with self._lock:
            if self.formats[0] == refused and len(self.formats) > 1:
                self.formats.pop(0)  # another thread may have stepped down already
            return self.formats[0] != refused

    def _key(self, messages: list[dict[str, str]], task: Task) -> str:
        request = [self.endpoint.name, self.model, messages, self.temperature, task.schema]
        return hashlib.sha256(json.dumps(request, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


Reader = Callable[[str], tuple[dict[str, str] | None, list[str]]]


def ask(client: ChatClient, task: Task, read: Reader, what: str) -> tuple[dict[str, str], list[str]]:
    """The fields of the model's answer, `read` from it, and what is still wrong with them.

    What `read` finds wrong is put to the model once, named; the better of the two answers
    is kept (a readable one over an unreadable one). Unreadable both times: a ModelError
    naming the item. Only an answer with nothing wrong is cached."""
    answer = client.complete(task)
    key = answer.key  # a valid answer is kept for the request as first asked
    fields, problems = read(answer.content)
    if problems:
        again = [
            *task.build(client.budget(task.max_tokens)),
            {"role": "assistant", "content": answer.content},
            {
                "role": "user",
                "content": "Write it again as one JSON object, fixing this: " + "; ".join(problems) + ".",
            },
        ]
        second = client.complete(task, again)
        fields_again, problems_again = read(second.content)
        if fields_again is not None or fields is None:
            answer, fields, problems = second, fields_again, problems_again
    if fields is None:
        raise ModelError(f"{task.about}: the model's answer is not {what}: {'; '.join(problems)}")
    if not problems:
        client.remember(key, answer)
    return fields, problems


# A 400 saying the prompt is too long: llama.cpp ("exceeds the available context size"),
# OpenAI ("maximum context length"), vLLM, Ollama ("prompt too long").
_TOO_LONG = re.compile(r"context (size|length|window)|too long|too many tokens|exceeds", re.IGNORECASE)
# A 400 refusing the answer's format.
_FORMAT_REFUSED = re.compile(
    r"response_format|json_schema|json schema|schema|grammar|not supported|unsupported", re.IGNORECASE
)


def _too_long(message: str) -> bool:
    return bool(_TOO_LONG.search(message))


def _smaller(budget: int, message: str, max_tokens: int) -> int:
    """A budget that fits: from the sizes the server names (llama.cpp: "request (N tokens)
    exceeds the available context size (M tokens)"), else half."""
    sizes = [int(n) for n in re.findall(r"(\d+) tokens", message)]
    if len(sizes) >= 2 and sizes[0] > sizes[1] > max_tokens:
        asked, room = sizes[0], sizes[1] - max_tokens - ANSWER_MARGIN
        return max(0, int(budget * room / asked * 0.9))
    return budget // 2


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
