"""`mlnews llm check`: one tiny request, and what it says about the endpoint.

A 10-minute compose should not be the way to find out that the server is not running, the
key is wrong, or the model cannot answer in JSON.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from mlnews.errors import ConfigError, UsageError
from mlnews.llm import answers
from mlnews.llm.client import ChatClient, EndpointError, ModelError, Task

_SCHEMA = {
    "type": "object",
    "properties": {"greeting": {"type": "string", "minLength": 1, "maxLength": 40}},
    "required": ["greeting"],
    "additionalProperties": False,
}
_FORMATS = {
    "json_schema": "yes (answers follow the schema mlnews sends)",
    "json_object": "no: the server refused it; answers are asked as JSON objects, checked after",
    "text": "no: answers are plain text, read as JSON where they are",
}


@dataclass
class Report:
    endpoint: str
    model: str
    ok: bool = False
    seconds: float = 0.0
    answer: str = ""
    format: str = ""
    context: int | None = None
    problem: str = ""
    fix: str = ""

    def lines(self) -> list[tuple[str, str]]:
        rows = [("endpoint", self.endpoint), ("model", self.model)]
        if self.context:
            rows.append(("context", f"{self.context:,} tokens"))
        if self.ok:
            rows += [
                ("latency", f"{self.seconds:.2f} s"),
                ("answer", self.answer),
                ("json schema", _FORMATS[self.format]),
            ]
        else:
            rows += [("problem", self.problem), ("fix", self.fix)]
        return rows


def check(client: ChatClient) -> Report:
    report = Report(client.endpoint.name, client.model)
    task = Task(
        build=lambda budget: [
            {"role": "system", "content": 'Answer with one JSON object: {"greeting": "..."}.'},
            {"role": "user", "content": "Say hello in three words."},
        ],
        schema=_SCHEMA,
        max_tokens=48,
        about="llm check",
        name="greeting",
    )
    started = time.monotonic()
    try:
        report.context = client.context()
        content = client.complete(task).content
        report.answer = answers.fields(content, ["greeting"])["greeting"]
    except (EndpointError, ConfigError, UsageError, ModelError) as error:
        report.problem = str(error)
        report.fix = _fix(str(error))
        return report
    except answers.AnswerError as error:
        report.problem = f"the answer is not the JSON asked for: {error}"
        report.fix = (
            "use a larger instruct model, or one that follows JSON schemas (llama.cpp, vLLM, Ollama do)"
        )
        return report
    report.ok, report.seconds, report.format = True, time.monotonic() - started, client.format
    return report


def _fix(problem: str) -> str:
    if "nothing listens" in problem:
        return (
            "start the model server (`mlnews llm serve`, `llama-server -m MODEL.gguf --port 8080`, "
            "`ollama serve`), or set [llm] base_url to where it listens"
        )
    if "no API key" in problem or "check the key" in problem:
        return "set the key: the environment variable named by api_key_env, or `mlnews keys set NAME`"
    if "HTTP 404" in problem:
        return "check [llm] base_url (up to /v1) and model (the name the server knows it by)"
    if "model_path" in problem or "xllamacpp" in problem:
        return "set [llm] model_path to a GGUF file, and `pip install 'mlnews[local]'`"
    if "cannot reach" in problem:
        return "check the network and [llm] base_url"
    return "see the problem above; `mlnews llm check` again once fixed"
