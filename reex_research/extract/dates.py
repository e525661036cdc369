"""Events extractor: every date expression in an article's sentences, with its interval.

:func:`extract_events` returns the columns of the ``events`` table except ``is_future`` and
``actors``, which the corpus layer adds (``is_future`` from its ``as_of`` date with
:func:`is_future`, ``actors`` from the mentions in the same sentence). The grammar lives in
:mod:`reex_research.datetext`; the year of "November 17" or "in May" comes from the article's
publication date and is marked ``inferred_year``; without one such dates are not recorded.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

from .. import schema
from ..datetext import find_dates
from ..model import ParsedArticle

# the corpus layer adds these two columns of the events table
ADDED_LATER: tuple[str, ...] = ("is_future", "actors")
COLUMNS: tuple[str, ...] = tuple(c for c in schema.columns("events") if c not in ADDED_LATER)


# the fields of one events row as extract_events gathers them
_ROW_FIELDS: tuple[str, ...] = (
    "article_id", "sentence_id", "surface", "start", "end", "date_start", "date_end", "precision",
    "date_source",
)


def extract_events(article: ParsedArticle) -> dict[str, list]:
    """Return the events columns (all but is_future and actors) of ``article``, one row a date."""
    sentences = article.sentences
    starts = [s.start for s in sentences]
    if starts != sorted(starts):  # they usually are in text order already
        sentences = sorted(sentences, key=lambda s: s.start)
        starts = [s.start for s in sentences]
    rows: list[tuple] = []
    for date in find_dates(article.text, reference=_as_date(article.published)):
        i = bisect_right(starts, date.start) - 1
        if i < 0 or date.end > sentences[i].end:  # outside every sentence, or across two
            continue
        rows.append((article.article_id, sentences[i].sentence_id, date.surface, date.start, date.end,
                     date.date_start, date.date_end, date.precision, date.date_source))
    values = [list(column) for column in zip(*rows)] if rows else [[] for _ in _ROW_FIELDS]
    by_field = dict(zip(_ROW_FIELDS, values))
    return {name: by_field[name] for name in COLUMNS}


def is_future(date_start: dt.date | None, date_end: dt.date | None, as_of: dt.date) -> bool:
    """Return True when the event's interval ends after ``as_of`` (date_start if no end is known).

    The end decides: "until late 2026" (Sep–Dec 2026) is still due on 2026-11-23. An event that
    ends on ``as_of`` itself is not future. Missing dates give False.
    """
    end = _as_date(date_end) or _as_date(date_start)
    as_of_day = _as_date(as_of)
    return end is not None and as_of_day is not None and end > as_of_day


def _as_date(value: object) -> dt.date | None:
    """Return ``value`` as a date: datetimes and Timestamps lose their time; NaT gives None."""
    if value is None or value != value:  # NaT and NaN are not equal to themselves
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None
