"""The main job, end to end: real recorded histories, served on loopback,
checked through every stage into a real SQLite file, alerts delivered through
apprise to real receivers. Each step must owe exactly what the history says."""

from __future__ import annotations

import json

import pytest

from tosmon import settings as settings_mod
from tosmon.demo import run_demo
from tosmon.replay import histories
from tosmon.store import Store


def _matches(item, expected) -> bool:
    texts = [t for t in (item.text, item.old_text) if t]
    return item.label == expected["label"] and any(expected["text"] in t for t in texts)


def _pairing_problems(items, expected) -> list[str]:
    """Every expected alert item found once, and nothing else alerted."""
    problems, unmatched = [], list(items)
    for want in expected:
        hit = next((i for i in unmatched if _matches(i, want)), None)
        if hit is None:
            problems.append(f"missing {want['label']}: {want['text']!r}")
        else:
            unmatched.remove(hit)
    problems += [f"unexpected {i.label} ({i.kind}): {i.text[:120]!r}" for i in unmatched]
    return problems


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    settings = settings_mod.load({"db": str(tmp_path_factory.mktemp("db") / "unused.db")}, environ={})
    return run_demo(settings, keep=True)


def test_every_history_step_owes_exactly_its_alerts(demo_run):
    with Store.open(demo_run.db) as store:
        delivered = store.delivered_alerts()
    by_step = {}
    for outbox in delivered:
        alert = outbox.alert
        by_step.setdefault((alert.document, alert.version_date.date().isoformat()), []).append(alert)
    problems = []
    for step in demo_run.steps:
        key = (f"{step.service}/{step.document}", step.date)
        alerts = by_step.get(key, [])
        if not step.expected:
            if alerts or step.received:
                problems.append(f"{key}: owes nothing, got {[i.label for a in alerts for i in a.items]}")
            continue
        if len(alerts) != 1 or len(step.received) != 1:
            problems.append(f"{key}: owes one alert, got {len(alerts)} recorded, {len(step.received)} received")
            continue
        problems += [f"{key}: {p}" for p in _pairing_problems(alerts[0].items, step.expected)]
    assert not problems, "\n".join(problems)


def test_first_versions_are_baselines_and_nothing_fails(demo_run):
    firsts = {}
    for step in demo_run.steps:
        assert step.result != "failed", f"{step.service} {step.date}: {step.reason}"
        firsts.setdefault(step.service, step)
    assert all(s.result == "first" and not s.received for s in firsts.values())


def test_received_alert_carries_label_exact_clause_date_and_link(demo_run):
    step = next(s for s in demo_run.steps if s.service == "zoom" and s.date == "2023-08-07")
    [payload] = step.received
    assert "Zoom" in payload["title"] and "Terms of Service" in payload["title"]
    message = payload["message"]
    assert "ai_training_restriction" in message
    assert ("Notwithstanding the above, Zoom will not use audio, video or chat Customer Content to "
            "train our artificial intelligence models without your consent.") in message
    assert "2023-08-07" in message
    assert "http://127.0.0.1:" in message


def test_every_recorded_history_is_replayed(demo_run):
    replayed = {(s.service, s.file) for s in demo_run.steps}
    for history in histories():
        for step in history.steps:
            assert (history.service, step.file) in replayed


def test_stance_after_replay_reads_the_current_terms(demo_run):
    zoom = demo_run.stances["zoom"]
    assert "ai_training_restriction" in zoom["labels"]
    assert "ai_training_grant" not in zoom["labels"], json.dumps(zoom["labels"].get("ai_training_grant"))
    reddit = demo_run.stances["reddit"]
    assert "ai_training_grant" in reddit["labels"]
