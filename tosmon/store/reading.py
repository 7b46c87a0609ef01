"""The verbs that read documents' state, versions, checks, raw bytes and the outbox."""

from __future__ import annotations

import json
import zlib
from datetime import datetime

from ..models import Alert, AlertItem, Clause, Prediction
from .base import StoreBase
from .schema import from_text, to_text
from .types import DocumentState, OutboxAlert, StoredClause, StoredVersion

_LATEST = ("(SELECT l.id FROM versions l WHERE l.document_id = d.id "
           "ORDER BY l.fetched_at DESC, l.id DESC LIMIT 1)")
_STATE = f"""
SELECT d.key, s.etag, s.last_modified, v.digest, coalesce(v.chars, 0),
       (SELECT count(*) FROM versions c WHERE c.document_id = d.id),
       s.failures, s.tracked, s.next_due, s.last_check, s.last_outcome, s.last_reason,
       v.fetched_at, d.service, d.name, d.url
FROM documents d
JOIN document_state s ON s.document_id = d.id
LEFT JOIN versions v ON v.id = {_LATEST}
"""
_VERSION = ("SELECT v.id, d.key, v.fetched_at, v.digest, v.text, v.lang, v.snapshot, v.model "
            "FROM versions v JOIN documents d ON d.id = v.document_id ")
_ALERT = ("SELECT a.id, a.subscription, a.kind, d.key, a.title, a.body, a.items, a.url,"
          " a.version_date, a.attempts, a.last_error, a.created_at, a.change_id, a.dedupe,"
          " a.last_attempt, a.delivered_at, a.parts_sent "
          "FROM alerts a JOIN documents d ON d.id = a.document_id ")


class ReadingVerbs(StoreBase):

    # -- documents -----------------------------------------------------------

    def document_state(self, key: str) -> DocumentState:
        """What the tracker needs before a check; zeros for a document never checked."""
        with self._reading() as conn:
            row = conn.execute(_STATE + "WHERE d.key = ?", (key,)).fetchone()
        if row is None:
            service, _, name = key.partition("/")
            return DocumentState(key, None, None, None, 0, 0, 0, True, None, None, None, None,
                                 None, service=service, name=name)
        return _state(row)

    def status(self) -> list[DocumentState]:
        """Every watched document, by key."""
        with self._reading() as conn:
            rows = conn.execute(_STATE + "WHERE d.watched = 1 ORDER BY d.key").fetchall()
        return [_state(row) for row in rows]

    def due_times(self) -> dict[str, datetime | None]:
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT d.key, s.next_due FROM documents d JOIN document_state s"
                " ON s.document_id = d.id WHERE d.watched = 1 ORDER BY d.key").fetchall()
        return {key: from_text(due) for key, due in rows}

    # -- versions ------------------------------------------------------------

    def latest_version(self, key: str) -> StoredVersion | None:
        return self.version_at(key, None)

    def version_at(self, key: str, when: datetime | None) -> StoredVersion | None:
        """The version in force at `when` (latest if None); None before the first."""
        sql, args = _VERSION + "WHERE d.key = ? ", [key]
        if when is not None:
            sql, args = sql + "AND v.fetched_at <= ? ", [key, to_text(when)]
        with self._reading():
            row = self._conn.execute(sql + "ORDER BY v.fetched_at DESC, v.id DESC LIMIT 1",
                                     args).fetchone()
            if row is None:
                return None
            clauses = self._stored_clauses("SELECT ?", (row[0],))
        return _version(row, clauses.get(row[0], ()))

    def versions(self, key: str, *, with_clauses: bool = True) -> list[StoredVersion]:
        """Every version of a document, oldest first; without clauses when only listing."""
        with self._reading():
            rows = self._conn.execute(
                _VERSION + "WHERE d.key = ? ORDER BY v.fetched_at, v.id", (key,)).fetchall()
            clauses = {}
            if with_clauses and rows:
                clauses = self._stored_clauses(
                    "SELECT id FROM versions WHERE document_id ="
                    " (SELECT id FROM documents WHERE key = ?)", (key,))
        return [_version(row, clauses.get(row[0], ())) for row in rows]

    def _stored_clauses(self, version_ids: str, args: tuple
                        ) -> dict[int, tuple[StoredClause, ...]]:
        """Clauses with their flags, grouped by version; `version_ids` is a SELECT of ids."""
        flags: dict[tuple[int, int], list[tuple]] = {}
        for version_id, clause_id, label, score, evidence, model in self._conn.execute(
                "SELECT f.version_id, f.clause_id, f.label, f.score, f.evidence, f.model "
                f"FROM flags f WHERE f.version_id IN ({version_ids}) ORDER BY f.id",
                args):
            flags.setdefault((version_id, clause_id), []).append((label, score, evidence, model))
        grouped: dict[int, list[StoredClause]] = {}
        unflagged: dict[str, Prediction] = {}
        for version_id, position, clause_id, heading, text, model in self._conn.execute(
                "SELECT t.version_id, t.position, t.clause_id, t.heading, t.text, v.model "
                "FROM clause_texts t JOIN versions v ON v.id = t.version_id "
                f"WHERE t.version_id IN ({version_ids}) "
                "ORDER BY t.version_id, t.position", args):
            found = flags.get((version_id, clause_id))
            if found:
                prediction = _prediction(found)
            else:                     # judged by the version's model and given no label
                prediction = unflagged.get(model)
                if prediction is None:
                    prediction = unflagged[model] = Prediction(labels=(), model=model)
            grouped.setdefault(version_id, []).append(StoredClause(
                clause_id, Clause(position, heading, text), prediction))
        return {version_id: tuple(items) for version_id, items in grouped.items()}

    # -- checks and raw bytes --------------------------------------------------

    def checks(self, key: str, limit: int = 50) -> list[dict]:
        """The latest `limit` checks of a document, oldest first: why did it fail, and when."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT c.id, c.checked_at, c.outcome, c.reason, c.transient, c.bot_blocked,"
                " c.status, c.url, c.via, c.snapshot, c.version_id "
                "FROM checks c JOIN documents d ON d.id = c.document_id WHERE d.key = ? "
                "ORDER BY c.checked_at DESC, c.id DESC LIMIT ?", (key, limit)).fetchall()
        names = ("id", "checked_at", "outcome", "reason", "transient", "bot_blocked", "status",
                 "url", "via", "snapshot", "version_id")
        result = []
        for row in reversed(rows):
            check = dict(zip(names, row))
            for flag in ("transient", "bot_blocked"):
                check[flag] = None if check[flag] is None else bool(check[flag])
            result.append(check)
        return result

    def snapshot(self, digest: str) -> bytes | None:
        """The raw bytes stored under a digest, e.g. to re-extract an old version."""
        with self._reading() as conn:
            row = conn.execute("SELECT compression, content FROM snapshots WHERE digest = ?",
                               (digest,)).fetchone()
        if row is None:
            return None
        return zlib.decompress(row[1]) if row[0] == "zlib" else bytes(row[1])

    # -- outbox --------------------------------------------------------------

    def owed_alerts(self) -> list[OutboxAlert]:
        """Alerts not yet delivered, oldest first."""
        with self._reading() as conn:
            rows = conn.execute(_ALERT + "WHERE a.delivered_at IS NULL ORDER BY a.id").fetchall()
        return [_outbox(row) for row in rows]

    def delivered_alerts(self, limit: int | None = None) -> list[OutboxAlert]:
        """Alerts delivered, oldest first (the latest `limit` if given)."""
        with self._reading() as conn:
            rows = conn.execute(
                _ALERT + "WHERE a.delivered_at IS NOT NULL "
                "ORDER BY a.delivered_at DESC, a.id DESC LIMIT ?",
                (-1 if limit is None else limit,)).fetchall()
        return [_outbox(row) for row in reversed(rows)]


def _state(row: tuple) -> DocumentState:
    (key, etag, last_modified, digest, length, versions, failures, tracked, next_due,
     last_check, outcome, reason, last_change, service, name, url) = row
    return DocumentState(key, etag, last_modified, digest, length, versions, failures,
                         bool(tracked), from_text(next_due), from_text(last_check), outcome,
                         reason, from_text(last_change), service=service, name=name, url=url)


def _version(row: tuple, clauses: tuple[StoredClause, ...]) -> StoredVersion:
    version_id, key, fetched_at, digest, text, lang, snapshot, model = row
    return StoredVersion(version_id, key, from_text(fetched_at), digest, text, lang, clauses,
                         snapshot=snapshot, model=model)


def _prediction(flags: list[tuple]) -> Prediction:
    return Prediction(labels=tuple(f[0] for f in flags),
                      scores={f[0]: f[1] for f in flags if f[1] is not None},
                      evidence={f[0]: f[2] for f in flags if f[2]},
                      model=flags[0][3])


def _outbox(row: tuple) -> OutboxAlert:
    (alert_id, subscription, kind, key, title, body, items, url, version_date, attempts,
     last_error, created_at, change_id, dedupe, last_attempt, delivered_at, parts_sent) = row
    alert = Alert(subscription=subscription, kind=kind, document=key, title=title, body=body,
                  items=tuple(AlertItem(**item) for item in json.loads(items)), url=url,
                  version_date=from_text(version_date))
    return OutboxAlert(alert_id, alert, attempts, last_error, from_text(created_at),
                       change_id=change_id, dedupe=dedupe, last_attempt=from_text(last_attempt),
                       delivered_at=from_text(delivered_at), parts_sent=parts_sent)
