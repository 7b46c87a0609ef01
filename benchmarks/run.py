"""How fast tosmon checks many documents, and how much memory it takes.

    .venv/bin/python benchmarks/run.py            # 1,000 documents on 20 hosts
    .venv/bin/python benchmarks/run.py --quick    # 100 documents, a smoke run
    .venv/bin/python benchmarks/run.py --docs 2000 --workers 2
    .venv/bin/python benchmarks/run.py --latency 50     # sites 50 ms away

Serves the generated corpus (benchmarks/corpus.py) from a separate process on
127.0.0.1 ... 127.0.0.20, then measures, against a fresh SQLite file:

    raw fetch          every page fetched with tosmon's Fetcher, nothing else
    first check        every document new: extract, segment, classify, record
    unchanged re-check the same terms in new furniture: fetch, extract, hash
    changed re-check   every document with one paragraph edited and one added
    peak RSS           tosmon's main process plus its workers (not the server)

Prints a table and writes the figures to benchmarks/results/ as JSON.
README.md beside this file explains each figure and keeps the latest ones.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import platform
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import CorpusServer, Spec  # noqa: E402

from tosmon import settings as settings_mod  # noqa: E402
from tosmon.fetch import Fetcher  # noqa: E402
from tosmon.models import Document, Service, Source, Subscription, Watchlist  # noqa: E402
from tosmon.runner import check_once  # noqa: E402
from tosmon.store import Store  # noqa: E402

TARGET_UNCHANGED_RATIO = 2.0     # unchanged re-check time / raw fetch time, at most
TARGET_CHANGED_RATE = 50.0       # changed documents per second, at least
TARGET_PEAK_MB = 300.0           # peak RSS of tosmon's processes, below
MB = 1024 * 1024


# -- memory ------------------------------------------------------------------------------

class RssSampler(threading.Thread):
    """Samples the memory of this process and its descendants, the corpus server excepted.

    Reading each process's memory is cheap (smaps_rollup); finding the
    descendants means scanning all of /proc, so that is done less often
    (workers live for a whole check, seconds at least). RSS counts the pages
    a forked worker still shares with its parent once in each process, so
    their sum overstates what the machine gives up; PSS splits shared pages
    between the processes sharing them, and its sum is the honest total.
    """

    def __init__(self, exclude: int, interval: float = 0.1, rescan: float = 0.5):
        super().__init__(name="rss-sampler", daemon=True)
        self.me = psutil.Process()
        self.exclude = exclude
        self.interval, self.rescan = interval, rescan
        self.peak = self.peak_pss = 0
        self.phase_peak = self.phase_peak_pss = 0
        self.peak_processes = 0
        self.by_process: dict[int, int] = {}      # peak RSS of each process seen
        self._processes: list[psutil.Process] = [self.me]
        self._scanned = 0.0
        self._lock = threading.Lock()
        self._halt = threading.Event()

    def _scan(self) -> None:
        excluded = {self.exclude}
        try:
            excluded |= {p.pid for p in psutil.Process(self.exclude).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
        self._processes = [self.me, *(p for p in self.me.children(recursive=True)
                                      if p.pid not in excluded and not _harness(p))]
        self._scanned = time.monotonic()

    def sample(self, rescan: bool = False) -> int:
        with self._lock:
            if rescan or time.monotonic() - self._scanned >= self.rescan:
                self._scan()
            rss = pss = count = 0
            for proc in self._processes:
                try:
                    memory = proc.memory_full_info()
                except psutil.Error:
                    continue
                rss += memory.rss
                pss += memory.pss
                count += 1
                self.by_process[proc.pid] = max(self.by_process.get(proc.pid, 0), memory.rss)
            if rss > self.peak:
                self.peak, self.peak_processes = rss, count
            self.peak_pss = max(self.peak_pss, pss)
            self.phase_peak = max(self.phase_peak, rss)
            self.phase_peak_pss = max(self.phase_peak_pss, pss)
            return rss

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def start_phase(self) -> None:
        self.phase_peak = self.phase_peak_pss = 0
        self.sample(rescan=True)

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample(rescan=True)


def _harness(process: psutil.Process) -> bool:
    """multiprocessing's resource tracker, started along with the corpus server."""
    try:
        return any("resource_tracker" in part for part in process.cmdline())
    except psutil.Error:
        return False


# -- phases ------------------------------------------------------------------------------

@dataclass
class Phase:
    name: str
    documents: int
    seconds: float
    cpu_main: float          # seconds of CPU in tosmon's main process
    cpu_workers: float       # seconds of CPU in worker processes that ended in the phase
    cpu_server: float        # seconds of CPU in the corpus server
    cpu_others: float        # seconds of CPU the rest of the machine used meanwhile
    requests: int            # answers the server gave
    peak_rss_mb: float
    peak_pss_mb: float
    outcomes: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_doc(self) -> float:
        """CPU tosmon spent per document, in all its processes: what contention cannot inflate much."""
        return (self.cpu_main + self.cpu_workers) / self.documents * 1000

    def ceiling(self, cores: int) -> float:
        """Documents per second on `cores` idle cores, if tosmon kept them all busy.

        The main process is one thread doing the fetching and the writing, so it
        bounds the rate on its own; everything together is bounded by the cores.
        """
        busiest = max(self.cpu_main, (self.cpu_main + self.cpu_workers + self.cpu_server) / cores)
        return self.documents / busiest if busiest else 0.0


def measure(name: str, documents: int, server: CorpusServer, sampler: RssSampler, run,
            profile: Path | None = None) -> tuple[Phase, object]:
    server_proc = psutil.Process(server.pid)
    before_server = sum(server_proc.cpu_times()[:2])
    before_machine = _busy()
    before = os.times()
    before_requests = server.requests()
    sampler.start_phase()
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = run()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    if profiler:
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    after = os.times()
    machine_busy = _busy() - before_machine
    sampler.sample()
    phase = Phase(
        name=name, documents=documents, seconds=seconds,
        cpu_main=(after.user + after.system) - (before.user + before.system),
        cpu_workers=(after.children_user + after.children_system)
        - (before.children_user + before.children_system),
        cpu_server=sum(server_proc.cpu_times()[:2]) - before_server,
        cpu_others=0.0,
        requests=server.requests() - before_requests,
        peak_rss_mb=sampler.phase_peak / MB, peak_pss_mb=sampler.phase_peak_pss / MB)
    phase.cpu_others = max(0.0, machine_busy - phase.cpu_main - phase.cpu_workers - phase.cpu_server)
    return phase, result


def _busy() -> float:
    """CPU seconds the whole machine has been busy since boot."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal"))


def raw_fetch(settings, sources: list[Source]) -> int:
    """Fetch every source with tosmon's own client and limits; returns the bytes read.

    Each page is dropped once counted, as a check drops it once extracted:
    holding all of them would inflate this process, and every worker forked
    from it later, by the size of the corpus.
    """

    async def one(fetcher: Fetcher, source: Source) -> int:
        snapshot = await fetcher.fetch(source)
        if snapshot.status != 200 or not snapshot.content:
            raise SystemExit(f"raw fetch: {source.url} came back with HTTP {snapshot.status}")
        return len(snapshot.content)

    async def go() -> int:
        async with Fetcher(settings) as fetcher:
            return sum(await asyncio.gather(*(one(fetcher, s) for s in sources)))

    return asyncio.run(go())


def checked(store: Store, watchlist: Watchlist, settings, expect: str):
    report, _ = check_once(watchlist, store, settings, deliver=False)
    counts = {r: report.count(r) for r in ("first", "changed", "unchanged", "failed")}
    wrong = [o for o in report.outcomes if o.result != expect]
    if wrong:
        sample = "; ".join(f"{o.document}: {o.result} {o.reason or ''}" for o in wrong[:3])
        print(f"  ! {len(wrong)} of {len(report.outcomes)} documents were not {expect}: {sample}",
              file=sys.stderr)
    return counts


# -- the run -----------------------------------------------------------------------------

def watchlist_of(server: CorpusServer, path: str) -> Watchlist:
    """One service per host, its documents in a row, as a watchlist.yaml groups them."""
    by_service: dict[str, list[Spec]] = {}
    for spec in server.specs:
        by_service.setdefault(spec.service, []).append(spec)
    services = tuple(
        Service(sid, specs[0].service_name, tuple(
            Document(service=sid, service_name=s.service_name, name=s.name,
                     sources=(Source(url=server.url(s), select=s.select),))
            for s in specs))
        for sid, specs in by_service.items())
    # Alerts are computed and queued for this subscription, never delivered.
    subscription = Subscription(name="union", notify="json://127.0.0.1:9/alerts")
    return Watchlist(path=path, services=services, subscriptions=(subscription,))


def _models(db: Path) -> list[str]:
    """Classifier versions the run's versions were flagged with, in order of use."""
    with sqlite3.connect(db) as conn:
        return [m for (m,) in conn.execute("SELECT model FROM versions GROUP BY model ORDER BY min(id)")]


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, text=True,
                                capture_output=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    import httpx
    import lxml.etree
    return {
        "cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)), "cpu_model": model,
        "memory_gb": round(psutil.virtual_memory().total / 1024 ** 3, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
        "httpx": httpx.__version__, "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
        "sqlite": sqlite3.sqlite_version, "commit": commit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="documents in the corpus (1000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 documents")
    parser.add_argument("--hosts", type=int, default=20, help="loopback addresses serving them (20)")
    parser.add_argument("--concurrency", type=int, help="setting `concurrency` (default: tosmon's)")
    parser.add_argument("--per-host", type=int, help="setting `per_host` (default: tosmon's)")
    parser.add_argument("--workers", type=int, help="setting `workers` (default: tosmon's)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="milliseconds the server waits before each answer, as a distant site would (0)")
    parser.add_argument("--raw-runs", type=int, default=3, help="raw fetch repetitions; the median counts (3)")
    parser.add_argument("--profile", choices=("raw", "first", "unchanged", "changed"),
                        help="profile tosmon's main thread during one phase (cProfile, saved beside the results)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON results")
    args = parser.parse_args(argv)
    docs = 100 if args.quick else args.docs
    if docs < args.hosts:
        parser.error("--docs must be at least --hosts")

    workdir = Path(tempfile.mkdtemp(prefix="tosmon-bench-"))
    db = workdir / "bench.db"
    settings = settings_mod.load({"db": str(db), "concurrency": args.concurrency,
                                  "per_host": args.per_host, "workers": args.workers})
    info = machine()
    cores = info["cpus_usable"]
    workers = settings.workers or os.cpu_count() or 1
    print(f"tosmon benchmark: {docs} documents on {args.hosts} hosts; "
          f"{cores} cores ({info['cpu_model']}), Python {info['python']}, "
          f"load average {info['load_average'][0]:.1f}")
    print(f"settings: concurrency={settings.concurrency} per_host={settings.per_host} "
          f"workers={workers}{'' if settings.workers else ' (one per core)'}"
          f"{f'; server latency {args.latency:g} ms' if args.latency else ''}")
    started = time.perf_counter()
    with CorpusServer(docs, args.hosts, latency=args.latency / 1000) as server:
        sizes = server.info["sizes"]
        print(f"corpus: {len(sizes)} pages, {statistics.mean(sizes) / 1000:.1f} KB on average "
              f"({min(sizes) / 1000:.1f}-{max(sizes) / 1000:.1f}), built in "
              f"{server.info['build_seconds']:.1f} s from {server.info['pool']['paragraphs']} "
              f"paragraphs of the recorded histories")
        watchlist = watchlist_of(server, str(workdir / "watchlist.yaml"))
        documents = watchlist.documents()
        sources = [d.sources[0] for d in documents]
        sampler = RssSampler(exclude=server.pid)
        sampler.start()
        phases: list[Phase] = []

        def phase(name, run) -> Phase:
            profile = None
            if args.profile and name.split()[0] == args.profile:
                args.out.mkdir(parents=True, exist_ok=True)
                profile = args.out / f"profile-{args.profile}.prof"
            result, returned = measure(name, len(documents), server, sampler, run, profile)
            if isinstance(returned, dict):
                result.outcomes = returned
            phases.append(result)
            print(f"  {name:<20} {result.seconds:7.2f} s  {result.rate:8.1f} docs/s")
            return result

        raw = [phase(f"raw fetch #{i + 1}", lambda: raw_fetch(settings, sources))
               for i in range(max(1, args.raw_runs))]
        with Store.open(db) as store:
            first = phase("first check", lambda: checked(store, watchlist, settings, "first"))
            unchanged = phase("unchanged re-check",
                              lambda: checked(store, watchlist, settings, "unchanged"))
            server.edition(1)
            changed = phase("changed re-check", lambda: checked(store, watchlist, settings, "changed"))
        sampler.stop()
    total = time.perf_counter() - started
    models = _models(db)
    if len(models) > 1:
        print(f"  ! the classifier changed during the run ({', '.join(models)}): the changed "
              "re-check could not reuse the first check's predictions; run again", file=sys.stderr)
    db_mb = sum(p.stat().st_size for p in workdir.glob("bench.db*")) / MB

    raw_mid = sorted(raw, key=lambda p: p.seconds)[len(raw) // 2]
    main_peak = sampler.by_process.pop(os.getpid(), 0)
    results = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": info,
        "settings": {"concurrency": settings.concurrency, "per_host": settings.per_host,
                     "workers": workers, "timeout": settings.timeout, "retries": settings.retries},
        "corpus": {"documents": docs, "hosts": args.hosts, "latency_ms": args.latency,
                   "mean_page_bytes": round(statistics.mean(sizes)), "pool": server.info["pool"]},
        "figures": {
            "raw_fetch_docs_per_s": round(raw_mid.rate, 1),
            "raw_fetch_seconds": round(raw_mid.seconds, 3),
            "first_check_docs_per_s": round(first.rate, 1),
            "unchanged_docs_per_s": round(unchanged.rate, 1),
            "unchanged_to_raw_fetch": round(unchanged.seconds / raw_mid.seconds, 2),
            "changed_docs_per_s": round(changed.rate, 1),
            "peak_rss_mb": round(sampler.peak / MB, 1),
            "peak_rss_processes": sampler.peak_processes,
            "peak_pss_mb": round(sampler.peak_pss / MB, 1),
            "peak_rss_main_mb": round(main_peak / MB, 1),
            "peak_rss_worker_mb": round(max(sampler.by_process.values(), default=0) / MB, 1),
        },
        "idle_machine_ceiling": {
            "raw_fetch_docs_per_s": round(raw_mid.ceiling(cores), 1),
            "first_check_docs_per_s": round(first.ceiling(cores), 1),
            "unchanged_docs_per_s": round(unchanged.ceiling(cores), 1),
            "unchanged_to_raw_fetch": round(raw_mid.ceiling(cores) / unchanged.ceiling(cores), 2),
            "changed_docs_per_s": round(changed.ceiling(cores), 1),
        },
        "targets": {
            "unchanged_to_raw_fetch_at_most": TARGET_UNCHANGED_RATIO,
            "changed_docs_per_s_at_least": TARGET_CHANGED_RATE,
            "peak_rss_mb_below": TARGET_PEAK_MB,
        },
        "phases": [dict(vars(p), rate=round(p.rate, 1), cpu_ms_per_doc=round(p.cpu_ms_per_doc, 2),
                        ceiling=round(p.ceiling(cores), 1)) for p in phases],
        "classifier": models,
        "database_mb": round(db_mb, 1),
        "total_seconds": round(total, 1),
    }
    met = {
        "unchanged": results["figures"]["unchanged_to_raw_fetch"] <= TARGET_UNCHANGED_RATIO,
        "changed": changed.rate >= TARGET_CHANGED_RATE,
        "rss": sampler.peak / MB < TARGET_PEAK_MB,
    }
    results["targets_met"] = met
    expected = {"first check": "first", "unchanged re-check": "unchanged", "changed re-check": "changed"}
    results["valid"] = all(p.outcomes.get(expected[p.name]) == docs for p in phases if p.name in expected)
    print_table(results, phases, met, cores)
    if not results["valid"]:
        print("  ! some documents did not come out as the phase expects: these figures are not comparable",
              file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = args.out / f"bench-{docs}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path}")
    for leftover in workdir.glob("*"):
        leftover.unlink()
    workdir.rmdir()
    return 0 if results["valid"] else 1


def print_table(results: dict, phases: list[Phase], met: dict, cores: int) -> None:
    f, ceiling = results["figures"], results["idle_machine_ceiling"]
    mark = {True: "ok", False: "MISSED"}
    rows = [
        ("1. raw fetch", f"{f['raw_fetch_docs_per_s']:.0f} docs/s",
         f"median of {sum(p.name.startswith('raw') for p in phases)} runs, "
         f"{f['raw_fetch_seconds']:.2f} s"),
        ("2. first check", f"{f['first_check_docs_per_s']:.1f} docs/s", ""),
        ("3. unchanged re-check", f"{f['unchanged_docs_per_s']:.0f} docs/s",
         f"{f['unchanged_to_raw_fetch']:.2f}x the raw fetch time (target <= {TARGET_UNCHANGED_RATIO:g}x: "
         f"{mark[met['unchanged']]})"),
        ("4. changed re-check", f"{f['changed_docs_per_s']:.1f} docs/s",
         f"target >= {TARGET_CHANGED_RATE:g}: {mark[met['changed']]}"),
        ("5. peak RSS", f"{f['peak_rss_mb']:.0f} MB",
         f"sum of {f['peak_rss_processes']} processes (target < {TARGET_PEAK_MB:g} MB: {mark[met['rss']]}); "
         f"PSS {f['peak_pss_mb']:.0f} MB; main {f['peak_rss_main_mb']:.0f} MB, "
         f"a worker up to {f['peak_rss_worker_mb']:.0f} MB"),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>13}  {note}")
    print()
    print(f"{'phase':<19} {'seconds':>8} {'docs/s':>7} {'cpu ms/doc':>10} {'main s':>7} {'workers s':>9} "
          f"{'server s':>8} {'others s':>8} {'ceiling':>8} {'RSS MB':>7} {'PSS MB':>7}")
    for p in phases:
        print(f"{p.name:<19} {p.seconds:8.2f} {p.rate:7.1f} {p.cpu_ms_per_doc:10.2f} {p.cpu_main:7.2f} "
              f"{p.cpu_workers:9.2f} {p.cpu_server:8.2f} {p.cpu_others:8.2f} {p.ceiling(cores):8.1f} "
              f"{p.peak_rss_mb:7.0f} {p.peak_pss_mb:7.0f}")
    print(f"cpu: tosmon's own, main process plus workers; others: the rest of the machine meanwhile; "
          f"ceiling: docs/s if {cores} idle cores were kept busy")
    print(f"idle-machine ceiling: unchanged {ceiling['unchanged_to_raw_fetch']:.2f}x the raw fetch, "
          f"changed {ceiling['changed_docs_per_s']:.0f} docs/s")
    print(f"database: {results['database_mb']:.1f} MB; whole run {results['total_seconds']:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
