"""Zoom's 2023 terms, replayed on loopback, reaching a union's mailbox and a webhook.

Real SMTP (aiosmtpd) and a real webhook receiver, through apprise: each
subscriber gets exactly the messages its filters ask for, and a message a
channel refused is delivered by a later run, once.
"""

from __future__ import annotations

import pytest

from tosmon import settings as settings_mod
from tosmon.models import Document, Service, Source, Subscription, Watchlist
from tosmon.replay import ReplaySite, load_history
from tosmon.runner import check_once
from tosmon.store import Store

ZOOM = load_history("zoom__terms_of_service")
RESTRICTION = "ai_training_restriction"
ZOOM_RESTRICTION = ("Notwithstanding the above, Zoom will not use audio, video or chat Customer "
                    "Content to train our artificial intelligence models without your consent.")


class Replay:
    """Zoom's terms served on loopback and checked, version by version, at their dates."""

    def __init__(self, site: ReplaySite, store: Store, tmp_path, inbox):
        self.site, self.store = site, store
        doc = Document("zoom", "Zoom", "Terms of Service", (Source(site.url("/zoom/terms")),),
                       lang="en")
        self.watchlist = Watchlist(
            str(tmp_path / "watchlist.yaml"), (Service("zoom", "Zoom", (doc,)),),
            (Subscription("union-mail", inbox.mail_url(), labels=(RESTRICTION,)),
             Subscription("research-hook", inbox.json_url("/tosmon"))))
        self.settings = settings_mod.replace(
            settings_mod.load({"db": store.path}, environ={}), workers=1, retries=0)

    def __call__(self, index: int):
        """Serve version `index` and run `tosmon check` at its date: (report, delivery)."""
        step = ZOOM.steps[index]
        self.site.serve("/zoom/terms", step.markdown, "Zoom Terms of Service")
        return check_once(self.watchlist, self.store, self.settings, clock=lambda: step.date)


@pytest.fixture
def zoom(tmp_path, inbox):
    with ReplaySite() as site, Store.open(tmp_path / "tosmon.db") as store:
        yield Replay(site, store, tmp_path, inbox)


def test_each_subscriber_gets_exactly_the_changes_its_filters_ask_for(zoom, inbox):
    mails_at, posts_at = {}, {}
    for index, history_step in enumerate(ZOOM.steps):
        mails, posts = len(inbox.mails), len(inbox.posts)
        report, delivery = zoom(index)
        assert report.failed == () and delivery.failed == 0, delivery
        date = history_step.date.date().isoformat()
        mails_at[date] = inbox.mails[mails:]
        posts_at[date] = inbox.posts[posts:]

    # What the recorded history says each version owes.
    labels_at = {s.date.date().isoformat(): {e.label for e in s.expect} for s in ZOOM.steps}
    assert {d: len(m) for d, m in mails_at.items()} == {
        d: int(RESTRICTION in labels) for d, labels in labels_at.items()}
    assert {d: len(p) for d, p in posts_at.items()} == {
        d: int(bool(labels)) for d, labels in labels_at.items()}
    assert [d for d, p in posts_at.items() if p] == ["2023-04-01", "2023-08-07", "2023-08-11"]

    [mail] = mails_at["2023-08-07"]
    assert mail.recipients == ("union@example.org",)
    assert "Zoom" in mail.subject and "Terms of Service" in mail.subject
    assert ZOOM_RESTRICTION in mail.body
    assert RESTRICTION in mail.body and "2023-08-07" in mail.body
    assert "ai_training_grant" not in mail.body and "broad_license" not in mail.body

    [post] = posts_at["2023-04-01"]
    assert "ai_training_grant" in post.json["message"] and "broad_license" in post.json["message"]
    assert "Zoom" in post.json["title"]
    [post] = posts_at["2023-08-07"]
    assert ZOOM_RESTRICTION in post.json["message"]
    assert inbox.refused == []
    assert zoom.store.owed_alerts() == []


def test_an_alert_the_webhook_refused_stays_owed_and_arrives_once_with_the_next_run(zoom, inbox):
    for index in range(3):
        zoom(index)
    assert len(inbox.posts) == 1 and inbox.mails == []

    inbox.fail_next(1)
    report, delivery = zoom(3)                      # 2023-08-07: the restriction appears
    assert report.outcomes[0].result == "changed"
    assert (delivery.delivered, delivery.failed) == (1, 1)
    assert "research-hook" in delivery.errors[0]
    assert len(inbox.refused) == 1 and len(inbox.mails) == 1
    [owed] = zoom.store.owed_alerts()
    assert owed.alert.subscription == "research-hook"
    assert owed.alert.version_date.date().isoformat() == "2023-08-07"
    assert owed.attempts == 1 and owed.last_error

    report, delivery = zoom(4)                      # 2023-08-11: delivered, then the new one
    assert (delivery.delivered, delivery.failed) == (3, 0)
    later = [p.json["message"] for p in inbox.posts[1:]]
    assert len(later) == 2
    assert ZOOM_RESTRICTION in later[0] and "2023-08-07" in later[0]
    assert "2023-08-11" in later[1]
    assert zoom.store.owed_alerts() == []

    posts, mails = len(inbox.posts), len(inbox.mails)
    report, delivery = zoom(4)                      # nothing new: nothing sent again
    assert report.outcomes[0].result == "unchanged"
    assert (delivery.delivered, delivery.failed) == (0, 0)
    assert (len(inbox.posts), len(inbox.mails)) == (posts, mails)
    delivered = zoom.store.delivered_alerts()
    assert len({o.id for o in delivered}) == len(delivered) == 5
    assert sorted((o.alert.subscription, o.alert.version_date.date().isoformat())
                  for o in delivered) == [
        ("research-hook", "2023-04-01"), ("research-hook", "2023-08-07"),
        ("research-hook", "2023-08-11"), ("union-mail", "2023-08-07"), ("union-mail", "2023-08-11")]


def test_a_refused_mail_is_retried_without_repeating_the_webhook(zoom, inbox):
    for index in range(3):
        zoom(index)
    inbox.fail_next(1, kind="mail")
    _, delivery = zoom(3)
    assert (delivery.delivered, delivery.failed) == (1, 1)
    assert inbox.mails == [] and len(inbox.posts) == 2

    _, delivery = zoom(3)                           # same terms, a later run
    assert (delivery.delivered, delivery.failed) == (1, 0)
    [mail] = inbox.mails
    assert ZOOM_RESTRICTION in mail.body
    assert len(inbox.posts) == 2
