"""Flag the clauses that concern AI training, scraping, AI content or broad licences.

`Classifier` is what the pipeline sees: texts in, one `Prediction` per text
out, labels in the canonical order with scores for all six and the words that
carried each label. Behind it sits a *scorer*: anything with a `version` and a
`score(texts, langs)` that returns, per text, `{label: (score, evidence)}` for
every label, on a scale where a label is given at THRESHOLD.

The scorer is the trained textcat combined with the pattern layer
(`tosmon.textcat`) when its model has been built from `classifiers/`
(`make setup` does), and the pattern layer alone (`tosmon.patterns`) before:
a fresh checkout still classifies, under another model version.

`classify_jsonl` is the `tosmon classify` contract: JSON lines
`{"id", "text", "lang"?}` in, `{"id", "labels", "scores", "evidence"}` out,
same order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Mapping, Protocol, Sequence, TextIO

from .errors import ClassifyError
from .lang import detect_lang
from .models import LABELS, Prediction

__all__ = ["Classifier", "Scorer", "classify_jsonl", "THRESHOLD", "DEFAULT_LANG"]

# A label is given when its score reaches this. The pattern layer scores a
# match 0.6-0.9 and a miss 0.02-0.2, so the threshold sits between the two;
# the combined scorer maps each label's tuned threshold onto it.
THRESHOLD = 0.5
DEFAULT_LANG = "en"


class Scorer(Protocol):
    """What a classifier backend provides."""

    version: str

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Mapping[str, tuple[float, str]]]:
        ...


def _lang_code(lang: str | None) -> str | None:
    """"fr-FR", "FR", "fr_CA" -> "fr"; None and "" stay unknown."""
    if not lang:
        return None
    return lang.strip().replace("_", "-").split("-")[0].lower() or None


class Classifier:
    """Texts in, one Prediction each out."""

    _loaded: "Classifier | None" = None

    def __init__(self, scorer: Scorer, threshold: float = THRESHOLD):
        self.scorer = scorer
        self.threshold = threshold

    @classmethod
    def load(cls, model: Path | None = None) -> "Classifier":
        """The classifier of this process, built once (tokenizers, matchers, model; no downloads).

        `model` names another model directory (built afresh, not kept); one
        that is not built means the pattern layer alone. Raises ClassifyError
        when a built model is there but cannot be read.
        """
        if model is None and cls._loaded is not None:
            return cls._loaded
        from .textcat import MODEL_DIR, CombinedScorer, model_present

        path = MODEL_DIR if model is None else model
        if model_present(path):
            scorer = CombinedScorer.load(path)
            patterns = scorer.patterns
        else:
            from .patterns import PatternScorer
            scorer = patterns = PatternScorer()
        patterns.pipeline(DEFAULT_LANG)  # the common case ready before the first clause
        classifier = cls(scorer)
        if model is None:
            cls._loaded = classifier
        return classifier

    @property
    def version(self) -> str:
        return self.scorer.version

    def predict(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Prediction]:
        """One Prediction per text, in order.

        A language that is None is detected from the text; one without cue
        tables of its own is read with the English ones. Raises ClassifyError
        when the inputs do not line up or a text is not a string.
        """
        texts = list(texts)
        if langs is None:
            langs = [None] * len(texts)
        elif len(langs) != len(texts):
            raise ClassifyError(f"{len(texts)} texts but {len(langs)} languages")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ClassifyError(f"text {i} is {type(text).__name__}, not a string")
        return [self._prediction(scored) for scored in self.scorer.score(texts, self.languages(texts, langs))]

    @staticmethod
    def languages(texts: Sequence[str], langs: Sequence[str | None]) -> list[str]:
        """Language codes as scorers take them: "fr-FR" -> "fr"; None detected from the text."""
        return [_lang_code(lang) or _lang_code(detect_lang(text)) or DEFAULT_LANG
                for text, lang in zip(texts, langs)]

    def _prediction(self, scored: Mapping[str, tuple[float, str]]) -> Prediction:
        scores = {label: round(scored[label][0], 3) for label in LABELS}
        labels = tuple(label for label in LABELS if scores[label] >= self.threshold)
        return Prediction(
            labels=labels,
            scores=scores,
            evidence={label: scored[label][1] for label in labels},
            model=self.version,
        )


def _parse(line: str, number: int) -> tuple[object, str, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise _line_error(number, f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(item, dict):
        raise _line_error(number, f"expected a JSON object, got {type(item).__name__}")
    if "id" not in item:
        raise _line_error(number, 'no "id"')
    text = item.get("text")
    if not isinstance(text, str):
        raise _line_error(number, 'no "text"' if text is None else '"text" is not a string')
    lang = item.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise _line_error(number, '"lang" is not a string')
    return item["id"], text, lang


def _line_error(number: int, what: str) -> ClassifyError:
    error = ClassifyError(f"line {number}: {what}")
    error.line = number  # type: ignore[attr-defined]
    return error


def classify_jsonl(lines: Iterable[str], out: TextIO, classifier: Classifier | None = None,
                   batch: int = 256) -> int:
    """Label JSON lines {"id", "text", "lang"?}; write {"id", "labels", "scores", "evidence"} each.

    Blank lines are skipped. Batches are written as they are done, so on a bad
    line the lines before its batch are already out. Returns how many lines
    were labelled; raises ClassifyError naming the first bad line.
    """
    classifier = classifier or Classifier.load()
    batch = max(1, batch)
    pending: list[tuple[object, str, str | None]] = []
    count = 0

    def flush() -> None:
        predictions = classifier.predict([t for _, t, _ in pending], [lang for _, _, lang in pending])
        for (ident, _, _), p in zip(pending, predictions):
            out.write(json.dumps({"id": ident, "labels": list(p.labels), "scores": dict(p.scores),
                                  "evidence": dict(p.evidence)}, ensure_ascii=False) + "\n")
        pending.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        pending.append(_parse(line, number))
        count += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return count
