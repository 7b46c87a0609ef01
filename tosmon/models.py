"""The plain values that flow through the pipeline.

Every stage takes and returns these frozen dataclasses, so stages can be
called directly in tests and run in a process pool.

    watchlist ─► Document/Source ─► fetch ─► Snapshot ─► extract ─► text
    ─► Version ─► segment ─► Clause ─► classify ─► Prediction
    ─► diff ─► ClauseChange ─► record ─► notify (Alert)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

LABELS: tuple[str, ...] = (
    "ai_training_grant",
    "ai_training_restriction",
    "ai_opt_out",
    "scraping_prohibition",
    "ai_generated_content",
    "broad_license",
)

LABEL_NAMES: Mapping[str, str] = {
    "ai_training_grant": "AI training allowed",
    "ai_training_restriction": "AI training restricted",
    "ai_opt_out": "AI training opt-out",
    "scraping_prohibition": "scraping / AI mining prohibited",
    "ai_generated_content": "rules on AI-generated content",
    "broad_license": "broad licence over user content",
}

# Labels whose removal takes a protection away from users.
PROTECTIVE_LABELS: tuple[str, ...] = ("ai_training_restriction", "ai_opt_out")


def sha256(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Source:
    """Where one document is published and which part of the page is the terms."""

    url: str
    select: tuple[str, ...] = ()     # CSS selectors of the terms; empty = heuristic
    remove: tuple[str, ...] = ()     # CSS selectors removed before selecting
    browser: bool = False            # render with Chromium


@dataclass(frozen=True)
class Document:
    """One kind of terms of one service, e.g. soundcloud / Terms of Use."""

    service: str                     # service id, e.g. "soundcloud"
    service_name: str                # "SoundCloud"
    name: str                        # "Terms of Use"
    sources: tuple[Source, ...]
    lang: str | None = None          # None: detected from the text
    interval: int = 6 * 3600         # seconds between checks

    @property
    def key(self) -> str:
        return f"{self.service}/{self.name}"

    @property
    def url(self) -> str:
        return self.sources[0].url


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class SecretRef:
    """A notification target given by reference: {"$env": VAR} or {"$file": path}."""

    kind: str                        # "env" | "file"
    value: str


@dataclass(frozen=True)
class Subscription:
    """Who is told what."""

    name: str
    notify: str | SecretRef          # apprise URL, or a reference to one
    services: tuple[str, ...] = ()   # empty: every service
    labels: tuple[str, ...] = LABELS
    languages: tuple[str, ...] = ()  # empty: every language

    def wants_service(self, service: str) -> bool:
        return not self.services or service in self.services


@dataclass(frozen=True)
class Watchlist:
    path: str
    services: tuple[Service, ...]
    subscriptions: tuple[Subscription, ...] = ()

    def documents(self, services: tuple[str, ...] | list[str] = ()) -> list[Document]:
        wanted = set(services)
        return [d for s in self.services if not wanted or s.id in wanted for d in s.documents]


@dataclass(frozen=True)
class Snapshot:
    """The raw bytes fetched from a source at a time."""

    url: str                          # final URL, after redirects
    fetched_at: datetime
    status: int
    content: bytes
    media_type: str = "text/html"
    charset: str | None = None        # from the headers, if any
    etag: str | None = None
    last_modified: str | None = None
    via: str = "http"                 # "http" | "browser"
    not_modified: bool = False        # a 304 answer to a conditional request

    @property
    def digest(self) -> str:
        return sha256(self.content)


@dataclass(frozen=True)
class Version:
    """The extracted, normalised text of a document at a time."""

    document: str                     # Document.key
    fetched_at: datetime
    text: str                         # Markdown-like: headings, lists, paragraphs
    lang: str

    @property
    def digest(self) -> str:
        return sha256(self.text)


@dataclass(frozen=True)
class Clause:
    """A unit of a version: a sentence or list item under its heading."""

    position: int                     # 0-based order within the version
    heading: str                      # heading path, " > " joined; "" at top level
    text: str


@dataclass(frozen=True)
class Prediction:
    """The classifier's answer for one clause."""

    labels: tuple[str, ...]                       # labels above their threshold
    scores: Mapping[str, float] = field(default_factory=dict)   # every label
    evidence: Mapping[str, str] = field(default_factory=dict)   # label -> words
    model: str = ""


NONE = Prediction(labels=())


@dataclass(frozen=True)
class ClauseChange:
    """How one clause moved between two consecutive versions."""

    kind: str                         # "added" | "removed" | "modified" | "unchanged"
    old: Clause | None
    new: Clause | None
    trivial: bool = False             # only spelling, punctuation, case or spacing
    ops: tuple[tuple[int, str], ...] = ()   # character diff: (-1|0|1, text)


CHANGE_KINDS = ("added", "removed", "modified", "unchanged")


@dataclass(frozen=True)
class AlertItem:
    """One flagged clause that changed, as an alert shows it."""

    label: str
    kind: str                         # "added" | "removed" | "modified"
    text: str                         # whole clause: the new text, or the removed one
    old_text: str | None = None       # whole old clause, for "modified"
    evidence: str = ""                # the words that carried the label
    heading: str = ""
    times: int = 1                    # the same clause, same change, in several places


@dataclass(frozen=True)
class Alert:
    """One message owed to one subscription."""

    subscription: str
    kind: str                         # "change" | "untracked" | "tracked_again"
    document: str                     # Document.key
    title: str
    body: str
    items: tuple[AlertItem, ...] = ()
    url: str = ""
    version_date: datetime | None = None
