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
from ..model import ParsedArticle, Sentence

# the corpus layer adds these two columns of the events table
ADDED_LATER: tuple[str, ...] = ("is_future", "actors")
COLUMNS: tuple[str, ...] = tuple(c for c in schema.columns("events") if c not in ADDED_LATER)


def extract_events(article: ParsedArticle) -> dict[str, list]:
    """Return the events columns (all but is_future and actors) of ``article``, one row a date."""
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    sentences = _in_text_order(article.sentences)
    starts = [s.start for s in sentences]
    for date in find_dates(article.text, reference=_as_date(article.published)):
        i = bisect_right(starts, date.start) - 1
        if i < 0 or date.end > sentences[i].end:  # outside every sentence, or across two
            continue
        columns["article_id"].append(article.article_id)
        columns["sentence_id"].append(sentences[i].sentence_id)
        columns["surface"].append(date.surface)
        columns["start"].append(date.start)
        columns["end"].append(date.end)
        columns["date_start"].append(date.date_start)
        columns["date_end"].append(date.date_end)
        columns["precision"].append(date.precision)
        columns["date_source"].append(date.date_source)
    return columns


def is_future(date_start: dt.date | None, date_end: dt.date | None, as_of: dt.date) -> bool:
    """Return True when the event's interval ends after ``as_of`` (date_start if no end is known).

    The end decides: "until late 2026" (Sep–Dec 2026) is still due on 2026-11-23. An event that
    ends on ``as_of`` itself is not future. Missing dates give False.
    """
    end = _as_date(date_end) or _as_date(date_start)
    as_of_day = _as_date(as_of)
    return end is not None and as_of_day is not None and end > as_of_day


def _in_text_order(sentences: tuple[Sentence, ...]) -> list[Sentence]:
    """Return ``sentences`` sorted by start offset (they usually already are)."""
    if all(a.start <= b.start for a, b in zip(sentences, sentences[1:])):
        return list(sentences)
    return sorted(sentences, key=lambda s: s.start)


def _as_date(value: object) -> dt.date | None:
    """Return ``value`` as a date: datetimes and Timestamps lose their time; NaT gives None."""
    if value is None or value != value:  # NaT and NaN are not equal to themselves
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None
