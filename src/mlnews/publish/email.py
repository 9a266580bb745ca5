"""An issue as an e-mail: a plain-text and an HTML part with the same content (`publish.smtp` sends it).

The message is laid out from the same `IssueView` as the Markdown, in the same order. Its
HTML is a Jinja2 template fed only escaped text and HTML from `render.html` (Markdown
rendered with raw HTML off, then sanitised by nh3); the template's style sheet is moved
into `style` attributes by css-inline, because most mail clients drop `<style>`.
Figures travel inside the message (`cid:` links in a multipart/related) or are linked on
the site, as `[email] inline_images` says.

    multipart/alternative
    ├── text/plain                  every URL spelled out, wrapped at 72 columns
    └── multipart/related           (only with inline figures; else just text/html)
        ├── text/html
        └── image/png …             Content-ID: <…>, referenced as cid:… in the HTML
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import errors as email_errors
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, Policy
from email.utils import format_datetime, localtime, make_msgid
from functools import cache, partial
from pathlib import Path
from string import Formatter

import css_inline
import jinja2
import nh3
from lxml import html as lxml_html

from mlnews import i18n
from mlnews.config import Config, EmailSettings
from mlnews.enrich.images import sniff_image_type
from mlnews.errors import ConfigError, UsageError
from mlnews.render import html
from mlnews.render.links import SiteLinks
from mlnews.render.published import issue_view
from mlnews.render.safe import safe_target
from mlnews.render.view import EntryView, IssueView, Link, Navigation, Pick
from mlnews.text import html_to_text, wrap
from mlnews.weeks import Period
from mlnews.workspace import Workspace

WIDTH = 72  # columns of the text part; CJK characters count two
MAX_INLINE_BYTES = 2_000_000  # a bigger figure is linked rather than carried in every copy
UNDISCLOSED = "undisclosed-recipients:;"  # the To header when recipients must not see each other


# -- headers ---------------------------------------------------------------------------------


class _UrlList(UnstructuredHeader, BaseHeader):
    """A `<URL>, <URL>` header (List-Unsubscribe), folded between URLs and never encoded.

    The standard folding turns a URL longer than a line into RFC 2047 encoded words, which
    no mail client reads as a URL (RFC 2369 lets the header fold only between them).
    """

    def fold(self, *, policy: Policy) -> str:
        urls = re.findall(r"<[^<>]*>", str(self)) or [str(self)]  # a comma may be inside a URL
        return f"{self.name}: " + ("," + policy.linesep + " ").join(urls) + policy.linesep


def _policy() -> EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()  # our own: the default one is shared by every message in the process
    registry.map_to_type("list-unsubscribe", _UrlList)
    # 7bit: non-ASCII text goes as quoted-printable or base64, whichever is shorter, so no
    # server along the way needs 8BITMIME.
    return email_policy.default.clone(cte_type="7bit", header_factory=registry)


POLICY = _policy()


def issue_message(
    workspace: Workspace, period: Period, lang: str, *, to: list[str] | None = None
) -> EmailMessage:
    """An issue of the workspace as an e-mail, linking the issue and its figures on the site."""
    config = workspace.config
    links = SiteLinks(config.site_url, config.languages[0])
    view = issue_view(workspace, period, lang, links)
    return message(view, config, workspace.root, web_url=links.issue(period, lang), to=to)


def message(
    view: IssueView, config: Config, workspace: Path, *, web_url: str, to: list[str] | None = None
) -> EmailMessage:
    """The issue as a MIME message, with the newsletter's headers; `to` may be empty for a .eml file."""
    settings = config.email
    sender = _sender(settings)
    msg = EmailMessage(policy=POLICY)
    _set_header(msg, "From", settings.from_address, "from_address")
    if to:
        msg["To"] = ", ".join(check_address(address) if address != UNDISCLOSED else address for address in to)
    if settings.reply_to:
        _set_header(msg, "Reply-To", settings.reply_to, "reply_to")
    _set_header(msg, "Subject", f"{config.name}: {view.title}", "name")
    msg["Date"] = format_datetime(localtime())
    msg["Message-ID"] = make_msgid(domain=_ascii_domain(sender.domain))
    unsubscribe = _unsubscribe_urls(settings)
    if unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in unsubscribe)
        if any(url.startswith("https:") for url in unsubscribe):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058

    figures = _inline_figures(view, workspace, sender.domain) if settings.inline_images else {}
    content = _content(view, config, web_url, unsubscribe, figures)
    msg.set_content(_render_text(content))
    msg.add_alternative(_render_html(content), subtype="html")
    if figures:
        html_part = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
        for figure in figures.values():
            html_part.add_related(
                figure.data,
                "image",
                figure.subtype,
                cid=f"<{figure.cid}>",
                disposition="inline",
                filename=figure.filename,
            )
    return msg


def to_header(recipients: list[str]) -> list[str]:
    """What the To header shows: the one reader, or no one, so that readers do not see each other."""
    return recipients if len(recipients) == 1 else [UNDISCLOSED]


def check_address(address: str) -> str:
    """A bare e-mail address (`news@example.org`), or a UsageError saying what is wrong with it."""
    try:
        parsed = Address(addr_spec=address.strip())
    except (ValueError, IndexError, email_errors.MessageError):
        parsed = None
    if parsed is None or not parsed.username or not parsed.domain:
        raise UsageError(f"{address!r} is not an e-mail address (expected e.g. reader@example.org)")
    return parsed.addr_spec


def _sender(settings: EmailSettings) -> Address:
    if not settings.from_address.strip():
        raise ConfigError(
            '[email] from_address is not set: add e.g. from_address = "ML News <news@example.org>" '
            "to the [email] table of mlnews.toml"
        )
    try:
        addresses: tuple[Address, ...] = POLICY.header_factory("From", settings.from_address).addresses
    except (ValueError, IndexError, email_errors.MessageError):
        addresses = ()
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise ConfigError(
            f"[email] from_address {settings.from_address!r} is not one address; "
            'expected e.g. "ML News <news@example.org>"'
        )
    return addresses[0]


def _ascii_domain(domain: str) -> str:
    """The domain as a Message-ID or Content-ID may hold it: an internationalised one in punycode."""
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "mlnews.invalid"


def _set_header(msg: EmailMessage, name: str, value: str, key: str) -> None:
    try:
        msg[name] = value
    except ValueError as error:  # a line break in a setting would start a header of its own
        table = "newsletter" if key == "name" else "email"
        raise ConfigError(f"[{table}] {key}: {error}") from None


def _unsubscribe_urls(settings: EmailSettings) -> list[str]:
    """The https: and mailto: addresses of `[email] unsubscribe` (one, or both separated by a space)."""
    urls = [url.strip(",") for url in settings.unsubscribe.split()]
    for url in urls:
        if not (url.startswith(("https://", "mailto:")) and safe_target(url) == url):
            raise ConfigError(
                f"[email] unsubscribe: {url!r} is not an https: or mailto: address "
                "(e.g. https://example.org/unsubscribe or mailto:unsubscribe@example.org)"
            )
    return urls


# -- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    cid: str  # without the angle brackets
    data: bytes
    subtype: str
    filename: str


def _inline_figures(view: IssueView, workspace: Path, domain: str) -> dict[str, _Figure]:
    """The figures to carry in the message, by their path; any that cannot be is linked instead."""
    figures: dict[str, _Figure] = {}
    for entry in _entries(view):
        path = entry.entry.figure
        if not path or path in figures:
            continue
        data = _read_figure(workspace, path)
        subtype = sniff_image_type(data) if data else None
        if data and subtype:
            cid = make_msgid(domain=_ascii_domain(domain))[1:-1]
            figures[path] = _Figure(cid, data, subtype, Path(path).name)
    return figures


def _read_figure(workspace: Path, figure: str) -> bytes | None:
    root = workspace.resolve()
    path = (root / figure).resolve()
    # `mlnews check` refuses other paths already; this keeps a message from carrying any file.
    if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > MAX_INLINE_BYTES:
        return None
    return path.read_bytes()


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
    web: _Link
    sections: list[_Section]
    picks: list[_Pick]
    navigation: _Navigation
    footer_html: str
    footer_text: str
    unsubscribe: _Link | None
    labels: dict[str, str]


def _content(
    view: IssueView, config: Config, web_url: str, unsubscribe: list[str], figures: dict[str, _Figure]
) -> _Content:
    cat = i18n.catalogue(view.lang)
    site = SiteLinks(config.site_url, config.languages[0])
    sections = [
        _Section(s.number, s.name, [_entry(e, view.labels, site, figures) for e in s.entries])
        for s in view.sections
    ]
    visible_unsubscribe = sorted(unsubscribe, key=lambda url: not url.startswith("https:"))[:1]
    return _Content(
        lang=view.lang,
        subject=f"{config.name}: {view.title}",
        title=view.title,
        intro=view.intro,
        note_html=html.markdown(view.note) if view.note.strip() else "",
        note_text=_markdown_text(view.note),
        web=_Link(cat("View this issue on the web"), safe_target(web_url)),
        sections=sections,
        picks=[_pick(pick, view.labels) for pick in view.picks],
        navigation=_navigation(view.navigation),
        footer_html=html.markdown(view.footer.strip()) if view.footer.strip() else "",
        footer_text=_markdown_text(view.footer),
        unsubscribe=_Link(cat("Unsubscribe"), visible_unsubscribe[0]) if visible_unsubscribe else None,
        labels=view.labels,
    )


def _entries(view: IssueView) -> Iterator[EntryView]:
    for section in view.sections:
        yield from section.entries


def _entry(view: EntryView, labels: dict[str, str], site: SiteLinks, figures: dict[str, _Figure]) -> _Entry:
    entry = view.entry
    figure_src = ""
    if entry.figure:
        inline = figures.get(entry.figure)
        figure_src = f"cid:{inline.cid}" if inline else safe_target(site.media(entry.figure))
    backlink_html = backlink_text = ""
    if view.backlink:
        target = safe_target(view.backlink.url)
        anchor = _anchor_html(view.backlink.label, target)
        backlink_html = _fill_html(labels["from"], issue=anchor)
        backlink_text = labels["from"].format(issue=_spelled(view.backlink.label, target))
    summary_html = html.markdown(entry.summary.strip()) if entry.summary.strip() else ""
    return _Entry(
        anchor=view.anchor,
        is_paper=entry.kind == "paper",
        headline_html=_headline_html(view),
        headline_text=_headline_text(view),
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
    )


def _headline_html(view: EntryView) -> str:
    headline = " ".join(view.entry.headline.split())
    return html.markdown_inline(headline) if headline else html.text(view.entry.title)


def _headline_text(view: EntryView) -> str:
    return html_to_text(_headline_html(view))


def _pick(pick: Pick, labels: dict[str, str]) -> _Pick:
    template, number, section = labels["pick"], pick.section.number, pick.section.name
    headline = _unlinked(_headline_html(pick.entry))  # the pick is a link: a link inside it is not one
    return _Pick(
        label_html=_fill_html(template, headline=headline, number=str(number), section=html.text(section)),
        label_text=template.format(headline=_headline_text(pick.entry), number=number, section=section),
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
