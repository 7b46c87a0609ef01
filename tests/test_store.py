"""The SQLite store, on real files: clause identity, flags, outbox, migrations, errors."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import pytest

from tosmon.errors import StoreError
from tosmon.models import (Alert, AlertItem, Clause, ClauseChange, Document, Prediction, Service,
                           Snapshot, Source, Subscription, Version, Watchlist, NONE)
from tosmon.store import Store
from tosmon.store.schema import connect, migrate, schema_version

KEY = "soundcloud/Terms of Use"
T0 = datetime(2024, 2, 7, 9, 30, tzinfo=timezone.utc)
T1 = datetime(2025, 5, 14, 18, 0, tzinfo=timezone.utc)
T2 = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)

GRANT = ("You explicitly agree that your Content may be used to inform, train, develop or serve "
         "as input to artificial intelligence or machine intelligence technologies.")
PROMISE = ("We will not use Your Content to train generative AI models that aim to replicate or "
           "synthesize your voice, music, or likeness without your explicit consent.")
LICENCE = "You grant us a worldwide, royalty-free, sublicensable licence to your Content."
FEES = "Fees are charged monthly."
SUPPORT = "Contact support at any time."


def snapshot(text: str, at: datetime, etag: str | None = None, status: int = 200) -> Snapshot:
    return Snapshot(url="https://soundcloud.example/terms", fetched_at=at, status=status,
                    content=f"<html><main>{text}</main></html>".encode(), etag=etag)


def clauses_of(*texts: str, heading: str = "Your Content") -> list[Clause]:
    return [Clause(i, heading, t) for i, t in enumerate(texts)]


def flag(label: str, score: float, evidence: str) -> Prediction:
    return Prediction(labels=(label,), scores={label: score}, evidence={label: evidence})


def record(store: Store, clauses: list[Clause], at: datetime, *, predictions=None,
           changes=(), alerts=(), key: str = KEY, etag: str | None = None) -> int:
    text = "\n\n".join(c.text for c in clauses)
    return store.record_version(
        key, snapshot(text, at, etag), Version(key, at, text, "en"), clauses,
        predictions or [NONE] * len(clauses), list(changes), list(alerts), "tosmon-test-1")


def change_alert(subscription: str, at: datetime) -> Alert:
    return Alert(subscription=subscription, kind="change", document=KEY,
                 title="SoundCloud — Terms of Use changed",
                 body="1 clause on AI training changed",
                 items=(AlertItem(label="ai_training_restriction", kind="modified", text=PROMISE,
                                  old_text=GRANT, evidence="not use Your Content to train"),),
                 url="https://soundcloud.example/terms", version_date=at)


def soundcloud_history(store: Store) -> dict:
    """The 2024 grant, then the 2025 rewording into a promise: the story tosmon exists for."""
    v1 = clauses_of(LICENCE, GRANT, FEES)
    p1 = [flag("broad_license", 0.91, "worldwide, royalty-free"),
          flag("ai_training_grant", 0.97, "used to inform, train"), NONE]
    first = record(store, v1, T0, predictions=p1, etag='"v1"')
    v2 = clauses_of(LICENCE, PROMISE, SUPPORT)
    p2 = [flag("broad_license", 0.9, "worldwide, royalty-free"),
          flag("ai_training_restriction", 0.95, "will not use Your Content to train"), NONE]
    changes = [ClauseChange("unchanged", v1[0], v2[0]),
               ClauseChange("modified", v1[1], v2[1],
                            ops=((-1, "You explicitly agree"), (1, "We will not"))),
               ClauseChange("removed", v1[2], None),
               ClauseChange("added", None, v2[2])]
    second = record(store, v2, T1, predictions=p2, changes=changes,
                    alerts=[change_alert("adami", T1), change_alert("spedidam", T1)], etag='"v2"')
    return {"v1": first, "v2": second}


def count(store: Store, table: str) -> int:
    return store._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "storage" / "tosmon.db") as opened:
        yield opened


# -- clause identity ----------------------------------------------------------

def test_a_reworded_clause_keeps_its_identity_and_a_removed_one_ends(store):
    ids = soundcloud_history(store)
    first = store.versions(KEY)[0].clauses
    latest = store.latest_version(KEY)
    assert latest.id == ids["v2"]
    assert [c.clause.text for c in latest.clauses] == [LICENCE, PROMISE, SUPPORT]
    licence, grant, fees = (c.clause_id for c in first)
    assert latest.clauses[0].clause_id == licence
    assert latest.clauses[1].clause_id == grant          # the promise is the grant, reworded
    assert latest.clauses[2].clause_id not in {licence, grant, fees}

    gone = store.clause_history(fees)
    assert gone["current"] is False
    assert (gone["last_version"], gone["removed_in"]) == (ids["v1"], ids["v2"])
    assert gone["removed_at"].startswith("2025-05-14")

    life = store.clause_history(grant)
    assert life["current"] is True and life["first_seen"].startswith("2024-02-07")
    assert [w["text"] for w in life["wordings"]] == [GRANT, PROMISE]
    assert [f["label"] for f in life["wordings"][0]["flags"]] == ["ai_training_grant"]
    assert [f["label"] for f in life["wordings"][1]["flags"]] == ["ai_training_restriction"]


def test_the_first_version_gives_every_clause_a_new_identity(store):
    version_id = record(store, clauses_of(LICENCE, GRANT), T0)
    (change,) = store.changes(KEY)
    assert change["from_version"] is None and change["to_version"] == version_id
    assert (change["added"], change["removed"], change["items"]) == (2, 0, [])
    state = store.document_state(KEY)
    assert (state.versions, state.last_outcome, state.failures) == (1, "first", 0)
    assert state.last_digest == store.latest_version(KEY).digest


def test_recording_the_same_text_again_records_nothing(store):
    ids = soundcloud_history(store)
    before = {t: count(store, t) for t in ("versions", "checks", "alerts", "changes", "clauses")}
    again = record(store, clauses_of(LICENCE, PROMISE, SUPPORT), T2,
                   alerts=[change_alert("adami", T2)])
    assert again == ids["v2"]
    assert {t: count(store, t) for t in before} == before


def test_a_version_older_than_the_latest_is_refused(store):
    record(store, clauses_of(LICENCE), T1)
    with pytest.raises(StoreError, match="older than the latest"):
        record(store, clauses_of(GRANT), T0)


# -- flags and reading -----------------------------------------------------------

def test_flags_are_read_back_with_their_scores_and_evidence(store):
    soundcloud_history(store)
    first, latest = store.versions(KEY)
    assert first.clauses[1].prediction.labels == ("ai_training_grant",)
    assert first.clauses[1].prediction.scores == {"ai_training_grant": 0.97}
    assert first.clauses[1].prediction.evidence == {"ai_training_grant": "used to inform, train"}
    assert first.clauses[1].prediction.model == "tosmon-test-1"
    assert latest.clauses[2].prediction.labels == ()
    assert latest.clauses[2].prediction.model == "tosmon-test-1"   # judged, found nothing
    assert store.version_at(KEY, T0 + timedelta(days=400)).id == first.id
    assert store.version_at(KEY, T0 - timedelta(seconds=1)) is None
    assert store.version_at(KEY, None).id == latest.id


def test_changes_show_which_label_left_and_which_arrived(store):
    soundcloud_history(store)
    _, change = store.changes(KEY)
    assert (change["added"], change["removed"], change["modified"]) == (1, 1, 1)
    assert change["from_date"].startswith("2024-02-07")
    assert change["to_date"].startswith("2025-05-14")
    assert change["labels"] == ["ai_training_grant", "ai_training_restriction"]
    by_kind = {item["kind"]: item for item in change["items"]}
    modified = by_kind["modified"]
    assert (modified["old_text"], modified["new_text"]) == (GRANT, PROMISE)
    assert [f["label"] for f in modified["old_flags"]] == ["ai_training_grant"]
    assert modified["flags"][0] == {"label": "ai_training_restriction", "score": 0.95,
                                    "evidence": "will not use Your Content to train",
                                    "model": "tosmon-test-1"}
    assert modified["ops"] == [[-1, "You explicitly agree"], [1, "We will not"]]
    assert modified["labels"] == ["ai_training_restriction", "ai_training_grant"]
    assert modified["evidence"]["ai_training_grant"] == "used to inform, train"
    assert by_kind["removed"]["old_text"] == FEES and by_kind["added"]["new_text"] == SUPPORT
    assert "unchanged" not in by_kind


def test_current_flags_tell_since_when_the_terms_say_it(store):
    store.sync_watchlist(watchlist())
    soundcloud_history(store)
    licence, promise = store.current_flags("soundcloud")
    assert (promise["document"], promise["label"]) == (KEY, "ai_training_restriction")
    assert promise["text"] == PROMISE and promise["heading"] == "Your Content"
    assert promise["evidence"] == "will not use Your Content to train"
    assert promise["version_date"].startswith("2025-05-14")
    assert promise["first_seen"].startswith("2024-02-07")      # the clause is old...
    assert promise["text_since"].startswith("2025-05-14")      # ...its wording is new
    assert (licence["label"], licence["text_since"][:10]) == ("broad_license", "2024-02-07")
    assert store.current_flags("nobody") == []


# -- checks ------------------------------------------------------------------------

def test_an_unchanged_check_is_cheap_and_resets_failures(store):
    record(store, clauses_of(LICENCE, GRANT), T0, etag='"v1"')
    snapshots = count(store, "snapshots")
    assert store.record_failure(KEY, T1, "HTTP 503", transient=True, bot_blocked=False,
                                status=503) == 1
    blocked = Snapshot(url="https://soundcloud.example/terms", fetched_at=T1, status=403,
                       content=b"<html>Just a moment...</html>")
    assert store.record_failure(KEY, T1, "challenge page", transient=False, bot_blocked=True,
                                snapshot=blocked) == 2
    assert store.snapshot(blocked.digest) == blocked.content     # kept to examine later
    assert store.document_state(KEY).failures == 2

    fresh = Snapshot(url="https://soundcloud.example/terms", fetched_at=T2, status=200,
                     content=b"<html>same text, new markup</html>", etag='"v1b"')
    store.record_unchanged(KEY, T2, fresh)
    state = store.document_state(KEY)
    assert (state.failures, state.last_outcome, state.etag) == (0, "unchanged", '"v1b"')
    assert count(store, "snapshots") == snapshots + 1            # only the failed page's bytes
    store.record_unchanged(KEY, T2 + timedelta(hours=6),
                           Snapshot(url=fresh.url, fetched_at=T2, status=304, content=b"",
                                    not_modified=True))
    assert store.document_state(KEY).etag == '"v1b"'            # a 304 keeps the validator
    outcomes = [(c["outcome"], c["status"], c["bot_blocked"]) for c in store.checks(KEY)]
    assert outcomes == [("first", 200, None), ("failed", 503, False), ("failed", 403, True),
                        ("unchanged", 200, None), ("unchanged", 304, None)]


def test_a_document_never_checked_has_an_empty_state():
    store = Store.open(":memory:")
    state = store.document_state("zoom/Terms of Service")
    assert (state.versions, state.failures, state.tracked, state.last_check) == (0, 0, True, None)
    with pytest.raises(StoreError, match="zoom/Terms of Service"):
        store.record_unchanged("zoom/Terms of Service", T0, None)
    store.close()


def test_status_lists_watched_documents_and_keeps_history_of_dropped_ones(store):
    store.sync_watchlist(watchlist())
    soundcloud_history(store)
    store.set_next_due(KEY, T2)
    store.set_tracked("soundcloud/Privacy Policy", False)
    rows = {s.key: s for s in store.status()}
    assert set(rows) == {KEY, "soundcloud/Privacy Policy"}
    assert rows[KEY].url == "https://soundcloud.example/terms" and rows[KEY].versions == 2
    assert rows[KEY].last_change == T1 and rows[KEY].next_due == T2
    assert rows["soundcloud/Privacy Policy"].tracked is False
    assert store.due_times() == {KEY: T2, "soundcloud/Privacy Policy": None}

    store.sync_watchlist(watchlist(privacy_only=True))
    assert [s.key for s in store.status()] == ["soundcloud/Privacy Policy"]
    assert len(store.versions(KEY, with_clauses=False)) == 2


def test_subscriptions_are_stored_without_their_target(tmp_path):
    path = tmp_path / "tosmon.db"
    with Store.open(path) as store:
        store.sync_watchlist(watchlist())
        filters = store._conn.execute("SELECT filters FROM subscriptions WHERE name = 'adami'"
                                      ).fetchone()[0]
    assert '"services": ["soundcloud"]' in filters
    assert b"hunter2" not in path.read_bytes()


# -- outbox -----------------------------------------------------------------------------

def test_an_alert_is_owed_until_delivered_and_never_duplicated(store):
    soundcloud_history(store)
    owed = store.owed_alerts()
    assert [o.alert.subscription for o in owed] == ["adami", "spedidam"]
    assert owed[0].alert.items[0].old_text == GRANT and owed[0].alert.version_date == T1
    assert owed[0].change_id == store.changes(KEY)[1]["id"]

    store.mark_failed(owed[0].id, "connection refused")
    retry = store.owed_alerts()[0]
    assert (retry.id, retry.attempts, retry.last_error) == (owed[0].id, 1, "connection refused")
    store.mark_delivered(owed[0].id, T2)
    store.mark_delivered(owed[0].id, T2 + timedelta(hours=1))   # a second report changes nothing
    assert [o.alert.subscription for o in store.owed_alerts()] == ["spedidam"]
    (done,) = store.delivered_alerts()
    assert (done.attempts, done.delivered_at) == (2, T2)
    with pytest.raises(StoreError, match="no alert 999"):
        store.mark_delivered(999, T2)

    untracked = [Alert(subscription=s, kind="untracked", document=KEY,
                       title="SoundCloud — Terms of Use no longer tracked",
                       body="3 failed checks")
                 for s in ("adami", "spedidam")]
    assert store.enqueue(untracked, dedupe="untracked:soundcloud/Terms of Use:2025-06-01") == 2
    assert store.enqueue(untracked, dedupe="untracked:soundcloud/Terms of Use:2025-06-01") == 0
    assert [o.alert.kind for o in store.owed_alerts()] == ["change", "untracked", "untracked"]


def test_untracking_and_tracking_again_owe_their_alerts_once(store):
    record(store, clauses_of(LICENCE), T0)
    gone = [Alert(subscription="adami", kind="untracked", document=KEY,
                  title="SoundCloud — Terms of Use no longer tracked", body="3 failed checks")]
    assert store.untrack(KEY, gone, dedupe="untracked:1") == 1
    assert store.untrack(KEY, gone, dedupe="untracked:1") == 0
    assert store.document_state(KEY).tracked is False
    back = [Alert(subscription="adami", kind="tracked_again", document=KEY,
                  title="SoundCloud — Terms of Use tracked again", body="checks work again")]
    assert store.retrack(KEY, back, dedupe="tracked_again:1") == 1
    assert store.document_state(KEY).tracked is True
    assert [o.alert.kind for o in store.owed_alerts()] == ["untracked", "tracked_again"]


# -- all or nothing ----------------------------------------------------------------

def test_a_failure_midway_leaves_nothing_half_written(tmp_path):
    path = tmp_path / "tosmon.db"
    with Store.open(path) as store:
        first = record(store, clauses_of(LICENCE, GRANT), T0, etag='"v1"')
        tables = ("versions", "clauses", "clause_texts", "flags", "changes", "change_items",
                  "checks", "alerts", "snapshots")
        before = {t: count(store, t) for t in tables}
        v1 = store.latest_version(KEY).clauses
        v2 = clauses_of(LICENCE, PROMISE, SUPPORT)
        broken = Prediction(labels=("ai_training_restriction",),
                            scores={"ai_training_restriction": "very high"})
        changes = [ClauseChange("unchanged", v1[0].clause, v2[0]),
                   ClauseChange("modified", v1[1].clause, v2[1]),
                   ClauseChange("added", None, v2[2])]
        with pytest.raises(ValueError):
            record(store, v2, T1, predictions=[NONE, NONE, broken], changes=changes,
                   alerts=[change_alert("adami", T1)], etag='"v2"')
    with Store.open(path) as store:
        assert {t: count(store, t) for t in tables} == before
        state = store.document_state(KEY)
        assert (state.versions, state.etag, state.last_outcome) == (1, '"v1"', "first")
        assert store.latest_version(KEY).id == first
        second = record(store, v2, T1, predictions=[NONE, NONE, NONE], changes=changes)
        carried = [c.clause_id for c in store.latest_version(KEY).clauses][:2]
        assert carried == [c.clause_id for c in v1]
        assert second == first + 1


# -- the file -------------------------------------------------------------------------

def test_a_database_of_the_previous_schema_is_migrated(tmp_path):
    path = str(tmp_path / "old.db")
    conn = connect(path)
    assert migrate(conn, path, upto=schema_version() - 1) == schema_version() - 1
    old = Store(conn, path)
    soundcloud_history(old)
    old.close()
    with Store.open(path) as store:
        assert store.schema_version == schema_version()
        indexes = {name for (name,) in store._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "clause_texts_by_clause" in indexes
        assert store.changes(KEY)[1]["labels"] == ["ai_training_grant", "ai_training_restriction"]
        rows = store._conn.execute(
            "SELECT text, clause_first_seen, in_latest FROM flagged_clauses "
            "WHERE label = 'ai_training_grant'").fetchall()
        assert rows == [(GRANT, "2024-02-07T09:30:00.000000Z", 0)]
        lives = store._conn.execute("SELECT wordings, text FROM clause_lives WHERE text = ?",
                                    (PROMISE,)).fetchall()
        assert lives == [(2, PROMISE)]
        owed = store.owed_alerts()
        assert owed and [o.parts_sent for o in owed] == [0] * len(owed)


def test_a_file_that_is_not_a_database_is_refused_with_its_path(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError) as error:
        Store.open(path)
    assert str(path) in str(error.value) and "not a tosmon database" in str(error.value)
    assert path.read_text().startswith("these are my notes")


def test_a_newer_schema_or_another_programs_database_is_refused(tmp_path):
    newer = tmp_path / "newer.db"
    Store.open(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer than this tosmon knows"):
        Store.open(newer)

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match="another program"):
        Store.open(other)


def test_a_path_that_cannot_hold_a_database_is_refused(tmp_path):
    blocker = tmp_path / "storage"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store.open(blocker / "tosmon.db")
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_a_new_file_is_created_with_its_folders_in_wal_mode(tmp_path):
    path = tmp_path / "deep" / "storage" / "tosmon.db"
    with Store.open(path) as store:
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        record(store, clauses_of(LICENCE), T0)
    with Store.open(path) as reopened:
        assert reopened.document_state(KEY).versions == 1


def test_a_reader_is_not_blocked_by_the_writer_and_sees_each_version(tmp_path):
    path = tmp_path / "tosmon.db"
    with Store.open(path) as tracker, Store.open(path) as web:
        first = record(tracker, clauses_of(LICENCE, GRANT), T0)
        assert web.document_state(KEY).versions == 1
        with web._reading():                       # a page being rendered from one state
            assert web.latest_version(KEY).id == first
            second = record(tracker, clauses_of(LICENCE, PROMISE), T1)
            assert web.latest_version(KEY).id == first
        assert web.latest_version(KEY).id == second
        assert web.document_state(KEY).versions == 2


def test_threads_sharing_a_store_take_turns(tmp_path):
    keys = [f"service{i}/Terms" for i in range(4)]
    with Store.open(tmp_path / "tosmon.db") as store:
        def worker(key: str) -> None:
            record(store, clauses_of(LICENCE, GRANT), T0, key=key)
            for n in range(25):
                store.record_failure(key, T1 + timedelta(minutes=n), "HTTP 503",
                                     transient=True, bot_blocked=False)
                store.document_state(key)
        threads = [threading.Thread(target=worker, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [(s.key, s.versions, s.failures) for s in store.status()] == \
            [(key, 1, 25) for key in keys]


def watchlist(privacy_only: bool = False) -> Watchlist:
    terms = Document(service="soundcloud", service_name="SoundCloud", name="Terms of Use",
                     sources=(Source("https://soundcloud.example/terms", select=("main",)),))
    privacy = Document(service="soundcloud", service_name="SoundCloud", name="Privacy Policy",
                       sources=(Source("https://soundcloud.example/privacy"),))
    documents = (privacy,) if privacy_only else (terms, privacy)
    return Watchlist(
        path="watchlist.yaml",
        services=(Service("soundcloud", "SoundCloud", documents),),
        subscriptions=(Subscription("adami", "json://hunter2@127.0.0.1:9/hook",
                                    services=("soundcloud",)),
                       Subscription("spedidam", "mailto://user:hunter2@127.0.0.1")))
