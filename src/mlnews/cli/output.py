"""How items look on the terminal and in `--json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from mlnews.collect.ingest import FileReport
    from mlnews.items import Item, Signal
    from mlnews.library import Hit


# No emoji codes or highlighting: text from sources and users is printed as it is.
console = Console(highlight=False, emoji=False)
errors = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
MIN_PATH = 20  # columns: below this a path says too little to be worth one line


def say(message: str, style: str = "") -> None:
    """One line of plain text, never wrapped: paths and commands in it stay copy-pasteable."""
    console.print(Text(message, style=style), soft_wrap=True)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


# What stands for the title of an item that has none yet (a past issue's pick whose record has
# not been imported): it must never read as a title, nor be taken for one.
UNTITLED = "(no title yet: import its record)"


def title_of(item: Item, style: str = "bold") -> Text:
    return Text(item.title, style=style) if item.title.strip() else Text(UNTITLED, style="dim italic")


def titled(item: Item) -> str:
    return item.title if item.title.strip() else UNTITLED


def item_table(items: list[Item]) -> Table:
    # One line per item, like `git log --oneline`: titles give way first.
    table = Table(show_edge=False, pad_edge=False, expand=True)
    longest_key = max((len(item.key or "") for item in items), default=3)
    room_for_key = console.width - (7 + 10 + 11) - 4 * 3 - 30  # leave the title 30 columns
    table.add_column("key", style="cyan", no_wrap=True, width=max(16, min(longest_key, room_for_key)))
    table.add_column("kind", no_wrap=True, width=7)
    table.add_column("published", style="dim", no_wrap=True, width=10)
    table.add_column("state", no_wrap=True, width=11)
    table.add_column("title", style="bold", no_wrap=True, overflow="ellipsis", ratio=1)
    for item in items:
        table.add_row(
            Text(item.key or ""), item.kind, (item.published or "")[:10], item.state, title_of(item, "")
        )
    return table


def highlighted(snippet: str, style: str = "") -> Text:
    """A search snippet with the matched words in colour (source text is never markup)."""
    from mlnews.library.database import HIGHLIGHT_END, HIGHLIGHT_START

    text = Text()
    inside = False
    for part in snippet.replace(HIGHLIGHT_END, HIGHLIGHT_START).split(HIGHLIGHT_START):
        text.append(part, style="bold yellow" if inside else style)
        inside = not inside
    return text


def plain_snippet(snippet: str) -> str:
    from mlnews.library.database import HIGHLIGHT_END, HIGHLIGHT_START

    return snippet.replace(HIGHLIGHT_START, "**").replace(HIGHLIGHT_END, "**")


def print_hits(hits: list[Hit]) -> None:
    for hit in hits:
        line = Text.assemble(title_of(hit.item), "  ", (hit.item.key or "", "cyan"))
        console.print(line)
        console.print(Padding(highlighted(hit.snippet), (0, 0, 0, 2)))
        if hit.item.url:
            console.print(Padding(Text(hit.item.url, style="dim"), (0, 0, 0, 2)))


def print_item(item: Item) -> None:
    console.print(title_of(item))
    rows: list[tuple[str, str]] = [
        ("key", item.key or ""),
        ("kind", item.kind),
        ("authors", ", ".join(item.authors)),
        ("site", item.site),
        ("published", item.published or ""),
        ("updated", item.updated or ""),
        ("urls", "\n".join(item.urls)),
        (
            "also known as",
            "\n".join(i for i in item.identifiers if i != item.key and not i.startswith("url:")),
        ),
        ("categories", ", ".join(item.categories)),
        ("tags", ", ".join(item.tags)),
        ("state", item.state + (f" ({item.section}, {item.week})" if item.section or item.week else "")),
        ("score", "" if item.score is None else f"{item.score:.3f}"),
        ("signals", "\n".join(_signal(s) for s in item.signals)),
    ]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for name, value in rows:
        if value:
            table.add_row(name, Text(value))
    console.print(table)
    if item.abstract:
        console.print()
        console.print(Text(item.abstract))
    _print_texts(item)
    for event in item.history:
        where = ", ".join(x for x in (event.section, event.week) if x)
        console.print(Text(f"  {event.at}  {event.state}" + (f" ({where})" if where else ""), style="dim"))


def _print_texts(item: Item) -> None:
    """The item's headline, summary and post in each language, the curator's marked as such."""
    if not item.texts:
        return
    console.print()
    for text in sorted(item.texts, key=lambda t: (t.lang, _TEXT_ORDER.get(t.name, len(_TEXT_ORDER)))):
        whose = "yours" if text.edited else "drafted"
        console.print(Text(f"{text.name} ({text.lang}, {whose})", style="dim"))
        console.print(Padding(Text(text.text), (0, 0, 0, 2)))


_TEXT_ORDER = {"title": 0, "headline": 1, "summary": 2, "post": 3}


def _signal(signal: Signal) -> str:
    value = f"{signal.value:,.2f}".rstrip("0").rstrip(".")
    read = f"read {signal.at[:10]}" + (f" by {signal.source}" if signal.source else "")
    return f"{signal.name.replace('_', ' ')} {value} ({read})"


def print_reports(reports: list[FileReport]) -> None:
    """Warnings and errors on stderr, then a table: per file, what happened."""
    for report in reports:
        for warning in report.warnings:
            errors.print(f"warning: {warning}", markup=False)
        if report.error:
            errors.print(f"error: {report.error}", markup=False, style="red")
    names = ("file", "format", "added", "merged", "unchanged", "failed")
    rows = []
    for r in reports:
        failed = "file" if r.error else str(r.failed)
        added = f"{r.added} (+{r.sources_added} sources)" if r.sources_added else str(r.added)
        rows.append([r.path, r.format, added, str(r.merged), str(r.unchanged), failed])
    # The counts are what the table is for: the path gets what room they leave, one line each.
    others = sum(max(cell_len(row[i]) for row in [list(names), *rows]) for i in range(1, len(names)))
    room = max(MIN_PATH, console.width - others - 3 * (len(names) - 1))
    table = Table(show_edge=False, pad_edge=False)
    for name in names:
        table.add_column(name, justify="left" if name in ("file", "format") else "right", no_wrap=True)
    for row in rows:
        table.add_row(Text(short_path(row[0], room)), *row[1:])
    console.print(table)


def short_path(path: str, room: int) -> str:
    """A path in at most `room` columns: relative to this folder if inside it, else its middle
    left out, so that the file's name (what tells one row from the next) stays whole."""
    shown = Path(path)
    if shown.is_absolute() and shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    text = str(shown)
    if cell_len(text) <= room:
        return text
    name = shown.name
    if cell_len(name) + 2 > room:  # even the name does not fit: keep its end, the extension
        return "…" + _last_columns(name, room - 1)
    head = text[: len(text) - len(name)]
    keep = room - cell_len(name) - 1
    while cell_len(head[:keep]) > keep:
        keep -= 1  # wide characters
    return head[:keep] + "…" + name if keep > 0 else "…" + name


def _last_columns(text: str, columns: int) -> str:
    start = max(0, len(text) - columns)
    while cell_len(text[start:]) > columns:
        start += 1
    return text[start:]
