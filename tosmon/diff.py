"""Align the clauses of two consecutive versions and say how each one moved.

Most clauses of a new version are unchanged, and headings get renumbered, so
identical texts are matched first, in order and then wherever they moved; only
the clauses left over are compared for similarity, within their neighbourhood
first. Two versions of a 95 KB document align in a few milliseconds.

    old  A  B   C  D  E
    new  A  B'  X  C  E     ->  A unchanged, B->B' modified, X added,
                                C unchanged, D removed, E unchanged
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import Counter, defaultdict, deque
from difflib import SequenceMatcher
from typing import Iterable, Sequence

from diff_match_patch import diff_match_patch

from .models import CHANGE_KINDS, Clause, ClauseChange

__all__ = ["diff", "is_trivial", "summary", "similarity", "char_diff", "NEAR", "FAR"]

# Word-sequence similarity (difflib ratio over lower-cased words) from which
# two leftover clauses count as "the same clause, edited". Measured on the
# bundled histories: wording edits score 0.6-1.0 (Spotify's appended AI
# sentence: 0.7), heavy rewrites of one clause in Zoom's 2023 overhaul 0.50-0.60;
# between 0.40 and 0.50 unrelated sentences that share boilerplate ("You are
# responsible for", "in accordance with this Agreement") become as common as
# true pairs, so below 0.5 a clause is reported as removed and added instead.
# A pair further apart than its neighbourhood (moved and edited) needs FAR,
# because far away a shared phrase is weaker evidence of identity.
NEAR = 0.5
FAR = 0.7
# Bonus that makes a neighbour win over an equally similar clause elsewhere.
_NEIGHBOUR_BONUS = 0.1
# A gap this small is compared pair by pair; a larger one goes through the index.
_SMALL_GAP = 400
# How many index candidates per new clause get a full comparison.
_CANDIDATES = 8

_WORDS = re.compile(r"\w+")
_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0.2  # per clause; past it the diff is coarser, never wrong


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def similarity(a: str, b: str) -> float:
    """Share of words two texts have in common, in order (0..1)."""
    return _ratio(_words(a), _words(b), 0.0)


def _ratio(a: list[str], b: list[str], floor: float) -> float:
    if not a and not b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def _bound(a: Counter[str], b: Counter[str], size: int) -> float:
    """An upper bound of the ratio from word counts alone, cheap enough for every pair."""
    if len(a) > len(b):
        a, b = b, a
    common = sum(min(n, b[w]) for w, n in a.items() if w in b)
    return 2.0 * common / size if size else 1.0


def diff(old: Sequence[Clause], new: Sequence[Clause]) -> tuple[ClauseChange, ...]:
    """Every old and every new clause exactly once, in the new document's order.

    Removed clauses stand right after the new clause that follows what preceded
    them in the old version, so a reader sees them where they were.
    """
    old, new = list(old), list(new)
    old_to_new: list[int | None] = [None] * len(old)
    new_to_old: list[int | None] = [None] * len(new)

    def link(i: int, j: int) -> None:
        old_to_new[i], new_to_old[j] = j, i

    # 1. identical texts, in order: these are the anchors of the alignment.
    anchors_old: list[int] = []
    anchors_new: list[int] = []
    matcher = SequenceMatcher(None, [c.text for c in old], [c.text for c in new], autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            link(a + k, b + k)
            anchors_old.append(a + k)
            anchors_new.append(b + k)

    # 2. identical texts that moved (or duplicates matched out of order).
    waiting: dict[str, deque[int]] = defaultdict(deque)
    moved: set[int] = set()
    for i, c in enumerate(old):
        if old_to_new[i] is None:
            waiting[c.text].append(i)
    for j, c in enumerate(new):
        if new_to_old[j] is None and waiting.get(c.text):
            i = waiting[c.text].popleft()
            link(i, j)
            moved.add(i)
    unchanged = {j for j, i in enumerate(new_to_old) if i is not None}

    # 3. edited clauses among the leftovers.
    left_old = [i for i, j in enumerate(old_to_new) if j is None]
    left_new = [j for j, i in enumerate(new_to_old) if i is None]
    if left_old and left_new:
        for i, j in _pair_similar(old, new, left_old, left_new, anchors_old, anchors_new):
            link(i, j)

    return tuple(_ordered(old, new, old_to_new, new_to_old, unchanged, moved))


def _pair_similar(old: list[Clause], new: list[Clause], left_old: list[int],
                  left_new: list[int], anchors_old: list[int],
                  anchors_new: list[int]) -> list[tuple[int, int]]:
    """Greedy best-first pairing of leftover clauses similar enough to be one clause."""
    old_words = {i: _words(old[i].text) for i in left_old}
    new_words = {j: _words(new[j].text) for j in left_new}
    # Gap g lies between anchor g-1 and anchor g; anchors increase on both sides.
    old_gap = {i: bisect.bisect(anchors_old, i) for i in left_old}
    new_gap = {j: bisect.bisect(anchors_new, j) for j in left_new}

    candidates: set[tuple[int, int]] = set()
    by_gap_old: dict[int, list[int]] = defaultdict(list)
    by_gap_new: dict[int, list[int]] = defaultdict(list)
    for i in left_old:
        by_gap_old[old_gap[i]].append(i)
    for j in left_new:
        by_gap_new[new_gap[j]].append(j)
    for g, js in by_gap_new.items():
        is_ = by_gap_old.get(g, ())
        if is_ and len(is_) * len(js) <= _SMALL_GAP:
            candidates.update((i, j) for i in is_ for j in js)
    candidates.update(_index_candidates(old_words, new_words))

    old_bags = {i: Counter(w) for i, w in old_words.items()}
    new_bags = {j: Counter(w) for j, w in new_words.items()}
    scored = []
    for i, j in candidates:
        near = old_gap[i] == new_gap[j]
        floor = NEAR if near else FAR
        a, b = old_words[i], new_words[j]
        if _bound(old_bags[i], new_bags[j], len(a) + len(b)) < floor:
            continue
        score = _ratio(a, b, floor)
        # One shared word ("1." / "1.1 Registration") is chance, not identity.
        if score >= floor and (score == 1.0 or score * (len(a) + len(b)) >= 3.99):
            # Ties go to the neighbour, then to the closest relative position.
            drift = abs(i / max(len(old), 1) - j / max(len(new), 1))
            scored.append((score + (_NEIGHBOUR_BONUS if near else 0.0), -drift, i, j))
    scored.sort(reverse=True)

    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs = []
    for _, _, i, j in scored:
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j))
    return pairs


def _index_candidates(old_words: dict[int, list[str]],
                      new_words: dict[int, list[str]]) -> Iterable[tuple[int, int]]:
    """For each new clause, the old ones sharing the most distinctive words.

    Words found in many leftover clauses are skipped: they cost the most and
    say the least, which keeps a complete rewrite far from quadratic.
    """
    postings: dict[str, list[int]] = defaultdict(list)
    for i, words in old_words.items():
        for w in set(words):
            postings[w].append(i)
    n = len(old_words)
    too_common = max(8, n // 10)
    weight = {w: math.log(1 + n / len(ids)) for w, ids in postings.items() if len(ids) <= too_common}
    for j, words in new_words.items():
        shared: Counter[int] = Counter()
        for w in set(words):
            wt = weight.get(w)
            if wt:
                for i in postings[w]:
                    shared[i] += wt
        for i, _ in shared.most_common(_CANDIDATES):
            yield i, j


def _ordered(old: list[Clause], new: list[Clause], old_to_new: list[int | None],
             new_to_old: list[int | None], unchanged: set[int],
             moved: set[int]) -> list[ClauseChange]:
    keyed: list[tuple[tuple[int, int, int], ClauseChange]] = []
    for j, clause in enumerate(new):
        i = new_to_old[j]
        if i is None:
            change = ClauseChange("added", None, clause)
        elif j in unchanged:
            change = ClauseChange("unchanged", old[i], clause)
        else:
            change = _modified(old[i], clause)
        keyed.append(((j, 0, 0), change))
    # A removed clause follows its nearest predecessor that is still there; one
    # that moved elsewhere says nothing about where the removal was.
    anchor = -1
    for i, clause in enumerate(old):
        j = old_to_new[i]
        if j is not None:
            if i not in moved:
                anchor = j
        else:
            keyed.append(((anchor, 1, i), ClauseChange("removed", clause, None)))
    keyed.sort(key=lambda kc: kc[0])
    return [c for _, c in keyed]


def _modified(old: Clause, new: Clause) -> ClauseChange:
    return ClauseChange("modified", old, new, trivial=is_trivial(old.text, new.text),
                        ops=char_diff(old.text, new.text))


_PIECES = re.compile(r"\w+|\s+|[^\w\s]")
# Replaced runs up to this many characters are re-diffed letter by letter.
_FINE = 300


def char_diff(a: str, b: str) -> tuple[tuple[int, str], ...]:
    """diff-match-patch's character diff, cleaned up for people to read.

    A plain character diff of two long, rather different clauses costs tens of
    milliseconds; diffing words first (each word stood for by one character, as
    diff-match-patch does with lines) and then letters only inside the replaced
    runs gives the same kind of answer in a fraction of the time.
    """
    codes: dict[str, str] = {}
    words: list[str] = []

    def encode(text: str) -> str:
        out = []
        for piece in _PIECES.findall(text):
            code = codes.get(piece)
            if code is None:
                code = codes[piece] = chr(0xE000 + len(words)) if len(words) < 0x1900 \
                    else chr(0x10000 + len(words))
                words.append(piece)
            out.append(code)
        return "".join(out)

    def decode(code: str) -> str:
        return "".join(words[ord(c) - (0xE000 if ord(c) < 0x10000 else 0x10000)] for c in code)

    coarse = [(op, decode(code)) for op, code in _DMP.diff_main(encode(a), encode(b), False)]
    ops: list[tuple[int, str]] = []
    k = 0
    while k < len(coarse):
        op, text = coarse[k]
        if (op == -1 and k + 1 < len(coarse) and coarse[k + 1][0] == 1
                and len(text) + len(coarse[k + 1][1]) <= _FINE):
            ops.extend(_DMP.diff_main(text, coarse[k + 1][1], False))
            k += 2
        else:
            ops.append((op, text))
            k += 1
    _DMP.diff_cleanupMerge(ops)
    _DMP.diff_cleanupSemantic(ops)
    return tuple((op, text) for op, text in ops)


def summary(changes: Iterable[ClauseChange]) -> dict[str, int]:
    """Counts per kind; "trivial" counts the modified clauses that are trivial.

    added + removed + modified + unchanged is the number of changes.
    """
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    counts["trivial"] = 0
    for change in changes:
        counts[change.kind] += 1
        if change.kind == "modified" and change.trivial:
            counts["trivial"] += 1
    return counts


# -- trivial edits ------------------------------------------------------------

# Words whose replacement by a look-alike changes what a clause allows: modal
# verbs, negations, quantifiers, and pairs one or two letters apart.
_GUARDED = frozenset("""
    may might must shall should will would could cannot never ever none neither
    without unless except only always every more most less least than then
    include includes included including exclude excludes excluded excluding
    before after prior later lawful unlawful legal illegal limited unlimited
    able unable agree disagree allow allowed disallow disallowed permit permitted
    prohibit prohibited consent consents dissent optin optout sell sells sold
    tell share shares store stores train trains trained tune tuned
""".split())

# A token: a number (kept whole, "10.4", "1,000"), or letters possibly joined by
# apostrophes or hyphens ("can't", "e-mail").
_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|[^\W\d_]+(?:['\-][^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00ad": ""})
_CONTRACTIONS = {"can't": ("can", "not"), "cannot": ("can", "not"), "won't": ("will", "not"),
                 "shan't": ("shall", "not"), "ain't": ("is", "not")}


# Where a Markdown link points: "[Platform Rules](https://...)" reads "Platform Rules".
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")


def _tokens(text: str) -> list[str]:
    """Lower-cased words a reader sees; negative contractions spelled out ("won't" = "will not")."""
    text = _LINK_TARGET.sub("]", text)
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if tok in _CONTRACTIONS:
            out.extend(_CONTRACTIONS[tok])
        elif tok.endswith("n't"):
            out.extend((tok[:-3], "not"))
        else:
            out.append(tok)
    return out


def _squash(tokens: Sequence[str]) -> str:
    return "".join(tokens).replace("'", "").replace("-", "")


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit ("recieve")."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _spelling_variant(a: str, b: str) -> bool:
    """"unauthorised"/"unauthorized", "licence"/"license", "services"/"service".

    Same first letter, because prefixes carry meaning ("lawful"/"unlawful",
    "include"/"exclude", "sell"/"tell"). Short words may only gain or lose a
    letter ("color"/"colour"): a swapped letter there is usually another word
    ("data"/"date", "form"/"from"). Longer words may differ by two edits.
    """
    a, b = a.replace("-", "").replace("'", ""), b.replace("-", "").replace("'", "")
    if min(len(a), len(b)) < 4 or a[0] != b[0]:
        return False
    if not (a.isalpha() and b.isalpha()) or a in _GUARDED or b in _GUARDED:
        return False
    if min(len(a), len(b)) < 6:
        return abs(len(a) - len(b)) == 1 and _distance(a, b) == 1
    return abs(len(a) - len(b)) <= 2 and _distance(a, b) <= 2


def is_trivial(old: str, new: str) -> bool:
    """True when an edit touches only spelling, punctuation, case or spacing.

    Markup counts as punctuation: emphasis, and where a link points (its words
    are compared). Anything that could change meaning is not trivial: a number,
    a word added, removed or replaced by another word, a negation, a modal verb.
    """
    a, b = _tokens(old), _tokens(new)
    if a == b:
        return True
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace":
            return False
        left, right = a[i1:i2], b[j1:j2]
        if _squash(left) == _squash(right) and not any(c.isdigit() for c in _squash(left)):
            continue  # "e-mail" / "email", "opt out" / "opt-out"
        if len(left) == len(right) and all(map(_spelling_variant, left, right)):
            continue
        return False
    return True
