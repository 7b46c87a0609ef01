"""watchlist.yaml: what a user writes becomes the right models, or clear errors."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from tosmon.errors import TosmonError, WatchlistError
from tosmon.models import LABELS, SecretRef, Source
from tosmon.watchlist import (WatchlistInvalid, load, loads, parse_interval, schema,
                              validate)

DATA = Path(__file__).parent / "data" / "watchlists"
SHIPPED = Path(__file__).parents[1] / "watchlist.yaml"


def marked_lines(path: Path) -> dict[str, int]:
    """Line of each "# ERROR: <kind>" marker in a test file."""
    found = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        match = re.search(r"# ERROR: (\S+)", line)
        if match:
            found[match.group(1)] = number
    return found


# -- a good file ----------------------------------------------------------------

def test_good_file_loads_with_defaults_sources_and_secret_references():
    watchlist = load(DATA / "good.yaml")

    assert [s.id for s in watchlist.services] == ["soundcloud", "example"]
    soundcloud, example = watchlist.services
    assert soundcloud.name == "SoundCloud"

    terms, privacy = soundcloud.documents
    assert terms.key == "soundcloud/Terms of Use"
    assert terms.service_name == "SoundCloud"
    assert terms.sources == (Source("https://soundcloud.com/terms-of-use", ("main",),
                                    (".cookie-banner", "nav"), browser=True),)
    assert (terms.lang, terms.interval) == ("en", 30 * 60)
    # The defaults block gives the interval, the document turns the service's browser off.
    assert (privacy.lang, privacy.interval, privacy.sources[0].browser) == (None, 12 * 3600, False)

    split, french = example.documents
    assert split.interval == 24 * 3600                   # from the service
    assert split.sources == (
        Source("https://example.org/terms/part-1", ("article", "#terms"), ("footer",), False),
        Source("https://example.org/terms/part-2", ("div.legal > section",), ("footer",), True),
    )
    assert split.url == "https://example.org/terms/part-1"
    assert (french.name, french.lang, french.interval) == ("Conditions générales", "fr", 3600)

    union, research, everything = watchlist.subscriptions
    assert union.notify == SecretRef("env", "UNION_NOTIFY_URL")
    assert union.services == ("soundcloud",)
    assert union.labels == ("ai_training_grant", "ai_opt_out")
    assert union.languages == ("fr", "en")
    # A $file is found next to the watchlist, whatever the working directory.
    assert research.notify == SecretRef("file", str((DATA / "secrets" / "research.url").resolve()))
    assert everything.notify == "json://127.0.0.1:8080/hook"
    assert (everything.services, everything.labels, everything.languages) == ((), LABELS, ())
    assert validate(DATA / "good.yaml") == []


def test_empty_subscriptions_block_means_nobody_is_notified():
    text = ("services:\n  tidal:\n    name: TIDAL\n    documents:\n"
            "      Terms: {url: 'https://tidal.com/terms'}\n"
            "subscriptions:\n#  - name: commented out\n")
    watchlist = loads(text)
    assert watchlist.subscriptions == ()
    assert watchlist.documents()[0].interval == 6 * 3600


def test_yaml_anchors_and_merge_keys_are_honoured():
    text = """
services:
  tidal:
    name: TIDAL
    documents:
      Terms: &page {url: 'https://tidal.com/terms', select: main, browser: true}
      Privacy: {<<: *page, url: 'https://tidal.com/privacy'}
"""
    terms, privacy = loads(text).documents()
    assert privacy.sources == (Source("https://tidal.com/privacy", ("main",), (), True),)
    assert terms.sources[0].url == "https://tidal.com/terms"


def validate_text(text: str) -> list[WatchlistError]:
    try:
        loads(text)
    except WatchlistInvalid as error:
        return list(error.errors)
    except WatchlistError as error:
        return [error]
    return []


# -- intervals ------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [
    ("30m", 1800), ("6h", 21600), ("1d", 86400), ("1w", 604800), ("90s", 90),
    ("1h30m", 5400), ("1h 30m", 5400), ("1.5h", 5400), ("12 hours", 43200),
    ("2 days", 172800), ("45min", 2700), ("3600", 3600), (3600, 3600), (" 6H ", 21600),
])
def test_parse_interval_reads_what_people_write(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["6x", "", "h", "6 parsecs", "0s", "0", -5, 1.5, True, "1h-30m"])
def test_parse_interval_refuses_the_rest_with_advice(text):
    with pytest.raises(WatchlistError, match=r"30m, 6h, 1d"):
        parse_interval(text)


# -- mistakes: each named at its line, with its field and what to do -----------------

MISTAKES = DATA / "mistakes.yaml"

EXPECTED = {
    "bad-default-interval": ("defaults.interval", ["'6x'", "30m, 6h, 1d"]),
    "bad-service-id": ("services.SoundCloud", ["'soundcloud' would do", "lowercase"]),
    "unknown-key": ('services.spotify.documents."Terms of Use".intervall',
                    ["did you mean 'interval'?", "valid keys here: url, sources"]),
    "other-tool-key": ('services.spotify.documents."Privacy Policy".fetch', ["did you mean 'url'?"]),
    "bad-interval": ('services.spotify.documents."User Guidelines".interval', ["'6 parsecs'"]),
    "missing-documents": ("services.tidal", ["missing 'documents'"]),
    "not-http": ("services.deezer.documents.CGU.url", ["ftp://", "https://"]),
    "yaml-boolean": ("services.deezer.documents.CGU.lang", ["got false", "quotes", "en or fr"]),
    "bad-selector": ("services.deezer.documents.Privacy.select", ["'article[class='", "CSS selector"]),
    "url-and-sources": ("services.deezer.documents.Split", ["either url:", "or sources:"]),
    "bad-remove": ("services.deezer.documents.Split.sources[0].remove[1]", ["'p::before'"]),
    "duplicate-key": ("services.qobuz.documents.CGU", ["given twice", "first at line 40"]),
    "unknown-service": ("subscriptions[0].services[1]", ["'deezr'", "did you mean 'deezer'?"]),
    "unknown-label": ("subscriptions[0].labels[1]",
                      ["unknown label 'ai_training'", "did you mean 'ai_training_grant'?",
                       ", ".join(LABELS)]),
    "duplicate-subscription": ("subscriptions[1].name", ["already named 'union'", "line 45"]),
    "not-apprise": ("subscriptions[2].notify", ["not an apprise URL", "mailtos://"]),
    "bad-env-name": ("subscriptions[3].notify", ["'webhook url'", "environment variable"]),
    "missing-name": ("subscriptions[4]", ["missing 'name'"]),
}


@pytest.fixture(scope="module")
def mistakes():
    return validate(MISTAKES)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_mistake_is_reported_at_its_line_with_field_and_advice(mistakes, kind):
    line = marked_lines(MISTAKES)[kind]
    field, words = EXPECTED[kind]
    at_line = [e for e in mistakes if e.line == line]
    assert len(at_line) == 1, [str(e) for e in mistakes]
    error = at_line[0]
    assert error.path == str(MISTAKES)
    assert error.field == field
    for word in words:
        assert word in error.reason
    assert str(error).startswith(f"{MISTAKES}:{line}: {field}: ")


def test_every_mistake_is_reported_at_once_and_nothing_else(mistakes):
    assert EXPECTED.keys() == marked_lines(MISTAKES).keys()
    assert [e.line for e in mistakes] == sorted(marked_lines(MISTAKES).values())


def test_load_raises_all_problems_together(mistakes):
    with pytest.raises(WatchlistInvalid) as caught:
        load(MISTAKES)
    error = caught.value
    assert isinstance(error, WatchlistError) and isinstance(error, TosmonError)
    assert [str(e) for e in error.errors] == [str(e) for e in mistakes]
    assert str(error).splitlines() == [str(e) for e in mistakes]
    assert (error.line, error.field) == (mistakes[0].line, mistakes[0].field)


def test_a_single_problem_is_raised_as_itself():
    text = "services:\n  tidal:\n    name: TIDAL\n    documents:\n      Terms: {url: 'tidal.com/terms'}\n"
    with pytest.raises(WatchlistError) as caught:
        loads(text, "mine.yaml")
    error = caught.value
    assert not isinstance(error, WatchlistInvalid)
    assert (error.path, error.line, error.field) == ("mine.yaml", 5, "services.tidal.documents.Terms.url")
    assert "https://" in error.reason


def test_a_typo_is_not_also_reported_as_a_missing_key():
    text = "services:\n  tidal:\n    name: TIDAL\n    documnets:\n      T: {url: 'https://tidal.com/t'}\n"
    [error] = validate_text(text)
    assert (error.line, error.field) == (4, "services.tidal.documnets")
    assert "did you mean 'documents'?" in error.reason


DOC = "services:\n  tidal:\n    name: TIDAL\n    documents:\n"


@pytest.mark.parametrize("text, line, field, words", [
    (DOC + "      Terms: https://tidal.com/terms\n", 5, "services.tidal.documents.Terms",
     ["expected a mapping", "url:"]),
    (DOC + "      Terms/EU: {url: 'https://tidal.com/terms'}\n", 5, 'services.tidal.documents."Terms/EU"',
     ["without '/'"]),
    (DOC + "      Terms: {url: 'https://tidal.com/terms', select: []}\n", 5,
     "services.tidal.documents.Terms.select", ["is empty"]),
    (DOC + "      Terms: {url: 'https://tidal.com/terms'}\nsubscription: []\n", 6, "subscription",
     ["did you mean 'subscriptions'?"]),
    (DOC + "      Terms: {url: 'https://tidal.com/terms'}\nsubscriptions:\n  - {name: a, notify: 42}\n",
     7, "subscriptions[0].notify", ["apprise URL", '{"$env": "VARIABLE"}']),
    (DOC + "      Terms: {url: 'https://tidal.com/terms'}\nsubscriptions:\n"
     "  - {name: a, notify: 'json://h', services: tidal}\n", 7, "subscriptions[0].services",
     ["expected a list", "[soundcloud, spotify]"]),
    (DOC + "      Terms: {url: 'https://tidal.com/terms', interval: 0}\n", 5,
     "services.tidal.documents.Terms.interval", ["at least 1s"]),
    ("services:\n  a: &x [*x]\n", 2, "services.a[0]", ["alias refers to itself"]),
])
def test_one_mistake_gives_one_message(text, line, field, words):
    [error] = validate_text(text)
    assert (error.line, error.field) == (line, field)
    for word in words:
        assert word in error.reason


def test_duplicate_service_is_an_error_not_a_silent_overwrite():
    text = ("services:\n"
            "  tidal:\n    name: TIDAL\n    documents: {Terms: {url: 'https://tidal.com/terms'}}\n"
            "  tidal:\n    name: TIDAL\n    documents: {Privacy: {url: 'https://tidal.com/privacy'}}\n")
    [error] = validate_text(text)
    assert (error.line, error.field) == (5, "services.tidal")
    assert "first at line 2" in error.reason


@pytest.mark.parametrize("text, line, words", [
    ("services:\n  tidal:\n\tname: TIDAL\n", 3, ["tabs"]),
    ("services:\n  tidal: name: TIDAL\n", 2, ["mapping values", "quote"]),
    ("services: [tidal\n", 2, ["flow"]),
    ("services: {}\n---\nservices: {}\n", 2, ["single document", "'---'"]),
])
def test_yaml_syntax_errors_name_their_line(text, line, words):
    [error] = validate_text(text)
    assert error.line == line
    assert error.reason.startswith("YAML syntax error")
    for word in words:
        assert word in error.reason


@pytest.mark.parametrize("name, line, words", [
    ("syntax_tab.yaml", 4, ["tabs"]),
    ("unclosed_quote.yaml", 6, ["quoted scalar"]),   # where the quote opens, not the end of file
])
def test_yaml_syntax_errors_in_files(name, line, words):
    [error] = validate(DATA / name)
    assert (error.path, error.line) == (str(DATA / name), line)
    for word in words:
        assert word in error.reason


@pytest.mark.parametrize("text, words", [
    ("", ["empty", "services:"]),
    ("# only a comment\n", ["empty"]),
    ("- soundcloud\n", ["got a list", "services:"]),
    ("services: {}\n", ["services:", "at least one service"]),
    ("defaults: {interval: 6h}\n", ["missing 'services'"]),
])
def test_files_without_services_say_what_is_missing(text, words):
    [error] = validate_text(text)
    assert error.line == 1
    for word in words:
        assert word in str(error)


def test_missing_file_and_directory_are_clear(tmp_path):
    [missing] = validate(tmp_path / "nope.yaml")
    assert missing.path == str(tmp_path / "nope.yaml")
    assert "no such file" in missing.reason and "--watchlist" in missing.reason
    with pytest.raises(WatchlistError, match="is a directory"):
        load(tmp_path)


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("services:\n  deezer:\n    name: D\xe9zer\n".encode("latin-1"))
    [error] = validate(path)
    assert error.line == 3 and "UTF-8" in error.reason


def test_cli_validate_prints_every_problem_one_per_line_and_exits_2(mistakes):
    from tosmon.cli import cli
    result = CliRunner().invoke(cli, ["validate", "--watchlist", str(MISTAKES)])
    assert result.exit_code == 2
    printed = [line for line in result.output.splitlines() if line.strip()]
    assert printed == [str(e) for e in mistakes]


def test_schema_is_draft_2020_12_and_knows_the_six_labels():
    document = schema()
    Draft202012Validator.check_schema(document)
    assert tuple(document["$defs"]["label"]["enum"]) == LABELS


# -- the watchlist shipped with tosmon --------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


def test_shipped_watchlist_is_valid(shipped):
    assert validate(SHIPPED) == []
    # No subscription is shipped, so `tosmon check` runs without any configuration.
    assert shipped.subscriptions == ()


def test_shipped_watchlist_covers_the_platforms_creators_use(shipped):
    ids = {s.id for s in shipped.services}
    assert len(ids) >= 25
    assert {"soundcloud", "spotify", "deezer", "youtube", "tiktok", "bandcamp", "apple-music",
            "amazon-music", "tidal", "qobuz", "audiomack", "suno", "udio", "instagram",
            "facebook", "x", "reddit", "vimeo", "deviantart", "medium", "tumblr", "zoom",
            "adobe", "wetransfer", "dailymotion"} <= ids


def test_shipped_documents_are_https_and_each_url_once(shipped):
    urls = [source.url for doc in shipped.documents() for source in doc.sources]
    assert all(urlsplit(url).scheme == "https" and urlsplit(url).hostname for url in urls)
    assert len(urls) == len(set(urls))


def test_shipped_french_services_have_french_documents(shipped):
    for sid in ("deezer", "qobuz", "dailymotion"):
        assert "fr" in {d.lang for d in shipped.documents([sid])}, sid


def test_shipped_intervals_are_between_six_hours_and_a_day(shipped):
    assert {d.interval for d in shipped.documents()} <= {6 * 3600, 12 * 3600, 24 * 3600}
