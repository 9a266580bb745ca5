"""The fetcher against a real HTTP server on loopback: politeness, limits and faults."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mlnews.config import NetworkSettings
from mlnews.fetch import Fetcher, FetchError

LOOPBACK = NetworkSettings(
    allow_private_addresses=True, backoff_seconds=0.01, connect_timeout=2, read_timeout=0.5, retries=3
)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fetcher(sleeps: Sleeps) -> Iterator[Fetcher]:
    with Fetcher(LOOPBACK, sleep=sleeps, jitter=lambda: 0.0) as made:
        yield made


def answers(*responses: Response | Any) -> Any:
    """A handler that gives each response in turn (a callable is called with the request)."""
    queue = list(responses)

    def handle(request: Request) -> Response:
        response = queue.pop(0) if len(queue) > 1 else queue[0]
        return response(request) if callable(response) and not isinstance(response, Response) else response

    return handle


def test_user_agent_names_mlnews_and_the_contact(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    httpserver.expect_request("/feed").respond_with_data("ok")
    settings = NetworkSettings(allow_private_addresses=True, contact_email="curator@example.org")
    with Fetcher(settings, sleep=sleeps) as fetcher:
        assert fetcher.get(httpserver.url_for("/feed")).content == b"ok"
    agent = httpserver.log[0][0].headers["User-Agent"]
    assert agent.startswith("mlnews/") and "mailto:curator@example.org" in agent


def test_503_with_retry_after_then_200(httpserver: HTTPServer, fetcher: Fetcher, sleeps: Sleeps) -> None:
    httpserver.expect_request("/api").respond_with_handler(
        answers(Response("busy", status=503, headers={"Retry-After": "7"}), Response("fine"))
    )
    assert fetcher.get(httpserver.url_for("/api")).content == b"fine"
    assert sleeps.calls == [7.0]  # the server's word, not our backoff


def test_429_backs_off_exponentially_then_gives_up_naming_the_url(
    httpserver: HTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    httpserver.expect_request("/api").respond_with_data("slow down", status=429)
    url = httpserver.url_for("/api")
    with pytest.raises(FetchError, match=rf"^GET {url}: HTTP 429 \(gave up after 4 tries\)$"):
        fetcher.get(url)
    assert sleeps.calls == [0.01, 0.02, 0.04]


def test_a_retry_after_too_long_is_not_waited_for(
    httpserver: HTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    httpserver.expect_request("/api").respond_with_data("later", status=503, headers={"Retry-After": "86400"})
    with pytest.raises(FetchError, match="HTTP 503"):
        fetcher.get(httpserver.url_for("/api"))
    assert sleeps.calls == []


def test_a_connection_reset_mid_body_is_retried(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    def cut_short(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b"<rss>" + b" " * 1000
            raise ConnectionResetError("gone")

        return Response(body(), headers={"Content-Length": "100000"})

    httpserver.expect_request("/feed").respond_with_handler(answers(cut_short, Response("<rss/>")))
    assert fetcher.get(httpserver.url_for("/feed")).content == b"<rss/>"
    assert len(httpserver.log) == 2


def test_a_read_timeout_is_retried(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    def stall(request: Request) -> Response:
        time.sleep(1.0)  # longer than the 0.5 s read timeout
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(answers(stall, Response("quick")))
    assert fetcher.get(httpserver.url_for("/slow")).content == b"quick"


def test_responses_over_the_cap_are_refused(httpserver: HTTPServer, fetcher: Fetcher, sleeps: Sleeps) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)

    def chunked(request: Request) -> Response:
        return Response(iter([b"y" * 1000] * 10))  # no Content-Length: counted as it arrives

    httpserver.expect_request("/stream").respond_with_handler(chunked)
    with pytest.raises(FetchError, match=r"/big: 0.0 MB is over the 0.0 MB cap"):
        fetcher.get(httpserver.url_for("/big"), max_bytes=1000)
    with pytest.raises(FetchError, match=r"/stream: the response is over the 0.0 MB cap"):
        fetcher.get(httpserver.url_for("/stream"), max_bytes=2500)
    assert sleeps.calls == []  # not worth retrying


def test_private_addresses_are_refused_unless_allowed(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    httpserver.expect_request("/x").respond_with_data("inside")
    with Fetcher(NetworkSettings(), sleep=sleeps) as strict:
        with pytest.raises(
            FetchError,
            match=r"localhost is a private address \(127.0.0.1\); set \[network\] allow_private_addresses",
        ):
            strict.get(httpserver.url_for("/x"))
        port = httpserver.port  # the same server, reached through IPv4-compatible IPv6 or multicast
        for url in (
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            f"http://[::127.0.0.1]:{port}/x",
            "http://239.255.255.250:1900/",
        ):
            with pytest.raises(FetchError, match="private address"):
                strict.get(url)
    assert httpserver.log == []


def test_only_http_and_https_even_after_a_redirect(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(FetchError, match=r"file:///etc/passwd: only http and https"):
        fetcher.get(httpserver.url_for("/go"))
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.get("ftp://example.org/x")


def test_redirects_are_followed_up_to_a_limit(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    for hop in range(8):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=301, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/final").respond_with_data("here")
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/final"})
    response = fetcher.get(httpserver.url_for("/a"))
    assert (response.content, response.url) == (b"here", httpserver.url_for("/final"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get(httpserver.url_for("/r0"))


def test_conditional_get_turns_an_unchanged_feed_into_a_304(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_request("/feed").respond_with_data("<rss/>", headers={"ETag": '"v1"'})
    first = fetcher.get(httpserver.url_for("/feed"))
    assert first.headers["etag"] == '"v1"' and not first.not_modified
    assert fetcher.get(httpserver.url_for("/feed"), etag='"v1"').not_modified


def test_requests_to_one_host_keep_their_interval(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    httpserver.expect_request("/q").respond_with_data("ok")
    now = [100.0]
    with Fetcher(LOOPBACK, sleep=sleeps, clock=lambda: now[0]) as fetcher:
        fetcher.get(httpserver.url_for("/q"), interval=3.0)
        now[0] += 1.0
        fetcher.get(httpserver.url_for("/q"), interval=3.0)
    assert sleeps.calls == [2.0]


def trickling_server(part: str) -> tuple[str, threading.Event]:
    """A raw socket server that sends its headers or its body a few bytes at a time, forever."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():  # every connection, a retry's too, gets the same slow answer
            connection, _ = listener.accept()
            threading.Thread(target=trickle, args=(connection,), daemon=True).start()

    def trickle(connection: socket.socket) -> None:
        with connection:
            connection.recv(4096)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            if part == "body":
                connection.sendall(b"Content-Length: 100000\r\n\r\n")
            while not stop.wait(0.05):
                try:
                    connection.sendall(b"x" if part == "body" else b"X-Slow: yes\r\n")
                except OSError:
                    return

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/", stop


@pytest.mark.parametrize("part", ["headers", "body"])
def test_an_answer_that_trickles_in_has_a_deadline(sleeps: Sleeps, part: str) -> None:
    url, stop = trickling_server(part)
    settings = NetworkSettings(allow_private_addresses=True, connect_timeout=0.5, read_timeout=0.5, retries=3)
    started = time.monotonic()
    try:
        with (
            Fetcher(settings, sleep=sleeps) as fetcher,
            pytest.raises(FetchError, match=r"too slow: no complete"),
        ):
            fetcher.get(url)
    finally:
        stop.set()
    assert time.monotonic() - started < 6 and sleeps.calls == []  # stopped at the deadline, not retried


def test_broken_compression_and_malformed_hosts_are_one_line_errors(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/gz").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match="compression is broken"):
        fetcher.get(httpserver.url_for("/gz"))
    with Fetcher(NetworkSettings()) as strict:
        for url, message in (
            ("http://a..b/", "not a valid host name"),
            ("http://xn--/x.png", "xn--: (not a valid host name|cannot resolve)"),
            ("http://example.com:99999/x", "port is not a number"),
            (f"http://{'a' * 70}.com/", "not a valid host name"),
        ):
            with pytest.raises(FetchError, match=message):
                strict.get(url)


def test_addresses_wrapped_in_ipv6_are_private_too() -> None:
    from ipaddress import ip_address

    from mlnews.fetch import _is_public

    for private in ("::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "::1", "fe80::1", "10.1.2.3"):
        assert not _is_public(ip_address(private)), private
    # IPv4-compatible IPv6 and multicast, which Python's is_global lets through
    for other in ("::127.0.0.1", "::8.8.8.8", "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1"):
        assert not _is_public(ip_address(other)), other
    assert _is_public(ip_address("93.184.216.34")) and _is_public(ip_address("2606:4700::1111"))


# ---- POST with a JSON body: how backends (an LLM server, say) are called ------------------------


def test_post_json_sends_the_body_and_the_bearer_token(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json({"ok": "是"})
    response = fetcher.post_json(
        httpserver.url_for("/v1/chat/completions"), {"model": "m", "prompt": "中文"}, token="sk-secret"
    )
    assert response.json() == {"ok": "是"}
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == "Bearer sk-secret"
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_json() == {"model": "m", "prompt": "中文"}


def test_post_json_retries_429_honouring_retry_after(
    httpserver: HTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    busy = Response('{"error": {"message": "rate limited"}}', status=429, headers={"Retry-After": "7"})
    httpserver.expect_request("/v1/x", method="POST").respond_with_handler(
        answers(busy, Response('{"done": true}', content_type="application/json"))
    )
    assert fetcher.post_json(httpserver.url_for("/v1/x"), {}).json() == {"done": True}
    assert sleeps.calls == [7.0]
    assert [entry[0].get_json() for entry in httpserver.log] == [{}, {}]  # the body sent again


def test_post_json_errors_are_one_line_with_the_api_reason_and_never_the_token(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/v1/x", method="POST").respond_with_json(
        {"error": {"message": "Incorrect API key provided:\nsk-secret."}}, status=401
    )
    with pytest.raises(FetchError) as raised:
        fetcher.post_json(httpserver.url_for("/v1/x"), {}, token="sk-secret")
    message = str(raised.value)
    assert message == f"POST {httpserver.url_for('/v1/x')}: HTTP 401: Incorrect API key provided: ***."
    assert len(httpserver.log) == 1  # a 401 is not retried


def test_post_json_gives_up_after_the_retries_and_is_not_redirected(
    httpserver: HTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    httpserver.expect_request("/down", method="POST").respond_with_data("", status=500)
    with pytest.raises(FetchError, match=r"^POST .*/down: HTTP 500 \(gave up after 4 tries\)$"):
        fetcher.post_json(httpserver.url_for("/down"), {})
    httpserver.expect_request("/old", method="POST").respond_with_data(
        "", status=308, headers={"Location": "/new"}
    )
    with pytest.raises(FetchError, match=r"^POST .*/old: moved to .*/new; not followed$"):
        fetcher.post_json(httpserver.url_for("/old"), {})


def test_post_json_with_its_own_timeout_still_has_a_deadline(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    def stall(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/think", method="POST").respond_with_handler(stall)
    settings = NetworkSettings(allow_private_addresses=True, read_timeout=0.2, retries=0, connect_timeout=1)
    with Fetcher(settings, sleep=sleeps) as strict:
        with pytest.raises(FetchError, match="timed out"):
            strict.post_json(httpserver.url_for("/think"), {})
        assert strict.post_json(httpserver.url_for("/think"), {}, timeout=3).json() == {}  # a model thinks


def test_a_configured_backend_may_be_on_loopback_while_content_urls_stay_refused(
    httpserver: HTTPServer, sleeps: Sleeps
) -> None:
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json({"local": True})
    httpserver.expect_request("/feed").respond_with_data("inside")
    with Fetcher(NetworkSettings(), sleep=sleeps) as strict:  # allow_private_addresses is off
        url = httpserver.url_for("/v1/chat/completions")
        assert strict.post_json(url, {}, trusted=True).json() == {"local": True}
        with pytest.raises(FetchError, match="private address"):
            strict.post_json(url, {})  # a URL that came from content is not trusted
        with pytest.raises(FetchError, match="private address"):
            strict.get(httpserver.url_for("/feed"))
    assert len(httpserver.log) == 1


def test_an_answer_that_is_not_json_is_a_one_line_error(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/v1/x", method="POST").respond_with_data("<html>proxy error</html>")
    with pytest.raises(FetchError, match=r"/v1/x: the answer is not JSON"):
        fetcher.post_json(httpserver.url_for("/v1/x"), {}).json()


@pytest.mark.parametrize("name", ["rebind.test", "rébind.test"])
def test_a_name_that_rebinds_to_loopback_is_never_connected_to(
    httpserver: HTTPServer, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """DNS rebinding: the name answers a public address to the check and loopback to the next
    lookup. The connection goes to the checked address, so the loopback server hears nothing.
    An international name is looked up as written by the check and as IDNA by the connection."""
    import socket

    httpserver.expect_request("/secret").respond_with_data("inside")
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])  # the first lookup: a public address; every later one: loopback
    spellings = {name, name.encode("idna").decode("ascii")}

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if (host.decode() if isinstance(host, bytes) else host) not in spellings:
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    settings = NetworkSettings(connect_timeout=0.5, read_timeout=0.5, retries=0)
    with Fetcher(settings, sleep=sleeps) as strict, pytest.raises(FetchError):
        strict.get(f"http://{name}:{httpserver.port}/secret")
    assert httpserver.log == []
