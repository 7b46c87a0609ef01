"""Render pages with the system Chromium, for terms written by JavaScript.

Some platforms publish their terms as a script that fills an empty page, and
some put an anti-bot challenge in front of plain HTTP clients that a real
browser passes by running it. One Chromium serves a whole run: launching it
costs a second or two, a new page costs milliseconds. Playwright is an
optional extra, so it is imported only when a page needs rendering.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timezone
from typing import Any

from ..errors import FetchError
from ..models import Snapshot
from .blocked import blocked_reason

ACCEPT_LANGUAGE = "en-US,en;q=0.9,fr;q=0.8"

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

PAGES_AT_ONCE = 4          # Chromium pages rendering at once; each costs a core
IDLE_WAIT = 10.0           # most seconds spent waiting for the network to go quiet
CHALLENGE_WAIT = 10.0      # most seconds given to a challenge that solves itself
POLL = 0.25

INSTALL_HINT = ("install Debian's Chromium (apt-get install chromium) "
                "or point TOSMON_BROWSER at a Chromium executable")


class Browser:
    """A headless Chromium launched on first use and reused until close()."""

    def __init__(self, settings: Any):
        self.settings = settings
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._lock = asyncio.Lock()
        self._pages = asyncio.Semaphore(max(1, min(PAGES_AT_ONCE, settings.concurrency)))
        self._failure: str | None = None

    async def __aenter__(self) -> "Browser":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def started(self) -> bool:
        return self._context is not None

    async def start(self) -> None:
        """Launch Chromium unless it runs already; a failed launch is not retried,
        a browser that crashed is launched again."""
        async with self._lock:
            if self._context is not None:
                if self._browser.is_connected():
                    return
                await self.close()
            if self._failure is not None:
                raise FetchError(self._failure)
            try:
                await self._launch()
            except FetchError as error:
                self._failure = str(error)
                await self.close()
                raise

    async def _launch(self) -> None:
        path = self.settings.browser_path
        executable = shutil.which(path) if path else None
        if executable is None:
            raise FetchError(f"no Chromium at {path!r}: {INSTALL_HINT}")
        try:
            from playwright.async_api import Error, async_playwright
        except ImportError:
            raise FetchError("rendering pages needs Playwright: "
                             "pip install 'tosmon[browser]'") from None
        try:
            self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=executable, headless=True, args=list(CHROMIUM_ARGS),
                timeout=max(self.settings.timeout, 30.0) * 1000)
            self._context = await self._browser.new_context(
                locale="en-US", extra_http_headers={"Accept-Language": ACCEPT_LANGUAGE},
                service_workers="block")
        except (Error, OSError) as error:
            raise FetchError(f"Chromium at {executable} would not start: "
                             f"{_first_line(error)}; {INSTALL_HINT}") from None

    async def close(self) -> None:
        """Close Chromium and Playwright; safe to call twice or after a failed start."""
        context, browser, playwright = self._context, self._browser, self._playwright
        self._context = self._browser = self._playwright = None
        for closing in (context and context.close, browser and browser.close,
                        playwright and playwright.stop):
            if closing:
                try:
                    await closing()
                except Exception:      # already gone: nothing left to release
                    pass

    async def render(self, url: str) -> Snapshot:
        """Load url, let its scripts and network settle, and snapshot the DOM.

        Raises FetchError (transient) when the page does not load in time.
        """
        await self.start()
        from playwright.async_api import Error, TimeoutError as PlaywrightTimeout

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        async with self._pages:
            try:
                page = await self._context.new_page()
            except Error as error:
                raise FetchError(f"{url}: the browser could not open a page: "
                                 f"{_first_line(error)}", url=url, transient=True) from None
            navigations: list[Any] = []
            page.on("response", lambda r: navigations.append(r)
                    if r.request.is_navigation_request() and r.frame == page.main_frame
                    else None)
            try:
                try:
                    first = await page.goto(url, wait_until="load",
                                            timeout=_ms(deadline - loop.time()))
                except PlaywrightTimeout:
                    raise FetchError(f"{url}: the browser timed out after "
                                     f"{self.settings.timeout:g}s", url=url, transient=True) from None
                except Error as error:
                    raise FetchError(f"{url}: the browser could not load the page: "
                                     f"{_first_line(error)}", url=url, transient=True) from None
                await _settle(page, min(IDLE_WAIT, deadline - loop.time()))
                html = await _content(page)
                main = navigations[-1] if navigations else first
                status = main.status if main else 200
                wait_until = min(deadline, loop.time() + CHALLENGE_WAIT)
                waited = False
                while html is None or blocked_reason(status, html):
                    # A challenge that a browser passes reloads the page itself.
                    if loop.time() >= wait_until:
                        break
                    waited = True
                    await asyncio.sleep(POLL)
                    html = await _content(page)
                    main = navigations[-1] if navigations else main
                    status = main.status if main else status
                if waited:
                    await _settle(page, min(IDLE_WAIT, deadline - loop.time()), "load")
                    await _settle(page, min(IDLE_WAIT, deadline - loop.time()))
                    html = await _content(page) or html
                    main = navigations[-1] if navigations else main
                    status = main.status if main else status
                if html is None:
                    raise FetchError(f"{url}: the page kept navigating for "
                                     f"{self.settings.timeout:g}s", url=url, transient=True)
                headers = main.headers if main else {}
                return Snapshot(
                    url=page.url, fetched_at=datetime.now(timezone.utc), status=status,
                    content=html.encode("utf-8"), media_type="text/html",
                    charset="utf-8", etag=headers.get("etag"),
                    last_modified=headers.get("last-modified"), via="browser")
            finally:
                try:
                    await page.close()
                except Error:
                    pass


async def _settle(page: Any, seconds: float, state: str = "networkidle") -> None:
    """Wait for the page to reach state (the network gone quiet), at most seconds."""
    from playwright.async_api import Error
    if seconds <= 0:
        return
    try:
        await page.wait_for_load_state(state, timeout=_ms(seconds))
    except Error:
        pass            # pages that poll forever never go idle; take them as they are


async def _content(page: Any) -> str | None:
    """The DOM as HTML, or None while the page is between two documents."""
    from playwright.async_api import Error
    try:
        return await page.content()
    except Error:
        return None


def _ms(seconds: float) -> float:
    return max(1.0, seconds * 1000)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
