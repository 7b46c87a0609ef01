"""EXTRACT: the terms out of a fetched page, as Markdown-like text.

The text is what versions are compared on, so it keeps only what a reader of
the terms reads: headings, paragraphs, list items and table rows. Link targets
and emphasis are dropped because they churn (tracking parameters, a redesign
that bolds a sentence) without the terms changing.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from lxml import etree
from lxml.cssselect import CSSSelector
from cssselect import SelectorError

from tosmon.errors import ExtractError
from tosmon.models import Source

# Never text a reader sees as part of the terms, whatever the selectors say.
_NEVER_TEXT = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object",
               "embed", "canvas", "video", "audio", "head", "button", "select", "textarea",
               "input", "datalist", "dialog")

# Page furniture, dropped only when no selector says where the terms are.
_FURNITURE = frozenset({"nav", "aside", "menu"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog",
                              "alertdialog", "search", "menu", "menubar", "toolbar"})
_CONTENT_HOLDERS = frozenset({"main", "article"})
# Consent-management vendors: their markup is never terms, however long.
_VENDOR_WORDS = ("onetrust", "cookiebot", "didomi", "usercentrics", "truste", "osano",
                 "cookieyes", "iubenda", "qc-cmp", "sp_message", "cmp-container", "cc-window",
                 "cookie-law")
# Generic words: dropped only while short, since a privacy policy may have a
# long section with id="cookies" that is itself terms.
_GENERIC_WORDS = ("cookie", "consent", "gdpr", "ccpa", "banner", "modal", "popup", "pop-up",
                  "newsletter", "subscribe", "breadcrumb", "skip-link", "skiplink", "share-",
                  "social-", "overlay", "toast")
_NAME_WORDS = _VENDOR_WORDS + _GENERIC_WORDS
# Attribute values fetched by libxml2 in one pass each: far cheaper than
# visiting every element from Python.
_ROLE_VALUES = etree.XPath("descendant::*/@role | descendant::*/@aria-modal")
_NAME_VALUES = etree.XPath("descendant::*/@class | descendant::*/@id")
_ROLE_MAIN = etree.XPath("descendant::*[@role='main']")
_TEXT_LENGTH = etree.XPath("string-length(normalize-space())")
_GENERIC_MAX_CHARS = 2000
_WRAPPERS = frozenset({"div", "section", "article", "main", "center", "span", "font"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "body", "html", "blockquote", "pre", "ul", "ol",
    "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd",
    "figure", "figcaption", "address", "details", "summary", "hr", "header", "footer", "nav",
    "aside", "form", "fieldset", "legend", "center", "menu", "hgroup", "search",
}) | _HEADINGS
_STRUCTURE = _BLOCKS | {"br"}     # tags the writer reacts to; others are inline

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LOCAL = threading.local()       # one parser per thread: lxml parsers are not shared safely


def extract(html: str, source: Source, *, base_url: str = "") -> str:
    """Select the terms out of a page and normalise them to Markdown-like text.

    Raises ExtractError when a selector matches nothing or no text is left,
    so a redesigned or blocked page never becomes a version.
    """
    where = f" on {base_url or source.url}"
    root = _parse(html)
    etree.strip_elements(root, *_NEVER_TEXT, with_tail=False)
    for selector in source.remove:
        for el in _compiled(selector)(root):
            _drop(el)
    if source.select:
        parts = _selected(root, source.select, where)
    else:
        parts = [_main_content(root)]
    text = _render(parts)
    if not text:
        raise ExtractError(f"no text left after extraction{where}")
    return text


def implausible(text: str, previous_length: int, *, min_chars: int,
                min_ratio: float) -> str | None:
    """Why this extraction does not look like the terms any more, or None.

    A blocked page, an error template or a half-rendered app still extracts
    to something; this catches it before it becomes a version and alerts
    everyone that the terms vanished.
    """
    length = len(text.strip())
    if length < min_chars:
        return f"extracted text is {length} characters, fewer than {min_chars}"
    if previous_length > 0 and length < min_ratio * previous_length:
        return (f"extracted text is {length} characters, {length / previous_length:.0%} of the "
                f"last version's {previous_length}, below {min_ratio:.0%}")
    return None


# -- parsing and selecting -------------------------------------------------------------

def _parse(html: str) -> etree._Element:
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        raise ExtractError("the page is empty")
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(remove_comments=True, remove_pis=True,
                                                  no_network=True)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"the page is not parsable HTML: {exc}") from None
    if root is None:
        raise ExtractError("the page is not parsable HTML")
    return root


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector:
    try:
        return CSSSelector(selector, translator="html")
    except SelectorError as exc:
        raise ExtractError(f"invalid CSS selector {selector!r}: {exc}") from None


def _drop(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _selected(root: etree._Element, selectors: tuple[str, ...], where: str) -> list:
    found: list = []
    for selector in selectors:
        matches = _compiled(selector)(root)
        if not matches:
            raise ExtractError(f"selector {selector!r} matched nothing{where}")
        found.extend(matches)
    if len(found) == 1:
        return found
    chosen = set(found)
    outer = {el for el in chosen if not any(a in chosen for a in el.iterancestors())}
    order = {el: i for i, el in enumerate(root.iter()) if el in outer}
    return sorted(outer, key=order.__getitem__)


# -- the main-content heuristic ------------------------------------------------------

def _main_content(root: etree._Element) -> etree._Element:
    body = root.find("body")
    body = root if body is None else body
    _drop_furniture(body)
    total = _TEXT_LENGTH(body)
    for el in (next(body.iter("main"), None), next(iter(_ROLE_MAIN(body)), None)):
        if el is not None and _TEXT_LENGTH(el) >= 0.3 * total:
            return el
    articles = [(_TEXT_LENGTH(a), i, a) for i, a in enumerate(body.iter("article"))]
    if articles:
        length, _, article = max(articles)
        if length >= 0.3 * total:
            return article
    # Go down through wrappers while one of them holds nearly all the prose;
    # stop before lists and paragraphs, which are parts of the terms.
    scores = _text_scores(body)
    node, total = body, scores[body]
    while True:
        children = [c for c in node if c.tag in _WRAPPERS]
        best = max(children, key=scores.__getitem__, default=None)
        if best is None or scores[best] < 0.85 * total:
            return node
        node = best


def _drop_furniture(body: etree._Element) -> None:
    doomed: dict = {}
    for el in body.iter(*_FURNITURE, "form", "header", "footer"):
        if el.tag in _FURNITURE:
            doomed[el] = True
        elif el.tag == "form":
            # ASP.NET-style pages wrap the whole body in one form.
            doomed[el] = _looks_like_popup(el)
        elif not any(a.tag in _CONTENT_HOLDERS or a.get("role") == "main"
                     for a in el.iterancestors()):
            # A header inside an article is the article's own title block.
            doomed[el] = True
    for value in _ROLE_VALUES(body):
        if value in _FURNITURE_ROLES or (value.attrname == "aria-modal" and value == "true"):
            doomed[value.getparent()] = True
    values = _NAME_VALUES(body)
    blob = "\n".join(values).lower()
    offsets = list(accumulate((len(v) + 1 for v in values), initial=0))
    named: dict = {}      # element -> whether a consent vendor named it
    for word in _NAME_WORDS:
        at = blob.find(word)      # str.find beats a 30-way regex alternation
        while at != -1:
            el = values[bisect_right(offsets, at) - 1].getparent()
            if el.tag not in _HEADINGS:
                named[el] = named.get(el, False) or word in _VENDOR_WORDS
            at = blob.find(word, at + len(word))
    for el, by_vendor in named.items():
        if not doomed.get(el):
            doomed[el] = by_vendor or _looks_like_popup(el)
    for el, drop in doomed.items():
        if drop:
            _drop(el)


def _looks_like_popup(el: etree._Element) -> bool:
    if len("".join(el.itertext())) > _GENERIC_MAX_CHARS:
        return False
    return next(el.iter("h1", "h2", "h3"), None) is None


def _text_scores(body: etree._Element) -> dict:
    """Characters of non-link text under each element: where the prose is."""
    scores: dict = {}
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    for el in reversed(elements):
        if el.tag == "a":
            scores[el] = 0
            continue
        own = len((el.text or "").strip())
        for child in el:
            own += len((child.tail or "").strip()) + scores.get(child, 0)
        scores[el] = own
    return scores


# -- rendering -------------------------------------------------------------------------

def _render(parts: list) -> str:
    out = _Writer()
    for part in parts:
        out.walk(part)
        out.block()
    return out.text()


class _Writer:
    """Turns a tree into lines; lines of one list or table share a group."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.buf: list[str] = []
        self.group = 0
        self.lists: list[list] = []       # [ordered, next number]
        self.items: list[list] = []       # [marker or None once used, indent]
        self.heading = 0
        self.tables = 0
        self.row: list[str] | None = None
        self.nested = 0                   # tables open inside the current row

    def walk(self, top: etree._Element) -> None:
        buf, start, end = self.buf, self.start, self.end
        for event, el in etree.iterwalk(top, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag in _STRUCTURE:
                    start(tag, el)
                if el.text and isinstance(tag, str):
                    buf.append(el.text)
            else:
                if tag in _STRUCTURE:
                    end(tag)
                if el.tail and el is not top:
                    buf.append(el.tail)

    def start(self, tag: str, el: etree._Element) -> None:
        if self.row is not None:
            # Inside a row everything is cell text; a table nested in a cell
            # is flattened into that cell.
            if tag == "table":
                self.nested += 1
            if tag in ("td", "th") and not self.nested:
                self.buf.clear()
            elif tag in _BLOCKS or tag == "br":
                self.buf.append(" ")
            return
        if tag == "br":
            if self.heading:
                self.buf.append(" ")
            else:
                self.flush()
        elif tag in _HEADINGS:
            self.block()
            self.heading = int(tag[1])
        elif tag in ("ul", "ol", "menu"):
            self.block()
            self.lists.append([tag == "ol", _int(el.get("start"), 1)])
        elif tag == "li":
            self.block()
            marker = "- "
            if self.lists and self.lists[-1][0]:
                number = _int(el.get("value"), self.lists[-1][1])
                self.lists[-1][1] = number + 1
                marker = f"{number}. "
            self.items.append([marker, "  " * max(len(self.lists) - 1, 0)])
        elif tag == "table":
            self.block()
            self.tables += 1
        elif tag == "tr":
            self.block()
            self.row = []
        elif tag in _BLOCKS:
            self.block()

    def end(self, tag: str) -> None:
        if self.row is not None:
            if self.nested:
                self.nested -= tag == "table"
                self.buf.append(" ")
            elif tag in ("td", "th"):
                self.cell()
            elif tag == "tr":
                cells = self.row
                self.row = None
                if any(cells):
                    self.lines.append((self.group, _clean("| " + " | ".join(cells) + " |")))
            return
        if tag in _HEADINGS:
            self.flush()
            self.heading = 0
            self.block()
        elif tag in ("ul", "ol", "menu"):
            self.block()
            if self.lists:
                self.lists.pop()
            self.block()
        elif tag == "li":
            self.block()
            if self.items:
                self.items.pop()
        elif tag == "table":
            self.block()
            self.tables = max(self.tables - 1, 0)
            self.block()
        elif tag in _BLOCKS:
            self.block()

    def cell(self) -> None:
        self.row.append(_clean("".join(self.buf)))
        self.buf.clear()

    def block(self) -> None:
        self.flush()
        if not self.lists and not self.tables:
            self.group += 1

    def flush(self) -> None:
        if not self.buf:
            return
        text = _clean("".join(self.buf))
        self.buf.clear()
        if not text:
            return
        if self.heading:
            text = "#" * self.heading + " " + text
        elif self.items:
            item = self.items[-1]
            if item[0]:
                text = item[1] + item[0] + text
                item[0] = None
            else:
                text = item[1] + "  " + text
        self.lines.append((self.group, text))

    def text(self) -> str:
        self.flush()
        out: list[str] = []
        previous = None
        for group, line in self.lines:
            if previous is not None:
                out.append("\n" if group == previous else "\n\n")
            out.append(line)
            previous = group
        return "".join(out)


def _clean(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
