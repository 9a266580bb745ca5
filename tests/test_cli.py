"""The `mlnews` command as a user runs it: workspace, import, browse, triage, export."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from mlnews.cli.output import short_path
from mlnews.workspace import Workspace

DEMO = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "demo"


@pytest.fixture
def demo(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    result = run("init", "ws")
    assert result.code == 0, result.err
    result = run(
        "-w",
        "ws",
        "import",
        *(str(DEMO / n) for n in ("papers.atom", "articles.rss", "news.json", "reading.bib")),
    )
    assert result.code == 0, result.err
    return tmp_path / "ws"


def test_outside_a_workspace_is_a_one_line_error(run) -> None:  # type: ignore[no-untyped-def]
    result = run("list")
    assert result.code == 1
    assert "mlnews init" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_every_command_has_help_with_an_example(run) -> None:  # type: ignore[no-untyped-def]
    for command in (
        "init",
        "demo",
        "demo-files",
        "import",
        "list",
        "search",
        "reindex",
        "show",
        "export",
        "shortlist",
        "reject",
        "undo",
        "tag",
    ):
        result = run(command, "--help")
        assert result.code == 0, command
        assert "Example" in result.out, command


def test_help_lists_every_command_with_its_own_first_line_without_importing_it() -> None:
    """`mlnews --help` lists the commands from `cli.root.COMMANDS`, not from their modules: each
    line must be the first paragraph of the command's docstring, and every command listed."""
    import importlib
    import inspect

    from mlnews.cli import root

    shown = {}
    for module in sorted({module for module, _ in root.COMMANDS.values()}):
        importlib.import_module(f"mlnews.cli.{module}")
    for info in root.app.registered_commands:
        shown[info.name] = inspect.getdoc(info.callback).split("\n\n")[0]  # type: ignore[union-attr]
    for group in root.app.registered_groups:
        shown[group.name] = group.typer_instance.info.help.split("\n\n")[0]  # type: ignore[union-attr]
    assert {name: line for name, (_, line) in root.COMMANDS.items()} == shown
    listed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mlnews", "--help"], capture_output=True, text=True
    )
    assert listed.returncode == 0 and all(name in listed.stdout for name in root.COMMANDS)
    assert "mlnews.cli.library_cmds" not in listed.stderr  # no command's module is imported for help


def test_import_summary_and_reimport_changes_nothing(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    first = run("-w", str(demo), "list", "--json").json()
    assert isinstance(first, list) and len(first) > 20
    again = run("-w", str(demo), "import", str(DEMO / "papers.atom"), str(DEMO / "articles.rss"))
    assert again.code == 0
    assert "unchanged" in again.out
    assert run("-w", str(demo), "list", "--json").json() == first


def test_a_broken_file_fails_alone_with_file_and_line(run, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.atom"
    text = (DEMO / "papers.atom").read_text(encoding="utf-8")
    bad.write_text(text[: len(text) // 2], encoding="utf-8")
    jsonl = tmp_path / "partial.jsonl"
    exported = run("-w", str(demo), "export").out.splitlines()
    jsonl.write_text("\n".join([exported[0], "{not json", exported[1]]) + "\n", encoding="utf-8")
    before = run("-w", str(demo), "export").out
    result = run("-w", str(demo), "import", str(bad), str(jsonl), str(DEMO / "news.json"))
    assert result.code == 1
    assert f"{bad}:" in result.err
    assert f"{jsonl}:2: not JSON" in result.err
    assert "Traceback" not in result.err
    assert run("-w", str(demo), "export").out == before


def test_unrecognised_and_missing_files(run, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.txt").write_text("just some words\n")
    result = run("-w", str(demo), "import", str(tmp_path / "notes.txt"), str(tmp_path / "missing.xml"))
    assert result.code == 1
    assert "notes.txt: unrecognised format" in result.err
    assert "missing.xml: cannot read" in result.err
    forced = run("-w", str(demo), "import", "--format", "nonsense", str(tmp_path / "notes.txt"))
    assert forced.code == 1 and "unknown format" in forced.err


def test_list_json_fields_and_filters(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    items = run("-w", str(demo), "list", "--json", "--kind", "paper", "--limit", "3").json()
    assert len(items) == 3
    for item in items:
        assert {
            "key",
            "kind",
            "title",
            "url",
            "urls",
            "authors",
            "published",
            "state",
            "section",
            "week",
        } <= set(item)
        assert item["kind"] == "paper"
    dates = [i["published"] for i in items]
    assert dates == sorted(dates, reverse=True)
    since = run("-w", str(demo), "list", "--json", "--since", "2020-12-01").json()
    assert since and all(i["published"] >= "2020-12-01" for i in since)
    assert run("-w", str(demo), "list", "--state", "bogus").code == 1
    assert run("-w", str(demo), "list", "--since", "last week").code == 1


def test_search_ranks_and_highlights(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    hits = run("-w", str(demo), "search", "talking", "--json").json()
    assert hits[0]["key"] == "arxiv:2011.15126"
    assert "**" in hits[0]["snippet"]
    terminal = run("-w", str(demo), "search", "talking")
    assert "2011.15126" in terminal.out
    assert run("-w", str(demo), "search", '"unbalanced').code == 0


def test_triage_round(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", str(demo), "shortlist", "arXiv:2011.15126v2", "--week", "2020-W49")
    assert result.code == 0, result.err
    assert "in papers (by default)" in result.out  # no --section: compose will classify it
    shown = run("-w", str(demo), "show", "https://arxiv.org/pdf/2011.15126.pdf", "--json").json()
    assert isinstance(shown, dict)
    assert (shown["state"], shown["section"], shown["week"]) == ("shortlisted", None, "2020-W49")
    assert run("-w", str(demo), "reject", "2011.15126").code == 0
    assert run("-w", str(demo), "tag", "2011.15126", "vision").code == 0
    shown = run("-w", str(demo), "show", "2011.15126", "--json").json()
    assert isinstance(shown, dict)
    assert shown["state"] == "rejected" and "vision" in shown["tags"]
    assert [e["state"] for e in shown["history"]] == ["shortlisted", "rejected"]
    listed = run("-w", str(demo), "list", "--state", "rejected", "--json").json()
    assert [i["key"] for i in listed] == ["arxiv:2011.15126"]  # type: ignore[index]


def test_undo_survives_a_merge_and_names_each_item_once(run, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    ws = str(demo)
    rejected = run("-w", ws, "reject", "2011.15126", "arXiv:2011.15126v2", "https://arxiv.org/abs/2011.15126")
    assert rejected.code == 0 and rejected.out.count("rejected arxiv:2011.15126") == 1  # one item, once
    # A new reading of the record merges into the item and rewrites its history rows.
    records = [json.loads(line) for line in run("-w", ws, "export").out.splitlines()]
    record = next(r for r in records if r["key"] == "arxiv:2011.15126")
    record["abstract"] = (record.get("abstract") or "") + " Revised."
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps(record, separators=(",", ":")) + "\n", encoding="utf-8")
    assert run("-w", ws, "import", str(again)).code == 0
    undone = run("-w", ws, "undo")
    assert undone.code == 0, undone.err
    shown = run("-w", ws, "show", "2011.15126", "--json").json()
    assert isinstance(shown, dict) and shown["state"] == "new"
    assert "rejected" not in [e["state"] for e in shown["history"]]  # the ranker forgets it too
    nothing = run("-w", ws, "undo")
    assert nothing.code == 1 and "nothing to undo" in nothing.err


def test_a_decision_whose_retrain_fails_is_stored_and_says_so(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    import tomlkit

    path = demo / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["ranker"]["taste"]["examples"] = ["mlnews.toml"]  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    assert run("-w", str(demo), "rank").code == 1  # the bad setting, said where it is used
    document["ranker"]["taste"]["examples"] = []  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    assert run("-w", str(demo), "rank").code == 0  # a stored model, so that a decision retrains it
    document["ranker"]["taste"]["examples"] = ["mlnews.toml"]  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    result = run("-w", str(demo), "shortlist", "2011.12289", "--week", "2020-W49")
    assert result.code == 0 and "shortlisted arxiv:2011.12289" in result.out
    assert "Warning: the decision is stored, but the ranker was not retrained" in result.err


def test_unknown_keys_change_nothing(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    before = run("-w", str(demo), "export").out
    for args in (
        ("shortlist", "2011.15126", "9999.99999"),
        ("reject", "nope"),
        ("tag", "2011.15126", "nope:x", "t"),
        ("shortlist", "2011.15126", "--section", "nonexistent"),
        ("shortlist", "2011.15126", "--week", "2020-49"),
    ):
        result = run("-w", str(demo), *args)
        assert result.code == 1, args
        assert len(result.err.strip().splitlines()) == 1, result.err
    assert run("-w", str(demo), "show", "9999.99999").code == 1
    assert run("-w", str(demo), "export").out == before


def test_export_import_round_trips_every_field(run, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("-w", str(demo), "shortlist", "2011.15126", "--section", "papers", "--week", "2020-W49", "--featured")
    run("-w", str(demo), "tag", "2011.15126", "seed")
    assert run("-w", str(demo), "export", "-o", str(tmp_path / "all.jsonl")).code == 0
    run("init", "copy")
    result = run("-w", "copy", "import", str(tmp_path / "all.jsonl"))
    assert result.code == 0, result.err
    assert run("-w", "copy", "export").out == (tmp_path / "all.jsonl").read_text(encoding="utf-8")
    again = run("-w", "copy", "import", str(tmp_path / "all.jsonl"))
    assert "unchanged" in again.out


def test_opml_registers_feeds_as_sources(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init", "ws")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="ML"><outline text="Lil\'Log" type="rss" xmlUrl="https://lilianweng.github.io/index.xml"'
        ' htmlUrl="https://lilianweng.github.io/"/></outline></body></opml>',
        encoding="utf-8",
    )
    assert run("-w", "ws", "import", str(opml)).code == 0
    assert run("-w", "ws", "import", str(opml)).code == 0
    from mlnews import config

    sources = config.load(tmp_path / "ws" / "mlnews.toml").sources
    assert [s.url for s in sources] == ["https://lilianweng.github.io/index.xml"]
    assert run("-w", "ws", "list", "--json").json() == []


def test_bad_config_is_reported_by_every_command(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init", "ws")
    toml = tmp_path / "ws" / "mlnews.toml"
    toml.write_text(toml.read_text().replace('first_weekday = "sunday"', 'first_weekday = "friday"'))
    result = run("-w", "ws", "shortlist", "x")
    assert result.code == 1
    assert "mlnews.toml: newsletter.first_weekday: expected 'sunday' or 'monday', got 'friday'" in result.err


def test_demo_command_is_safe_to_rerun(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    # The first run is the session's shared build (tests/test_demo.py runs the command twice).
    second = run("demo", "demo")
    assert second.code == 0, second.err
    assert " 0 " in second.out or "unchanged" in second.out
    assert run("-w", "demo", "search", "conferencing", "--json").json()


def test_console_script_and_module_entry_points(tmp_path: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "mlnews", "--version"], capture_output=True, text=True, check=True
    )
    assert module.stdout.startswith("mlnews ")
    script = Path(sys.executable).parent / "mlnews"
    result = subprocess.run(
        [str(script), "list"], capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 1
    assert "mlnews init" in result.stderr and "Traceback" not in result.stderr


def test_import_kind_sets_the_kind_of_every_record(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init", "ws")
    assert run("-w", "ws", "import", "--kind", "news", str(DEMO / "news.json")).code == 0
    kinds = {i["kind"] for i in run("-w", "ws", "list", "--json").json()}  # type: ignore[union-attr]
    assert kinds == {"news"}
    result = run("-w", "ws", "shortlist", "https://neurips.cc/Conferences/2020", "--week", "2020-W49")
    assert "in other" in result.out
    assert run("-w", "ws", "import", "--kind", "blog", str(DEMO / "news.json")).code == 1


def test_odd_arguments_are_one_line_errors(run, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile").write_text("x")
    cases = [
        ("-w", str(demo), "list", "--limit", "99999999999999999999"),
        ("-w", str(demo), "search", "x", "--limit", "0"),
        ("init", str(tmp_path / "afile" / "sub")),
        ("init", str(tmp_path / "afile")),
        ("-w", str(demo), "export", "-o", str(tmp_path / "missing" / "x.jsonl")),
        ("-w", str(demo), "export", "-o", str(tmp_path)),
        ("-w", str(demo), "show", ""),
        ("-w", str(demo), "list", "--week", ""),
        ("-w", str(demo), "import", "--format", "bibtex", str(DEMO / "news.json")),
        ("-w", str(demo), "import", str(tmp_path)),
    ]
    for args in cases:
        result = run(*args)
        assert result.code in (1, 2), args
        assert "Traceback" not in result.err, args
        if result.code == 1:
            assert len(result.err.strip().splitlines()) == 1, (args, result.err)


def test_source_text_is_never_read_as_markup(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", str(demo), "show", ":thumbs_up: [bold]x[/bold]")
    assert ":thumbs_up: [bold]x[/bold]" in result.err


def test_gzip_files_are_read_through(run, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import gzip

    exported = run("-w", str(demo), "export").out
    packed = tmp_path / "library.jsonl.gz"
    packed.write_bytes(gzip.compress(exported.encode()))
    result = run("-w", str(demo), "import", str(packed))
    assert result.code == 0, result.err
    assert "mlnews-jsonl" in result.out


def test_a_busy_library_is_a_clear_error_and_nothing_changes(run, demo: Path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from mlnews.library import database

    holder = sqlite3.connect(demo / "library.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        original = database.Library.open

        def impatient(path: Path) -> database.Library:
            library = original(path)
            library.db.execute("PRAGMA busy_timeout = 100")
            return library

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(database.Library, "open", impatient)
            result = run("-w", str(demo), "tag", "2011.15126", "busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 1
    assert "another mlnews command is writing" in result.err
    assert "busy" not in run("-w", str(demo), "show", "2011.15126", "--json").json()["tags"]  # type: ignore[index]


def test_every_format_is_named_in_import_help_and_the_readme(run) -> None:  # type: ignore[no-untyped-def]
    from mlnews.formats.base import formats

    help_text = " ".join(run("import", "--help").out.split())
    readme = (DEMO.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    for name in formats():
        assert name in help_text, name
        assert f"`{name}`" in readme, name


def test_the_import_table_fits_80_columns_with_long_paths(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init", "ws").code == 0
    far = tmp_path_factory.mktemp("elsewhere").joinpath(*["a-rather-long-folder-name"] * 6)
    far.mkdir(parents=True)
    shutil.copy(DEMO / "papers.atom", far / "papers-of-the-week.atom")
    (tmp_path / "inbox").mkdir()
    shutil.copy(DEMO / "reading.bib", tmp_path / "inbox" / "reading.bib")
    monkeypatch.setenv("COLUMNS", "80")
    result = run(
        "-w", "ws", "import", str(far / "papers-of-the-week.atom"), str(tmp_path / "inbox" / "reading.bib")
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 4 and all(cell_len(line) <= 80 for line in lines), result.out  # a row is a line
    assert "…" in lines[2] and "papers-of-the-week.atom │ arxiv-atom │    24 │" in lines[2]
    assert lines[3].startswith("inbox/reading.bib ")  # inside this folder: relative, as typed
    assert short_path("/x/" + "a" * 50 + ".atom", 20) == "…" + "a" * 14 + ".atom"
    assert short_path("ünï/€/" * 10 + "文件.bib", 20).endswith("…文件.bib")


def test_starting_a_command_does_not_load_the_learning_libraries() -> None:
    # Every job the app starts is a new `mlnews` process: scikit-learn alone would add a second
    # to each, and to `mlnews --help`. It is loaded by the commands that rank or draft.
    probe = "import sys, mlnews.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
