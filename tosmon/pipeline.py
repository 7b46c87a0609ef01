"""The CPU-bound middle of the pipeline, as two pure steps.

`prepare` turns fetched pages into a normalised text and its digest: it runs
on every check, so it is all an unchanged document costs beyond the fetch.
`analyse_packed` runs only when the digest differs from the latest version's:
segment, diff against the previous clauses, classify what is new.

Both are plain functions over plain values so the tracker can run them in
worker processes; the classifier is loaded once per process. spaCy (behind
segment and classify) is imported only where `analyse_packed` first runs: the
tracker's process never needs it, and every forked worker would otherwise
carry a copy of it in its resident memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .diff import diff
from .errors import ExtractError
from .extract import extract
from .fetch.charset import decode
from .lang import detect_lang
from .models import Clause, ClauseChange, Prediction, Snapshot, Source, sha256

if TYPE_CHECKING:
    from .classify import Classifier


@dataclass(frozen=True)
class Prepared:
    text: str
    digest: str
    lang: str | None             # None for a text already known: nothing reads it then


@dataclass(frozen=True)
class Analysis:
    clauses: tuple[Clause, ...]
    predictions: tuple[Prediction, ...]
    changes: tuple[ClauseChange, ...]
    model: str


# What a page of terms is served as; anything else (a PDF, a download, an image)
# would decode to noise and become a version.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "text/markdown", ""})


def prepare(pages: Sequence[tuple[Snapshot, Source]], lang: str | None,
            known_digest: str | None = None) -> Prepared:
    """Extract the terms of every source of a document and join them in order.

    The language is detected only for a text whose digest is not
    `known_digest` (the latest version's): an unchanged text stops here, and
    detecting costs a fifth of the extraction.

    Raises ExtractError when a source's page does not hold the terms.
    """
    parts = []
    for snapshot, source in pages:
        if snapshot.media_type.lower() not in PAGE_TYPES:
            raise ExtractError(f"{source.url}: served as {snapshot.media_type}, not a web page; if the "
                               "terms moved to a PDF or a download, point the watchlist at their page")
        try:
            parts.append(extract(decode(snapshot), source, base_url=snapshot.url))
        except ExtractError as error:
            raise ExtractError(f"{source.url}: {error}") from None
    text = "\n\n".join(p for p in parts if p)
    digest = sha256(text)
    if not lang and digest != known_digest:
        lang = detect_lang(text)
    return Prepared(text=text, digest=digest, lang=lang or None)


_classifier: Classifier | None = None


def classifier() -> Classifier:
    """The process's classifier, loaded on first use and kept."""
    global _classifier
    if _classifier is None:
        from .classify import Classifier
        _classifier = Classifier.load()
    return _classifier


def _analysed(text: str, lang: str, old: Sequence[Clause], previous_model: str):
    """Segment a new text, align it with the previous clauses, classify what is new.

    Returns the clauses, the changes, and for each clause a fresh prediction or
    the index of the old clause whose prediction it keeps (same text, same
    model: a one-sentence edit costs one classification); then the model's version.
    """
    from .segment import segment

    model = classifier()
    clauses = segment(text, lang)
    changes = diff(old, clauses) if old else ()
    reusable: dict[str, int] = {}
    if old and previous_model == model.version:
        reusable = {clause.text: index for index, clause in enumerate(old)}
    todo = [c for c in clauses if c.text not in reusable]
    fresh = dict(zip((c.position for c in todo),
                     model.predict([c.text for c in todo], [lang] * len(todo)))) if todo else {}
    picks = [fresh.get(c.position) or reusable[c.text] for c in clauses]
    return clauses, tuple(changes), picks, model.version


# -- the hand-off between the tracker and a worker -----------------------------------
#
# A changed document's previous clauses go to a worker and its analysis comes
# back, some 200 clauses, predictions and changes each way. As dataclasses
# that is a pickle of thousands of objects, several milliseconds each side
# per document; as plain tuples that point at what the other side already
# holds, a fraction of that.

@dataclass(frozen=True)
class PackedAnalysis:
    """An Analysis as plain tuples; `unpack` with the previous clauses makes it whole."""

    clauses: tuple[tuple[int, str, str], ...]          # (position, heading, text)
    picks: tuple[tuple | int, ...]                     # a fresh prediction, or an old index
    changes: tuple[tuple, ...]                         # (kind, old, new, trivial, ops)
    model: str

    def unpack(self, previous: Sequence[tuple[Clause, Prediction]]) -> Analysis:
        clauses = tuple(Clause(*row) for row in self.clauses)
        predictions = tuple(previous[p][1] if isinstance(p, int) else Prediction(*p)
                            for p in self.picks)
        changes = tuple(
            ClauseChange(kind, _unref(old, previous, True), _unref(new, clauses, False), trivial, ops)
            for kind, old, new, trivial, ops in self.changes)
        return Analysis(clauses=clauses, predictions=predictions, changes=changes, model=self.model)


def pack_previous(previous: Sequence[tuple[Clause, Prediction]]) -> tuple[tuple[int, str, str], ...]:
    """The previous clauses as a worker needs them: their words, not their predictions."""
    return tuple((c.position, c.heading, c.text) for c, _ in previous)


def analyse_packed(text: str, lang: str, previous: Sequence[tuple[int, str, str]],
                   previous_model: str = "") -> PackedAnalysis:
    """Analyse a changed text in a worker: previous clauses from `pack_previous`, the answer packed."""
    old = [Clause(*row) for row in previous]
    clauses, changes, picks, model = _analysed(text, lang, old, previous_model)
    return PackedAnalysis(
        clauses=tuple((c.position, c.heading, c.text) for c in clauses),
        picks=tuple(p if isinstance(p, int) else (p.labels, p.scores, p.evidence, p.model)
                    for p in picks),
        changes=tuple((c.kind, _ref(c.old, old), _ref(c.new, clauses), c.trivial, c.ops)
                      for c in changes),
        model=model)


def _ref(clause: Clause | None, known: Sequence[Clause]) -> int | tuple | None:
    """A clause as its index when the other side holds an equal one there."""
    if clause is None:
        return None
    index = clause.position
    if 0 <= index < len(known) and known[index] == clause:
        return index
    return (clause.position, clause.heading, clause.text)


def _unref(ref: int | tuple | None, known: Sequence, pairs: bool) -> Clause | None:
    if ref is None:
        return None
    if isinstance(ref, int):
        return known[ref][0] if pairs else known[ref]
    return Clause(*ref)
