"""The Store: one SQLite file holding every check, version, clause, flag and alert."""

from __future__ import annotations

import os
import sqlite3

from .history import HistoryVerbs
from .reading import ReadingVerbs
from .schema import connect, migrate
from .writing import WritingVerbs


class Store(WritingVerbs, ReadingVerbs, HistoryVerbs):
    """Verbs over one database file; usable as a context manager.

    Threads may share a Store (its verbs take turns); other processes may
    read the same file while one writes (WAL).
    """

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Store":
        """Open (creating folders and schema, applying migrations) a SQLite file; ':memory:' works.

        Raises StoreError, naming the file and what to do, when it is not a
        tosmon database, has a newer schema than this code, or cannot be
        created or written.
        """
        path = os.fspath(path)
        conn = connect(path)
        try:
            migrate(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        try:
            self._conn.close()
        except sqlite3.ProgrammingError:
            pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
