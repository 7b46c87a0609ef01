"""How fast the classifier loads and labels clauses, on one core.

    .venv/bin/python benchmarks/classify.py            # 5,000 clauses, 3 cold loads
    .venv/bin/python benchmarks/classify.py --clauses 20000 --loads 5

Load: a fresh process imports tosmon.classify and calls Classifier.load()
(spaCy import, the English pattern pipeline, the trained model); the best
and the median of several such processes. Throughput: one process pinned to
one core predicts every sentence of the recorded histories (each version,
segmented), cycled to the number asked, in batches of 256 as the pipeline
sends them; the best of three passes. The same on every labelled clause of
`classifiers/data` in its own language: text dense with AI, licence and
scraping words, where every cue group runs and the textcat adds labels that
need explaining, so the slowest case. Also the first French clause, which
builds spaCy's French tokenizer on first use.

Prints a table and one JSON line; targets: load under 2 s, 2,000 clauses/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORIES = ROOT / "tosmon" / "data" / "histories"
LABELLED = ROOT / "classifiers" / "data"
TARGET_LOAD_S = 2.0
TARGET_RATE = 2000.0


def _load_child() -> dict:
    started = time.perf_counter()
    from tosmon.classify import Classifier
    classifier = Classifier.load()
    return {"load_s": time.perf_counter() - started, "model": classifier.version}


def _sentences(limit: int) -> list[str]:
    from tosmon.segment import segment

    pool = [c.text for path in sorted(HISTORIES.glob("*/2*.md"))
            for c in segment(path.read_text(encoding="utf-8"), "en")]
    return [pool[i % len(pool)] for i in range(limit)]


def _labelled() -> tuple[list[str], list[str]]:
    from tosmon.evaluate import read_labelled

    rows = [r for path in sorted(LABELLED.glob("*.jsonl")) for r in read_labelled(path)]
    return [r["text"] for r in rows], [r.get("lang") or "en" for r in rows]


def _best_pass(classifier, texts: list[str], langs: list[str], batch: int) -> tuple[float, int]:
    """The best of three passes over the texts, and how many were flagged."""
    passes = []
    flagged = 0
    for _ in range(3):
        started = time.perf_counter()
        flagged = 0
        for i in range(0, len(texts), batch):
            flagged += sum(bool(p.labels) for p in classifier.predict(texts[i:i + batch], langs[i:i + batch]))
        passes.append(time.perf_counter() - started)
    return min(passes), flagged


def _rate_child(clauses: int, batch: int) -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from tosmon.classify import Classifier
    classifier = Classifier.load()
    texts = _sentences(clauses)
    best, flagged = _best_pass(classifier, texts, ["en"] * len(texts), batch)
    started = time.perf_counter()
    classifier.predict(["Nous n’utilisons pas vos contenus pour entraîner nos modèles d’IA."], ["fr"])
    first_french = time.perf_counter() - started
    dense, dense_langs = _labelled()
    classifier.predict(["Wir nutzen Ihre Inhalte nicht für das Training."], ["de"])  # German built too
    dense_best, dense_flagged = _best_pass(classifier, dense, dense_langs, batch)
    return {"clauses": len(texts), "batch": batch, "best_s": best,
            "clauses_per_s": len(texts) / best, "flagged": flagged,
            "labelled": len(dense), "labelled_per_s": len(dense) / dense_best, "labelled_flagged": dense_flagged,
            "first_french_s": first_french, "model": classifier.version}


def _child(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clauses", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--loads", type=int, default=3, help="cold loads to time")
    parser.add_argument("--child", choices=("load", "rate"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.child == "load":
        print(json.dumps(_load_child()))
        return 0
    if args.child == "rate":
        print(json.dumps(_rate_child(args.clauses, args.batch)))
        return 0
    loads = [_child(["--child", "load"]) for _ in range(args.loads)]
    rate = _child(["--child", "rate", "--clauses", str(args.clauses), "--batch", str(args.batch)])
    times = [x["load_s"] for x in loads]
    result = {"model": rate["model"], "load_best_s": round(min(times), 3),
              "load_median_s": round(statistics.median(times), 3), "clauses": rate["clauses"],
              "clauses_per_s": round(rate["clauses_per_s"]), "first_french_s": round(rate["first_french_s"], 3),
              "flagged": rate["flagged"], "labelled": rate["labelled"],
              "labelled_per_s": round(rate["labelled_per_s"]), "labelled_flagged": rate["labelled_flagged"]}
    print(f"model              {result['model']}")
    print(f"cold load          best {result['load_best_s']:.2f} s, median {result['load_median_s']:.2f} s "
          f"of {len(times)}   (target < {TARGET_LOAD_S:.0f} s)")
    print(f"batch throughput   {result['clauses_per_s']} clauses/s on one core, {result['clauses']} clauses, "
          f"batches of {args.batch}   (target >= {TARGET_RATE:.0f})")
    print(f"labelled clauses   {result['labelled_per_s']} clauses/s on one core, {result['labelled']} clauses "
          f"of classifiers/data in their languages (dense with AI words: the slowest case)")
    print(f"first French       {result['first_french_s']:.2f} s (French tokenizer built on first use)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
