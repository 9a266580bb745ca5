"""`mlnews check`: what is wrong in an issue source, as `FILE:LINE: problem` lines."""

from __future__ import annotations

import re
from pathlib import Path

from mlnews import identity
from mlnews.document import editions
from mlnews.document.model import Issue, Texts
from mlnews.document.safe import is_safe_url, plain
from mlnews.document.source import IssueError, Parsed, read
from mlnews.errors import MlnewsError
from mlnews.i18n import SOURCE_LANGUAGE, catalogue
from mlnews.items import KINDS
from mlnews.settings import LANGUAGES, Config
from mlnews.text import cjk_count, mostly_cjk
from mlnews.weeks import Week
from mlnews.workspace import figure_problem

CJK_LANGUAGES = ("zh", "ja")  # written in Chinese characters (and kana)
_IMAGE_HEAD = 4096  # enough for an SVG's XML declaration, doctype and comments before <svg>
# An SVG is text: its <svg> root, maybe after a byte-order mark, an XML declaration, a doctype, comments.
_SVG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<svg[\s>/]", re.DOTALL)


def problems(parsed: Parsed, config: Config, path: Path) -> list[str]:
    issue = parsed.issue
    found = list(parsed.problems)
    kind = "week" if issue.is_weekly else "month"
    if path.stem != issue.name:
        found.append(
            (issue.line_of.get(kind, 1), f"{kind} {issue.name} does not match the file name {path.name}")
        )
    sections = {s.id for s in config.sections}
    for section, line in parsed.section_lines.items():
        if section not in sections:
            found.append((line, f"unknown section {section!r}; sections are: {', '.join(sorted(sections))}"))
    seen: dict[str, int] = {}
    for entry in issue.entries:
        key = identity.identify(entry.key) or entry.key
        if key and key in seen:
            found.append((entry.line, f"{entry.key} is already an entry at line {seen[key]}"))
        seen.setdefault(key, entry.line)
        line = entry.field_lines.get("link", entry.line)
        if not entry.link:
            found.append((entry.line, "entry has no link ('link: https://…')"))
        elif not is_safe_url(entry.link) or not entry.link.startswith(("http://", "https://")):
            found.append((line, f"link {entry.link!r} is not an http(s) URL"))
        if not entry.headline.strip():
            found.append((entry.line, "entry has no headline after '###'"))
        if entry.kind and entry.kind not in KINDS:
            found.append(
                (
                    entry.field_lines.get("kind", entry.line),
                    f"kind {entry.kind!r}: expected one of {', '.join(KINDS)}",
                )
            )
        if entry.figure:
            found += _figure_problems(entry.figure, entry.field_lines.get("figure", entry.line), path)
        if entry.issue and not _is_week(entry.issue):
            found.append(
                (entry.field_lines["issue"], f"issue {entry.issue!r}: expected a week such as 2020-W45")
            )
    found += _translation_problems(issue, config)
    keys = {identity.identify(e.key) or e.key for e in issue.entries}
    for pick in issue.picks:
        if (identity.identify(pick) or pick) not in keys:
            found.append((issue.line_of.get("picks", 1), f"pick {pick!r} names no entry of this issue"))
    return [f"{path}:{line}: {problem}" for line, problem in sorted(found, key=lambda p: p[0])]


def _translation_problems(issue: Issue, config: Config) -> list[tuple[int, str]]:
    # A language dropped from the settings keeps its translations in the file, unused: the
    # curator may bring it back. One mlnews cannot publish in, or the text's own, is a typo.
    written = editions.written_in(issue, config.source_language)
    found = _language_problems(issue, config, written)
    # (translations, the language of what they translate, whose it is, whether the file says so)
    owners = [(issue.intro_translations, written, "the issue", bool(issue.lang))]
    owners += [
        (e.translations, editions.entry_language(e, written), "this entry", bool(e.lang or issue.lang))
        for e in issue.entries
    ]
    for translations, own, whose, said in owners:
        for lang, translation in translations.items():
            if lang == own and said:
                problem = f"translation into {lang!r}, the language {whose} is written in"
                found.append((translation.line, problem))
            elif lang == own:
                found.append((translation.line, _reordered(issue, lang, config)))
            elif lang not in LANGUAGES:
                known = ", ".join(code for code in LANGUAGES if code != own)
                found.append((translation.line, f"translation into {lang!r}: languages it can be: {known}"))
    return found


def _language_problems(issue: Issue, config: Config, written: str) -> list[tuple[int, str]]:
    """A `lang` mlnews cannot publish in, and a file that does not say its language whose texts
    are plainly not in the one it is read as (the workspace's first, since reordered)."""
    found = []
    known = ", ".join(LANGUAGES)
    if issue.lang and issue.lang not in LANGUAGES:
        found.append((issue.line_of.get("lang", 1), f"lang {issue.lang!r}: languages it can be: {known}"))
    for entry in issue.entries:
        if entry.lang and entry.lang not in LANGUAGES:
            line = entry.field_lines.get("lang", entry.line)
            found.append((line, f"lang {entry.lang!r}: languages it can be: {known}"))
    if not issue.lang and _mostly_not_in(issue, written):
        name = catalogue("en").language_name(written)
        found.append(
            (
                1,
                f"its texts are not in {name}, mlnews.toml's first language; say which language they"
                f' are in, in its front matter: lang = "{_likely_language(issue, written, config)}"',
            )
        )
    return found


def _reordered(issue: Issue, lang: str, config: Config) -> str:
    # A file that does not say its language is read as in the workspace's first: that the
    # file has a translation into it says the languages were reordered since it was written.
    return (
        f"translation into {lang!r}, mlnews.toml's first language; if this file is written in another"
        f" (the languages were reordered), say so in its front matter: "
        f'lang = "{_likely_language(issue, lang, config)}"'
    )


def _likely_language(issue: Issue, presumed: str, config: Config) -> str:
    """The language a file that does not say is most likely written in: the first of the
    workspace's it has no translation into, other than the one it was read as."""
    translated = {lang for e in issue.entries for lang in e.translations} | set(issue.intro_translations)
    others = [lang for lang in config.languages if lang != presumed and lang not in translated]
    return others[0] if others else SOURCE_LANGUAGE


def _mostly_not_in(issue: Issue, lang: str) -> bool:
    """Whether most of the entries' own texts are plainly in another script than `lang`'s."""
    texts = [
        plain(text)
        for entry in issue.entries
        if not entry.lang
        for text in (entry.headline, entry.summary)
        if text.strip()
    ]
    wrong = sum(1 for text in texts if _not_in(text, lang))
    return bool(texts) and wrong * 2 > len(texts)


def _not_in(text: str, lang: str) -> bool:
    """Plainly: Chinese or Japanese with no character of their script, another language mostly in it."""
    return cjk_count(text) == 0 if lang in CJK_LANGUAGES else mostly_cjk(text)


def notices(parsed: Parsed, path: Path) -> tuple[list[str], list[str]]:
    """What to look at before publishing: (flagged texts, stale translations), as FILE:LINE lines.

    A flagged text failed the faithfulness check: publishing refuses it until the curator
    edits it (or deletes its mark). A stale translation was made from words since changed.
    """
    issue = parsed.issue
    flagged: list[tuple[int, str]] = []
    stale: list[tuple[int, str]] = []
    for translation in issue.intro_translations.values():
        flagged += _flags(translation, translation.line, f"the intro's {translation.lang} text")
        if translation.stale({"summary": issue.intro}):
            stale.append(
                (translation.line, f"the intro's {translation.lang} text is stale: the intro changed")
            )
    for entry in issue.entries:
        flagged += _flags(entry, entry.line, "the")
        for lang, translation in entry.translations.items():
            flagged += _flags(translation, translation.line, f"the {lang}")
            changed = translation.stale(entry.originals())
            if changed:
                what = " and ".join(changed)
                stale.append(
                    (
                        translation.line,
                        f"the {lang} {what} of {entry.key} is stale: the source changed since it was "
                        f"translated; update it and remove {what} from its 'source:' line, or empty it to "
                        "have compose translate it again",
                    )
                )
    return _lines(flagged, path), _lines(stale, path)


def _flags(texts: Texts, line: int, prefix: str) -> list[tuple[int, str]]:
    found = []
    for name, reason in texts.flags().items():
        where = texts.field_lines.get(name, line) if name == "post" else line
        found.append(
            (
                where,
                f"{prefix} {name} is flagged ({reason}); check it, then delete its 'flagged:' mark",
            )
        )
    return found


def _lines(found: list[tuple[int, str]], path: Path) -> list[str]:
    return [f"{path}:{line}: {problem}" for line, problem in sorted(found, key=lambda p: p[0])]


def _figure_problems(figure: str, line: int, path: Path) -> list[tuple[int, str]]:
    problem = figure_problem(figure)
    if problem:
        return [(line, problem)]
    workspace = path.resolve().parent.parent  # issue sources live in WORKSPACE/issues/
    if path.resolve().parent.name != "issues":
        return []
    if not (workspace / figure).is_file():
        return [(line, f"figure {figure} not found in the workspace")]
    if not (workspace / figure).resolve().is_relative_to((workspace / "media").resolve()):
        return [(line, f"figure {figure} links to a file outside media/, which is never published")]
    try:
        with (workspace / figure).open("rb") as file:
            head = file.read(_IMAGE_HEAD)
    except OSError as error:
        return [(line, f"figure {figure} cannot be read: {error.strerror or error}")]
    if not _is_image(head):
        return [(line, f"figure {figure} is not an image (PNG, JPEG, GIF, WebP, AVIF or SVG)")]
    return []


def _is_image(head: bytes) -> bool:
    """Whether a file's first bytes are an image a page can show: by its magic bytes, not its
    name, since `figure: library.db` has a name too."""
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return True
    return _SVG.match(head) is not None


def _is_week(text: str) -> bool:
    try:
        Week.parse(text)
    except MlnewsError:
        return False
    return True


def read_valid(path: Path, config: Config) -> Parsed:
    """An issue source that has no problem; the first problem found stops it, as FILE:LINE."""
    parsed = read(path)
    found = problems(parsed, config, path)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise IssueError(f"{found[0]}{more}; see `mlnews check {path.stem}`")
    return parsed
