"""The labelled clauses of classifiers/data, and which platforms each figure may see.

Every `*.jsonl` file here is read (new files join without code changes); a
clause text seen twice counts once (the first file in name order wins).
Clauses in a language the classifier has no cue table for (LANGUAGES) are
kept in the files but not read: a score on them would measure nothing.

Splits are by platform (ALIASES joins the names of one platform, or of
one company's terms that share wording, across files), never by clause: sentences of one platform's terms
share wording, so a clause-level split would measure memory. The rule,
recorded in splits.json:

    test        platforms found only in the files written after the patterns
                (NEW_FILES), whose name's sha1 is even: neither the cue tables
                nor the textcat nor the thresholds ever saw them
    validation  the other platforms found only in those files: unseen by the
                patterns, so the weight given to the patterns and the
                thresholds are tuned honestly there
    train       everything else: every platform of clauses-dev and of the
                histories (the patterns were written reading them), and those
                of the new files that also appear there

The thresholds are tuned on out-of-fold predictions for the validation
platforms and for the training files written after the rules (TUNING_FILES):
nine validation platforms alone made thresholds that flipped with every
batch of new data.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tosmon.evaluate import read_labelled  # noqa: E402
from tosmon.models import LABELS  # noqa: E402
from tosmon.patterns import LANGUAGES  # noqa: E402

DATA = ROOT / "classifiers" / "data"
SPLITS = DATA / "splits.json"
CORRECTIONS = DATA / "corrections.json"
# Names of one platform (or of one company's terms sharing their wording) across files.
ALIASES = {
    "Twitter": "X (Twitter)", "X": "X (Twitter)",
    "Meta (Facebook/Instagram)": "Meta", "Meta AI": "Meta", "Threads": "Meta", "Facebook": "Meta",
    "Instagram": "Meta", "Llama API": "Meta",
    "Mistral AI (Le Chat)": "Mistral AI", "Le Chat": "Mistral AI", "Mistral": "Mistral AI", "Vibe": "Mistral AI",
}
NEW_FILES = ("clauses-social.jsonl", "clauses-genai.jsonl", "clauses-fr-de.jsonl")
# Training files written after the rules of patterns-3, whose platforms the thresholds
# are tuned on. The four genai-g to -j files have been read by no rule. Four rules
# of patterns-4 (exceptions to a promise not to train, "have not opted out",
# "prohibited content") were written reading the errors of the other seven; they
# change the patterns' labels on 3 of those files' 2,275 clauses. creative-b,
# mixed-b, web-b and fr-de3 came after patterns-5.
TUNING_FILES = ("clauses-fr-de2.jsonl", "clauses-genai-d.jsonl", "clauses-genai-e.jsonl",
                "clauses-genai-f.jsonl", "clauses-mistral.jsonl", "clauses-tools-b.jsonl",
                "clauses-tools-c.jsonl", "clauses-genai-g.jsonl", "clauses-genai-h.jsonl",
                "clauses-genai-i.jsonl", "clauses-genai-j.jsonl", "clauses-creative-b.jsonl",
                "clauses-mixed-b.jsonl", "clauses-web-b.jsonl", "clauses-fr-de3.jsonl")
RULE = ("test: platforms found only in " + ", ".join(NEW_FILES) + " whose sha1(name, UTF-8) is even; "
        "validation: the other platforms found only in those files (sha1 odd); "
        "train: every other platform (all of clauses-dev and clauses-histories among them)")


def _text_key(text: str) -> str:
    return " ".join(text.split())


def load(data: Path = DATA) -> list[dict]:
    """Every labelled clause, deduplicated by text; each row knows its file (`origin`).

    corrections.json relabels records of files written elsewhere, saying why.
    """
    corrections = {}
    if (data / CORRECTIONS.name).exists():
        corrections = {c["id"]: c for c in
                       json.loads((data / CORRECTIONS.name).read_text(encoding="utf-8"))["corrections"]}
    rows, seen, read = [], {}, set()
    for path in sorted(data.glob("*.jsonl")):
        for row in read_labelled(path):
            read.add(row["id"])
            if row.get("lang", "en") not in LANGUAGES:
                continue
            fix = corrections.get(row["id"])
            if fix:
                row["labels"], row["gold"] = fix["labels"], set(fix["labels"]) - {"none"}
                row["note"] = f"Corrected ({fix['reason']}) {row.get('note', '')}"
            key = _text_key(row["text"])
            if key in seen:
                first = seen[key]
                if first["gold"] != row["gold"]:
                    first.setdefault("conflicts", []).append((row["id"], sorted(row["gold"])))
                continue
            row["origin"] = path.name
            row["platform"] = (row.get("platform") or "").strip() or "unknown"
            row["group"] = ALIASES.get(row["platform"], row["platform"])
            seen[key] = row
            rows.append(row)
    unknown = sorted(set(corrections) - read)
    if unknown:
        raise ValueError(f"{data / CORRECTIONS.name}: no record has the id {', '.join(unknown)}; "
                         "fix the id or drop the correction")
    return rows


def sha1_int(name: str) -> int:
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16)


def make_splits(rows: list[dict]) -> dict:
    files: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        files[row["group"]].add(row["origin"])
    splits: dict[str, list[str]] = {"train": [], "validation": [], "test": []}
    for platform in sorted(files):
        if not files[platform] <= set(NEW_FILES):
            splits["train"].append(platform)
        elif sha1_int(platform) % 2 == 0:
            splits["test"].append(platform)
        else:
            splits["validation"].append(platform)
    present = sorted({f for fs in files.values() for f in fs})
    return {"rule": RULE, "files": present, "missing_files": [f for f in NEW_FILES if f not in present],
            **splits}


def write_splits(splits: dict, path: Path = SPLITS) -> bool:
    """Write splits.json; True when it changed."""
    text = json.dumps(splits, indent=1, ensure_ascii=False) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def read_splits(path: Path = SPLITS) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def part(rows: list[dict], splits: dict, name: str) -> list[dict]:
    platforms = set(splits[name])
    return [r for r in rows if r["group"] in platforms]


def learned_and_tuning(train: list[dict], validation: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows the textcat learns, and those the thresholds are tuned on (see TUNING_FILES)."""
    learned = [r for r in train if r["origin"] not in TUNING_FILES]
    tuning = validation + [r for r in train if r["origin"] in TUNING_FILES]
    return learned, tuning


def folds(rows: list[dict], k: int) -> list[list[dict]]:
    """k platform-grouped folds of about equal size, the same every time.

    Platforms go, largest first (ties by sha1), to the fold with fewest clauses.
    """
    by_platform: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_platform[row["group"]].append(row)
    out: list[list[dict]] = [[] for _ in range(k)]
    for platform in sorted(by_platform, key=lambda p: (-len(by_platform[p]), sha1_int(p))):
        min(out, key=len).extend(by_platform[platform])
    return out


def summary(rows: list[dict]) -> dict:
    counts = {label: sum(label in r["gold"] for r in rows) for label in LABELS}
    counts["none"] = sum(not r["gold"] for r in rows)
    return {"clauses": len(rows), "platforms": len({r["group"] for r in rows}), "labels": counts}
