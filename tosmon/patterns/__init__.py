"""The pattern layer of the classifier: cue tables per language, one set of rules.

Each language module (`en`, `fr`, `de`) maps kinds of cue to patterns; a
spaCy blank pipeline (tokenizer only) and Matchers find them, and
`rules.decide` turns them into labels. Pipelines are built on first use of a
language and kept: spaCy's French tokenizer alone takes seconds to build, and
most runs never see a French or German clause.

Most clauses of a document concern none of the labels, so the cue kinds are
run in groups, each behind a cheap test for the words it cannot do without:
a clause about payment terms costs a tokenisation and a few set lookups.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from typing import Sequence

from ..models import LABELS
from .rules import KINDS, RIGHTS_LIST, Hit, decide, near_miss
from .spec import compile_spec

__all__ = ["PatternScorer", "Scored", "VERSION", "LANGUAGES"]

# Bump when a cue or a rule changes: stored predictions of another version are
# recomputed rather than reused.
VERSION = "patterns-8"
LANGUAGES = ("en", "fr", "de")
FALLBACK = "en"   # a language without its own table gets the English one

# label -> (score, evidence or "") for every label
Scored = dict[str, tuple[float, str]]

# group: (kinds whose words trigger it, kinds it matches). A group runs when
# a clause holds a word every pattern of some trigger kind needs; every rule
# of `rules` reads only kinds of the groups its own triggers start.
_SHARED = ("DEFINITION", "REVISION_NOTE")
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "training": (
        ("AI", "MODEL", "OUR_MODEL", "TRAIN_VERB", "TRAIN"),
        ("AI", "AI_NAME", "MODEL", "OUR_MODEL", "WEAK_OBJECT", "TRAIN", "TRAIN_VERB", "DEVELOP",
         "AI_WORK", "INPUT", "PROCESS_TO_DEVELOP", "TRAIN_ON", "USER_DATA", "PURPOSE", "OUTPUT", "COMPETE",
         "PREFERENCE", "NEG", "COND", "CONTRAST", "EXCEPTION", "EXCEPT_NARROW", "NEW_CLAUSE", "BLOCK",
         "PROHIBIT", "BANNED_THING", "PROHIBIT_START", "WRONG", "INDEFINITE", "NEITHER_THIRD", "AGENT_BOUND",
         "UNLESS_PERMITTED", "CONSENT", "DEIDENTIFIED", "OPT", "OPT_SETTING", "SCRAPE", "FIRST_PERSON"),
    ),
    "scraping": (
        ("SCRAPE", "AUTOMATED"),
        ("SCRAPE", "AUTOMATED", "ACCESS", "PROHIBIT", "BANNED_THING", "PROHIBIT_START", "RESERVE",
         "FIRST_PERSON", "DECISION"),
    ),
    "generated": (("AIGC", "OUTPUT"), ("AIGC", "OUTPUT", "OUTPUT_RULE")),
    "licence": (
        ("ATTRIBUTE", "NEW_USES"),
        ("LICENSE", "ATTRIBUTE", "NARROW_ATTRIBUTE", "TO_PLATFORM", "TO_USERS", "LIMIT",
         "OTHER_OBJECT", "NEW_USES", "CONTENT", "RIGHTS_VERBS", "MAY_SUBJECT", "ONLY"),
    ),
}
# "Zoom may redistribute, publish, ...": a list of RIGHTS_LIST distinct rights
# verbs starts the licence group too.

# Words too common to be a good anchor.
_COMMON = set("""the a an any all our its their your you we us to of in on for with by from and or not
n't no may can shall will must be is are use used using data content information services service
right rights other this that these such as de des la le les et ou du d' l' d’ l’ un une vous nous
der die das und oder sie wir ihre zu von mit für nicht ein eine - ( ) , . made make created create
creating generate produce write edit computer voice non free media world now known version
likeness human deep license licence licenses licences paid charge later performance
quality accuracy tools programs network networks""".split())


def _words(token: dict) -> list[str] | None:
    for key in ("LOWER", "ORTH"):
        value = token.get(key)
        if isinstance(value, str):
            return [value.lower()]
        if isinstance(value, dict) and "IN" in value:
            return [w.lower() for w in value["IN"]]
    return None  # a regex or a negation


def _anchor(pattern: list[dict]) -> dict:
    """A token every match of this pattern must contain, chosen to be rare.

    Any required token would do for correctness; a rare one lets more
    clauses skip the matcher.
    """
    required = [{k: v for k, v in t.items() if k != "OP"} for t in pattern
                if t.get("OP") in (None, "+") and any(k != "OP" for k in t)]
    if not required:
        raise ValueError(f"pattern {pattern} has no required concrete token")

    def rank(token: dict) -> int:
        words = _words(token)
        if words is None:
            return 1 if "REGEX" in str(token) else 3
        return 2 if any(w in _COMMON for w in words) else 0

    def shortest(token: dict) -> int:
        return min((len(w) for w in _words(token) or ["regex"]), default=0)

    return min(required, key=lambda t: (rank(t), -shortest(t)))


class _Anchors:
    """Whether a clause holds any anchor token: set lookups and one regex, no matcher."""

    def __init__(self, tokens: list[dict]):
        self.lower: set[str] = set()
        self.orth: set[str] = set()
        regexes: dict[str, list[str]] = {"LOWER": [], "ORTH": []}
        for token in tokens:
            (attr, value), = token.items()
            words = self.lower if attr == "LOWER" else self.orth
            if isinstance(value, str):
                words.add(value)
            elif "IN" in value:
                words.update(value["IN"])
            elif "REGEX" in value:
                regexes[attr].append(value["REGEX"])
            else:
                raise ValueError(f"cannot anchor on {token}")
        self.lower_re = re.compile("|".join(regexes["LOWER"])) if regexes["LOWER"] else None
        self.orth_re = re.compile("|".join(regexes["ORTH"])) if regexes["ORTH"] else None

    def any(self, lower: set[str], orth: set[str]) -> bool:
        return bool(lower & self.lower or orth & self.orth
                    or (self.lower_re and any(self.lower_re.match(w) for w in lower))
                    or (self.orth_re and any(self.orth_re.match(w) for w in orth)))


def _rare_anchors(patterns: list[list[dict]]) -> "_Anchors | None":
    """Anchors for one kind of cue when every pattern has a rare word to anchor on, else None."""
    try:
        anchors = [_anchor(p) for p in patterns]
    except ValueError:
        return None
    if any(w is None or w in _COMMON for a in anchors for w in (_words(a) or [None])):
        return None
    return _Anchors(anchors)


def _matcher(vocab, patterns: dict[str, list[list[dict]]], kinds):
    from spacy.matcher import Matcher

    matcher = Matcher(vocab, validate=True)
    for kind in kinds:
        matcher.add(kind, patterns[kind], greedy="LONGEST")
    return matcher


class _Pipeline:
    """A blank spaCy language with the matchers of one cue table.

    A matcher costs a pass over the clause per call and a step per pattern
    at every token. The kinds a clause needs are those of the groups its
    trigger words start. A kind anchored on rare words has a matcher of its
    own, run only when the clause holds one of them; the other kinds share a
    matcher with the kinds of the same groups, run once when any of those
    groups is started.
    """

    def __init__(self, lang: str):
        import spacy

        table = importlib.import_module(f"{__name__}.{lang}").CUES
        if set(table) != set(KINDS):
            raise ValueError(f"{lang} cue table: missing {sorted(set(KINDS) - set(table))}, "
                             f"unknown {sorted(set(table) - set(KINDS))}")
        self.nlp = spacy.blank(lang)
        vocab = self.nlp.vocab
        patterns = {kind: [compile_spec(s) for s in specs] for kind, specs in table.items() if specs}
        self.triggers = [_Anchors([_anchor(p) for k in triggers for p in patterns.get(k, ())])
                         for triggers, _ in GROUPS.values()]
        self.licence = list(GROUPS).index("licence")
        kinds = [[k for k in kinds + _SHARED if k in patterns] for _, kinds in GROUPS.values()]
        self.gated = {}
        together: dict[frozenset[int], list[str]] = defaultdict(list)
        for kind in dict.fromkeys(k for group in kinds for k in group):
            anchors = _rare_anchors(patterns[kind])
            if anchors is not None:
                self.gated[kind] = (anchors, _matcher(vocab, patterns, [kind]))
            else:
                together[frozenset(i for i, group in enumerate(kinds) if kind in group)].append(kind)
        self.shared = [(groups, _matcher(vocab, patterns, members)) for groups, members in together.items()]
        self.group_gated = [[k for k in group if k in self.gated] for group in kinds]
        self.rights = {w for s in table.get("RIGHTS_VERBS", ()) for w in s.split("|")}

    def started(self, lower: set[str], orth: set[str]) -> set[int]:
        """The groups (indices into GROUPS) a clause with these words starts."""
        return {i for i, triggers in enumerate(self.triggers)
                if triggers.any(lower, orth)
                or (i == self.licence and len(self.rights & lower) >= RIGHTS_LIST)}

    def spans(self, doc) -> dict[str, list[tuple[int, int]]]:
        """Where each kind of cue occurs, for the groups this clause needs."""
        lower, orth = {t.lower_ for t in doc}, {t.text for t in doc}
        started = self.started(lower, orth)
        if not started:
            return {}
        strings = self.nlp.vocab.strings
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for groups, matcher in self.shared:
            if groups & started:
                for match_id, start, end in matcher(doc):
                    found[strings[match_id]].append((start, end))
        for kind in {k for i in started for k in self.group_gated[i]}:
            anchors, matcher = self.gated[kind]
            if anchors.any(lower, orth):
                found[kind].extend((start, end) for _, start, end in matcher(doc))
        return {kind: sorted(spans) for kind, spans in found.items() if spans}

    def read(self, doc) -> tuple[dict[str, list[tuple[int, int]]], Scored]:
        """The cues of one tokenised clause, and every label's score from them."""
        spans = self.spans(doc)
        hits = decide(doc, spans) if spans else {}
        return spans, {label: _entry(doc.text, hits.get(label), near_miss(spans, label)) for label in LABELS}


def _entry(text: str, hit: Hit | None, miss: float) -> tuple[float, str]:
    if hit is None:
        return miss, ""
    return hit.score, text[hit.start:hit.end]


class PatternScorer:
    """Scores every label of every clause from the cue tables; no training, no downloads."""

    version = VERSION

    def __init__(self) -> None:
        self._pipelines: dict[str, _Pipeline] = {}

    def pipeline(self, lang: str) -> _Pipeline:
        lang = lang if lang in LANGUAGES else FALLBACK
        if lang not in self._pipelines:
            self._pipelines[lang] = _Pipeline(lang)
        return self._pipelines[lang]

    def read(self, texts: Sequence[str], langs: Sequence[str], batch_size: int = 256) -> list[tuple]:
        """(Doc, cue spans, scores) per clause, in input order; clauses are tokenised in
        batches per language, once, so a scorer built on the patterns reuses the Doc."""
        by_lang: dict[str, list[int]] = defaultdict(list)
        for i, lang in enumerate(langs):
            by_lang[lang if lang in LANGUAGES else FALLBACK].append(i)
        out: list = [None] * len(texts)
        for lang, indices in by_lang.items():
            pipe = self.pipeline(lang)
            for i, doc in zip(indices, pipe.nlp.pipe([texts[i] for i in indices], batch_size=batch_size)):
                out[i] = (doc, *pipe.read(doc))
        return out

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> list[Scored]:
        """Scores in input order."""
        return [scored for _, _, scored in self.read(texts, langs)]
