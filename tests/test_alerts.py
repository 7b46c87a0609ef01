"""Who is told what about a change, in which words, and in how many messages."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from tosmon.alerts import owed, split, tracked_again, untracked
from tosmon.diff import diff
from tosmon.models import (LABEL_NAMES, Clause, Document, Prediction, Source, Subscription)
from tests.test_diff import ZOOM_CONSENT, clauses, plain

SOUNDCLOUD = Document("soundcloud", "SoundCloud", "Terms of Use",
                      (Source("https://soundcloud.com/terms-of-use"),))
ZOOM = Document("zoom", "Zoom", "Terms of Service", (Source("https://explore.zoom.us/en/terms/"),))
WHEN = datetime(2024, 2, 7, 9, 30, tzinfo=timezone.utc)

GRANT = ("You explicitly agree that your Content may be used to inform, train, develop or serve as "
         "input to artificial intelligence or machine intelligence technologies or services as part "
         "of and for providing the services.")
PROMISE = ("We will not use Your Content to train generative AI models that aim to replicate or "
           "synthesize your voice, music, or likeness without your explicit consent.")
SCRAPING = "You may not scrape the Platform."

EVERYONE = Subscription("union", "json://localhost/union")
GRANTS_ONLY = Subscription("lawyers", "json://localhost/lawyers", labels=("ai_training_grant",))
ZOOM_ONLY = Subscription("zoom-watch", "json://localhost/zoom", services=("zoom",))
FRENCH = Subscription("adami", "json://localhost/adami", languages=("fr",))
ENGLISH = Subscription("sag", "json://localhost/sag", languages=("en-GB",))


def versions(before: list[str], after: list[str]):
    old = tuple(Clause(k, "3. Your Content", t) for k, t in enumerate(before))
    new = tuple(Clause(k, "3. Your Content", t) for k, t in enumerate(after))
    return old, new, diff(old, new)


def flag(clauses_, labels_by_text: dict[str, tuple[str, ...]], evidence: str = ""):
    """Predictions keyed by position, as the classifier would give them."""
    out = {}
    for c in clauses_:
        for needle, labels in labels_by_text.items():
            if needle in c.text:
                out[c.position] = Prediction(labels, evidence={l: evidence for l in labels})
    return out


def alerts_for(before, after, old_labels, new_labels, subscriptions, *, lang="en",
               document=SOUNDCLOUD, evidence="words"):
    old, new, changes = versions(before, after)
    return owed(document, WHEN, document.url, changes, flag(old, old_labels, evidence),
                flag(new, new_labels, evidence), subscriptions, lang)


def test_added_grant_reaches_everyone_who_asked_for_it_and_no_one_else():
    alerts = alerts_for(["Intro.", SCRAPING], ["Intro.", GRANT, SCRAPING],
                        {SCRAPING: ("scraping_prohibition",)},
                        {GRANT: ("ai_training_grant",), SCRAPING: ("scraping_prohibition",)},
                        [EVERYONE, GRANTS_ONLY, ZOOM_ONLY, FRENCH, ENGLISH])
    assert sorted(a.subscription for a in alerts) == ["lawyers", "sag", "union"]
    for alert in alerts:
        assert alert.kind == "change" and alert.document == "soundcloud/Terms of Use"
        assert alert.title == "SoundCloud — Terms of Use: AI training allowed (added)"
        # The unchanged scraping clause is flagged too, but it did not change.
        assert [(i.label, i.kind, i.text) for i in alert.items] == [("ai_training_grant", "added", GRANT)]
        assert alert.url == "https://soundcloud.com/terms-of-use" and alert.version_date == WHEN


def test_body_names_label_quotes_whole_clause_and_gives_date_and_link():
    [alert] = alerts_for(["Intro."], ["Intro.", GRANT], {}, {GRANT: ("ai_training_grant",)},
                         [EVERYONE], evidence="may be used to inform, train")
    body = alert.body
    assert body.splitlines()[0].startswith("SoundCloud — Terms of Use, version of 2024-02-07 09:30 UTC:")
    assert "ai_training_grant" in body and LABEL_NAMES["ai_training_grant"] in body
    assert "ADDED" in body
    assert GRANT in body                                  # whole, not an excerpt
    assert 'Evidence: "may be used to inform, train"' in body
    assert "Section: 3. Your Content" in body
    assert "2024-02-07 09:30 UTC" in body.splitlines()[-2]
    assert body.splitlines()[-1] == "Link: https://soundcloud.com/terms-of-use"
    assert "**" not in body and "<" not in body          # plain text for every channel


def test_removing_a_protective_clause_alerts():
    [alert] = alerts_for(["Intro.", PROMISE, "Outro."], ["Intro.", "Outro."],
                         {PROMISE: ("ai_training_restriction",)}, {}, [EVERYONE])
    assert alert.title == "SoundCloud — Terms of Use: AI training restricted (removed)"
    [item] = alert.items
    assert (item.label, item.kind, item.text) == ("ai_training_restriction", "removed", PROMISE)
    assert "REMOVED" in alert.body and "no longer in the terms" in alert.body
    assert PROMISE in alert.body


def test_grant_turned_into_promise_shows_old_and_new_text_under_both_labels():
    grant = "We may use your content to train our AI models."
    promise = "We will not use your content to train our AI models without your consent."
    [alert] = alerts_for([grant], [promise], {grant: ("ai_training_grant",)},
                         {promise: ("ai_training_restriction",)}, [EVERYONE])
    assert [(i.label, i.kind) for i in alert.items] == [("ai_training_grant", "modified"),
                                                        ("ai_training_restriction", "modified")]
    assert all(i.old_text == grant and i.text == promise for i in alert.items)
    assert "Before:\n> " + grant in alert.body and "After:\n> " + promise in alert.body
    assert alert.title == ("SoundCloud — Terms of Use: AI training allowed (changed), "
                           "AI training restricted (changed)")


def test_trivial_edit_and_unchanged_flagged_clauses_do_not_alert():
    before = [GRANT.replace("artificial", "artifical"), SCRAPING]
    after = [GRANT, SCRAPING]
    labels = {"inform, train": ("ai_training_grant",), SCRAPING: ("scraping_prohibition",)}
    assert alerts_for(before, after, labels, labels, [EVERYONE]) == []


def test_label_filter_drops_subscriptions_whose_labels_did_not_change():
    alerts = alerts_for(["Intro."], ["Intro.", PROMISE], {}, {PROMISE: ("ai_training_restriction",)},
                        [EVERYONE, GRANTS_ONLY])
    assert [a.subscription for a in alerts] == ["union"]


def test_french_subscription_gets_french_terms():
    alerts = alerts_for(["Intro."], ["Intro.", GRANT], {}, {GRANT: ("ai_training_grant",)},
                        [FRENCH, ENGLISH], lang="fr")
    assert [a.subscription for a in alerts] == ["adami"]


def test_zoom_consent_sentence_alerts_once_per_subscription():
    before = clauses("zoom__terms_of_service", "2023-07-28")
    after = clauses("zoom__terms_of_service", "2023-08-07")
    changes = diff(before, after)
    licence = {"perpetual, worldwide": ("ai_training_grant", "broad_license")}
    consent = {"to train our artificial intelligence models without your consent":
               ("ai_training_restriction",)}
    alerts = owed(ZOOM, datetime(2023, 8, 7), ZOOM.url, changes, flag(before, licence),
                  flag(after, {**licence, **consent}), [EVERYONE, ZOOM_ONLY, GRANTS_ONLY], "en")
    assert [a.subscription for a in alerts] == ["union", "zoom-watch"]
    for alert in alerts:
        [item] = alert.items
        assert (item.label, item.kind) == ("ai_training_restriction", "added")
        assert plain(item.text) == ZOOM_CONSENT
        assert alert.title == "Zoom — Terms of Service: AI training restricted (added)"
        assert "Version: 2023-08-07" in alert.body and ZOOM.url in alert.body


def test_bandcamp_spelling_edit_of_flagged_clause_owes_nothing():
    before = clauses("bandcamp__acceptable_use_policy", "2026-06-08")
    after = clauses("bandcamp__acceptable_use_policy", "2026-06-11")
    changes = diff(before, after)
    labels = {"AI Tool": ("scraping_prohibition",),
              "machine learning or AI model": ("scraping_prohibition",)}
    old_flags, new_flags = flag(before, labels), flag(after, labels)
    edited = [c for c in changes if c.kind == "modified" and c.old.position in old_flags]
    assert edited and all(c.trivial for c in edited)     # the flagged clauses did change
    bandcamp = Document("bandcamp", "Bandcamp", "Acceptable Use Policy", (Source("https://x.test/aup"),))
    assert owed(bandcamp, datetime(2026, 6, 11), "https://x.test/aup", changes,
                old_flags, new_flags, [EVERYONE], "en") == []


# -- split ----------------------------------------------------------------------

def many_items_alert(n: int = 40):
    texts = [f"Clause number {k} says that your uploads may be used to train model {k}. " * (1 + k % 3)
             for k in range(n)]
    texts = [t.strip() for t in texts]
    [alert] = alerts_for(["Intro."], ["Intro."] + texts, {},
                         {t: ("ai_training_grant",) for t in texts}, [EVERYONE])
    return alert, texts


@pytest.mark.parametrize("limit", [500, 1000, 2000, 4096])
def test_split_keeps_every_clause_whole_and_exactly_once(limit):
    alert, texts = many_items_alert()
    parts = split(alert, limit)
    assert len(parts) > 1
    assert all(len(body) <= limit for _, body in parts)
    assert [title for title, _ in parts] == [f"{alert.title} ({k}/{len(parts)})"
                                            for k in range(1, len(parts) + 1)]
    for text in texts:
        assert sum(("> " + text + "\n") in body for _, body in parts) == 1
    headers = [line for _, body in parts for line in body.splitlines() if re.match(r"\[\d+/\d+\]", line)]
    assert headers == [f"[{k}/40] ADDED — ai_training_grant (AI training allowed)" for k in range(1, 41)]
    assert all("continued" not in body for _, body in parts)
    assert all(body.rstrip().endswith("Link: https://soundcloud.com/terms-of-use") for _, body in parts)


def test_no_limit_or_short_body_is_one_message():
    alert, _ = many_items_alert()
    assert split(alert, 0) == [(alert.title, alert.body)]
    assert split(alert, -1) == [(alert.title, alert.body)]
    assert split(alert, len(alert.body)) == [(alert.title, alert.body)]


def test_clause_longer_than_the_limit_is_cut_at_sentences_and_says_so():
    sentences = [f"Sentence {k} grants us the right to train models on your music." for k in range(60)]
    huge = " ".join(sentences)
    [alert] = alerts_for(["Intro."], ["Intro.", huge], {}, {huge: ("ai_training_grant",)}, [EVERYONE])
    parts = split(alert, 500)
    assert len(parts) > 3 and all(len(body) <= 500 for _, body in parts)
    assert "(continued in the next message)" in parts[0][1]
    assert "(continued)" in parts[1][1]
    quoted = [line[2:] for _, body in parts for line in body.splitlines() if line.startswith("> ")]
    assert " ".join(quoted) == huge                         # nothing lost, nothing repeated
    assert all(line.endswith(".") for line in quoted)      # cut between sentences


def test_tiny_limit_still_fits_and_loses_nothing():
    alert, texts = many_items_alert(3)
    parts = split(alert, 120)
    assert all(len(body) <= 120 for _, body in parts)
    words = " ".join(body for _, body in parts).split()
    for text in texts:
        for word in text.split():
            assert word in words


# -- tracking -------------------------------------------------------------------

def test_untracked_and_tracked_again_reach_subscribers_of_the_service():
    subs = [EVERYONE, ZOOM_ONLY]
    [gone] = untracked(SOUNDCLOUD, subs, 3, "HTTP 503 from soundcloud.com", SOUNDCLOUD.url)
    assert (gone.subscription, gone.kind) == ("union", "untracked")
    assert gone.title == "SoundCloud — Terms of Use: no longer tracked"
    assert "3 times in a row" in gone.body and "HTTP 503" in gone.body
    assert SOUNDCLOUD.url in gone.body and gone.items == ()

    back = tracked_again(ZOOM, subs, ZOOM.url)
    assert [(a.subscription, a.kind) for a in back] == [("union", "tracked_again"),
                                                        ("zoom-watch", "tracked_again")]
    assert back[0].title == "Zoom — Terms of Service: tracked again"
