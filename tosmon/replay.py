"""Recorded histories of real terms, served on 127.0.0.1 as the world serves them.

The demo, the end-to-end tests and the benchmarks replay these: each version
of a document is rendered to an HTML page with furniture that changes on
every request (a nonce, a timestamp, a visitor counter, a cookie banner), so
what reaches the pipeline looks like a live site and only the terms decide
whether a version is new.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import markdown

HISTORIES = resources.files("tosmon") / "data" / "histories"

# service id, service name, document name of each recorded history folder.
NAMES = {
    "zoom__terms_of_service": ("zoom", "Zoom", "Terms of Service"),
    "soundcloud__terms_of_use": ("soundcloud", "SoundCloud", "Terms of Use"),
    "reddit__user_agreement": ("reddit", "Reddit", "User Agreement"),
    "bandcamp__acceptable_use_policy": ("bandcamp", "Bandcamp", "Acceptable Use Policy"),
    "spotify__user_guidelines": ("spotify", "Spotify", "User Guidelines"),
}


@dataclass(frozen=True)
class Expected:
    label: str
    text: str


@dataclass(frozen=True)
class Step:
    date: datetime
    file: str
    markdown: str
    expect: tuple[Expected, ...]


@dataclass(frozen=True)
class History:
    folder: str
    service: str
    service_name: str
    document: str
    steps: tuple[Step, ...]


def histories() -> list[History]:
    return [load_history(folder) for folder in NAMES]


def load_history(folder: str) -> History:
    base = Path(str(HISTORIES / folder))
    steps = []
    for raw in json.loads((base / "steps.json").read_text(encoding="utf-8")):
        date = datetime.fromisoformat(raw["serve"].removesuffix(".md")).replace(hour=12, tzinfo=timezone.utc)
        steps.append(Step(date=date, file=raw["serve"],
                          markdown=(base / raw["serve"]).read_text(encoding="utf-8"),
                          expect=tuple(Expected(e["label"], e["text"]) for e in raw["expect"])))
    service, service_name, document = NAMES[folder]
    return History(folder, service, service_name, document, tuple(steps))


def render_html(markdown_text: str, title: str) -> str:
    """The terms as the body of a page; furniture is added per request."""
    return markdown.markdown(markdown_text, extensions=["tables"])


PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="request-id" content="{nonce}"><script>window.__nonce="{nonce}";</script></head>
<body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/pricing">Pricing</a>
<a href="/login">Log in</a> <span class="visitors">{visitors} people online</span></nav></header>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
Session {nonce}. <button>Accept all</button> <button>Reject</button></div>
<main>
{body}
</main>
<aside class="related">Trending now: playlist #{visitors}</aside>
<footer><p>Page generated {now} (request {nonce}).</p><p>&copy; {title}</p></footer>
</body></html>"""


def page(body_html: str, title: str, lang: str = "en") -> bytes:
    """A full page around the terms, with furniture that differs on each call."""
    return PAGE.format(lang=lang, title=html.escape(title), body=body_html,
                       nonce=secrets.token_hex(8), visitors=secrets.randbelow(90000) + 1000,
                       now=datetime.now(timezone.utc).isoformat()).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_GET(self):  # noqa: N802 - http.server's naming
        entry = self.server.pages.get(self.path.split("?", 1)[0])
        if entry is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>")
            return
        body_html, title, lang = entry
        self._send(200, page(body_html, title, lang))

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            payload = json.loads(raw.decode("utf-8"))
        except ValueError:
            payload = {"raw": raw.decode("utf-8", "replace")}
        with self.server.lock:
            self.server.received.append({"path": self.path, "payload": payload})
        self._send(200, b'{"ok": true}', "application/json")

    def _send(self, status: int, body: bytes, media_type: str = "text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict[str, tuple[str, str, str]]
    received: list[dict]
    lock: threading.Lock


class ReplaySite:
    """A loopback web site whose pages can be swapped, and a webhook receiver.

    `serve(path, markdown)` sets the terms served at `path`; POSTs to any
    path are recorded in `received`, which makes it apprise's json:// target.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._server = _Server((host, port), _Handler)
        self._server.pages, self._server.received = {}, []
        self._server.lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "ReplaySite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, markdown_text: str, title: str = "Terms", lang: str = "en") -> None:
        self.serve_html(path, render_html(markdown_text, title), title, lang)

    def serve_html(self, path: str, body_html: str, title: str = "Terms", lang: str = "en") -> None:
        self._server.pages[path] = (body_html, title, lang)

    @property
    def received(self) -> list[dict]:
        with self._server.lock:
            return list(self._server.received)

    def wait_received(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received
