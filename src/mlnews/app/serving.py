"""Where the app listens and who may reach it: the Host names it answers to, the access token
beyond loopback (one of real strength, made when none is given), and the URL to open."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass

from mlnews.errors import UsageError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::", "")
MIN_TOKEN = 16  # characters: a token a browser's history may show must not be guessable


@dataclass(frozen=True)
class Serving:
    hosts: set[str]  # the Host header values answered: "127.0.0.1:8765", "[::1]:8765"
    token: str | None
    url: str  # the page to open, with the token when there is one
    made_token: bool = False  # a token was made for this run: say it once


def plan(host: str, port: int, token: str | None, allowed: list[str]) -> Serving:
    """How to serve on `host`: loopback needs nothing; beyond it, a token (made when not given)."""
    local = host in LOOPBACK
    made = False
    if not local and not token:
        token, made = secrets.token_urlsafe(24), True
    if token is not None and len(token) < MIN_TOKEN:
        example = secrets.token_urlsafe(24)
        raise UsageError(f"--token: at least {MIN_TOKEN} characters, e.g. --token {example}")
    hosts = hosts_for(host, port, allowed)
    shown = "127.0.0.1" if local and host != "::1" else _machine_name() if host in WILDCARD else host
    url = f"http://{_bracketed(shown)}:{port}"
    return Serving(hosts, token, url, made)


def hosts_for(host: str, port: int, allowed: list[str] | None = None) -> set[str]:
    """The Host header values the app answers to when bound to `host`: loopback's names; for
    every address (0.0.0.0, ::) the machine's own names and addresses; and what `allowed` lists."""
    names = {host, *(allowed or [])}
    if host in LOOPBACK:
        names |= {"127.0.0.1", "localhost"}
    if host in WILDCARD:
        names |= _machine_names()
    return {f"{_bracketed(name)}:{port}" for name in names if name not in WILDCARD}


def _machine_names() -> set[str]:
    names = {"127.0.0.1", "localhost", "::1", socket.gethostname(), socket.getfqdn()}
    for name in list(names):
        try:
            names |= {str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(name, None)}
        except (OSError, UnicodeError):
            continue  # a name this machine cannot resolve is still its name
    return names


def _machine_name() -> str:
    return socket.getfqdn() or socket.gethostname() or "127.0.0.1"


def _bracketed(name: str) -> str:
    """An IPv6 address as a Host header and a URL write it: "[::1]"."""
    try:
        return f"[{name}]" if isinstance(ipaddress.ip_address(name), ipaddress.IPv6Address) else name
    except ValueError:
        return name
