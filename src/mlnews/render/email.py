"""An issue's e-mail content: a plain-text and an HTML part saying the same (`publish.mime` sends them).

The content is laid out from the same `IssueView` as the Markdown, in the same order. Its
HTML is a Jinja2 template (`templates/email/`) fed only escaped text and HTML from
`render.html` (Markdown rendered with raw HTML off, then sanitised by nh3); the template's
style sheet is moved into `style` attributes by css-inline, because most mail clients drop
`<style>`. The text part spells out every URL and is wrapped at 72 columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, partial
from string import Formatter

import css_inline
import jinja2
import nh3
from lxml import html as lxml_html

from mlnews import i18n
from mlnews.document.safe import safe_target
from mlnews.render import html
from mlnews.render.links import SiteLinks
from mlnews.render.view import EntryView, IssueView, Link, Navigation, Pick
from mlnews.settings import Config
from mlnews.text import html_to_text, wrap

WIDTH = 72  # columns of the text part; CJK characters count two


@dataclass(frozen=True)
class Parts:
    text: str
    html: str


def parts(
    view: IssueView, config: Config, *, web_url: str, unsubscribe: list[str], cids: dict[str, str]
) -> Parts:
    """Both parts of an issue's e-mail; `cids` names the figures carried in the message, by path."""
    content = _content(view, config, web_url, unsubscribe, cids)
    return Parts(_render_text(content), _render_html(content))


# -- what both parts show ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    label: str  # plain text
    url: str  # safe to link, or '' when it is not


@dataclass(frozen=True)
class _Entry:
    anchor: str
    is_paper: bool
    headline_html: str
    headline_text: str
    figure_src: str  # cid:… or the site's URL; '' for none
    figure_alt: str
    title: str
    link: _Link
    description: str
    site: str
    summary_html: str
    summary_text: str
    backlink_html: str
    backlink_text: str
    # The language of its headline and of its summary: the edition's, or, untranslated, the one
    # they are written in (marked, `document.editions`).
    headline_lang: str
    summary_lang: str


@dataclass(frozen=True)
class _Section:
    number: int
    name: str
    entries: list[_Entry]


@dataclass(frozen=True)
class _Pick:
    label_html: str
    label_text: str
    url: str


@dataclass(frozen=True)
class _Navigation:
    previous: _Link | None
    current: str
    next: _Link | None
    related: list[_Link]


@dataclass(frozen=True)
class _Content:
    """The issue as both templates get it. `*_html` values come from render.html: safe as they are."""

    lang: str
    subject: str
    title: str
    intro: str
    note_html: str
    note_text: str
    note_lang: str
    web: _Link
    sections: list[_Section]
    picks: list[_Pick]
    navigation: _Navigation
    footer_html: str
    footer_text: str
    unsubscribe: _Link | None
    labels: dict[str, str]


def _content(
    view: IssueView, config: Config, web_url: str, unsubscribe: list[str], cids: dict[str, str]
) -> _Content:
    cat = i18n.catalogue(view.lang)
    site = SiteLinks(config.site_url, config.languages[0])
    note_html = html.marked(html.markdown(view.note), view.note_mark, view.lang) if view.note.strip() else ""
    sections = [
        _Section(s.number, s.name, [_entry(e, view.lang, view.labels, site, cids) for e in s.entries])
        for s in view.sections
    ]
    visible_unsubscribe = sorted(unsubscribe, key=lambda url: not url.startswith("https:"))[:1]
    return _Content(
        lang=view.lang,
        subject=f"{config.name}: {view.title}",
        title=view.title,
        intro=view.intro,
        note_html=note_html,
        note_text=_html_text(note_html),
        note_lang=view.note_lang,
        web=_Link(cat("View this issue on the web"), safe_target(web_url)),
        sections=sections,
        picks=[_pick(pick, view.lang, view.labels) for pick in view.picks],
        navigation=_navigation(view.navigation),
        footer_html=html.markdown(view.footer.strip()) if view.footer.strip() else "",
        footer_text=_markdown_text(view.footer),
        unsubscribe=_Link(cat("Unsubscribe"), visible_unsubscribe[0]) if visible_unsubscribe else None,
        labels=view.labels,
    )


def _entry(
    view: EntryView, lang: str, labels: dict[str, str], site: SiteLinks, cids: dict[str, str]
) -> _Entry:
    entry = view.entry
    figure_src = ""
    if entry.figure:
        cid = cids.get(entry.figure)
        figure_src = f"cid:{cid}" if cid else safe_target(site.media(entry.figure))
    backlink_html = backlink_text = ""
    if view.backlink:
        target = safe_target(view.backlink.url)
        anchor = _anchor_html(view.backlink.label, target)
        backlink_html = _fill_html(labels["from"], issue=anchor)
        backlink_text = labels["from"].format(issue=_spelled(view.backlink.label, target))
    summary = entry.summary.strip()
    summary_html = html.marked(html.markdown(summary), view.marks.get("summary", ""), lang) if summary else ""
    return _Entry(
        anchor=view.anchor,
        is_paper=entry.kind == "paper",
        headline_html=_headline_html(view, lang),
        headline_text=_headline_text(view, lang),
        figure_src=figure_src,
        figure_alt=view.figure_alt,
        title=" ".join(entry.title.split()),
        link=_Link(" ".join((entry.title or entry.link).split()), safe_target(entry.link)),
        description=" ".join(entry.description.split()),
        site=" ".join(entry.site.split()),
        summary_html=summary_html,
        summary_text=_html_text(summary_html),
        backlink_html=backlink_html,
        backlink_text=backlink_text,
        headline_lang=view.langs.get("headline", lang),
        summary_lang=view.langs.get("summary", lang),
    )


def _headline_html(view: EntryView, lang: str, *, in_pick: bool = False) -> str:
    """The headline, marked where it is untranslated; the item's title where there is none.

    In a pick, it is the text of a link (a link inside it would not be one), among words in
    the issue's language: an untranslated one says its own language there."""
    headline = " ".join(view.entry.headline.split())
    if not headline:
        return html.text(view.entry.title)
    inline = html.markdown_inline(headline)
    own = view.langs.get("headline", lang)
    if in_pick:
        inline = _unlinked(inline)
        inline = f'<span lang="{html.text(own)}">{inline}</span>' if own != lang else inline
    return html.marked(inline, view.marks.get("headline", ""), lang)


def _headline_text(view: EntryView, lang: str) -> str:
    return html_to_text(_headline_html(view, lang))


def _pick(pick: Pick, lang: str, labels: dict[str, str]) -> _Pick:
    template, number, section = labels["pick"], pick.section.number, pick.section.name
    # The pick is a link: a link inside it would not be one.
    headline = _headline_html(pick.entry, lang, in_pick=True)
    return _Pick(
        label_html=_fill_html(template, headline=headline, number=str(number), section=html.text(section)),
        label_text=template.format(headline=_headline_text(pick.entry, lang), number=number, section=section),
        url=safe_target(pick.url),
    )


def _navigation(navigation: Navigation) -> _Navigation:
    def link(value: Link | None) -> _Link | None:
        return _Link(value.label, safe_target(value.url)) if value else None

    return _Navigation(
        previous=link(navigation.previous),
        current=navigation.current,
        next=link(navigation.next),
        related=[_Link(r.label, safe_target(r.url)) for r in navigation.related],
    )


def _fill_html(template: str, **values_html: str) -> str:
    """A translated label template (`{headline} ({number}. {section})`) with HTML values filled in.

    The template's own text is escaped; the values must be HTML from render.html already.
    """
    out = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        out.append(html.text(literal))
        if name is not None:
            out.append(values_html[name])
    return "".join(out)


def _anchor_html(label: str, url: str) -> str:
    return f'<a href="{html.text(url)}">{html.text(label)}</a>' if url else html.text(label)


def _unlinked(fragment: str) -> str:
    return nh3.clean(fragment, tags=html.TAGS - {"a"}, attributes=html.ATTRIBUTES, url_schemes=html.SCHEMES)


def _spelled(label: str, url: str) -> str:
    """A link as plain text: `label <url>`, or just the URL when that is its label."""
    if not url or label.strip() in (url, url.removeprefix("mailto:")):
        return url or label
    return f"{label} <{url}>"


# -- plain text --------------------------------------------------------------------------------


def _markdown_text(markdown: str) -> str:
    return _html_text(html.markdown(markdown)) if markdown.strip() else ""


def _html_text(fragment: str) -> str:
    """Sanitised block HTML as plain text: one line per paragraph or list item, links spelled out.

    `html_to_text` flattens a fragment to one line and drops link targets, so it is given one
    block at a time, with each link's target written after its text.
    """
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for anchor in root.iter("a"):
        spelled = _spelled(anchor.text_content(), anchor.get("href", ""))
        for child in list(anchor):
            anchor.remove(child)
        anchor.text = spelled
    blocks: list[str] = []
    if root.text and root.text.strip():  # text outside any block: Markdown makes none, but be sure
        blocks.append(" ".join(root.text.split()))
    for block in root:
        if block.tag in ("ul", "ol"):
            for number, item in enumerate(block.iterchildren("li"), start=1):
                marker = f"{number}." if block.tag == "ol" else "-"
                blocks.append(f"{marker} {_block_text(item)}")
        elif block.tag == "blockquote":
            blocks.append(f"> {_block_text(block)}")
        else:
            blocks.append(_block_text(block))
    return "\n\n".join(b for b in blocks if b.strip())


def _block_text(element: lxml_html.HtmlElement) -> str:
    return html_to_text(lxml_html.tostring(element, encoding="unicode", with_tail=False))


# -- templates -------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mlnews", "templates/email"),
        autoescape=jinja2.select_autoescape(["html"]),  # the .txt part is text: nothing to escape
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["wrap"] = partial(wrap, width=WIDTH)
    return environment


def _render_html(content: _Content) -> str:
    page = _environment().get_template("issue.html").render(issue=content)
    return css_inline.inline(page, load_remote_stylesheets=False, keep_style_tags=False)


def _render_text(content: _Content) -> str:
    text = _environment().get_template("issue.txt").render(issue=content)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
