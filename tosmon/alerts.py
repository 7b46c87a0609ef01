"""Compose the alerts a change owes each subscription, and cut long ones for small channels.

Pure: values in, Alert values out. The text is plain, so it reads the same in
an email, in Slack and in Telegram. A body is a summary line, then one
paragraph per flagged clause (its first line "[2/5] ADDED — label (name)"),
then the date and link; clause texts are quoted whole with "> " on every line,
which is also what lets split() find where one clause ends and the next begins.

    SoundCloud — Terms of Use, version of 2024-02-07: 1 flagged clause added.
    Whole document: 3 clauses added, 0 removed, 2 changed, 312 unchanged.

    [1/1] ADDED — ai_training_grant (AI training allowed)
    Section: 3. Your Content
    > You explicitly agree that your Content may be used to inform, train, ...
    Evidence: "may be used to inform, train"

    Version: 2024-02-07
    Link: https://soundcloud.com/terms-of-use
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Iterable, Mapping, Sequence

from .diff import summary
from .models import (LABEL_NAMES, LABELS, NONE, PROTECTIVE_LABELS, Alert, AlertItem,
                     ClauseChange, Document, Prediction, Subscription)

__all__ = ["owed", "split", "untracked", "tracked_again"]

_VERB = {"added": "ADDED", "removed": "REMOVED", "modified": "CHANGED"}
_PAST = {"added": "added", "removed": "removed", "modified": "changed"}
_ITEM_START = re.compile(r"\[\d+/\d+\] ")
# Titles name at most this many (label, kind) pairs, then "and N more".
_TITLE_PAIRS = 3


# -- change alerts --------------------------------------------------------------

def owed(document: Document, version_date: datetime, url: str,
         changes: Sequence[ClauseChange], old_predictions: Mapping[int, Prediction],
         new_predictions: Mapping[int, Prediction], subscriptions: Sequence[Subscription],
         lang: str) -> list[Alert]:
    """One alert per subscription that a flagged clause of this change concerns.

    Added clauses count with the new clause's labels, removed ones with the old
    clause's (losing a restriction or an opt-out is news), changed ones with
    both; edits of spelling, punctuation or spacing never alert.
    """
    flagged = _collapse(_reworded(list(_flagged(changes, old_predictions, new_predictions))))
    if not flagged:
        return []
    counts = summary(changes)
    alerts = []
    for sub in subscriptions:
        if not _wants(sub, document.service, lang):
            continue
        wanted = set(sub.labels or LABELS)
        items = tuple(item for item in flagged if item.label in wanted)
        if not items:
            continue
        alerts.append(Alert(
            subscription=sub.name, kind="change", document=document.key,
            title=_change_title(document, items),
            body=_change_body(document, version_date, url, items, counts),
            items=items, url=url, version_date=version_date))
    return alerts


def _flagged(changes: Iterable[ClauseChange], old_predictions: Mapping[int, Prediction],
             new_predictions: Mapping[int, Prediction]) -> Iterable[AlertItem]:
    for change in changes:
        old_p = old_predictions.get(change.old.position, NONE) if change.old else NONE
        new_p = new_predictions.get(change.new.position, NONE) if change.new else NONE
        if change.kind == "added":
            for label in _ordered(new_p.labels):
                yield AlertItem(label, "added", change.new.text,
                                evidence=new_p.evidence.get(label, ""), heading=change.new.heading)
        elif change.kind == "removed":
            for label in _ordered(old_p.labels):
                yield AlertItem(label, "removed", change.old.text,
                                evidence=old_p.evidence.get(label, ""), heading=change.old.heading)
        elif change.kind == "modified" and not change.trivial:
            for label in _ordered(set(new_p.labels) | set(old_p.labels)):
                source = new_p if label in new_p.labels else old_p
                yield AlertItem(label, "modified", change.new.text, old_text=change.old.text,
                                evidence=source.evidence.get(label, ""),
                                heading=change.new.heading or change.old.heading)


def _reworded(items: list[AlertItem]) -> list[AlertItem]:
    """A flagged clause removed while another with the same label is added is one rewording.

    Platforms replace a promise with a new wording far more often than they drop
    one and make another elsewhere; "before / after" is what the reader needs,
    and a removed restriction shown alone would read as lost protection.
    """
    added: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        if item.kind == "added":
            added.setdefault(item.label, []).append(index)
    merged: dict[int, AlertItem] = {}
    dropped: set[int] = set()
    for index, item in enumerate(items):
        if item.kind != "removed" or not added.get(item.label):
            continue
        target = added[item.label].pop(0)
        new = items[target]
        merged[target] = AlertItem(item.label, "modified", new.text, old_text=item.text,
                                   evidence=new.evidence, heading=new.heading or item.heading)
        dropped.add(index)
    return [merged.get(i, item) for i, item in enumerate(items) if i not in dropped]


def _collapse(items: list[AlertItem]) -> list[AlertItem]:
    """The same clause changed the same way in several places is told once, with a count.

    Pages that carry two agreements (one per region) repeat most clauses.
    """
    seen: dict[tuple, int] = {}
    out: list[AlertItem] = []
    for item in items:
        key = (item.label, item.kind, item.text, item.old_text)
        if key in seen:
            first = out[seen[key]]
            out[seen[key]] = AlertItem(first.label, first.kind, first.text, first.old_text,
                                       first.evidence, first.heading, first.times + 1)
            continue
        seen[key] = len(out)
        out.append(item)
    return out


def _ordered(labels: Iterable[str]) -> list[str]:
    labels = set(labels)
    return [l for l in LABELS if l in labels] + sorted(labels - set(LABELS))


def _wants(sub: Subscription, service: str, lang: str | None) -> bool:
    if not sub.wants_service(service):
        return False
    if not sub.languages or not lang:
        return True
    return _primary(lang) in {_primary(l) for l in sub.languages}


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _subject(document: Document) -> str:
    return f"{document.service_name} — {document.name}"


def _change_title(document: Document, items: Sequence[AlertItem]) -> str:
    pairs: list[str] = []
    for item in items:
        pair = f"{LABEL_NAMES.get(item.label, item.label)} ({_PAST[item.kind]})"
        if pair not in pairs:
            pairs.append(pair)
    shown = ", ".join(pairs[:_TITLE_PAIRS])
    if len(pairs) > _TITLE_PAIRS:
        shown += f" and {len(pairs) - _TITLE_PAIRS} more"
    return f"{_subject(document)}: {shown}"


def _change_body(document: Document, version_date: datetime | None, url: str,
                 items: Sequence[AlertItem], counts: Mapping[str, int]) -> str:
    clauses: dict[str, set] = {kind: set() for kind in _PAST}
    for item in items:
        clauses[item.kind].add((item.heading, item.old_text, item.text))
    flagged = sum(len(c) for c in clauses.values())
    parts = [f"{len(clauses[k])} {_PAST[k]}" for k in _PAST if clauses[k]]
    when = f", version of {_when(version_date)}" if version_date else ""
    what = (f"{_clauses(flagged).replace(' ', ' flagged ')} "
            + (_PAST[next(k for k in _PAST if clauses[k])] if len(parts) == 1
               else f"({', '.join(parts)})"))
    head = (f"{_subject(document)}{when}: {what}.\n"
            f"Whole document: {_clauses(counts.get('added', 0))} added, "
            f"{counts.get('removed', 0)} removed, {counts.get('modified', 0)} changed"
            f"{_trivial_note(counts)}, {counts.get('unchanged', 0)} unchanged.")
    blocks = [head]
    blocks += [render_item(item, k, len(items)) for k, item in enumerate(items, 1)]
    blocks.append(_footer(version_date, url))
    return "\n\n".join(blocks)


def _clauses(n: int) -> str:
    return f"{n} clause" if n == 1 else f"{n} clauses"


def _trivial_note(counts: Mapping[str, int]) -> str:
    trivial = counts.get("trivial", 0)
    return f" ({trivial} only in spelling or punctuation)" if trivial else ""


def render_item(item: AlertItem, number: int, total: int) -> str:
    """One flagged clause as a paragraph: label, what happened, whole text, evidence."""
    name = LABEL_NAMES.get(item.label, item.label)
    lines = [f"[{number}/{total}] {_VERB[item.kind]} — {item.label} ({name})"]
    if item.kind == "removed" and item.label in PROTECTIVE_LABELS:
        lines.append("This protection is no longer in the terms.")
    elif item.kind == "removed" and item.label == "ai_training_grant":
        lines.append("This grant is no longer in the terms.")
    if item.times > 1:
        lines.append(f"The same clause appears {item.times} times in the document.")
    heading = " ".join(item.heading.split())
    if heading:
        lines.append(f"Section: {heading}")
    if item.kind == "modified":
        lines += ["Before:", _quote(item.old_text or ""), "After:", _quote(item.text)]
    else:
        lines.append(_quote(item.text))
    evidence = " ".join(item.evidence.split())
    if evidence:
        where = ""
        if item.kind == "modified" and evidence not in item.text and evidence in (item.old_text or ""):
            where = " (in the old text)"
        lines.append(f'Evidence{where}: "{evidence}"')
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


def _footer(version_date: datetime | None, url: str) -> str:
    lines = []
    if version_date:
        lines.append(f"Version: {_when(version_date)}")
    if url:
        lines.append(f"Link: {url}")
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


# -- tracking alerts ------------------------------------------------------------

def untracked(document: Document, subscriptions: Sequence[Subscription], failures: int,
              reason: str, url: str) -> list[Alert]:
    """Tell subscribers that silence about this document no longer means "no change"."""
    title = f"{_subject(document)}: no longer tracked"
    body = (f"{_subject(document)} could not be checked {failures} times in a row, so changes "
            f"to it are not being noticed.\nLast failure: {' '.join(reason.split())}\n\n"
            f"Checks go on; another message will say when it is tracked again.\n\n"
            f"{_footer(None, url)}").rstrip()
    return _to_all(document, subscriptions, "untracked", title, body, url)


def tracked_again(document: Document, subscriptions: Sequence[Subscription],
                  url: str) -> list[Alert]:
    """Close the gap opened by untracked(): checks work again."""
    title = f"{_subject(document)}: tracked again"
    body = (f"{_subject(document)} can be checked again. Anything that changed meanwhile is "
            f"compared with the last version seen and alerted as usual.\n\n"
            f"{_footer(None, url)}").rstrip()
    return _to_all(document, subscriptions, "tracked_again", title, body, url)


def _to_all(document: Document, subscriptions: Sequence[Subscription], kind: str,
            title: str, body: str, url: str) -> list[Alert]:
    return [Alert(subscription=sub.name, kind=kind, document=document.key, title=title,
                  body=body, url=url)
            for sub in subscriptions if _wants(sub, document.service, document.lang)]


# -- splitting for channels with a length limit ----------------------------------

_CONTINUES = "(continued in the next message)"
_CONTINUED = " (continued)"


def split(alert: Alert, limit: int) -> list[tuple[str, str]]:
    """(title, body) messages whose bodies fit in `limit` characters (<= 0: no limit).

    Cuts fall between clauses; every message after the first repeats the
    summary line and every one before the last ends with the link, when they
    fit. Only a clause too long for a message on its own is cut, at sentence
    and then word boundaries, and each piece says it continues.
    """
    if limit <= 0 or len(alert.body) <= limit:
        return [(alert.title, alert.body)]
    paragraphs = alert.body.split("\n\n")
    starts = [k for k, p in enumerate(paragraphs) if _ITEM_START.match(p)]
    if starts:
        head, tail = paragraphs[:starts[0]], paragraphs[starts[-1] + 1:]
        # A paragraph between two items belongs to the item before it.
        items = _merge_into_items(paragraphs[starts[0]:starts[-1] + 1])
    else:
        head, items, tail = [], paragraphs, []
    units = [(p, "head") for p in head] + [(p, "item") for p in items] + [(p, "tail") for p in tail]
    first = head[0].split("\n")[0] if head else ""
    link = tail[-1].split("\n")[-1] if tail else ""
    if len(first) + len(link) + 4 > limit // 2:
        first = link = ""   # no room to repeat them

    def compose(chunk: list[tuple[str, str]]) -> str:
        texts = [text for text, _ in chunk]
        if first and chunk[0][1] != "head":
            texts.insert(0, first)
        if link and chunk[-1][1] != "tail":
            texts.append(link)
        return "\n\n".join(texts)

    budget = limit - (len(first) + 2 if first else 0) - (len(link) + 2 if link else 0)
    messages: list[list[tuple[str, str]]] = []
    for text, role in units:
        alone = compose([(text, role)])
        pieces = [text] if len(alone) <= limit else _cut(text, budget)
        for piece in pieces:
            if messages and len(compose(messages[-1] + [(piece, role)])) <= limit:
                messages[-1].append((piece, role))
            else:
                messages.append([(piece, role)])
    bodies = [compose(chunk) for chunk in messages]
    if len(bodies) == 1:
        return [(alert.title, bodies[0])]
    return [(f"{alert.title} ({k}/{len(bodies)})", body) for k, body in enumerate(bodies, 1)]


def _merge_into_items(paragraphs: list[str]) -> list[str]:
    units: list[str] = []
    for p in paragraphs:
        if units and not _ITEM_START.match(p):
            units[-1] += "\n\n" + p
        else:
            units.append(p)
    return units


def _cut(unit: str, budget: int) -> list[str]:
    """Last resort: a paragraph longer than a whole message, in pieces that say so."""
    first = unit.partition("\n")[0]
    header = first + _CONTINUED if _ITEM_START.match(first) else _CONTINUED.strip()
    continues = _CONTINUES
    if len(header) > budget // 3:
        header = _CONTINUED.strip()
    if len(header) + len(continues) + 2 > budget // 2:
        header = continues = ""   # a tiny limit: plain cuts, nothing else fits
    room = max(budget - len(header) - len(continues) - 2, 1)
    pieces: list[list[str]] = [[]]
    for line in unit.split("\n"):
        while True:
            used = len("\n".join(pieces[-1]))
            space = room - used - (1 if pieces[-1] else 0)
            if len(line) <= space:
                pieces[-1].append(line)
                break
            if pieces[-1] and (len(line) <= room or space < room // 4):
                pieces.append([])   # the line fits a fresh piece, or too little room is left here
                continue
            part, line = _cut_line(line, max(space, 1))
            pieces[-1].append(part)
            pieces.append([])
    pieces = [p for p in pieces if p]
    out = []
    for k, piece in enumerate(pieces):
        text = "\n".join(([header] if k and header else []) + piece)
        out.append(text + ("\n" + continues if continues and k < len(pieces) - 1 else ""))
    return out


_SENTENCE_END = re.compile(r"[.;:!?][\"'”’)\]*]*(\s+)")


def _cut_line(line: str, room: int) -> tuple[str, str]:
    """The most of a line that fits in `room`, ending a sentence if one ends far enough
    in, else at a space; and the rest. A quoted line stays quoted on both sides."""
    prefix = "> " if line.startswith("> ") and room > 12 else ""
    text = line[len(prefix):]
    room -= len(prefix)
    window = text[:room + 1]
    ends = [m.start(1) for m in _SENTENCE_END.finditer(window)]
    cut = ends[-1] if ends and ends[-1] > room // 3 else window.rfind(" ")
    if cut <= 0:
        return prefix + text[:room], prefix + text[room:]
    return prefix + text[:cut].rstrip(), prefix + text[cut:].lstrip()
