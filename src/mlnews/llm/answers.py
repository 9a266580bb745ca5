"""Reading what a model wrote: a JSON object with the fields asked for, repaired where it can be.

Models wrap JSON in code fences, add a sentence before it, or leave a trailing comma;
those are repaired. What cannot be read is an `AnswerError` whose message is the problem,
said so that it can be put to the model to write again.
"""

from __future__ import annotations

import json
import re

_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class AnswerError(ValueError):
    """What is wrong with an answer, worded for the model."""


def fields(content: str, names: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The answer's JSON object, with a non-empty string for each name."""
    data = _object(content)
    found: dict[str, str] = {}
    missing = []
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()
        else:
            missing.append(name)
    if missing:
        raise AnswerError(
            f"the JSON object needs a non-empty string for {', '.join(repr(m) for m in missing)}"
        )
    return found


def _object(content: str) -> dict[str, object]:
    text = _FENCE.sub("", content.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise AnswerError("the answer is not a JSON object")
    text = text[start : end + 1]
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            data = json.loads(attempt)
        except json.JSONDecodeError as error:
            problem = f"the answer is not valid JSON ({error.msg} at character {error.pos})"
            continue
        if isinstance(data, dict):
            return data
        problem = "the answer is JSON but not an object"
    raise AnswerError(problem)
