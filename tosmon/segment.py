"""SEGMENT: a version's text as clauses, one sentence or list item each.

Clauses are sentences, not paragraphs, because platforms change their terms
by appending a sentence to a paragraph: the diff must show that sentence as
added, not the whole paragraph as modified. spaCy's rule-based sentencizer
proposes the boundaries; legal prose (abbreviations, enumerations, quoted
definitions) then needs the corrections below.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

import spacy

from tosmon.models import Clause

_HEADING = re.compile(r"#{1,6}(?=\s)")
_ITEM = re.compile(r"\s*(?:[-*+•·]|\d{1,3}[.)])\s+")
_ENDS_SENTENCE = re.compile(r"[.!?:;…][\"'”’»)\]]*$")
_WORD = re.compile(r"\S*[^\W\d_]\S*")
_OPENING_QUOTES = "\"'“‘«„"

# Abbreviations after which a period never ends a sentence.
_NEVER_FINAL = re.compile(
    r"(?:^|[\s(\[])(?:e\.\s?g|i\.\s?e|cf|cfr|vs|viz|approx|incl|excl|esp|resp|mr|mrs|ms|dr|prof|"
    r"st|m|mme|mlle|ex|env|p\.\s?ex|p\.\s?ej|z\.\s?b|d\.\s?h|u\.\s?a|s\.\s?o|bzw|vgl|ggf|evtl|"
    r"inkl|zzgl|gem|lt|ca|sog|bijv|o\.\s?a|m\.b\.t|i\.v\.m|t\.a\.v|pte|pty)\.$",
    re.IGNORECASE)
# Abbreviations that may also end a sentence ("... Reddit, Inc."): joined
# only when what follows does not start like a sentence.
_MAYBE_FINAL = re.compile(
    r"(?:^|[\s(\[])(?:etc|inc|ltd|llc|corp|co|plc|ag|bv|nv|sa|sas|sarl|srl|spa|usw|enz|ecc|al|"
    r"no|nos|nr|sec|secs|art|arts|para|paras|p|pp|ch|fig|ref|vol|abs|ziff|lit|núm|pág|pag|"
    r"[A-Z]|(?:[a-z]\.){1,3}[a-z])\.$",
    re.IGNORECASE)
# A piece that is nothing but a list marker: "1.", "a)", "(iv)", "B."
_MARKER_ONLY = re.compile(r"(?:\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcdmIVXLCDM]{1,6})[.)]|\([^()\s]{1,6}\))")
# Items of an enumeration written inline: "...; (ii) for ...; and (iii) ...".
_ENUM_ITEM = re.compile(r"(?<=;)\s+(?=\((?:[ivxlcdm]{1,6}|[a-z]|[A-Z]|\d{1,2})\)\s)")
_ENUM_MARK = re.compile(r"\((?:[ivxlcdm]{1,6}|[a-z]|[A-Z]|\d{1,2})\)\s")
ENUM_SPLIT_CHARS = 400   # an inline enumeration this long is a list in disguise
MIN_WORDS = 4            # a piece with fewer words is a fragment, not a clause
MIN_CJK = 6              # ... or, in scripts without spaces, fewer of their characters
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")


def segment(text: str, lang: str = "en") -> tuple[Clause, ...]:
    """Split normalised text into clauses under their heading path.

    Headings are not clauses: they name the clauses that follow them
    ("Terms > Your Content"), nesting by level.
    """
    units = list(_units(text))
    code = (lang or "xx").lower().replace("_", "-").split("-")[0]
    nlp = _pipeline(code)
    boundary = _boundary_chars(code)
    to_split = [i for i, (_, body) in enumerate(units) if boundary.search(body, 0, len(body) - 1)]
    ends = _ending_words(code)
    make_doc = nlp.make_doc
    starts = {i: _sentence_starts(make_doc(units[i][1]), ends) for i in to_split}
    clauses: list[Clause] = []
    for i, (heading, body) in enumerate(units):
        for sentence in _sentences(body, starts.get(i, [0])):
            clauses.append(Clause(position=len(clauses), heading=heading, text=sentence))
    return tuple(clauses)


def _units(text: str) -> Iterator[tuple[str, str]]:
    """(heading path, text) for each paragraph, list item or table row."""
    path: list[tuple[int, str]] = []
    heading = ""
    pending: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            if pending:
                yield heading, " ".join(pending)
                pending = []
            continue
        mark = _HEADING.match(line)
        if mark:
            if pending:
                yield heading, " ".join(pending)
                pending = []
            level = mark.end()
            title = line[level:].strip().rstrip("#").strip()
            if title:
                while path and path[-1][0] >= level:
                    path.pop()
                path.append((level, title))
                heading = " > ".join(t for _, t in path)
            continue
        if line.startswith("|"):
            if pending:
                yield heading, " ".join(pending)
                pending = []
            row = " | ".join(c for c in (cell.strip() for cell in line.split("|")) if c)
            if row:
                yield heading, row
            continue
        item = _ITEM.match(raw)
        if item:
            if pending:
                yield heading, " ".join(pending)
            pending = [" ".join(raw[item.end():].split())]
            continue
        # A line of a paragraph broken by <br>: its own unit once the line
        # before ended a sentence, else the same sentence goes on.
        if pending and _ENDS_SENTENCE.search(pending[-1]):
            yield heading, " ".join(pending)
            pending = []
        pending.append(line)
    if pending:
        yield heading, " ".join(pending)


def _sentences(body: str, starts: list[int]) -> list[str]:
    """The sentences of one unit, each a slice of it.

    Pieces are kept as (start, end) offsets and joined by slicing the unit,
    so a join restores exactly what stood between them: nothing where a cut
    fell inside a word ("doubao.com" cut after its period in Chinese text),
    the space where there was one.
    """
    if len(starts) <= 1 and len(body) < ENUM_SPLIT_CHARS:
        return [body] if body else []
    spans = [_stripped(body, a, b) for a, b in zip(starts, starts[1:] + [len(body)])]
    spans = [(a, b) for a, b in spans if a < b]
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and _continues(body[merged[-1][0]:merged[-1][1]], body[a:b]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    split: list[tuple[int, int]] = []
    for a, b in merged:
        split.extend(_enumeration(body, a, b))
    return [body[a:b] for a, b in _absorb_fragments(body, split)]


def _stripped(body: str, a: int, b: int) -> tuple[int, int]:
    while a < b and body[a].isspace():
        a += 1
    while b > a and body[b - 1].isspace():
        b -= 1
    return a, b


def _continues(prev: str, nxt: str) -> bool:
    """Whether the sentencizer cut `prev` and `nxt` apart by mistake."""
    tail = prev[-16:]
    if _MARKER_ONLY.fullmatch(prev) or _NEVER_FINAL.search(tail):
        return True
    first = nxt.lstrip(_OPENING_QUOTES)[:1] or nxt[0]
    # Sentences do not start in lower case or with a number ("Art. 4").
    if first.islower() or first.isdigit() or first in ",;:)]":
        return True
    if _MAYBE_FINAL.search(tail) and not first.isupper():
        return True
    return (_open(prev, "(", ")", nxt) or _open(prev, "[", "]", nxt)
            or _open(prev, "“", "”", nxt) or _open(prev, "«", "»", nxt)
            or (prev.count('"') % 2 == 1 and '"' in nxt))


def _open(prev: str, left: str, right: str, nxt: str) -> bool:
    return prev.count(left) > prev.count(right) and right in nxt


def _enumeration(body: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split a long inline enumeration at its "; (ii)" items.

    An item that starts "and (iii)" stays with the one before, so no clause
    starts with a conjunction.
    """
    sentence = body[a:b]
    if len(sentence) < ENUM_SPLIT_CHARS or len(_ENUM_MARK.findall(sentence)) < 2:
        return [(a, b)]
    cuts = [a] + [a + m.start() for m in _ENUM_ITEM.finditer(sentence)] + [b]
    spans = [_stripped(body, x, y) for x, y in zip(cuts, cuts[1:])]
    return [(x, y) for x, y in spans if x < y]


def _absorb_fragments(body: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces too short to be clauses to a neighbour.

    A leading fragment ("10.4 Customer License Grant.") titles what follows;
    any other one ("See below.") finishes what precedes.
    """
    out: list[tuple[int, int]] = []
    carry: int | None = None
    for a, b in spans:
        if carry is not None:
            a, carry = carry, None
        if _is_fragment(body[a:b]):
            if out:
                out[-1] = (out[-1][0], b)
            else:
                carry = a
            continue
        out.append((a, b))
    if carry is not None:
        out.append((carry, spans[-1][1]))
    return out


def _is_fragment(piece: str) -> bool:
    """Fewer than MIN_WORDS words; in Chinese or Japanese, which write no
    spaces, fewer than MIN_CJK characters of those scripts."""
    if len(_CJK.findall(piece, 0, 4 * MIN_CJK)) >= MIN_CJK:
        return False
    for count, _ in enumerate(_WORD.finditer(piece), 1):
        if count >= MIN_WORDS:
            return False
    return True


# Languages whose blank pipeline is slow to build for no gain in sentence
# splitting: French compiles thousands of tokenizer exceptions (about 6 s);
# the multilingual tokenizer splits its sentences identically.
_SLOW_TO_BUILD = {"fr"}
# Japanese needs a morphological analyser spaCy does not ship; cut into
# characters, as spaCy's Chinese pipeline does, its sentences end at 。！？
# all the same (the multilingual tokenizer would see one word per sentence).
_BY_CHARACTER = {"ja"}


@lru_cache(maxsize=None)
def _pipeline(code: str) -> spacy.language.Language:
    """One blank pipeline with a sentencizer per language, "xx" if spaCy lacks it."""
    try:
        nlp = spacy.blank("xx" if code in _SLOW_TO_BUILD else "zh" if code in _BY_CHARACTER else code)
    except Exception:  # unknown code, or a language needing an extra package
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=None)
def _ending_words(code: str) -> frozenset[int]:
    """The sentencizer's sentence-ending characters, as the hashes a token array holds."""
    strings = _pipeline(code).vocab.strings
    return frozenset(strings.add(c) for c in _pipeline(code).get_pipe("sentencizer").punct_chars)


def _sentence_starts(doc, ends: frozenset[int]) -> list[int]:
    """Where spaCy's sentencizer starts sentences, as character offsets.

    Its rule, read from a token array: a sentence starts at the first token,
    and at each word (a token neither punctuation nor an ending character)
    with an ending character since the word before. spaCy applies the rule
    token object by token object, which cost a third of a changed
    document's analysis.
    """
    from spacy.attrs import IDX, IS_PUNCT, ORTH

    starts = [0]
    seen = False
    for orth, punct, idx in doc.to_array([ORTH, IS_PUNCT, IDX]).tolist():
        if orth in ends:
            seen = True
        elif seen and not punct:
            starts.append(idx)
            seen = False
    return starts


@lru_cache(maxsize=None)
def _boundary_chars(code: str) -> re.Pattern[str]:
    """Characters that may end a sentence: text without one is a single sentence."""
    chars = _pipeline(code).get_pipe("sentencizer").punct_chars
    # One range for the rare scripts beyond the BMP keeps the search fast.
    bmp = "".join(re.escape(c) for c in sorted(chars) if ord(c) <= 0xFFFF)
    return re.compile(f"[{bmp}\U00010000-\U0010FFFF]")
