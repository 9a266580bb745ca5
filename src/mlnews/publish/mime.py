"""An issue as an e-mail message: headers, the two parts `render.email` makes, figures inside.

`publish.smtp` sends it; `mlnews email` writes it as a .eml file. Figures travel inside the
message (`cid:` links in a multipart/related) or are linked on the site, as
`[email] inline_images` says.

    multipart/alternative
    ├── text/plain                  every URL spelled out, wrapped at 72 columns
    └── multipart/related           (only with inline figures; else just text/html)
        ├── text/html
        └── image/png …             Content-ID: <…>, referenced as cid:… in the HTML
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import errors as email_errors
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, Policy
from email.utils import format_datetime, localtime, make_msgid
from pathlib import Path

from mlnews.document.safe import safe_target
from mlnews.enrich.images import sniff_image_type
from mlnews.errors import ConfigError, UsageError
from mlnews.render import email as content
from mlnews.render.links import SiteLinks
from mlnews.render.published import issue_view
from mlnews.render.view import IssueView
from mlnews.settings import Config, EmailSettings
from mlnews.weeks import Period
from mlnews.workspace import Workspace

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
    address = sender(settings)
    msg = EmailMessage(policy=POLICY)
    _set_header(msg, "From", settings.from_address, "from_address")
    if to:
        msg["To"] = ", ".join(check_address(address) if address != UNDISCLOSED else address for address in to)
    if settings.reply_to:
        _set_header(msg, "Reply-To", settings.reply_to, "reply_to")
    _set_header(msg, "Subject", f"{config.name}: {view.title}", "name")
    msg["Date"] = format_datetime(localtime())
    msg["Message-ID"] = make_msgid(domain=_ascii_domain(address.domain))
    unsubscribe = _unsubscribe_urls(settings)
    if unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in unsubscribe)
        if any(url.startswith("https:") for url in unsubscribe):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058

    figures = _inline_figures(view, workspace, address.domain) if settings.inline_images else {}
    cids = {path: figure.cid for path, figure in figures.items()}
    parts = content.parts(view, config, web_url=web_url, unsubscribe=unsubscribe, cids=cids)
    msg.set_content(parts.text)
    msg.add_alternative(parts.html, subtype="html")
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


def sender(settings: EmailSettings) -> Address:
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
    paths = [entry.entry.figure for section in view.sections for entry in section.entries]
    for path in paths:
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
