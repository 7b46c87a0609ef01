"""How well the classifier labels clauses someone has labelled by hand.

`evaluate_file` reads labelled JSON lines (`{"id", "text", "labels", "lang"?,
...}`, `labels` a list of the six labels or `["none"]`) and returns plain
data: per-label precision, recall and F1, micro and macro F1, how many
clauses labelled none were flagged at all, the clauses it got wrong, and the
same figures for a keyword baseline beside it. `render` turns that into text.

The baseline is what a reader skimming for words would flag: any clause
naming AI, models, training, scraping or mining gets every AI label, and one
naming a licence gets `broad_license`. A classifier that does not beat it by
a wide margin is not worth its alerts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Sequence

from .errors import ClassifyError
from .models import LABELS

__all__ = ["read_labelled", "keyword_labels", "measure", "evaluate", "evaluate_file", "render",
           "AI_LABELS"]

AI_LABELS = tuple(label for label in LABELS if label != "broad_license")

# Words in English, French and German; case matters only for the short acronyms.
_AI_WORDS = re.compile(
    r"\b(?:AI|A\.I\.|IA|KI|ML|LLMs?|GenAI)\b"
    r"|(?i:\b(?:artificial intelligence|machine[- ]learning|deep learning|neural|models?|algorithms?"
    r"|train|trains|trained|training|scrap(?:e|es|ed|ing|er|ers)|crawl\w*|spiders?|data[- ]mining"
    r"|text and data mining|generative|generated|synthetic|deepfakes?"
    r"|intelligence artificielle|apprentissage automatique|modèles?|entraîn\w*|moissonn\w*|fouille"
    r"|künstliche\w* intelligenz|maschinelle\w* lernen|modell\w*|trainier\w*|data-mining)\b)")
_LICENCE_WORDS = re.compile(r"(?i:\b(?:licen[cs]e[sd]?|sublicen\w*|licen[cz]\w*|lizenz\w*)\b)")


def keyword_labels(text: str) -> tuple[str, ...]:
    """The keyword baseline's labels for one clause."""
    labels = AI_LABELS if _AI_WORDS.search(text) else ()
    if _LICENCE_WORDS.search(text):
        labels = labels + ("broad_license",)
    return labels


def read_labelled(path: Path | str) -> list[dict]:
    """Labelled clauses of a JSON-lines file, each with `gold` (a set of labels) added.

    Raises ClassifyError naming the file, line and field of the first bad record.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ClassifyError(f"{path}: cannot read ({error.strerror or error})") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ClassifyError(f"{where}: not JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(row, dict):
            raise ClassifyError(f"{where}: expected a JSON object")
        if not isinstance(row.get("text"), str) or not row["text"].strip():
            raise ClassifyError(f"{where}: text: missing or not a string")
        labels = row.get("labels")
        if not isinstance(labels, list) or not labels:
            raise ClassifyError(f'{where}: labels: expected a list of labels or ["none"]')
        unknown = [x for x in labels if x not in LABELS and x != "none"]
        if unknown or ("none" in labels and len(labels) > 1):
            raise ClassifyError(f"{where}: labels: {unknown or labels} (known: {', '.join(LABELS)}, none)")
        if row.get("lang") is not None and not isinstance(row["lang"], str):
            raise ClassifyError(f"{where}: lang: not a string")
        row.setdefault("id", f"{path.name}:{number}")
        row["gold"] = set(labels) - {"none"}
        rows.append(row)
    return rows


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def measure(gold: Sequence[set], predicted: Sequence[Iterable[str]]) -> dict:
    """Per-label and overall figures for predicted label sets against gold ones.

    Macro F1 averages the labels present in the gold data (a label nobody
    labelled has no recall to speak of).
    """
    predicted = [set(p) for p in predicted]
    per_label, total = {}, [0, 0, 0]
    for label in LABELS:
        tp = sum(label in g and label in p for g, p in zip(gold, predicted))
        fp = sum(label not in g and label in p for g, p in zip(gold, predicted))
        fn = sum(label in g and label not in p for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        per_label[label] = {"precision": round(precision, 3), "recall": round(recall, 3),
                            "f1": round(_f1(precision, recall), 3), "support": tp + fn,
                            "tp": tp, "fp": fp, "fn": fn}
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
    tp, fp, fn = total
    micro_p = tp / (tp + fp) if tp + fp else 1.0
    micro_r = tp / (tp + fn) if tp + fn else 1.0
    present = [label for label in LABELS if per_label[label]["support"]]
    nones = [p for g, p in zip(gold, predicted) if not g]
    flagged = sum(bool(p) for p in nones)
    return {
        "clauses": len(gold),
        "labels": per_label,
        "micro_f1": round(_f1(micro_p, micro_r), 3),
        "macro_f1": round(sum(per_label[x]["f1"] for x in present) / len(present), 3) if present else 0.0,
        "macro_labels": present,
        "exact": round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 3) if gold else 0.0,
        "none_clauses": len(nones),
        "none_flagged": flagged,
        "none_flagged_rate": round(flagged / len(nones), 4) if nones else 0.0,
    }


def evaluate(rows: Sequence[dict], classifier=None) -> dict:
    """The classifier and the keyword baseline on labelled rows (as `read_labelled` gives them)."""
    if classifier is None:
        from .classify import Classifier
        classifier = Classifier.load()
    predictions = classifier.predict([r["text"] for r in rows], [r.get("lang") for r in rows])
    gold = [r["gold"] for r in rows]
    model = measure(gold, [p.labels for p in predictions])
    baseline = measure(gold, [keyword_labels(r["text"]) for r in rows])
    errors = [{"id": r["id"], "platform": r.get("platform", ""), "lang": r.get("lang"), "text": r["text"],
               "gold": sorted(r["gold"], key=LABELS.index), "predicted": list(p.labels),
               "evidence": dict(p.evidence)}
              for r, p in zip(rows, predictions) if set(p.labels) != r["gold"]]
    return {"model": classifier.version, "classifier": model, "baseline": baseline,
            "margin_macro_f1": round(model["macro_f1"] - baseline["macro_f1"], 3), "errors": errors}


def evaluate_file(path: Path | str, classifier=None) -> dict:
    """`evaluate` over one labelled JSON-lines file; the result also names the file."""
    result = evaluate(read_labelled(path), classifier)
    return {"file": str(path), **result}


def render(result: dict, errors: bool = True) -> str:
    """The evaluation as a text report: a table per label, classifier beside baseline."""
    m, b = result["classifier"], result["baseline"]
    lines = [f"{result.get('file', 'labelled clauses')}: {m['clauses']} clauses, model {result['model']}",
             f"  {'label':25} {'P':>6} {'R':>6} {'F1':>6} {'support':>7}   baseline P/R/F1"]
    for label in LABELS:
        s, k = m["labels"][label], b["labels"][label]
        lines.append(f"  {label:25} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:7d}"
                     f"   {k['precision']:.3f} {k['recall']:.3f} {k['f1']:.3f}")
    lines += [
        f"  macro F1 {m['macro_f1']:.3f} (baseline {b['macro_f1']:.3f}, margin {result['margin_macro_f1']:+.3f})"
        f"   micro F1 {m['micro_f1']:.3f} (baseline {b['micro_f1']:.3f})   exact {m['exact']:.3f}",
        f"  none clauses flagged: {m['none_flagged']} of {m['none_clauses']} ({100 * m['none_flagged_rate']:.1f}%;"
        f" baseline {100 * b['none_flagged_rate']:.1f}%)",
    ]
    if errors and result["errors"]:
        lines.append(f"  wrong: {len(result['errors'])}")
        for e in result["errors"]:
            lines.append(f"  ! {e['id']} gold={e['gold'] or ['none']} got={e['predicted'] or ['none']}")
            lines.append(f"      {e['text'][:300]}")
            lines += [f"      {label}: {words!r}" for label, words in e["evidence"].items()]
    return "\n".join(lines)
