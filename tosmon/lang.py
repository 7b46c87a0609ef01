"""Which language a document is written in, from its commonest small words.

Terms are long and full of function words, so counting them is enough and
needs no model download. A word shared by several languages ("de", "en",
"a") counts for each of them in proportion, so only distinctive words decide.
"""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, str] = {
    "en": "the of and to in is that for you your we our us with or by this are be on as "
          "not any may will from it at an which such have has these those if other its "
          "shall would their they all can",
    "fr": "le la les et de des du un une vous votre vos nous notre nos est que qui pour "
          "dans sur pas au aux ou ce cette ces sont être par avec ne se plus leur peut "
          "été afin lorsque ainsi à d l qu il elle toute tout tous",
    "de": "der die das und ist nicht sie wir ihre ihr ihnen zu den dem des mit von auf für "
          "ein eine einen einem oder sich werden wird sind bei durch auch nach diese "
          "dieser wenn uns unsere können",
    "es": "el la los las y de del que en un una por para con es su sus se no al lo como "
          "usted nosotros nuestro nuestra o este esta estos cualquier puede según sobre "
          "más también",
    "it": "il lo la gli le di del della dei delle che e è per un una non con su sono da "
          "nel nella al alla ai tuo tua tuoi noi nostro nostra questo questa essere o "
          "qualsiasi può",
    "pt": "o a os as de do da dos das que e é um uma para com não em no na nos nas por "
          "seu sua seus suas você ao à pelo pela ou este esta qualquer podemos são",
    "nl": "de het een en van in is dat niet u uw wij we ons onze zijn voor op te met of "
          "aan door als bij worden wordt deze die dit naar ook kan heeft",
}

_SHARE: dict[str, list[tuple[str, float]]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in set(_words.split()):
        _SHARE.setdefault(_word, []).append((_lang, 0.0))
for _word, _langs in _SHARE.items():
    _SHARE[_word] = [(lang, 1.0 / len(_langs)) for lang, _ in _langs]

_WORD = re.compile(r"[^\W\d_]+")     # "d’extraction" counts its "d"
SAMPLE_CHARS = 5000
MIN_EVIDENCE = 2.0      # distinctive words needed before leaving the default
MIN_LEAD = 1.25         # how far ahead of the runner-up the winner must be


def detect_lang(text: str) -> str:
    """ISO 639-1 code of the language of `text`; "en" when the evidence is thin."""
    scores: Counter[str] = Counter()
    for match in _WORD.finditer(text[:SAMPLE_CHARS].lower()):
        for lang, weight in _SHARE.get(match.group(), ()):
            scores[lang] += weight
    ranked = scores.most_common(2)
    if not ranked:
        return "en"
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if top < MIN_EVIDENCE or top < MIN_LEAD * second:
        return "en"
    return best
