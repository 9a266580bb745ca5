"""The issue source format: what a curator edits by hand, read back exactly, errors with FILE:LINE."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlnews.config import Config
from mlnews.document.check import problems
from mlnews.document.model import Entry, Issue, fingerprint
from mlnews.document.source import IssueError, dumps, parse
from mlnews.text import without_controls
from mlnews.weeks import Month, Week, parse_period

ORDER = ["papers", "articles", "use-cases", "other"]

SOURCE = """\
+++
week = "2020-W49"
picks = [
    "arxiv:2011.15126",
]
+++

A note from the curator, in **Markdown**.

## papers

### Keypoints instead of frames: video calls at a tenth of the bandwidth
key: arxiv:2011.15126
kind: paper
title: One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing
link: https://arxiv.org/abs/2011.15126
post: Video calls that send keypoints, not frames
drafted: title=6f42e9 link=dc0ea9

A talking-head model renders the caller from one photo.

It needs a tenth of H.264's bandwidth.

## other

### AlphaFold 2 predicts protein structures close to experiment
key: url:https://deepmind.com/blog/article/alphafold-a-solution-to-a-50-year-old-grand-challenge-in-biology
kind: article
title: AlphaFold: a solution to a 50-year-old grand challenge in biology
link: https://deepmind.com/blog/article/alphafold-a-solution-to-a-50-year-old-grand-challenge-in-biology
site: deepmind.com
"""


def test_a_hand_written_source_reads_as_written() -> None:
    parsed = parse(SOURCE, "2020-W49.md")
    issue = parsed.issue
    assert parsed.problems == []
    assert issue.period == Week(2020, 49)
    assert issue.picks == ["arxiv:2011.15126"]
    assert issue.intro == "A note from the curator, in **Markdown**."
    paper, article = issue.entries
    assert (paper.section, paper.kind, paper.line) == ("papers", "paper", 12)
    assert paper.headline.startswith("Keypoints instead of frames")
    assert (
        paper.summary
        == "A talking-head model renders the caller from one photo.\n\nIt needs a tenth of H.264's bandwidth."
    )
    assert paper.drafted == {"title": "6f42e9", "link": "dc0ea9"}
    assert paper.field_lines["post"] == 17
    assert (article.section, article.site, article.summary) == ("other", "deepmind.com", "")


def test_writing_then_reading_gives_back_the_same_issue() -> None:
    issue = parse(SOURCE).issue
    again = parse(dumps(issue, ORDER)).issue
    assert dumps(again, ORDER) == dumps(issue, ORDER)
    assert [(e.key, e.headline, e.summary, e.post) for e in again.entries] == [
        (e.key, e.headline, e.summary, e.post) for e in issue.entries
    ]


def test_sections_are_written_in_the_configured_order_and_unknown_ones_kept() -> None:
    issue = Issue(Week(2020, 49))
    issue.entries = [Entry("b", "other", "B"), Entry("x", "my-section", "X"), Entry("a", "papers", "A")]
    text = dumps(issue, ORDER)
    assert text.index("## papers") < text.index("## other") < text.index("## my-section")


fields = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(
    lambda s: " ".join(s.split())
)


@given(headline=fields.filter(bool), title=fields, post=fields, summary=st.text(max_size=200))
def test_any_text_round_trips(headline: str, title: str, post: str, summary: str) -> None:
    # Structure lives at line starts; text inside fields and summaries is not structure.
    # Control characters are dropped on reading (no text means them; feeds forbid them).
    summary = without_controls(summary)
    summary = "\n".join(line for line in summary.splitlines() if not line.startswith("#")).strip()
    summary = "\n".join(line for line in summary.splitlines() if line.strip())
    issue = Issue(Month(2020, 11))
    entry = Entry("arxiv:2011.15126", "papers", headline.lstrip("#").strip() or "h", summary=summary)
    entry.set_drafted("title", title)
    entry.post = post
    issue.entries.append(entry)
    back = parse(dumps(issue, ORDER)).issue.entries[0]
    assert (back.headline, back.title, back.post, back.summary) == (
        entry.headline,
        entry.title,
        entry.post,
        summary.strip(),
    )
    assert back.drafted == entry.drafted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("week = '2020-W49'\n", r"x.md:1: expected the front matter to open with '\+\+\+'"),
        ("+++\nweek = '2020-W49'\n", r"x.md:1: the front matter is not closed"),
        ("+++\nweek = '2020-W49'\npicks = [\n+++\n", r"x.md:\d: front matter: "),
        ("+++\npicks = []\n+++\n", r"x.md:1: front matter must set either week"),
        ("+++\n\nweek = '2020-W60'\n+++\n", r"x.md:3: week '2020-W60': 2020 has no week 60"),
        ("+++\nmonth = '2020-W49'\n+++\n", r"x.md:2: month = '2020-W49' is not a month"),
        ("+++\nweek = '2020-W49'\n+++\n### orphan\n", r"x.md:4: entry before any section"),
        ("+++\nweek = '2020-W49'\n+++\n# Title\n", r"x.md:4: use '## SECTION'"),
    ],
)
def test_a_broken_source_is_an_error_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(IssueError, match=message):
        parse(text, "x.md")


def test_check_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    text = """\
+++
week = "2020-W49"
picks = ["arxiv:9999.99999"]
colour = "blue"
+++

## papers

### One
key: arxiv:2011.15126
link: https://arxiv.org/abs/2011.15126
titel: typo

### Same paper again, by another form of its id
key: arXiv:2011.15126v2
link: https://arxiv.org/pdf/2011.15126

### No link
key: arxiv:2011.12289
kind: preprint

## papres

### Dangerous
key: url:https://evil.example/
link: javascript:alert(1)
"""
    path = tmp_path / "2020-W48.md"
    found = problems(parse(text, str(path)), Config(), path)
    assert found == [
        f"{path}:2: week 2020-W49 does not match the file name 2020-W48.md",
        f"{path}:3: pick 'arxiv:9999.99999' names no entry of this issue",
        f"{path}:4: unknown front-matter key 'colour'; known keys: week, month, lang, title, picks",
        f"{path}:12: unknown field 'titel'; fields are: key, kind, title, link, authors, site, description,"
        " figure, issue, post, lang, drafted, flagged",
        f"{path}:14: arXiv:2011.15126v2 is already an entry at line 9",
        f"{path}:18: entry has no link ('link: https://…')",
        f"{path}:20: kind 'preprint': expected one of paper, article, news, other",
        f"{path}:22: unknown section 'papres'; sections are: articles, other, papers, use-cases",
        f"{path}:26: link 'javascript:alert(1)' is not an http(s) URL",
    ]


def test_fingerprints_ignore_rewrapping_but_not_edits() -> None:
    assert fingerprint("a  summary\nthat wraps") == fingerprint("a summary that wraps")
    assert fingerprint("a summary") != fingerprint("a summary, edited")


@pytest.mark.parametrize(
    ("first_weekday", "day", "week"),
    [
        # Sunday weeks take the ISO number of the Monday after: 2020 has 53 ISO weeks.
        ("sunday", date(2020, 12, 27), Week(2020, 53)),
        ("sunday", date(2021, 1, 2), Week(2020, 53)),
        ("sunday", date(2021, 1, 3), Week(2021, 1)),
        # Week 1 of 2019 starts in December 2018 (Monday 31 Dec; Sunday 30 Dec).
        ("monday", date(2018, 12, 31), Week(2019, 1)),
        ("sunday", date(2018, 12, 30), Week(2019, 1)),
        ("monday", date(2018, 12, 30), Week(2018, 52)),
        ("monday", date(2021, 1, 3), Week(2020, 53)),
    ],
)
def test_year_ends_in_both_conventions(first_weekday: str, day: date, week: Week) -> None:
    assert Week.containing(day, first_weekday) == week
    assert week.start(first_weekday) <= day <= week.end(first_weekday)


def test_periods_name_weeks_and_months() -> None:
    assert parse_period("2020-W49") == Week(2020, 49)
    assert parse_period("2020-11") == Month(2020, 11)
    assert Month(2020, 12).end() == date(2020, 12, 31)
    assert Month(2020, 2).end() == date(2020, 2, 29)
    for bad in ("2020-13", "2020-W54", "November"):
        with pytest.raises(Exception, match=bad):
            parse_period(bad)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("###pixelNeRF", "a heading needs a space after its '#'s"),
        ("###", "entry has no headline after '###'"),
        ("##", "a section heading needs its section id"),
    ],
)
def test_heading_typos_are_problems_not_published_text(tmp_path: Path, line: str, problem: str) -> None:
    text = SOURCE.replace("### AlphaFold 2 predicts protein structures close to experiment", line)
    path = tmp_path / "2020-W49.md"
    found = problems(parse(text, str(path)), Config(), path)
    assert any(problem in p for p in found), found


def test_field_names_forgive_case_and_spacing() -> None:
    text = SOURCE.replace("site: deepmind.com", "Site:deepmind.com").replace(
        "kind: article", "KIND:  article"
    )
    entry = parse(text).issue.entries[1]
    assert (entry.site, entry.kind) == ("deepmind.com", "article")


def test_a_field_line_lost_in_a_summary_is_reported() -> None:
    text = SOURCE.replace("It needs a tenth", "drafted: headline=abcdef\n\nIt needs a tenth")
    assert parse(text).problems == [(22, "a field line in the summary: fields go right under the '###' line")]


def test_a_byte_order_mark_is_fine_and_bad_bytes_name_their_line(tmp_path: Path) -> None:
    from mlnews.document.source import read

    path = tmp_path / "2020-W49.md"
    path.write_bytes(b"\xef\xbb\xbf" + SOURCE.encode())
    assert read(path).issue.period == Week(2020, 49)
    path.write_bytes(SOURCE.encode().replace(b"A note", b"A \xff note"))
    with pytest.raises(IssueError, match=r"2020-W49.md:8: not UTF-8 text"):
        read(path)


def test_a_missing_figure_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "there.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # its magic bytes
    path = tmp_path / "issues" / "2020-W49.md"
    text = SOURCE.replace("post: Video", "figure: media/there.png\npost: Video")
    assert problems(parse(text, str(path)), Config(), path) == []
    text = text.replace("there.png", "missing.png")
    assert problems(parse(text, str(path)), Config(), path) == [
        f"{path}:17: figure media/missing.png not found in the workspace"
    ]
