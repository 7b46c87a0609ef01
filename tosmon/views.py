"""Read-side views built from stored versions, for the CLI and the web page."""

from __future__ import annotations

from datetime import datetime

from .diff import diff
from .errors import StoreError
from .store import Store


def diff_between(store: Store, key: str, since: datetime | None, until: datetime | None) -> dict:
    """Clause-aligned changes between the versions in force at two dates.

    Without dates: the latest version against the one before it.
    """
    versions = store.versions(key)
    if not versions:
        raise StoreError(f"no version of {key} recorded yet")
    new = store.version_at(key, until) if until else versions[-1]
    if since:
        old = store.version_at(key, since)
        if old is None:
            raise StoreError(f"no version of {key} in force at {since:%Y-%m-%d}; the first is from "
                             f"{versions[0].fetched_at:%Y-%m-%d}")
    else:
        earlier = [v for v in versions if new and v.fetched_at < new.fetched_at]
        old = earlier[-1] if earlier else None
    if new is None:
        raise StoreError(f"no version of {key} in force at {until:%Y-%m-%d}; the first is from "
                         f"{versions[0].fetched_at:%Y-%m-%d}")
    if old is None:
        old = new
    labels_old = {c.clause.position: c.prediction for c in old.clauses}
    labels_new = {c.clause.position: c.prediction for c in new.clauses}
    items = []
    for change in diff([c.clause for c in old.clauses], [c.clause for c in new.clauses]):
        if change.kind == "unchanged":
            continue
        before = labels_old.get(change.old.position) if change.old else None
        after = labels_new.get(change.new.position) if change.new else None
        items.append({
            "kind": change.kind,
            "trivial": change.trivial,
            "heading": (change.new or change.old).heading,
            "old": change.old.text if change.old else None,
            "new": change.new.text if change.new else None,
            "ops": [list(op) for op in change.ops],
            "labels": sorted(set(before.labels if before else ()) | set(after.labels if after else ())),
        })
    return {"document": key, "from": old.fetched_at.isoformat(), "to": new.fetched_at.isoformat(),
            "items": items}
