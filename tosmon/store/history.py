"""The verbs that read history: changes, the flags in force, one clause's life.

They return plain dicts of JSON types (times as ISO 8601 UTC text), because
their readers print them as tables or as `--format json`.
"""

from __future__ import annotations

import json
from typing import Iterable

from .base import StoreBase

_LATEST = ("(SELECT l.id FROM versions l WHERE l.document_id = d.id "
           "ORDER BY l.fetched_at DESC, l.id DESC LIMIT 1)")
_FLAG = "SELECT f.version_id, f.clause_id, f.label, f.score, f.evidence, f.model FROM flags f "


class HistoryVerbs(StoreBase):

    def changes(self, key: str) -> list[dict]:
        """Each change: from/to version ids and dates, counts, items with labels and texts.

        Oldest first. The first version of a document is a change from
        nothing (from_version None) whose every clause counts as added; it
        lists no items. An item carries the flags of its new text (`flags`)
        and of its old text (`old_flags`), so a label that appeared or
        disappeared shows on the side it belongs to; `labels` and `evidence`
        ({label: words}) merge both sides, the new one first.
        """
        with self._reading() as conn:
            doc = conn.execute("SELECT id FROM documents WHERE key = ?", (key,)).fetchone()
            if doc is None:
                return []
            rows = conn.execute(
                "SELECT c.id, c.from_version, fv.fetched_at, c.to_version, tv.fetched_at,"
                " c.added, c.removed, c.modified, c.trivial "
                "FROM changes c JOIN versions tv ON tv.id = c.to_version "
                "LEFT JOIN versions fv ON fv.id = c.from_version "
                "WHERE c.document_id = ? ORDER BY tv.fetched_at, c.id", doc).fetchall()
            items = conn.execute(
                "SELECT i.change_id, i.kind, i.clause_id, i.heading, i.old_position,"
                " i.new_position, i.old_text, i.new_text, i.trivial, i.ops "
                "FROM change_items i JOIN changes c ON c.id = i.change_id "
                "WHERE c.document_id = ? ORDER BY i.id", doc).fetchall()
            flags = _flags_by_clause(conn.execute(
                _FLAG + "JOIN versions v ON v.id = f.version_id WHERE v.document_id = ? "
                "ORDER BY f.id", doc))
        changes = {}
        for (change_id, from_version, from_date, to_version, to_date,
             added, removed, modified, trivial) in rows:
            changes[change_id] = {
                "id": change_id, "document": key,
                "from_version": from_version, "from_date": from_date,
                "to_version": to_version, "to_date": to_date,
                "added": added, "removed": removed, "modified": modified, "trivial": trivial,
                "labels": [], "items": []}
        for (change_id, kind, clause_id, heading, old_position, new_position, old_text,
             new_text, trivial, ops) in items:
            change = changes[change_id]
            item = {
                "kind": kind, "clause_id": clause_id, "heading": heading,
                "old_position": old_position, "new_position": new_position,
                "old_text": old_text, "new_text": new_text, "trivial": bool(trivial),
                "ops": json.loads(ops),
                "flags": flags.get((change["to_version"], clause_id), [])
                if kind != "removed" else [],
                "old_flags": flags.get((change["from_version"], clause_id), [])
                if kind != "added" else [],
            }
            item["labels"], item["evidence"] = _labels_and_evidence(item)
            change["items"].append(item)
        for change in changes.values():
            change["labels"] = sorted({flag["label"] for item in change["items"]
                                       for flag in item["flags"] + item["old_flags"]})
        return list(changes.values())

    def current_flags(self, service: str) -> list[dict]:
        """Flagged clauses of each document's latest version, with the date each clause
        first appeared.

        One dict per flag (a clause with two labels gives two), for the
        watched documents of the service, by document name then position.
        `first_seen` is when the clause's identity appeared, `text_since`
        when its present wording did: a reworded clause is old, its words new.
        """
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT d.key, d.service, d.name, d.url, v.id, v.fetched_at, v.lang,"
                " t.clause_id, t.position, t.heading, t.text, f.label, f.score, f.evidence,"
                " f.model, first.fetched_at "
                f"FROM documents d JOIN versions v ON v.id = {_LATEST} "
                "JOIN flags f ON f.version_id = v.id "
                "JOIN clause_texts t ON t.version_id = v.id AND t.clause_id = f.clause_id "
                "JOIN clauses c ON c.id = f.clause_id "
                "JOIN versions first ON first.id = c.first_version "
                "WHERE d.service = ? AND d.watched = 1 ORDER BY d.name, t.position, f.id",
                (service,)).fetchall()
            since = {(r[4], r[7]): self._text_since(r[7], r[4]) for r in rows}
        names = ("document", "service", "name", "url", "version_id", "version_date", "lang",
                 "clause_id", "position", "heading", "text", "label", "score", "evidence",
                 "model", "first_seen")
        result = []
        for row in rows:
            flag = dict(zip(names, row))
            flag["text_since"] = since[(flag["version_id"], flag["clause_id"])]
            result.append(flag)
        return result

    def _text_since(self, clause_id: int, version_id: int) -> str | None:
        """When the clause's wording in `version_id` began, walking back through its versions."""
        since = None
        current = None
        for vid, text, fetched_at in self._conn.execute(
                "SELECT t.version_id, t.text, v.fetched_at FROM clause_texts t "
                "JOIN versions v ON v.id = t.version_id "
                "WHERE t.clause_id = ? AND t.version_id <= ? ORDER BY t.version_id DESC",
                (clause_id, version_id)):
            if current is None:
                current = text
            elif text != current:
                break
            since = fetched_at
        return since

    def clause_history(self, clause_id: int) -> dict | None:
        """One clause's life: when it appeared, each wording it had, its flags, when it went."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT c.id, d.key, c.first_version, first.fetched_at, c.last_version,"
                " last.fetched_at, c.removed_in, gone.fetched_at "
                "FROM clauses c JOIN documents d ON d.id = c.document_id "
                "JOIN versions first ON first.id = c.first_version "
                "LEFT JOIN versions last ON last.id = c.last_version "
                "LEFT JOIN versions gone ON gone.id = c.removed_in WHERE c.id = ?",
                (clause_id,)).fetchone()
            if row is None:
                return None
            texts = conn.execute(
                "SELECT t.version_id, v.fetched_at, t.heading, t.text FROM clause_texts t "
                "JOIN versions v ON v.id = t.version_id WHERE t.clause_id = ? "
                "ORDER BY v.fetched_at, t.version_id", (clause_id,)).fetchall()
            flags = _flags_by_clause(conn.execute(_FLAG + "WHERE f.clause_id = ? ORDER BY f.id",
                                                  (clause_id,)))
        wordings: list[dict] = []
        for version_id, fetched_at, heading, text in texts:
            if wordings and wordings[-1]["text"] == text:
                wordings[-1].update(to_version=version_id, to_date=fetched_at,
                                    flags=flags.get((version_id, clause_id), []))
                continue
            wordings.append({"text": text, "heading": heading,
                             "from_version": version_id, "from_date": fetched_at,
                             "to_version": version_id, "to_date": fetched_at,
                             "flags": flags.get((version_id, clause_id), [])})
        (_, key, first_version, first_seen, last_version, last_seen, removed_in, removed_at) = row
        return {"clause_id": clause_id, "document": key, "current": last_version is None,
                "first_version": first_version, "first_seen": first_seen,
                "last_version": last_version, "last_seen": last_seen,
                "removed_in": removed_in, "removed_at": removed_at, "wordings": wordings}


def _labels_and_evidence(item: dict) -> tuple[list[str], dict[str, str]]:
    """Both sides' labels, the new text's first; evidence from the side that has the label."""
    labels: list[str] = []
    evidence: dict[str, str] = {}
    for flag in item["flags"] + item["old_flags"]:
        if flag["label"] not in evidence:
            labels.append(flag["label"])
            evidence[flag["label"]] = flag["evidence"]
    return labels, evidence


def _flags_by_clause(rows: Iterable[tuple]) -> dict[tuple[int, int], list[dict]]:
    """(version id, clause id) -> [{label, score, evidence, model}], in the classifier's order."""
    grouped: dict[tuple[int, int], list[dict]] = {}
    for version_id, clause_id, label, score, evidence, model in rows:
        grouped.setdefault((version_id, clause_id), []).append(
            {"label": label, "score": score, "evidence": evidence, "model": model})
    return grouped
