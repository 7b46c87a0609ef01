"""Fetch terms pages politely: one client, one request at a time per host.

A run re-checks thousands of documents that mostly have not changed, so the
cost of a fetch is the fetch itself: one shared connection pool with
keep-alive, conditional requests so an unchanged page can come back as a bare
304, and a challenge check that reads an ordinary page's title and nothing
more. Sites are hit one request at a time each, whatever the overall
concurrency: terms pages are worth watching for years, not worth being
banned for.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx

from ..errors import FetchError
from ..models import Snapshot, Source
from .blocked import CHALLENGE_STATUSES, blocked_reason
from .browser import ACCEPT_LANGUAGE, Browser
from .charset import decode_bytes

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
BACKOFF = 0.5              # seconds before the first retry; doubles after each
MAX_RETRY_AFTER = 5.0      # a longer Retry-After is left to the next scheduled check
MAX_BYTES = 32 * 1024 * 1024
MAX_REDIRECTS = 10
IDLE_PER_SLOT = 4          # idle keep-alive connections kept per concurrent fetch
TRANSIENT_STATUSES = frozenset({408, 425, 429})


class Fetcher:
    """Fetches sources into snapshots; use as `async with Fetcher(settings) as f`."""

    def __init__(self, settings: Any, *, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._browser: Browser | None = None

    async def __aenter__(self) -> "Fetcher":
        self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool and Chromium, if it was launched."""
        client, browser = self._client, self._browser
        self._client = self._browser = None
        if client is not None:
            await client.aclose()
        if browser is not None:
            await browser.close()

    @property
    def browser_launched(self) -> bool:
        return self._browser is not None and self._browser.started

    def _open(self) -> httpx.AsyncClient:
        if self._client is None:
            pool = max(1, self.settings.concurrency) * IDLE_PER_SLOT
            limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool,
                                  keepalive_expiry=30.0)
            tls = httpx.create_ssl_context() if self._transport is None else True
            mounts = None
            if self._transport is None and not getproxies():
                # Behind a proxy every request goes to the proxy: one pool is right.
                mounts = {"all://": _PoolPerHost(
                    lambda: httpx.AsyncHTTPTransport(verify=tls, limits=limits))}
            self._client = httpx.AsyncClient(
                headers={"User-Agent": self.settings.user_agent, "Accept": ACCEPT,
                         "Accept-Language": ACCEPT_LANGUAGE},
                timeout=httpx.Timeout(self.settings.timeout),
                follow_redirects=True, max_redirects=MAX_REDIRECTS,
                verify=tls, limits=limits, transport=self._transport, mounts=mounts)
        return self._client

    def _host(self, url: str) -> asyncio.Semaphore:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        limit = self._hosts.get(key)
        if limit is None:
            limit = self._hosts[key] = asyncio.Semaphore(max(1, self.settings.per_host))
        return limit

    async def fetch(self, source: Source, *, etag: str | None = None,
                    last_modified: str | None = None) -> Snapshot:
        """Fetch one source, retrying transient failures.

        Raises FetchError: .transient for timeouts, refused connections, 5xx
        and 429; .bot_blocked when an anti-bot page stood in the way even
        after the browser fallback.
        """
        url = source.url
        async with self._host(url), self._slots:
            if source.browser:
                return await self._retrying(lambda: self._render(url))
            try:
                return await self._retrying(lambda: self._get(url, etag, last_modified))
            except FetchError as error:
                if not (error.bot_blocked and self.settings.browser_fallback):
                    raise
                blocked = error
            return await self._fallback(url, blocked)

    async def _retrying(self, attempt: Callable[[], Awaitable[Snapshot]]) -> Snapshot:
        tried = 0
        while True:
            try:
                return await attempt()
            except FetchError as error:
                delay = self._delay(error, tried)
                if delay is None:
                    raise
            tried += 1
            await asyncio.sleep(delay)

    def _delay(self, error: FetchError, tried: int) -> float | None:
        """Seconds to wait before trying again, or None to give up now."""
        if not error.transient or tried >= self.settings.retries:
            return None
        asked = getattr(error, "retry_after", None)
        if asked is None:
            return BACKOFF * 2 ** tried
        return asked if asked <= MAX_RETRY_AFTER else None

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> Snapshot:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        client = self._open()
        timeout = self.settings.timeout
        try:
            async with asyncio.timeout(timeout):     # the whole exchange, body included
                async with client.stream("GET", url, headers=headers) as response:
                    content = await _read(response, url)
        except (httpx.TimeoutException, TimeoutError):
            raise FetchError(f"{url}: no answer within {timeout:g}s",
                             url=url, transient=True) from None
        except httpx.TooManyRedirects:
            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", url=url) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise FetchError(f"{url}: cannot fetch this URL: {error}", url=url) from None
        except httpx.TransportError as error:
            raise FetchError(f"{url}: {_describe(error)}", url=url, transient=True) from None
        except httpx.HTTPError as error:
            raise FetchError(f"{url}: {_describe(error)}", url=url) from None

        status = response.status_code
        final = str(response.url)
        got = response.headers
        if status == 304:
            return Snapshot(url=final, fetched_at=_now(), status=status, content=b"",
                            etag=got.get("etag") or etag,
                            last_modified=got.get("last-modified") or last_modified,
                            not_modified=True)
        media_type, charset = content_type(got.get("content-type"))
        _judge(url, status, content, charset, got.get("retry-after"), response.reason_phrase)
        return Snapshot(url=final, fetched_at=_now(), status=status, content=content,
                        media_type=media_type, charset=charset, etag=got.get("etag"),
                        last_modified=got.get("last-modified"), via="http")

    async def _render(self, url: str) -> Snapshot:
        if self._browser is None:
            self._browser = Browser(self.settings)
        snapshot = await self._browser.render(url)
        _judge(url, snapshot.status, snapshot.content, snapshot.charset, None, "")
        return snapshot

    async def _fallback(self, url: str, blocked: FetchError) -> Snapshot:
        """Try a page once in Chromium after a plain fetch met a challenge."""
        try:
            return await self._render(url)
        except FetchError as error:
            if error.status is not None and not error.bot_blocked and not error.transient:
                raise       # the browser got a plain answer, e.g. 404: that is the truth
            why = str(error).removeprefix(f"{url}: ")
            then = ("a browser was blocked too" if error.bot_blocked
                    else f"the browser fallback failed: {why}")
            raise FetchError(f"{blocked}; {then}", url=url, status=blocked.status,
                             bot_blocked=True) from None


class _PoolPerHost(httpx.AsyncBaseTransport):
    """A connection pool per origin instead of one for every host.

    On each request and each response closed, httpcore checks every
    connection of its pool for expiry (a poll of the socket each) and every
    idle one against all the others: with one pool over the many hosts of a
    run, that cost grows with the square of the hosts and was the largest
    part of a fetch. A pool per origin holds one or two connections.
    """

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport]):
        self._make = make
        self._pools: dict[tuple[bytes, str, int | None], httpx.AsyncBaseTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._make()
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


def content_type(value: str | None) -> tuple[str, str | None]:
    """Media type and charset of a Content-Type header."""
    if not value:
        return "text/html", None
    kind, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, given = param.partition("=")
        if name.strip().lower() == "charset":
            charset = given.strip().strip("\"'").lower() or None
    return kind.strip().lower() or "text/html", charset


def _judge(url: str, status: int, content: bytes, charset: str | None,
           retry_after: str | None, phrase: str) -> None:
    """Raise the FetchError an answer deserves, if any."""
    if status in CHALLENGE_STATUSES:
        reason = blocked_reason(status, decode_bytes(content, charset))
        if reason:
            raise FetchError(f"{url}: HTTP {status}, blocked by an anti-bot {reason}",
                             url=url, status=status, bot_blocked=True)
    if 200 <= status < 300:
        return
    label = f"HTTP {status} {phrase}".rstrip()
    if status >= 500 or status in TRANSIENT_STATUSES:
        error = FetchError(f"{url}: {label}", url=url, status=status, transient=True)
        error.retry_after = _retry_after(retry_after)
        raise error
    raise FetchError(f"{url}: {label}", url=url, status=status)


async def _read(response: httpx.Response, url: str) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise FetchError(f"{url}: page of {int(length)} bytes is too large", url=url)
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"{url}: page larger than {MAX_BYTES} bytes", url=url)
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - _now()).total_seconds())


def _describe(error: Exception) -> str:
    text = str(error).strip()
    kind = type(error).__name__
    return f"{kind}: {text}" if text else kind


def _now() -> datetime:
    return datetime.now(timezone.utc)
