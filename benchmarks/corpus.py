"""The benchmark corpus: terms pages rebuilt from real terms, served on loopback.

Every page is made of the headings, paragraphs and lists of the recorded
histories in tosmon/data/histories, shuffled and recombined with a fixed seed,
so the segmenter and the classifier see the text they see in real life and
every run sees the same corpus. Each document exists in two editions: the
second has one paragraph edited and one paragraph added.

The pages are served by a separate process (so serving costs none of the
benchmark's CPU time and none of its memory) on 127.0.0.1 ... 127.0.0.N, one
asyncio server per address. A page is pre-rendered to bytes; each answer only
fills in the furniture that real sites change on every request (a request id,
a visitor counter, a timestamp, a session id in the cookie banner), outside
the page's <main>.
"""

from __future__ import annotations

import asyncio
import html
import multiprocessing
import os
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import markdown

HISTORIES = Path(__file__).resolve().parent.parent / "tosmon" / "data" / "histories"
SEED = 20240207
PAGE_BYTES = 50_000         # aim for pages of about this size, furniture included

# Brand names of the recorded histories, replaced by each document's own.
_BRANDS = re.compile(r"\b(SoundCloud|Soundcloud|Spotify|Reddit|Bandcamp|Zoom)\b")
_SETEXT = re.compile(r"^(.+)\n(=+|-+)\s*$")
_NUMBERING = re.compile(r"^(\d+(\.\d+)*\.?|[A-Z]\.)\s+")
_LIST_ITEM = re.compile(r"^\s*([*+-]|\d+[.)])\s+")
_INLINE_MARKS = re.compile(r"\*\*|__|\\(?=[.\-#*()\[\]])")

# Made-up services; a document belongs to one of them and names it in its text.
_SERVICE_NAMES = ("Aurora", "Basalt", "Cobalt", "Dunmore", "Ember", "Fjord", "Gallant", "Harbor",
                  "Indigo", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchard",
                  "Pioneer", "Quarry", "Rivet", "Sable", "Tundra")
_DOCUMENT_NAMES = ("Terms of Use", "Privacy Policy", "Community Guidelines", "AI Policy",
                   "Acceptable Use Policy", "Copyright Policy", "Creator Terms", "Cookie Policy",
                   "Developer Terms", "Advertising Policy")
# A small edit: a few words inserted in a sentence, as most real edits are.
_EDITS = ((" may ", " may, at our sole discretion, "), (" will ", " will, where the law allows, "),
          (" and ", " and, where applicable, "), (" or ", " or, with your consent, "))
_EDIT_SENTENCES = (
    " We may also use this information to develop and improve our machine learning models.",
    " This section applies to all content you upload, including audio and artwork.",
    " You can change this setting at any time in your account preferences.",
    " We will notify you by email at least thirty days before such a change takes effect.",
)


# -- the text pool -----------------------------------------------------------------------

@dataclass(frozen=True)
class Pool:
    """Distinct blocks of the recorded terms, already rendered to HTML."""

    headings: tuple[str, ...]          # plain text
    paragraphs: tuple[str, ...]        # inline HTML, without the <p>
    lists: tuple[str, ...]             # rendered <ul>/<ol> HTML


def load_pool(folder: Path = HISTORIES) -> Pool:
    """Read every recorded version and keep each heading, paragraph and list once."""
    headings: dict[str, None] = {}
    paragraphs: dict[str, str] = {}
    lists: dict[str, str] = {}
    for path in sorted(folder.glob("*/[0-9]*.md")):
        for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            chunk = chunk.strip()
            if not chunk or chunk.startswith("|"):
                continue
            setext = _SETEXT.match(chunk)
            if chunk.startswith("#") or setext:
                text = setext.group(1) if setext else chunk.lstrip("#")
                text = _NUMBERING.sub("", _INLINE_MARKS.sub("", text).strip())
                if 3 <= len(text) <= 120:
                    headings[text] = None
            elif all(_LIST_ITEM.match(line) or line.startswith("  ") for line in chunk.splitlines()):
                if len(chunk) >= 80:
                    lists.setdefault(_opening(chunk), chunk)
            elif len(chunk) >= 60:
                paragraphs.setdefault(_opening(chunk), " ".join(chunk.split()))
    return Pool(tuple(headings), tuple(_inline(text) for text in paragraphs.values()),
                tuple(markdown.markdown(text) for text in lists.values()))


def _opening(chunk: str) -> str:
    """Successive versions of a clause start alike; keep one of them."""
    return re.sub(r"\W+", "", chunk)[:60]


def _inline(text: str) -> str:
    """A paragraph's inline Markdown (links, emphasis) as HTML."""
    rendered = markdown.markdown(text)
    return rendered.removeprefix("<p>").removesuffix("</p>")


# -- documents ---------------------------------------------------------------------------

@dataclass
class Spec:
    """One generated document: where it lives and its two editions' bodies."""

    index: int
    host: int                          # 1-based: served on 127.0.0.<host>
    path: str
    service: str                       # service id
    service_name: str
    name: str                          # document name
    select: tuple[str, ...]            # CSS selectors the watchlist names, if any
    bodies: tuple[bytes, bytes] = field(default=(b"", b""), repr=False)


def plan(docs: int, hosts: int) -> list[Spec]:
    """Who is where: documents spread evenly over the hosts, one service per host.

    Every fifth document names its selector (`main`); the others leave the
    terms to the extraction heuristic, as most watchlist entries do.
    """
    specs = []
    for index in range(docs):
        host = index % hosts + 1
        slot = index // hosts
        brand = _SERVICE_NAMES[(host - 1) % len(_SERVICE_NAMES)]
        kind = _DOCUMENT_NAMES[slot % len(_DOCUMENT_NAMES)]
        name = f"{kind} {slot // len(_DOCUMENT_NAMES) + 1}"
        specs.append(Spec(index=index, host=host, path=f"/legal/{index:05d}",
                          service=f"{brand.lower()}{host:02d}", service_name=f"{brand} {host}",
                          name=name, select=("main",) if index % 5 == 4 else ()))
    return specs


def build(spec: Spec, pool: Pool, seed: int = SEED, size: int = PAGE_BYTES) -> Spec:
    """Fill in a spec's two editions; the same seed always gives the same bytes."""
    rng = random.Random(f"{seed}:{spec.index}")
    brand = spec.service_name.split()[0]
    paragraphs, lists = _deck(pool.paragraphs, rng), _deck(pool.lists, rng)
    headings = _deck(pool.headings, rng)
    blocks: list[tuple[str, str]] = []      # (kind, html)
    budget = size - 4_500                   # what the furniture takes
    total, section = 0, 0
    title = f"{spec.service_name} {spec.name}"
    blocks.append(("h1", f"<h1>{html.escape(title)}</h1>"))
    blocks.append(("p", f"<p>Last updated: {rng.randint(1, 28)} "
                        f"{rng.choice(('March', 'June', 'September'))} 2025</p>"))
    while total < budget:
        section += 1
        heading = next(headings)
        blocks.append(("h2", f"<h2>{section}. {html.escape(_brand(heading, brand))}</h2>"))
        for _ in range(rng.randint(2, 6)):
            if pool.lists and rng.random() < 0.15:
                blocks.append(("ul", _brand(next(lists), brand)))
            else:
                blocks.append(("p", f"<p>{_brand(next(paragraphs), brand)}</p>"))
        if rng.random() < 0.3:
            blocks.append(("h3", f"<h3>{section}.1 {html.escape(_brand(next(headings), brand))}</h3>"))
            blocks.append(("p", f"<p>{_brand(next(paragraphs), brand)}</p>"))
        total = sum(len(b) for _, b in blocks)
    first = "\n".join(b for _, b in blocks)
    second = "\n".join(b for _, b in _edited(blocks, paragraphs, rng, brand))
    spec.bodies = (first.encode("utf-8"), second.encode("utf-8"))
    return spec


def _brand(text: str, brand: str) -> str:
    return _BRANDS.sub(brand, text)


def _edit(paragraph: str, rng: random.Random) -> str:
    """A paragraph with a few words inserted; a sentence appended when no word fits."""
    for old, new in rng.sample(_EDITS, len(_EDITS)):
        if old in paragraph:
            return paragraph.replace(old, new, 1)
    return paragraph.removesuffix("</p>") + rng.choice(_EDIT_SENTENCES) + "</p>"


def _deck(items: tuple[str, ...], rng: random.Random) -> Iterator[str]:
    """Items in a random order, each once before any comes again."""
    while True:
        order = list(items)
        rng.shuffle(order)
        yield from order


def _edited(blocks: list[tuple[str, str]], paragraphs: Iterator[str], rng: random.Random,
            brand: str) -> list[tuple[str, str]]:
    """The second edition: one paragraph gains a sentence, one new paragraph appears."""
    out = list(blocks)
    places = [i for i, (kind, _) in enumerate(out) if kind == "p" and i > 1]
    edit = rng.choice(places)
    out[edit] = ("p", _edit(out[edit][1], rng))
    used = {b for _, b in out}
    while True:
        added = f"<p>{_brand(next(paragraphs), brand)}</p>"
        if added not in used:
            break
    out.insert(rng.choice(places) + 1, ("p", added))
    return out


# -- the page around the terms -----------------------------------------------------------

_NAV = "\n".join(f'<li><a href="/{w.lower().replace(" ", "-")}">{w}</a></li>' for w in (
    "Home", "Discover", "Pricing", "Creators", "Upload", "Help", "Blog", "Careers", "Press",
    "Developers", "Log in", "Sign up"))
_FOOTER = "\n".join(f'<li><a href="/legal/{w.lower().replace(" ", "-")}">{w}</a></li>' for w in (
    "Terms of Use", "Privacy Policy", "Cookie Policy", "Copyright", "Imprint", "Accessibility",
    "Community Guidelines", "Law enforcement", "Status", "Contact", "Partners", "Investors"))

# The parts of a page; {…} fields change on every request.
_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="request-id" content="%(nonce)s">
<link rel="stylesheet" href="/static/site.css?v=%(nonce)s">
<script>window.__APP_STATE__={{"requestId":"%(nonce)s","visitors":%(visitors)d,"renderedAt":"%(now)s","experiments":["legal-v2","nav-b"]}};</script>
<style>body{{font-family:sans-serif}} .cookie-banner{{position:fixed;bottom:0}}</style>
</head>
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header" role="banner"><a class="logo" href="/">{brand}</a>
<nav aria-label="Main"><ul>
{nav}
</ul></nav>
<div class="status-bar"><span class="visitors">%(visitors)d people listening now</span>
<span class="promo">Try {brand} Pro free for 30 days</span></div>
</header>
<div class="cookie-banner" id="onetrust-banner-sdk" role="dialog" aria-modal="true">
<p>We and our 214 partners use cookies to personalise content and ads. Session %(nonce)s.</p>
<button id="accept">Accept all</button><button id="reject">Reject all</button>
<a href="/legal/cookies">Cookie settings</a></div>
<main id="content">
"""
_TAIL = """
</main>
<aside class="related" role="complementary"><h2>Trending now</h2><ul>
<li><a href="/charts/%(visitors)d">Chart #%(visitors)d</a></li>
<li><a href="/playlists/%(nonce)s">Fresh picks for you</a></li></ul></aside>
<footer class="site-footer" role="contentinfo"><ul>
{footer}
</ul>
<p>&copy; 2025 {brand}. Page generated %(now)s in %(millis)d ms (request %(nonce)s).</p></footer>
<script src="/static/app.js?build=%(nonce)s" defer></script>
</body></html>"""


@dataclass(frozen=True)
class Page:
    head: str            # %-template, furniture before the terms
    tail: str            # %-template, furniture after the terms
    bodies: tuple[bytes, bytes]


def page_of(spec: Spec) -> Page:
    brand = html.escape(spec.service_name)
    title = html.escape(f"{spec.service_name} {spec.name}")
    return Page(head=_HEAD.format(title=title, brand=brand, nav=_NAV),
                tail=_TAIL.format(brand=brand, footer=_FOOTER),
                bodies=spec.bodies)


def render(page: Page, edition: int, counter: int) -> list[bytes]:
    """A page's bytes for one request, in pieces: only the furniture is new."""
    fields = {"nonce": secrets.token_hex(8), "visitors": 10_000 + counter % 90_000,
              "now": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{counter % 1000:03d}Z",
              "millis": 3 + counter % 40}
    return [(page.head % fields).encode("utf-8"), page.bodies[edition],
            (page.tail % fields).encode("utf-8")]


# -- the server process ------------------------------------------------------------------

class _Site:
    """Every page and the edition currently served; shared by all addresses."""

    def __init__(self, pages: dict[str, Page], latency: float = 0.0):
        self.pages = pages
        self.edition = 0
        self.requests = 0
        self.latency = latency          # seconds each answer waits, as a distant site would

    def answer(self, target: bytes) -> list[bytes]:
        self.requests += 1
        page = self.pages.get(target.split(b"?", 1)[0].decode("ascii", "replace"))
        if page is None:
            body = [b"<!doctype html><title>Not found</title><h1>Not found</h1>"]
            status = b"404 Not Found"
        else:
            body = render(page, self.edition, self.requests)
            status = b"200 OK"
        length = sum(len(part) for part in body)
        head = (b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Cache-Control: no-cache\r\nContent-Length: " + str(length).encode() + b"\r\n\r\n")
        return [head, *body]


class _Http(asyncio.Protocol):
    """Just enough HTTP/1.1 for GET with keep-alive."""

    def __init__(self, site: _Site):
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            request_line = head.split(b"\r\n", 1)[0].split(b" ")
            if len(request_line) < 2:
                self.transport.close()
                return
            answer = self.site.answer(request_line[1])
            close = b"\r\nconnection: close" in head.lower()
            if self.site.latency:
                asyncio.get_running_loop().call_later(self.site.latency, self._send, answer, close)
            else:
                self._send(answer, close)
            if close:
                return

    def _send(self, answer: list[bytes], close: bool) -> None:
        if self.transport.is_closing():
            return
        self.transport.writelines(answer)
        if close:
            self.transport.close()


def _serve(conn, docs: int, hosts: int, seed: int, latency: float) -> None:
    """The server process: build the corpus, listen, obey commands from the pipe."""
    started = time.perf_counter()
    pool = load_pool()
    specs = [build(spec, pool, seed) for spec in plan(docs, hosts)]
    pages = {spec.path: page_of(spec) for spec in specs}
    site = _Site(pages, latency)
    sizes = [len(b"".join(render(pages[s.path], 0, 0))) for s in specs]
    built = time.perf_counter() - started

    async def main() -> None:
        loop = asyncio.get_running_loop()
        servers = [await loop.create_server(lambda: _Http(site), f"127.0.0.{host}", 0, backlog=512)
                   for host in range(1, hosts + 1)]
        ports = [s.sockets[0].getsockname()[1] for s in servers]
        conn.send({"ports": ports, "sizes": sizes, "build_seconds": built,
                   "pool": {"headings": len(pool.headings), "paragraphs": len(pool.paragraphs),
                            "lists": len(pool.lists)}})
        stop = loop.create_future()

        def commands() -> None:
            while True:
                try:
                    command, arg = conn.recv()
                except EOFError:
                    command, arg = "stop", None
                if command == "edition":
                    site.edition = arg
                    conn.send(arg)
                elif command == "requests":
                    conn.send(site.requests)
                else:
                    loop.call_soon_threadsafe(lambda: stop.done() or stop.set_result(None))
                    return

        threading.Thread(target=commands, daemon=True).start()
        await stop
        for server in servers:
            server.close()

    asyncio.run(main())


class CorpusServer:
    """The corpus served by a child process; use as a context manager.

    `urls` lists each document's URL in plan order; `edition(1)` switches
    every page to its edited terms.
    """

    def __init__(self, docs: int, hosts: int = 20, seed: int = SEED, latency: float = 0.0):
        self.docs, self.hosts, self.seed, self.latency = docs, hosts, seed, latency
        self.specs = plan(docs, hosts)
        self._conn = None
        self._process: multiprocessing.Process | None = None
        self.info: dict = {}

    def __enter__(self) -> "CorpusServer":
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, self.docs, self.hosts, self.seed, self.latency),
                                        name="tosmon-bench-corpus", daemon=True)
        self._process.start()
        theirs.close()
        self._conn = ours
        if not ours.poll(300):
            raise RuntimeError("the corpus server did not start within 300 s")
        self.info = ours.recv()
        return self

    def __exit__(self, *exc) -> None:
        if self._conn is not None:
            try:
                self._conn.send(("stop", None))
            except (BrokenPipeError, OSError):
                pass
        if self._process is not None:
            self._process.join(10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)

    @property
    def pid(self) -> int:
        return self._process.pid

    def url(self, spec: Spec) -> str:
        return f"http://127.0.0.{spec.host}:{self.info['ports'][spec.host - 1]}{spec.path}"

    def edition(self, number: int) -> None:
        self._conn.send(("edition", number))
        self._conn.recv()

    def requests(self) -> int:
        self._conn.send(("requests", None))
        return self._conn.recv()


if __name__ == "__main__":       # a look at one page: python benchmarks/corpus.py
    pool = load_pool()
    spec = build(plan(1, 1)[0], pool)
    print(b"".join(render(page_of(spec), 0, 1)).decode("utf-8"))
    print(f"<!-- pool: {len(pool.headings)} headings, {len(pool.paragraphs)} paragraphs, "
          f"{len(pool.lists)} lists; pid {os.getpid()} -->")
