"""An issue as CommonMark, in the layout of the reference issues.

Plain constructs only (headings, paragraphs, lists, block quotes, images, links,
backslash line breaks), so the result pastes cleanly into Medium or Substack.
"""

from __future__ import annotations

from mlnews.document.safe import disarm, escape, safe_target, without_links
from mlnews.document.safe import link as md_link
from mlnews.render.view import EntryView, IssueView, Navigation, SectionView

RULE = "---"


def render(view: IssueView) -> str:
    out: list[str] = [f"# {escape(view.title)}", escape(view.intro)]
    if view.note:
        out.append(marked(disarm(view.note), view.note_mark))
    out += [f"## {escape(view.labels['sections'])}", _table(view.sections)]
    if view.picks:
        out += [f"## {escape(view.labels['picks'])}", _picks(view)]
    out += [f"## {escape(view.labels['past'])}", *_navigation(view.navigation), RULE]
    for section in view.sections:
        if section.entries:
            out += _section(section, view.labels)
            out.append(RULE)
    out += [f"## {escape(view.labels['past'])}", *_navigation(view.navigation)]
    if view.footer.strip():
        out += [RULE, disarm(view.footer.strip())]
    return "\n\n".join(block for block in out if block) + "\n"


def _table(sections: list[SectionView]) -> str:
    return "\n".join(f"{s.number}. {escape(s.name)}" for s in sections)


def _picks(view: IssueView) -> str:
    lines = []
    for pick in view.picks:
        headline = without_links(_headline(pick.entry))
        label = view.labels["pick"].format(
            headline=headline, number=pick.section.number, section=escape(pick.section.name)
        )
        target = safe_target(pick.url)
        lines.append(f"- [{label}]({target})" if target else f"- {label}")
    return "\n".join(lines)


def _navigation(navigation: Navigation) -> list[str]:
    parts = []
    if navigation.previous:
        parts.append(md_link(navigation.previous.label, navigation.previous.url) + " ⇦")
    parts.append(escape(navigation.current))
    if navigation.next:
        parts.append("⇨ " + md_link(navigation.next.label, navigation.next.url))
    blocks = [" ".join(parts)]
    if navigation.related:
        blocks.append(" ".join(md_link(link.label, link.url) for link in navigation.related))
    return blocks


def _section(section: SectionView, labels: dict[str, str]) -> list[str]:
    out = [f"## {section.number}. {escape(section.name)}"]
    for view in section.entries:
        out += (_paper(view) if view.entry.kind == "paper" else _card(view)) + _summary(view, labels)
    return out


def _headline(view: EntryView) -> str:
    headline = disarm(" ".join(view.entry.headline.split()))
    return marked(headline, view.marks.get("headline", "")) if headline else escape(view.entry.title)


def marked(markdown: str, label: str) -> str:
    """Markdown with the mark of an untranslated text after it (`document.editions`): at the end of
    its last line, or as a paragraph of its own after code or a table, where it would not read."""
    if not label:
        return markdown
    body = markdown.rstrip()
    last = body.rsplit("\n", 1)[-1]
    if last.lstrip().startswith(("```", "~~~", "|")) or last.startswith(("    ", "\t")):
        return f"{body}\n\n{escape(label)}"
    return f"{body} {escape(label)}"


def _paper(view: EntryView) -> list[str]:
    entry = view.entry
    out = [f"### {_headline(view)}"]
    if view.figure_url and safe_target(view.figure_url):
        out.append(f"![{escape(view.figure_alt)}]({safe_target(view.figure_url)})")
    lines = [f"*{escape(entry.title)}*"] if entry.title else []
    target = safe_target(entry.link)
    if target:
        lines.append(f"<{target}>")
    out.append("\\\n".join(lines))
    return out


def _card(view: EntryView) -> list[str]:
    """The link card: page title (linked), its description and its site, as a block quote."""
    entry = view.entry
    out = [f"### {_headline(view)}"]
    if view.figure_url and safe_target(view.figure_url):
        out.append(f"![{escape(view.figure_alt)}]({safe_target(view.figure_url)})")
    card = [f"**{md_link(entry.title or entry.link, entry.link)}**"]
    card += [escape(text) for text in (entry.description, entry.site) if text.strip()]
    out.append("\\\n".join(f"> {line}" for line in card))
    return out


def _summary(view: EntryView, labels: dict[str, str]) -> list[str]:
    summary = view.entry.summary.strip()
    out = [marked(disarm(summary), view.marks.get("summary", ""))] if summary else []
    if view.backlink:
        out.append(labels["from"].format(issue=md_link(view.backlink.label, view.backlink.url)))
    return out
