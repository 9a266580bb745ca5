"""mlnews' own JSON lines: what `mlnews export` writes, one item per line, every field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from mlnews.items import Item
from mlnews.sources.base import Format, Parsed, ParseError, register

FORMAT_TAG = "mlnews-item/1"


def dump(items: Iterable[Item], out: IO[str]) -> int:
    count = 0
    for item in items:
        record = {"format": FORMAT_TAG, **item.to_dict()}
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


@register
class MlnewsJsonl(Format):
    name = "mlnews-jsonl"
    description = "mlnews export (JSON lines, every field of every item)"
    line_oriented = True

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        return first.startswith(b"{") and f'"format":"{FORMAT_TAG}"'.encode() in first

    def parse(self, data: bytes) -> Iterator[Parsed]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(f"not UTF-8: {error.reason} at byte {error.start}") from None
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield _item(line, number)


def _item(line: str, number: int) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ParseError(f"not JSON: {error.msg}", line=number) from None
    if not isinstance(record, dict) or record.pop("format", None) != FORMAT_TAG:
        raise ParseError(f'not an mlnews item (no "format": "{FORMAT_TAG}")', line=number)
    try:
        return Item.from_dict(record)
    except (TypeError, ValueError) as error:
        raise ParseError(f"bad item: {error}", line=number) from None
