"""A terse notation for spaCy Matcher token patterns.

The cue tables of each language hold hundreds of patterns; written as spaCy
dicts they would be unreadable, so each pattern is one string of token specs:

    train|trains|trained        one token, lower-cased, any of these words
    =AI|AIs                     one token, exact case (so French "ai" is not AI)
    ~licen[cs]e[sd]?            one token whose lower-case form matches the regex
    =~KI-.*                     the same on the exact text
    _                           any token
    !your|their                 any token except these (lower-cased)
    spec?  spec*  spec+  spec{0,3}   spaCy's quantifiers

Regexes are anchored at both ends and take no quantifier (a trailing "?" is
part of the regex).
"""

from __future__ import annotations

import re

_QUANTIFIER = re.compile(r"(\?|\*|\+|\{\d*,?\d*\})$")


_LITERAL = re.compile(r"[\w'’.\-]+(\|[\w'’.\-]+)*")


def _regex(attr: str, regex: str) -> dict:
    # A plain list of words is matched as a list: the matcher checks a regex in Python.
    if _LITERAL.fullmatch(regex) and "." not in regex:
        return {attr: {"IN": regex.split("|")}}
    return {attr: {"REGEX": f"^(?:{regex})$"}}


def _token(spec: str) -> dict:
    op = None
    m = None if spec.startswith(("~", "=~")) else _QUANTIFIER.search(spec)
    if m and len(spec) > len(m.group(1)):
        op, spec = m.group(1), spec[: m.start()]
    if spec == "_":
        token: dict = {}
    elif spec.startswith("=~"):
        token = _regex("ORTH", spec[2:])
    elif spec.startswith("~"):
        token = _regex("LOWER", spec[1:])
    elif spec.startswith("="):
        words = spec[1:].split("|")
        token = {"ORTH": words[0]} if len(words) == 1 else {"ORTH": {"IN": words}}
    elif spec.startswith("!"):
        token = {"LOWER": {"NOT_IN": spec[1:].split("|")}}
    else:
        words = spec.split("|")
        if any(w[:1] in "~=!" for w in words[1:]):
            raise ValueError(f"{spec!r}: '~', '=' and '!' apply to a whole token spec, not one word")
        token = {"LOWER": words[0]} if len(words) == 1 else {"LOWER": {"IN": words}}
    if op:
        token["OP"] = op
    return token


def compile_spec(pattern: str) -> list[dict]:
    """One pattern string to a spaCy Matcher pattern (a list of token dicts)."""
    return [_token(spec) for spec in pattern.split()]
