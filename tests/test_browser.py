"""Rendering with the real system Chromium, for terms written by JavaScript."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import psutil
import pytest

from tests.fixtures.site import JS_TERMS
from tosmon.errors import FetchError
from tosmon.fetch import Browser, Fetcher, decode
from tosmon.models import Source
from tosmon.settings import load

needs_chromium = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")

JS_TEXT = "use it to train, develop and improve our machine learning"


def settings(**overrides):
    return load({"timeout": 10.0, **overrides}, environ={})


@pytest.mark.browser
@needs_chromium
def test_browser_sees_terms_written_by_javascript(site):
    # The script asks for the terms only after the page has loaded, and they come late.
    site.page("/api/terms.json", json.dumps(JS_TERMS), content_type="application/json",
              delay=0.4)

    async def go():
        async with Fetcher(settings()) as fetcher:
            plain = await fetcher.fetch(Source(site.url("/js-only")))
            async with Browser(settings()) as browser:
                rendered = await browser.render(site.url("/js-only"))
            return plain, rendered
    plain, rendered = asyncio.run(go())

    assert JS_TEXT not in decode(plain)
    assert rendered.via == "browser" and rendered.status == 200
    assert rendered.charset == "utf-8" and rendered.url == site.url("/js-only")
    text = decode(rendered)
    assert JS_TEXT in text and "You may object to this use at any time" in text
    assert rendered.fetched_at.tzinfo is not None


@pytest.mark.browser
@needs_chromium
def test_source_marked_browser_is_rendered_and_bad_answers_still_fail(site):
    async def go():
        # A short timeout bounds how long the browser waits for a challenge to pass.
        async with Fetcher(settings(retries=0, timeout=3.0)) as fetcher:
            snap = await fetcher.fetch(Source(site.url("/js-only"), browser=True))
            with pytest.raises(FetchError) as missing:
                await fetcher.fetch(Source(site.url("/not-found"), browser=True))
            with pytest.raises(FetchError) as blocked:
                await fetcher.fetch(Source(site.url("/blocked"), browser=True))
            return snap, missing.value, blocked.value
    snap, missing, blocked = asyncio.run(go())
    assert snap.via == "browser" and JS_TEXT in decode(snap)
    assert missing.status == 404 and not missing.transient and not missing.bot_blocked
    assert blocked.bot_blocked and blocked.status == 403
    assert not any(h.headers["user-agent"] == settings().user_agent for h in site.hits())


@pytest.mark.browser
@needs_chromium
def test_browser_gives_up_on_a_slow_page_as_transient(site):
    async def go():
        async with Fetcher(settings(timeout=1.0, retries=0)) as fetcher:
            await fetcher.fetch(Source(site.url("/slow?seconds=3"), browser=True))
    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    assert caught.value.transient and not caught.value.bot_blocked


@pytest.mark.browser
@needs_chromium
def test_chromium_that_crashed_is_launched_again(site):
    async def go():
        async with Fetcher(settings()) as fetcher:
            await fetcher.fetch(Source(site.url("/js-only"), browser=True))
            killed = 0
            for process in psutil.Process().children(recursive=True):
                try:
                    if process.name() == "chromium" and "chromium" not in process.parent().name():
                        process.kill()
                        process.wait(5)
                        killed += 1
                except psutil.Error:
                    pass        # a helper that went down with it
            return killed, await fetcher.fetch(Source(site.url("/js-only"), browser=True))
    killed, snap = asyncio.run(go())
    assert killed >= 1
    assert snap.via == "browser" and JS_TEXT in decode(snap)


def test_missing_chromium_says_how_to_install_it(site):
    async def go():
        async with Browser(settings(browser_path="/nonexistent/chromium")) as browser:
            await browser.render(site.url("/js-only"))
    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    message = str(caught.value)
    assert "/nonexistent/chromium" in message
    assert "apt-get install chromium" in message and "TOSMON_BROWSER" in message
