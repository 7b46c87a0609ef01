"""Tell an anti-bot challenge page from the terms we asked for.

A challenge must never become a version: its text would replace the terms
and every clause would look removed. Terms pages themselves talk about
CAPTCHAs and denied access, so a word is not enough: a page counts as a
challenge when its title says so, when it carries a vendor's challenge
machinery, or when a challenge phrase sits on a page with almost no text.
A successful answer of ordinary length is judged by its title alone: that is
the common case, and it must cost microseconds, not a scan of the page.
"""

from __future__ import annotations

import re

HEAD_CHARS = 32_768        # challenge pages put their markers near the top
TITLE_CHARS = 8_192
SMALL_PAGE = 16_384        # a successful answer longer than this is judged by its title
SHORT_TEXT = 1_000         # visible characters; terms pages have many more

# Statuses a challenge comes with: Cloudflare 403/503/429, DataDome and
# PerimeterX 403 (sometimes 200), AWS WAF 202/405, Incapsula 200.
CHALLENGE_STATUSES = frozenset({200, 202, 401, 403, 405, 429, 503})

# Titles of challenge and block pages (lower case, matched as substrings).
_TITLES = (
    "just a moment",
    "attention required",
    "checking your browser",
    "verify you are human",
    "human verification",
    "are you a robot",
    "robot or human",
    "pardon our interruption",
    "one more step",
    "you have been blocked",
    "request blocked",
    "bot verification",
    "ddos-guard",
    "sucuri website firewall",
)

# Titles that name a challenge only on a page with little text: Google's
# "reCAPTCHA Terms of Service" is terms, not a wall.
_SHORT_PAGE_TITLES = ("captcha", "access denied", "security check")

# Machinery that only challenge or block pages carry, never prose.
_MACHINERY = (
    ("_cf_chl_opt", "Cloudflare challenge"),
    ("cf-browser-verification", "Cloudflare challenge"),
    ("orchestrate/chl_page", "Cloudflare challenge"),
    ("orchestrate/managed", "Cloudflare challenge"),
    ("orchestrate/jsch", "Cloudflare challenge"),
    ("captcha-delivery.com", "DataDome challenge"),
    ("px-captcha", "PerimeterX challenge"),
    ("_incapsula_resource", "Incapsula challenge"),
    ("incapsula incident id", "Incapsula block"),
    ("errors.edgesuite.net", "Akamai block"),
    ("sucuri_cloudproxy_js", "Sucuri challenge"),
    ("awswafintegration.checkforcerefresh", "AWS WAF challenge"),
)

# Phrases and widgets that mean a challenge only on a page with little text.
_PHRASES = (
    "captcha",
    "cf-turnstile",
    "enable javascript and cookies to continue",
    "checking your browser",
    "verify you are human",
    "verify you are a human",
    "are you a robot",
    "unusual traffic",
    "press & hold",
    "press and hold",
    "why have i been blocked",
    "you have been blocked",
    "access denied",
    "access to this page has been denied",
    "request unsuccessful",
)

_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.S | re.I)
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def blocked_reason(status: int, text: str) -> str | None:
    """Why this answer looks like an anti-bot challenge, or None when it does not."""
    if status not in CHALLENGE_STATUSES:
        return None
    match = _TITLE.search(text, 0, TITLE_CHARS)
    if match:
        title = _SPACE.sub(" ", match.group(1)).strip()
        lowered = title.lower()
        if any(marker in lowered for marker in _TITLES):
            return f"challenge page (title {title[:80]!r})"
        if any(marker in lowered for marker in _SHORT_PAGE_TITLES):
            chars = visible_chars(text)
            if chars < SHORT_TEXT:
                return f"challenge page (title {title[:80]!r}, {chars} characters)"
    if status < 300 and len(text) > SMALL_PAGE:
        return None
    head = text[:HEAD_CHARS].lower()
    for marker, vendor in _MACHINERY:
        if marker in head:
            return f"{vendor} page ({marker!r})"
    phrase = next((p for p in _PHRASES if p in head), None)
    if phrase:
        chars = visible_chars(text)
        if chars < SHORT_TEXT:
            return f"challenge page ({phrase!r} on a page of {chars} characters)"
    return None


def visible_chars(html: str) -> int:
    """Roughly how many characters a reader would see; scripts and tags removed."""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", html))
    return len(_SPACE.sub(" ", text).strip())
