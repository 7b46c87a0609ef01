"""The fetch stage: sources in, snapshots out; the only stage that talks to sites.

    Fetcher      plain HTTP with keep-alive, per-host politeness, retries,
                 conditional requests, and Chromium when a page needs it
    Browser      the Chromium behind `browser: true` and the anti-bot fallback
    blocked_reason   tells a challenge page from the terms
    decode       a snapshot's bytes as text, the way a browser reads them
"""

from .blocked import blocked_reason
from .browser import Browser
from .charset import decode
from .http import Fetcher

__all__ = ["Browser", "Fetcher", "blocked_reason", "decode"]
