"""The `memory` translator: texts translated before, looked up, offline.

A translation memory is a TOML file of records, each a text in several languages:

    [[texts]]
    key = "arxiv:2011.15126"   # optional: the entry it was written for
    field = "headline"          # optional: which of its texts
    en = "A GAN sends faces as keypoints and cuts video-call bandwidth tenfold"
    zh = "用关键点传送人脸的 GAN，把视频通话的带宽降到十分之一"

A text is found by its exact words (spacing aside); failing that, by the entry and field
it was written for, as translation tools do with a context match, so that a draft reworded
since still finds its translation (then marked stale by the check, since it was made from
other words). What is in no memory stays untranslated: the issue shows the source text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlnews.drafts import Request
from mlnews.errors import ConfigError
from mlnews.settings import Setting


@dataclass
class Memory:
    by_text: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (lang, text) -> record
    by_place: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (key, field) -> record

    def add(self, record: dict[str, str], langs: list[str]) -> None:
        # Records of one text from several files (one per language, say) are one record.
        for lang in langs:
            self.by_text.setdefault((lang, _normal(record[lang])), {}).update(record)
        if record.get("key") and record.get("field"):
            self.by_place.setdefault((record["key"], record["field"]), {}).update(record)

    def find(self, text: str, lang: str, key: str, name: str) -> dict[str, str] | None:
        return self.by_text.get((lang, _normal(text))) or self.by_place.get((key, name))


class MemoryTranslator:
    name = "memory"
    description = "Texts translated before, from translation-memory files: offline, no model."
    settings = (
        Setting(
            "files",
            ["translations.toml"],
            "Translation-memory files (TOML, [[texts]] records), relative to the workspace.",
        ),
    )

    def __init__(self, files: list[str] | None = None):
        self.files = list(files if files is not None else ["translations.toml"])
        self.memory: Memory | None = None
        self.root = Path.cwd()

    def prepare(self, context: Any) -> None:
        self.root = Path(context.workspace)

    def translate(self, request: Request) -> dict[str, str]:
        memory = self._memory()
        found = {}
        for name, text in request.texts.items():
            record = memory.find(text, request.source, request.about, name)
            if record and record.get(request.target, "").strip():
                found[name] = record[request.target]
        return found

    def _memory(self) -> Memory:
        if self.memory is None:
            self.memory = Memory()
            for name in self.files:
                path = self.root / name
                if path.exists():
                    load(path, self.memory)
        return self.memory


def load(path: Path, memory: Memory) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: not a translation memory: {error}") from None
    records = data.get("texts", [])
    if not isinstance(records, list):
        raise ConfigError(f"{path}: 'texts' must be an array of tables ([[texts]])")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not all(isinstance(v, str) for v in record.values()):
            raise ConfigError(f"{path}: texts record {number}: every value must be a string")
        langs = [k for k in record if k not in ("key", "field")]
        memory.add(record, langs)


def _normal(text: str) -> str:
    return " ".join(text.split())
