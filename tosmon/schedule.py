"""`tosmon run`: check each document at its own interval, for as long as asked.

Due times are kept in the database, not in the scheduler's memory: after a
restart, what was due is checked soon (spread out, not all at once) and what
was not due waits its turn. APScheduler fires one job per document; each job
records its next due time before it ends.
"""

from __future__ import annotations

import asyncio
import random
import signal
from datetime import datetime, timedelta
from typing import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from .errors import TosmonError
from .fetch import Fetcher
from .models import Document, Watchlist
from .notify import deliver_owed
from .runner import notifier_for
from .store import Store
from .tracker import Clock, Tracker, utcnow

# Documents never checked or overdue start within this window, spread at random.
START_SPREAD = timedelta(seconds=60)


def first_run(due: datetime | None, now: datetime, rng: random.Random,
              spread: timedelta = START_SPREAD) -> datetime:
    """When a document should first be checked after the scheduler starts.

    Overdue and never-checked documents start within `spread`, so a restart
    does not fire every check at the same second.
    """
    if due is not None and due > now:
        return due
    return now + timedelta(seconds=rng.uniform(0, spread.total_seconds()))


def next_run(document: Document, now: datetime, jitter: float, rng: random.Random) -> datetime:
    """The interval, stretched by up to `jitter` of itself so checks drift apart."""
    return now + timedelta(seconds=document.interval * (1 + rng.uniform(0, jitter)))


async def run_forever(watchlist: Watchlist, store: Store, settings, *,
                      log: Callable[[str], None] = print, stop: asyncio.Event | None = None,
                      clock: Clock = utcnow, rng: random.Random | None = None) -> None:
    """Run until `stop` is set or the process gets SIGINT/SIGTERM."""
    rng = rng or random.Random()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread
            pass
    store.sync_watchlist(watchlist)
    fetcher = Fetcher(settings)
    tracker = Tracker(watchlist, store, settings, clock=clock, fetcher=fetcher)
    notifier = notifier_for(watchlist, settings)
    scheduler = AsyncIOScheduler(timezone="UTC")
    busy: set[asyncio.Task] = set()

    async def check(document: Document) -> None:
        task = asyncio.current_task()
        busy.add(task)
        try:
            report = await tracker.check([document])
            outcome = report.outcomes[0]
            log(f"{document.key}: {outcome.result}" + (f" ({outcome.reason})" if outcome.reason else ""))
            delivery = deliver_owed(store, notifier)
            for error in delivery.errors:
                log(f"alert not delivered, will retry: {error}")
        except TosmonError as error:
            log(f"{document.key}: check could not run: {error}")
        finally:
            when = next_run(document, clock(), settings.jitter, rng)
            store.set_next_due(document.key, when)
            if not stop.is_set():
                schedule(document, when)
            busy.discard(task)

    def schedule(document: Document, when: datetime) -> None:
        scheduler.add_job(check, DateTrigger(run_date=when), args=[document], id=document.key,
                          replace_existing=True, misfire_grace_time=None, coalesce=True)

    due = store.due_times()
    now = clock()
    for document in watchlist.documents():
        # A document checked every few seconds must not wait a whole spread,
        # and one whose interval was shortened must not wait out the old one.
        interval = timedelta(seconds=document.interval)
        when = min(first_run(due.get(document.key), now, rng, min(START_SPREAD, interval)),
                   now + interval * (1 + settings.jitter))
        store.set_next_due(document.key, when)
        schedule(document, when)
    await fetcher.__aenter__()
    scheduler.start()
    log(f"watching {len(watchlist.documents())} documents; stop with Ctrl-C")
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        if busy:
            log(f"finishing {len(busy)} check(s) under way")
            await asyncio.gather(*busy, return_exceptions=True)
        await fetcher.__aexit__(None, None, None)
        log("stopped")
