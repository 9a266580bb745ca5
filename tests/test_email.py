"""`mlnews email` / `mlnews send`: an issue as a MIME message, sent to a real SMTP server on loopback."""

from __future__ import annotations

import dataclasses
import datetime
import email
import ipaddress
import re
import shutil
import socket
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path
from typing import Any

import keyring
import pytest
import tomlkit
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import html as lxml_html
from PIL import Image

from mlnews import demo
from mlnews.config import Config, EmailSettings
from mlnews.errors import ConfigError, MlnewsError
from mlnews.i18n import catalogue
from mlnews.publish import mime as publish
from mlnews.publish import smtp
from mlnews.render import published
from mlnews.render.html import markdown_inline
from mlnews.render.links import SiteLinks
from mlnews.render.view import EntryView, IssueView
from mlnews.text import html_to_text, wrap
from mlnews.weeks import parse_period
from mlnews.workspace import Workspace

FROM = "ML 新闻 <news@example.org>"
UNSUBSCRIBE = "https://example.org/unsubscribe mailto:unsubscribe@example.org"
USER, PASSWORD, PASSWORD_ENV = "curator", "s3cret", "MLNEWS_TEST_SMTP_PASSWORD"


# -- building messages -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(demo_built: demo.Result) -> demo.Result:
    return demo_built


@pytest.fixture(scope="module")
def figured(built: demo.Result, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo with a figure on the first entry of 2020-W49."""
    root = tmp_path_factory.mktemp("figured") / "demo"
    shutil.copytree(built.workspace.root, root)
    Image.new("RGB", (40, 20), "red").save(root / "media" / "x.png")
    issue = root / "issues" / "2020-W49.md"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(
        text.replace("site: arxiv.org\n", "site: arxiv.org\nfigure: media/x.png\n", 1), encoding="utf-8"
    )
    return Workspace(root)


def configured(config: Config, **settings: Any) -> Config:
    values = {"from_address": FROM, "unsubscribe": UNSUBSCRIBE, **settings}
    return dataclasses.replace(config, email=dataclasses.replace(config.email, **values))


def issue_view(workspace: Workspace, name: str = "2020-W49", lang: str = "en") -> IssueView:
    links = SiteLinks(workspace.config.site_url, workspace.config.languages[0])
    return published.issue_view(workspace, parse_period(name), lang, links)


def build(
    workspace: Workspace, view: IssueView, config: Config | None = None, name: str = "2020-W49"
) -> EmailMessage:
    config = config or configured(workspace.config)
    web_url = SiteLinks(config.site_url, config.languages[0]).issue(parse_period(name), view.lang)
    return publish.message(view, config, workspace.root, web_url=web_url, to=["reader@example.org"])


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    # Sent with CRLF line ends (policy SMTP), a part decodes with them: compare as lines.
    return text.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


def entries(view: IssueView) -> list[EntryView]:
    return [entry for section in view.sections for entry in section.entries]


def flat(text: str) -> str:
    """Without whitespace: the text part wraps lines, CJK included, anywhere a space may go."""
    return re.sub(r"\s+", "", text)


def assert_carries_every_entry(message: EmailMessage, view: IssueView) -> None:
    text, html = parts(message)
    html_text = flat(html_to_text(html))
    for entry in entries(view):
        headline = html_to_text(markdown_inline(entry.entry.headline))
        assert entry.entry.link in text
        assert flat(headline) in flat(text), headline
        assert flat(html_to_text(entry.entry.summary))[:60] in flat(text)
        assert f'href="{entry.entry.link}"' in html
        assert flat(headline) in html_text, headline


@pytest.mark.parametrize("lang", ["en", "zh", "ja"])
def test_message_has_both_parts_with_every_entry(built: demo.Result, lang: str) -> None:
    workspace = built.workspace
    view = issue_view(workspace, lang=lang)
    message = parse(build(workspace, view).as_bytes(policy=SMTP))

    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == f"mlnews demo digest: {view.title}"  # CJK titles come back whole
    assert message["From"] == FROM and message["To"] == "reader@example.org"
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]
    assert (
        message["List-Unsubscribe"] == "<https://example.org/unsubscribe>, <mailto:unsubscribe@example.org>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert_carries_every_entry(message, view)

    text, html = parts(message)
    web = "https://example.org/2020-W49/" if lang == "en" else f"https://example.org/{lang}/2020-W49/"
    web_label = catalogue(lang)("View this issue on the web")  # in the reader's language
    assert text.startswith(f"{web_label}:\n{web}\n")
    assert f'<a href="{web}"' in html.split("<h1")[0]  # at the top, before the title
    assert text.index(view.labels["sections"]) < text.index(view.labels["picks"]) < text.index("## 1. ")
    assert all(len(line) <= 72 or "://" in line for line in text.splitlines())
    if lang != "en":
        assert not text.isascii()


def test_html_is_styled_inline_and_has_no_script(built: demo.Result) -> None:
    _, html = parts(build(built.workspace, issue_view(built.workspace, lang="zh")))
    assert "<style" not in html and "<script" not in html.lower() and "javascript:" not in html.lower()
    page = lxml_html.document_fromstring(html)
    for path in ("//body", "//div[@class='container']", "//h1", "//h2", "//h3", "//a", "//p"):
        elements = page.xpath(path)
        assert elements and all(e.get("style") for e in elements), path
    container = page.xpath("//div[@class='container']")[0].get("style")
    assert "max-width: 640px" in container
    assert "PingFang SC" in page.xpath("//body")[0].get("style")
    assert page.xpath("//html")[0].get("lang") == "zh"
    assert "<table" not in html


def test_monthly_entries_link_back_to_their_week(built: demo.Result) -> None:
    view = issue_view(built.workspace, "2020-11")
    text, html = parts(build(built.workspace, view, name="2020-11"))
    backlinks = [e.backlink for e in entries(view) if e.backlink]
    assert backlinks
    for link in backlinks:
        assert f"({link.label} <{link.url}>)" in text
        assert f'(<a href="{link.url}"' in html


# -- figures -----------------------------------------------------------------------------------


def test_inline_figure_is_a_related_part_referenced_by_cid(figured: Workspace) -> None:
    view = issue_view(figured)
    message = parse(build(figured, view).as_bytes(policy=SMTP))
    related = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1
    html_part, image = list(related[0].iter_parts())
    assert html_part.get_content_type() == "text/html" and image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == (figured.root / "media" / "x.png").read_bytes()
    cid = image["Content-ID"].strip("<>")
    html = html_part.get_content()
    assert f'src="cid:{cid}"' in html and "/media/x.png" not in html
    figure = page_image(html)
    assert figure.get("alt", "").startswith("Figure from") and "max-width: 100%" in figure.get("style", "")
    assert_carries_every_entry(message, view)


def test_figures_are_linked_on_the_site_when_not_inline(figured: Workspace) -> None:
    config = configured(figured.config, inline_images=False)
    message = parse(build(figured, issue_view(figured), config).as_bytes(policy=SMTP))
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]
    _, html = parts(message)
    assert page_image(html).get("src") == "https://example.org/media/x.png"


def test_a_figure_outside_the_workspace_is_never_attached(figured: Workspace, tmp_path: Path) -> None:
    Image.new("RGB", (4, 4), "blue").save(tmp_path / "private.png")
    view = issue_view(figured)
    entries(view)[0].entry.figure = str(Path("..") / ".." / tmp_path.name / "private.png")
    message = build(figured, view)
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]


def page_image(html: str) -> Any:
    images = lxml_html.document_fromstring(html).xpath("//img")
    assert len(images) == 1
    return images[0]


# -- nothing from a source or the curator is live markup ----------------------------------------

PAYLOADS = """+++
week = "2020-W49"
picks = ["url:https://evil.example/a"]
+++

Intro <script>alert('intro')</script> [x](javascript:alert(1)) "><svg onload=alert(1)>

## other

### Headline <img src=x onerror=alert(1)> [click](javascript:alert(1)) "><svg onload=alert(1)>
key: url:https://evil.example/a
kind: article
title: Title <script>alert(1)</script> "><svg onload=alert(1)>
link: https://evil.example/a?q=<b>"x"</b>
site: <svg onload=alert(3)>
description: ![x](javascript:alert(4)) <img src=x onerror=alert(1)> "><svg onload=alert(1)>

Summary <script>alert(1)</script> <a href="javascript:alert(6)">link</a>
[ok](https://ok.example/) and [bad](javascript:alert(1))
"""


def test_payloads_in_an_issue_stay_text(tmp_path: Path) -> None:
    from mlnews.workspace import init

    workspace, _ = init(tmp_path / "ws")
    (workspace.issues_dir / "2020-W49.md").write_text(PAYLOADS, encoding="utf-8")
    view = issue_view(workspace)
    assert_inert(build(workspace, view))
    # What `mlnews check` would refuse, straight into the layout: the layout's own defences.
    entry = entries(view)[0].entry
    entry.link, entry.figure = "javascript:alert(1)", "javascript:alert(2)"
    view.picks[0].url = "javascript:alert(3)"
    message = build(workspace, view)
    assert_inert(message)
    text, _ = parts(message)
    assert "\n> javascript:" not in text and "javascript:alert(3)" not in text  # not spelled out as links


def assert_inert(message: EmailMessage) -> None:
    _, html = parts(message)
    lowered = html.lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<iframe" not in lowered
    assert not re.search(r"<[^>]*\bon(error|load)\s*=", lowered), html
    assert not re.search(r"<[^>]*\b(href|src)\s*=\s*[\"']?\s*javascript:", lowered), html
    assert "&lt;script&gt;" in html  # shown, as text
    page = lxml_html.document_fromstring(html)
    for element in page.iter():
        assert element.tag not in ("script", "svg", "iframe", "object", "embed"), element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            if name in ("href", "src"):
                assert value.startswith(("https://", "http://", "mailto:", "cid:")), value
    assert 'href="https://ok.example/"' in html


# -- headers and settings ----------------------------------------------------------------------


def test_missing_from_address_says_what_to_set(built: demo.Result) -> None:
    config = configured(built.workspace.config, from_address="")
    with pytest.raises(ConfigError, match=r"\[email\] from_address is not set: add e\.g\. from_address ="):
        build(built.workspace, issue_view(built.workspace), config)
    config = configured(built.workspace.config, from_address="not an address")
    with pytest.raises(ConfigError, match="is not one address"):
        build(built.workspace, issue_view(built.workspace), config)


def test_unsubscribe_header(built: demo.Result) -> None:
    view = issue_view(built.workspace)
    long_url = "https://example.org/unsubscribe?list=1,2&token=" + "a" * 120
    config = configured(built.workspace.config, unsubscribe=long_url, reply_to="editor@example.org")
    data = build(built.workspace, view, config).as_bytes(policy=SMTP)
    assert f"List-Unsubscribe: <{long_url}>\r\n".encode() in data  # never RFC 2047-encoded
    message = parse(data)
    assert message["Reply-To"] == "editor@example.org"
    config = configured(built.workspace.config, unsubscribe="mailto:off@example.org")
    message = build(built.workspace, view, config)
    assert (
        message["List-Unsubscribe"] == "<mailto:off@example.org>" and "List-Unsubscribe-Post" not in message
    )
    assert "Unsubscribe: mailto:off@example.org" in parts(message)[0]
    config = configured(built.workspace.config, unsubscribe="")
    assert "List-Unsubscribe" not in build(built.workspace, view, config)
    config = configured(built.workspace.config, unsubscribe="javascript:alert(1)")
    with pytest.raises(ConfigError, match=r"\[email\] unsubscribe: 'javascript:alert\(1\)' is not an https"):
        build(built.workspace, view, config)


def test_wrap_counts_cjk_as_two_columns_and_never_splits_words() -> None:
    assert wrap("这是" * 40, width=20).splitlines()[0] == "这是" * 5
    assert wrap("大多是那一周的新作。也有", width=14).splitlines()[0] == "大多是那一周的"
    assert wrap("大多是那一周的新。也有", width=16).splitlines() == [
        "大多是那一周的",
        "新。也有",
    ]  # 。
    url = "https://example.org/" + "x" * 80
    assert wrap(f"see {url} here", width=30).splitlines() == ["see", url, "here"]
    assert wrap("- " + "word " * 20, width=30).splitlines()[1].startswith("  word")


# -- sending to a real SMTP server on loopback -------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def last(self) -> EmailMessage:
        content = self.envelopes[-1].content
        assert isinstance(content, bytes)
        return parse(content)


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=good, handled=False)  # handled=False: the server answers 535


@dataclasses.dataclass
class Certificate:
    server: ssl.SSLContext
    client: ssl.SSLContext  # trusts the certificate, and only it


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(cert_pem)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return Certificate(server, ssl.create_default_context(cadata=cert_pem.decode()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass
class Server:
    inbox: Inbox
    port: int

    def settings(self, security: str, **values: Any) -> EmailSettings:
        return EmailSettings(
            from_address=FROM, smtp_host="127.0.0.1", smtp_port=self.port, smtp_security=security, **values
        )


def serve(**options: Any) -> Iterator[Server]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield Server(inbox, port)
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def starttls_server(certificate: Certificate) -> Iterator[Server]:
    yield from serve(
        tls_context=certificate.server,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )


@pytest.fixture(scope="module")
def ssl_server(certificate: Certificate) -> Iterator[Server]:
    # aiosmtpd only counts STARTTLS as TLS for AUTH; this connection is TLS from the start.
    yield from serve(ssl_context=certificate.server, authenticator=authenticate, auth_require_tls=False)


@pytest.fixture(scope="module")
def plain_server() -> Iterator[Server]:
    yield from serve()


@pytest.fixture(scope="module")
def sample(built: demo.Result) -> tuple[EmailMessage, IssueView]:
    view = issue_view(built.workspace, lang="ja")
    return build(built.workspace, view), view


def test_send_with_starttls_and_login(
    starttls_server: Server,
    certificate: Certificate,
    sample: tuple[EmailMessage, IssueView],
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    settings = starttls_server.settings("starttls", smtp_username=USER, password_env=PASSWORD_ENV)
    message, view = sample
    recipients = ["a@example.org", "b@example.org"]
    smtp.send(message, settings, recipients, ssl_context=certificate.client)
    envelope = starttls_server.inbox.envelopes[-1]
    assert envelope.rcpt_tos == recipients and envelope.mail_from == "news@example.org"
    received = starttls_server.inbox.last()
    assert received["Subject"] == message["Subject"]
    assert_carries_every_entry(received, view)


def test_send_over_ssl(
    ssl_server: Server, certificate: Certificate, sample: tuple[EmailMessage, IssueView], monkeypatch: Any
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    settings = ssl_server.settings("ssl", smtp_username=USER, password_env=PASSWORD_ENV)
    message, view = sample
    smtp.send(message, settings, ["a@example.org"], ssl_context=certificate.client)
    assert_carries_every_entry(ssl_server.inbox.last(), view)


def test_send_unencrypted_to_this_machine(
    plain_server: Server, sample: tuple[EmailMessage, IssueView]
) -> None:
    message, view = sample
    smtp.send(message, plain_server.settings("none"), ["a@example.org"])
    assert_carries_every_entry(plain_server.inbox.last(), view)


def test_password_from_the_keyring(
    starttls_server: Server,
    certificate: Certificate,
    sample: tuple[EmailMessage, IssueView],
    monkeypatch: Any,
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    asked: list[tuple[str, str]] = []

    def stored(service: str, username: str) -> str | None:
        asked.append((service, username))
        return PASSWORD

    monkeypatch.setattr(keyring, "get_password", stored)
    settings = starttls_server.settings(
        "starttls", smtp_username=USER, password_env=PASSWORD_ENV, keyring_service="mlnews-smtp"
    )
    smtp.send(sample[0], settings, ["a@example.org"], ssl_context=certificate.client)
    assert asked == [("mlnews-smtp", USER)]


def one_line_error(error: pytest.ExceptionInfo[MlnewsError], *parts: str) -> str:
    message = str(error.value)
    assert "\n" not in message, message
    for part in parts:
        assert part in message, message
    return message


def test_send_failures_are_one_line_naming_the_server(
    starttls_server: Server,
    plain_server: Server,
    certificate: Certificate,
    sample: tuple[EmailMessage, IssueView],
    monkeypatch: Any,
) -> None:
    message = sample[0]
    where = f"127.0.0.1:{starttls_server.port}"
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    settings = starttls_server.settings("starttls", smtp_username=USER, password_env=PASSWORD_ENV)
    with pytest.raises(MlnewsError) as error:
        smtp.send(message, settings, ["a@example.org"], ssl_context=certificate.client)
    one_line_error(error, where, f"login as '{USER}' refused", PASSWORD_ENV)

    with pytest.raises(MlnewsError) as error:  # the system's CAs do not know a self-signed certificate
        smtp.send(message, settings, ["a@example.org"])
    one_line_error(error, where, "certificate verify failed")

    closed = free_port()
    settings = dataclasses.replace(settings, smtp_port=closed)
    with pytest.raises(MlnewsError) as error:
        smtp.send(message, settings, ["a@example.org"], ssl_context=certificate.client, timeout=2)
    one_line_error(error, f"127.0.0.1:{closed}: ", "refused")

    settings = plain_server.settings("starttls")  # a server that offers no STARTTLS
    with pytest.raises(MlnewsError) as error:
        smtp.send(message, settings, ["a@example.org"], ssl_context=certificate.client)
    one_line_error(error, f"127.0.0.1:{plain_server.port} does not offer STARTTLS")

    monkeypatch.delenv(PASSWORD_ENV)
    settings = starttls_server.settings("starttls", smtp_username=USER, password_env=PASSWORD_ENV)
    with pytest.raises(ConfigError) as config_error:
        smtp.send(message, settings, ["a@example.org"], ssl_context=certificate.client)
    one_line_error(config_error, f"set the environment variable {PASSWORD_ENV}")


def test_unencrypted_only_to_this_machine(sample: tuple[EmailMessage, IssueView]) -> None:
    settings = EmailSettings(
        from_address=FROM, smtp_host="mail.example.org", smtp_port=25, smtp_security="none"
    )
    with pytest.raises(ConfigError, match="only allowed for a server on this machine"):
        smtp.send(sample[0], settings, ["a@example.org"])
    with pytest.raises(MlnewsError, match="is not an e-mail address"):
        smtp.send(sample[0], dataclasses.replace(settings, smtp_host="localhost"), ["nobody"])


# -- the commands ------------------------------------------------------------------------------


def test_email_and_send_commands(run: Any, tmp_path: Path, built: demo.Result, plain_server: Server) -> None:
    shutil.copytree(built.workspace.root, tmp_path / "ws")
    config_path = tmp_path / "ws" / "mlnews.toml"
    document = tomlkit.parse(config_path.read_text(encoding="utf-8"))
    table: Any = document["email"]
    table.update(
        {
            "from_address": FROM,
            "unsubscribe": UNSUBSCRIBE,
            "smtp_host": "127.0.0.1",
            "smtp_port": plain_server.port,
            "smtp_security": "none",
        }
    )
    config_path.write_text(tomlkit.dumps(document), encoding="utf-8")
    view = issue_view(Workspace(tmp_path / "ws"), lang="zh")

    result = run("-w", "ws", "email", "2020-W49", "--lang", "zh", "-o", "x.eml")
    assert result.code == 0, result.err
    assert result.out == "Wrote x.eml\n"
    written = parse((tmp_path / "x.eml").read_bytes())
    assert written["Subject"] == "mlnews demo digest: 2020 年第 49 周" and "To" not in written
    assert_carries_every_entry(written, view)

    result = run("-w", "ws", "send", "2020-W49", "--lang", "zh", "--to", "a@b.c")
    assert result.code == 0, result.err
    assert result.out == f"sent to 1 address via 127.0.0.1:{plain_server.port}\n"
    received = plain_server.inbox.last()
    assert received["To"] == "a@b.c"
    assert_carries_every_entry(received, view)

    result = run("-w", "ws", "send", "2020-W49", "--to", "a@b.c", "--to", "d@e.f")
    assert result.code == 0, result.err
    assert result.out == f"sent to 2 addresses via 127.0.0.1:{plain_server.port}\n"
    assert plain_server.inbox.envelopes[-1].rcpt_tos == ["a@b.c", "d@e.f"]
    assert plain_server.inbox.last()["To"] == "undisclosed-recipients:;"  # readers do not see each other

    config_path.write_text(config_path.read_text(encoding="utf-8").replace(FROM, ""), encoding="utf-8")
    result = run("-w", "ws", "send", "2020-W49", "--to", "a@b.c")
    assert result.code == 1
    assert result.err.startswith("Error: [email] from_address is not set") and result.err.count("\n") == 1
