"""The `tosmon` command: thin wrappers over the library, one per verb.

Errors raised on purpose (TosmonError) become one line on stderr and exit
status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import asyncio
import functools
import sys

import click

from . import render, settings as settings_mod
from .errors import StoreError, TosmonError


def common(fn):
    """--db, --watchlist and --format on every command, resolved into ctx.obj."""

    @click.option("--db", "db", default=None, metavar="PATH",
                  help="SQLite database [env TOSMON_DB; default storage/tosmon.db]")
    @click.option("--watchlist", "watchlist", default=None, metavar="PATH",
                  help="watchlist file [env TOSMON_WATCHLIST; default ./watchlist.yaml]")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                  show_default=True, help="output format")
    @functools.wraps(fn)
    def wrapper(db, watchlist, fmt, **kwargs):
        ctx = click.get_current_context()
        ctx.obj = settings_mod.load({"db": db, "watchlist": watchlist})
        try:
            return fn(ctx.obj, fmt, **kwargs)
        except TosmonError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(2)

    return wrapper


def open_store(settings):
    from .store import Store
    return Store.open(settings.db)


def load_watchlist(settings):
    from .watchlist import load
    return load(settings.watchlist)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="tosmon")
def cli():
    """Watch platforms' terms, keep every version, flag AI-training clauses, alert.

    Example:

        tosmon check soundcloud && tosmon stance soundcloud
    """


@cli.command()
@common
def validate(settings, fmt):
    """Check the watchlist and print every problem with its file, line and field.

    Exit status 2 when there is any problem.

    Example:

        tosmon validate --watchlist watchlist.yaml
    """
    from .watchlist import load, validate as validate_file
    problems = validate_file(settings.watchlist)
    if not problems:
        watchlist = load(settings.watchlist)
        docs = watchlist.documents()
        render.emit(fmt, {"ok": True, "services": len(watchlist.services), "documents": len(docs),
                          "subscriptions": len(watchlist.subscriptions)},
                    f"{settings.watchlist}: {len(watchlist.services)} services, {len(docs)} documents, "
                    f"{len(watchlist.subscriptions)} subscriptions: valid")
        return
    render.emit(fmt, {"ok": False, "errors": [str(p) for p in problems]},
                "\n".join(str(p) for p in problems), err=True)
    sys.exit(2)


@cli.command()
@click.argument("services", nargs=-1)
@click.option("--no-deliver", is_flag=True, help="record alerts but leave them owed")
@common
def check(settings, fmt, services, no_deliver):
    """Check every document (or those of the SERVICES named) once, now.

    Records new versions, owes alerts and delivers them before exiting. Exit
    status 0 even when some documents failed (they are listed).

    Example:

        tosmon check soundcloud spotify --format json
    """
    from .runner import check_once
    watchlist = load_watchlist(settings)
    unknown = sorted(set(services) - {s.id for s in watchlist.services})
    if unknown:
        raise TosmonError(f"unknown service(s) {', '.join(unknown)}; see `tosmon validate` "
                          f"or the watchlist {settings.watchlist}")
    with open_store(settings) as store:
        report, delivery = check_once(watchlist, store, settings, services,
                                      deliver=not no_deliver, progress=render.progress_wanted(fmt))
    render.check_report(fmt, report, delivery)


@cli.command()
@common
def run(settings, fmt):
    """Keep checking: each document at its interval, until SIGINT or SIGTERM.

    Due times live in the database, so a restart neither re-checks everything
    at once nor forgets what was due.

    Example:

        tosmon run --db storage/tosmon.db
    """
    from .schedule import run_forever
    watchlist = load_watchlist(settings)
    with open_store(settings) as store:
        asyncio.run(run_forever(watchlist, store, settings, log=render.log))


@cli.command()
@common
def status(settings, fmt):
    """One row per document: last check, result, last change, versions, failures.

    Example:

        tosmon status --format json
    """
    with open_store(settings) as store:
        render.status(fmt, store.status())


@cli.command()
@click.argument("service")
@click.argument("document", required=False)
@common
def history(settings, fmt, service, document):
    """Versions and changes of a service's documents, with their flagged clauses.

    Example:

        tosmon history zoom "Terms of Service"
    """
    with open_store(settings) as store:
        keys = resolve_documents(store, service, document)
        render.history(fmt, {key: store.changes(key) for key in keys})


@cli.command("diff")
@click.argument("service")
@click.argument("document")
@click.option("--from", "since", default=None, metavar="DATE", help="version in force at DATE (default: the one before the latest)")
@click.option("--to", "until", default=None, metavar="DATE", help="version in force at DATE (default: the latest)")
@common
def diff_command(settings, fmt, service, document, since, until):
    """Clause by clause, what changed in a document between two dates.

    Example:

        tosmon diff zoom "Terms of Service" --from 2023-08-01 --to 2023-08-12
    """
    from .views import diff_between
    with open_store(settings) as store:
        [key] = resolve_documents(store, service, document)
        render.diff(fmt, diff_between(store, key, render.parse_date(since), render.parse_date(until)))


@cli.command()
@click.argument("service")
@common
def stance(settings, fmt, service):
    """A service's current position on AI training, with the evidence and its date.

    Example:

        tosmon stance soundcloud --format json
    """
    from .stance import stance_of
    with open_store(settings) as store:
        render.stance(fmt, stance_of(store, service))


@cli.command()
@click.argument("file", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--batch", default=256, show_default=True, help="clauses per batch")
@common
def classify(settings, fmt, file, batch):
    """Label clauses read as JSON lines {"id", "text", "lang"?}; write one JSON line each.

    Output lines, in input order: {"id", "labels", "scores", "evidence"}.

    Example:

        echo '{"id": 1, "text": "We may use your content to train AI models."}' | tosmon classify
    """
    from .classify import classify_jsonl
    classify_jsonl(file, sys.stdout, batch=batch)


@cli.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--errors/--no-errors", default=True, show_default=True,
              help="list the clauses it got wrong")
@common
def eval_command(settings, fmt, file, errors):
    """Score the classifier on labelled clauses, beside a keyword baseline.

    FILE holds JSON lines {"id", "text", "labels", "lang"?}; labels are a list
    of the six labels or ["none"]. Prints per-label precision, recall and F1,
    micro and macro F1, the share of none clauses flagged, and the mistakes.

    Example:

        tosmon eval classifiers/data/clauses-dev.jsonl --format json
    """
    from .evaluate import evaluate_file, render as render_eval
    result = evaluate_file(file)
    render.emit(fmt, result, render_eval(result, errors=errors))


@cli.command()
@click.option("--keep", is_flag=True, help="keep the demo database and print its path")
@common
def demo(settings, fmt, keep):
    """Replay real recorded histories of platforms' terms through the whole pipeline, offline.

    Serves each recorded version on 127.0.0.1 in date order, checks it into a
    fresh database, delivers the alerts to a local receiver, and shows the
    versions, changes, flagged clauses and alerts as received.

    Example:

        tosmon demo --format json
    """
    from .demo import run_demo
    result = run_demo(settings, keep=keep, progress=render.progress_wanted(fmt))
    render.demo(fmt, result)


@cli.command("settings")
@common
def settings_command(settings, fmt):
    """Every setting with its default, environment variable and value in force.

    Example:

        TOSMON_CONCURRENCY=4 tosmon settings --format json
    """
    rows = [dict(row, value=getattr(settings, row["name"])) for row in settings_mod.describe()]
    render.settings_table(fmt, rows)


def resolve_documents(store, service: str, document: str | None) -> list[str]:
    """Match a service id and an optional document name (case and dashes ignored)."""
    keys = [row.key for row in store.status() if row.key.split("/", 1)[0] == service]
    if not keys:
        raise StoreError(f"nothing recorded for service {service!r}; run `tosmon check {service}` first")
    if document is None:
        return keys
    wanted = document.lower().replace("-", " ")
    found = [k for k in keys if k.split("/", 1)[1].lower().replace("-", " ") == wanted]
    if not found:
        names = ", ".join(repr(k.split("/", 1)[1]) for k in keys)
        raise StoreError(f"{service} has no document {document!r}; recorded: {names}")
    return found


def main() -> None:  # pragma: no cover
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
