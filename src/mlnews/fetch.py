"""Polite, bounded HTTP: every byte mlnews downloads goes through `Fetcher.get`.

* Only http and https; redirects followed by hand (at most `MAX_REDIRECTS`), each hop
  checked like the first URL.
* Private, loopback and link-local addresses are refused unless the settings allow them
  (`[network] allow_private_addresses`), so a feed cannot point mlnews at the curator's
  router or a cloud metadata service.
* Timeouts on connect and read; a cap on the bytes of a response, counted after
  decompression, so neither a slow server nor a gzip bomb can hold mlnews.
* A minimum interval between requests to the same host (arXiv asks for one request every
  three seconds), and one connection at a time.
* Retries with exponential backoff and jitter on connection errors, timeouts, 429 and 5xx,
  honouring Retry-After; after the last one, a one-line `FetchError` naming the URL.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from mlnews import __version__
from mlnews.config import NetworkSettings
from mlnews.errors import MlnewsError

MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MIN_TOTAL_SECONDS = 120.0  # for one response body, however slowly it trickles in
MAX_RETRY_AFTER = 300.0  # seconds; a server asking for longer is treated as down for now
HOMEPAGE = "https://github.com/mlnews/mlnews"


class FetchError(MlnewsError):
    """A download that failed for good; the message names the URL."""


def user_agent(settings: NetworkSettings) -> str:
    contact = f"; mailto:{settings.contact_email}" if settings.contact_email else ""
    return f"mlnews/{__version__} (+{HOMEPAGE}{contact})"


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    content: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Fetcher:
    settings: NetworkSettings = field(default_factory=NetworkSettings)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    _last: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
            self._client = httpx.Client(
                timeout=timeout,
                follow_redirects=False,  # each hop is checked in `get`
                headers={"User-Agent": user_agent(self.settings)},
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            )
        return self._client

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        max_bytes: int | None = None,
        interval: float = 0.0,
    ) -> Response:
        """GET with retries; a 304 comes back as a response with `not_modified`."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        if params:
            url = str(httpx.URL(url, params={k: str(v) for k, v in params.items()}))
        limit = max_bytes or int(self.settings.max_download_mb * 1024 * 1024)
        attempt = 0
        while True:
            try:
                response = self._follow(url, headers, limit, interval)
            except _Retryable as problem:
                wait = self._wait(attempt, problem.retry_after)
                if attempt >= self.settings.retries or wait is None:
                    raise FetchError(f"GET {url}: {problem} (gave up after {attempt + 1} tries)") from None
                attempt += 1
                self.sleep(wait)
                continue
            if response.status >= 400:
                raise FetchError(f"GET {url}: HTTP {response.status}")
            return response

    def _wait(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= MAX_RETRY_AFTER else None
        backoff = float(self.settings.backoff_seconds)
        return float(backoff * 2**attempt + self.jitter() * backoff)

    def _follow(self, url: str, headers: dict[str, str], limit: int, interval: float) -> Response:
        for _ in range(MAX_REDIRECTS + 1):
            self._check_url(url)
            response = self._once(url, headers, limit, interval)
            location = response.headers.get("location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return response
        raise FetchError(f"GET {url}: more than {MAX_REDIRECTS} redirects")

    def _once(self, url: str, headers: dict[str, str], limit: int, interval: float) -> Response:
        host = urlsplit(url).hostname or ""
        self._pause(host, interval)
        try:
            with self.client.stream("GET", url, headers=headers) as raw:
                self._last[host] = self.clock()
                if raw.status_code in RETRY_STATUSES:
                    raise _Retryable(f"HTTP {raw.status_code}", _retry_after(raw.headers.get("retry-after")))
                declared = raw.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(
                        f"GET {url}: {_megabytes(int(declared))} is over the {_megabytes(limit)} cap"
                    )
                body = bytearray()
                # The read timeout is per read: a server trickling a byte at a time would
                # never trip it, so the whole body has a deadline too.
                deadline = self.clock() + max(MIN_TOTAL_SECONDS, 4 * self.settings.read_timeout)
                for chunk in raw.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise FetchError(f"GET {url}: the response is over the {_megabytes(limit)} cap")
                    if self.clock() > deadline:
                        raise _Retryable("too slow: the body did not arrive in time")
                return Response(str(raw.url), raw.status_code, dict(raw.headers), bytes(body))
        except httpx.TimeoutException as error:
            self._last[host] = self.clock()
            raise _Retryable(f"timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:  # refused, reset, cut off mid-body
            self._last[host] = self.clock()
            raise _Retryable(f"connection failed: {error or type(error).__name__}") from None
        except httpx.InvalidURL as error:
            raise FetchError(f"GET {url}: {error}") from None

    def _pause(self, host: str, interval: float) -> None:
        last = self._last.get(host)
        if last is not None and interval > 0:
            wait = last + interval - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _check_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
        except ValueError:
            raise FetchError(f"{url}: not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: only http and https URLs are fetched")
        if not self.settings.allow_private_addresses:
            for address in _addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)):
                if not address.is_global:
                    raise FetchError(
                        f"{url}: {parts.hostname} is a private address ({address}); "
                        "set [network] allow_private_addresses = true to allow it"
                    )


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise FetchError(f"{host}: cannot resolve ({error.strerror})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
