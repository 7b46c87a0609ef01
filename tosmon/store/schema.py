"""Opening a tosmon database: connection settings, migrations, time as text.

The schema lives in numbered SQL files (tosmon/migrations/NNNN_name.sql).
Each is applied in its own transaction and the file's PRAGMA user_version
records how many were applied, so an old database is brought forward on
open and a crash halfway through a migration leaves the previous schema.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import StoreError

APPLICATION_ID = 0x746F736D           # "tosm", set by migration 1
MEMORY = ":memory:"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The migrations shipped with this tosmon, in order; numbers must run 1, 2, 3..."""
    folder = MIGRATIONS
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    for expected, migration in enumerate(found, start=1):
        if migration.number != expected:
            raise StoreError(f"migrations are not numbered 1..n: expected {expected:04d}, "
                             f"found {migration.number:04d}_{migration.name}.sql")
    return found


def schema_version() -> int:
    return len(migrations())


def connect(path: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with WAL and foreign keys."""
    if path != MEMORY:
        target = Path(path)
        if target.is_dir():
            raise StoreError(f"{path} is a folder, not a database file; point --db at a file "
                             "such as storage/tosmon.db")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder of {path}: {error.strerror or error}; "
                             "create it or point --db somewhere writable") from error
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open {path}: {error}; check that its folder is writable, "
                         "or point --db at another file") from error
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        if path != MEMORY:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as error:
        conn.close()
        raise unusable(path, error) from error
    return conn


def unusable(path: str, error: sqlite3.Error) -> StoreError:
    """Turn SQLite's complaint about a file into what the user can do about it."""
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return StoreError(f"{path} is not a tosmon database (SQLite: {message}); point --db at "
                          "another file, or move this one away and tosmon will start a new one")
    if "locked" in message or "busy" in message:
        return StoreError(f"{path} is locked by another program (SQLite: {message}); "
                          "wait for it to finish and try again")
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        return StoreError(f"cannot write {path} (SQLite: {message}); make the file and its "
                          "folder writable, or point --db at another file")
    return StoreError(f"{path}: {message}")


def migrate(conn: sqlite3.Connection, path: str, upto: int | None = None) -> int:
    """Bring the schema up to `upto` (default: the newest); returns the version reached."""
    known = migrations()
    target = len(known) if upto is None else upto
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        foreign = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 5")]
    except sqlite3.DatabaseError as error:
        raise unusable(path, error) from error
    if app_id not in (0, APPLICATION_ID) or (current == 0 and foreign):
        raise StoreError(f"{path} is a SQLite database of another program "
                         f"(it has {', '.join(foreign) or 'no tosmon tables'}); "
                         "point --db at a tosmon database or a new file")
    if current > len(known):
        raise StoreError(f"{path} has schema version {current}, newer than this tosmon knows "
                         f"({len(known)}); upgrade tosmon, or point --db at another file")
    for migration in known[current:target]:
        script = (f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                  f"PRAGMA user_version = {migration.number};\nCOMMIT;")
        try:
            conn.executescript(script)
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError) and not _is_sql_bug(error):
                raise unusable(path, error) from error
            raise StoreError(f"{path}: migration {migration.number:04d}_{migration.name} failed "
                             f"({error}); the database stays at schema version "
                             f"{migration.number - 1}") from error
    return max(current, target)


def _is_sql_bug(error: sqlite3.OperationalError) -> bool:
    message = str(error)
    return any(word in message for word in ("syntax error", "no such", "already exists"))


# -- time ------------------------------------------------------------------

def to_text(when: datetime | None) -> str | None:
    """ISO 8601 UTC with microseconds, fixed width so text order is time order.

    A naive datetime is taken to be UTC already.
    """
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_text(text: str | None) -> datetime | None:
    if text is None:
        return None
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def now_text() -> str:
    return to_text(datetime.now(timezone.utc))
