"""Reading and writing issue sources: Markdown with TOML front matter, one entry per `###`.

    +++
    week = "2020-W49"
    picks = ["arxiv:2011.15126"]
    +++

    ## papers

    ### A GAN sends faces as keypoints and cuts video-call bandwidth tenfold
    key: arxiv:2011.15126
    title: One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing
    link: https://arxiv.org/abs/2011.15126
    drafted: title=1a2b3c link=5e6f7a

    The summary, in Markdown, up to the next heading.

The full format is in docs/issue-format.md. Reading never needs the library: an issue
source holds everything rendering needs.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from mlnews import files
from mlnews.document.model import DRAFTABLE, FIELDS, Entry, Flag, Issue, Translation
from mlnews.errors import MlnewsError
from mlnews.text import without_controls
from mlnews.weeks import Period, Week, parse_period

FRONT_MATTER = "+++"
KNOWN_FRONT_MATTER = ("week", "month", "lang", "title", "picks")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z_]*):(.*)$")
_HEADING = re.compile(r"^(#{1,4})(?:[ \t]+(.*)|[ \t]*)$")  # `## x`, `###`, `### ` ...
_SQUASHED_HEADING = re.compile(r"^#{2,3}[^#\s]")  # `###Title`: meant as a heading, read as text
_FIELD_IN_TEXT = re.compile(r"^(key|link|drafted|flagged|source|post):", re.IGNORECASE)
_DRAFTED = re.compile(r"([a-z_]+)=([0-9a-f]{6})\b")
_FLAGGED = re.compile(r'([a-z_]+)=([0-9a-f]{6}) "((?:[^"\\]|\\.)*)"')
# C0 controls other than tab, line feed and carriage return (the end of a Windows line), and DEL.
_C0 = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
MARKS = ("drafted", "flagged")  # fingerprints compose keeps: not the curator's to write
TRANSLATION_FIELDS = ("post", "source", *MARKS)


class IssueError(MlnewsError):
    """An issue source that cannot be read; the message starts with FILE:LINE."""


@dataclass
class Parsed:
    issue: Issue
    # (line, problem) for things that do not stop reading but make the file wrong.
    problems: list[tuple[int, str]] = field(default_factory=list)
    section_lines: dict[str, int] = field(default_factory=dict)


def read(path: Path) -> Parsed:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IssueError(f"{path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")  # an editor may have saved it with a byte-order mark
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise IssueError(f"{path}:{line}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return parse(text, str(path))


def parse(text: str, name: str = "<issue>") -> Parsed:
    lines = without_controls(text).splitlines()  # a stray \x01 pasted from a feed must not reach the feeds
    period, front, body_start, line_of = _front_matter(lines, name)
    issue = Issue(period=period, line_of=line_of, front_matter="\n".join(lines[1 : body_start - 1]))
    parsed = Parsed(issue)
    parsed.problems += _control_problems(text)
    title = front.get("title", "")
    picks = front.get("picks", [])
    lang = front.get("lang", "")
    if not isinstance(title, str):
        parsed.problems.append((line_of["title"], "'title' must be a string"))
    else:
        issue.title = title
    if not isinstance(lang, str):
        parsed.problems.append((line_of["lang"], "'lang' must be a language code such as \"en\""))
    else:
        issue.lang = lang.strip()
    if not isinstance(picks, list) or not all(isinstance(p, str) for p in picks):
        parsed.problems.append((line_of.get("picks", 1), "'picks' must be a list of item keys"))
    else:
        issue.picks = [p.strip() for p in picks]
    for key in front:
        if key not in KNOWN_FRONT_MATTER:
            known = ", ".join(KNOWN_FRONT_MATTER)
            parsed.problems.append((line_of[key], f"unknown front-matter key {key!r}; known keys: {known}"))
    _body(lines, body_start, parsed, name)
    return parsed


def _control_problems(text: str) -> list[tuple[int, str]]:
    """A line with a control character (a NUL, say): reading drops them, so what is published is
    not quite what the file says, and a file that has them was likely pasted from a binary."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        controls = sorted({c for c in line if c in _C0})
        if controls:
            named = ", ".join(f"U+{ord(c):04X}" for c in controls)
            found.append((number, f"control character {named} in the text; delete it"))
    return found


def _front_matter(lines: list[str], name: str) -> tuple[Period, dict[str, object], int, dict[str, int]]:
    if not lines or lines[0].strip() != FRONT_MATTER:
        raise IssueError(f"{name}:1: expected the front matter to open with '{FRONT_MATTER}'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER)
    except StopIteration:
        raise IssueError(f"{name}:1: the front matter is not closed with '{FRONT_MATTER}'") from None
    try:
        front = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise IssueError(f"{name}:{_toml_line(error) + 1}: front matter: {_toml_reason(error)}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise IssueError(f"{name}:1: front matter: nested too deeply to read (TOML)") from None
    line_of = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if match and match.group(1) in front and match.group(1) not in line_of:
            line_of[match.group(1)] = number
    if ("week" in front) == ("month" in front):
        raise IssueError(f'{name}:1: front matter must set either week = "YYYY-Www" or month = "YYYY-MM"')
    key = "week" if "week" in front else "month"
    value = front[key]
    try:
        if not isinstance(value, str):
            raise MlnewsError(f'{key} must be a string such as "2020-W49" or "2020-11"')
        period = parse_period(value)
        if isinstance(period, Week) != (key == "week"):
            raise MlnewsError(f"{key} = {value!r} is not a {key}")
    except MlnewsError as error:
        raise IssueError(f"{name}:{line_of.get(key, 1)}: {error}") from None
    return period, front, end + 1, line_of


def _toml_line(error: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else 0


def _toml_reason(error: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "not valid TOML"


def _body(lines: list[str], start: int, parsed: Parsed, name: str) -> None:
    issue = parsed.issue
    section: str | None = None
    entry: Entry | None = None
    translation: Translation | None = None
    in_fields = False
    text: list[str] = []  # the intro, or the summary of the current entry or translation

    def finish() -> None:
        content = "\n".join(text).strip()
        if translation is not None:
            translation.summary = content
        elif entry is not None:
            entry.summary = content
        elif section is None:
            issue.intro = content
        text.clear()

    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        heading = _HEADING.match(line)
        if _SQUASHED_HEADING.match(line):
            parsed.problems.append((number, "a heading needs a space after its '#'s ('### headline')"))
        if heading and len(heading.group(1)) == 1:
            raise IssueError(f"{name}:{number}: use '## SECTION' for sections and '### headline' for entries")
        if heading and len(heading.group(1)) == 2:
            finish()
            section, entry, translation, in_fields = (heading.group(2) or "").strip(), None, None, False
            if not section:
                parsed.problems.append((number, "a section heading needs its section id ('## papers')"))
            parsed.section_lines.setdefault(section, number)
            continue
        if heading and len(heading.group(1)) == 3:
            finish()
            if section is None:
                raise IssueError(f"{name}:{number}: entry before any section; put '## SECTION' above it")
            entry = Entry(key="", section=section, headline=(heading.group(2) or "").strip(), line=number)
            translation = None
            issue.entries.append(entry)
            in_fields = True
            continue
        if heading:
            finish()
            translation = _translation(heading.group(2) or "", number, parsed)
            owner = entry.translations if entry is not None else issue.intro_translations
            if entry is None and section is not None:
                parsed.problems.append((number, f"a translation in section {section!r} outside any entry"))
            elif translation.lang in owner:
                parsed.problems.append((number, f"a second {translation.lang} translation here"))
            else:
                owner[translation.lang] = translation
            in_fields = True
            continue
        fields_of = translation if translation is not None else entry
        if fields_of is not None and in_fields:
            if not line.strip():
                in_fields = False
                continue
            match = _FIELD.match(line)
            if match and " " not in match.group(1):
                _set_field(fields_of, match.group(1).lower(), match.group(2).strip(), number, parsed)
                continue
            in_fields = False  # a summary that starts right under the fields
        if entry is None and translation is None and section is not None and line.strip():
            problem = f"text in section {section!r} outside any entry ('### headline')"
            parsed.problems.append((number, problem))
            continue
        if fields_of is not None and _FIELD_IN_TEXT.match(line):
            problem = "a field line in the summary: fields go right under the '###' line"
            parsed.problems.append((number, problem))
        text.append(line)
    finish()
    for entry in issue.entries:
        if not entry.key:
            parsed.problems.append((entry.line, "entry has no 'key:' line"))


def _translation(heading: str, number: int, parsed: Parsed) -> Translation:
    """`#### zh 标题`: the language, then the translated headline."""
    lang, _, headline = heading.strip().partition(" ")
    if not lang:
        parsed.problems.append((number, "a translation heading needs its language ('#### zh')"))
    return Translation(lang=lang, headline=headline.strip(), line=number)


def _set_field(owner: Entry | Translation, name: str, value: str, number: int, parsed: Parsed) -> None:
    if name in owner.field_lines:
        parsed.problems.append((number, f"field {name!r} appears twice in this entry"))
        return
    owner.field_lines[name] = number
    known = TRANSLATION_FIELDS if isinstance(owner, Translation) else (*FIELDS, *MARKS)
    if name not in known:
        parsed.problems.append((number, f"unknown field {name!r}; fields are: {', '.join(known)}"))
    elif name in ("drafted", "source"):
        marks = {k: v for k, v in _DRAFTED.findall(value) if k in DRAFTABLE}
        setattr(owner, name, marks)
    elif name == "flagged":
        owner.flagged = {k: Flag(v, json.loads(f'"{reason}"')) for k, v, reason in _FLAGGED.findall(value)}
    else:
        setattr(owner, name, value)


# -- writing -------------------------------------------------------------------------------


def dumps(issue: Issue, section_order: list[str]) -> str:
    """The issue source text. Sections in `section_order` first, any others after."""
    out = [FRONT_MATTER, _front_matter_text(issue), FRONT_MATTER, ""]
    if issue.intro:
        out += [issue.intro, ""]
    for translation in issue.intro_translations.values():
        out += _translation_lines(translation)
    present = list(dict.fromkeys(e.section for e in issue.entries))
    ordered = [s for s in section_order if s in present] + [s for s in present if s not in section_order]
    for section in ordered:
        out += [f"## {section}", ""]
        for entry in issue.in_section(section):
            out += _entry_lines(entry)
    return "\n".join(out).rstrip("\n") + "\n"


def _front_matter_text(issue: Issue) -> str:
    document = tomlkit.parse(issue.front_matter) if issue.front_matter.strip() else tomlkit.document()
    if not issue.front_matter.strip():
        document["week" if isinstance(issue.period, Week) else "month"] = issue.name
    if issue.lang and document.get("lang") != issue.lang:
        document["lang"] = issue.lang
    if issue.title and document.get("title") != issue.title:
        document["title"] = issue.title
    if list(document.get("picks", [])) != issue.picks or "picks" not in document:
        picks = tomlkit.array()
        picks.extend(issue.picks)
        picks.multiline(bool(issue.picks))  # one key per line: diffs show which pick changed
        document["picks"] = picks
    return tomlkit.dumps(document).strip("\n")


def _entry_lines(entry: Entry) -> list[str]:
    out = [f"### {_one_line(entry.headline)}"]
    for name in FIELDS:
        value = _one_line(entry.value(name))
        if value:
            out.append(f"{name}: {value}")
    out += _marks(entry, ("drafted", "flagged"))
    out.append("")
    if entry.summary.strip():
        out += [entry.summary.strip(), ""]
    for translation in entry.translations.values():
        out += _translation_lines(translation)
    return out


def _translation_lines(translation: Translation) -> list[str]:
    out = [f"#### {translation.lang} {_one_line(translation.headline)}".rstrip()]
    if translation.post.strip():
        out.append(f"post: {_one_line(translation.post)}")
    out += _marks(translation, ("source", "drafted", "flagged"))
    out.append("")
    if translation.summary.strip():
        out += [translation.summary.strip(), ""]
    return out


def _marks(owner: Entry | Translation, names: tuple[str, ...]) -> list[str]:
    out = []
    for name in names:
        if name == "flagged":
            flags = owner.flags()  # a flag the curator's edit made void is not written back
            marks = [
                f"{k}={owner.flagged[k].fingerprint} {json.dumps(flags[k], ensure_ascii=False)}"
                for k in DRAFTABLE
                if k in flags
            ]
            if marks:
                out.append("flagged: " + " ".join(marks))
            continue
        values: dict[str, str] = getattr(owner, name)
        marks = [f"{k}={values[k]}" for k in DRAFTABLE if k in values]
        if marks:
            out.append(f"{name}: " + " ".join(marks))
    return out


def _one_line(value: str) -> str:
    return " ".join(value.split())


def write(path: Path, issue: Issue, section_order: list[str]) -> None:
    # Through a symbolic link to the file it names, rather than replacing the link.
    with files.replacing(path.resolve()) as out:
        out.write(dumps(issue, section_order))


def path_for(issues_dir: Path, period: Period) -> Path:
    return issues_dir / f"{period}.md"


def existing(issues_dir: Path) -> list[Period]:
    """The periods that have an issue source, in order (weeks and months separately sortable)."""
    found: list[Period] = []
    for path in issues_dir.glob("*.md"):
        try:
            found.append(parse_period(path.stem))
        except MlnewsError:
            continue
    return found
