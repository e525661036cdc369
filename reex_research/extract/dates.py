"""Events extractor: every date expression in an article's sentences, with its interval.

:func:`extract_events` returns the columns of the ``events`` table except ``is_future``, which
the corpus adds from its ``as_of`` date with :func:`is_future`; ``actors`` come from the mentions
in the same sentence. The grammar lives in :mod:`reex_research.read.datetext`; the year of "November 17" or "in May" comes from the article's
publication date and is marked ``inferred_year``; without one such dates are not recorded.

The grammar takes the publication year (or the year before, for a date far ahead of it): news
mostly reports the recent past; "on Thursday" is likewise the last Thursday up to the publication
day. A date the sentence puts in the future ("will start in February", "is expected to resume in
May", "will meet on Thursday": a :data:`FUTURE_CUE` at most :data:`FUTURE_REACH` characters
before the date, in the same clause) cannot be a day already past when the article appeared, so
such a date that ended before the publication day moves on to its next occurrence, a year or a
week later. "The ban, imposed in April, will end" keeps its April: the cue comes after it.
Explicitly relative dates ("last year", "next month") never move.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import calendar
import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd

from .. import schema
from ..read.datetext import find_dates
from ..model import ParsedArticle, SentenceLocator

COLUMNS: tuple[str, ...] = schema.row_columns("events")
"""The columns :func:`extract_events` gives: all but ``is_future``, which depends on the load's as_of."""


FUTURE_CUE = re.compile(
    r"\b(?:will|won[’']t|would|shall|going to|(?:expected|expects|set|scheduled|slated|poised|planned|plans?"
    r"|intends?|aims?|due|likely|forecast) to|due (?:in|on|by)|upcoming|forthcoming)\b",
    re.IGNORECASE,
)
"""Words that put what follows them in the future, for dates whose year is inferred."""
FUTURE_REACH = 80
_CLAUSE_BREAK = re.compile(r"[,;:()]")
_SUBORDINATE_OPENING = re.compile(r"^(?:Although|Though|While|Whereas|After|Before|When|Since|Because|If|Once|Until)\b[^,;]*,\s")
# Where a clause ends: ";", ": ", a dash between blanks, a comma before a conjunction or relative
# word. Every branch opens with a literal so the engine skips through prose in C; the dash's blank
# before it is checked behind, and _clause_cuts drops a dash whose blank an earlier cut took.
_DASHES = "—–-"
_CLAUSE_CUT = re.compile(r";|:\s|,\s(?=(?:while|whereas|but|which|who|although|though|after|before|as|"
                         r"when|and then)\b)|" + "|".join(rf"{d}(?<=\s{d})\s" for d in _DASHES))
PREDICATE_WORDS = 16
"""Most words an event's ``predicate`` keeps."""
ActorSpan = tuple[int, int, str, str]
"""An actor mention: start, end, the actor's name, its type."""

# the fields of one events row as extract_events gathers them
_ROW_FIELDS: tuple[str, ...] = (
    "article_id", "sentence_id", "surface", "start", "end", "date_start", "date_end", "precision",
    "date_source", "clause", "subject", "predicate", "actors",
)


def extract_events(article: ParsedArticle, actors: Sequence[ActorSpan] = (),
                   units: tuple[str, ...] | None = None) -> dict[str, list]:
    """Return the events columns (all but is_future) of ``article``, one row a date.

    ``actors`` are the article's actor mentions as ``(start, end, name, type)``. Each event carries
    the clause of its sentence that holds the date (:func:`clause_span`), the actors named in that
    clause (``actors``, sorted, ``; ``-joined), the first of them as ``subject`` and what the clause
    says after it as ``predicate`` (the whole clause when it names no actor). ``units`` are the
    quantity words of the toolkit's rules (default: the bundled ones).
    """
    locator = SentenceLocator.of(article)
    sentences = locator.sentences
    rows: list[tuple] = []
    reference = _as_date(article.published)
    text, article_id = article.text, article.article_id
    ordered = sorted(actors)
    starts = [actor[0] for actor in ordered]
    clause_cuts: dict[int, list[int]] = {}  # by sentence: the dates of one sentence share them
    for date in find_dates(text, reference=reference, units=units):
        start, end = date.start, date.end
        i = locator.locate(start, end)
        if i < 0:  # outside every sentence, or across two
            continue
        sentence = sentences[i]
        offset = sentence.start
        date_start, date_end = date.date_start, date.date_end
        if (date.recurs and reference is not None and date_end < reference  # recurs: inferred from it
                and _said_of_the_future(text, max(offset, start - FUTURE_REACH), start)):
            date_start = _next_occurrence(date_start, date.recurs)
            date_end = _next_occurrence(date_end, date.recurs)
        cuts = clause_cuts.get(i)
        if cuts is None:
            cuts = clause_cuts[i] = _clause_cuts(sentence.text)
        left, right = _clause_between(sentence.text, cuts, start - offset, end - offset)
        left, right = left + offset, right + offset
        inside = [a for a in ordered[bisect_left(starts, left):bisect_right(starts, right)] if a[1] <= right]
        subject = inside[0] if inside else None
        predicate = _predicate(text, subject[1] if subject is not None else left, right)
        rows.append((article_id, sentence.sentence_id, date.surface, start, end,
                     date_start, date_end, date.precision, date.date_source, text[left:right],
                     subject[2] if subject is not None else None, predicate,
                     "; ".join(sorted({a[2] for a in inside})) or None))
    values = [list(column) for column in zip(*rows)] if rows else [[] for _ in _ROW_FIELDS]
    by_field = dict(zip(_ROW_FIELDS, values))
    return {name: by_field[name] for name in COLUMNS}


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Return ``(start, end)`` in ``sentence`` of the clause that holds ``sentence[start:end]`` (a date).

    Clauses end at ``;``, a dash between spaces, a colon, a comma followed by a conjunction or
    relative word ("…, while", "…, which"), or the comma closing an opening subordinate clause
    ("Although …,"); a clause shorter than four words takes in its neighbour. The whole sentence
    (without its final stop) when the offsets do not fit it.
    """
    return _clause_between(sentence, _clause_cuts(sentence), start, end)


def _clause_cuts(sentence: str) -> list[int]:
    """Where the clauses of ``sentence`` start, its start and one past its end included, in order."""
    cuts = [0]
    for m in _CLAUSE_CUT.finditer(sentence):
        # " - " is one cut: a dash right after a cut ("Note: - ", "a - - b") had its blank taken
        if m.start() != cuts[-1] or sentence[m.start()] not in _DASHES:
            cuts.append(m.end())
    cuts.append(len(sentence) + 1)
    opening = _SUBORDINATE_OPENING.match(sentence)
    if opening:  # "Although X, Y": the first comma closes the subordinate clause
        cuts.append(opening.end())
        cuts.sort()
    return cuts


def _clause_between(sentence: str, cuts: list[int], start: int, end: int) -> tuple[int, int]:
    """:func:`clause_span` with the clause starts of ``sentence`` given (:func:`_clause_cuts`)."""
    if not 0 <= start < end <= len(sentence):
        return _trimmed(sentence, 0, len(sentence))
    # cuts are sorted and hold 0 and len(sentence) + 1: the clause's start and end are both there
    i = bisect_right(cuts, start) - 1
    j = bisect_left(cuts, end)
    left, right = cuts[i], cuts[j]
    # split at most 3 times: only whether the clause has four words matters
    if len(sentence[left:right].split(None, 3)) < 4 and (left > 0 or right <= len(sentence)):
        left = cuts[bisect_left(cuts, left) - 1] if left > cuts[0] else left
        right = cuts[bisect_right(cuts, right)] if right < cuts[-1] else right
    return _trimmed(sentence, left, min(right, len(sentence)))


def _trimmed(text: str, left: int, right: int) -> tuple[int, int]:
    """``[left, right)`` without the punctuation and blanks at either end."""
    while left < right and text[left] in _TRIM:
        left += 1
    while right > left and text[right - 1] in _TRIM_END:
        right -= 1
    return left, right


_TRIM = " ,;:—–-\n\t"
_TRIM_END = _TRIM + "."


def _predicate(text: str, start: int, end: int) -> str | None:
    """What the clause says after its subject: at most :data:`PREDICATE_WORDS` words."""
    # the words past the kept ones (and one a leading "'s" may take) need not be split apart
    words = text[start:end].strip(" ,;:—–-'’s").split(None, PREDICATE_WORDS + 1)
    if words and words[0] in ("'s", "’s"):
        words = words[1:]
    return " ".join(words[:PREDICATE_WORDS]) or None


def is_future(date_start: pd.Series, date_end: pd.Series, as_of: dt.date) -> pd.Series:
    """Return, per event, whether its interval ends after ``as_of`` (its start when no end is known).

    The end decides: "until late 2026" (Sep–Dec 2026) is still due on 2026-11-23. An event that
    ends on ``as_of`` itself is not future. Missing dates give False.
    """
    end = date_end.fillna(date_start)
    return (end > pd.Timestamp(as_of)).fillna(False).astype(bool)


def _said_of_the_future(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]``, what precedes a date, holds a future cue in the date's clause."""
    cues = list(FUTURE_CUE.finditer(text, start, end))
    return bool(cues) and _CLAUSE_BREAK.search(text, cues[-1].end(), end) is None


def _next_occurrence(day: dt.date, recurs: str) -> dt.date:
    """The same day a week later, or a year later (a month's last day stays its last day)."""
    if recurs == "week":
        return day + dt.timedelta(days=7)
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day == last:
        return dt.date(day.year + 1, day.month, calendar.monthrange(day.year + 1, day.month)[1])
    return dt.date(day.year + 1, day.month, day.day)


def _as_date(value: object) -> dt.date | None:
    """Return ``value`` as a date: datetimes and Timestamps lose their time; NaT gives None."""
    if value is None or value != value:  # NaT and NaN are not equal to themselves
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None
