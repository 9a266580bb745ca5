"""Golden files for what readers get beyond Markdown: a site page and an e-mail, from the demo.

The Markdown goldens are in tests/test_render.py; all of them live in tests/golden/ and
`MLNEWS_UPDATE_GOLDEN=1 pytest tests/test_golden.py tests/test_render.py` rewrites them.
"""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from email.message import EmailMessage, Message
from email.policy import default

from mlnews import demo

Golden = Callable[[str, str], None]

# Headers that differ on every run; the golden keeps their name and a placeholder.
VOLATILE = {"date": "<date>", "message-id": "<message-id>"}


def test_the_zh_page_of_week_49(demo_built: demo.Result, golden: Golden) -> None:
    page = demo_built.workspace.root / "site" / "zh" / "2020-W49" / "index.html"
    golden("2020-W49.zh.html", page.read_text(encoding="utf-8"))


def test_the_zh_email_of_week_49(demo_built: demo.Result, golden: Golden) -> None:
    data = (demo_built.workspace.root / "mail" / "2020-W49.zh.eml").read_bytes()
    message = email.message_from_bytes(data, policy=default)
    assert isinstance(message, EmailMessage)
    html = message.get_body(("html",))
    assert html is not None
    golden("2020-W49.zh.email.txt", readable(message))
    golden("2020-W49.zh.email.html", _lines(html.get_content()))


def readable(message: EmailMessage) -> str:
    """The message as a reviewer reads it: decoded headers, then every text part decoded.

    The wire form is base64 and quoted-printable, which no reviewer can read in a diff; the
    HTML part is in a golden file of its own, so here it is only named.
    """
    out: list[str] = []
    for part in message.walk():
        out += [f"{name}: {_header(part, name, value)}" for name, value in part.items()]
        out.append("")
        if part.get_content_maintype() == "text" and part.get_content_subtype() == "plain":
            assert isinstance(part, EmailMessage)
            out.append(_lines(part.get_content()))
        elif not part.is_multipart():
            out.append(f"[{part.get_content_type()}: in a golden file of its own]\n")
    return "\n".join(out)


def _header(part: Message, name: str, value: str) -> str:
    if name.lower() in VOLATILE:
        return VOLATILE[name.lower()]
    # The boundary is random: the structure shows where parts begin instead.
    return re.sub(r';\s*boundary="[^"]*"', "", str(value)) if name.lower() == "content-type" else str(value)


def _lines(text: str) -> str:
    """Parts travel with CRLF line ends; golden files are plain text files."""
    return text.replace("\r\n", "\n")
