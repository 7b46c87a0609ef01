"""One check run, as a user of `tosmon check` sees it: real pages on loopback,
a real SQLite file, alerts owed in its outbox.

A new version only when the terms changed, an alert only to the subscriptions
it concerns, and never a version or an alert from a page that is not the terms.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from tests.fixtures.site import TERMS_MAIN, challenge_html, terms_html
from tosmon import settings as settings_mod
from tosmon.models import Document, Service, Source, Subscription, Watchlist
from tosmon.replay import ReplaySite, load_history
from tosmon.runner import check_once
from tosmon.store import Store
from tosmon.tracker import Tracker

ZOOM = load_history("zoom__terms_of_service")
T0 = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)

def make_settings(tmp_path, **changes):
    """In-process workers, no browser fallback, no retries: fast and deterministic."""
    base = settings_mod.load({"db": str(tmp_path / "tosmon.db")}, environ={})
    return settings_mod.replace(base, **{"workers": 1, "browser_fallback": False, "retries": 0,
                                         "timeout": 10.0, **changes})


def document(service: str, url: str, name: str = "Terms of Use", **source) -> Document:
    return Document(service=service, service_name=service.title(), name=name,
                    sources=(Source(url=url, **source),), lang="en")


def watchlist(tmp_path, documents, subscriptions=()) -> Watchlist:
    services = {}
    for doc in documents:
        services.setdefault(doc.service, []).append(doc)
    return Watchlist(path=str(tmp_path / "watchlist.yaml"),
                     services=tuple(Service(sid, sid.title(), tuple(docs))
                                    for sid, docs in services.items()),
                     subscriptions=tuple(subscriptions))


class Clock:
    """Check times a day apart, so versions have the dates a history would give them."""

    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, days: float = 1) -> datetime:
        self.now += timedelta(days=days)
        return self.now


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "tosmon.db") as opened:
        yield opened


@pytest.fixture
def replay():
    with ReplaySite() as site:
        yield site


def one(report):
    [outcome] = report.outcomes
    return outcome


def result_of(wl, store, settings, clock) -> str:
    """Check every document once, delivering nothing; the one outcome's result."""
    return one(check_once(wl, store, settings, deliver=False, clock=clock)[0]).result


def owed_to(store) -> dict[str, list]:
    found: dict[str, list] = {}
    for owed in store.owed_alerts():
        found.setdefault(owed.alert.subscription, []).append(owed.alert)
    return found


# -- first, unchanged, changed ------------------------------------------------------

def test_first_is_a_baseline_same_terms_are_unchanged_and_a_change_alerts_who_it_concerns(
        tmp_path, store, replay):
    zoom = document("zoom", replay.url("/zoom/terms"), name="Terms of Service")
    other = document("soundcloud", replay.url("/soundcloud/terms"))
    subscriptions = (
        Subscription("grants", "json://127.0.0.1:9/unused", labels=("ai_training_grant",)),
        Subscription("restrictions-only", "json://127.0.0.1:9/unused",
                     labels=("ai_training_restriction",)),
        Subscription("soundcloud-only", "json://127.0.0.1:9/unused", services=("soundcloud",)),
        Subscription("in-french", "json://127.0.0.1:9/unused", languages=("fr",)),
        Subscription("everything", "json://127.0.0.1:9/unused"),
    )
    wl = watchlist(tmp_path, [zoom, other], subscriptions)
    settings, clock = make_settings(tmp_path), Clock()
    key = zoom.key

    replay.serve("/zoom/terms", ZOOM.steps[0].markdown, "Zoom Terms of Service")
    report, _ = check_once(wl, store, settings, ["zoom"], deliver=False, clock=clock)
    assert (one(report).result, one(report).alerts) == ("first", 0)
    assert len(store.versions(key)) == 1 and store.owed_alerts() == []

    # Same terms, a page with a new nonce, counter, timestamp and session id.
    clock.tick()
    report, _ = check_once(wl, store, settings, ["zoom"], deliver=False, clock=clock)
    assert one(report).result == "unchanged"
    assert len(store.versions(key)) == 1 and store.owed_alerts() == []
    state = store.document_state(key)
    assert (state.last_outcome, state.last_check, state.last_change) == ("unchanged", clock.now,
                                                                       T0)

    # April 2023: Zoom grants itself AI-training rights over service-generated data.
    replay.serve("/zoom/terms", ZOOM.steps[1].markdown, "Zoom Terms of Service")
    clock.tick()
    report, _ = check_once(wl, store, settings, ["zoom"], deliver=False, clock=clock)
    outcome = one(report)
    assert outcome.result == "changed" and outcome.version_id == store.versions(key)[-1].id
    assert len(store.versions(key)) == 2

    owed = owed_to(store)
    assert sorted(owed) == ["everything", "grants"], "only subscriptions the change concerns"
    assert outcome.alerts == 2
    [grant_alert] = owed["grants"]
    assert grant_alert.kind == "change" and grant_alert.document == key
    assert {item.label for item in grant_alert.items} == {"ai_training_grant"}
    assert any("training and tuning of algorithms and models" in item.text
               for item in grant_alert.items)
    assert grant_alert.version_date == clock.now
    [everything] = owed["everything"]
    assert {"ai_training_grant", "broad_license"} <= {item.label for item in everything.items}


def test_a_change_without_flagged_clauses_makes_a_version_and_owes_nothing(tmp_path, store, replay):
    doc = document("zoom", replay.url("/t"), name="Terms of Service")
    wl = watchlist(tmp_path, [doc], [Subscription("everything", "json://127.0.0.1:9/unused")])
    settings, clock = make_settings(tmp_path), Clock()
    # 2023-04-01 -> 2023-07-28: the text moved on, no flagged clause changed.
    replay.serve("/t", ZOOM.steps[1].markdown)
    check_once(wl, store, settings, deliver=False, clock=clock)
    replay.serve("/t", ZOOM.steps[2].markdown)
    clock.tick()
    report, _ = check_once(wl, store, settings, deliver=False, clock=clock)
    assert (one(report).result, one(report).alerts) == ("changed", 0)
    assert len(store.versions(doc.key)) == 2 and store.owed_alerts() == []


# -- failed checks ---------------------------------------------------------------

def _not_found(site, path):
    site.page(path, "<html><body><h1>Page not found</h1></body></html>", status=404)


def _server_error(site, path):
    site.page(path, "<html><body><h1>500 Internal Server Error</h1></body></html>", status=500)


def _cloudflare(site, path):
    site.page(path, lambda hit: challenge_html(hit.host), status=403)


def _cloudflare_503(site, path):
    site.page(path, lambda hit: challenge_html(hit.host), status=503,
              headers={"Server": "cloudflare", "Retry-After": "0"})


def _redesigned(site, path):
    # The page no longer has the element the watchlist selects.
    site.page(path, lambda hit: terms_html(TERMS_MAIN.replace('id="terms"', 'id="legal-v2"')))


def _collapsed(site, path):
    # A maintenance notice inside the same chrome: long enough to pass for text,
    # a fraction of the terms it replaces.
    site.terms(path, '<main id="terms"><h1>Terms of Use</h1><p>Our terms are being updated. '
               "The new version will be published here shortly. In the meantime, the terms you "
               "accepted when you created your account continue to apply to your use of the "
               "service. Please come back later or contact support if you have questions.</p>"
               "</main>")


FAILURES = {
    # kind: (how the page breaks, words the reason must contain, status, transient, bot_blocked)
    "404": (_not_found, "404", 404, False, False),
    "500": (_server_error, "500", 500, True, False),
    "challenge-403": (_cloudflare, "anti-bot", 403, False, True),
    "challenge-503": (_cloudflare_503, "anti-bot", 503, False, True),
    "selector-missing": (_redesigned, "#terms", 200, False, False),
    "collapsed": (_collapsed, "of the last version", 200, False, False),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_failed_check_never_makes_a_version_or_an_alert_and_says_why(tmp_path, store, site, kind):
    breaks, words, status, transient, bot_blocked = FAILURES[kind]
    doc = document("soundpool", site.url("/tos"), select=("#terms",))
    wl = watchlist(tmp_path, [doc], [Subscription("everything", "json://127.0.0.1:9/unused")])
    settings, clock = make_settings(tmp_path), Clock()
    site.terms("/tos", TERMS_MAIN)
    assert result_of(wl, store, settings, clock) == "first"
    before = store.versions(doc.key)[0]

    breaks(site, "/tos")
    clock.tick()
    report, _ = check_once(wl, store, settings, deliver=False, clock=clock)

    outcome = one(report)
    assert outcome.result == "failed"
    assert words in outcome.reason
    assert (outcome.transient, outcome.bot_blocked) == (transient, bot_blocked)
    assert report.summary() == {"checked": 1, "unchanged": 0, "changed": 0, "failed": 1}
    assert [v.id for v in store.versions(doc.key)] == [before.id]
    assert store.owed_alerts() == []
    [row] = store.status()
    assert (row.last_outcome, row.failures, row.tracked) == ("failed", 1, True)
    assert words in row.last_reason
    assert row.last_change == T0, "a failed check is not a change"
    last = store.checks(doc.key)[-1]
    assert (last["outcome"], last["status"], last["transient"], last["bot_blocked"]) == (
        "failed", status, transient, bot_blocked)
    assert words in last["reason"]
    # The terms come back unchanged: unchanged, not a new version, and the streak resets.
    site.terms("/tos", TERMS_MAIN)
    clock.tick()
    assert result_of(wl, store, settings, clock) == "unchanged"
    assert len(store.versions(doc.key)) == 1 and store.owed_alerts() == []
    assert store.document_state(doc.key).failures == 0


def test_a_selector_that_never_matched_fails_the_first_check(tmp_path, store, site):
    doc = document("soundpool", site.url("/terms"), select=("#nope",))
    wl = watchlist(tmp_path, [doc])
    outcome = one(check_once(wl, store, make_settings(tmp_path), deliver=False)[0])
    assert outcome.result == "failed" and "#nope" in outcome.reason
    assert store.versions(doc.key) == []
    assert store.document_state(doc.key).last_reason == outcome.reason


def test_a_tiny_first_extraction_is_not_a_baseline(tmp_path, store, site):
    site.terms("/stub", '<main id="terms"><h1>Terms</h1><p>Coming soon.</p></main>')
    doc = document("soundpool", site.url("/stub"))
    outcome = one(check_once(watchlist(tmp_path, [doc]), store, make_settings(tmp_path),
                             deliver=False)[0])
    assert outcome.result == "failed" and "fewer than 200" in outcome.reason
    assert store.versions(doc.key) == []


@pytest.mark.parametrize("media_type, body", [
    ("application/octet-stream", bytes(range(256)) * 12),
    ("application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 12),
])
def test_a_page_that_is_not_text_is_a_failed_check(tmp_path, store, site, media_type, body):
    site.page("/tos", body, content_type=media_type)
    doc = document("soundpool", site.url("/tos"))
    outcome = one(check_once(watchlist(tmp_path, [doc]), store, make_settings(tmp_path),
                             deliver=False)[0])
    assert outcome.result == "failed" and media_type in outcome.reason
    assert store.versions(doc.key) == []


# -- no longer tracked, tracked again --------------------------------------------------

def test_untracked_is_owed_once_after_a_run_of_failures_and_tracked_again_once(
        tmp_path, store, site):
    doc = document("soundpool", site.url("/tos"))
    subscriptions = (Subscription("union", "json://127.0.0.1:9/unused"),
                     Subscription("elsewhere", "json://127.0.0.1:9/unused", services=("other",)))
    wl = watchlist(tmp_path, [doc], subscriptions)
    settings, clock = make_settings(tmp_path, untracked_after=3), Clock()
    site.terms("/tos", TERMS_MAIN)
    check_once(wl, store, settings, deliver=False, clock=clock)

    _not_found(site, "/tos")
    kinds_after = []
    for _ in range(6):
        clock.tick(0.25)
        assert result_of(wl, store, settings, clock) == "failed"
        kinds_after.append([o.alert.kind for o in store.owed_alerts()])
    assert kinds_after == [[], [], ["untracked"], ["untracked"], ["untracked"], ["untracked"]]
    [untracked] = store.owed_alerts()
    assert untracked.alert.subscription == "union"
    assert "no longer tracked" in untracked.alert.title and "404" in untracked.alert.body
    [row] = store.status()
    assert (row.tracked, row.failures) == (False, 6)

    site.terms("/tos", TERMS_MAIN)
    for _ in range(2):
        clock.tick(0.25)
        assert result_of(wl, store, settings, clock) == "unchanged"
    assert [o.alert.kind for o in store.owed_alerts()] == ["untracked", "tracked_again"]
    [row] = store.status()
    assert (row.tracked, row.failures, row.versions) == (True, 0, 1)

    # A second outage is news again, once.
    _not_found(site, "/tos")
    for _ in range(4):
        clock.tick(0.25)
        check_once(wl, store, settings, deliver=False, clock=clock)
    assert [o.alert.kind for o in store.owed_alerts()] == [
        "untracked", "tracked_again", "untracked"]


# -- one run, many documents ---------------------------------------------------------

def test_a_failing_document_does_not_stop_the_others(tmp_path, store, site):
    docs = [document("gone", site.url("/not-found")),
            document("walled", site.url("/blocked")),
            document("soundpool", site.url("/terms")),
            document("slowpoke", site.url("/slow?seconds=0.3"))]
    wl = watchlist(tmp_path, docs)
    report, _ = check_once(wl, store, make_settings(tmp_path), deliver=False)
    results = {o.document: o.result for o in report.outcomes}
    assert results == {"gone/Terms of Use": "failed", "walled/Terms of Use": "failed",
                       "soundpool/Terms of Use": "first", "slowpoke/Terms of Use": "first"}
    assert report.summary() == {"checked": 4, "unchanged": 0, "changed": 2, "failed": 2}
    assert {row.key: row.versions for row in store.status()} == {
        "gone/Terms of Use": 0, "walled/Terms of Use": 0,
        "soundpool/Terms of Use": 1, "slowpoke/Terms of Use": 1}


def test_a_document_the_store_refuses_fails_alone(tmp_path, store, site, replay):
    """A version older than the stored one is refused; the other documents are recorded."""
    zoom = document("zoom", replay.url("/t"), name="Terms of Service")
    settings, late = make_settings(tmp_path), Clock(T0 + timedelta(days=30))
    replay.serve("/t", ZOOM.steps[2].markdown)
    assert result_of(watchlist(tmp_path, [zoom]), store, settings, late) == "first"

    replay.serve("/t", ZOOM.steps[3].markdown)
    wl = watchlist(tmp_path, [zoom, document("soundpool", site.url("/terms"))])
    report, _ = check_once(wl, store, settings, deliver=False, clock=Clock(T0))
    outcomes = {o.document: o for o in report.outcomes}
    assert outcomes["soundpool/Terms of Use"].result == "first"
    refused = outcomes["zoom/Terms of Service"]
    assert refused.result == "failed"
    assert "not recorded" in refused.reason and "older than the latest" in refused.reason
    assert {row.key: row.versions for row in store.status()} == {
        "zoom/Terms of Service": 1, "soundpool/Terms of Use": 1}


def test_only_the_services_named_are_checked(tmp_path, store, site):
    docs = [document("soundpool", site.url("/terms")), document("other", site.url("/etag"))]
    report, _ = check_once(watchlist(tmp_path, docs), store, make_settings(tmp_path),
                           ["other"], deliver=False)
    assert [o.document for o in report.outcomes] == ["other/Terms of Use"]
    assert site.hits("/terms") == []


# -- conditional requests --------------------------------------------------------------

def test_a_304_answer_counts_as_unchanged(tmp_path, store, site):
    doc = document("soundpool", site.url("/etag"))
    wl = watchlist(tmp_path, [doc])
    settings, clock = make_settings(tmp_path), Clock()
    assert result_of(wl, store, settings, clock) == "first"
    clock.tick()
    assert result_of(wl, store, settings, clock) == "unchanged"

    first, second = site.hits("/etag")
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"v1-5f2b"'
    assert len(store.versions(doc.key)) == 1
    assert [(c["outcome"], c["status"]) for c in store.checks(doc.key)] == [
        ("first", 200), ("unchanged", 304)]
    # The validators survive the 304, so the next check is conditional too.
    clock.tick()
    check_once(wl, store, settings, deliver=False, clock=clock)
    assert site.hits("/etag")[-1].headers["if-none-match"] == '"v1-5f2b"'
    assert store.checks(doc.key)[-1]["status"] == 304


# -- interrupted and overlapping runs -----------------------------------------------------

def test_alerts_owed_by_an_interrupted_run_are_delivered_by_the_next_once(tmp_path, store, replay):
    doc = document("zoom", replay.url("/t"), name="Terms of Service")
    hook = f"json://{replay.base.removeprefix('http://')}/hook"
    wl = watchlist(tmp_path, [doc], [Subscription("hook", hook)])
    settings, clock = make_settings(tmp_path), Clock()
    replay.serve("/t", ZOOM.steps[2].markdown)
    check_once(wl, store, settings, clock=clock)
    replay.serve("/t", ZOOM.steps[3].markdown)
    clock.tick()
    # The run recorded the version and its alert, then stopped before delivering.
    report, delivery = check_once(wl, store, settings, deliver=False, clock=clock)
    assert (one(report).result, one(report).alerts, delivery) == ("changed", 1, None)
    assert replay.received == []

    for _ in range(2):
        clock.tick()
        report, delivery = check_once(wl, store, settings, clock=clock)
        assert one(report).result == "unchanged"
    assert len(replay.received) == 1
    assert "ai_training_restriction" in replay.received[0]["payload"]["message"]
    assert store.owed_alerts() == [] and len(store.delivered_alerts()) == 1


def test_two_runs_recording_the_same_version_at_once_record_it_once(tmp_path, replay):
    """`tosmon run` and a manual `tosmon check` on the same file, the same change."""
    db = tmp_path / "tosmon.db"
    doc = document("zoom", replay.url("/t"), name="Terms of Service")
    wl = watchlist(tmp_path, [doc], [Subscription("everything", "json://127.0.0.1:9/unused")])
    settings, clock = make_settings(tmp_path), Clock()
    replay.serve("/t", ZOOM.steps[2].markdown)
    with Store.open(db) as store:
        check_once(wl, store, settings, deliver=False, clock=clock)
    replay.serve("/t", ZOOM.steps[3].markdown)
    clock.tick()

    async def both():
        with Store.open(db) as one_store, Store.open(db) as other_store:
            return await asyncio.gather(
                Tracker(wl, one_store, settings, clock=clock).check([doc]),
                Tracker(wl, other_store, settings, clock=clock).check([doc]))

    reports = asyncio.run(both())
    assert all(one(r).result == "changed" for r in reports)
    assert len({one(r).version_id for r in reports}) == 1
    with Store.open(db) as store:
        assert len(store.versions(doc.key)) == 2
        assert len(store.changes(doc.key)) == 2          # the baseline and this one
        assert [o.alert.kind for o in store.owed_alerts()] == ["change"]
        assert [c["outcome"] for c in store.checks(doc.key)] == ["first", "changed"]


def test_the_same_document_listed_twice_in_one_run_is_recorded_once(tmp_path, store, site):
    doc = document("soundpool", site.url("/terms"))
    wl = watchlist(tmp_path, [doc])
    report = asyncio.run(Tracker(wl, store, make_settings(tmp_path)).check([doc, doc]))
    assert len({o.version_id for o in report.outcomes}) == 1
    assert len(store.versions(doc.key)) == 1


def test_worker_processes_give_the_same_results_as_one_process(tmp_path, site):
    """More than two documents and several workers: extraction and classification
    run in forked processes, and what they return is recorded the same way."""
    docs = [document("soundpool", site.url("/terms")), document("etagged", site.url("/etag")),
            document("gone", site.url("/not-found")), document("latin", site.url("/latin1"))]
    results = {}
    for workers in (1, 2):
        with Store.open(tmp_path / f"w{workers}.db") as store:
            report, _ = check_once(watchlist(tmp_path, docs), store,
                                   make_settings(tmp_path, workers=workers), deliver=False)
            results[workers] = (
                {o.document: o.result for o in report.outcomes},
                {row.key: (row.versions, row.last_outcome) for row in store.status()},
                {d.key: [c.clause.text for v in store.versions(d.key) for c in v.clauses]
                 for d in docs},
                {d.key: sorted({l for v in store.versions(d.key) for c in v.clauses
                                for l in c.prediction.labels}) for d in docs})
    assert results[2] == results[1]
    assert results[2][0]["gone/Terms of Use"] == "failed"
    assert "ai_training_restriction" in results[2][3]["soundpool/Terms of Use"]
