"""Replay the recorded histories through segment → diff → classify and compare
each step's flagged changes with what its steps.json owes.

A step passes when the items the alert lists are exactly the expected ones:
each expected label on a changed clause containing its text piece, and no
other changed clause carrying any label. Changes that only touch spelling or
punctuation are dropped, as the diff stage drops them.

    .venv/bin/python classifiers/check_histories.py            # every history
    .venv/bin/python classifiers/check_histories.py zoom -v    # one, with every flagged clause
    .venv/bin/python classifiers/check_histories.py --markdown # segment the raw Markdown instead

By default each version goes the way the pipeline sees it: Markdown rendered
to the page the replay serves, the terms extracted from it, then segmented;
stand-ins take over where a stage is missing.

Exit status 0 when every step passes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tosmon.classify import Classifier  # noqa: E402
from tosmon.models import Clause, ClauseChange, Document, Prediction, Subscription  # noqa: E402

HISTORIES = ROOT / "tosmon" / "data" / "histories"

try:  # the real stages when they exist, a close stand-in otherwise
    from tosmon.segment import segment as _segment
except ImportError:
    _segment = None
try:
    from tosmon.diff import diff as _diff
except ImportError:
    _diff = None
try:
    from tosmon.alerts import owed as _owed
except ImportError:
    _owed = None
try:  # the text as the pipeline extracts it from the page the replay serves
    from tosmon.extract import extract as _extract
    from tosmon.models import Source
    from tosmon.replay import page as _page, render_html as _render_html
except ImportError:
    _extract = None


# --- stand-in segmentation: Markdown blocks, then sentences ----------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_RULE = re.compile(r"^\s*([=\-*_]\s*){3,}$")
_BULLET = re.compile(r"^\s*(?:[*+\-]|\d+\\?\.)\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g.", "i.e.", "Inc.", "Ltd.", "Co.", "No.", "U.S.", "etc.", "vs.", "Mr.", "Ms.",
                  "Dr.", "St.", "Str.", "Art.", "Sec.", "para.", "approx.")


def _plain(line: str) -> str:
    line = _LINK.sub(r"\1", line)
    line = _HEADING.sub("", line)
    line = _BULLET.sub("", line, count=1)
    line = _EMPHASIS.sub("", line)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", line).strip()


def _sentences(block: str) -> list[str]:
    out: list[str] = []
    for piece in _SENTENCE_END.split(block):
        if out and out[-1].endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece.strip())
    return out


def standin_segment(text: str, lang: str) -> list[Clause]:
    clauses: list[Clause] = []
    for raw in text.splitlines():
        if not raw.strip() or _RULE.match(raw):
            continue
        for sentence in _sentences(_plain(raw)):
            clauses.append(Clause(position=len(clauses), heading="", text=sentence))
    return clauses


USE_REAL_SEGMENT = True
USE_REAL_DIFF = True
AS_SERVED = True


def version_text(markdown_text: str) -> str:
    """The Markdown of a recorded version, or the text extracted from it as served."""
    if not (_extract and AS_SERVED):
        return markdown_text
    html = _page(_render_html(markdown_text, "Terms"), "Terms").decode("utf-8")
    return _extract(html, Source(url="http://127.0.0.1/terms"))


def segment(text: str, lang: str) -> list[Clause]:
    if _segment and USE_REAL_SEGMENT:
        return list(_segment(text, lang))
    return standin_segment(text, lang)


# --- one step ----------------------------------------------------------------

@dataclass
class Item:
    label: str
    kind: str
    text: str
    old_text: str | None = None
    evidence: str = ""


def changes(old: list[Clause], new: list[Clause]) -> list[ClauseChange]:
    """Every non-trivial change, as the diff stage reports it (or a set difference)."""
    if _diff is not None and USE_REAL_DIFF:
        return [c for c in _diff(old, new) if c.kind != "unchanged" and not c.trivial]
    old_texts, new_texts = {c.text for c in old}, {c.text for c in new}
    return ([ClauseChange("removed", c, None) for c in old if c.text not in new_texts]
            + [ClauseChange("added", None, c) for c in new if c.text not in old_texts])


def flagged_items(changed: list[ClauseChange], old_predictions: dict[int, Prediction],
                  new_predictions: dict[int, Prediction]) -> list[Item]:
    """What the alert lists: through tosmon.alerts where it exists, else added
    clauses with their labels, removed ones with their old labels, changed ones
    with both, each (label, clause) once."""
    if _owed is not None:
        document = Document(service="history", service_name="History", name="Terms", sources=())
        alerts = _owed(document, datetime.now(timezone.utc), "", changed, old_predictions,
                       new_predictions, (Subscription(name="check", notify="json://localhost"),), "en")
        return [Item(i.label, i.kind, i.text, i.old_text, i.evidence) for a in alerts for i in a.items]
    items: list[Item] = []
    for change in changed:
        before = old_predictions.get(change.old.position) if change.old else None
        after = new_predictions.get(change.new.position) if change.new else None
        labels = sorted(set(before.labels if before else ()) | set(after.labels if after else ()))
        for label in labels:
            source = after if after and label in after.labels else before
            item = Item(label, change.kind, (change.new or change.old).text,
                        change.old.text if change.new and change.old else None,
                        source.evidence.get(label, ""))
            if item not in items:
                items.append(item)
    return items


def _matches(item: Item, want: dict) -> bool:
    return item.label == want["label"] and any(want["text"] in t for t in (item.text, item.old_text) if t)


def compare(items: list[Item], expected: list[dict]) -> tuple[list[str], list[Item]]:
    missing, left = [], list(items)
    for want in expected:
        hit = next((i for i in left if _matches(i, want)), None)
        if hit is None:
            missing.append(f"{want['label']}: {want['text']!r}")
        else:
            left.remove(hit)
    return missing, left


def check(folder: Path, classifier: Classifier, verbose: bool) -> bool:
    steps = json.loads((folder / "steps.json").read_text(encoding="utf-8"))
    ok = True
    previous: list[Clause] | None = None
    old_predictions: dict[int, Prediction] = {}
    print(f"== {folder.name}")
    for step in steps:
        text = version_text((folder / step["serve"]).read_text(encoding="utf-8"))
        clauses = segment(text, "en")
        predictions = dict(zip((c.position for c in clauses),
                               classifier.predict([c.text for c in clauses], ["en"] * len(clauses))))
        if previous is None:
            previous, old_predictions = clauses, predictions
            print(f"  {step['serve']}: baseline ({len(clauses)} clauses)")
            continue
        changed = changes(previous, clauses)
        items = flagged_items(changed, old_predictions, predictions)
        missing, extra = compare(items, step["expect"])
        passed = not missing and not extra
        ok &= passed
        print(f"  {step['serve']}: {'PASS' if passed else 'FAIL'}  "
              f"{len(changed)} changed clauses, expected {len(step['expect'])}, flagged {len(items)}")
        for want in step["expect"]:
            print(f"      expected {want['label']}: {want['text'][:90]!r}")
        for line in missing:
            print(f"      MISSING  {line[:140]}")
        for item in extra:
            print(f"      EXTRA    {item.label} ({item.kind}): {item.text[:140]!r}")
            print(f"               evidence: {item.evidence!r}")
        if verbose:
            for item in items:
                print(f"      got {item.label} ({item.kind}) [{item.evidence}] {item.text[:110]!r}")
        previous, old_predictions = clauses, predictions
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="history folders whose name contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every flagged change")
    parser.add_argument("--standin-segment", action="store_true",
                        help="split sentences with the stand-in here, not tosmon.segment")
    parser.add_argument("--set-diff", action="store_true",
                        help="changed = exact text set difference, not tosmon.diff")
    parser.add_argument("--markdown", action="store_true",
                        help="segment the recorded Markdown itself, not the text extracted from it as served")
    args = parser.parse_args(argv)
    global USE_REAL_SEGMENT, USE_REAL_DIFF, AS_SERVED
    USE_REAL_SEGMENT, USE_REAL_DIFF = not args.standin_segment, not args.set_diff
    AS_SERVED = not args.markdown
    classifier = Classifier.load()
    print(f"classifier {classifier.version}; alerts: {'tosmon.alerts' if _owed else 'stand-in'}; text: "
          f"{'extracted as served' if _extract and AS_SERVED else 'recorded Markdown'}; segment: "
          f"{'tosmon.segment' if _segment and USE_REAL_SEGMENT else 'stand-in'}; diff: "
          f"{'tosmon.diff' if _diff and USE_REAL_DIFF else 'text set difference'}")
    folders = sorted(p for p in HISTORIES.iterdir() if (p / "steps.json").exists())
    folders = [f for f in folders if not args.only or any(o in f.name for o in args.only)]
    results = [check(folder, classifier, args.verbose) for folder in folders]
    print("ALL PASS" if all(results) else "SOME STEPS FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
