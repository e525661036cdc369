"""Decode a file's bytes: byte-order marks, UTF-8, UTF-16 without BOM, an HTML meta charset, Windows-1252.

Clean bytes are decoded strictly. Bytes that no encoding reads whole are repaired when the file is
mostly text: a byte that is not UTF-8 (or not Windows-1252) becomes U+FFFD, a stray NUL byte is
removed, and :class:`DecodedText` lists every repaired byte with its offset in the raw file and in
the text. How much damage a file may hold is data (``max_bad_byte_share`` and
``max_control_share`` in ``data/rules/parse.yaml``); a file past either limit is not text.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..datafile import DataFile, read_data_file
from ..errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Control characters (0x00-0x08, 0x0E-0x1F, 0x7F), as the bytes to delete to keep only them.
_NOT_CONTROL = bytes(b for b in range(256) if not (b <= 0x08 or 0x0E <= b <= 0x1F or b == 0x7F))
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What the lenient decoders leave where a byte was damaged: a NUL, or an escaped byte (surrogateescape).
_DAMAGED = re.compile(r"[\x00\udc80-\udcff]")
# A character only a valid UTF-8 multibyte sequence gives when decoding with surrogateescape.
_MULTIBYTE = re.compile(r"[\u0080-\ud7ff\ue000-\U0010ffff]")
_ESCAPED = re.compile(r"[\udc80-\udcff]")  # an undecodable byte, as surrogateescape leaves it
_SAMPLE = 20000  # characters the control-character share is measured on


@dataclass(frozen=True, slots=True)
class TextLimits:
    """How damaged a file may be and still load as text: shares of its bytes and characters."""

    max_bad_byte_share: float  # undecodable and NUL bytes, of all bytes
    max_control_share: float  # control characters, of the first 20,000 characters


@dataclass(frozen=True, slots=True)
class RepairedByte:
    """One damaged byte: where it was in the raw file, where it was in the text, what became of it."""

    byte: int  # offset in the raw file
    char: int  # offset in the decoded text: the U+FFFD, or where the removed NUL was
    removed: bool  # a NUL byte, removed; otherwise an undecodable byte, replaced with U+FFFD


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text, the encoding it was read in, and the bytes repaired on the way."""

    text: str
    encoding: str
    repaired: tuple[RepairedByte, ...] = ()


def read_text_limits(doc: DataFile) -> TextLimits:
    """Return the text limits written in ``doc`` (``parse.yaml``): two shares between 0 and 1."""
    shares = []
    for key in ("max_bad_byte_share", "max_control_share"):
        value = doc.get(key, kind=(int, float), expected="a share between 0 and 1")
        if not 0 <= value <= 1:
            doc.fail((key,), f"expected a share between 0 and 1 (0.05 is 5%), got {value}")
        shares.append(float(value))
    return TextLimits(*shares)


def text_limits(rules_dir: Path | None = None) -> TextLimits:
    """Return the text limits of ``parse.yaml`` in ``rules_dir`` (default ``data/rules``)."""
    if rules_dir:
        return _text_limits(Path(rules_dir))
    return _default_limits(os.environ.get(paths.DATA_DIR_ENV))


@lru_cache(maxsize=8)
def _default_limits(data_dir: str | None) -> TextLimits:
    """The limits of the default rules folder, read once per value of ``$REEX_DATA_DIR`` (``data_dir``,
    the cache key): no path is resolved per file."""
    return _text_limits(paths.rules_dir())


@lru_cache(maxsize=8)
def _text_limits(folder: Path) -> TextLimits:
    """Read the limits once per rules folder."""
    return read_text_limits(read_data_file(folder / "parse.yaml"))


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str]:
    """Return ``(text, encoding)`` of :func:`decode_text` with the default limits, repairs applied.

    Raises :class:`DecodeError` for bytes that are mostly not text.
    """
    decoded = decode_text(data, html=html)
    return decoded.text, decoded.encoding


def decode_text(data: bytes, *, html: bool = False, limits: TextLimits | None = None) -> DecodedText:
    """Decode bytes: BOM, then UTF-8, UTF-16 without BOM, the HTML meta charset, then cp1252.

    Bytes no encoding reads whole are repaired when few enough (``limits``, default the rules'
    own): UTF-8 with undecodable bytes replaced when the file holds valid UTF-8 multibyte
    sequences, Windows-1252 with its five undefined bytes replaced otherwise, stray NUL bytes
    removed. Raises :class:`DecodeError` (kind ``binary`` or ``undecodable``) for bytes that are
    mostly not text.
    """
    limits = limits or text_limits()
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                return _utf8(data, len(bom), encoding, limits)
            return _checked(_decoded(data, encoding), encoding, limits)
    if b"\x00" in data:
        utf16 = _guess_utf16(data)
        if utf16:
            return _checked(data.decode(utf16), utf16, limits)
    return _utf8(data, 0, "utf-8", limits, html=html)


def _utf8(data: bytes, start: int, encoding: str, limits: TextLimits, *, html: bool = False) -> DecodedText:
    """``data[start:]`` as UTF-8 (or, without a BOM, the declared charset or cp1252), repaired if need be."""
    body = data[start:] if start else data
    nuls = body.count(b"\x00")
    if not nuls and (text := _decoded(body, "utf-8")) is not None:
        return _checked(text, encoding, limits)
    if nuls > len(body) * limits.max_bad_byte_share:
        raise DecodeError("binary", f"{_share(nuls, len(body))} of the bytes are NUL bytes: the file "
                          "looks binary, not text")
    if html and not start and not nuls and (declared := _declared_charset(data)):
        text = _decoded(data, declared)
        if text is not None and not _SURROGATE.search(text):
            return _checked(text, declared, limits)
    utf8 = body.decode("utf-8", "surrogateescape")
    tried = []
    if start or _MULTIBYTE.search(utf8) or not _ESCAPED.search(utf8):
        tried.append((utf8, encoding, "utf-8"))
    if not start:  # no byte-order mark says UTF-8: without valid UTF-8 beyond ASCII, Windows-1252
        tried.append((body.decode("cp1252", "surrogateescape"), "cp1252", "cp1252"))
    bad = 0
    for text, name, codec in tried:
        found = _repaired(text, start, len(body), name, codec, limits)
        if isinstance(found, DecodedText):
            return found
        bad = found
    raise DecodeError("undecodable", f"{_share(bad, len(body))} of the bytes are neither UTF-8 nor "
                      "Windows-1252, more than the rules allow (max_bad_byte_share in parse.yaml): "
                      "re-save the file as UTF-8")


def _repaired(text: str, start: int, size: int, encoding: str, codec: str,
              limits: TextLimits) -> DecodedText | int:
    """``text``, decoded from ``size`` bytes at ``start`` with ``codec`` and surrogateescape, with
    its damaged bytes replaced or removed; or how many there are when more than ``limits`` allow."""
    body = text.lstrip("\ufeff")
    byte = start + len((text[: len(text) - len(body)]).encode(codec))
    found = [match.start() for match in _DAMAGED.finditer(body)]
    if not found:
        return _checked(body, encoding, limits)
    if len(found) > size * limits.max_bad_byte_share:
        return len(found)
    repaired = []
    last = removed = 0
    for index in found:
        byte += len(body[last:index].encode(codec, "surrogateescape"))
        nul = body[index] == "\x00"
        repaired.append(RepairedByte(byte, index - removed, nul))
        removed += nul
        byte += 1
        last = index + 1
    clean = _DAMAGED.sub(_replacement, body)
    _check_controls(clean, encoding, limits)
    return DecodedText(clean, encoding, tuple(repaired))


def _replacement(match: re.Match[str]) -> str:
    """Nothing for a NUL byte, U+FFFD for an undecodable one."""
    return "" if match.group() == "\x00" else "\ufffd"


def _share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as "12 (3.4%)"."""
    return f"{part} ({part / max(1, whole):.1%})"


def _checked(text: str | None, encoding: str, limits: TextLimits) -> DecodedText:
    if text is None:
        raise DecodeError("undecodable", f"the file starts with a {encoding} byte-order mark but "
                          "does not decode as it; re-save it as UTF-8")
    text = text.lstrip("\ufeff")
    _check_controls(text, encoding, limits)
    return DecodedText(text, encoding)


def _check_controls(text: str, encoding: str, limits: TextLimits) -> None:
    """Raise DecodeError when the start of ``text`` is mostly control characters."""
    sample = text[:_SAMPLE]
    if sample and _control_count(sample) / len(sample) > limits.max_control_share:
        raise DecodeError("binary", f"the text decoded as {encoding} is full of control "
                          "characters: it looks binary")


def _control_count(text: str) -> int:
    """How many control characters ``text`` holds.

    They are all ASCII, and in UTF-8 an ASCII byte only ever stands for itself: counting the
    bytes is exact, and much faster than matching characters (lone surrogates pass as bytes
    of 0x80 and up)."""
    return len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL))


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
