"""`tosmon demo`: the main job, offline, on real recorded histories.

Each recorded version is served on 127.0.0.1 in date order and checked
through the full pipeline into a fresh database, with the check's clock set
to the version's date; alerts go to a local webhook receiver through
apprise. The result says, step by step, what was recorded and received.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .models import Document, Service, Source, Subscription, Watchlist
from .replay import History, ReplaySite, histories
from .runner import check_once
from .settings import replace
from .store import Store


@dataclass(frozen=True)
class DemoStep:
    service: str
    document: str
    date: str
    file: str
    result: str                    # first | changed | unchanged | failed
    reason: str | None
    changes: dict | None           # the change recorded by this step, as `history` shows it
    received: tuple[dict, ...]     # alert payloads the receiver got for this step
    expected: tuple[dict, ...]     # what the recorded history says this step owes


@dataclass(frozen=True)
class DemoResult:
    db: str | None
    steps: tuple[DemoStep, ...]
    stances: dict


def demo_watchlist(site: ReplaySite, recorded: list[History], notify: str, path: str) -> Watchlist:
    services = tuple(
        Service(h.service, h.service_name, (Document(
            service=h.service, service_name=h.service_name, name=h.document,
            sources=(Source(url=site.url(f"/{h.folder}")),), lang="en"),))
        for h in recorded)
    return Watchlist(path=path, services=services,
                     subscriptions=(Subscription(name="demo-receiver", notify=notify),))


def run_demo(settings, *, keep: bool = False, progress: bool = False,
             on_step: Callable[[DemoStep], None] | None = None,
             only: tuple[str, ...] = ()) -> DemoResult:
    """Replay every recorded history (or the services in `only`) into a fresh database."""
    from .stance import stance_of

    workdir = Path(tempfile.mkdtemp(prefix="tosmon-demo-"))
    settings = replace(settings, db=str(workdir / "demo.db"))
    recorded = [h for h in histories() if not only or h.service in only]
    steps: list[DemoStep] = []
    try:
        with ReplaySite() as site, Store.open(settings.db) as store:
            watchlist = demo_watchlist(site, recorded, f"json://{site.base.removeprefix('http://')}/alerts",
                                       str(workdir / "watchlist.yaml"))
            for index in range(max(len(h.steps) for h in recorded)):
                for history in recorded:
                    if index >= len(history.steps):
                        continue
                    step = history.steps[index]
                    site.serve(f"/{history.folder}", step.markdown, f"{history.service_name} {history.document}")
                    seen = len(site.received)
                    report, _ = check_once(watchlist, store, settings, [history.service],
                                           clock=lambda d=step.date: d)
                    outcome = report.outcomes[0]
                    key = f"{history.service}/{history.document}"
                    changes = [c for c in store.changes(key)] if outcome.result == "changed" else []
                    demo_step = DemoStep(
                        service=history.service, document=history.document,
                        date=step.date.date().isoformat(), file=step.file, result=outcome.result,
                        reason=outcome.reason, changes=changes[-1] if changes else None,
                        received=tuple(r["payload"] for r in site.received[seen:]),
                        expected=tuple({"label": e.label, "text": e.text} for e in step.expect))
                    steps.append(demo_step)
                    if on_step:
                        on_step(demo_step)
            stances = {h.service: stance_of(store, h.service) for h in recorded}
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return DemoResult(db=settings.db if keep else None, steps=tuple(steps), stances=stances)
