"""A whole check run: the tracker, then delivery of every alert owed.

Shared by `tosmon check`, the scheduler and the demo, so all three deliver
what is owed the same way.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import nullcontext
from typing import Sequence

from .models import Watchlist
from .notify import Notifier, deliver_owed
from .store import Store
from .tracker import CheckReport, Clock, Tracker, utcnow


def notifier_for(watchlist: Watchlist, settings) -> Notifier:
    return Notifier(watchlist.subscriptions, base_dir=os.path.dirname(os.path.abspath(watchlist.path)),
                    chunk=settings.notify_chunk)


def check_once(watchlist: Watchlist, store: Store, settings, services: Sequence[str] = (), *,
               deliver: bool = True, progress: bool = False, clock: Clock = utcnow):
    """Check the documents of `services` (all when empty) and deliver what is owed."""
    documents = watchlist.documents(tuple(services))
    report = asyncio.run(_check(watchlist, store, settings, documents, progress, clock))
    delivery = deliver_owed(store, notifier_for(watchlist, settings)) if deliver else None
    return report, delivery


async def _check(watchlist, store, settings, documents, progress, clock) -> CheckReport:
    tracker = Tracker(watchlist, store, settings, clock=clock)
    bar = _progress_bar() if progress and documents else None
    with bar or nullcontext():
        task = bar.add_task("checking", total=len(documents)) if bar else None
        on_done = (lambda outcome: bar.advance(task)) if bar else None
        return await tracker.check(documents, on_done=on_done)


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), transient=True)
