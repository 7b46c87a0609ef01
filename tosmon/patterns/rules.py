"""Turn the cues found in one clause into labels, scores and evidence.

The language tables say which words carry which idea; this module says how
the ideas combine, the same way in every language:

    training relation   a training/developing word whose object is an AI
                        term ("train our models", "AI development",
                        "as input to AI", "train on your content") -- an AI
                        word alone (moderation, recommendations, "AI
                        features") is not one
    direction           who trains and whether they may:
                          an objection right before it  -> governed by ai_opt_out
                          "if you don't want us to ..." and a way out
                                                         -> ai_opt_out + ai_training_grant
                          "neither we nor third parties" -> restriction + prohibition
                          "you may not", "not to", scraping, "any model",
                          "models that compete", trained on Outputs
                                                         -> scraping_prohibition
                          "we will not"                  -> ai_training_restriction
                          "we will not ... except when"  -> and ai_training_grant
                          "without our permission"       -> scraping_prohibition
                          "without your consent"         -> ai_training_restriction
                          otherwise                      -> ai_training_grant, if
                                what is trained on is users' (their content,
                                inputs, data) or the clause is a purpose
                                ("To train our models ...") -- "we are an AI
                                research company" grants nothing
    outputs             "you own the Output", "do not pass Output off as
                        human-made"                 -> ai_generated_content
    broad_license       a licence granted to the platform with several breadth
                        attributes, not confined to running the service, not
                        over feedback or telemetry, not naming AI training;
                        or a licence (or a use of content) for new products
                        and services, whatever limits it claims

Kinds of cue (every language module defines all of them, see KINDS):
the AI and what is done to it (AI AI_NAME MODEL OUR_MODEL WEAK_OBJECT TRAIN
TRAIN_VERB DEVELOP AI_WORK INPUT PROCESS_TO_DEVELOP TRAIN_ON USER_DATA PURPOSE
BLOCK), who may do it (NEG COND CONTRAST EXCEPTION EXCEPT_NARROW NEW_CLAUSE
PROHIBIT BANNED_THING PROHIBIT_START WRONG INDEFINITE NEITHER_THIRD AGENT_BOUND
UNLESS_PERMITTED CONSENT FIRST_PERSON COMPETE PREFERENCE DEIDENTIFIED), ways out (OPT OPT_SETTING), scraping (SCRAPE AUTOMATED
ACCESS RESERVE DECISION), AI content (AIGC OUTPUT OUTPUT_RULE), licences
(LICENSE ATTRIBUTE NARROW_ATTRIBUTE TO_PLATFORM TO_USERS LIMIT OTHER_OBJECT
NEW_USES CONTENT RIGHTS_VERBS MAY_SUBJECT ONLY) and text that is no term
(DEFINITION REVISION_NOTE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

Span = tuple[int, int]  # token start, end (exclusive)

KINDS = tuple("""AI AI_NAME MODEL OUR_MODEL WEAK_OBJECT TRAIN TRAIN_VERB DEVELOP AI_WORK INPUT
PROCESS_TO_DEVELOP TRAIN_ON USER_DATA PURPOSE OUTPUT OUTPUT_RULE COMPETE PREFERENCE DECISION
BLOCK NEG COND CONTRAST EXCEPTION EXCEPT_NARROW NEW_CLAUSE PROHIBIT BANNED_THING PROHIBIT_START
WRONG INDEFINITE NEITHER_THIRD AGENT_BOUND UNLESS_PERMITTED CONSENT FIRST_PERSON DEIDENTIFIED OPT
OPT_SETTING SCRAPE AUTOMATED ACCESS RESERVE
AIGC LICENSE ATTRIBUTE NARROW_ATTRIBUTE TO_PLATFORM TO_USERS LIMIT OTHER_OBJECT NEW_USES CONTENT
RIGHTS_VERBS MAY_SUBJECT ONLY DEFINITION REVISION_NOTE""".split())

# Scores: "train ... AI" is the plainest wording, "AI ... training" next, then
# "develop/improve ... AI", "as input to AI" and weaker objects ("our models").
STRONG, CLOSE, GOOD, FAIR = 0.9, 0.85, 0.8, 0.7
# Scores of a label not given, by how close the clause came to it.
NEAR_MISS, FAR_MISS = 0.2, 0.02

_SENTENCE_END = {".", "!", "?"}
_PART_END = _SENTENCE_END | {";"}
# Tokens that may precede a clause's first word: list markers, quotes, brackets.
_ENUMERATOR_CHARS = set("()[].-–*•\"“”'‘’0123456789")
_ABBREVIATIONS = {"etc", "e.g", "i.e", "inc", "ltd", "co", "no", "art", "sec", "para", "cf", "vs",
                  "bzw", "usw", "z.b", "ggf", "ca", "cie", "mr", "ms", "dr", "st", "str"}
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
          "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"}

# How far apart (in tokens) two cues may stand and still be one idea.
OBJECT_WINDOW = 15         # "train, develop and improve our technology such as our models"
DEVELOP_WINDOW = 10
TRAILING_WINDOW = 8        # "artificial intelligence (including for the purposes of training"
NEGATION_WINDOW = 60       # "does not use any of your audio, video, ... to train"
CONDITION_WINDOW = 5
TRAIN_ON_WINDOW = 4        # "training on the conversations people have with it"
WISH_WINDOW = 2            # "don't want", "prefer not"
EXCEPTION_WINDOW = 6       # "to train our models, except (a) when"
NARROW_WINDOW = 6          # "unless you or someone in the chat chooses to"
RIGHTS_LIST = 5            # distinct rights verbs after "we may" that make a licence


@dataclass(frozen=True)
class Hit:
    """A label given: its score and the characters of the clause that carried it."""

    score: float
    start: int
    end: int


@dataclass(frozen=True)
class Relation:
    start: int
    end: int
    object_start: int
    strength: float


# Kinds that, in a training relation's sentence, decide who may train (see _direction).
_DIRECTING = ("PROHIBIT", "WRONG", "NEITHER_THIRD", "UNLESS_PERMITTED", "CONSENT", "COMPETE")


def _without_false_bans(spans: Mapping[str, Sequence[Span]]) -> Mapping[str, Sequence[Span]]:
    """The spans, less the cues that only look like a ban.

    "prohibited content", "illegal activities": a name for what is banned
    bans no one, wherever it stands ("we use automated systems to find
    prohibited content" is no ban on automated access); and "non-transferable
    (except as permitted in Section 13)" limits a licence, it bans no user.
    """
    things = spans.get("BANNED_THING", ())
    narrow = spans.get("NARROW_ATTRIBUTE", ())
    if not (things or narrow):
        return spans
    out = dict(spans)
    for kind in _DIRECTING:
        if spans.get(kind):
            out[kind] = [(s, e) for s, e in spans[kind]
                         if not any(ts <= s and e <= te for ts, te in things)
                         and not (kind == "PROHIBIT" and any(0 <= s - ne <= 2 for _, ne in narrow))]
    return out


class Cues:
    """The cues of one tokenised clause, with its sentence and part boundaries."""

    def __init__(self, doc, spans: Mapping[str, Sequence[Span]]):
        self.doc = doc
        self.spans = _without_false_bans(spans)
        self.sentence: list[int] = []
        self.part: list[int] = []
        sentence = part = 0
        self.first = self._first_word(doc)
        for i, token in enumerate(doc):
            self.sentence.append(sentence)
            self.part.append(part)
            if token.text in _PART_END and i > self.first and self._ends(doc, i):
                part += 1
                sentence += token.text in _SENTENCE_END
        self.ai = [s for s in spans.get("AI", ()) if not self.inside(s, "AI_NAME")]

    @staticmethod
    def _first_word(doc) -> int:
        for i, token in enumerate(doc):
            text = token.lower_
            if not (set(text) <= _ENUMERATOR_CHARS or text in _ROMAN
                    or (len(text) <= 2 and text.rstrip(".").isalpha() and i + 1 < len(doc)
                        and doc[i + 1].text in {".", ")"})):
                return i
        return 0

    @staticmethod
    def _ends(doc, i: int) -> bool:
        """A full stop ends a sentence unless an abbreviation or a lower-case word is around it."""
        if doc[i].text == ";":
            return True
        after = doc[i + 1].text if i + 1 < len(doc) else ""
        return not (after[:1].islower() or doc[i - 1].lower_ in _ABBREVIATIONS)

    def get(self, kind: str) -> Sequence[Span]:
        return self.spans.get(kind, ())

    def inside(self, span: Span, kind: str) -> bool:
        return any(s <= span[0] and span[1] <= e for s, e in self.get(kind))

    def same_part(self, a: int, b: int) -> bool:
        return self.part[a] == self.part[min(b, len(self.doc) - 1)]

    def same_sentence(self, a: int, b: int) -> bool:
        return self.sentence[a] == self.sentence[min(b, len(self.doc) - 1)]

    def before(self, kind: str, at: int) -> bool:
        """A cue of this kind earlier in the sentence of token `at` ("we ... train")."""
        return any(s < at and self.same_sentence(s, at) for s, _ in self.get(kind))

    def at_start(self, kind: str) -> Span | None:
        return next((s for s in self.get(kind) if s[0] <= self.first), None)

    def blocked(self, start: int, end: int) -> bool:
        """A word between two cues that makes the AI term a tool, not an object."""
        return any(start <= s and e <= end for s, e in self.get("BLOCK"))

    def hit(self, score: float, start: int, end: int) -> Hit:
        return Hit(score, self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1]))


def relations(c: Cues) -> list[Relation]:
    """Every place where an AI model is trained, developed or fed."""
    found: list[Relation] = []

    def forward(cues: Sequence[Span], objects: Sequence[Span], window: int, strength: float,
                blockable: bool = True):
        for s, e in cues:
            for os_, oe in objects:
                if (0 <= os_ - e <= window and c.same_part(s, os_)
                        and not (blockable and c.blocked(e, os_))):
                    found.append(Relation(s, oe, os_, strength))

    models = c.get("MODEL")
    forward(c.get("TRAIN"), c.ai, OBJECT_WINDOW, STRONG)
    forward(c.get("TRAIN"), models, OBJECT_WINDOW, GOOD)
    forward(c.get("TRAIN_VERB"), c.get("WEAK_OBJECT"), 1, FAIR)
    forward(c.get("DEVELOP"), c.ai, DEVELOP_WINDOW, GOOD)
    forward(c.get("DEVELOP"), c.get("OUR_MODEL"), 3, FAIR)
    forward(c.get("INPUT"), list(c.ai) + list(models), OBJECT_WINDOW, GOOD, blockable=False)
    forward(c.get("TRAIN_ON"), c.get("USER_DATA"), TRAIN_ON_WINDOW, GOOD, blockable=False)
    if c.get("COMPETE"):  # "develop models that compete with us"
        forward(list(c.get("TRAIN")) + list(c.get("DEVELOP")), models, 2, FAIR)
    # "AI training", "machine learning or artificial intelligence (including ... training"
    for s, e in c.ai:
        for ts, te in c.get("TRAIN"):
            if (0 <= ts - e <= TRAILING_WINDOW and c.same_part(s, ts)
                    and not any(e <= x < ts for x, _ in c.get("NEW_CLAUSE"))):
                found.append(Relation(s, te, s, CLOSE))
    # "model training"
    for s, e in models:
        found += [Relation(s, te, s, GOOD) for ts, te in c.get("TRAIN") if ts == e]
    found += [Relation(s, e, s, GOOD) for s, e in c.get("AI_WORK")]
    for s, e in c.get("PROCESS_TO_DEVELOP"):
        if any(a < s and c.same_sentence(a, s) for a, _ in c.ai):
            found.append(Relation(s, e, s, FAIR))
    return [_extended(c, r) for r in found]


def _extended(c: Cues, r: Relation) -> Relation:
    """Carry the evidence on over the rest of the AI term: "train AI and machine learning models"."""
    objects = sorted(list(c.ai) + list(c.get("MODEL")))
    end = r.end
    for s, e in objects:
        if end <= s <= end + 2 and e > end and c.same_part(r.start, s):
            end = e
    return Relation(r.start, end, r.object_start, r.strength)


def _wishes(c: Cues) -> list[Span]:
    """Negated wishes: "if you don't want us to ...", "if you'd prefer not to ..."."""
    return [(s, e) for s, e in c.get("NEG")
            if any(-WISH_WINDOW <= ps - e <= WISH_WINDOW for ps, _ in c.get("PREFERENCE"))]


def _negations(c: Cues, wishes: list[Span]) -> list[Span]:
    """Negations that govern a main clause: not part of "you may not", not "if you don't",
    not a wish ("you wouldn't want")."""
    out = []
    for s, e in c.get("NEG"):
        if (any(ps <= s < pe for ps, pe in c.get("PROHIBIT")) or (s, e) in wishes
                or c.inside((s, e), "OPT")):
            continue
        if any(0 <= s - ce <= CONDITION_WINDOW and c.same_part(cs, s) for cs, ce in c.get("COND")):
            continue
        out.append((s, e))
    return out


def _governs(c: Cues, r: Relation, negations: list[Span]) -> bool:
    """A negation before the relation, in its part, with no new clause or contrast between."""
    return any(c.same_part(s, r.start) and r.start - NEGATION_WINDOW <= s < r.end
               and not any(e <= x < r.start for x, _ in c.get("CONTRAST"))
               and not any(e <= x < r.start for x, _ in c.get("NEW_CLAUSE"))
               for s, e in negations)


def _users(c: Cues, r: Relation) -> bool:
    """Whether something is trained on: content or data is named in the sentence, or the
    clause is a purpose ("To train our models ...", "Developing new features ...") of a
    list whose heading names the data."""
    if any(c.same_sentence(s, r.start) for s, _ in c.get("USER_DATA")):
        return True
    heads = [s for k in ("PURPOSE", "TRAIN", "DEVELOP") for s, _ in c.get(k)]
    return c.same_sentence(c.first, r.start) and c.first in heads


def _direction(c: Cues, r: Relation, negations: list[Span], wishes: list[Span]) -> tuple[str, ...]:
    sentence = [k for k in _DIRECTING if any(c.same_sentence(s, r.start) for s, _ in c.get(k))]
    governing = [n for n in negations if _governs(c, r, [n])]
    ways = list(c.get("OPT")) + list(c.get("OPT_SETTING"))
    for s, e in ways:
        if (e <= r.start and c.same_part(s, r.start)) or (s <= r.start and r.end <= e):
            if governing:
                return ("opt", "ai_training_restriction")
            # "opt out to prevent us from using your Inputs to train": what users leave
            # is the platform's training by default ("... used for training of our models" too)
            us = (any(e <= f < r.start and c.same_part(f, r.start) for f, _ in c.get("FIRST_PERSON"))
                  or any(r.start <= f and g <= r.end for f, g in c.get("OUR_MODEL")))
            return ("opt", "ai_training_grant") if us else ("opt",)
    if ways and any(s < r.start and c.same_sentence(s, r.start) for s, _ in wishes):
        return ("opt", "ai_training_grant")  # "if you don't want us to" says that we do
    if "NEITHER_THIRD" in sentence:
        return ("ai_training_restriction", "scraping_prohibition")
    if any(c.same_sentence(s, r.start) for s, _ in c.get("AGENT_BOUND")):
        return ("ai_training_restriction",)
    first_person = c.before("FIRST_PERSON", r.start)
    # "This license does not permit us to use your content to train ...": the platform's
    # own promise, whatever the rest of the sentence bans others from.
    if first_person and governing and not c.at_start("PROHIBIT_START"):
        return ("ai_training_restriction",)
    objects = list(c.ai) + list(c.get("MODEL"))
    # "to train any AI model" bans others, unless the platform is the one speaking or
    # negated: "Meta will not use your Content to train any AI models" is a promise.
    indefinite = (not first_person and not governing
                  and any(0 <= os_ - e <= 3 and c.same_sentence(os_, r.start)
                          for _, e in c.get("INDEFINITE") for os_, _ in objects))
    # Outputs fed to a model by someone other than the platform: a ban on building on them.
    from_outputs = (not first_person and c.before("OUTPUT", r.start)
                    and not any(c.same_sentence(s, r.start) and not c.inside((s, e), "OUTPUT")
                                for s, e in c.get("USER_DATA")))
    # "(i) you do not use any of Our Content to train ...", a condition users must meet
    # (English only: the word is read, like "user" in _outputs; no cue kind holds "you")
    before = [s for s, _ in governing if s < r.start]
    users_negated = (not first_person and bool(before)
                     and "you" in {t.lower_ for t in c.doc[max(0, before[-1] - 2):before[-1]]})
    if ("PROHIBIT" in sentence or "WRONG" in sentence or c.at_start("PROHIBIT_START")
            or (c.get("SCRAPE") and not first_person) or indefinite
            or "COMPETE" in sentence or from_outputs or users_negated):
        return ("scraping_prohibition",)
    if governing:
        return ("ai_training_restriction",)
    if "UNLESS_PERMITTED" in sentence:
        return ("scraping_prohibition",)
    if "CONSENT" in sentence:
        return ("ai_training_restriction",)
    return ("ai_training_grant",) if _users(c, r) else ()


def _deidentified(c: Cues, r: Relation) -> Span | None:
    """Training only on what is first made anonymous: LABELLING.md counts "only after
    de-identification" as a restriction beside the grant."""
    return next(((s, e) for s, e in c.get("DEIDENTIFIED") if c.same_sentence(s, r.start)), None)


def _exception(c: Cues, r: Relation) -> Span | None:
    """An exception after a promise not to train, unless all it excepts is the user's own
    choice or the service itself ("unless you opt in" restricts; "except when you use a
    free plan" grants those cases)."""
    for s, e in c.get("EXCEPTION"):
        if (r.end <= s <= r.end + EXCEPTION_WINDOW and c.same_sentence(r.start, s)
                and not any(0 <= cs - e <= NARROW_WINDOW for cs, _ in c.get("EXCEPT_NARROW"))):
            return s, e
    return None


def _evidence(c: Cues, r: Relation, label: str, negations: list[Span]) -> Span:
    start = r.start
    if label == "ai_training_restriction":
        before = [s for s, _ in negations if r.start - NEGATION_WINDOW <= s < r.start]
        if before:
            start = max(before)
            if start > 0 and c.doc[start - 1].lower_ in {"will", "do", "does", "shall", "would",
                                                         "is", "are", "ne", "n'", "n’"}:
                start -= 1
    return start, r.end


def _broad_license(c: Cues) -> Hit | None:
    """A licence to the platform wide enough to cover new uses."""
    if c.get("OTHER_OBJECT"):
        return None
    to_platform = c.get("TO_PLATFORM")
    if c.get("TO_USERS") and not to_platform:
        return None
    licences = c.get("LICENSE")
    new_uses = c.get("NEW_USES")
    if new_uses and (licences or c.get("CONTENT")):
        return c.hit(FAIR, *new_uses[0])
    if c.get("LIMIT"):
        return None
    # "non-transferable" narrows: it is no breadth attribute
    attributes = len([a for a in c.get("ATTRIBUTE") if not c.inside(a, "NARROW_ATTRIBUTE")])
    if licences and to_platform and attributes >= 2 and (attributes >= 4 or c.get("CONTENT")):
        start = min(s for s, _ in to_platform)
        after = [e for s, e in licences if s >= start] or [max(e for _, e in to_platform)]
        return c.hit(0.85 if attributes >= 4 else 0.75, start, min(after))
    # A list item of the licence: "A worldwide, transferable and sublicensable right to use ..."
    if licences and attributes >= 3 and c.get("CONTENT"):
        return c.hit(0.75, min(s for s, _ in c.get("ATTRIBUTE")), max(e for _, e in licences))
    # "Zoom may redistribute, publish, ..., and process Customer Content"
    verbs = {c.doc[s].lower_ for s, _ in c.get("RIGHTS_VERBS")}
    for s, _ in c.get("MAY_SUBJECT"):
        after = [e for cs, e in c.get("CONTENT") if cs > s]
        if len(verbs) >= RIGHTS_LIST and after and not c.get("ONLY"):
            return c.hit(FAIR, s, after[0])
    return None


def decide(doc, spans: Mapping[str, Sequence[Span]]) -> dict[str, Hit]:
    """The labels one clause carries."""
    c = Cues(doc, spans)
    if c.at_start("REVISION_NOTE"):
        return {}
    hits: dict[str, Hit] = {}

    def give(label: str, hit: Hit) -> None:
        if label not in hits or hits[label].score < hit.score:
            hits[label] = hit

    wishes = _wishes(c)
    negations = _negations(c, wishes)
    found = [] if c.at_start("DEFINITION") else relations(c)
    for r in found:
        labels = _direction(c, r, negations, wishes)
        for label in labels:
            if label != "opt":
                give(label, c.hit(r.strength, *_evidence(c, r, label, negations)))
        excepted = _exception(c, r) if "ai_training_restriction" in labels else None
        if excepted:  # "we do not train on your data except when ...": those cases are trained on
            give("ai_training_grant", c.hit(FAIR, r.start, excepted[1]))
        limit = _deidentified(c, r) if labels == ("ai_training_grant",) else None
        if limit:  # "... used for training is anonymized": trained on, within a limit
            give("ai_training_restriction", c.hit(FAIR, *limit))

    # An objection right where AI is named or training follows it ("opt out of training");
    # a setting or request where training is.
    trains = [s for s, _ in c.get("TRAIN")]
    ways = [(s, e) for s, e in c.get("OPT")
            if c.ai or found or any(s <= t and t - e <= TRAIN_ON_WINDOW for t in trains)]
    ways += list(c.get("OPT_SETTING")) if found else []
    for s, e in sorted(ways):
        if not any(0 <= s - ne <= 3 for _, ne in negations):
            give("ai_opt_out", c.hit(0.85, s, e))
            break

    for s, e in c.get("SCRAPE"):
        we = c.before("FIRST_PERSON", s)
        if not we or c.get("PROHIBIT") or c.get("RESERVE"):
            give("scraping_prohibition", c.hit(STRONG, s, e))
    banned = c.get("PROHIBIT") or c.get("PROHIBIT_START")
    for s, e in c.get("AUTOMATED"):
        if any(ds <= s <= de for ds, de in c.get("DECISION")):
            continue
        we = c.before("FIRST_PERSON", s)
        if we and not banned:  # "we use automated systems to collect ..."
            continue
        for as_, ae in c.get("ACCESS"):
            if abs(as_ - s) <= 10 and c.same_sentence(s, as_):
                give("scraping_prohibition", c.hit(0.85 if banned else 0.6, min(s, as_), max(e, ae)))

    for s, e in c.get("AIGC"):
        give("ai_generated_content", c.hit(STRONG, s, e))
    for s, e in _outputs(c):
        rules = [(rs, re_) for rs, re_ in c.get("OUTPUT_RULE") if c.same_sentence(rs, s)]
        if rules:
            first = min([(s, e)] + rules)
            last = max([(s, e)] + rules, key=lambda x: x[1])
            give("ai_generated_content", c.hit(FAIR, first[0], last[1]))

    if not found:
        broad = _broad_license(c)
        if broad:
            give("broad_license", broad)
    return hits


def _outputs(c: Cues) -> list[Span]:
    """Output spans a rule may be about.

    Not "user-generated content" (what users make is not Output), nor Output
    listed among what a disclaimer of the whole service covers ("THE
    SERVICES, INCLUDING ANY OUTPUTS, ARE PROVIDED AS IS").
    """
    doc = c.doc
    return [(s, e) for s, e in c.get("OUTPUT")
            if not (s >= 2 and doc[s - 1].text == "-" and doc[s - 2].lower_ == "user")
            and not (s >= 1 and doc[s - 1].lower_ in {"user-", "user"})
            and "including" not in {t.lower_ for t in doc[max(0, s - 3):s]}]


def near_miss(spans: Mapping[str, Sequence[Span]], label: str) -> float:
    """The score of a label not given: a little higher when the clause came close to it."""
    close = {"broad_license": "LICENSE", "scraping_prohibition": "AUTOMATED"}.get(label, "AI")
    return NEAR_MISS if spans.get(close) else FAR_MISS
