"""A service's current position on AI training, from its current versions' flags.

For now the stance is read off the text alone: which labels the clauses in
force carry, the words that carried them and since when each clause stands.
"""

from __future__ import annotations

from .errors import StoreError
from .models import LABEL_NAMES, LABELS
from .store import Store


def summarise(labels: set[str]) -> str:
    """One line a creator can read: does this platform train on my work?"""
    grant, restriction = "ai_training_grant" in labels, "ai_training_restriction" in labels
    if grant and restriction:
        head = "grants itself AI-training rights in some clauses and limits them in others"
    elif grant:
        head = "lets itself use users' content or data to train AI"
    elif restriction:
        head = "commits not to train AI on users' content, or only with consent"
    else:
        head = "says nothing about training AI on users' content"
    extras = []
    if "ai_opt_out" in labels:
        extras.append("offers a way to opt out")
    if "scraping_prohibition" in labels:
        extras.append("forbids others to scrape or mine it for AI")
    if "ai_generated_content" in labels:
        extras.append("has rules on AI-generated uploads")
    if "broad_license" in labels and not grant:
        extras.append("takes a broad licence over uploads that does not name AI")
    return head + ("; " + "; ".join(extras) if extras else "")


def stance_of(store: Store, service: str) -> dict:
    """The stance as data: a summary line and, per label, the clauses in force."""
    rows = store.current_flags(service)
    known = [s for s in store.status() if s.key.split("/", 1)[0] == service]
    if not known:
        raise StoreError(f"nothing recorded for service {service!r}; run `tosmon check {service}` first")
    by_label: dict[str, list[dict]] = {label: [] for label in LABELS}
    for row in rows:
        by_label[row["label"]].append(row)
    for clauses in by_label.values():
        clauses.sort(key=lambda r: str(r.get("text_since") or r.get("first_seen") or ""))
    present = {label for label, clauses in by_label.items() if clauses}
    return {
        "service": service,
        "summary": summarise(present),
        "documents": sorted(s.key.split("/", 1)[1] for s in known),
        "labels": {label: {"name": LABEL_NAMES[label], "clauses": by_label[label]}
                   for label in LABELS if by_label[label]},
    }
