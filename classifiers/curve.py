"""How much more labelled data buys: held-out figures of models built on part of it.

    .venv/bin/python classifiers/curve.py              # fractions 1/8, 1/4, 1/2, 3/4, all; 3 draws each
    .venv/bin/python classifiers/curve.py --draws 5 --json

Each point builds the model as train.py does (the textcat learns the
platforms written before the rules' last revision, the thresholds are tuned
on out-of-fold predictions for the others) from a random share of the train
and validation platforms, then scores the held-out test platforms, figures
only. The pattern rules stay as they are: they were written reading all the
train data, so the curve measures what more labelled clauses give the trained
half and the combination, not what more rules would give. A curve that has
flattened says the accuracy targets will not be reached by labelling more of
the same kind of clause.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import train as building  # noqa: E402

from tosmon.evaluate import measure  # noqa: E402
from tosmon.models import LABELS  # noqa: E402
from tosmon.patterns import PatternScorer  # noqa: E402
from tosmon.textcat import Combination, TextcatModel  # noqa: E402

FRACTIONS = (0.125, 0.25, 0.5, 0.75, 1.0)
SEED = 20250527


def point(config, learned: list[dict], tuning: list[dict], test: list[dict], pinned: list[dict],
          share: float, draw: int) -> dict:
    """One model built on `share` of the platforms (drawn with seed SEED + draw), scored on `test`."""
    platforms = sorted({r["group"] for r in learned + tuning})
    rng = random.Random(SEED + draw)
    kept = set(rng.sample(platforms, max(2, round(share * len(platforms)))))
    part_learned = [r for r in learned if r["group"] in kept]
    part_tuning = [r for r in tuning if r["group"] in kept]
    nlp, chosen = building.fit(config, part_learned, part_tuning, pinned)
    parts = building.parts_of(TextcatModel(nlp), test)
    gold = [r["gold"] for r in test]
    combined = measure(gold, building.combined_labels(parts, Combination(chosen["thresholds"])))
    textcat = measure(gold, building.alone_labels(parts, 1))
    used = part_learned + part_tuning
    return {"share": share, "draw": draw, "platforms": len(kept), "clauses": len(used),
            "labelled": sum(1 for r in used if r["gold"]),
            "combined_macro_f1": combined["macro_f1"], "textcat_macro_f1": textcat["macro_f1"],
            "grant_recall": combined["labels"]["ai_training_grant"]["recall"],
            "grant_precision": combined["labels"]["ai_training_grant"]["precision"],
            "none_flagged_rate": combined["none_flagged_rate"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=3, help="random draws per share (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the points as JSON")
    args = parser.parse_args(argv)

    config = building.read_config()
    rows = corpus.load()
    splits = corpus.read_splits()
    train, validation, test = (corpus.part(rows, splits, name) for name in ("train", "validation", "test"))
    patterns = PatternScorer()
    building.analysed(train + validation + test, patterns)
    pinned = building.pinned_rows(patterns)
    learned, tuning = corpus.learned_and_tuning(train, validation)
    alone = measure([r["gold"] for r in test],
                    [{x for x in LABELS if r["patterns"][x][0] >= 0.5} for r in test])

    started = time.perf_counter()
    points = [point(config, learned, tuning, test, pinned, share, draw)
              for share in FRACTIONS for draw in range(1 if share == 1.0 else args.draws)]
    if args.json:
        print(json.dumps({"patterns_alone_macro_f1": alone["macro_f1"], "points": points}, indent=1))
        return 0
    print(f"held-out test platforms: {len(test)} clauses; patterns alone macro F1 {alone['macro_f1']:.3f}")
    print(f"{'share':>6} {'platforms':>9} {'clauses':>7} {'labelled':>8}  {'combined':>8} {'textcat':>7}"
          f"  {'grant P/R':>11}  none flagged")
    for share in FRACTIONS:
        group = [p for p in points if p["share"] == share]
        mean = {k: sum(p[k] for p in group) / len(group) for k in group[0] if k not in ("share", "draw")}
        spread = (f" ({min(p['combined_macro_f1'] for p in group):.3f}-"
                  f"{max(p['combined_macro_f1'] for p in group):.3f})") if len(group) > 1 else ""
        print(f"{share:6.3f} {mean['platforms']:9.0f} {mean['clauses']:7.0f} {mean['labelled']:8.0f}  "
              f"{mean['combined_macro_f1']:8.3f} {mean['textcat_macro_f1']:7.3f}  "
              f"{mean['grant_precision']:.3f}/{mean['grant_recall']:.3f}  "
              f"{100 * mean['none_flagged_rate']:.1f}%{spread}")
    print(f"{len(points)} models in {time.perf_counter() - started:.0f} s; figures are means over the draws "
          "(combined macro F1 range in brackets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
