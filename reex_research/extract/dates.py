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

import calendar
import datetime as dt
import re

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

# the fields of one events row as extract_events gathers them
_ROW_FIELDS: tuple[str, ...] = (
    "article_id", "sentence_id", "surface", "start", "end", "date_start", "date_end", "precision",
    "date_source",
)


def extract_events(article: ParsedArticle, actors: dict[str, str] | None = None) -> dict[str, list]:
    """Return the events columns (all but is_future) of ``article``, one row a date.

    ``actors`` maps a sentence id to the actors named in it (the ``actors`` column; missing when the
    sentence names none).
    """
    locator = SentenceLocator.of(article)
    sentences = locator.sentences
    rows: list[tuple] = []
    reference = _as_date(article.published)
    text = article.text
    for date in find_dates(text, reference=reference):
        i = locator.locate(date.start, date.end)
        if i < 0:  # outside every sentence, or across two
            continue
        date_start, date_end = date.date_start, date.date_end
        reach = max(sentences[i].start, date.start - FUTURE_REACH)
        if (date.recurs and reference is not None and date_end < reference  # recurs: inferred from it
                and _said_of_the_future(text, reach, date.start)):
            date_start = _next_occurrence(date_start, date.recurs)
            date_end = _next_occurrence(date_end, date.recurs)
        rows.append((article.article_id, sentences[i].sentence_id, date.surface, date.start, date.end,
                     date_start, date_end, date.precision, date.date_source))
    values = [list(column) for column in zip(*rows)] if rows else [[] for _ in _ROW_FIELDS]
    by_field = dict(zip(_ROW_FIELDS, values))
    by_field["actors"] = [(actors or {}).get(sid) for sid in by_field["sentence_id"]]
    return {name: by_field[name] for name in COLUMNS}


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
