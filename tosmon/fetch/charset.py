"""Turn a snapshot's bytes into text the way a browser would.

Terms of older sites are still served in Latin-1 or Windows-1252, sometimes
declared only in a <meta> tag; a wrong guess turns every accent into noise
and makes the whole document look changed. Decoding never raises: a page we
can only half read is still better evidence than none.
"""

from __future__ import annotations

import codecs
import re

from ..models import Snapshot

SNIFF_BYTES = 2048

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),   # before UTF-16 LE: it starts the same
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# <meta charset=x>, <meta http-equiv=Content-Type content="...; charset=x">,
# and <?xml ... encoding="x"?>.
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I,
)

# Labels browsers read as a superset: Windows-1252 for Latin-1 and ASCII.
_AS_CP1252 = frozenset({"iso8859_1", "ascii", "cp1252"})
_SUPERSET = {"gb2312": "gbk"}


def decode(snapshot: Snapshot) -> str:
    """The snapshot's text: BOM, then header charset, then a declaration, then a guess."""
    return decode_bytes(snapshot.content, snapshot.charset)


def decode_bytes(content: bytes, charset: str | None = None) -> str:
    """As decode(), for bytes and the charset their headers named."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom):].decode(encoding, "replace")
    encoding = codec_name(charset)
    if encoding is None:
        encoding = declared_charset(content)
    if encoding is not None:
        return _decode(content, encoding)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return _cp1252(content)


def declared_charset(content: bytes) -> str | None:
    """The codec a page declares for itself in its first bytes, if any usable."""
    match = _DECLARED.search(content, 0, SNIFF_BYTES)
    if not match:
        return None
    encoding = codec_name((match.group(1) or match.group(2)).decode("ascii"))
    # A page that could declare itself in ASCII is not UTF-16 or UTF-32.
    if encoding and encoding.startswith(("utf_16", "utf_32")):
        return "utf_8"
    return encoding


def codec_name(label: str | None) -> str | None:
    """Python's codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def _decode(content: bytes, encoding: str) -> str:
    if encoding in _AS_CP1252:
        return _cp1252(content)
    try:
        return content.decode(_SUPERSET.get(encoding, encoding), "replace")
    except (LookupError, ValueError):
        return content.decode("utf-8", "replace")


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    # Five bytes are unassigned in cp1252; browsers read them as Latin-1.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("tosmon-latin1", _as_latin1)


def _cp1252(content: bytes) -> str:
    return content.decode("cp1252", "tosmon-latin1")
