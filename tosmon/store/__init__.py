"""The storage layer: every SQL statement of tosmon lives here (and in migrations/).

Other modules call verbs on a Store; they never see a cursor. Each verb that
writes is one transaction, so an interrupted run leaves the database as it
was before the document it was recording.

    store = Store.open("storage/tosmon.db")
    state = store.document_state("soundcloud/Terms of Use")
    ...
    store.record_version(key, snapshot, version, clauses, predictions, changes, alerts, model)

docs/schema.md describes the tables for people who query the file directly.
"""

from .core import Store
from .types import DocumentState, OutboxAlert, StoredClause, StoredVersion

__all__ = ["Store", "DocumentState", "StoredClause", "StoredVersion", "OutboxAlert"]
