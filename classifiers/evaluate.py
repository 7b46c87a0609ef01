"""Score the classifier on labelled clauses, beside the keyword baseline.

    .venv/bin/python classifiers/evaluate.py                    # the held-out test platforms
    .venv/bin/python classifiers/evaluate.py --split validation --errors
    .venv/bin/python classifiers/evaluate.py --file classifiers/data/clauses-dev.jsonl
    .venv/bin/python classifiers/evaluate.py --patterns         # the pattern layer alone
    .venv/bin/python classifiers/evaluate.py --json             # figures as JSON

The splits are those of data/splits.json (see corpus.py); the figures come
from tosmon.evaluate, the same as `tosmon eval FILE`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from tosmon.classify import Classifier  # noqa: E402
from tosmon.evaluate import evaluate, evaluate_file, render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "validation", "test", "all"), default="test")
    parser.add_argument("--file", type=Path, help="a labelled JSON-lines file instead of a split")
    parser.add_argument("--patterns", action="store_true", help="the pattern layer alone")
    parser.add_argument("--errors", action="store_true", help="list every clause labelled wrongly")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.patterns:
        from tosmon.patterns import PatternScorer
        classifier = Classifier(PatternScorer())
    else:
        classifier = Classifier.load()
    if args.file:
        result = evaluate_file(args.file, classifier)
    else:
        rows = corpus.load()
        if args.split != "all":
            rows = corpus.part(rows, corpus.read_splits(), args.split)
        result = {"file": f"{args.split} platforms of {corpus.DATA}", **evaluate(rows, classifier)}
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1))
    else:
        print(render(result, errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
