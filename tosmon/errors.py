"""Errors raised by tosmon, one branch per stage.

TosmonError
├── WatchlistError      bad watchlist.yaml: file, line, field, what to do
├── FetchError          .transient (worth retrying), .bot_blocked (anti-bot page)
├── ExtractError        the page is not the terms we expected
├── ClassifyError       the classifier could not be loaded or fed
├── StoreError          the database is unusable
└── NotifyError         a notification target is unusable

Stages raise these; only the CLI and web boundaries turn them into messages.
A failed fetch or extraction becomes a failed check of one document and never
stops the run of the others.
"""

from __future__ import annotations


class TosmonError(Exception):
    """Base of every error tosmon raises on purpose."""


class WatchlistError(TosmonError):
    def __init__(self, message: str, *, path: str | None = None,
                 line: int | None = None, field: str | None = None):
        self.path, self.line, self.field, self.reason = path, line, field, message
        where = ":".join(str(p) for p in (path, line) if p is not None)
        prefix = f"{where}: " if where else ""
        at = f"{field}: " if field else ""
        super().__init__(f"{prefix}{at}{message}")


class FetchError(TosmonError):
    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 transient: bool = False, bot_blocked: bool = False):
        self.url, self.status = url, status
        self.transient, self.bot_blocked = transient, bot_blocked
        super().__init__(message)


class ExtractError(TosmonError):
    """The fetched page does not hold the terms: selector missing, empty, collapsed."""


class ClassifyError(TosmonError):
    pass


class StoreError(TosmonError):
    pass


class NotifyError(TosmonError):
    pass
