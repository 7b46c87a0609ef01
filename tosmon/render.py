"""How the CLI shows things: rich tables on a terminal, JSON on request.

Only this module prints; the library returns data.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime, timezone
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .errors import TosmonError
from .models import LABEL_NAMES

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def _default(value: Any):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


def emit(fmt: str, data: Any, text: str, err: bool = False) -> None:
    click.echo(to_json(data) if fmt == "json" else text, err=err and fmt != "json")


def progress_wanted(fmt: str) -> bool:
    return fmt == "text" and sys.stderr.isatty()


def log(message: str) -> None:
    err.print(f"[dim]{datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S}[/dim] {message}")


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise TosmonError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    if len(value) <= 10:  # a bare date means the end of that day
        parsed = parsed.replace(hour=23, minute=59, second=59)
    return parsed


def _day(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")


def label_text(label: str) -> str:
    return f"{label} ({LABEL_NAMES.get(label, label)})"


# -- check ---------------------------------------------------------------

def check_report(fmt: str, report, delivery) -> None:
    summary = report.summary()
    data = {"summary": summary,
            "documents": [dataclasses.asdict(o) for o in report.outcomes],
            "alerts": dataclasses.asdict(delivery) if delivery else None}
    if fmt == "json":
        click.echo(to_json(data))
        return
    out.print(f"checked {summary['checked']}: {summary['unchanged']} unchanged, "
              f"{summary['changed']} changed, {summary['failed']} failed")
    for outcome in report.outcomes:
        if outcome.result in ("changed", "first"):
            extra = f", {outcome.alerts} alert(s) owed" if outcome.alerts else ""
            note = "first version (baseline)" if outcome.result == "first" else "new version"
            out.print(f"  [green]{outcome.document}[/green]: {note}{extra}")
    for outcome in report.failed:
        kind = " (bot-blocked)" if outcome.bot_blocked else " (transient)" if outcome.transient else ""
        out.print(f"  [red]{outcome.document}[/red]: failed{kind}: {outcome.reason}")
    if delivery is not None and (delivery.delivered or delivery.failed):
        out.print(f"alerts: {delivery.delivered} delivered, {delivery.failed} still owed")
        for error in delivery.errors:
            out.print(f"  [yellow]{error}[/yellow]")


# -- status --------------------------------------------------------------

def status(fmt: str, rows) -> None:
    data = [dataclasses.asdict(r) for r in rows]
    if fmt == "json":
        click.echo(to_json(data))
        return
    if not rows:
        out.print("nothing checked yet: run `tosmon check`")
        return
    table = Table("document", "last check", "result", "last change", "versions", "failures")
    for r in rows:
        result = r.last_outcome or "-"
        if r.last_outcome == "failed" and r.last_reason:
            result = f"[red]failed[/red]: {r.last_reason[:60]}"
        if not r.tracked:
            result += " [red](no longer tracked)[/red]"
        table.add_row(r.key, _day(r.last_check), result, _day(r.last_change), str(r.versions),
                      str(r.failures))
    out.print(table)


# -- history -------------------------------------------------------------

def history(fmt: str, by_document: dict[str, list[dict]]) -> None:
    if fmt == "json":
        click.echo(to_json(by_document))
        return
    for key, changes in by_document.items():
        out.rule(key)
        for change in changes:
            out.print(_change_line(change))
            for item in change.get("items", []):
                if not item.get("labels"):
                    continue
                trivial = " [dim](spelling/punctuation only)[/dim]" if item.get("trivial") else ""
                for label in item["labels"]:
                    evidence = (item.get("evidence") or {}).get(label)
                    out.print(f"  [bold]{label_text(label)}[/bold] {item['kind']}{trivial}"
                              + (f" — evidence: “{evidence}”" if evidence else ""))
                if item.get("old_text") and item["kind"] == "modified":
                    out.print(Text("    was: " + item["old_text"], style="red"))
                    out.print(Text("    now: " + (item.get("new_text") or ""), style="green"))
                else:
                    out.print(Text("    " + (item.get("new_text") or item.get("old_text") or ""),
                                   style="red" if item["kind"] == "removed" else "green"))


def _change_line(change: dict) -> str:
    when = _day(change.get("to_date") or change.get("date"))
    if change.get("from_version") is None:
        return f"[bold]{when}[/bold] first version (baseline)"
    counts = ", ".join(f"{change.get(k, 0)} {k}" for k in ("added", "removed", "modified"))
    trivial = change.get("trivial", 0)
    return f"[bold]{when}[/bold] {counts}" + (f" ({trivial} trivial)" if trivial else "")


# -- diff ----------------------------------------------------------------

def diff(fmt: str, data: dict) -> None:
    if fmt == "json":
        click.echo(to_json(data))
        return
    out.rule(f"{data['document']}: {_day(data['from'])} → {_day(data['to'])}")
    if not data["items"]:
        out.print("no difference")
    for item in data["items"]:
        labels = "".join(f" [bold]{label_text(label)}[/bold]" for label in item["labels"])
        trivial = " [dim](spelling/punctuation only)[/dim]" if item["trivial"] else ""
        heading = f" [dim]{item['heading']}[/dim]" if item["heading"] else ""
        out.print(f"[cyan]{item['kind']}[/cyan]{trivial}{labels}{heading}")
        if item["kind"] == "modified":
            # Without colours (a pipe, a file) the edit is shown wdiff-style.
            plain = out.no_color or out.color_system is None
            marks = {-1: ("[-", "-]"), 1: ("{+", "+}")} if plain else {}
            line = Text("  ")
            for op, piece in item["ops"]:
                start, end = marks.get(op, ("", ""))
                line.append(start + piece + end,
                            style={-1: "red strike", 1: "green underline", 0: ""}[op])
            out.print(line)
        else:
            text = item["new"] if item["kind"] == "added" else item["old"]
            out.print(Text(("+ " if item["kind"] == "added" else "- ") + text,
                           style="green" if item["kind"] == "added" else "red"))


# -- stance --------------------------------------------------------------

def stance(fmt: str, data: dict) -> None:
    if fmt == "json":
        click.echo(to_json(data))
        return
    out.print(f"[bold]{data['service']}[/bold] {data['summary']}.")
    for label, entry in data["labels"].items():
        out.rule(label_text(label))
        for clause in entry["clauses"]:
            since = _day(clause.get("text_since") or clause.get("first_seen"))[:10]
            first = _day(clause.get("first_seen"))[:10]
            origin = f" (the clause first appeared {first})" if first != since else ""
            out.print(f"[dim]{clause.get('document', '')}, worded so since {since}{origin}[/dim]")
            out.print(Text("  " + clause["text"]))
            if clause.get("evidence"):
                out.print(f"  [dim]evidence:[/dim] “{clause['evidence']}”")


# -- settings ------------------------------------------------------------

def settings_table(fmt: str, rows: list[dict]) -> None:
    if fmt == "json":
        click.echo(to_json(rows))
        return
    table = Table("name", "value", "env", "what it is")
    for row in rows:
        table.add_row(row["name"], str(row["value"]), row["env"] or "", row["help"])
    out.print(table)


# -- demo ----------------------------------------------------------------

def demo(fmt: str, result) -> None:
    if fmt == "json":
        click.echo(to_json(dataclasses.asdict(result)))
        return
    for step in result.steps:
        head = f"{step.date}  {step.service} / {step.document}: "
        if step.result == "first":
            out.print(head + "first version recorded (baseline, no alert)")
        elif step.result == "unchanged":
            out.print(head + "unchanged")
        elif step.result == "failed":
            out.print(head + f"[red]failed[/red]: {step.reason}")
        else:
            change = step.changes or {}
            out.print(head + "new version: " + ", ".join(
                f"{change.get(k, 0)} {k}" for k in ("added", "removed", "modified")))
        for payload in step.received:
            out.print(f"  [yellow]alert received[/yellow]: {payload.get('title', '')}")
            for line in str(payload.get("message", "")).splitlines():
                out.print(Text("    " + line))
    out.rule("stance now")
    for service, data in result.stances.items():
        out.print(f"[bold]{service}[/bold] {data['summary']}.")
    received = sum(len(s.received) for s in result.steps)
    out.print(f"\n{len(result.steps)} versions replayed, {received} alert(s) received by the local receiver.")
    if result.db:
        out.print(f"database kept at {result.db}; try: tosmon status --db {result.db}")
