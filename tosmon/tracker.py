"""One check of many documents: fetch, prepare, analyse, record, owe alerts.

This is where the stages meet the world. Fetching is asynchronous with a
per-host limit; the CPU stages run in worker processes; every write goes
through the store, one transaction per document, so an interrupted run
resumes where it stopped and never leaves half a version behind.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
import multiprocessing
from typing import Callable, Sequence
from urllib.parse import urlsplit

from . import alerts as alerting
from .errors import ExtractError, FetchError, StoreError
from .extract import implausible
from .fetch import Fetcher
from .models import Document, Snapshot, Version, Watchlist
from .pipeline import Analysis, Prepared, analyse_packed, pack_previous, prepare
from .store import DocumentState, Store

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Outcome:
    """What one check of one document came to."""

    document: str
    result: str                  # "first" | "changed" | "unchanged" | "failed"
    reason: str | None = None
    transient: bool = False
    bot_blocked: bool = False
    version_id: int | None = None
    alerts: int = 0


@dataclass(frozen=True)
class CheckReport:
    outcomes: tuple[Outcome, ...]

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.result == "failed")

    def summary(self) -> dict[str, int]:
        changed = self.count("changed") + self.count("first")
        return {"checked": len(self.outcomes), "unchanged": self.count("unchanged"),
                "changed": changed, "failed": self.count("failed")}


class Workers:
    """Where CPU-bound stages run: processes when there are cores to use."""

    def __init__(self, count: int, documents: int):
        count = count or (os.cpu_count() or 1)
        self._executor: Executor
        if count > 1 and documents > 2:
            self._executor = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
        else:
            self._executor = ThreadPoolExecutor(1)

    async def run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _by_host_in_turn(documents: Sequence[Document]) -> list[int]:
    """Indices of documents, one per host in turn.

    The fetcher lets one request at a time through to each host. Documents
    of one host listed together (as a watchlist groups a service's) would
    take every check slot and wait there for their host, leaving the other
    hosts idle.
    """
    queues: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        queues.setdefault(urlsplit(document.url).netloc.lower(), []).append(index)
    rounds = itertools.zip_longest(*queues.values())
    return [index for round_ in rounds for index in round_ if index is not None]


class Tracker:
    """Checks documents of a watchlist against what the store remembers."""

    def __init__(self, watchlist: Watchlist, store: Store, settings, *,
                 clock: Clock = utcnow, fetcher: Fetcher | None = None):
        self.watchlist, self.store, self.settings = watchlist, store, settings
        self.clock = clock
        self._fetcher = fetcher

    async def check(self, documents: Sequence[Document],
                    on_done: Callable[[Outcome], None] | None = None) -> CheckReport:
        self.store.sync_watchlist(self.watchlist)
        workers = Workers(self.settings.workers, len(documents))
        limit = asyncio.Semaphore(max(1, self.settings.concurrency))
        own_fetcher = self._fetcher is None
        fetcher = self._fetcher or Fetcher(self.settings)
        try:
            if own_fetcher:
                await fetcher.__aenter__()

            async def one(document: Document) -> Outcome:
                async with limit:
                    try:
                        outcome = await self._check_one(document, fetcher, workers)
                    except StoreError as error:
                        # The store refused this document's record (a version older
                        # than the stored one, a lock that outlived the timeout): the
                        # others still get theirs, and the next run tries it again.
                        outcome = Outcome(document.key, "failed", reason=f"not recorded: {error}")
                if on_done:
                    on_done(outcome)
                return outcome

            # Tasks take check slots in the order they start: hosts take turns.
            tasks = {i: asyncio.ensure_future(one(documents[i])) for i in _by_host_in_turn(documents)}
            outcomes = await asyncio.gather(*(tasks[i] for i in range(len(documents))))
        finally:
            if own_fetcher:
                await fetcher.__aexit__(None, None, None)
            workers.close()
        return CheckReport(tuple(outcomes))

    async def _check_one(self, document: Document, fetcher: Fetcher, workers: Workers) -> Outcome:
        key = document.key
        state = self.store.document_state(key)
        conditional = len(document.sources) == 1 and state.versions > 0
        try:
            snapshots = [await fetcher.fetch(source,
                                             etag=state.etag if conditional else None,
                                             last_modified=state.last_modified if conditional else None)
                         for source in document.sources]
        except FetchError as error:
            return self._failed(document, state, str(error), transient=error.transient,
                                bot_blocked=error.bot_blocked, status=error.status)
        checked_at = self.clock()
        if all(s.not_modified for s in snapshots):
            self.store.record_unchanged(key, checked_at, snapshots[0])
            return self._recovered(document, state, Outcome(key, "unchanged"))
        try:
            prepared: Prepared = await workers.run(
                prepare, list(zip(snapshots, document.sources)), document.lang, state.last_digest)
        except ExtractError as error:
            return self._failed(document, state, str(error), snapshot=snapshots[0])
        if prepared.digest == state.last_digest:
            self.store.record_unchanged(key, checked_at, snapshots[0])
            return self._recovered(document, state, Outcome(key, "unchanged"))
        reason = implausible(prepared.text, state.last_length,
                             min_chars=self.settings.min_chars, min_ratio=self.settings.min_ratio)
        if reason:
            return self._failed(document, state, reason, snapshot=snapshots[0])
        return await self._record(document, state, snapshots[0], prepared, checked_at, workers)

    async def _record(self, document: Document, state: DocumentState, snapshot: Snapshot,
                      prepared: Prepared, checked_at: datetime, workers: Workers) -> Outcome:
        previous = self.store.latest_version(document.key)
        before = tuple((c.clause, c.prediction) for c in previous.clauses) if previous else ()
        previous_model = previous.clauses[0].prediction.model if previous and previous.clauses else ""
        packed = await workers.run(analyse_packed, prepared.text, prepared.lang,
                                   pack_previous(before), previous_model)
        analysis: Analysis = packed.unpack(before)
        version = Version(document=document.key, fetched_at=checked_at,
                          text=prepared.text, lang=prepared.lang)
        owed = []
        if previous is not None:
            owed = alerting.owed(
                document, checked_at, snapshot.url or document.url, analysis.changes,
                {c.clause.position: c.prediction for c in previous.clauses},
                dict(enumerate(analysis.predictions)),
                self.watchlist.subscriptions, prepared.lang)
        version_id = self.store.record_version(
            document.key, snapshot, version, analysis.clauses, analysis.predictions,
            analysis.changes, owed, analysis.model)
        outcome = Outcome(document.key, "changed" if previous else "first",
                          version_id=version_id, alerts=len(owed))
        return self._recovered(document, state, outcome)

    def _failed(self, document: Document, state: DocumentState, reason: str, *,
                transient: bool = False, bot_blocked: bool = False, status: int | None = None,
                snapshot: Snapshot | None = None) -> Outcome:
        failures = self.store.record_failure(document.key, self.clock(), reason, transient=transient,
                                             bot_blocked=bot_blocked, status=status, snapshot=snapshot)
        if state.tracked and failures >= self.settings.untracked_after:
            owed = alerting.untracked(document, self.watchlist.subscriptions, failures, reason,
                                      document.url)
            self.store.untrack(document.key, owed, dedupe=f"untracked:{document.key}:{failures}:"
                               f"{state.last_check.isoformat() if state.last_check else ''}")
        return Outcome(document.key, "failed", reason=reason, transient=transient,
                       bot_blocked=bot_blocked)

    def _recovered(self, document: Document, state: DocumentState, outcome: Outcome) -> Outcome:
        if not state.tracked:
            owed = alerting.tracked_again(document, self.watchlist.subscriptions, document.url)
            self.store.retrack(document.key, owed, dedupe=f"tracked_again:{document.key}:"
                               f"{state.last_check.isoformat() if state.last_check else ''}")
        return outcome
