"""The year of a dateline or byline day written without one ("BEIJING, Oct 9 (Reuters) -",
"By Jane Doe | Oct. 9"), taken from the nearest evidence in the file — never from the load's
``as_of`` or today's date, since results are cached by file content.

In order, the first that gives a year wins:

1. ``metadata``: the file's own metadata date (JSONL ``date``, the HTML page, ``metadata.csv``)
   when it is not a full day but names exactly one year ("2025", "October 2025").
2. ``weekday``: a weekday named with the day ("Thursday, Oct. 9") or, else, the only weekday named
   in the first paragraph ("on Thursday", "Thursday's"). Of the three years around the article's
   other dates (the most common year of its full dates, else of any date stated with a year; ties:
   the latest), the one in which the day falls on that weekday — when exactly one does.
3. ``text dates``: the most common year of the full dates stated in the article (ties: the latest).
4. ``as-of``: the load's ``as_of`` day (default today). The latest year in which the day falls on
   that weekday, if one is named as above, within :data:`AS_OF_YEARS` years (``as-of <day> and
   weekday``); else the latest year in which the day is not after ``as_of`` (``as-of <day>``).
   Such a year depends on the load rather than the file: the cache never keeps these articles.

With none of these the article stays undated, and ``published_source`` says why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ..datetext import MonthDay, find_dates, weekdays_named

SOURCE_PREFIX = "inferred_year: "
AS_OF_SOURCE = SOURCE_PREFIX + "as-of"
"""How ``published_source`` starts when the year came from the load's ``as_of``."""
MISSING = "missing: dateline without year"
AS_OF_YEARS = 12
"""Years before ``as_of`` searched for the one in which a day falls on its named weekday (a day
falls on the same weekday again within at most eleven years)."""
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d|2100)(?!\d)")
_WINDOW = 1  # years either side of the other dates that the weekday may choose from


def infer_year(day: MonthDay, metadata_date: str | None, lead: str, text: str, *,
               as_of: dt.date | None = None) -> tuple[dt.date | None, str]:
    """Return the full day and ``published_source`` (``inferred_year: <reason>``), or
    ``(None, "missing: dateline without year")`` when neither the file nor ``as_of`` gives the year."""
    years = {int(y) for y in _YEAR.findall(metadata_date or "")}
    if len(years) == 1:
        found = _date(years.pop(), day)
        if found:
            return found, SOURCE_PREFIX + "metadata"
    dates = [d for d in find_dates(text) if d.date_source == "text"]
    full_year = _most_common([d.date_start.year for d in dates if d.precision == "day"])
    weekday = day.weekday
    if weekday is None:
        named = weekdays_named(lead)
        weekday = named.pop() if len(named) == 1 else None
    if weekday is not None:
        centre = full_year or _most_common([d.date_start.year for d in dates])
        if centre is not None:
            fits = [y for y in range(centre - _WINDOW, centre + _WINDOW + 1)
                    if (found := _date(y, day)) is not None and found.weekday() == weekday]
            if len(fits) == 1:
                return _date(fits[0], day), SOURCE_PREFIX + "weekday"
    if full_year is not None and _date(full_year, day):
        return _date(full_year, day), SOURCE_PREFIX + "text dates"
    if as_of is not None:
        return _by_as_of(day, weekday, as_of)
    return None, MISSING


def _by_as_of(day: MonthDay, weekday: int | None, as_of: dt.date) -> tuple[dt.date | None, str]:
    """The day in the latest year that fits ``as_of`` (see the module docstring)."""
    days = [found for year in range(as_of.year, as_of.year - AS_OF_YEARS - 1, -1)
            if (found := _date(year, day)) is not None and found <= as_of]  # latest first
    fitting = [found for found in days if found.weekday() == weekday]
    if fitting:
        return fitting[0], f"{AS_OF_SOURCE} {as_of.isoformat()} and weekday"
    if days:
        return days[0], f"{AS_OF_SOURCE} {as_of.isoformat()}"
    return None, MISSING


def _most_common(years: list[int]) -> int | None:
    """The year met most often (ties: the latest), or None."""
    if not years:
        return None
    counts = Counter(years)
    return max(counts, key=lambda y: (counts[y], y))


def _date(year: int, day: MonthDay) -> dt.date | None:
    try:
        return dt.date(year, day.month, day.day)
    except ValueError:  # February 29 in a common year
        return None
