"""The verbs that write: watchlist, checks, versions with their clauses, the outbox.

Each verb is one transaction. record_version is the one that matters: a new
version, its clauses (keeping each clause's identity across versions), their
flags, the change and the alerts it owes land together or not at all.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Sequence

from ..errors import StoreError
from ..models import Alert, Clause, ClauseChange, Prediction, Snapshot, Version, Watchlist
from .base import StoreBase
from .schema import now_text, to_text

_ITEM_KINDS = ("added", "removed", "modified")
_STATE = """UPDATE document_state
SET etag = {etag}, last_modified = {last_modified}, failures = 0,
    last_check = ?, last_outcome = ?, last_reason = NULL
WHERE document_id = {document}"""


class WritingVerbs(StoreBase):

    # -- watchlist ---------------------------------------------------------

    def sync_watchlist(self, watchlist: Watchlist) -> None:
        """Upsert services, documents and subscriptions; never deletes history.

        Documents and subscriptions missing from the watchlist are kept with
        watched/active = 0, so their history stays queryable.
        """
        now = now_text()
        with self._transaction() as conn:
            conn.execute("UPDATE documents SET watched = 0")
            conn.execute("UPDATE subscriptions SET active = 0")
            for service in watchlist.services:
                conn.execute(
                    "INSERT INTO services (id, name) VALUES (?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                    (service.id, service.name))
                for doc in service.documents:
                    sources = json.dumps([asdict(s) for s in doc.sources])
                    conn.execute(
                        "INSERT INTO documents (service, name, key, url, lang, interval, sources,"
                        " watched, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) "
                        "ON CONFLICT (key) DO UPDATE SET url = excluded.url, lang = excluded.lang,"
                        " interval = excluded.interval, sources = excluded.sources, watched = 1",
                        (doc.service, doc.name, doc.key, doc.url, doc.lang, doc.interval,
                         sources, now))
            conn.execute("INSERT OR IGNORE INTO document_state (document_id) "
                         "SELECT id FROM documents")
            for sub in watchlist.subscriptions:
                filters = json.dumps({"services": list(sub.services), "labels": list(sub.labels),
                                      "languages": list(sub.languages)})
                conn.execute(
                    "INSERT INTO subscriptions (name, filters, active, updated_at) "
                    "VALUES (?, ?, 1, ?) ON CONFLICT (name) DO UPDATE SET "
                    "filters = excluded.filters, active = 1, updated_at = excluded.updated_at",
                    (sub.name, filters, now))

    # -- checks ------------------------------------------------------------

    def record_unchanged(self, key: str, checked_at: datetime, snapshot: Snapshot | None) -> None:
        """A check whose text hashed to the latest version; keeps ETag/Last-Modified.

        Two statements and no snapshot bytes: this is what almost every check
        is. A 304 answer keeps the validators already stored unless it sent
        new ones; a full answer replaces them.
        """
        keep = snapshot is None or snapshot.not_modified
        validator = "COALESCE(?, {0})" if keep else "?"
        sql = _STATE.format(etag=validator.format("etag"),
                            last_modified=validator.format("last_modified"),
                            document="(SELECT id FROM documents WHERE key = ?)")
        etag = snapshot.etag if snapshot else None
        last_modified = snapshot.last_modified if snapshot else None
        when = to_text(checked_at)
        with self._transaction() as conn:
            updated = conn.execute(sql, (etag, last_modified, when, "unchanged", key)).rowcount
            if not updated:
                raise StoreError(f"{key}: no such document in {self.path}; "
                                 "an unchanged check needs a recorded version")
            conn.execute(
                "INSERT INTO checks (document_id, checked_at, outcome, status, url, via,"
                " snapshot, version_id) "
                "SELECT d.id, ?, 'unchanged', ?, ?, ?, "
                " (SELECT digest FROM snapshots WHERE digest = ?),"
                " (SELECT max(v.id) FROM versions v WHERE v.document_id = d.id) "
                "FROM documents d WHERE d.key = ?",
                (when, snapshot.status if snapshot else None, snapshot.url if snapshot else None,
                 snapshot.via if snapshot else None,
                 snapshot.digest if snapshot and snapshot.content else None, key))

    def record_failure(self, key: str, checked_at: datetime, reason: str, *, transient: bool,
                       bot_blocked: bool, status: int | None = None,
                       snapshot: Snapshot | None = None) -> int:
        """A failed check; returns the number of failed checks in a row.

        The bytes of a failed fetch are kept (when given), so a false alarm
        about a captcha or an empty page can be examined later.
        """
        when = to_text(checked_at)
        if status is None and snapshot is not None:
            status = snapshot.status
        with self._transaction() as conn:
            doc_id = self._document_id(key, create=True)
            digest = self._put_snapshot(snapshot, when)
            conn.execute("UPDATE document_state SET failures = failures + 1, last_check = ?,"
                         " last_outcome = 'failed', last_reason = ? WHERE document_id = ?",
                         (when, reason, doc_id))
            conn.execute(
                "INSERT INTO checks (document_id, checked_at, outcome, reason, transient,"
                " bot_blocked, status, url, via, snapshot) "
                "VALUES (?, ?, 'failed', ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, when, reason, int(transient), int(bot_blocked), status,
                 snapshot.url if snapshot else None, snapshot.via if snapshot else None, digest))
            return conn.execute("SELECT failures FROM document_state WHERE document_id = ?",
                                (doc_id,)).fetchone()[0]

    def _put_snapshot(self, snapshot: Snapshot | None, when: str) -> str | None:
        """Store raw bytes once per digest; compress only when they are new."""
        if snapshot is None or not snapshot.content:
            return None
        digest = snapshot.digest
        known = self._conn.execute("SELECT 1 FROM snapshots WHERE digest = ?", (digest,)).fetchone()
        if not known:
            self._conn.execute(
                "INSERT INTO snapshots (digest, size, compression, content, media_type, charset,"
                " first_seen) VALUES (?, ?, 'zlib', ?, ?, ?, ?)",
                (digest, len(snapshot.content), zlib.compress(snapshot.content, 3),
                 snapshot.media_type, snapshot.charset, when))
        return digest

    # -- versions ----------------------------------------------------------

    def record_version(self, key: str, snapshot: Snapshot, version: Version,
                       clauses: Sequence[Clause], predictions: Sequence[Prediction],
                       changes: Sequence[ClauseChange], alerts: Sequence[Alert],
                       model: str) -> int:
        """One transaction: snapshot, version, clauses (ids carried over by `changes`),
        flags, the change and its items, the alerts owed. Returns the version id.

        `changes` is the diff from the latest stored version, whose clauses are
        matched by position: an unchanged or modified clause keeps its old
        identity, an added one gets a new identity, and an old identity no new
        clause inherits ends at the previous version. If the latest version
        already has this text, nothing is written and its id is returned, so
        a run that resumes after an interruption records nothing twice.
        """
        if version.document != key:
            raise ValueError(f"version of {version.document!r} recorded under {key!r}")
        if len(predictions) != len(clauses):
            raise ValueError(f"{len(predictions)} predictions for {len(clauses)} clauses")
        when = to_text(version.fetched_at)
        with self._transaction() as conn:
            doc_id = self._document_id(key, create=True)
            previous = conn.execute(
                "SELECT id, digest, fetched_at FROM versions WHERE document_id = ? "
                "ORDER BY fetched_at DESC, id DESC LIMIT 1", (doc_id,)).fetchone()
            if previous and previous[1] == version.digest:
                return previous[0]
            if previous and when < previous[2]:
                raise StoreError(f"{key}: version fetched at {when} is older than the latest "
                                 f"stored version ({previous[2]}); record versions in order")
            prev_id = previous[0] if previous else None
            digest = self._put_snapshot(snapshot, when)
            version_id = conn.execute(
                "INSERT INTO versions (document_id, fetched_at, digest, text, chars, lang,"
                " snapshot, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, when, version.digest, version.text, len(version.text), version.lang,
                 digest, model)).lastrowid
            old_ids = dict(conn.execute(
                "SELECT position, clause_id FROM clause_texts WHERE version_id = ?", (prev_id,)))
            step = _Step(doc_id, prev_id, version_id, old_ids)
            ids, added, removed = self._carry_identities(step, clauses, changes)
            conn.executemany(
                "INSERT INTO clause_texts (version_id, position, clause_id, heading, text) "
                "VALUES (?, ?, ?, ?, ?)",
                [(version_id, c.position, cid, c.heading, c.text) for c, cid in zip(clauses, ids)])
            conn.executemany(
                "INSERT INTO flags (version_id, clause_id, label, score, evidence, model) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [row for cid, p in zip(ids, predictions) if p.labels
                 for row in _flag_rows(version_id, cid, p, model)])
            new_ids = {c.position: cid for c, cid in zip(clauses, ids)}
            change_id = self._insert_change(step, changes, new_ids, added, removed)
            conn.execute(
                "INSERT INTO checks (document_id, checked_at, outcome, status, url, via, snapshot,"
                " version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, when, "changed" if prev_id else "first", snapshot.status, snapshot.url,
                 snapshot.via, digest, version_id))
            conn.execute(_STATE.format(etag="?", last_modified="?", document="?"),
                         (snapshot.etag, snapshot.last_modified, when,
                          "changed" if prev_id else "first", doc_id))
            self._insert_alerts(alerts, f"change:{change_id}", change_id)
            return version_id

    def _carry_identities(self, step: "_Step", clauses: Sequence[Clause],
                          changes: Sequence[ClauseChange]) -> tuple[list[int], int, int]:
        """Clause ids for the new version; returns (ids, how many new, how many ended).

        A clause id is inherited at most once: should a diff match two new
        clauses to one old clause, the second starts a new identity.
        """
        conn, old_ids = self._conn, step.old_ids
        inherits: dict[int, int] = {}
        for change in changes:
            if change.kind in ("unchanged", "modified") and change.old and change.new:
                old = old_ids.get(change.old.position)
                if old is not None:
                    inherits[change.new.position] = old
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM clauses").fetchone()[0]
        ids: list[int] = []
        used: set[int] = set()
        fresh: list[tuple[int, int, int]] = []
        for clause in clauses:
            cid = inherits.get(clause.position)
            if cid is None or cid in used:
                cid, next_id = next_id, next_id + 1
                fresh.append((cid, step.document_id, step.version_id))
            used.add(cid)
            ids.append(cid)
        gone = [(step.previous, step.version_id, cid)
                for cid in old_ids.values() if cid not in used]
        conn.executemany("INSERT INTO clauses (id, document_id, first_version) VALUES (?, ?, ?)",
                         fresh)
        conn.executemany("UPDATE clauses SET last_version = ?, removed_in = ? WHERE id = ?", gone)
        return ids, len(fresh), len(gone)

    def _insert_change(self, step: "_Step", changes: Sequence[ClauseChange],
                       new_ids: dict[int, int], added: int, removed: int) -> int:
        """The change row and an item per added, removed or modified clause.

        The added/removed counts come from the identities, so they agree with
        the clauses table even when `changes` leaves a clause out.
        """
        conn = self._conn
        items = []
        for change in changes:
            if change.kind == "unchanged":
                continue
            if change.kind not in _ITEM_KINDS:
                raise ValueError(f"unknown change kind {change.kind!r}")
            side = change.new if change.kind != "removed" else change.old
            if side is None:
                raise ValueError(f"a {change.kind} change without its clause")
            cid = (step.old_ids if change.kind == "removed" else new_ids).get(side.position)
            if cid is None:
                continue
            items.append((change.kind, cid,
                          change.old.position if change.old else None,
                          change.new.position if change.new else None,
                          side.heading,
                          change.old.text if change.old else None,
                          change.new.text if change.new else None,
                          int(change.trivial),
                          json.dumps([list(op) for op in change.ops], ensure_ascii=False)))
        modified = sum(1 for item in items if item[0] == "modified")
        trivial = sum(1 for item in items if item[0] == "modified" and item[7])
        change_id = conn.execute(
            "INSERT INTO changes (document_id, from_version, to_version, added, removed,"
            " modified, trivial) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (step.document_id, step.previous, step.version_id, added, removed, modified,
             trivial)).lastrowid
        conn.executemany(
            "INSERT INTO change_items (change_id, kind, clause_id, old_position, new_position,"
            " heading, old_text, new_text, trivial, ops) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(change_id, *item) for item in items])
        return change_id

    # -- outbox ------------------------------------------------------------

    def enqueue(self, alerts: Sequence[Alert], dedupe: str) -> int:
        """Owe alerts not tied to a version (untracked / tracked again); same dedupe key = once.

        Returns how many were new.
        """
        with self._transaction():
            return self._insert_alerts(alerts, dedupe, None)

    def _insert_alerts(self, alerts: Sequence[Alert], dedupe: str, change_id: int | None) -> int:
        now = now_text()
        added = 0
        for alert in alerts:
            doc_id = self._document_id(alert.document, create=True)
            items = json.dumps([asdict(item) for item in alert.items], ensure_ascii=False)
            added += self._conn.execute(
                "INSERT OR IGNORE INTO alerts (subscription, kind, document_id, change_id, dedupe,"
                " title, body, items, url, version_date, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (alert.subscription, alert.kind, doc_id, change_id,
                 f"{dedupe}:{alert.subscription}", alert.title, alert.body, items, alert.url,
                 to_text(alert.version_date), now)).rowcount
        return added

    def mark_delivered(self, alert_id: int, at: datetime) -> None:
        """Delivered once and for all; marking it again changes nothing."""
        when = to_text(at)
        with self._transaction() as conn:
            updated = conn.execute(
                "UPDATE alerts SET delivered_at = ?, last_attempt = ?, attempts = attempts + 1 "
                "WHERE id = ? AND delivered_at IS NULL", (when, when, alert_id)).rowcount
            if not updated:
                self._must_exist(alert_id)

    def mark_parts_sent(self, alert_id: int, parts: int) -> None:
        """Remember that a channel took the first `parts` parts of a split alert."""
        with self._transaction() as conn:
            updated = conn.execute(
                "UPDATE alerts SET parts_sent = MAX(parts_sent, ?) WHERE id = ? AND delivered_at IS NULL",
                (parts, alert_id)).rowcount
            if not updated:
                self._must_exist(alert_id)

    def mark_failed(self, alert_id: int, error: str) -> None:
        """Count a failed attempt; the alert stays owed and is retried."""
        with self._transaction() as conn:
            updated = conn.execute(
                "UPDATE alerts SET attempts = attempts + 1, last_error = ?, last_attempt = ? "
                "WHERE id = ? AND delivered_at IS NULL", (error, now_text(), alert_id)).rowcount
            if not updated:
                self._must_exist(alert_id)

    def _must_exist(self, alert_id: int) -> None:
        if not self._conn.execute("SELECT 1 FROM alerts WHERE id = ?", (alert_id,)).fetchone():
            raise StoreError(f"no alert {alert_id} in the outbox of {self.path}")

    # -- tracking and schedule ---------------------------------------------

    def set_tracked(self, key: str, tracked: bool) -> None:
        with self._transaction():
            self._set_tracked(key, tracked)

    def untrack(self, key: str, alerts: Sequence[Alert], dedupe: str) -> int:
        """Mark a document no longer tracked and owe its alerts, together or not at all.

        Returns how many alerts were new.
        """
        with self._transaction():
            self._set_tracked(key, False)
            return self._insert_alerts(alerts, dedupe, None)

    def retrack(self, key: str, alerts: Sequence[Alert], dedupe: str) -> int:
        """Mark a document tracked again and owe its alerts, together or not at all."""
        with self._transaction():
            self._set_tracked(key, True)
            return self._insert_alerts(alerts, dedupe, None)

    def _set_tracked(self, key: str, tracked: bool) -> None:
        doc_id = self._document_id(key, create=True)
        self._conn.execute("UPDATE document_state SET tracked = ? WHERE document_id = ?",
                           (int(tracked), doc_id))

    def set_next_due(self, key: str, when: datetime) -> None:
        with self._transaction() as conn:
            doc_id = self._document_id(key, create=True)
            conn.execute("UPDATE document_state SET next_due = ? WHERE document_id = ?",
                         (to_text(when), doc_id))


@dataclass(frozen=True)
class _Step:
    """The move from one version of a document to the next."""

    document_id: int
    previous: int | None
    version_id: int
    old_ids: dict[int, int]           # position in the previous version -> clause id


def _flag_rows(version_id: int, clause_id: int, prediction: Prediction, model: str):
    """One row per label the classifier gave the clause; scores must be numbers."""
    for label in prediction.labels:
        score = prediction.scores.get(label)
        yield (version_id, clause_id, label, None if score is None else float(score),
               str(prediction.evidence.get(label, "")), prediction.model or model)
