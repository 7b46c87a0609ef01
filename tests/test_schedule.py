"""`tosmon run`: each document at its interval, due times kept across restarts,
a clean stop on request or on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.fixtures.site import TERMS_MAIN
from tosmon import settings as settings_mod
from tosmon.models import Document, Service, Source, Watchlist
from tosmon.schedule import START_SPREAD, first_run, next_run, run_forever
from tosmon.store import Store

NOW = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[1]


def make_settings(tmp_path, **changes):
    base = settings_mod.load({"db": str(tmp_path / "tosmon.db")}, environ={})
    return settings_mod.replace(base, **{"workers": 1, "browser_fallback": False, "retries": 0,
                                         "timeout": 10.0, **changes})


def document(service: str, url: str, interval: int) -> Document:
    return Document(service=service, service_name=service.title(), name="Terms of Use",
                    sources=(Source(url=url),), lang="en", interval=interval)


def watchlist(tmp_path, documents) -> Watchlist:
    return Watchlist(path=str(tmp_path / "watchlist.yaml"),
                     services=tuple(Service(d.service, d.service_name, (d,)) for d in documents))


class Log:
    """What run_forever said, with the time it said it."""

    def __init__(self):
        self.lines: list[tuple[datetime, str]] = []

    def __call__(self, message: str) -> None:
        self.lines.append((datetime.now(timezone.utc), message))

    def checks(self, key: str) -> list[tuple[datetime, str]]:
        return [(when, line) for when, line in self.lines if line.startswith(f"{key}: ")]

    @property
    def text(self) -> list[str]:
        return [line for _, line in self.lines]


def run_until(watchlist, store, settings, log, done, timeout: float = 20.0):
    """Run the scheduler until done() holds (or timeout), then ask it to stop.

    Returns how long it took to stop once asked.
    """
    async def main():
        stop = asyncio.Event()
        runner = asyncio.create_task(run_forever(watchlist, store, settings, log=log, stop=stop))
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline and not runner.done():
            await asyncio.sleep(0.05)
        stop.set()
        asked = time.monotonic()
        await asyncio.wait_for(runner, 10)
        return time.monotonic() - asked

    return asyncio.run(main())


# -- when ------------------------------------------------------------------------

def test_first_run_keeps_a_future_due_time_and_spreads_the_others():
    rng = random.Random(7)
    later = NOW + timedelta(hours=3)
    assert first_run(later, NOW, rng) == later
    starts = [first_run(due, NOW, rng) for due in [None, NOW - timedelta(days=2)] * 100]
    assert all(NOW <= s <= NOW + START_SPREAD for s in starts)
    assert max(starts) - min(starts) > START_SPREAD / 2, "overdue checks are spread out"
    short = [first_run(None, NOW, rng, timedelta(seconds=2)) for _ in range(50)]
    assert all(NOW <= s <= NOW + timedelta(seconds=2) for s in short)


def test_next_run_waits_the_interval_plus_at_most_the_jitter():
    doc = document("soundpool", "http://127.0.0.1:9/", interval=3600)
    rng = random.Random(11)
    waits = [(next_run(doc, NOW, 0.1, rng) - NOW).total_seconds() for _ in range(200)]
    assert all(3600 <= w <= 3960 for w in waits)
    assert max(waits) - min(waits) > 180, "checks of documents with one interval drift apart"
    assert next_run(doc, NOW, 0.0, rng) == NOW + timedelta(hours=1)


# -- the loop -------------------------------------------------------------------------

def test_checks_at_the_interval_keeps_due_times_and_stops_when_asked(tmp_path, site):
    site.terms("/tos", TERMS_MAIN)
    doc = document("soundpool", site.url("/tos"), interval=1)
    settings, log = make_settings(tmp_path), Log()
    with Store.open(settings.db) as store:
        stopped_in = run_until(watchlist(tmp_path, [doc]), store, settings, log,
                               lambda: len(log.checks(doc.key)) >= 3)
        results = [line.split(": ", 1)[1] for _, line in log.checks(doc.key)]
        assert results[:3] == ["first", "unchanged", "unchanged"]
        assert len(site.hits("/tos")) == len(results)
        # At its interval (plus at most 10% jitter), not faster.
        times = [when for when, _ in log.checks(doc.key)]
        assert all(b - a >= timedelta(seconds=0.9) for a, b in zip(times, times[1:]))
        assert stopped_in < 5
        assert log.text[-1] == "stopped"

        state = store.document_state(doc.key)
        assert state.next_due > state.last_check
        assert state.next_due - state.last_check <= timedelta(seconds=1.2)
        assert store.due_times() == {doc.key: state.next_due}
        assert (state.versions, state.last_outcome) == (1, "unchanged")
    checked = len(site.hits("/tos"))
    time.sleep(1.5)
    assert len(site.hits("/tos")) == checked, "nothing runs after the scheduler stopped"


def test_after_a_restart_what_is_not_due_waits_and_what_is_overdue_runs_soon(tmp_path, site):
    site.terms("/waits", TERMS_MAIN)
    site.terms("/overdue", TERMS_MAIN)
    site.terms("/shortened", TERMS_MAIN)
    waits = document("waits", site.url("/waits"), interval=6 * 3600)
    overdue = document("overdue", site.url("/overdue"), interval=2)
    # Its interval was a day when its due time was set; it is a second now.
    shortened = document("shortened", site.url("/shortened"), interval=1)
    wl = watchlist(tmp_path, [waits, overdue, shortened])
    settings, log = make_settings(tmp_path), Log()
    now = datetime.now(timezone.utc)
    with Store.open(settings.db) as store:
        store.sync_watchlist(wl)
        store.set_next_due(waits.key, now + timedelta(hours=2))
        store.set_next_due(overdue.key, now - timedelta(hours=5))
        store.set_next_due(shortened.key, now + timedelta(hours=20))
        started = datetime.now(timezone.utc)
        run_until(wl, store, settings, log,
                  lambda: log.checks(overdue.key) and log.checks(shortened.key), timeout=15)
        # Leave the waiting document time to be wrongly checked.
        time.sleep(0.3)

        [(overdue_at, _)] = log.checks(overdue.key)[:1]
        assert overdue_at - started < timedelta(seconds=8), "not a minute's spread, nor hours"
        [(shortened_at, _)] = log.checks(shortened.key)[:1]
        assert shortened_at - started < timedelta(seconds=8)
        assert log.checks(waits.key) == [] and site.hits("/waits") == []
        due = store.due_times()
        assert due[waits.key] == now + timedelta(hours=2)
        assert started < due[overdue.key] < datetime.now(timezone.utc) + timedelta(seconds=3)


def test_a_failing_document_is_logged_and_rescheduled(tmp_path, site):
    doc = document("gone", site.url("/not-found"), interval=1)
    settings, log = make_settings(tmp_path), Log()
    with Store.open(settings.db) as store:
        run_until(watchlist(tmp_path, [doc]), store, settings, log,
                  lambda: len(log.checks(doc.key)) >= 2)
        lines = [line for _, line in log.checks(doc.key)]
        assert len(lines) >= 2 and all(line.startswith(f"{doc.key}: failed (") for line in lines)
        assert "404" in lines[0]
        assert store.document_state(doc.key).failures == len(lines)


# -- a real process, a real signal ------------------------------------------------------

def test_tosmon_run_stops_cleanly_on_sigterm(tmp_path, site):
    site.terms("/tos", TERMS_MAIN)
    watchlist_file = tmp_path / "watchlist.yaml"
    watchlist_file.write_text(f"""\
services:
  soundpool:
    name: Soundpool
    documents:
      Terms of Use:
        url: {site.url('/tos')}
        interval: 1s
        lang: en
""", encoding="utf-8")
    db = tmp_path / "run.db"
    env = {**os.environ, "TOSMON_WORKERS": "1", "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tosmon.cli", "run", "--watchlist", str(watchlist_file),
         "--db", str(db)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    checked = threading.Event()

    def read():
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if "soundpool/Terms of Use: first" in line:
                checked.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert checked.wait(30), "no check logged:\n" + "\n".join(lines)
        process.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        code = process.wait(timeout=10)
        took = time.monotonic() - asked
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(5)
    assert code == 0, "\n".join(lines)
    assert took < 5
    assert any("watching 1 documents" in line for line in lines)
    assert lines[-1].endswith("stopped"), "\n".join(lines)
    assert not any("Traceback" in line for line in lines), "\n".join(lines)
    with Store.open(db) as store:
        [row] = store.status()
        assert row.versions == 1 and row.next_due is not None
