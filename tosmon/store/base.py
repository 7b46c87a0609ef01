"""The connection a Store wraps, its transactions, and finding a document's row."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator

from .schema import now_text, unusable


class StoreBase:
    """Holds the connection; verbs live in the writing and reading mixins.

    Every verb runs inside _transaction or _reading, which hold a lock, so a
    Store may be shared by threads (a scheduler's workers): their verbs take
    turns on the one connection.
    """

    def __init__(self, conn: sqlite3.Connection, path: str):
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; anything raised inside undoes all of it.

        BEGIN IMMEDIATE takes the write lock up front, so a second writer
        waits (busy_timeout) instead of failing halfway through.
        """
        conn = self._conn
        with self._lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise unusable(self.path, error) from error
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.OperationalError):
                    raise unusable(self.path, error) from error
                raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so a verb's several SELECTs see one state of the file."""
        conn = self._conn
        with self._lock:
            if conn.in_transaction:
                yield conn
                return
            try:
                conn.execute("BEGIN")
            except sqlite3.OperationalError as error:
                raise unusable(self.path, error) from error
            try:
                yield conn
            except sqlite3.OperationalError as error:
                raise unusable(self.path, error) from error
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def _document_id(self, key: str, *, create: bool = False) -> int | None:
        """The row of a document, made on first sight when the watchlist was never synced."""
        row = self._conn.execute("SELECT id FROM documents WHERE key = ?", (key,)).fetchone()
        if row or not create:
            return row[0] if row else None
        service, _, name = key.partition("/")
        self._conn.execute("INSERT OR IGNORE INTO services (id, name) VALUES (?, ?)",
                           (service, service))
        doc_id = self._conn.execute(
            "INSERT INTO documents (service, name, key, added_at) VALUES (?, ?, ?, ?)",
            (service, name, key, now_text())).lastrowid
        self._conn.execute("INSERT INTO document_state (document_id) VALUES (?)", (doc_id,))
        return doc_id
