"""Text repair: line endings, Windows-874 mojibake and the common mojibake ftfy knows.

UTF-8 text that was decoded as Windows-874 (Thai) turns ``’`` into ``โ€™``. Where every byte
survived, the run is re-encoded and decoded as UTF-8 (``cp874_sequence``). Where the bytes
0x80–0x9F were lost on the way (``Chinaโs``, ``Groupโthe``), the character is inferred from
its neighbours (``cp874_inferred``). Genuine Thai text is never touched: a document holding a
Thai run that is not decodable mojibake is treated as Thai and left alone.

:func:`repair_text` returns the repaired text and the plan of fixers that changed it;
:func:`apply_plan` replays a plan on the original text and gives the same result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import ftfy

from ..errors import InvalidArgumentError

THAI = re.compile(r"[\u0e00-\u0e7f]")

# Windows-874 as browsers decode it: bytes cp874 leaves undefined fall back to Windows-1252.
_CP1252_FALLBACK = bytes(range(0x80, 0xA0))


def _build_char_to_byte() -> dict[str, int]:
    table: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        raw = bytes([byte])
        try:
            char = raw.decode("cp874")
        except UnicodeDecodeError:
            if byte not in _CP1252_FALLBACK:
                continue
            try:
                char = raw.decode("cp1252")
            except UnicodeDecodeError:
                continue
        table[char] = byte
    return table


CHAR_TO_BYTE: dict[str, int] = _build_char_to_byte()
_RUN = re.compile("[" + "".join(re.escape(c) for c in sorted(CHAR_TO_BYTE)) + "]+")
_THAI_IN_RUN = re.compile("[" + "".join(re.escape(c) for c in sorted(CHAR_TO_BYTE) if THAI.match(c)) + "]")

LEAD_3 = "\u0e42"  # โ = 0xE2: lead byte of U+2000–U+2FFF (punctuation, ™, arrows)
LEAD_2 = "\u0e22"  # ย = 0xC2: lead byte of U+0080–U+00BF (NBSP, ©, °, ®)
# Continuation byte survived but the middle byte was lost: E2 ?? XX.
_E2_WITH_LAST_BYTE = {0xA2: None, 0xA6: "\u2026", 0xAC: "\u20ac", 0xB0: "\u2030"}
_REMNANT = re.compile("\u0e42(?:\u20ac|[\u0e02\u0e06\u0e0c\u0e10])?|\u0e22[ \u00a0]")
_CONTRACTIONS = re.compile(r"(?:s|t|re|ll|ve|d|m)(?![^\W\d_])", re.IGNORECASE)
_OPENERS = "([{\u00a0 \t\n"


@dataclass(frozen=True, slots=True)
class RepairResult:
    """Repaired text and the fixers that changed it, with how many changes each made."""

    text: str
    steps: tuple[tuple[str, int], ...]

    @property
    def count(self) -> int:
        """Total number of individual repairs."""
        return sum(n for _, n in self.steps)

    @property
    def kinds(self) -> str:
        """The fixers applied, as ``name:count`` joined by ``;`` (empty when none)."""
        return ";".join(f"{name}:{n}" for name, n in self.steps)


def fix_line_endings(text: str) -> tuple[str, int]:
    """Turn CRLF and lone CR into LF."""
    count = text.count("\r")
    if not count:
        return text, 0
    return text.replace("\r\n", "\n").replace("\r", "\n"), count


def has_thai(text: str) -> bool:
    """True when ``text`` holds a character of the Thai block (mojibake or genuine Thai)."""
    if text.isascii():
        return False
    # A Thai character is written with the byte 0E in UTF-16 (xx 0E, little-endian), so text
    # without that byte has none. Encoding to UTF-16 is nearly a copy, faster than to UTF-8.
    if b"\x0e" not in text.encode("utf-16-le", "surrogatepass"):
        return False
    # In UTF-8 the block is E0 B8 80–BF and E0 B9 80–BF, and E0 is only ever a lead byte (of
    # U+0800–U+0FFF, rare outside Indic and Thai text); finding bytes is much faster than THAI.
    encoded = text.encode("utf-8", "surrogatepass")
    return b"\xe0" in encoded and (b"\xe0\xb8" in encoded or b"\xe0\xb9" in encoded)


def fix_cp874_sequences(text: str) -> tuple[str, int]:
    """Decode Windows-874 runs whose UTF-8 bytes all survived (``โ€™`` → ``’``)."""
    if not has_thai(text):
        return text, 0
    decoded, count = _sequence_pass(text)
    if has_thai(_remnant_pass(decoded)[0]):  # genuine Thai: leave the whole text alone
        return text, 0
    return decoded, count


def fix_cp874_remnants(text: str) -> tuple[str, int]:
    """Infer characters whose middle bytes were lost (``Chinaโs`` → ``China’s``)."""
    if not has_thai(text):
        return text, 0
    decoded, _ = _sequence_pass(text)
    repaired, count = _remnant_pass(decoded)
    if has_thai(repaired):  # genuine Thai: leave the whole text alone
        return text, 0
    return (repaired, count) if decoded == text else _remnant_pass(text)


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` keeping every offset (characters whose lower case is longer stay as-is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _sequence_pass(text: str) -> tuple[str, int]:
    """Decode every maximal run of Windows-874 characters that holds a Thai character.

    Runs without Thai (curly quotes, dashes) never change, so the scan looks for Thai characters
    and widens each to its run.
    """
    pieces: list[str] = []
    count = done = 0
    while (thai := _THAI_IN_RUN.search(text, done)) is not None:
        start = thai.start()
        while start > done and text[start - 1] in CHAR_TO_BYTE:
            start -= 1
        run = _RUN.match(text, thai.start())
        assert run is not None  # the Thai character found starts a run
        end = run.end()
        decoded, n = _decode_complete(text[start:end])
        pieces += (text[done:start], decoded)
        count += n
        done = end
    if not pieces:
        return text, 0
    pieces.append(text[done:])
    return "".join(pieces), count


# The sequence fixer infers remnants to tell mojibake from Thai, then the remnant fixer infers
# the same remnants of the same text: the last result is kept rather than computed again.
@lru_cache(maxsize=1)
def _remnant_pass(text: str) -> tuple[str, int]:
    if LEAD_3 not in text and LEAD_2 not in text:  # every remnant opens with one of them
        return text, 0
    count = 0

    def infer(match: re.Match[str]) -> str:
        nonlocal count
        replacement = _infer_remnant(match.group(), text, match.start(), match.end())
        if replacement is None:
            return match.group()
        count += 1
        return replacement

    return _REMNANT.sub(infer, text), count


_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,
    explain=True,
)
# What ftfy can fix looks like a Latin-1 lead letter followed by a Windows-1252 character, a C1
# control, a lone surrogate or a terminal escape; text without any of these skips ftfy (it is slow).
_CP1252_TAIL = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_FTFY_SUSPECT = "\u0080-\u009f\ud800-\udfff\x1b\x00-\x08\x0b\x0c\x0e-\x1f"
_NEEDS_FTFY = re.compile(f"[\u00c2-\u00f4][{_CP1252_TAIL}]|[{_FTFY_SUSPECT}]")
# The first character of every _NEEDS_FTFY match: one character class, which the regex engine
# skips through much faster than the alternation.
_FTFY_START = re.compile(f"[\u00c2-\u00f4{_FTFY_SUSPECT}]")


def needs_ftfy(text: str) -> bool:
    """True when ``text`` holds something ftfy may fix (see ``_NEEDS_FTFY``)."""
    return any(_NEEDS_FTFY.match(text, start.start()) for start in _FTFY_START.finditer(text))


def fix_with_ftfy(text: str) -> tuple[str, int]:
    """Apply ftfy's encoding fixes, configured to leave clean text (curly quotes too) unchanged."""
    if not needs_ftfy(text):
        return text, 0
    fixed, explanation = ftfy.fix_and_explain(text, config=_FTFY_CONFIG)
    if fixed == text:
        return text, 0
    return fixed, max(1, len(explanation or ()))


def normalize_unicode(text: str) -> tuple[str, int]:
    """Compose characters to NFC so that matching sees one form of each letter."""
    if text.isascii():
        return text, 0
    normalized = unicodedata.normalize("NFC", text)
    return normalized, int(normalized != text)


FIXERS: dict[str, Callable[[str], tuple[str, int]]] = {
    "line_endings": fix_line_endings,
    "cp874_sequence": fix_cp874_sequences,
    "cp874_inferred": fix_cp874_remnants,
    "ftfy": fix_with_ftfy,
    "nfc": normalize_unicode,
}
DEFAULT_PLAN: tuple[str, ...] = tuple(FIXERS)


def get_fixer(name: str) -> Callable[[str], tuple[str, int]]:
    """Return the fixer called ``name``; raise ``InvalidArgumentError`` listing the valid names."""
    try:
        return FIXERS[name]
    except KeyError:
        raise InvalidArgumentError(f"unknown text fixer '{name}'; valid fixers: {', '.join(FIXERS)}") from None


def repair_text(text: str, plan: tuple[str, ...] = DEFAULT_PLAN) -> RepairResult:
    """Run the fixers of ``plan`` in order; return the text and the fixers that changed it."""
    steps: list[tuple[str, int]] = []
    for name in plan:
        text, count = get_fixer(name)(text)
        if count:
            steps.append((name, count))
    return RepairResult(text, tuple(steps))


def apply_plan(text: str, steps: tuple[tuple[str, int], ...]) -> str:
    """Replay the fixers named in ``steps`` on the original ``text``."""
    for name, _ in steps:
        text, _count = get_fixer(name)(text)
    return text


@lru_cache(maxsize=4096)
def _decode_complete(run: str) -> tuple[str, int]:
    """Decode the complete UTF-8 sequences of a run; keep what does not decode as it was."""
    data = bytes(CHAR_TO_BYTE[c] for c in run)
    out: list[str] = []
    count = 0
    i = 0
    while i < len(data):
        length = _sequence_length(data[i])
        chunk = data[i : i + length]
        if length > 1 and len(chunk) == length and all(0x80 <= b <= 0xBF for b in chunk[1:]):
            char = chunk.decode("utf-8", errors="strict") if _valid(chunk) else None
            if char is not None and _plausible(char):
                out.append(char)
                count += 1
                i += length
                continue
        out.append(run[i])
        i += 1
    return "".join(out), count


def _valid(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sequence_length(byte: int) -> int:
    if 0xC2 <= byte <= 0xDF:
        return 2
    if 0xE0 <= byte <= 0xEF:
        return 3
    if 0xF0 <= byte <= 0xF4:
        return 4
    return 1


# Characters that UTF-8 mojibake plausibly stood for: Latin, Greek, Cyrillic, punctuation and
# symbols, CJK, Hangul, emoji. A run decoding to anything else (say Syriac) is left as it is.
_PLAUSIBLE = (
    (0x00A0, 0x024F), (0x0370, 0x04FF), (0x2000, 0x27BF), (0x3000, 0x30FF), (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF), (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF),
)


def _plausible(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _PLAUSIBLE)


def _infer_remnant(run: str, text: str, start: int, end: int) -> str | None:
    """Return the character a truncated sequence stood for, judged from its neighbours."""
    before = text[start - 1] if start > 0 else "\n"
    after = text[end] if end < len(text) else "\n"
    if THAI.match(before) or THAI.match(after):
        return None
    if run[0] == LEAD_2:  # C2 A0 whose second byte became a space
        return "\u00a0"
    if run == LEAD_3 + "\u20ac":  # E2 80 9D: the closing quote lost its last byte
        return "\u201d"
    if len(run) == 2:
        last = _E2_WITH_LAST_BYTE.get(CHAR_TO_BYTE[run[1]], "")
        if last is None:  # E2 ?? A2: ™ after a word, • elsewhere
            return "\u2122" if _is_letter(before) or before.isdigit() else "\u2022"
        return last or None
    if run != LEAD_3:
        return None
    return _infer_lone_e2(text, before, after, end)


def _infer_lone_e2(text: str, before: str, after: str, end: int) -> str:
    word_before = _is_letter(before) or before.isdigit()
    word_after = _is_letter(after) or after.isdigit()
    if before.isdigit() and after.isdigit():
        return "\u2013"
    if _is_letter(before) and _is_letter(after):
        return "\u2019" if _CONTRACTIONS.match(text, end) else "\u2014"
    if before.isspace() and after.isspace():
        return "\u2013"
    if (before in _OPENERS or before.isspace()) and word_after:
        return "\u201c"
    if word_after:
        return "\u2014"
    if word_before or before in ".,;:!?)":
        return "\u201d"
    return "\u2014"


def _is_letter(char: str) -> bool:
    return char.isalpha() and not THAI.match(char)
