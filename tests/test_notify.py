"""Alert delivery: what a subscriber receives, and that nothing is lost or sent twice.

Every test delivers through apprise to the real receivers of the `inbox`
fixture (a webhook endpoint and an SMTP server on 127.0.0.1).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from tosmon.alerts import render_item
from tosmon.errors import NotifyError
from tosmon.models import Alert, AlertItem, SecretRef, Subscription
from tosmon.notify import DeliveryError, DeliveryReport, Notifier, deliver_owed, resolve_target
from tosmon.store import Store

GRANT = ("You explicitly agree that your Content may be used to inform, train, develop or serve "
         "as input to artificial intelligence or machine intelligence technologies or services "
         "as part of and for providing the services.")
RESTRICTION = ("We will not use Your Content to train generative AI models that aim to replicate "
               "or synthesize your voice, music, or likeness without your explicit consent.")
FRENCH = ("Vous acceptez expressément que votre Contenu soit utilisé pour entraîner des "
          "technologies d’intelligence artificielle — « sans contrepartie ».")
WHEN = datetime(2024, 2, 7, 9, 30, tzinfo=timezone.utc)


def make_alert(items: list[AlertItem], subscription: str = "union",
               document: str = "soundcloud/Terms of Use") -> Alert:
    """An alert laid out as tosmon writes them: a summary, each clause whole, the link."""
    blocks = [f"SoundCloud — Terms of Use, version of {WHEN:%Y-%m-%d}: "
              f"{len(items)} flagged clause(s) changed."]
    blocks += [render_item(item, k, len(items)) for k, item in enumerate(items, 1)]
    blocks.append(f"Version: {WHEN:%Y-%m-%d}\nLink: https://soundcloud.com/terms-of-use")
    return Alert(subscription=subscription, kind="change", document=document,
                 title="SoundCloud — Terms of Use: AI training allowed (added)",
                 body="\n\n".join(blocks), items=tuple(items),
                 url="https://soundcloud.com/terms-of-use", version_date=WHEN)


def long_alert(count: int, subscription: str = "union") -> Alert:
    items = [AlertItem(label="ai_training_grant", kind="added",
                       text=f"Clause {n}. {GRANT} {RESTRICTION}") for n in range(count)]
    return make_alert(items, subscription)


@pytest.fixture
def store(tmp_path):
    with Store.open(str(tmp_path / "tosmon.db")) as store:
        yield store


def owe(store: Store, *alerts: Alert) -> list[int]:
    """Put alerts in the outbox, as a recorded change would; returns their ids."""
    for number, alert in enumerate(alerts):
        store.enqueue([alert], dedupe=f"test-{number}")
    return [o.id for o in store.owed_alerts()]


def messages(inbox) -> list[str]:
    return [p.json["message"] for p in inbox.posts]


# -- resolving targets ---------------------------------------------------------

def test_plain_target_is_used_as_written():
    assert resolve_target(Subscription("a", " json://127.0.0.1:9/x \n")) == "json://127.0.0.1:9/x"


def test_env_target_reads_the_named_variable(monkeypatch):
    monkeypatch.setenv("TOSMON_TEST_UNION_URL", "mailto://union:secret@example.org")
    subscription = Subscription("union", SecretRef("env", "TOSMON_TEST_UNION_URL"))
    assert resolve_target(subscription) == "mailto://union:secret@example.org"


def test_file_target_is_read_relative_to_the_watchlist(tmp_path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "union.url").write_text("# the union's list\n  tgram://bot/chat \n")
    subscription = Subscription("union", SecretRef("file", "secrets/union.url"))
    assert resolve_target(subscription, base_dir=str(tmp_path)) == "tgram://bot/chat"


def test_missing_env_variable_says_which_and_what_to_do(monkeypatch):
    monkeypatch.delenv("TOSMON_TEST_MISSING", raising=False)
    with pytest.raises(NotifyError) as caught:
        resolve_target(Subscription("adami", SecretRef("env", "TOSMON_TEST_MISSING")))
    message = str(caught.value)
    assert "'adami'" in message and "TOSMON_TEST_MISSING" in message and "set it" in message


@pytest.mark.parametrize("content", [None, "  \n# only a comment\n"])
def test_missing_or_empty_file_names_the_file(tmp_path, content):
    if content is not None:
        (tmp_path / "union.url").write_text(content)
    with pytest.raises(NotifyError) as caught:
        resolve_target(Subscription("spedidam", SecretRef("file", "union.url")), base_dir=str(tmp_path))
    assert "'spedidam'" in str(caught.value) and str(tmp_path / "union.url") in str(caught.value)


def test_unusable_url_is_refused_without_showing_its_secret():
    notifier = Notifier([Subscription("union", "nosuchservice://token-s3cret@host")])
    with pytest.raises(NotifyError) as caught:
        notifier.deliver(make_alert([AlertItem("ai_training_grant", "added", GRANT)]))
    assert "nosuchservice://" in str(caught.value) and "s3cret" not in str(caught.value)


# -- what subscribers receive --------------------------------------------------

def test_webhook_receives_title_and_exact_clause_text(inbox):
    alert = make_alert([AlertItem("ai_training_grant", "added", GRANT),
                        AlertItem("ai_training_restriction", "removed", RESTRICTION)])
    Notifier([Subscription("union", inbox.json_url("/tosmon"))]).deliver(alert)

    [post] = inbox.posts
    assert post.path == "/tosmon"
    assert "SoundCloud" in post.json["title"] and "Terms of Use" in post.json["title"]
    assert GRANT in post.json["message"] and RESTRICTION in post.json["message"]
    assert "ai_training_grant" in post.json["message"]


def test_mail_arrives_with_subject_and_exact_accented_clause(inbox):
    alert = make_alert([AlertItem("ai_training_grant", "added", FRENCH)])
    Notifier([Subscription("union", inbox.mail_url(to="veille@adami.example"))]).deliver(alert)

    [mail] = inbox.mails
    assert mail.subject == alert.title
    assert mail.recipients == ("veille@adami.example",)
    assert FRENCH in mail.body and "ai_training_grant" in mail.body


def test_long_alert_is_split_into_several_messages_each_clause_whole(inbox):
    alert = long_alert(6)
    assert len(alert.body) > 900
    Notifier([Subscription("union", inbox.json_url())], chunk=900).deliver(alert)

    received = messages(inbox)
    assert len(received) >= 2
    assert all(len(m) <= 900 for m in received)
    for item in alert.items:
        assert sum(item.text in m for m in received) == 1, "each clause arrives once, whole"
    assert [item.text for item in alert.items] == [
        i.text for m in received for i in alert.items if i.text in m], "clauses keep their order"


def test_channel_own_length_limit_splits_the_alert(inbox):
    """Mattermost takes 4,000 characters, title included: apprise's limit, not a setting."""
    alert = long_alert(30)
    assert len(alert.body) > 4000
    Notifier([Subscription("union", f"mmost://127.0.0.1:{inbox.http_port}/hooktoken")]).deliver(alert)

    posts = inbox.wait_for(2)
    texts = [p.json["text"] for p in posts]
    assert all(p.path == "/hooks/hooktoken" for p in posts)
    assert all(len(t) <= 4000 for t in texts)
    for item in alert.items:
        assert sum(item.text in t for t in texts) == 1


def test_refused_delivery_raises_a_transient_error_with_the_reason(inbox):
    inbox.fail_next(1)
    with pytest.raises(DeliveryError) as caught:
        Notifier([Subscription("union", inbox.json_url())]).deliver(
            make_alert([AlertItem("ai_training_grant", "added", GRANT)]))
    assert caught.value.transient and "500" in str(caught.value) and "'union'" in str(caught.value)


class Recorder(logging.Handler):
    """What an application that configured logging (say `tosmon -v`) would print."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def __enter__(self):
        root = logging.getLogger()
        self.level, root.level = root.level, logging.DEBUG
        root.addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self)
        logging.getLogger().setLevel(self.level)

    def apprise(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.name.startswith("apprise")]


@pytest.mark.parametrize("verbose", [False, True])
def test_apprise_stays_quiet_unless_asked_but_errors_carry_its_words(verbose):
    notifier = Notifier([Subscription("union", "json://user:pa55word@127.0.0.1:9/hook")],
                        verbose=verbose)
    with Recorder() as recorder, pytest.raises(DeliveryError) as caught:
        notifier.deliver(make_alert([AlertItem("ai_training_grant", "added", GRANT)]))
    assert bool(recorder.apprise()) == verbose
    assert "onnection" in str(caught.value) and "pa55word" not in str(caught.value)


# -- the outbox ----------------------------------------------------------------

def test_failed_delivery_stays_owed_and_is_delivered_exactly_once_later(inbox, store):
    first = make_alert([AlertItem("ai_training_grant", "added", GRANT)])
    second = make_alert([AlertItem("ai_training_restriction", "removed", RESTRICTION)])
    ids = owe(store, first, second)
    notifier = Notifier([Subscription("union", inbox.json_url())])
    inbox.fail_next(1)

    report = deliver_owed(store, notifier)
    assert (report.delivered, report.failed, report.deferred) == (0, 2, 1)
    assert inbox.posts == [] and len(inbox.refused) == 1, "the second waits behind the first"
    owed = store.owed_alerts()
    assert [o.id for o in owed] == ids
    assert owed[0].attempts == 1 and "500" in owed[0].last_error and "500" in report.errors[0]

    report = deliver_owed(store, notifier)
    assert (report.delivered, report.failed, report.errors) == (2, 0, ())
    assert messages(inbox) == [first.body, second.body]
    assert store.owed_alerts() == [] and len(store.delivered_alerts()) == 2

    assert deliver_owed(store, notifier) == DeliveryReport(delivered=0, failed=0)
    assert len(inbox.posts) == 2


def test_delivery_is_recorded_before_the_next_alert_is_sent(inbox, store, monkeypatch):
    """A run that dies after sending an alert does not send the alerts before it again."""
    ids = owe(store, *[make_alert([AlertItem("ai_training_grant", "added", f"Clause {n}. {GRANT}")])
                       for n in range(3)])
    record = store.mark_delivered

    def dies_on_second(alert_id, at):
        if alert_id == ids[1]:
            raise KeyboardInterrupt("the process died before recording the delivery")
        record(alert_id, at)

    monkeypatch.setattr(store, "mark_delivered", dies_on_second)
    notifier = Notifier([Subscription("union", inbox.json_url())])
    with pytest.raises(KeyboardInterrupt):
        deliver_owed(store, notifier)
    assert [o.id for o in store.owed_alerts()] == ids[1:]

    monkeypatch.setattr(store, "mark_delivered", record)
    assert deliver_owed(store, notifier).delivered == 2
    # The second alert was accepted just before the crash, so it is the one
    # sent twice: the documented window between accepting and marking.
    assert [m.split("Clause ")[1][0] for m in messages(inbox)] == ["0", "1", "1", "2"]


def test_alert_for_a_removed_subscription_stays_owed_without_blocking_others(inbox, store):
    orphan = make_alert([AlertItem("ai_training_grant", "added", GRANT)], subscription="gone")
    kept = make_alert([AlertItem("ai_training_grant", "added", GRANT)])
    ids = owe(store, orphan, kept)
    report = deliver_owed(store, Notifier([Subscription("union", inbox.json_url())]))

    assert (report.delivered, report.failed) == (1, 1)
    [still] = store.owed_alerts()
    assert still.id == ids[0]
    assert "'gone'" in still.last_error and "no longer in the watchlist" in still.last_error
    assert len(inbox.posts) == 1


def test_missing_secret_fails_only_its_own_subscription(inbox, store, monkeypatch):
    monkeypatch.delenv("TOSMON_TEST_NOT_SET", raising=False)
    subscriptions = [Subscription("secretless", SecretRef("env", "TOSMON_TEST_NOT_SET")),
                     Subscription("union", inbox.json_url())]
    owe(store, *[make_alert([AlertItem("ai_training_grant", "added", GRANT)], s.name)
                 for s in subscriptions])
    report = deliver_owed(store, Notifier(subscriptions))
    assert (report.delivered, report.failed) == (1, 1)
    assert "TOSMON_TEST_NOT_SET" in report.errors[0] and len(inbox.posts) == 1


def test_retry_of_a_split_alert_resumes_after_the_parts_already_delivered(inbox, store):
    alert = long_alert(6)
    owe(store, alert)
    notifier = Notifier([Subscription("union", inbox.json_url())], chunk=900)
    inbox.fail_next(1, after=1)

    report = deliver_owed(store, notifier)
    assert report.failed == 1 and "part 2 of" in report.errors[0]
    assert deliver_owed(store, notifier).delivered == 1

    received = messages(inbox)
    assert len(received) >= 3
    for item in alert.items:
        assert sum(item.text in m for m in received) == 1, "no part is delivered twice"


def test_a_later_run_sends_only_the_parts_of_a_split_alert_still_owed(inbox, tmp_path):
    """A run stops after part 2 was refused; a new process, a new Notifier, goes on from there."""
    alert = long_alert(6)
    db = tmp_path / "outbox.db"
    with Store.open(db) as first_run:
        owe(first_run, alert)
        inbox.fail_next(1, after=1)
        report = deliver_owed(first_run, Notifier([Subscription("union", inbox.json_url())], chunk=900))
        assert report.failed == 1 and "parts 1-1 were delivered" in report.errors[0]
    with Store.open(db) as next_run:
        assert next_run.owed_alerts()[0].parts_sent == 1
        report = deliver_owed(next_run, Notifier([Subscription("union", inbox.json_url())], chunk=900))
        assert report.delivered == 1 and next_run.owed_alerts() == []
    received = messages(inbox)
    assert len(received) >= 3
    for item in alert.items:
        assert sum(item.text in m for m in received) == 1, "no part is delivered twice"


def test_mail_refused_by_the_server_is_sent_once_on_the_next_run(inbox, store):
    alert = make_alert([AlertItem("ai_training_grant", "added", FRENCH)])
    owe(store, alert)
    notifier = Notifier([Subscription("union", inbox.mail_url())])
    inbox.fail_next(1, kind="mail")

    first = deliver_owed(store, notifier)
    assert (first.delivered, first.failed) == (0, 1) and inbox.mails == []
    assert store.owed_alerts()[0].last_error == first.errors[0]

    assert deliver_owed(store, notifier).delivered == 1
    assert deliver_owed(store, notifier).delivered == 0
    [mail] = inbox.mails
    assert mail.subject == alert.title and FRENCH in mail.body
