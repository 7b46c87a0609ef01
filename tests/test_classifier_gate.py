"""The shipped classifier on platforms it never saw, against pinned floors.

The held-out test platforms are those of classifiers/data/splits.json: no
rule was written, no textcat trained and no threshold tuned on them. Each
figure in classifier_floors.json is the measured one less a small margin
(the none-flagged rate: plus one). Raise a floor when the model improves;
never lower one without saying why in the same commit.

Also: what the classifier is without a built model, with a damaged one, and
where a label given by the textcat alone gets its evidence.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tosmon.classify import Classifier
from tosmon.errors import ClassifyError
from tosmon.evaluate import evaluate
from tosmon.textcat import COMBINE_FILE, MODEL_DIR, model_present
from tosmon.patterns import VERSION as PATTERNS_VERSION

ROOT = Path(__file__).resolve().parents[1]
FLOORS = json.loads(Path(__file__).with_name("classifier_floors.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "classifiers"))

import corpus  # noqa: E402


@pytest.fixture(scope="module")
def shipped() -> Classifier:
    if not model_present(MODEL_DIR):
        pytest.fail(f"no trained classifier in {MODEL_DIR}: run `make setup` "
                    "(or .venv/bin/python classifiers/train.py) to build it")
    return Classifier.load()


@pytest.fixture(scope="module")
def held_out(shipped) -> dict:
    splits = corpus.read_splits()
    combine = json.loads((MODEL_DIR / COMBINE_FILE).read_text(encoding="utf-8"))
    seen = set(combine["platforms"]["train"]) | set(combine["platforms"]["validation"])
    assert not seen & set(splits["test"]), "the model was built on test platforms: rebuild it"
    rows = corpus.part(corpus.load(), splits, "test")
    assert len(rows) >= FLOORS["min_clauses"], "the held-out test set shrank"
    return evaluate(rows, shipped)


def test_held_out_macro_f1_stays_above_its_floor(held_out):
    assert held_out["classifier"]["macro_f1"] >= FLOORS["floors"]["macro_f1"], held_out["classifier"]["labels"]


def test_training_grants_are_found_without_crying_wolf(held_out):
    grant = held_out["classifier"]["labels"]["ai_training_grant"]
    assert grant["recall"] >= FLOORS["floors"]["ai_training_grant_recall"], grant
    assert grant["precision"] >= FLOORS["floors"]["ai_training_grant_precision"], grant


def test_few_clauses_about_nothing_are_flagged(held_out):
    assert held_out["classifier"]["none_flagged_rate"] <= FLOORS["ceilings"]["none_flagged_rate"], \
        [(e["id"], e["predicted"]) for e in held_out["errors"] if not e["gold"]]


def test_it_beats_a_keyword_search_by_a_wide_margin(held_out):
    assert held_out["margin_macro_f1"] >= FLOORS["floors"]["margin_over_keyword_baseline"], \
        (held_out["classifier"]["macro_f1"], held_out["baseline"]["macro_f1"])


def test_labels_the_textcat_alone_gives_carry_the_words_that_carried_them(shipped):
    rows = corpus.part(corpus.load(), corpus.read_splits(), "validation")
    texts = [r["text"] for r in rows]
    langs = Classifier.languages(texts, [r.get("lang") for r in rows])
    parts = shipped.scorer.parts(texts, langs)
    predictions = shipped.predict(texts, langs)
    by_textcat = [(t, label, p.evidence[label]) for t, p, q in zip(texts, predictions, parts)
                  for label in p.labels if q[label][0] < 0.5]
    assert by_textcat, "the textcat adds no label anywhere on the validation platforms"
    for text, label, words in by_textcat:
        assert words and words in text, (label, text)


def test_without_a_built_model_the_patterns_classify_alone(tmp_path):
    classifier = Classifier.load(tmp_path / "model")
    [p] = classifier.predict(["We use your content to train our AI models."], ["en"])
    assert classifier.version == p.model == PATTERNS_VERSION
    assert p.labels == ("ai_training_grant",)


def test_a_damaged_model_says_how_to_rebuild_it(tmp_path, shipped):
    damaged = tmp_path / "model"
    shutil.copytree(MODEL_DIR, damaged)
    (damaged / "textcat_multilabel" / "model").write_bytes(b"not a model")
    with pytest.raises(ClassifyError, match="make setup"):
        Classifier.load(damaged)


def test_the_version_names_the_model_files(tmp_path, shipped):
    """Stored predictions are reused only under the same version: a retrained model must differ."""
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    assert Classifier.load(copy).version == shipped.version
    combine = json.loads((copy / COMBINE_FILE).read_text(encoding="utf-8"))
    combine["thresholds"]["broad_license"] = 0.75
    (copy / COMBINE_FILE).write_text(json.dumps(combine), encoding="utf-8")
    other = Classifier.load(copy).version
    assert other != shipped.version and other.startswith("textcat-") and other.endswith("+" + PATTERNS_VERSION)


def test_the_combined_scorer_reads_the_patterns_as_they_score():
    """The combined scorer tokenises once for both halves; the pattern half must not drift."""
    from tosmon.models import LABELS
    from tosmon.patterns import PatternScorer
    from tosmon.textcat import analyse

    rows = corpus.load()[:400]
    texts = [r["text"] for r in rows]
    langs = Classifier.languages(texts, [r.get("lang") for r in rows])
    patterns = PatternScorer()
    assert [scored for _, scored in analyse(patterns, texts, langs)] == patterns.score(texts, langs)
    assert any(scored[label][0] >= 0.5 for scored in patterns.score(texts, langs) for label in LABELS)


def test_a_correction_naming_no_record_is_refused_with_its_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    record = {"id": "demo-001", "text": "We may use your posts to train our models.",
              "labels": ["ai_training_grant"], "lang": "en", "platform": "Demo"}
    (data / "clauses-demo.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    fixes = {"corrections": [{"id": "demo-002", "labels": ["none"], "reason": "typo in the id"}]}
    (data / "corrections.json").write_text(json.dumps(fixes), encoding="utf-8")
    with pytest.raises(ValueError, match=r"corrections\.json: no record has the id demo-002"):
        corpus.load(data)
    fixes["corrections"][0]["id"] = "demo-001"
    (data / "corrections.json").write_text(json.dumps(fixes), encoding="utf-8")
    [row] = corpus.load(data)
    assert row["gold"] == set() and row["note"].startswith("Corrected (typo in the id)")


def test_a_second_blind_reading_agrees_with_the_labels():
    """classifiers/agreement: if the labels drift from the guide, the figures above stop meaning much."""
    import agreement

    result = agreement.agreement(*agreement.readings())
    assert result["clauses"] == 300
    assert result["macro_f1"] >= 0.9, result["labels"]
