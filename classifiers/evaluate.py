"""Score the classifier on labelled clauses: per-label precision, recall, F1,
micro and macro F1, and the clauses it gets wrong.

    .venv/bin/python classifiers/evaluate.py                  # all of clauses-dev.jsonl
    .venv/bin/python classifiers/evaluate.py --half A --errors
    .venv/bin/python classifiers/evaluate.py --json            # figures only, as JSON

Platforms are split into two fixed halves (A and B, by a hash of the platform
name) so that a figure can be read with whole platforms held out: tune while
looking at A only, then measure B.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tosmon.classify import Classifier  # noqa: E402
from tosmon.models import LABELS  # noqa: E402

DATA = ROOT / "classifiers" / "data" / "clauses-dev.jsonl"


def half(platform: str) -> str:
    return "AB"[hashlib.sha256(platform.encode("utf-8")).digest()[0] % 2]


def load(path: Path = DATA, which: str | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row["gold"] = set(row["labels"]) - {"none"}
    return [r for r in rows if which is None or half(r["platform"]) == which]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def measure(rows: list[dict], classifier: Classifier) -> dict:
    predictions = classifier.predict([r["text"] for r in rows], [r["lang"] for r in rows])
    per_label, tp_all, fp_all, fn_all = {}, 0, 0, 0
    for label in LABELS:
        tp = sum(label in r["gold"] and label in p.labels for r, p in zip(rows, predictions))
        fp = sum(label not in r["gold"] and label in p.labels for r, p in zip(rows, predictions))
        fn = sum(label in r["gold"] and label not in p.labels for r, p in zip(rows, predictions))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        per_label[label] = {"precision": round(precision, 3), "recall": round(recall, 3),
                            "f1": round(_f1(precision, recall), 3), "support": tp + fn,
                            "tp": tp, "fp": fp, "fn": fn}
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    micro_p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 1.0
    micro_r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 1.0
    present = [label for label in LABELS if per_label[label]["support"]]
    none_rows = [(r, p) for r, p in zip(rows, predictions) if not r["gold"]]
    return {
        "clauses": len(rows),
        "labels": per_label,
        "micro_f1": round(_f1(micro_p, micro_r), 3),
        "macro_f1": round(sum(per_label[l]["f1"] for l in present) / len(present), 3) if present else 0.0,
        "exact": round(sum(set(p.labels) == r["gold"] for r, p in zip(rows, predictions)) / len(rows), 3),
        "none_flagged": [(r["id"], list(p.labels)) for r, p in none_rows if p.labels],
        "none_clauses": len(none_rows),
        "errors": [(r, p) for r, p in zip(rows, predictions) if set(p.labels) != r["gold"]],
    }


def report(name: str, m: dict, errors: bool) -> None:
    print(f"== {name}: {m['clauses']} clauses")
    print(f"  {'label':26} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}  tp/fp/fn")
    for label, s in m["labels"].items():
        print(f"  {label:26} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:8d}"
              f"  {s['tp']}/{s['fp']}/{s['fn']}")
    print(f"  micro F1 {m['micro_f1']:.3f}   macro F1 {m['macro_f1']:.3f}   exact match {m['exact']:.3f}")
    print(f"  'none' clauses flagged: {len(m['none_flagged'])} of {m['none_clauses']}")
    for ident, labels in m["none_flagged"]:
        print(f"    {ident}: {labels}")
    if errors:
        for row, p in m["errors"]:
            print(f"  ! {row['id']} gold={sorted(row['gold'])} got={list(p.labels)}")
            print(f"      {row['text'][:300]}")
            for label, words in p.evidence.items():
                print(f"      {label}: {words!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("A", "B"), help="only the platforms of one half")
    parser.add_argument("--errors", action="store_true", help="list every clause labelled wrongly")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    classifier = Classifier.load()
    runs = [args.half] if args.half else ["A", "B", None]
    results = {}
    for which in runs:
        m = measure(load(args.data, which), classifier)
        results[which or "all"] = m
        if not args.json:
            report(f"half {which}" if which else "all platforms", m, args.errors and (which or not args.half))
    if args.json:
        print(json.dumps({k: {x: v for x, v in m.items() if x != "errors"} for k, m in results.items()},
                         indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
