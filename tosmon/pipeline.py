"""The CPU-bound middle of the pipeline, as two pure steps.

`prepare` turns fetched pages into a normalised text and its digest: it runs
on every check, so it is all an unchanged document costs beyond the fetch.
`analyse` runs only when the digest differs from the latest version's:
segment, diff against the previous clauses, classify what is new.

Both are plain functions over plain values so the tracker can run them in
worker processes; the classifier is loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .classify import Classifier
from .diff import diff
from .errors import ExtractError
from .extract import extract
from .fetch.charset import decode
from .lang import detect_lang
from .models import Clause, ClauseChange, Prediction, Snapshot, Source, sha256
from .segment import segment


@dataclass(frozen=True)
class Prepared:
    text: str
    digest: str
    lang: str


@dataclass(frozen=True)
class Analysis:
    clauses: tuple[Clause, ...]
    predictions: tuple[Prediction, ...]
    changes: tuple[ClauseChange, ...]
    model: str


def prepare(pages: Sequence[tuple[Snapshot, Source]], lang: str | None) -> Prepared:
    """Extract the terms of every source of a document and join them in order.

    Raises ExtractError when a source's page does not hold the terms.
    """
    parts = []
    for snapshot, source in pages:
        try:
            parts.append(extract(decode(snapshot), source, base_url=snapshot.url))
        except ExtractError as error:
            raise ExtractError(f"{source.url}: {error}") from None
    text = "\n\n".join(p for p in parts if p)
    return Prepared(text=text, digest=sha256(text), lang=lang or detect_lang(text))


_classifier: Classifier | None = None


def classifier() -> Classifier:
    """The process's classifier, loaded on first use and kept."""
    global _classifier
    if _classifier is None:
        _classifier = Classifier.load()
    return _classifier


def analyse(text: str, lang: str,
            previous: Sequence[tuple[Clause, Prediction]] = (),
            previous_model: str = "") -> Analysis:
    """Segment a new text, align it with the previous version, classify it.

    Clauses whose text is unchanged keep the previous prediction when the
    model is the same, so a one-sentence edit costs one classification.
    """
    model = classifier()
    clauses = segment(text, lang)
    old = [clause for clause, _ in previous]
    changes = diff(old, clauses) if previous else ()
    reusable: dict[str, Prediction] = {}
    if previous and previous_model == model.version:
        reusable = {clause.text: prediction for clause, prediction in previous}
    todo = [c for c in clauses if c.text not in reusable]
    fresh = dict(zip((c.position for c in todo),
                     model.predict([c.text for c in todo], [lang] * len(todo)))) if todo else {}
    predictions = tuple(fresh.get(c.position) or reusable[c.text] for c in clauses)
    return Analysis(clauses=clauses, predictions=predictions, changes=tuple(changes),
                    model=model.version)
