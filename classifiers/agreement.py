"""How often two readers of LABELLING.md give a clause the same labels.

    .venv/bin/python classifiers/agreement.py            # the table
    .venv/bin/python classifiers/agreement.py --format json

agreement/second-reading.jsonl holds a second, blind reading of 300 train
and validation clauses (200 drawn from those with a label, 100 from the
unlabelled ones that name AI, training, licences, scraping or opting out;
seed 20261121): the reader saw the guide and the clause, not its labels.
Agreement per label is the F1 of one reading against the other (it is the
same either way round). It bounds what a held-out F1 can mean: a model
cannot be measured more finely than its labels agree.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from tosmon.models import LABELS  # noqa: E402

SECOND = HERE / "agreement" / "second-reading.jsonl"


def readings(second_file: Path = SECOND) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The labels of every labelled clause (corrections applied) and those of the second reading.

    Raises ValueError naming the line of a second-reading record with an
    unknown label.
    """
    first = {r["id"]: set(r["gold"]) for r in corpus.load()}
    second = {}
    for number, line in enumerate(second_file.read_text(encoding="utf-8").splitlines(), 1):
        record = json.loads(line)
        labels = set(record["labels"]) - {"none"}
        if labels - set(LABELS):
            raise ValueError(f"{second_file}:{number}: unknown label {sorted(labels - set(LABELS))}")
        second[record["id"]] = labels
    return first, second


def agreement(first: dict[str, set[str]], second: dict[str, set[str]]) -> dict:
    """Per label the F1 of one reading against the other, their macro mean, and exact matches.

    Raises ValueError when the second reading names a clause the first lacks.
    """
    missing = sorted(set(second) - set(first))
    if missing:
        raise ValueError(f"{len(missing)} ids of the second reading match no labelled clause, "
                         f"e.g. {missing[0]}")
    ids = list(second)
    labels = {}
    for label in LABELS:
        both = sum(1 for i in ids if label in first[i] and label in second[i])
        one = sum(1 for i in ids if (label in first[i]) != (label in second[i]))
        labels[label] = {"first": sum(1 for i in ids if label in first[i]),
                         "second": sum(1 for i in ids if label in second[i]), "both": both,
                         "f1": round(2 * both / (2 * both + one), 3) if both + one else 1.0}
    return {"clauses": len(ids), "labels": labels,
            "macro_f1": round(sum(x["f1"] for x in labels.values()) / len(LABELS), 3),
            "exact": sum(1 for i in ids if first[i] == second[i])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    try:
        result = agreement(*readings())
    except ValueError as error:
        raise SystemExit(str(error)) from None
    if args.format == "json":
        print(json.dumps(result, indent=1))
        return 0
    print(f"{result['clauses']} clauses read twice; same labels on {result['exact']}")
    print(f"  {'label':25} first second  both    F1")
    for label, x in result["labels"].items():
        print(f"  {label:25} {x['first']:5d} {x['second']:6d} {x['both']:5d} {x['f1']:.3f}")
    print(f"  macro F1 {result['macro_f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
