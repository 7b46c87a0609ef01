"""Build tosmon's trained classifier into tosmon/data/model.

    .venv/bin/python classifiers/train.py               # rebuild the model
    .venv/bin/python classifiers/train.py --if-missing  # only when there is none (make setup)
    .venv/bin/python classifiers/train.py --test        # and show the held-out test figures
    .venv/bin/python classifiers/train.py --cv 5        # platform-grouped cross-validation, all data
    .venv/bin/python classifiers/train.py --twice       # train twice, compare bytes and predictions

Steps: split the labelled clauses by platform (corpus.py, written to
data/splits.json); train the textcat of config.cfg with the seed of the
config; on the validation platforms, as predicted by textcats that never saw
them, choose per label the textcat probability from which it adds the label
to the patterns' ones, never below what keeps the recorded histories
replaying as they owe (config [tosmon], fit()); write the spaCy pipeline and
combine.json. The test platforms are never read. Same data, same config:
same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from tosmon.classify import Classifier  # noqa: E402
from tosmon.evaluate import evaluate, keyword_labels, measure  # noqa: E402
from tosmon.models import LABELS  # noqa: E402
from tosmon.patterns import PatternScorer  # noqa: E402
from tosmon.textcat import (COMBINE_FILE, DIRECTION, MODEL_DIR, PIPE, Combination,  # noqa: E402
                            CombinedScorer, TextcatModel, analyse, model_digest, model_present,
                            register)

CONFIG = HERE / "config.cfg"
NEVER = 2.0          # a textcat threshold no probability reaches: the patterns alone


def read_config(path: Path = CONFIG):
    from spacy.util import load_config

    register()
    return load_config(path, interpolate=True)


# -- the textcat --------------------------------------------------------------------------

def analysed(rows: list[dict], patterns) -> None:
    """Tokenise each row once through the pattern layer: `doc` and `patterns` set on it."""
    todo = [r for r in rows if "doc" not in r]
    texts = [r["text"] for r in todo]
    for row, (doc, scored) in zip(todo, analyse(patterns, texts,
                                                Classifier.languages(texts, [r.get("lang") for r in todo]))):
        row["doc"], row["patterns"] = doc, scored


def train_textcat(config, rows: list[dict]):
    """A spaCy pipeline whose textcat learned `rows` (analysed); deterministic for a given config.

    The textcat is a logistic regression over hashed features, so it is
    trained as one: features computed once per clause, the cross-entropy
    gradient on the logits, the config's optimizer, batches and epochs.
    """
    from spacy.util import fix_random_seed, load_model_from_config

    training = config["training"]
    seed = int(training["seed"])
    fix_random_seed(seed)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    docs = [r["doc"] for r in rows]
    truth = numpy.array([[float(label in r["gold"]) for label in LABELS] for r in rows], dtype="f")
    pipe = nlp.get_pipe(PIPE)
    for label in config["initialize"]["components"][PIPE]["labels"]:
        pipe.add_label(label)
    if tuple(pipe.labels) != LABELS:
        raise SystemExit(f"config.cfg: labels must be {LABELS}")
    model = pipe.model
    model.initialize(X=docs[:10], Y=model.ops.asarray2f(truth[:10]))
    extract, linear = model.layers[0].layers[0].layers
    features = [extract.predict([doc]) for doc in docs]
    optimizer = nlp.create_optimizer()
    order = random.Random(seed)
    indices = list(range(len(docs)))
    size = int(training["batch_size"])
    for _ in range(int(training["max_epochs"])):
        order.shuffle(indices)
        for start in range(0, len(indices), size):
            batch = indices[start:start + size]
            keys = numpy.concatenate([features[i][0] for i in batch])
            values = numpy.concatenate([features[i][1] for i in batch])
            lengths = numpy.concatenate([features[i][2] for i in batch])
            logits, backprop = linear.begin_update((keys, values, lengths))
            probabilities = 0.5 * (1.0 + numpy.tanh(0.5 * logits))
            backprop((probabilities - truth[batch]) / len(batch))
            linear.finish_update(optimizer)
    for name in linear.param_names:  # keep averaged weights when the optimizer keeps them
        if (linear.id, name) in (optimizer.averages or {}):
            linear.set_param(name, optimizer.averages[linear.id, name])
    return nlp


# -- the combination ---------------------------------------------------------------------

def parts_of(textcat: TextcatModel, rows: list[dict]) -> list[dict[str, tuple[float, float]]]:
    """(pattern score, textcat probability) per label of analysed rows."""
    probabilities = textcat.probabilities([r["doc"] for r in rows])
    return [{label: (r["patterns"][label][0], p[label]) for label in LABELS} for r, p in zip(rows, probabilities)]


def pinned_rows(patterns) -> list[dict]:
    """The clauses of the recorded histories whose labels the steps fix, analysed.

    A clause a step changes (old or new text, as the replay serves and
    segments it) or that holds a piece a step owes may carry only the
    patterns' labels: the steps fix exactly what alerts. The unchanged
    clauses of a recorded version are not pinned: they never alert, and
    most are unlabelled, so reading them as "none" would pin the textcat
    below every AI clause the histories repeat from version to version.
    """
    import check_histories
    from tosmon.segment import segment

    strict: dict[str, None] = {}
    for folder in sorted(p for p in check_histories.HISTORIES.iterdir() if (p / "steps.json").exists()):
        steps = json.loads((folder / "steps.json").read_text(encoding="utf-8"))
        pieces = [want["text"] for step in steps for want in step["expect"]]
        previous = None
        for step in steps:
            markdown = (folder / step["serve"]).read_text(encoding="utf-8")
            strict.update((clause.text, None) for clause in segment(markdown, "en")
                          if any(p in clause.text for p in pieces))
            clauses = check_histories.segment(check_histories.version_text(markdown), "en")
            if previous is not None:
                for change in check_histories.changes(previous, clauses):
                    strict.update((c.text, None) for c in (change.old, change.new) if c is not None)
            previous = clauses
    rows = [{"text": t, "lang": "en"} for t in strict]
    analysed(rows, patterns)
    return rows


def floors(textcat: TextcatModel, pinned: list[dict]) -> dict[str, float]:
    """Per label, a threshold above the textcat's probability on every pinned clause
    the patterns do not give it: the recorded histories replay exactly as they owe."""
    parts = parts_of(textcat, pinned)
    return {label: max([p[label][1] + 0.001 for p in parts if p[label][0] < 0.5], default=0.0)
            for label in LABELS}


def tune(settings: dict, parts: list[dict], rows: list[dict], floor: dict[str, float] | None = None) -> dict:
    """Per label, the textcat threshold the validation rows favour (see Combination).

    Labels are the patterns' plus the textcat's above the threshold. F1 for
    most labels; for ai_training_grant the best recall among thresholds whose
    precision reaches grant_min_precision (F2 when none does). Among equals,
    the threshold that adds fewest labels (the patterns name their evidence),
    then the one farthest from every clause's probability.
    """
    step, lowest = float(settings["threshold_step"]), float(settings["min_threshold"])
    grid = [float(t) for t in numpy.round(numpy.arange(lowest, 1.0, step), 4)]
    chosen: dict = {"thresholds": {}, "validation": {}, "floors": {}}
    directed = numpy.array([any(p[x][0] >= 0.5 for x in DIRECTION) for p in parts])
    for label in LABELS:
        gold = numpy.array([label in r["gold"] for r in rows])
        pattern = numpy.array([p[label][0] >= 0.5 for p in parts])
        textcat = numpy.array([p[label][1] for p in parts])
        open_ = ~directed if label in DIRECTION else numpy.ones(len(parts), dtype=bool)
        low = (floor or {}).get(label, 0.0)
        candidates = [t for t in grid if t >= low] + ([round(low, 4)] if lowest <= low < 1.0 else []) + [NEVER]
        chosen["floors"][label] = round(low, 4)
        best = None
        for t in candidates:
            added = ~pattern & open_ & (textcat >= t)
            given = pattern | added
            tp, fp, fn = int((given & gold).sum()), int((given & ~gold).sum()), int((~given & gold).sum())
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            if label == "ai_training_grant":
                f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
                goal = (1, r, f1) if p >= float(settings["grant_min_precision"]) else (0, f2, f1)
            else:
                goal = (f1,)
            key = goal + (-int(added.sum()), round(float(numpy.abs(textcat - t).min()), 4))
            if best is None or key > best[0]:
                best = (key, t, {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
                                 "positives": int(gold.sum()), "added": int(added.sum())})
        chosen["thresholds"][label] = best[1]
        chosen["validation"][label] = best[2]
    return chosen


# -- building -------------------------------------------------------------------------------

def fit(config, train_rows: list[dict], validation_rows: list[dict],
        pinned: list[dict] | None = None) -> tuple[object, dict]:
    """The textcat and the combination chosen for it.

    `pinned` clauses (see pinned_rows) put a floor under each threshold.

    With [tosmon] validation_folds = 0, the textcat learns the train rows and
    the combination is tuned on its predictions for the validation rows. With
    K > 0, the validation platforms are split into K groups; each group is
    predicted by a textcat that learned the train rows and the other groups,
    the combination is tuned on those predictions, and the textcat kept
    learns the train and validation rows: the thresholds still come from
    predictions on platforms the predicting model never saw.
    """
    settings = dict(config["tosmon"])
    k = int(settings.get("validation_folds", 0))
    if not k:
        nlp = train_textcat(config, train_rows)
        parts, tuned = parts_of(TextcatModel(nlp), validation_rows), validation_rows
    else:
        groups = corpus.folds(validation_rows, k)
        parts, tuned = [], []
        for i, group in enumerate(groups):
            others = [r for j, g in enumerate(groups) if j != i for r in g]
            parts += parts_of(TextcatModel(train_textcat(config, train_rows + others)), group)
            tuned += group
        nlp = train_textcat(config, train_rows + validation_rows)
    floor = floors(TextcatModel(nlp), pinned) if pinned else None
    return nlp, tune(settings, parts, tuned, floor)


def build(config, train_rows: list[dict], validation_rows: list[dict], out: Path,
          extra: dict | None = None, pinned: list[dict] | None = None) -> dict:
    """Train, tune, and write the model directory (replaced whole, never left half-written)."""
    started = time.perf_counter()
    nlp, chosen = fit(config, train_rows, validation_rows, pinned)
    combine = {"thresholds": chosen["thresholds"], "floors": chosen["floors"],
               "validation": chosen["validation"], "train": corpus.summary(train_rows),
               "validation_clauses": corpus.summary(validation_rows), **(extra or {})}
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        nlp.to_disk(work)
        (work / COMBINE_FILE).write_text(json.dumps(combine, indent=1, sort_keys=True) + "\n",
                                         encoding="utf-8")
        work.chmod(0o755)  # mkdtemp makes it private; the model is package data
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    finally:
        if work.exists():
            shutil.rmtree(work)
    return {"seconds": round(time.perf_counter() - started, 1), **chosen}


def load_classifier(path: Path) -> Classifier:
    return Classifier(CombinedScorer.load(path))


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def alone_labels(parts: list[dict], half: int) -> list[set[str]]:
    """The labels one half gives by itself: half 0 the patterns, 1 the textcat at 0.5."""
    return [{x for x in LABELS if p[x][half] >= 0.5} for p in parts]


def combined_labels(parts: list[dict], combination: Combination) -> list[set[str]]:
    """The labels the combined scorer gives, from (pattern, textcat) parts."""
    out = []
    for p in parts:
        scores = combination.scores({x: p[x][0] for x in LABELS}, {x: p[x][1] for x in LABELS})
        out.append({x for x in LABELS if scores[x] >= 0.5})
    return out


def cross_validate(config, rows: list[dict], k: int, pinned: list[dict] | None = None) -> dict:
    """Pooled figures over k platform-grouped folds: each fold predicted by a
    textcat trained on k-2 others and a combination tuned on the remaining one."""
    folds = corpus.folds(rows, k)
    gold, combined, patterns_only, textcat_only = [], [], [], []
    for i in range(k):
        validation = folds[(i + 1) % k]
        train = [r for j, fold in enumerate(folds) if j not in (i, (i + 1) % k) for r in fold]
        nlp, chosen = fit(config, train, validation, pinned)
        parts = parts_of(TextcatModel(nlp), folds[i])
        combined += combined_labels(parts, Combination(chosen["thresholds"]))
        patterns_only += alone_labels(parts, 0)
        textcat_only += alone_labels(parts, 1)
        gold += [r["gold"] for r in folds[i]]
    tested = [r for f in folds for r in f]
    return {"k": k, "folds": [corpus.summary(f) for f in folds],
            "combined": measure(gold, combined), "patterns": measure(gold, patterns_only),
            "textcat": measure(gold, textcat_only),
            "baseline": measure(gold, [keyword_labels(r["text"]) for r in tested])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="model directory (default: %(default)s)")
    parser.add_argument("--if-missing", action="store_true", help="do nothing when a model is there")
    parser.add_argument("--test", action="store_true", help="evaluate on the held-out test platforms")
    parser.add_argument("--cv", type=int, metavar="K", help="platform-grouped K-fold cross-validation")
    parser.add_argument("--twice", action="store_true", help="train twice and compare the results")
    parser.add_argument("--config", type=Path, default=CONFIG)
    args = parser.parse_args(argv)

    if args.if_missing and model_present(args.out):
        print(f"model present in {args.out}; not rebuilt")
        return 0
    config = read_config(args.config)
    rows = corpus.load()
    splits = corpus.make_splits(rows)
    if corpus.write_splits(splits):
        print(f"wrote {corpus.SPLITS}")
    if splits["missing_files"]:
        print(f"note: no {', '.join(splits['missing_files'])} yet")
    train, validation, test = (corpus.part(rows, splits, name) for name in ("train", "validation", "test"))
    started = time.perf_counter()
    patterns = PatternScorer()
    analysed(rows if args.cv or args.twice else train + validation, patterns)
    pinned = pinned_rows(patterns)
    print(f"analysed by the pattern layer in {time.perf_counter() - started:.1f} s "
          f"({len(pinned)} clauses of the recorded histories pinned)")
    for name, part in (("train", train), ("validation", validation), ("test", test)):
        s = corpus.summary(part)
        print(f"{name:10} {s['clauses']:5d} clauses {s['platforms']:3d} platforms  {s['labels']}")

    if args.cv:
        result = cross_validate(config, rows, args.cv, pinned)
        for name in ("combined", "patterns", "textcat", "baseline"):
            m = result[name]
            print(f"cv {args.cv} {name:9} macro F1 {m['macro_f1']:.3f} micro F1 {m['micro_f1']:.3f} "
                  f"grant P/R {m['labels']['ai_training_grant']['precision']:.3f}/"
                  f"{m['labels']['ai_training_grant']['recall']:.3f} none flagged {m['none_flagged_rate']:.3f}")
            print("   " + "  ".join(f"{x} {m['labels'][x]['f1']:.3f}" for x in LABELS))
        return 0

    # Tuned on out-of-fold predictions for platforms written after the rules.
    learned, tuning = corpus.learned_and_tuning(train, validation)
    s = corpus.summary(tuning)
    print(f"tuned on   {s['clauses']:5d} clauses {s['platforms']:3d} platforms "
          f"(validation and {', '.join(corpus.TUNING_FILES)})")
    extra = {"data": {f: corpus.summary([r for r in rows if r["origin"] == f]) for f in splits["files"]},
             "platforms": {"train": splits["train"], "validation": splits["validation"]},
             "tuned_on": {"files": list(corpus.TUNING_FILES), "and": "validation"},
             "validation_folds": int(config["tosmon"]["validation_folds"])}
    info = build(config, learned, tuning, args.out, extra, pinned)
    print(f"built {args.out} in {info['seconds']} s, "
          f"{size_of(args.out) / 1e6:.2f} MB, digest {model_digest(args.out)[:12]}")
    for label in LABELS:
        print(f"  {label:25} textcat threshold {info['thresholds'][label]:.2f} (floor {info['floors'][label]:.3f})"
              f"  tuning {info['validation'][label]}")

    if args.twice:
        with tempfile.TemporaryDirectory() as tmp:
            again = Path(tmp) / "model"
            build(config, learned, tuning, again, extra, pinned)
            same_bytes = model_digest(again) == model_digest(args.out)
            texts = [r["text"] for r in rows]
            langs = [r.get("lang") for r in rows]
            a = load_classifier(args.out).predict(texts, langs)
            b = load_classifier(again).predict(texts, langs)
            same = all(x.labels == y.labels and x.scores == y.scores and x.evidence == y.evidence
                       for x, y in zip(a, b))
        print(f"trained twice: same bytes {same_bytes}, same predictions on {len(texts)} clauses {same}")
        if not (same_bytes and same):
            return 1

    if args.test:
        from tosmon.evaluate import render
        # Figures only: reading the held-out clauses while revising rules would
        # make them training data (classifiers/evaluate.py --split test --errors
        # lists them when that is wanted).
        result = evaluate(test, load_classifier(args.out))
        print(render({"file": "held-out test platforms", **result}, errors=False))
        print(f"  wrong: {len(result['errors'])} (not listed)")
        alone = evaluate(test, Classifier(PatternScorer()))["classifier"]
        grant = alone["labels"]["ai_training_grant"]
        print(f"  patterns alone: macro F1 {alone['macro_f1']:.3f}, grant P/R {grant['precision']:.3f}/"
              f"{grant['recall']:.3f}, none flagged {100 * alone['none_flagged_rate']:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
