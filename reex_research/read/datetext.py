"""Date expressions in English news text: where they are, what interval they mean, how precise.

:func:`find_dates` returns every date expression in a text as a :class:`DateMatch` with exact
offsets, an inclusive interval ``date_start..date_end``, a ``precision`` and a ``date_source``.
:func:`parse_day` reads a string that is exactly one calendar day (a dateline).

Conventions (the numbers live in the constants below):

- precision names the unit the text was stated in: ``day`` ("May 22, 2025", "2025-05-22",
  "November 17"), ``month`` ("October 2024", "in May", also "late November 2025"), ``quarter``
  ("Q3 2025", "3Q25", "third quarter of 2025"), ``half`` ("H1 2025", "second half of 2025" and
  the fuzzy parts of a year "early/mid/late 2026", "end of 2026"), ``year`` ("2021", "this year",
  and year ranges).
- Parts of a year (:data:`YEAR_PARTS`): early / beginning of / start of = Jan–Apr,
  mid / middle of = Apr–Sep, late / end of / year-end = Sep–Dec. Parts of a month
  (:data:`MONTH_PARTS`): days 1–10, 11–20, 21–last, precision ``month``.
- Year ranges ("2025–2027", "2019-20", "from 2021 to 2025", "between 2021 and 2025") are ONE
  match, precision ``year``, Jan 1 of the first year to Dec 31 of the last; the surface starts
  at the first year ("2021 to 2025"). "2021 and 2025" without "between", and backwards ranges
  ("2024-2022"), stay two year matches. Day ranges within a month ("May 22–23, 2025") are one
  ``day`` match spanning both days; month ranges within a year ("January–October 2026", "Jan. to
  Oct. 2026") one ``month`` match. The first periods of a year ("first three quarters of 2026",
  "first 10 months of 2026") run from January 1 to the end of the last period named.
- Prepositions are not part of the surface: "in October 2024" -> "October 2024",
  "by 2030" -> "2030", "the end of 2026" -> "end of 2026". Fuzzy parts, ordinals and "of" are.
- A year missing from the text ("November 17", "in May", "Q3", "third quarter") comes from
  ``reference`` (the publication date) and gets ``date_source="inferred_year"``. The reference
  year is used unless the date would then start more than :data:`INFER_MAX_AHEAD_DAYS` after the
  reference, in which case the previous year is used (news mostly reports the recent past).
  "this year" / "next year" / "last year" (also "late this year", "end of the year", "second half
  of next year") count from the reference year, and "this month" / "next month" / "last month"
  ("end of the month") from its month; "the last year" and "the next year" are periods, not
  dates. A weekday after "on", "since", "by"… is the last such day up to the reference ("on
  Thursday" in a Thursday's article is that day), "last Thursday" the one before, "next Monday"
  the one after; the wires' weekday just after a verb ("said Tuesday", "agreed Thursday") reads
  as after "on"; a weekday that opens a full date ("Thursday, Oct. 9, 2025") is not read apart.
  "today" with a reporting verb ("today announced", "said today") or right after a release's
  dateline ("WASHINGTON — Today, …") is the reference day; alone
  ("today China refines most oxide") it is no date. "The June quarter" is the quarter that ends
  in June (Australian reporting periods).
  A date named without its year or week says so in ``recurs`` ("year", "week"): the events
  extractor moves it to its next occurrence when the sentence puts it in the future. Without a
  reference all of these are skipped: we never invent a year.
- A bare month name counts only after a preposition (:data:`MONTH_PREPOSITIONS`) or a fuzzy part
  ("in May", "early May"), and month names must be capitalised ("May"/"MAY", never "may").
  "H1", "first half" and "quarter" alone are not dates; "Q3" and "third quarter" alone are.
- Years are 1900–2100 and not part of a number, an amount or a quantity: "8000-Ton", "2000-ton",
  "2,000 tonnes", "$2025 million", "2025.5", "60%", "© 2025", "FY 2025", "2020s" are not dates.
  "page 2019" is (no rule for that). "2025-05" gives only the year 2025.
- A date that matches the grammar but is not in the calendar ("February 30, 2025") gives nothing,
  not even its year.

Speed: a scanner finds "cores" (numbers, capitalised month names, Q1–Q4 / H1–H2, "quarter",
"half", "year") with a regex the engine can skip through in C; the full grammar runs only there.
About 0.1 ms for a 5,000-character article.

A fiscal year is read where the text says when it ends ("fiscal year ending March 31, 2026": April
2025 to March 2026). Left out: other fiscal years (FY2025, FY25, "2025/26": their first month
depends on the country), weeks, decades ("the 2020s"), numeric day/month
orders other than ISO ("22/05/2025", "05/22/2025", "22.05.2025"; :func:`parse_day` and
:func:`find_numeric_days` read them for datelines, where they cannot be mistaken), month ranges
across a year ("December–January 2026" gives only "January 2026") or with the year only after
the second month ("from May to June 2025" gives "May" inferred and "June 2025"), times of day,
non-English month names, other relative days and weeks ("yesterday", "last week", "last May").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

# ---------------------------------------------------------------------------------------------
# Tables and thresholds
#
# These stay in code, unlike the word lists of data/rules: they are English calendar words the
# regexes below are written around (the month forms, parts, ordinals and relative words appear
# in the patterns too). The one list that is corpus knowledge, the words after a number that make
# it a quantity rather than a year or a day ("2000-ton", "2025 million"), is data:
# `quantity_words` of data/rules/units.yaml, read when first needed (quantity_words()), and the
# grammar is compiled once per such list.
# ---------------------------------------------------------------------------------------------

# The years a four-digit number may be, for the date grammar and for the figures extractor (a
# number in this range is never a count). One range for the whole package; mirrored by YEAR_RE.
YEAR_MIN = 1900
YEAR_MAX = 2100
TWO_DIGIT_CENTURY = 2000  # "3Q25", "Q3'25", "1H25" -> 2025
INFER_MAX_AHEAD_DAYS = 183  # an inferred date may start at most this far after the reference

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
QUARTERS: dict[int, tuple[int, int]] = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
HALVES: dict[int, tuple[int, int]] = {1: (1, 6), 2: (7, 12)}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}
# fuzzy part of a year -> (first month, last month); precision "half"
YEAR_PARTS: dict[str, tuple[int, int]] = {"early": (1, 4), "mid": (4, 9), "late": (9, 12)}
# fuzzy part of a month -> (first day, last day or 31 = end of month); precision "month"
MONTH_PARTS: dict[str, tuple[int, int]] = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# spelled-out part words -> the key in YEAR_PARTS / MONTH_PARTS
PART_WORDS: dict[str, str] = {
    "early": "early", "beginning of": "early", "start of": "early",
    "mid": "mid", "middle of": "mid",
    "late": "late", "end of": "late", "end": "late", "year-end": "late",
}
COUNT_WORDS: dict[str, int] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11,
}
RELATIVE_YEARS: dict[str, int] = {"this": 0, "the": 0, "next": 1, "last": -1}  # also months
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
# words before a weekday that make it a date: "on Thursday", "last Friday", "next Monday"
WEEKDAY_WORDS: tuple[str, ...] = ("on", "last", "next", "this", "since", "by", "until", "before", "after")
MONTH_PREPOSITIONS: tuple[str, ...] = (
    "in", "since", "by", "until", "till", "from", "through", "during", "before", "after",
)
PRECISIONS: tuple[str, ...] = ("day", "month", "quarter", "half", "year")
SOURCE_TEXT = "text"
SOURCE_INFERRED = "inferred_year"


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date expression: ``text[start:end] == surface`` means ``date_start..date_end``."""

    start: int
    end: int
    surface: str
    date_start: dt.date
    date_end: dt.date
    precision: str
    date_source: str
    recurs: str | None = None  # "year" ("in May"), "week" ("on Thursday"): see find_dates


# ---------------------------------------------------------------------------------------------
# Grammar (compiled once at import)
#
# A date is found from its *core*: a number, a capitalised month name, Q1-Q4 / H1-H2, or the
# words "quarter", "half", "year". A fast scanner finds cores; the grammar for the core's first
# character reads rightwards; small "left" patterns read the words before the core (early / mid /
# late, ordinals, this / next / last, between, prepositions). Cores are rare in prose, so the
# expensive matching runs at a few dozen places per article instead of at every character.
# ---------------------------------------------------------------------------------------------

def _alt(words: list[str] | tuple[str, ...]) -> str:
    """Return a regex alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _alt_by_first(words: list[str] | tuple[str, ...]) -> str:
    """Return a regex alternation of ``words`` grouped by first character ("t(?:ons|on|)|k(?:t|g)").

    The engine then tries each first character once instead of every word in turn. Only for an
    alternation whose order does not matter: the quantity words are only looked ahead for.
    """
    rests: dict[str, list[str]] = {}
    for word in words:
        rests.setdefault(word[:1], []).append(word[1:])
    return "|".join(f"{re.escape(first)}(?:{_alt(rest)})" for first, rest in sorted(rests.items()))


_FULL_MONTHS = [m for m in MONTHS if len(m) > 3 and m != "sept"] + ["may"]
_ABBR_MONTHS = [m for m in MONTHS if m not in _FULL_MONTHS]
_MONTH_FORMS = [f for m in _FULL_MONTHS for f in (m.capitalize(), m.upper())]
_ABBR_FORMS = [f for m in _ABBR_MONTHS for f in (m.capitalize(), m.upper())]
# capitalised month; an abbreviation may carry a dot when a number follows ("Sept. 3", "Oct. 2024")
MON = rf"(?:(?:{_alt(_MONTH_FORMS)})\b|(?:{_alt(_ABBR_FORMS)})\b(?:\.(?=\s*\d))?)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
YEAR_RE = r"(?:19\d\d|20\d\d|2100)"  # YEAR_MIN..YEAR_MAX
YEAR_TAIL = r"(?![\w%]|[.,]\d)"
# a free-standing year: not inside a number, after a currency sign, or before a unit
YEAR_BEFORE = r"(?<![\w$€£¥#©])(?<!\d[.,:/–-])(?<![$€£¥©] )(?<!FY )(?<!No\. )"
_YEAR_AFTER = r"(?!\w|[.,:/–-]\d|\s*%|\s*(?i:per\s*cent)|[\s-]*UNITS\b)"  # UNITS: the quantity words
PART = r"(?i:early|late|mid(?:dle\s+of)?|(?:beginning|start|end)\s+of|year-end|end(?=-))"
PART_SEP = r"(?:\s+|\s*[-–]\s*)"
ORDINAL = r"(?i:first|second|third|fourth|1st|2nd|3rd|4th)"
LEFT_WINDOW = 24  # characters searched before a core for early/mid/late, ordinals, prepositions


def _year_spec(p: str) -> str:
    """Return "2025" or "this/next/last/the year" with groups ``{p}_y`` and ``{p}_rel``."""
    return (rf"(?:(?P<{p}_y>{YEAR_RE}){YEAR_TAIL}"
            rf"|(?P<{p}_rel>(?i:this|next|last|the))\s+(?i:year)\b)")


_DIGITS = list("0123456789")
_QUARTER_WORDS = ["quarter", "Quarter", "QUARTER"]
_HALF_WORDS = ["half", "Half", "HALF"]
_WEEKDAY_FORMS = [f for d in WEEKDAYS for f in (d.capitalize(), d.upper())]

# (kind, words a core can start with, body). At one position the first body that matches wins,
# so longer forms come before their prefixes.
def _alternatives(units: str) -> tuple[tuple[str, list[str], str], ...]:
    """The grammar's alternatives, ``units`` the regex of the quantity words."""
    YEAR_AFTER = _YEAR_AFTER.replace("UNITS", units)
    return (
        ("MR", _MONTH_FORMS + _ABBR_FORMS,  # "January-October 2026", "Jan. to Oct. 2026"
         rf"(?P<mr_m1>{MON})\.?\s*(?:[-–—]|\s(?i:to|through|until)\s)\s*(?P<mr_m2>{MON})\.?,?\s+"
         rf"(?P<mr_y>{YEAR_RE}){YEAR_TAIL}"),
        ("ISO", ["1", "2"],
         rf"(?<![\w.,/-])(?P<iso_y>{YEAR_RE})-(?P<iso_m>0[1-9]|1[0-2])-"
         r"(?P<iso_d>0[1-9]|[12]\d|3[01])(?!\d|[.,-]\d)"),
        ("MDY", _MONTH_FORMS + _ABBR_FORMS,
         rf"(?P<mdy_m>{MON})\s+(?P<mdy_d>{DAY})(?:\s*[-–]\s*(?P<mdy_d2>{DAY}))?"
         rf"(?:\s*,\s*|\s+)(?P<mdy_y>{YEAR_RE}){YEAR_TAIL}"),
        ("DMY", _DIGITS,
         rf"(?<![\w.,])(?<!No\. )(?<!No )(?P<dmy_d>{DAY})(?:\s*[-–]\s*(?P<dmy_d2>{DAY}))?\s+(?:of\s+)?"
         rf"(?P<dmy_m>{MON}),?\s+(?P<dmy_y>{YEAR_RE}){YEAR_TAIL}"),
        ("MY", _MONTH_FORMS + _ABBR_FORMS,
         rf"(?P<my_m>{MON}),?\s+(?:of\s+)?(?P<my_y>{YEAR_RE}){YEAR_TAIL}"),
        ("QN", ["Q1", "Q2", "Q3", "Q4"],
         rf"Q(?P<qn_n>[1-4])(?:(?:\s+(?:of\s+)?|\s*[/-]\s*)(?P<qn_y>{YEAR_RE}){YEAR_TAIL}"
         rf"|\s?'(?P<qn_yy>\d\d)|\s+(?:of\s+)?(?P<qn_rel>(?i:this|next|last))\s+(?i:year))?(?!\w)"),
        ("NQ", ["1", "2", "3", "4"],
         rf"(?P<nq_n>[1-4])Q(?:\s*(?P<nq_y>{YEAR_RE})|'?(?P<nq_yy>\d\d))(?!\w)"),
        ("QW", _QUARTER_WORDS,
         rf"(?i:quarter)(?:,?\s+(?:of\s+)?{_year_spec('qw')})?(?!\w)"),
        ("HN", ["H1", "H2"],
         rf"H(?P<hn_n>[12])(?:(?:\s+(?:of\s+)?|\s*[/-]\s*)(?P<hn_y>{YEAR_RE}){YEAR_TAIL}"
         r"|\s?'(?P<hn_yy>\d\d)(?!\w))"),
        ("NH", ["1", "2"],
         rf"(?P<nh_n>[12])H(?:\s*(?P<nh_y>{YEAR_RE})|'?(?P<nh_yy>\d\d))(?!\w)"),
        ("HW", _HALF_WORDS,
         rf"(?i:half)(?:,?\s+(?:of\s+)?){_year_spec('hw')}"),
        ("RANGE", ["1", "2"],
         rf"{YEAR_BEFORE}(?P<r_y1>{YEAR_RE})(?:\s*[-–—]\s*(?:(?P<r_y2>{YEAR_RE})|(?P<r_yy>\d\d))"
         rf"|\s+(?P<r_to>(?i:to|through|until|till|and))\s+(?P<r_y3>{YEAR_RE})){YEAR_AFTER}"),
        ("YR", ["1", "2"], rf"{YEAR_BEFORE}(?P<yr_y>{YEAR_RE}){YEAR_AFTER}"),
        ("MD", _MONTH_FORMS + _ABBR_FORMS,
         rf"(?P<md_m>{MON})\s+(?P<md_d>{DAY})(?:\s*[-–]\s*(?P<md_d2>{DAY}))?"
         rf"(?!\s*%|[.,:]\d|[\s-]*{units}\b)"),
        ("DM", _DIGITS,
         rf"(?<![\w.,])(?<!No\. )(?<!No )(?P<dm_d>{DAY})(?:\s*[-–]\s*(?P<dm_d2>{DAY}))?\s+(?:of\s+)?"
         rf"(?P<dm_m>{MON})"),
        ("BM", _MONTH_FORMS + _ABBR_FORMS, rf"(?P<bm_m>{MON})(?!\s*\d|\.\s*\d)"),
        ("REL", ["year", "Year", "YEAR"], r"(?i:year)\b(?!-)"),
        ("RELM", ["month", "Month", "MONTH"], r"(?i:month)\b(?!-)"),
        # a weekday that is not the start of a full date ("Thursday, Oct. 9, 2025")
        ("WD", _WEEKDAY_FORMS, rf"(?P<wd_d>{_alt(_WEEKDAY_FORMS)})\b(?!,?\s*(?:\d|{MON}))"),
        ("TD", ["today", "Today"], r"(?i:today)\b(?!['’])"),
    )
SCAN_PREFIX = 3  # the scanner checks this many leading characters of a core
# After a number's first digit: the number cannot start a date, whatever precedes it. It runs into
# "%", a decimal point or a thousands separator ("60%", "2.5", "2,000"), which no alternative
# reads past; or it has three or five and more digits, when a date's numbers have one, two or four.
# Most numbers in prose are such, and each would cost a grammar match.
_NOT_A_DATE_NUMBER = r"(?![0-9]*(?:%|[.,][0-9])|[0-9]{2}(?![0-9])|[0-9]{4})"


def _scanner() -> re.Pattern[str]:
    """Return the regex that finds cores: word starts beginning like one of the start words.

    It opens with the set of the words' first characters, which the engine skips to in C; only
    there does it check, looking behind what it read, that a word starts and that its first
    characters are one of the start words' prefixes. Checking behind keeps each candidate a few
    steps, whichever of the many prefixes it might begin.
    """
    prefixes = {word[:SCAN_PREFIX] for _, words, _ in _alternatives("x") for word in words}
    heads = "".join(sorted({prefix[0] for prefix in prefixes}))
    digits = "".join(sorted(p for p in prefixes if p.isdigit()))
    branches = [rf"(?<=[{digits}]){_NOT_A_DATE_NUMBER}"]
    words = sorted(p for p in prefixes if not p.isdigit())
    for n in sorted({len(p) for p in words}):
        group = [p for p in words if len(p) == n]
        # the prefix's other characters, then the whole prefix checked behind
        branches.append(rf"(?:{_alt(sorted({p[1:] for p in group}))})(?<={_alt(group)})")
    return re.compile(rf"[{re.escape(heads)}](?<!\w.)(?:{'|'.join(branches)})")


@lru_cache(maxsize=8)
def _grammars(units: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    """Return, per first character of a core, the alternation of the bodies that start with it."""
    alternatives = _alternatives(rf"(?i:{_alt_by_first(units)})" if units else "(?!)")
    bodies = {kind: body for kind, _, body in alternatives}
    compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
    out: dict[str, re.Pattern[str]] = {}
    for head in sorted({w[0] for _, words, _ in alternatives for w in words}):
        kinds = tuple(kind for kind, words, _ in alternatives if any(w[0] == head for w in words))
        if kinds not in compiled:
            compiled[kinds] = re.compile("|".join(f"(?P<{k}>{bodies[k]})" for k in kinds))
        out[head] = compiled[kinds]
    return out


@lru_cache(maxsize=8)
def quantity_words(rules_dir: Path | None = None) -> tuple[str, ...]:
    """The words after a number that make it a quantity, not a year or a day (``quantity_words`` of
    ``units.yaml`` in ``rules_dir``, default ``data/rules``), lower case. The events extractor
    takes them from the toolkit's rules folder; reading a dateline uses the default folder."""
    from .. import paths
    from ..datafile import read_data_file

    path = Path(rules_dir or paths.rules_dir()) / "units.yaml"
    return tuple(w.lower() for w in read_data_file(path).strings("quantity_words", name_item=False))


_SCANNER = _scanner()


# words before a core; each is searched in the LEFT_WINDOW characters before it and must end there
_LEFT_PART = re.compile(rf"\b(?P<p>{PART}){PART_SEP}$")
_LEFT_ORDINAL = re.compile(rf"\b(?P<n>{ORDINAL})[\s-]+$")
_LEFT_QUARTER_MONTH = re.compile(rf"\b(?P<qm>{MON})\.?\s+$")  # "June quarter", "Dec quarter"
# "the first three quarters of 2026", "first 10 months of 2026": January to the end of the last one
_LEFT_FIRST_PERIODS = re.compile(
    rf"\b(?i:first)\s+(?P<n>\d{{1,2}}|(?i:{_alt(list(COUNT_WORDS))}))\s+"
    r"(?P<unit>(?i:quarters|months))\s+(?i:of)\s+$")
_LEFT_RELATIVE = re.compile(
    rf"(?:\b(?P<p>{PART}){PART_SEP})?(?<![Tt]he )\b(?P<rel>(?i:this|next|last|the))\s+$"
)
_LEFT_BETWEEN = re.compile(r"\b(?i:between)\s+$")
_LABEL_COLON = re.compile(r"\s*:")
_LEFT_WEEKDAY = re.compile(rf"\b(?P<w>(?i:{_alt(WEEKDAY_WORDS)}))\s+$")
# a verb just before a weekday ("said Tuesday"): a reporting verb or a lower-case past tense
_LEFT_VERB = re.compile(r"\b(?:said|says|told|met|[a-z]{3,}ed)\s+$")
_LEFT_PREPOSITION = re.compile(rf"\b(?i:{_alt(MONTH_PREPOSITIONS)})\s+$")
_WEEKDAY = re.compile(
    r"^(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)", re.IGNORECASE
)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def find_dates(text: str, *, reference: dt.date | None = None,
               units: tuple[str, ...] | None = None) -> list[DateMatch]:
    """Return every date expression in ``text``, in order, non-overlapping (longest wins).

    ``units`` are the quantity words (default :func:`quantity_words` of the bundled rules).
    """
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    grammars = _grammars(units if units is not None else quantity_words())
    out: list[DateMatch] = []
    floor = skip = 0  # end of the last date found / of the last text used up
    for core in _SCANNER.finditer(text):
        pos = core.start()
        if pos < skip:
            continue
        m = grammars[text[pos]].match(text, pos)
        if m is None:
            continue
        kind = m.lastgroup
        assert kind is not None  # each alternative of a grammar is one named group
        found = _HANDLERS[kind](m, floor, reference)
        if found is None:  # not a date after all: let the cores inside it be tried
            continue
        if len(found) == 1 and found[0].date_source == SOURCE_TEXT and found[0].precision in ("day", "month"):
            found = [_fiscal_year_ending(text, found[0], floor) or found[0]]
        out.extend(found)
        skip = m.end()  # a rejected date ("February 30, 2025") still uses up its text
        floor = found[-1].end if found else floor
    return out


_LEFT_FISCAL = re.compile(r"\b(?i:fiscal|financial)\s+(?i:year)\s+(?i:ending|ended|to)\s+(?:(?i:on)\s+)?$")


def _fiscal_year_ending(text: str, date: DateMatch, floor: int) -> DateMatch | None:
    """The fiscal year a date ends ("fiscal year ending March 31, 2026": April 2025 to March 2026),
    or None when the date does not follow "fiscal year ending"."""
    left = _LEFT_FISCAL.search(text, max(floor, date.start - 40), date.start)
    if left is None:
        return None
    last = date.date_end
    month_after = last.month % 12 + 1
    first = dt.date(last.year - (1 if month_after > 1 else 0), month_after, 1)
    end = dt.date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
    return DateMatch(left.start(), date.end, text[left.start():date.end], first, end, "year", SOURCE_TEXT)


def parse_day(s: str) -> dt.date | None:
    """Return the date when ``s`` is exactly one full calendar day ("Nov 27, 2025"), else None.

    All-numeric days are read as :func:`find_numeric_days` documents.
    """
    s = _WEEKDAY.sub("", s.strip(), count=1).strip()
    grammar = _grammars(quantity_words()).get(s[:1])
    m = grammar.fullmatch(s) if grammar is not None else None
    if m is None or m.lastgroup not in ("ISO", "MDY", "DMY"):
        numeric = find_numeric_days(s)
        return numeric[0][2] if len(numeric) == 1 and numeric[0][:2] == (0, len(s)) else None
    found = _HANDLERS[m.lastgroup](m, 0, None)
    if not found or len(found) != 1 or found[0].date_start != found[0].date_end:
        return None
    return found[0].date_start


class MonthDay(NamedTuple):
    """A day written without its year ("Oct. 9", "Thursday, 9 October"): month, day and the
    weekday named with it (0 = Monday), if any."""

    month: int
    day: int
    weekday: int | None = None


_WEEKDAY_NAME = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
_WEEKDAY_ABBR = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def parse_month_day(s: str) -> MonthDay | None:
    """Return the month and day when ``s`` is exactly one day without a year ("Oct. 9", "9 October",
    "Thursday, Oct 9"), else None. February 29 is accepted (a leap year may hold it)."""
    s = s.strip()
    weekday = None
    named = _WEEKDAY.match(s)
    if named:
        weekday = _WEEKDAY_ABBR[named.group()[:3].lower()]
        s = s[named.end():].strip()
    grammar = _grammars(quantity_words()).get(s[:1])
    m = grammar.fullmatch(s) if grammar is not None else None
    if m is None or m.lastgroup not in ("MD", "DM"):
        return None
    p = m.lastgroup.lower()
    if m.group(f"{p}_d2"):
        return None
    month, day = _month_of(m.group(f"{p}_m")), _day_of(m.group(f"{p}_d"))
    if day > calendar.monthrange(2024, month)[1]:
        return None
    return MonthDay(month, day, weekday)


def weekdays_named(text: str) -> set[int]:
    """Return the weekdays (0 = Monday) named in ``text``, capitalised ("on Thursday", "Thursday's")."""
    return {WEEKDAYS[m.group().lower()] for m in _WEEKDAY_NAME.finditer(text)}


_NUMERIC_DAY = re.compile(
    rf"(?<![\w.,/-])(?:(?P<y>{YEAR_RE})(?P<ysep>[./])(?P<ym>\d{{1,2}})(?P=ysep)(?P<yd>\d{{1,2}})"
    rf"|(?P<a>\d{{1,2}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P=sep)(?P<year>{YEAR_RE}))(?![\w/-]|[.,]\d)"
)


def find_numeric_days(text: str) -> list[tuple[int, int, dt.date]]:
    """Return ``(start, end, day)`` of every all-numeric calendar day in ``text``, such as a dateline's.

    "2025/10/09" and "2025.10.09" are year-month-day; "09.10.2025" is day-month-year (the dotted
    form is European); "10/09/2025" and "10-09-2025" are read only when they cannot be mistaken:
    a first number above 12 is the day, a second above 12 makes it month/day, and two equal
    numbers are both. Anything else ("03/04/2025") gives nothing: no day is guessed. Two-digit
    years are not read. (ISO "2025-10-09" is part of the date grammar.)
    """
    out = []
    for m in _NUMERIC_DAY.finditer(text):
        if m["y"]:
            year, month, day = int(m["y"]), int(m["ym"]), int(m["yd"])
        else:
            a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
            if m["sep"] == "." or a > 12 or a == b:
                day, month = a, b
            elif b > 12:
                month, day = a, b
            else:
                continue
        try:
            out.append((m.start(), m.end(), dt.date(year, month, day)))
        except ValueError:
            continue
    return out


# ---------------------------------------------------------------------------------------------
# Handlers: one per alternative. Each gets the match, the offset before which it may not reach
# (the end of the previous date) and the reference date; it returns the dates it found, [] to
# use up the text without a date, or None when the core is not a date at all.
# ---------------------------------------------------------------------------------------------

Interval = tuple[dt.date, dt.date]
Found = list[DateMatch] | None
Handler = Callable[[re.Match[str], int, dt.date | None], Found]


def _opt(m: re.Match[str], name: str) -> str | None:
    """Return group ``name`` of ``m``, or None when it did not take part or does not exist."""
    return m.group(name) if name in m.re.groupindex else None


def _left(pattern: re.Pattern[str], m: re.Match[str], floor: int) -> re.Match[str] | None:
    """Return the match of ``pattern`` that ends exactly where ``m`` starts, if any."""
    return pattern.search(m.string, max(floor, m.start() - LEFT_WINDOW), m.start())


def _date(text: str, start: int, end: int, interval: Interval, precision: str,
          source: str, recurs: str | None = None) -> list[DateMatch]:
    """Return a one-element list with the DateMatch for ``text[start:end]``."""
    return [DateMatch(start, end, text[start:end], interval[0], interval[1], precision, source, recurs)]


def _month_of(word: str) -> int:
    """Return the month number of a month word ("Sept.", "MAY")."""
    return MONTHS[word.rstrip(".").lower()]


def _day_of(word: str) -> int:
    """Return the day number of "22", "22nd"."""
    return int(word.rstrip("stndrh"))


def _part_of(word: str) -> str:
    """Return the YEAR_PARTS / MONTH_PARTS key of a part phrase ("end of", "Middle  of")."""
    return PART_WORDS[" ".join(word.lower().split())]


@lru_cache(maxsize=4096)  # a corpus names the same few years again and again
def _months(year: int, first: int, last: int) -> Interval:
    """Return the interval from the 1st of ``first`` to the end of ``last`` in ``year``."""
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


@lru_cache(maxsize=4096)
def _year_interval(first: int, last: int) -> Interval:
    """Return Jan 1 of ``first`` .. Dec 31 of ``last``."""
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


def _month_interval(year: int, month: int, part: str | None) -> Interval:
    """Return the whole month, or its early / mid / late third when ``part`` is given."""
    last = calendar.monthrange(year, month)[1]
    if part is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    first_day, last_day = MONTH_PARTS[_part_of(part)]
    return dt.date(year, month, first_day), dt.date(year, month, min(last_day, last))


def _stated_year(m: re.Match[str], p: str, reference: dt.date | None) -> tuple[int, str] | None:
    """Return (year, source) from the groups of prefix ``p``: 4 digits, 2 digits or relative."""
    year = _opt(m, f"{p}_y")
    if year:
        return int(year), SOURCE_TEXT
    short = _opt(m, f"{p}_yy")
    if short:
        return TWO_DIGIT_CENTURY + int(short), SOURCE_TEXT
    rel = _opt(m, f"{p}_rel")
    if rel and reference is not None:
        return reference.year + RELATIVE_YEARS[rel.lower()], SOURCE_INFERRED
    return None


def _infer_year(month: int, day: int, reference: dt.date | None) -> int | None:
    """Return the year for a month/day without one: the reference's, or the year before it."""
    if reference is None:
        return None
    try:
        start = dt.date(reference.year, month, day)
    except ValueError:  # 29 February in a common year
        return reference.year
    if (start - reference).days > INFER_MAX_AHEAD_DAYS:
        return reference.year - 1
    return reference.year


def _days(year: int, month: int, day: int, day2: int | None) -> Interval | None:
    """Return the interval of ``day`` (to ``day2``), or None if it is not a calendar date."""
    try:
        first = dt.date(year, month, day)
        last = dt.date(year, month, day2) if day2 is not None else first
    except ValueError:
        return None
    return (first, last) if last >= first else None


def _day_handler(p: str) -> Handler:
    """Return the handler of a day alternative with groups ``{p}_m``, ``{p}_d``, ``_d2``, ``_y``."""

    month_group, day_group, year_group, day2_group = (f"{p}_{g}" for g in ("m", "d", "y", "d2"))

    def handle(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
        month, day = _month_of(m.group(month_group)), _day_of(m.group(day_group))
        stated = _opt(m, year_group)
        year = int(stated) if stated else _infer_year(month, day, reference)
        day2 = _opt(m, day2_group)
        interval = _days(year, month, day, _day_of(day2) if day2 else None) if year else None
        if interval is None:
            return []
        if stated:
            return _date(m.string, m.start(), m.end(), interval, "day", SOURCE_TEXT)
        return _date(m.string, m.start(), m.end(), interval, "day", SOURCE_INFERRED, "year")

    return handle


def _iso(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "2025-05-22"."""
    interval = _days(int(m.group("iso_y")), int(m.group("iso_m")), int(m.group("iso_d")), None)
    return _date(m.string, m.start(), m.end(), interval, "day", SOURCE_TEXT) if interval else []


def _month_year(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "October 2024", "Oct. 2024", "late November 2025"."""
    left = _left(_LEFT_PART, m, floor)
    part = left.group("p") if left else None
    interval = _month_interval(int(m.group("my_y")), _month_of(m.group("my_m")), part)
    start = left.start() if left else m.start()
    return _date(m.string, start, m.end(), interval, "month", SOURCE_TEXT)


def _bare_month(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "in May", "early May" (year from the reference); a lone "May" is not a date."""
    left = _left(_LEFT_PART, m, floor)
    if left is None and _left(_LEFT_PREPOSITION, m, floor) is None:
        return None
    part = left.group("p") if left else None
    month = _month_of(m.group("bm_m"))
    year = _infer_year(month, MONTH_PARTS[_part_of(part)][0] if part else 1, reference)
    if year is None:
        return []
    start = left.start() if left else m.start()
    return _date(m.string, start, m.end(), _month_interval(year, month, part), "month",
                 SOURCE_INFERRED, "year")


def _year_or_inferred(m: re.Match[str], p: str, month: int,
                      reference: dt.date | None) -> tuple[int, str, str | None] | None:
    """Return (year, source, recurs): stated, relative, or inferred from the reference for ``month``."""
    found = _stated_year(m, p, reference)
    if found is not None:
        return (*found, None)
    if _opt(m, f"{p}_rel") is None:
        year = _infer_year(month, 1, reference)
        return (year, SOURCE_INFERRED, "year") if year is not None else None
    return None


def _notation(p: str, table: dict[int, tuple[int, int]], precision: str) -> Handler:
    """Return the handler of "Q3 2025" / "3Q25" / "H1 2025" style alternatives (prefix ``p``)."""

    def handle(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
        first, last = table[int(m.group(f"{p}_n"))]
        if _LABEL_COLON.match(m.string, m.end()) and not any(
                _opt(m, f"{p}_{g}") for g in ("y", "yy", "rel")):
            return None  # "Q1: What did China announce?" labels a question, it is not a quarter
        found = _year_or_inferred(m, p, first, reference)
        if found is None:
            return []
        return _date(m.string, m.start(), m.end(), _months(found[0], first, last), precision,
                     *found[1:])

    return handle


def _worded(p: str, table: dict[int, tuple[int, int]], precision: str) -> Handler:
    """Return the handler of "third quarter of 2025", "first half of 2025" (ordinal before)."""

    def handle(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
        left = _left(_LEFT_ORDINAL, m, floor)
        n = ORDINALS[left.group("n").lower()] if left is not None else 0
        if left is None and table is QUARTERS:  # "the June quarter": the quarter that ends in June
            left = _left(_LEFT_QUARTER_MONTH, m, floor)
            month = _month_of(left.group("qm")) if left is not None else 0
            n = month // 3 if month % 3 == 0 else 0
        if left is None or n not in table:
            return None
        first, last = table[n]
        found = _year_or_inferred(m, p, first, reference)
        if found is None:
            return []
        return _date(m.string, left.start(), m.end(), _months(found[0], first, last), precision,
                     *found[1:])

    return handle


def _range(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "2025–2027", "2019-20", "from 2021 to 2025", "between 2021 and 2025"."""
    first = int(m.group("r_y1"))
    second = m.group("r_y2") or m.group("r_y3")
    last = int(second) if second else first // 100 * 100 + int(m.group("r_yy"))
    joined = m.group("r_to") is None or m.group("r_to").lower() != "and" or _left(
        _LEFT_BETWEEN, m, floor) is not None
    if last > first and joined:
        return _date(m.string, m.start(), m.end(), _year_interval(first, last), "year",
                     SOURCE_TEXT)
    found = _date(m.string, *m.span("r_y1"), _year_interval(first, first), "year", SOURCE_TEXT)
    if second:  # "2021 and 2025", or a backwards range: two separate years
        group = "r_y2" if m.group("r_y2") else "r_y3"
        found += _date(m.string, *m.span(group), _year_interval(last, last), "year", SOURCE_TEXT)
    return found


def _month_range(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "January-October 2026": from the first month's first day to the last one's last."""
    year, first, last = int(m.group("mr_y")), _month_of(m.group("mr_m1")), _month_of(m.group("mr_m2"))
    if last <= first:
        return None  # "December-January 2026" crosses a year: read its parts alone
    return _date(m.string, m.start(), m.end(), _months(year, first, last), "month", SOURCE_TEXT)


def _year(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle a free-standing year "2021", a part of one ("mid-2025", "end of 2026") or its first
    periods ("first three quarters of 2026", "first 10 months of 2026")."""
    year = int(m.group("yr_y"))
    periods = _left(_LEFT_FIRST_PERIODS, m, floor)
    if periods is not None:
        n = periods.group("n").lower()
        count = int(n) if n.isdigit() else COUNT_WORDS[n]
        quarters = periods.group("unit").lower() == "quarters"
        if 1 <= count <= (4 if quarters else 12):
            last = count * 3 if quarters else count
            return _date(m.string, periods.start(), m.end(), _months(year, 1, last),
                         "quarter" if quarters else "month", SOURCE_TEXT)
    left = _left(_LEFT_PART, m, floor)
    if left is None:
        return _date(m.string, m.start(), m.end(), _year_interval(year, year), "year", SOURCE_TEXT)
    first, last = YEAR_PARTS[_part_of(left.group("p"))]
    return _date(m.string, left.start(), m.end(), _months(year, first, last), "half", SOURCE_TEXT)


def _left_relative(m: re.Match[str], floor: int) -> re.Match[str] | None:
    """The "this" / "next" / "last" (and a fuzzy part) before a "year" or "month" core, if any;
    "the year" alone is a period, not a date, and gives None too."""
    left = _left(_LEFT_RELATIVE, m, floor)
    if left is None or (left.group("p") is None and left.group("rel").lower() == "the"):
        return None
    return left


def _relative_year(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "this year", "next year", "late this year", "end of the year"."""
    left = _left_relative(m, floor)
    if left is None:
        return None
    if reference is None:
        return []
    year = reference.year + RELATIVE_YEARS[left.group("rel").lower()]
    if left.group("p") is None:
        return _date(m.string, left.start(), m.end(), _year_interval(year, year), "year",
                     SOURCE_INFERRED)
    first, last = YEAR_PARTS[_part_of(left.group("p"))]
    return _date(m.string, left.start(), m.end(), _months(year, first, last), "half",
                 SOURCE_INFERRED)


def _relative_month(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "this month", "next month", "last month", "end of the month"."""
    left = _left_relative(m, floor)
    if left is None:
        return None
    if reference is None:
        return []
    months = reference.year * 12 + reference.month - 1 + RELATIVE_YEARS[left.group("rel").lower()]
    interval = _month_interval(months // 12, months % 12 + 1, left.group("p"))
    return _date(m.string, left.start(), m.end(), interval, "month", SOURCE_INFERRED)


def _weekday(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "on Thursday" (the last Thursday up to the reference), "last Friday", "next Monday",
    and the wires' "said Tuesday", "agreed Thursday" (a weekday just after a verb, as "on")."""
    left = _left(_LEFT_WEEKDAY, m, floor)
    word = left.group("w").lower() if left is not None else "on"
    if left is None:
        left = _left(_LEFT_VERB, m, floor)  # "said Tuesday" reads as "on Tuesday"
    if left is None:
        return None  # "Thursday's meeting", "Black Friday": not dated here
    if reference is None:
        return []
    since = (reference.weekday() - WEEKDAYS[m.group("wd_d").lower()]) % 7  # 0: the reference's own
    if word == "next":
        day = reference + dt.timedelta(days=(7 - since) or 7)
    else:
        day = reference - dt.timedelta(days=since or (7 if word == "last" else 0))
    start = left.start() if word in ("last", "next", "this") else m.start()
    recurs = None if word in ("last", "next") else "week"
    return _date(m.string, start, m.end(), (day, day), "day", SOURCE_INFERRED, recurs)


def _today(m: re.Match[str], floor: int, reference: dt.date | None) -> Found:
    """Handle "today" said with a reporting verb ("today announced", "said today") or opening a
    release after its dateline ("WASHINGTON — Today, the Department …"): the reference day. "Today"
    alone often means "nowadays" ("today China refines 90%") and is no date."""
    if _left(_LEFT_REPORTING, m, floor) is None and _RIGHT_REPORTING.match(m.string, m.end()) is None \
            and _LEFT_DATELINE.search(m.string, max(floor, m.start() - 60), m.start()) is None:
        return None
    if reference is None:
        return []
    return _date(m.string, m.start(), m.end(), (reference, reference), "day", SOURCE_INFERRED)


_REPORTING = r"(?:announced|announces|said|says|reported|reports|confirmed|confirms|unveiled|unveils|released|releases)"
_LEFT_REPORTING = re.compile(rf"\b{_REPORTING}\s+$")
# "WASHINGTON, D.C. - ", "SAN FRANCISCO, Calif. -- "
_LEFT_DATELINE = re.compile(r"(?:^|\n)[A-Z][A-Z .,'-]{2,40}(?:,\s+[A-Z][a-z]+\.?)?\s+(?:[-–—]{1,2})\s*$")
_RIGHT_REPORTING = re.compile(rf"\s+{_REPORTING}\b")


_HANDLERS: dict[str, Handler] = {
    "MR": _month_range,
    "ISO": _iso,
    "MDY": _day_handler("mdy"),
    "DMY": _day_handler("dmy"),
    "MY": _month_year,
    "QN": _notation("qn", QUARTERS, "quarter"),
    "NQ": _notation("nq", QUARTERS, "quarter"),
    "QW": _worded("qw", QUARTERS, "quarter"),
    "HN": _notation("hn", HALVES, "half"),
    "NH": _notation("nh", HALVES, "half"),
    "HW": _worded("hw", HALVES, "half"),
    "RANGE": _range,
    "YR": _year,
    "MD": _day_handler("md"),
    "DM": _day_handler("dm"),
    "BM": _bare_month,
    "REL": _relative_year,
    "RELM": _relative_month,
    "WD": _weekday,
    "TD": _today,
}
