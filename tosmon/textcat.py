"""The trained half of the classifier: a spaCy textcat combined with the patterns.

Both halves read one tokenisation, made by the pattern layer's pipeline for
the clause's language. The textcat (a logistic regression over hashed words
and the *kinds* of cue the pattern tables found, trained by
`classifiers/train.py`) catches wordings no rule foresaw; the cue kinds
("a licence word", "an AI term", "a negation") are the same in every
language, so what it learns from English clauses carries to French and
German. The pattern layer knows who trains and whether they may, and names
its evidence.

A label is given when the patterns give it, or when the textcat's
probability reaches that label's threshold, tuned on platforms neither was
written or trained on (see `Combination`); the score is reported on a scale
where the label is given at 0.5. A label the patterns did not give gets its
evidence by occlusion: the window of words whose removal lowers the
textcat's probability most. Only given labels pay for that, so the common
clause costs one textcat pass.

The model directory holds the spaCy pipeline (`nlp.to_disk`) and
`combine.json` (the thresholds and how they were chosen); its digest is
part of `version`, so stored predictions of another build are recomputed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Callable, Mapping, Sequence

from .errors import ClassifyError
from .models import LABELS

__all__ = ["MODEL_DIR", "COMBINE_FILE", "PIPE", "Combination", "TextcatModel", "CombinedScorer",
           "analyse", "model_digest", "model_present", "register"]

MODEL_DIR = Path(__file__).resolve().parent / "data" / "model"
COMBINE_FILE = "combine.json"
PIPE = "textcat_multilabel"
GIVEN = 0.5              # the combined scale's threshold, tosmon.classify.THRESHOLD
# Labels that say who may train on what: the patterns' reading of one excludes the others.
DIRECTION = ("ai_training_grant", "ai_training_restriction", "scraping_prohibition")
OCCLUSION_WINDOW = 4     # words dropped at a time when looking for the evidence
OCCLUSION_MAX = 160      # windows tried at most; longer clauses are stepped through
_CUES = "tosmon_cues"    # Doc extension: the cue features of a clause
_SPANS = "tosmon_spans"  # Doc extension: where the pattern layer found each kind of cue

# label -> (score, evidence or "")
Scored = dict[str, tuple[float, str]]


# -- what the textcat reads --------------------------------------------------------

def cue_features(spans: Mapping[str, Sequence[tuple[int, int]]]) -> tuple[str, ...]:
    """The kinds of cue found, their pairs (a linear model cannot form them), breadth counts."""
    kinds = sorted(spans)
    out = [f"<{k}>" for k in kinds] + [f"<{a}+{b}>" for a, b in combinations(kinds, 2)]
    attributes = len(spans.get("ATTRIBUTE", ()))
    out += [f"<ATTRIBUTE>={n}" for n in (2, 3, 4, 6) if attributes >= n]
    return tuple(out)


@dataclass(frozen=True)
class Occluded:
    """A clause with a window of words left out, as the features read it.

    The feature columns of the kept tokens, sliced from the clause's own:
    building a Doc per window cost as much as scoring it.
    """

    vocab: object
    columns: object   # numpy rows as `_columns` makes them, one per kept token
    cues: tuple[str, ...]

    def __len__(self) -> int:  # spaCy's textcat asks, to skip empty batches
        return len(self.columns)


def _columns(doc):
    """What the features read of each token: NORM, LOWER, IS_ALPHA, LENGTH."""
    from spacy.attrs import IS_ALPHA, LENGTH, LOWER, NORM

    return doc.to_array([NORM, LOWER, IS_ALPHA, LENGTH])


def _features(model, docs, is_train):
    """Hashed features per doc: n-grams of the normalised words, word stems if asked, cue features."""
    from spacy.strings import hash_string

    ops, xp = model.ops, model.ops.xp
    size, stem = model.attrs["ngram_size"], model.attrs["stems"]
    batch_keys, batch_vals = [], []
    for doc in docs:
        if isinstance(doc, Occluded):
            columns, cues = doc.columns, doc.cues
        else:
            columns, cues = _columns(doc), doc._.get(_CUES) or ()
        norms = ops.asarray(columns[:, 0])
        keys = [norms] + [ops.ngrams(n, norms) for n in range(2, size + 1)]
        extra = []
        if stem:
            strings = doc.vocab.strings
            stemmed = columns[(columns[:, 2] != 0) & (columns[:, 3] > stem), 1]
            extra = [_stem(strings, int(lower), stem) for lower in stemmed]
        extra += [hash_string(c) for c in cues]
        keys.append(xp.asarray(extra, dtype="uint64"))
        keys, counts = xp.unique(xp.concatenate(keys), return_counts=True)
        batch_keys.append(keys)
        batch_vals.append(counts)
    lengths = ops.asarray([len(k) for k in batch_keys], dtype="int32")
    keys = xp.concatenate(batch_keys) if batch_keys else xp.zeros((0,), dtype="uint64")
    vals = ops.asarray(xp.concatenate(batch_vals) if batch_vals else xp.zeros((0,)), dtype="f")
    return (keys, vals, lengths), lambda d_out: []


_STEMS: dict[tuple[int, int], int] = {}


def _stem(strings, lower: int, length: int) -> int:
    """The hashed stem feature of a lowercased word, by its hash: tokens
    are read as arrays, and building a Token per word cost more than the
    rest of the features together."""
    key = (lower, length)
    if key not in _STEMS:
        from spacy.strings import hash_string

        _STEMS[key] = hash_string("~" + strings[lower][:length])
    return _STEMS[key]


_registered = False


def register() -> None:
    """Make the architecture and the Doc extension known (before a config names them)."""
    global _registered
    if _registered:
        return
    from spacy.tokens import Doc
    from spacy.util import registry

    if not Doc.has_extension(_CUES):
        Doc.set_extension(_CUES, default=())
    if not Doc.has_extension(_SPANS):
        Doc.set_extension(_SPANS, default=None)

    @registry.architectures("tosmon.TextCatBOW.v1")
    def bag_of_words(ngram_size: int = 2, stems: int = 5, length: int = 1 << 16, nO=None):
        """Independent logistic outputs over a sparse linear layer of hashed features."""
        from thinc.api import Logistic, Model, SparseLinear_v2, chain, with_cpu

        extract = Model("tosmon_features", _features, attrs={"ngram_size": ngram_size, "stems": stems})
        linear = SparseLinear_v2(nO=nO, length=length)
        model = chain(with_cpu(chain(extract, linear), linear.ops), Logistic())
        model.set_ref("output_layer", linear)
        model.attrs["multi_label"] = True
        return model

    _registered = True


def analyse(patterns, texts: Sequence[str], langs: Sequence[str]) -> list[tuple[object, Scored]]:
    """Each clause tokenised once by the pattern layer: the Doc (with its cue
    features set) and the pattern scores, in input order."""
    register()
    out = []
    for doc, spans, scored in patterns.read(texts, langs):
        doc._.set(_CUES, cue_features(spans))
        doc._.set(_SPANS, spans)  # kept for explaining what the textcat adds
        out.append((doc, scored))
    return out


# -- the model files ------------------------------------------------------------------

def model_present(path: Path = MODEL_DIR) -> bool:
    return (path / COMBINE_FILE).is_file() and (path / "config.cfg").is_file()


def model_digest(path: Path = MODEL_DIR) -> str:
    """sha256 over every file of the model directory, names included."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Combination:
    """Per label, the textcat probability from which the textcat alone gives it.

    A label the patterns give stands: their decisions are pinned clause by
    clause by the recorded histories and the tests, and they name their
    evidence. The textcat adds a label where its probability reaches the
    label's threshold (tuned on validation platforms; above 1: never), except
    a direction of training where the patterns found one: who trains and
    whether they may is read from the sentence's structure, which a bag of
    words does not see. The score is the larger of the two on one scale,
    where 0.5 gives the label.
    """

    thresholds: Mapping[str, float]

    @classmethod
    def read(cls, path: Path) -> "Combination":
        return cls(thresholds=json.loads(path.read_text(encoding="utf-8"))["thresholds"])

    def score(self, label: str, pattern: float, textcat: float, directed: bool = False) -> float:
        """`directed`: the patterns gave a direction label to this clause (see DIRECTION)."""
        t = self.thresholds[label]
        if directed and label in DIRECTION:
            return pattern
        scaled = 0.5 * textcat / t if textcat < t else 0.5 + 0.5 * (textcat - t) / (1.0 - t)
        return max(pattern, scaled)

    def scores(self, patterns: Mapping[str, float], textcat: Mapping[str, float]) -> dict[str, float]:
        """Every label's score, rounded as a Prediction shows it."""
        directed = any(patterns[label] >= GIVEN for label in DIRECTION)
        return {label: round(self.score(label, patterns[label], textcat[label], directed), 3)
                for label in LABELS}


class TextcatModel:
    """The trained spaCy textcat: probabilities per label, evidence by occlusion."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.pipe = nlp.get_pipe(PIPE)
        missing = set(LABELS) - set(self.pipe.labels)
        if missing:
            raise ClassifyError(f"the textcat model has no label {sorted(missing)}")
        self._column = [list(self.pipe.labels).index(label) for label in LABELS]

    @classmethod
    def load(cls, path: Path) -> "TextcatModel":
        import spacy

        register()
        return cls(spacy.load(path))

    def probabilities(self, docs: Sequence) -> list[dict[str, float]]:
        """Per doc (as `analyse` makes them), the probability of each label."""
        if not docs:
            return []
        scores = self.pipe.model.ops.to_numpy(self.pipe.predict(list(docs)))
        return [{label: float(row[i]) for label, i in zip(LABELS, self._column)} for row in scores]

    def occlusion(self, doc, labels: Sequence[str], cues: Callable[[range], tuple[str, ...]],
                  base: Mapping[str, float]) -> dict[str, str]:
        """Per label, the words whose removal lowers its probability most.

        `cues(dropped)` gives the cue features of the doc without the tokens
        in `dropped`; `base` is the doc's own probabilities. The occluded
        variants are scored once for all the labels asked.
        """
        import numpy

        words = [t for t in doc if not (t.is_punct or t.is_space)]
        if len(words) <= OCCLUSION_WINDOW:
            return {label: doc.text.strip() for label in labels}
        step = max(1, (len(words) - OCCLUSION_WINDOW) // OCCLUSION_MAX + 1)
        starts = list(range(0, len(words) - OCCLUSION_WINDOW + 1, step))
        columns = _columns(doc)
        variants = []
        for s in starts:
            first, last = words[s].i, words[s + OCCLUSION_WINDOW - 1].i + 1
            variants.append(Occluded(doc.vocab, numpy.concatenate([columns[:first], columns[last:]]),
                                     cues(range(first, last))))
        occluded = self.probabilities(variants)
        out = {}
        for label in labels:
            drops = [base[label] - p[label] for p in occluded]
            best = max(range(len(starts)), key=lambda k: (drops[k], -k))
            first, last = words[starts[best]], words[starts[best] + OCCLUSION_WINDOW - 1]
            out[label] = doc.text[first.idx:last.idx + len(last.text)]
        return out


def _without(spans: Mapping[str, Sequence[tuple[int, int]]], dropped: range) -> dict:
    """The cues left when the tokens of `dropped` are removed.

    Running the matcher again on every occluded variant cost a tenth of a
    second per explained clause; cues a removal would newly join are rare
    enough to ignore in an explanation.
    """
    kept = {kind: [(s, e) for s, e in found if e <= dropped.start or s >= dropped.stop]
            for kind, found in spans.items()}
    return {kind: found for kind, found in kept.items() if found}


class CombinedScorer:
    """Patterns and textcat, label by label; a `tosmon.classify.Scorer`."""

    def __init__(self, patterns, textcat: TextcatModel, combination: Combination, digest: str):
        self.patterns = patterns
        self.textcat = textcat
        self.combination = combination
        self.version = f"textcat-{digest[:12]}+{patterns.version}"

    @classmethod
    def load(cls, path: Path = MODEL_DIR) -> "CombinedScorer":
        """Raises ClassifyError when the model directory is there but unusable."""
        from .patterns import PatternScorer

        try:
            textcat = TextcatModel.load(path)
            combination = Combination.read(path / COMBINE_FILE)
            missing = set(LABELS) - set(combination.thresholds)
            if missing:
                raise ValueError(f"{COMBINE_FILE} has no threshold for {sorted(missing)}")
        except ClassifyError:
            raise
        except Exception as error:  # spaCy raises many kinds on a damaged directory
            raise ClassifyError(f"the classifier model in {path} cannot be loaded ({error}); "
                                "rebuild it with `make setup`") from error
        return cls(PatternScorer(), textcat, combination, model_digest(path))

    def parts(self, texts: Sequence[str], langs: Sequence[str]) -> list[dict[str, tuple[float, float]]]:
        """(pattern score, textcat probability) per label: what the combination is tuned on."""
        analysed = analyse(self.patterns, texts, langs)
        textcat = self.textcat.probabilities([doc for doc, _ in analysed])
        return [{label: (p[label][0], t[label]) for label in LABELS} for (_, p), t in zip(analysed, textcat)]

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Scored]:
        analysed = analyse(self.patterns, texts, langs)
        textcat = self.textcat.probabilities([doc for doc, _ in analysed])
        return [self._one(doc, patterns, probabilities)
                for (doc, patterns), probabilities in zip(analysed, textcat)]

    def _one(self, doc, patterns: Scored, textcat: Mapping[str, float]) -> Scored:
        scores = self.combination.scores({label: patterns[label][0] for label in LABELS}, textcat)
        given = [label for label in LABELS if scores[label] >= GIVEN]
        unexplained = [label for label in given if not patterns[label][1]]
        explained = {}
        if unexplained:
            spans = doc._.get(_SPANS)
            explained = self.textcat.occlusion(doc, unexplained,
                                               lambda dropped: cue_features(_without(spans, dropped)), textcat)
        return {label: (scores[label], explained.get(label) or patterns[label][1] if label in given else "")
                for label in LABELS}
