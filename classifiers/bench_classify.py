"""Time the classifier: load, then predict() over real sentences from the
recorded histories (every version, segmented), in batches as the pipeline
sends them.

    taskset -c 0 .venv/bin/python classifiers/bench_classify.py --clauses 5000

Each measurement runs in a fresh process so load time includes the imports.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sentences(limit: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "classifiers"))
    from check_histories import HISTORIES, segment

    out: list[str] = []
    while len(out) < limit:
        before = len(out)
        for folder in sorted(HISTORIES.iterdir()):
            for path in sorted(folder.glob("2*.md")):
                out += [c.text for c in segment(path.read_text(encoding="utf-8"), "en")]
        if len(out) == before:
            raise SystemExit("no sentences found")
    return out[:limit]


def _child(clauses: int, batch: int, lang: str) -> dict:
    started = time.perf_counter()  # before anything imports spaCy
    from tosmon.classify import Classifier
    classifier = Classifier.load()
    loaded = time.perf_counter() - started
    texts = sentences(clauses)
    started = time.perf_counter()
    first = classifier.predict(texts[:1], [lang])
    first_call = time.perf_counter() - started
    started = time.perf_counter()
    flagged = 0
    for i in range(0, len(texts), batch):
        chunk = texts[i:i + batch]
        flagged += sum(bool(p.labels) for p in classifier.predict(chunk, [lang] * len(chunk)))
    elapsed = time.perf_counter() - started
    del first
    return {"clauses": len(texts), "batch": batch, "lang": lang, "load_s": round(loaded, 3),
            "first_call_s": round(first_call, 3), "predict_s": round(elapsed, 3),
            "clauses_per_s": round(len(texts) / elapsed), "flagged": flagged}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clauses", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lang", default="en", help="language the clauses are passed as")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.clauses, args.batch, args.lang)))
        return 0
    result = subprocess.run([sys.executable, __file__, "--child", "--clauses", str(args.clauses),
                             "--batch", str(args.batch), "--lang", args.lang],
                            capture_output=True, text=True, check=True)
    print(result.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
