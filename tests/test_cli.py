"""The `tosmon` command as a user types it: a watchlist file, a database file,
exit statuses, one clear line for what went wrong, JSON when asked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.site import TERMS_MAIN
from tosmon import settings as settings_mod
from tosmon.cli import cli
from tosmon.models import Document, Service, Source, Watchlist
from tosmon.replay import ReplaySite, load_history
from tosmon.runner import check_once
from tosmon.stance import summarise
from tosmon.store import Store

ZOOM = load_history("zoom__terms_of_service")
# A grant an artist would want to hear about, in place of the page's restriction.
GRANT_MAIN = TERMS_MAIN.replace(
    "We will not use Your Content to train generative artificial intelligence models that aim\n"
    "to replicate or synthesise your voice, music or likeness without your explicit consent.",
    "You explicitly agree that Your Content may be used to inform, train, develop or serve as\n"
    "input to artificial intelligence or machine intelligence technologies.")
ZOOM_RESTRICTION = ("Notwithstanding the above, Zoom will not use audio, video or chat Customer "
                    "Content to train our artificial intelligence models without your consent.")


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke tosmon in tmp_path, with the environment a test names and nothing inherited."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    base = {"TOSMON_DB": None, "TOSMON_WATCHLIST": None, "TOSMON_WORKERS": "1",
            "TOSMON_CONCURRENCY": None, "TOSMON_TIMEOUT": "10"}

    def invoke(*args, env=None, input=None):
        return runner.invoke(cli, [str(a) for a in args], env={**base, **(env or {})},
                             input=input, catch_exceptions=False)

    return invoke


def words(text: str) -> str:
    """Output with wrapping undone: terminal tables and long lines wrap at spaces."""
    return " ".join(text.split())


def one_error_line(result) -> str:
    """A failure the user caused: exit 2, one line on stderr, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def write_watchlist(path: Path, site) -> Path:
    path.write_text(f"""\
# Two services: one whose terms are there, one whose page is gone.
services:
  soundpool:
    name: Soundpool
    documents:
      Terms of Use:
        url: {site.url('/terms')}
        select: "#terms"
        lang: en
  gone:
    name: Gone
    documents:
      Terms:
        url: {site.url('/not-found')}
""", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path, site):
    return write_watchlist(tmp_path / "watchlist.yaml", site), tmp_path / "tosmon.db"


@pytest.fixture(scope="module")
def zoom_db(tmp_path_factory):
    """The Zoom history checked at its real dates, as `tosmon check` would have over 2023."""
    folder = tmp_path_factory.mktemp("zoom")
    db = folder / "zoom.db"
    settings = settings_mod.replace(settings_mod.load({"db": str(db)}, environ={}), workers=1)
    with ReplaySite() as site, Store.open(db) as store:
        doc = Document("zoom", "Zoom", "Terms of Service", (Source(site.url("/zoom")),), lang="en")
        wl = Watchlist(str(folder / "watchlist.yaml"), (Service("zoom", "Zoom", (doc,)),))
        for step in ZOOM.steps:
            site.serve("/zoom", step.markdown, "Zoom Terms of Service")
            check_once(wl, store, settings, clock=lambda d=step.date: d)
    return db


# -- validate ---------------------------------------------------------------------

def test_validate_a_good_file(run, files):
    watchlist, _ = files
    result = run("validate", "--watchlist", watchlist)
    assert result.exit_code == 0
    assert result.output.strip() == f"{watchlist}: 2 services, 2 documents, 0 subscriptions: valid"
    data = json.loads(run("validate", "--watchlist", watchlist, "--format", "json").output)
    assert data == {"ok": True, "services": 2, "documents": 2, "subscriptions": 0}


BAD = """\
services:
  soundpool:
    name: Soundpool
    interval: 6 parsecs
    documents:
      Terms of Use:
        url: soundpool.example/terms
        selct: main
subscriptions:
  - name: union
    notify: json://127.0.0.1/hook
    services: [soundpol]
"""


def test_validate_lists_every_problem_with_file_line_and_field(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = run("validate", "--watchlist", bad)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    found = [re.match(rf"{re.escape(str(bad))}:(\d+): (\S.*?): (.+)$", line) for line in lines]
    assert all(found), lines
    assert [(int(m[1]), m[2]) for m in found] == [
        (4, "services.soundpool.interval"),
        (7, 'services.soundpool.documents."Terms of Use".url'),
        (8, 'services.soundpool.documents."Terms of Use".selct'),
        (12, "subscriptions[0].services[0]"),
    ]
    assert "did you mean 'select'" in lines[2] and "did you mean 'soundpool'" in lines[3]

    result = run("validate", "--watchlist", bad, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and len(data["errors"]) == 4


def test_a_bad_watchlist_stops_check_before_anything_is_fetched(run, tmp_path, site):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD.replace("soundpool.example/terms", site.url("/terms")), encoding="utf-8")
    result = run("check", "--watchlist", bad, "--db", tmp_path / "t.db")
    assert result.exit_code == 2
    assert f"{bad}:4: services.soundpool.interval" in result.stderr
    assert site.hits() == []
    missing = one_error_line(run("check", "--watchlist", tmp_path / "nope.yaml"))
    assert "nope.yaml: no such file" in missing


# -- check --------------------------------------------------------------------------

def test_check_exits_0_when_a_document_fails_and_reports_it(run, files):
    watchlist, db = files
    result = run("check", "--watchlist", watchlist, "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "checked 2: 0 unchanged, 1 changed, 1 failed"
    text = words(result.stdout)
    assert "soundpool/Terms of Use: first version (baseline)" in text
    assert "gone/Terms: failed: " in text and "HTTP 404" in text

    again = run("check", "--watchlist", watchlist, "--db", db)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[0] == "checked 2: 1 unchanged, 0 changed, 1 failed"


def test_check_json_has_the_summary_and_every_document(run, files):
    watchlist, db = files
    result = run("check", "--watchlist", watchlist, "--db", db, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["summary"] == {"checked": 2, "unchanged": 0, "changed": 1, "failed": 1}
    by_doc = {d["document"]: d for d in data["documents"]}
    assert by_doc["soundpool/Terms of Use"]["result"] == "first"
    assert by_doc["gone/Terms"]["result"] == "failed" and "404" in by_doc["gone/Terms"]["reason"]
    assert data["alerts"] == {"delivered": 0, "failed": 0, "errors": [], "deferred": 0}


def test_check_delivers_alerts_and_keeps_a_refused_one_owed_for_the_next_run(
        run, tmp_path, site, inbox):
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(f"""\
services:
  soundpool:
    name: Soundpool
    documents:
      Terms of Use:
        url: {site.url('/tos')}
        lang: en
subscriptions:
  - name: union
    notify: {inbox.json_url('/union')}
    labels: [ai_training_grant]
""", encoding="utf-8")
    db = tmp_path / "tosmon.db"
    site.terms("/tos", TERMS_MAIN)
    assert run("check", "--watchlist", watchlist, "--db", db).exit_code == 0
    site.terms("/tos", GRANT_MAIN)
    inbox.fail_next(1)
    result = run("check", "--watchlist", watchlist, "--db", db)
    assert result.exit_code == 0, "an alert not delivered yet is not a failure of tosmon"
    text = words(result.stdout)
    assert "checked 1: 0 unchanged, 1 changed, 0 failed" in text
    assert "soundpool/Terms of Use: new version, 1 alert(s) owed" in text
    assert "alerts: 0 delivered, 1 still owed" in text and "union" in text
    assert inbox.posts == [] and len(inbox.refused) == 1

    result = run("check", "--watchlist", watchlist, "--db", db)
    assert "alerts: 1 delivered, 0 still owed" in words(result.stdout)
    [post] = inbox.posts
    assert "ai_training_grant" in post.json["message"]
    assert "may be used to inform, train, develop" in " ".join(post.json["message"].split())
    run("check", "--watchlist", watchlist, "--db", db)
    assert len(inbox.posts) == 1


def test_check_named_services_only(run, files, site):
    watchlist, db = files
    result = run("check", "soundpool", "--watchlist", watchlist, "--db", db, "--format", "json")
    assert json.loads(result.stdout)["summary"]["checked"] == 1
    assert site.hits("/not-found") == []


def test_check_an_unknown_service_is_a_clear_error(run, files, site):
    watchlist, db = files
    line = one_error_line(run("check", "soundpool", "nope", "--watchlist", watchlist, "--db", db))
    assert "unknown service(s) nope" in line and str(watchlist) in line
    assert site.hits() == []


def test_a_corrupt_database_is_one_clear_line_and_left_alone(run, files, tmp_path):
    watchlist, db = files
    garbage = bytes(range(256)) * 64
    db.write_bytes(garbage)
    for args in (["check"], ["status"], ["history", "soundpool"], ["stance", "soundpool"],
                 ["diff", "soundpool", "Terms of Use"]):
        line = one_error_line(run(*args, "--watchlist", watchlist, "--db", db))
        assert str(db) in line and "not a tosmon database" in line, args
    assert db.read_bytes() == garbage, "a file that is not ours is never overwritten"


def test_a_database_path_that_is_a_folder_is_a_clear_error(run, files, tmp_path):
    watchlist, _ = files
    line = one_error_line(run("status", "--db", tmp_path))
    assert "is a folder" in line


# -- status ---------------------------------------------------------------------------

def test_status_shows_each_document_with_its_last_result(run, files):
    watchlist, db = files
    assert "nothing checked yet" in run("status", "--db", db).stdout
    run("check", "--watchlist", watchlist, "--db", db)
    run("check", "--watchlist", watchlist, "--db", db)

    rows = {r["key"]: r for r in json.loads(run("status", "--db", db, "--format", "json").stdout)}
    assert set(rows) == {"gone/Terms", "soundpool/Terms of Use"}
    terms = rows["soundpool/Terms of Use"]
    assert (terms["last_outcome"], terms["versions"], terms["failures"]) == ("unchanged", 1, 0)
    assert (rows["gone/Terms"]["last_outcome"], rows["gone/Terms"]["failures"]) == ("failed", 2)
    assert "404" in rows["gone/Terms"]["last_reason"]

    text = words(run("status", "--db", db).stdout)
    assert "unchanged" in text and "failed" in text and "404" in text


# -- history, diff, stance on a real history ---------------------------------------------

def test_history_lists_each_version_with_its_flagged_clauses(run, zoom_db):
    result = run("history", "zoom", "--db", zoom_db)
    assert result.exit_code == 0
    dated = [line.split(" 12:00 ", 1) for line in result.stdout.splitlines()
             if re.match(r"\d{4}-\d\d-\d\d 12:00 ", line)]
    assert [d for d, _ in dated] == ["2023-02-01", "2023-04-01", "2023-07-28", "2023-08-07",
                                     "2023-08-11"]
    assert dated[0][1] == "first version (baseline)"
    assert re.fullmatch(r"\d+ added, \d+ removed, \d+ modified( \(\d+ trivial\))?", dated[3][1])
    text = words(result.stdout)
    assert "ai_training_restriction (AI training restricted) added" in text
    assert ZOOM_RESTRICTION in text

    named = run("history", "zoom", "terms-of-service", "--db", zoom_db)
    assert named.exit_code == 0 and named.stdout == result.stdout

    data = json.loads(run("history", "zoom", "Terms of Service", "--db", zoom_db,
                          "--format", "json").stdout)
    changes = data["zoom/Terms of Service"]
    assert [c["to_date"][:10] for c in changes] == [s.date.date().isoformat() for s in ZOOM.steps]
    assert changes[0]["from_version"] is None
    assert "ai_training_restriction" in changes[3]["labels"]


def test_history_of_something_never_recorded_names_what_is(run, zoom_db):
    line = one_error_line(run("history", "zoom", "Privacy Policy", "--db", zoom_db))
    assert "no document 'Privacy Policy'" in line and "'Terms of Service'" in line
    line = one_error_line(run("history", "spotify", "--db", zoom_db))
    assert "nothing recorded for service 'spotify'" in line and "tosmon check spotify" in line


def test_diff_between_two_dates_shows_the_clause_added(run, zoom_db):
    result = run("diff", "zoom", "Terms of Service", "--from", "2023-08-01", "--to", "2023-08-08",
                 "--db", zoom_db)
    assert result.exit_code == 0
    text = words(result.stdout)
    assert "zoom/Terms of Service: 2023-07-28 12:00 → 2023-08-07 12:00" in text
    assert f"added ai_training_restriction (AI training restricted) + {ZOOM_RESTRICTION}" in text
    # A reworded clause shows what went and what came, even without colours.
    assert "Effective Date: [-July 2-]{+August +}7, 2023" in text

    data = json.loads(run("diff", "zoom", "Terms of Service", "--from", "2023-08-01",
                          "--to", "2023-08-08", "--db", zoom_db, "--format", "json").stdout)
    assert (data["from"][:10], data["to"][:10]) == ("2023-07-28", "2023-08-07")
    [added] = [i for i in data["items"] if "ai_training_restriction" in i["labels"]]
    assert (added["kind"], added["new"]) == ("added", ZOOM_RESTRICTION)


def test_diff_defaults_to_the_latest_change(run, zoom_db):
    data = json.loads(run("diff", "zoom", "Terms of Service", "--db", zoom_db,
                          "--format", "json").stdout)
    assert (data["from"][:10], data["to"][:10]) == ("2023-08-07", "2023-08-11")
    assert data["items"]


def test_diff_dates_outside_the_history_are_clear_errors(run, zoom_db):
    before = one_error_line(run("diff", "zoom", "Terms of Service", "--from", "2022-01-01",
                                "--db", zoom_db))
    assert "2022-01-01" in before and "the first is from 2023-02-01" in before
    line = one_error_line(run("diff", "zoom", "Terms of Service", "--to", "2022-01-01",
                              "--db", zoom_db))
    assert "the first is from 2023-02-01" in line
    line = one_error_line(run("diff", "zoom", "Terms of Service", "--from", "last week",
                              "--db", zoom_db))
    assert "'last week' is not a date" in line and "YYYY-MM-DD" in line


def test_stance_in_text_and_json_agree(run, zoom_db):
    data = json.loads(run("stance", "zoom", "--db", zoom_db, "--format", "json").stdout)
    assert data["service"] == "zoom" and data["documents"] == ["Terms of Service"]
    assert data["summary"] == summarise(set(data["labels"]))
    restrictions = data["labels"]["ai_training_restriction"]["clauses"]
    assert any("to train Zoom or third-party artificial intelligence models" in c["text"]
               for c in restrictions)

    result = run("stance", "zoom", "--db", zoom_db)
    assert result.exit_code == 0
    text = words(result.stdout)
    assert text.startswith(f"zoom {data['summary']}.")
    assert "ai_training_restriction (AI training restricted)" in text
    assert "worded so since 2023-08-11" in text

    line = one_error_line(run("stance", "deezer", "--db", zoom_db))
    assert "nothing recorded for service 'deezer'" in line


# -- classify -------------------------------------------------------------------------

def test_classify_writes_one_line_per_input_in_order(run, tmp_path):
    lines = [
        {"id": 7, "text": "You explicitly agree that your Content may be used to train artificial "
                          "intelligence and machine learning models."},
        {"id": "b", "text": "You may close your account at any time."},
        {"id": [1, 2], "lang": "fr",
         "text": "Nous n'utiliserons pas vos contenus pour entraîner des modèles "
                 "d'intelligence artificielle sans votre consentement."},
    ]
    given = "\n".join(json.dumps(item, ensure_ascii=False) for item in lines) + "\n\n"
    result = run("classify", input=given)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [7, "b", [1, 2]]
    assert all(set(o) == {"id", "labels", "scores", "evidence"} for o in out)
    assert "ai_training_grant" in out[0]["labels"] and out[0]["evidence"]["ai_training_grant"]
    assert out[1]["labels"] == []
    assert "ai_training_restriction" in out[2]["labels"]

    path = tmp_path / "clauses.jsonl"
    path.write_text(given, encoding="utf-8")
    assert run("classify", path).stdout == result.stdout


def test_classify_names_the_bad_line(run):
    given = '{"id": 1, "text": "We may train AI on your uploads."}\n{"id": 2, "text": oops}\n'
    line = one_error_line(run("classify", input=given))
    assert "line 2" in line and "not JSON" in line
    line = one_error_line(run("classify", input='{"id": 1}\n'))
    assert "line 1" in line and '"text"' in line


# -- settings, environment, help ----------------------------------------------------------

def test_settings_json_shows_every_setting_and_where_values_come_from(run, tmp_path):
    result = run("settings", "--format", "json", "--db", tmp_path / "x.db",
                 env={"TOSMON_CONCURRENCY": "4"})
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {s.name for s in settings_mod.SETTINGS}
    assert rows["concurrency"]["value"] == 4 and rows["concurrency"]["default"] == 16
    assert rows["concurrency"]["env"] == "TOSMON_CONCURRENCY"
    assert rows["db"]["value"] == str(tmp_path / "x.db")
    assert all(r["help"] for r in rows.values())


def test_environment_names_the_database_and_the_watchlist(run, files, tmp_path):
    watchlist, _ = files
    db = tmp_path / "from-env" / "tosmon.db"
    env = {"TOSMON_DB": str(db), "TOSMON_WATCHLIST": str(watchlist)}
    result = run("check", "--format", "json", env=env)
    assert json.loads(result.stdout)["summary"]["checked"] == 2
    assert db.exists() and not (tmp_path / "storage").exists()
    rows = json.loads(run("status", "--format", "json", env=env).stdout)
    assert len(rows) == 2
    # An option beats the environment.
    other = tmp_path / "other.db"
    assert json.loads(run("status", "--format", "json", "--db", other, env=env).stdout) == []
    assert other.exists()


def test_defaults_are_storage_db_and_watchlist_yaml_in_the_current_folder(run, files, tmp_path):
    watchlist, _ = files
    assert watchlist == tmp_path / "watchlist.yaml"
    result = run("check", "--format", "json")
    assert result.exit_code == 0
    assert (tmp_path / "storage" / "tosmon.db").exists()


def test_every_command_shows_an_example_in_its_help(run):
    assert "Example" in run("--help").output
    for name in cli.commands:
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example:" in result.output, name
        assert "--db" in result.output and "--format" in result.output, name
