"""What keeps the app to its curator: Host, CSRF, CSP, and a token off loopback."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-src 'self'; frame-ancestors 'none'"
)
# The rendered issue is shown in a frame of the app's own issue page, and in no other.
FRAMED = "/preview/"
SAFE_METHODS = ("GET", "HEAD")
CSRF_HEADER = b"x-csrf-token"
TOKEN_COOKIE = "mlnews_token"


class Guard:
    """ASGI middleware: refuses a request for another host name, a change without the page's
    CSRF token (or from another origin), and, when an access token is set, any request
    without it; adds the security headers to every answer."""

    def __init__(self, app: ASGIApp, hosts: set[str], access_token: str | None = None):
        self.app = app
        self.hosts = hosts  # "127.0.0.1:8765", "localhost:8765"
        self.access_token = access_token
        self.csrf = secrets.token_urlsafe(32)  # one per run: a page from an earlier run must reload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self._problem(scope, headers)
        if problem is not None:
            status, text = problem
            await _answer(send, status, text)
            return

        framed = str(scope.get("path", "")).startswith(FRAMED)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_security_headers(framed)]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _problem(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if host not in self.hosts:
            return 421, f"this app answers for {', '.join(sorted(self.hosts))}, not {host or 'no host'}"
        if self.access_token is not None and not self._authorised(scope, headers):
            return 401, "this app needs its access token (?token=... once, then a cookie keeps it)"
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin not in {f"http://{h}" for h in self.hosts}:
                return 403, f"a change from another site ({origin}) is refused"
            if not hmac.compare_digest(headers.get(CSRF_HEADER.decode(), ""), self.csrf):
                return 403, "a change needs the page's CSRF token; reload the page"
        return None

    def _authorised(self, scope: Scope, headers: dict[str, str]) -> bool:
        assert self.access_token is not None
        given = [headers.get("authorization", "").removeprefix("Bearer ")]
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == TOKEN_COOKIE:
                given.append(value)
        query = scope.get("query_string", b"").decode("latin-1")
        given += [p.removeprefix("token=") for p in query.split("&") if p.startswith("token=")]
        return any(hmac.compare_digest(g, self.access_token) for g in given if g)


def _security_headers(framed: bool = False) -> list[tuple[bytes, bytes]]:
    csp = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'") if framed else CSP
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"SAMEORIGIN" if framed else b"DENY"),
        (b"cache-control", b"no-store"),
    ]


async def _answer(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *_security_headers()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
