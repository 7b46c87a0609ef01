"""What the store hands back: plain frozen values, never rows or cursors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Alert, Clause, Prediction


@dataclass(frozen=True)
class DocumentState:
    key: str                          # Document.key
    etag: str | None
    last_modified: str | None
    last_digest: str | None           # digest of the latest version's text
    last_length: int                  # length of the latest version's text, 0 if none
    versions: int
    failures: int                     # failed checks in a row
    tracked: bool                     # False once a "no longer tracked" alert was owed
    next_due: datetime | None
    last_check: datetime | None
    last_outcome: str | None          # "first" | "changed" | "unchanged" | "failed"
    last_reason: str | None
    last_change: datetime | None      # when the latest version was fetched
    service: str = ""
    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class StoredClause:
    clause_id: int                    # stable identity across versions
    clause: Clause
    prediction: Prediction


@dataclass(frozen=True)
class StoredVersion:
    id: int
    document: str
    fetched_at: datetime
    digest: str
    text: str
    lang: str
    clauses: tuple[StoredClause, ...]
    snapshot: str | None = None       # digest of the raw bytes it was extracted from
    model: str = ""                   # classifier that flagged its clauses


@dataclass(frozen=True)
class OutboxAlert:
    id: int
    alert: Alert
    attempts: int
    last_error: str | None
    created_at: datetime
    change_id: int | None = None
    dedupe: str = ""
    last_attempt: datetime | None = None
    delivered_at: datetime | None = None
    parts_sent: int = 0             # parts of a split alert already accepted
