"""Polite, bounded HTTP: every byte mlnews downloads goes through `Fetcher.get`, and every
call to a backend (an LLM server, an embeddings endpoint) through `Fetcher.post_json`.

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
* A backend's URL is one the curator wrote in the settings, not one a feed handed over:
  `post_json(..., trusted=True)` may reach a server on 127.0.0.1 while content URLs stay
  refused. Its bearer token goes in a header only, never in a message.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin, urlsplit

from mlnews import __version__, lazy
from mlnews.errors import MlnewsError
from mlnews.settings import NetworkSettings

if TYPE_CHECKING:
    import httpcore
    import httpx
else:  # imported on first request: a command that fetches nothing does not pay for it
    httpx = lazy.load("httpx")

MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 300.0  # seconds; a server asking for longer is treated as down for now
HOMEPAGE = "https://github.com/mlnews/mlnews"


class FetchError(MlnewsError):
    """A download that failed for good; the message names the URL.

    `unreachable` says the host, not this one URL, is the problem: no name lookup, no
    answer in time, or failures until the retries ran out. Callers fetching many URLs
    from one host (figures) give such a host up for the run.
    """

    def __init__(self, message: str, *, unreachable: bool = False, status: int | None = None, why: str = ""):
        super().__init__(message)
        self.unreachable = unreachable
        self.status = status  # the HTTP status that ended it, if one did
        self.why = why  # for an unreachable host: "connect", "timeout" or "status"


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

    def json(self) -> Any:
        """The body as JSON; a one-line `FetchError` naming the URL if it is not."""
        try:
            return json.loads(self.content)
        except ValueError as error:  # also UnicodeDecodeError
            raise FetchError(f"{self.url}: the answer is not JSON ({error})") from None


@dataclass(frozen=True)
class _Request:
    method: str
    url: str
    headers: dict[str, str]
    limit: int
    interval: float = 0.0
    body: bytes | None = None
    trusted: bool = False  # a URL from the settings: private addresses allowed
    read_timeout: float | None = None  # instead of the settings' own
    # Tries after the first, by what went wrong ("connect", "timeout", "status"), where they
    # differ from the settings' `retries`: a model server that is down is not worth waiting for.
    retries: tuple[tuple[str, int], ...] = ()


@dataclass
class Fetcher:
    settings: NetworkSettings = field(default_factory=NetworkSettings)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    _last: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None
    _pins: dict[str, str] = field(default_factory=dict)  # host -> the address it was checked at

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
            limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
            transport = httpx.HTTPTransport(limits=limits)
            # Connect to the address `_check_url` checked, not to what a second lookup answers
            # (DNS rebinding): httpx exposes no resolver, so its connection pool gets our backend.
            transport._pool._network_backend = cast("httpcore.NetworkBackend", _PinnedBackend(self._pins))
            self._client = httpx.Client(
                timeout=timeout,
                follow_redirects=False,  # each hop is checked in `get`
                headers={"User-Agent": user_agent(self.settings)},
                transport=transport,
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
        trusted: bool = False,
        timeout: float | None = None,
        retries: dict[str, int] | None = None,
    ) -> Response:
        """GET with retries; a 304 comes back as a response with `not_modified`.

        `trusted`, `timeout` and `retries` as for `post_json`: for a backend's own URL (a model server's
        properties), never for one from content."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        if params:
            url = str(httpx.URL(url, params={k: str(v) for k, v in params.items()}))
        limit = self._limit(max_bytes)
        patience = tuple((retries or {}).items())
        request = _Request("GET", url, headers, limit, interval, None, trusted, timeout, patience)
        return self._retrying(request)

    def post_json(
        self,
        url: str,
        body: Any,
        *,
        token: str | None = None,
        trusted: bool = False,
        timeout: float | None = None,
        max_bytes: int | None = None,
        retries: dict[str, int] | None = None,
    ) -> Response:
        """POST a JSON body (with a bearer token, if given) with retries; the answer is not followed
        through redirects: a backend that moved is the curator's setting to change.

        `trusted` is for URLs from the settings (an LLM server the curator runs on 127.0.0.1),
        never for a URL that came from content. `timeout` replaces the read timeout: a model
        may think for minutes. `retries` sets the tries after the first by what went wrong
        ("connect", "timeout", "status"), where they differ from the settings'.
        """
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = _Request(
            "POST",
            url,
            headers,
            self._limit(max_bytes),
            0.0,
            content,
            trusted,
            timeout,
            tuple((retries or {}).items()),
        )
        return self._retrying(request)

    def _limit(self, max_bytes: int | None) -> int:
        return max_bytes or int(self.settings.max_download_mb * 1024 * 1024)

    def _retrying(self, request: _Request) -> Response:
        attempt = 0
        while True:
            try:
                response = self._follow(request)
            except _Retryable as problem:
                wait = self._wait(attempt, problem.retry_after)
                limit = dict(request.retries).get(problem.why, self.settings.retries)
                if attempt >= limit or wait is None:
                    tries = f"gave up after {attempt + 1} tries" if attempt else "not tried again"
                    raise FetchError(
                        f"{request.method} {request.url}: {problem} ({tries})",
                        unreachable=True,
                        status=problem.status,
                        why=problem.why,
                    ) from None
                attempt += 1
                self.sleep(wait)
                continue
            if response.status >= 400:
                reason = _reason(response, request.headers.get("Authorization", "").removeprefix("Bearer "))
                raise FetchError(
                    f"{request.method} {request.url}: HTTP {response.status}{reason}", status=response.status
                )
            return response

    def _wait(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= MAX_RETRY_AFTER else None
        backoff = float(self.settings.backoff_seconds)
        return float(backoff * 2**attempt + self.jitter() * backoff)

    def _follow(self, request: _Request) -> Response:
        url = request.url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_url(url, request.trusted)
            response = self._once(request, url)
            location = response.headers.get("location")
            if response.status in (301, 302, 303, 307, 308) and location:
                if request.method != "GET":
                    moved = urljoin(url, location)
                    raise FetchError(f"{request.method} {url}: moved to {moved}; not followed")
                url = urljoin(url, location)
                continue
            return response
        raise FetchError(f"GET {url}: more than {MAX_REDIRECTS} redirects")

    def _once(self, request: _Request, url: str) -> Response:
        key = _polite_key(urlsplit(url).hostname or "")
        self._pause(key, request.interval)
        # Timeouts in httpx are per read: a server trickling its headers or body a byte at a
        # time would never trip them. The whole exchange runs in a worker with a deadline.
        read_timeout = request.read_timeout or self.settings.read_timeout
        total = self.settings.connect_timeout + 4 * read_timeout
        future = _in_thread(lambda: self._transfer(request, url))
        try:
            return future.result(timeout=total)
        except concurrent.futures.TimeoutError:
            self._abort()
            slow = f"too slow: no complete answer in {total:.0f} s"
            raise FetchError(f"{request.method} {url}: {slow}", unreachable=True) from None
        finally:
            self._last[key] = self.clock()

    def _transfer(self, request: _Request, url: str) -> Response:
        limit = request.limit
        timeout = (
            httpx.Timeout(request.read_timeout, connect=self.settings.connect_timeout)
            if request.read_timeout
            else httpx.USE_CLIENT_DEFAULT
        )
        try:
            with self.client.stream(
                request.method, url, headers=request.headers, content=request.body, timeout=timeout
            ) as raw:
                if not request.trusted:
                    self._check_peer(url, raw)
                if raw.status_code in RETRY_STATUSES:
                    retry_after = _retry_after(raw.headers.get("retry-after"))
                    raise _Retryable(f"HTTP {raw.status_code}", retry_after, "status", raw.status_code)
                declared = raw.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    size = _megabytes(int(declared))
                    raise FetchError(f"{request.method} {url}: {size} is over the {_megabytes(limit)} cap")
                body = bytearray()
                for chunk in raw.iter_bytes():  # decompressed: the cap holds for gzip bombs too
                    body += chunk
                    if len(body) > limit:
                        raise FetchError(
                            f"{request.method} {url}: the response is over the {_megabytes(limit)} cap"
                        )
                return Response(str(raw.url), raw.status_code, dict(raw.headers), bytes(body))
        except httpx.ConnectTimeout as error:
            raise _Retryable(f"timed out ({type(error).__name__})", why="connect") from None
        except httpx.TimeoutException as error:
            raise _Retryable(f"timed out ({type(error).__name__})", why="timeout") from None
        except httpx.ConnectError as error:  # refused, no route, no name
            raise _Retryable(f"connection failed: {error or type(error).__name__}", why="connect") from None
        except httpx.DecodingError:
            raise FetchError(f"{request.method} {url}: the response's compression is broken") from None
        except httpx.TransportError as error:  # refused, reset, cut off mid-body
            raise _Retryable(f"connection failed: {error or type(error).__name__}") from None
        except httpx.HTTPError as error:
            raise FetchError(f"{request.method} {url}: {error or type(error).__name__}") from None

    def _check_peer(self, url: str, raw: httpx.Response) -> None:
        """The address actually connected to, checked again: DNS may answer differently twice."""
        if self.settings.allow_private_addresses:
            return
        stream = raw.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if peer and not _is_public(ipaddress.ip_address(str(peer[0]).split("%")[0])):
            raise FetchError(f"{url}: connected to a private address ({peer[0]}); refused")

    def _abort(self) -> None:
        """Give up on a stuck exchange: the next one has a client, and a connection, of its own."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _pause(self, key: str, interval: float) -> None:
        last = self._last.get(key)
        if last is not None and interval > 0:
            wait = last + interval - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _check_url(self, url: str, trusted: bool = False) -> None:
        try:
            parts = urlsplit(url)
        except ValueError:
            raise FetchError(f"{url}: not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: only http and https URLs are fetched")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"{url}: the port is not a number from 1 to 65535") from None
        if not (self.settings.allow_private_addresses or trusted):
            addresses = _addresses(parts.hostname, port)
            for address in addresses:
                if not _is_public(address):
                    raise FetchError(
                        f"{url}: {parts.hostname} is a private address ({address}); "
                        "set [network] allow_private_addresses = true to allow it"
                    )
            # Under both spellings of the name: an international one reaches the connection as IDNA.
            for host in {parts.hostname.lower(), _ascii_host(url)}:
                self._pins[host] = str(addresses[0])


def _ascii_host(url: str) -> str:
    try:
        return httpx.URL(url).raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        return ""


class _PinnedBackend:
    """httpcore's network backend, connecting to the address a host name was checked at
    (`Fetcher._check_url`); TLS still verifies the certificate against the name, which httpcore
    passes apart from the address."""

    def __init__(self, pins: dict[str, str]):
        import httpcore  # with httpx, on first request

        self.pins = pins
        self.backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, **options: Any) -> Any:
        return self.backend.connect_tcp(self.pins.get(host.lower(), host), port, **options)

    def connect_unix_socket(self, path: str, **options: Any) -> Any:
        return self.backend.connect_unix_socket(path, **options)

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


class _Retryable(Exception):
    def __init__(
        self,
        message: str,
        retry_after: float | None = None,
        why: str = "connection",
        status: int | None = None,
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.why = why  # "connect", "timeout", "status", or "connection" (cut off midway)
        self.status = status


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise FetchError(f"{host}: cannot resolve ({error.strerror})", unreachable=True) from None
    except (UnicodeError, ValueError) as error:  # `a..b`, a 70-letter label, `xn--`
        raise FetchError(f"{host}: not a valid host name ({error})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IPv4-compatible IPv6 ("::127.0.0.1"), deprecated by RFC 4291: some stacks still route it to the
# IPv4 address it wraps, and no public server is reached through it.
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A global unicast address, including one an IPv6 address only wraps (mapped, 6to4, Teredo,
    NAT64); never multicast (224.0.0.0/4, ff00::/8), which Python counts as global."""
    if address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _IPV4_COMPATIBLE:
            return False
        wrapped = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if address in _NAT64:
            wrapped = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if wrapped is not None and not wrapped.is_global:
            return False
    return address.is_global


def _in_thread(exchange: Callable[[], Response]) -> concurrent.futures.Future[Response]:
    """Run one exchange in a daemon thread, which the caller waits for with a deadline. Not a
    pool's worker: the interpreter waits for those before it exits, so a worker stuck on a silent
    server held Ctrl-C or a plain `kill` (an app's job whose app died) until its read timed out."""
    future: concurrent.futures.Future[Response] = concurrent.futures.Future()

    def run() -> None:
        try:
            future.set_result(exchange())
        except BaseException as error:  # handed to the caller, as a pool's worker does
            future.set_exception(error)

    threading.Thread(target=run, name="mlnews-fetch", daemon=True).start()
    return future


def _polite_key(host: str) -> str:
    """The pace is kept per site: arxiv.org and export.arxiv.org are one arXiv."""
    host = host.lower()
    return "arxiv.org" if host == "arxiv.org" or host.endswith(".arxiv.org") else host


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


def _reason(response: Response, secret: str = "") -> str:
    """What an API says went wrong (`{"error": {"message": ...}}`), cut to one short line.

    An API may quote the key it was given: the secret never reaches the message.
    """
    if response.content_type != "application/json":
        return ""
    try:
        error = json.loads(response.content).get("error")
    except (ValueError, AttributeError):
        return ""
    message = error.get("message") if isinstance(error, dict) else error
    if not isinstance(message, str) or not message.strip():
        return ""
    line = " ".join(message.split())
    if secret:
        line = line.replace(secret, "***")
    return f": {line[:200]}"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


ARXIV_MIN_INTERVAL = 3.0  # arXiv's terms of use: one request every three seconds


def polite_interval(url: str, network: NetworkSettings) -> float:
    """The pause between two requests to an API's host: never under arXiv's three seconds there."""
    host = (url.split("//", 1)[-1].split("/", 1)[0]).lower()
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        return max(ARXIV_MIN_INTERVAL, network.request_interval)
    return network.request_interval
