"""mlnews' own JSON lines: what `mlnews export` writes, one item per line, every field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from mlnews import limits
from mlnews.formats.base import Format, Parsed, ParseError
from mlnews.items import Item

FORMAT_TAG = "mlnews-item/1"


def dump(items: Iterable[Item], out: IO[str]) -> int:
    count = 0
    for item in items:
        record = {"format": FORMAT_TAG, **item.to_dict()}
        try:
            # allow_nan=False: NaN and Infinity are not JSON, and `parse` would refuse them.
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError:
            raise ValueError(f"item {item.key}: holds NaN or an infinite number: JSON cannot") from None
        out.write(line + "\n")
        count += 1
    return count


class MlnewsJsonl(Format):
    name = "mlnews-jsonl"
    sniff_order = 10
    description = "mlnews export (JSON lines, every field of every item)"
    line_oriented = True

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        return first.startswith(b"{") and f'"format":"{FORMAT_TAG}"'.encode() in first

    def parse(self, data: bytes) -> Iterator[Parsed]:
        # Only "\n" ends a record: str.splitlines() would also split at U+2028, U+0085 and
        # the like, which JSON strings may hold unescaped (`dump` writes ensure_ascii=False).
        # Each line is decoded on its own, from a view of the data: a 200 MB record is not
        # copied three times (the decoded file, its split, the line) before it is read.
        data = limits.precut_json(data)
        view = memoryview(data)
        start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        number = 0
        while start < len(data):
            end = data.find(b"\n", start)
            end = len(data) if end == -1 else end
            number += 1
            try:
                line = str(view[start:end], "utf-8")
            except UnicodeDecodeError as error:
                raise ParseError(f"not UTF-8: {error.reason}", line=number) from None
            start = end + 1
            line = line.removesuffix("\r")
            if line.strip():
                yield _item(line, number)


def _item(line: str, number: int) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ParseError(f"not JSON: {error.msg}", line=number) from None
    except RecursionError:
        raise ParseError("not JSON: nested too deeply", line=number) from None
    if not isinstance(record, dict) or record.pop("format", None) != FORMAT_TAG:
        raise ParseError(f'not an mlnews item (no "format": "{FORMAT_TAG}")', line=number)
    try:
        return Item.from_dict(record)
    except (TypeError, ValueError) as error:
        raise ParseError(f"bad item: {error}", line=number) from None
