"""The fetch stage against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil
import pytest

from tests.fixtures.site import TERMS_MAIN, SECURITY_SECTIONS, challenge_html, terms_html
from tosmon.errors import FetchError
from tosmon.fetch import Fetcher, blocked_reason, decode
from tosmon.fetch.charset import decode_bytes
from tosmon.models import Source
from tosmon.settings import load

needs_chromium = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")


def settings(**overrides):
    return load({"timeout": 5.0, "browser_fallback": False, **overrides}, environ={})


def fetch_one(url: str, *, browser: bool = False, etag: str | None = None,
              last_modified: str | None = None, **overrides):
    async def go():
        async with Fetcher(settings(**overrides)) as fetcher:
            return await fetcher.fetch(Source(url, browser=browser),
                                       etag=etag, last_modified=last_modified)
    return asyncio.run(go())


def fetch_error(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_one(url, **kwargs)
    return caught.value


# -- answers -------------------------------------------------------------------

def test_terms_page_becomes_a_snapshot(site):
    before = datetime.now(timezone.utc)
    snap = fetch_one(site.url("/terms"))
    assert snap.status == 200 and snap.via == "http" and not snap.not_modified
    assert snap.url == site.url("/terms")
    assert (snap.media_type, snap.charset) == ("text/html", "utf-8")
    assert snap.fetched_at.tzinfo is not None
    assert before <= snap.fetched_at <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert "We will not use Your Content to train generative" in decode(snap)
    [hit] = site.hits("/terms")
    assert hit.headers["user-agent"] == settings().user_agent
    assert hit.headers["accept-language"].startswith("en")


def test_terms_page_changes_on_every_request_but_not_its_terms(site):
    first, second = fetch_one(site.url("/terms")), fetch_one(site.url("/terms"))
    assert first.digest != second.digest

    def main(snap):
        text = decode(snap)
        return text[text.index("<main"):text.index("</main>")]
    assert main(first) == main(second)


def test_redirect_reports_the_final_url(site):
    snap = fetch_one(site.url("/redirect"))
    assert snap.url == site.url("/terms")
    assert "Terms of Use" in decode(snap)


def test_error_once_is_retried_and_succeeds(site):
    snap = fetch_one(site.url("/error-once"))
    assert snap.status == 200 and "Soundpool" in decode(snap)
    assert [h.status for h in site.hits("/error-once")] == [500, 200]


def test_server_error_that_persists_is_transient_after_the_retries(site):
    site.page("/down", "<h1>Service Unavailable</h1>", status=503)
    error = fetch_error(site.url("/down"), retries=1)
    assert error.transient and not error.bot_blocked and error.status == 503
    assert len(site.hits("/down")) == 2


def test_retry_after_is_honoured(site):
    site.route("/busy", lambda hit: (
        (429, {"Retry-After": "1", "Content-Type": "text/plain"}, "slow down")
        if hit.count == 1 else (200, {"Content-Type": "text/html"}, terms_html())))
    snap = fetch_one(site.url("/busy"))
    assert snap.status == 200
    first, second = site.hits("/busy")
    assert second.started - first.started >= 0.9


def test_long_retry_after_is_left_to_the_next_check(site):
    site.page("/busy", "slow down", status=429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    error = fetch_error(site.url("/busy"))
    assert error.transient and error.status == 429
    assert len(site.hits("/busy")) == 1
    assert time.monotonic() - started < 3


def test_slow_page_times_out_as_transient(site):
    started = time.monotonic()
    error = fetch_error(site.url("/slow"), timeout=0.3, retries=0)
    assert error.transient and error.status is None
    assert "0.3s" in str(error)
    assert time.monotonic() - started < 1.5


def test_refused_connection_is_transient():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/terms", retries=0)
    assert error.transient and not error.bot_blocked


def test_not_found_is_permanent_and_not_retried(site):
    error = fetch_error(site.url("/not-found"))
    assert not error.transient and not error.bot_blocked and error.status == 404
    assert len(site.hits("/not-found")) == 1


# -- anti-bot pages ------------------------------------------------------------

def test_challenge_page_is_bot_blocked(site):
    error = fetch_error(site.url("/blocked"))
    assert error.bot_blocked and not error.transient and error.status == 403
    assert "Just a moment" in str(error)
    assert len(site.hits("/blocked")) == 1


def test_blocked_once_without_browser_fallback_is_reported(site):
    error = fetch_error(site.url("/blocked-once"), browser_fallback=False)
    assert error.bot_blocked and error.status == 403
    assert len(site.hits("/blocked-once")) == 1


def test_terms_that_mention_captcha_are_not_blocked(site):
    snap = fetch_one(site.url("/captcha-mention"))
    assert "bypass, disable or otherwise interfere with any CAPTCHA" in decode(snap)


def test_plain_pages_never_launch_the_browser(site):
    async def go():
        async with Fetcher(settings(browser_fallback=True)) as fetcher:
            await fetcher.fetch(Source(site.url("/terms")))
            await fetcher.fetch(Source(site.url("/captcha-mention")))
            return fetcher.browser_launched
    assert asyncio.run(go()) is False


def test_fallback_without_chromium_says_how_to_install_it(site):
    error = fetch_error(site.url("/blocked"), browser_fallback=True,
                        browser_path="/nonexistent/chromium")
    assert error.bot_blocked
    assert "apt-get install chromium" in str(error) and "TOSMON_BROWSER" in str(error)


@pytest.mark.parametrize("status, page", [
    (403, challenge_html("example.org")),
    (503, challenge_html("example.org").replace("Just a moment...", "example.org")),
    (403, '<html><head><title>example.org</title></head><body><p>Please enable JS and disable '
          'any ad blocker</p><script>var dd={"rt":"c","cid":"AHrlqAAA"}</script><script '
          'src="https://ct.captcha-delivery.com/c.js"></script></body></html>'),
    (403, '<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY><H1>Access Denied</H1>'
          "You don't have permission to access this page on this server.<P>Reference #18.4f2"
          '<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;4f2</P></BODY></HTML>'),
    (403, '<html><body><div id="px-captcha"></div><p>Press &amp; Hold to confirm you are a '
          'human (and not a bot).</p></body></html>'),
    (200, '<html><body><h2>One last check</h2><p>Please complete the CAPTCHA below to continue.'
          '</p><div class="h-captcha" data-sitekey="x"></div></body></html>'),
])
def test_challenge_pages_are_recognised(status, page):
    assert blocked_reason(status, page)


@pytest.mark.parametrize("status, page", [
    (200, terms_html(TERMS_MAIN.replace("</main>", SECURITY_SECTIONS + "</main>"))),
    (403, terms_html(TERMS_MAIN.replace("</main>", SECURITY_SECTIONS + "</main>"))),
    (200, terms_html(extra='<script>(function(){var a=document.createElement("iframe");'
                           'a.src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"})();</script>')),
    (200, '<html><body><div id="root"><noscript>You need to enable JavaScript to run this '
          'app.</noscript></div></body></html>'),
    (200, terms_html(TERMS_MAIN.replace("</main>", SECURITY_SECTIONS + "</main>"),
                     title="reCAPTCHA Terms of Service")),
    (404, challenge_html("example.org")),
    (403, "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>"),
])
def test_ordinary_pages_are_not_taken_for_challenges(status, page):
    assert blocked_reason(status, page) is None


# -- text ----------------------------------------------------------------------

def test_latin1_header_charset_is_decoded(site):
    snap = fetch_one(site.url("/latin1"))
    assert snap.charset == "iso-8859-1"
    text = decode(snap)
    assert "Conditions générales d'utilisation" in text
    assert "entraîner des modèles d'intelligence artificielle" in text


def test_charset_declared_only_in_meta_is_decoded(site):
    snap = fetch_one(site.url("/meta-charset"))
    assert snap.charset is None
    assert "Dernière mise à jour : 12 février 2025" in decode(snap)


@pytest.mark.parametrize("content, header, expected", [
    ("é".encode("utf-8-sig"), "iso-8859-1", "é"),                      # BOM wins
    ('<meta charset="utf-8">é'.encode("latin-1"), "iso-8859-1", "é"),  # header over meta
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">“é”'
     .encode("cp1252"), None, "“é”"),
    ('<?xml version="1.0" encoding="ISO-8859-15"?><p>5 €</p>'.encode("iso-8859-15"), None, "5 €"),
    ("naïve “quotes”".encode("cp1252"), None, "naïve “quotes”"),       # undeclared, not UTF-8
    ("naïve".encode("utf-8"), "no-such-charset", "naïve"),              # unknown label ignored
    ("ça".encode("latin-1"), "latin1", "ça"),
])
def test_decoding_follows_what_browsers_do(content, header, expected):
    assert expected in decode_bytes(content, header)


def test_decoding_never_raises():
    junk = bytes(range(256)) * 3
    for label in (None, "utf-8", "utf-16", "utf-32", "shift_jis", "bogus", "", "ascii"):
        assert isinstance(decode_bytes(junk, label), str)
        assert isinstance(decode_bytes(b'<meta charset="utf-16">' + junk, label), str)


# -- conditional requests and connections ----------------------------------------

def test_etag_and_last_modified_give_not_modified(site):
    first = fetch_one(site.url("/etag"))
    assert first.etag == '"v1-5f2b"' and first.last_modified and first.content
    by_etag = fetch_one(site.url("/etag"), etag=first.etag)
    assert by_etag.not_modified and by_etag.content == b"" and by_etag.status == 304
    assert by_etag.etag == first.etag
    by_date = fetch_one(site.url("/etag"), last_modified=first.last_modified)
    assert by_date.not_modified
    stale = fetch_one(site.url("/etag"), etag='"v0-0000"')
    assert not stale.not_modified and stale.content == first.content
    sent = [h.headers.get("if-none-match") for h in site.hits("/etag")]
    assert sent == [None, '"v1-5f2b"', None, '"v0-0000"']
    assert site.hits("/etag")[2].headers["if-modified-since"] == first.last_modified


def test_connections_are_kept_alive(site):
    async def go():
        async with Fetcher(settings()) as fetcher:
            for _ in range(5):
                await fetcher.fetch(Source(site.url("/terms")))
    asyncio.run(go())
    assert len({h.client_port for h in site.hits("/terms")}) == 1


@pytest.mark.parametrize("per_host", [1, 2])
def test_each_host_gets_at_most_per_host_requests_at_once(site, per_host):
    hosts = site.serve_hosts(4)
    site.page("/p", terms_html(), delay=0.1)
    urls = [site.url("/p", host=h) for h in hosts for _ in range(4)]

    async def go():
        async with Fetcher(settings(per_host=per_host, concurrency=16)) as fetcher:
            await asyncio.gather(*(fetcher.fetch(Source(u)) for u in urls))
    asyncio.run(go())

    assert site.max_in_flight() == {h: per_host for h in hosts}
    hits = site.hits("/p")
    assert len(hits) == 16
    # Hosts are served side by side: most requests in flight across hosts at once.
    most = max(sum(1 for h in hits if h.started <= t.started < h.ended) for t in hits)
    assert most >= 3


# -- the browser fallback --------------------------------------------------------

def _chromium_processes(since: float) -> int:
    """Chromium browsers (not their helpers) this process started since then."""
    count = 0
    for process in psutil.Process().children(recursive=True):
        try:
            if (process.create_time() < since or "chromium" not in process.name()
                    or process.status() == psutil.STATUS_ZOMBIE):
                continue
            if "chromium" in process.parent().name():
                continue    # a helper, or one being forked before it takes its own name
            if not any(arg.startswith("--type=") for arg in process.cmdline()):
                count += 1
        except psutil.Error:
            continue        # exited while we looked
    return count


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("path", ["/blocked-once", "/challenge"])
def test_blocked_page_is_fetched_through_the_browser(site, path):
    snap = fetch_one(site.url(path), browser_fallback=True)
    assert snap.via == "browser" and snap.status == 200
    assert "We will not use Your Content to train generative" in decode(snap)
    agents = [h.headers["user-agent"] for h in site.hits(path)]
    assert agents[0] == settings().user_agent and agents[-1] != agents[0]


@pytest.mark.browser
@needs_chromium
def test_one_chromium_serves_every_fallback_and_is_closed(site):
    hosts = site.serve_hosts(2)
    since = time.time()

    async def go():
        async with Fetcher(settings(browser_fallback=True)) as fetcher:
            for host in hosts:
                await fetcher.fetch(Source(site.url("/challenge", host=host)))
                await fetcher.fetch(Source(site.url("/blocked-once", host=host)))
            assert fetcher.browser_launched
            during = _chromium_processes(since)
        return during
    assert asyncio.run(go()) == 1
    deadline = time.monotonic() + 5     # an exiting process takes a moment to go
    while _chromium_processes(since) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _chromium_processes(since) == 0


@pytest.mark.browser
@needs_chromium
def test_page_blocked_even_in_the_browser_is_bot_blocked(site):
    error = fetch_error(site.url("/blocked"), browser_fallback=True, timeout=3.0)
    assert error.bot_blocked and error.status == 403
    assert "browser was blocked too" in str(error)
    assert len(site.hits("/blocked")) >= 2
