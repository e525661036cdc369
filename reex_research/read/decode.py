"""Decode a file's bytes: byte-order marks, UTF-8, UTF-16 without BOM, an HTML meta charset, Windows-1252."""

from __future__ import annotations

import codecs
import re

from ..errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.02


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str]:
    """Decode bytes: BOM, then UTF-8, UTF-16 without BOM, the HTML meta charset, then cp1252.

    Raises :class:`DecodeError` for binary bytes or bytes in none of these encodings.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_decoded(data, encoding), encoding)
    if b"\x00" in data:
        utf16 = _guess_utf16(data)
        if utf16:
            return _checked(data.decode(utf16), utf16)
        raise DecodeError("binary", "the file holds NUL bytes: it looks binary, not text")
    if (text := _decoded(data, "utf-8")) is not None:
        return _checked(text, "utf-8")
    if html:
        declared = _declared_charset(data)
        if declared and (text := _decoded(data, declared)) is not None:
            return _checked(text, codecs.lookup(declared).name)
    if (text := _decoded(data, "cp1252")) is not None:
        return _checked(text, "cp1252")
    raise DecodeError("undecodable", "the bytes are neither UTF-8, UTF-16 nor Windows-1252; "
                        "re-save the file as UTF-8")


def _checked(text: str | None, encoding: str) -> tuple[str, str]:
    if text is None:
        raise DecodeError("undecodable", f"the file starts with a {encoding} byte-order mark but "
                            "does not decode as it; re-save it as UTF-8")
    text = text.lstrip("\ufeff")
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > MAX_CONTROL_SHARE:
        raise DecodeError("binary", f"the text decoded as {encoding} is full of control "
                            "characters: it looks binary")
    return text, encoding


def _decoded(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly as ``encoding``, or None when it does not decode (or no such codec)."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd_nuls / half > 0.3 and even_nuls / half < 0.05 and _decoded(data, "utf-16-le") is not None:
        return "utf-16-le"
    if even_nuls / half > 0.3 and odd_nuls / half < 0.05 and _decoded(data, "utf-16-be") is not None:
        return "utf-16-be"
    return None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", errors="ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
