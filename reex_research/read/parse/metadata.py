"""Metadata lines: datelines (also opening a paragraph), bylines, source and disclaimer lines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..datetext import MonthDay, find_dates, find_numeric_days, parse_day, parse_month_day
from .rules import MD_EMPHASIS, SENTENCE_END, ParseRules

_DATELINE_MAX = 120
_DATELINE_LOOSE_MAX = 80
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?|\b[ap]\.m\.", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_PART_SEPARATOR = re.compile(r"\s*[|•·/]\s*")  # between the parts of a dateline: "Reuters | Oct 9"
_DATELINE_WORDS = frozenset({"published", "posted", "updated", "on", "at", "last", "modified", "date",
                             "am", "pm", "ago", "hours", "hour", "minutes", "gmt", "utc", "et", "est",
                             "edt", "pt", "cet", "bst", "jst", "cst", "sgt", "hkt"})


@dataclass(slots=True)
class Metadata:
    """Metadata found in the text: by one line, or gathered over the article (the first found wins)."""

    author: str | None = None
    published: dt.date | None = None
    source: str | None = None
    source_date: dt.date | None = None
    agency: str | None = None  # named in a dateline opening the text: "(Reuters)"
    month_day: MonthDay | None = None  # a dateline or byline day without its year: "Oct 9"
    publisher: str | None = None
    disclaimers: list[str] = field(default_factory=list)

    def add(self, found: Metadata) -> None:
        """Take from ``found`` each value not found before (disclaimers add up)."""
        self.author = self.author or found.author
        self.source = self.source or found.source
        self.publisher = self.publisher or found.publisher
        if self.published is None:
            self.published = found.published
        if self.source_date is None:
            self.source_date = found.source_date
        if self.agency is None:
            self.agency = found.agency
        if self.month_day is None:
            self.month_day = found.month_day
        self.disclaimers += found.disclaimers


def is_metadata_line(line: str, lowered: str, rules: ParseRules) -> bool:
    """Return True for a source or disclaimer line (kept even inside a trailer)."""
    return bool(rules.source.match(line) or any_search(rules.disclaimers, lowered))


def any_search(patterns: tuple[re.Pattern[str], ...], lowered: str) -> bool:
    """Return True if any of ``patterns`` is found in ``lowered``."""
    for pattern in patterns:
        if pattern.search(lowered):
            return True
    return False


def byline(line: str, rules: ParseRules) -> str | None:
    """Return the author of a byline ("By Jane Doe"), or None."""
    match = rules.byline.match(line)
    if not match or len(match.group("author").split()) > rules.byline_max_words:
        return None
    return match.group("author").strip()


def metadata_kind(line: str, lowered: str, index: int, rules: ParseRules) -> tuple[str, Metadata] | None:
    """Return the kind of a metadata line (source, byline, dateline, disclaimer) and what it says, or None."""
    line = MD_EMPHASIS.sub("", line) if ("*" in line or "_" in line) else line  # "**Source:** …"
    source = rules.source.match(line)
    if source and len(line) <= 300:
        day = dateline(source.group("date"), rules) if source.group("date") else None
        return "source", Metadata(source=source.group("source").strip(" ,;"), source_date=day)
    if index <= 6:
        author = byline(line, rules)
        if author:
            match = rules.byline.match(line)
            assert match is not None  # byline() found an author in it
            rest = match.group("rest")
            day = dateline(rest, rules) if rest else None
            partial = yearless_dateline(rest, rules) if rest and day is None else None
            return "byline", Metadata(author=author, published=day, month_day=partial)
        day = dateline(line, rules)
        if day:
            return "dateline", Metadata(published=day)
        partial = yearless_dateline(line, rules)
        if partial:
            return "dateline", Metadata(month_day=partial)
    if any_search(rules.disclaimers, lowered):
        return "disclaimer", Metadata(disclaimers=[line])
    return None


def _dateline_parts(text: str, rules: ParseRules) -> tuple[str, list[str]]:
    """A dateline without its label ("Published:"), and it whole then each of its '|'-separated parts."""
    candidate = rules.dateline_prefix.sub("", text.strip(), count=1)
    return candidate, [candidate, *_PART_SEPARATOR.split(candidate)]


def dateline(text: str, rules: ParseRules) -> dt.date | None:
    """A line that is a date, possibly behind 'Published:', beside a time or '|'-separated parts."""
    if len(text) > _DATELINE_MAX:
        return None
    candidate, parts = _dateline_parts(text, rules)
    for part in parts:
        day = parse_day(part)
        if day:
            return day
    if len(candidate) > _DATELINE_LOOSE_MAX or SENTENCE_END.search(candidate):
        return None
    days = _days_in(candidate)
    if len(days) != 1:
        return None
    start, end, day = days[0]
    rest = candidate[:start] + " " + candidate[end:]
    words = [w for w in _WORD.findall(_TIME.sub(" ", rest)) if w.lower() not in _DATELINE_WORDS]
    return day if len(words) <= 3 else None


def yearless_dateline(text: str, rules: ParseRules) -> MonthDay | None:
    """A line that is a day without its year ("Oct. 9", "Published: Thursday, Oct 9", "Reuters | Oct 9"):
    read only when a part of it is exactly that day, so the year can be looked for elsewhere."""
    if len(text) > _DATELINE_MAX:
        return None
    for part in _dateline_parts(text, rules)[1]:
        found = parse_month_day(part)
        if found:
            return found
    return None


def _days_in(text: str) -> list[tuple[int, int, dt.date]]:
    """``(start, end, day)`` of every full calendar day written in ``text``, worded or numeric."""
    days = [(m.start, m.end, m.date_start) for m in find_dates(text) if m.precision == "day"]
    days += [d for d in find_numeric_days(text) if not any(s < d[1] and d[0] < e for s, e, _ in days)]
    return sorted(days)


def lead_dateline(line: str, rules: ParseRules) -> tuple[dt.date | None, str | None, MonthDay | None]:
    """The day and the agency of a dateline that opens a paragraph, as wire copy and press releases
    write it: "LONDON, 9 October 2025 (Reuters) -", "PERTH, Australia, 9 October 2025 /PRNewswire/
    --", "LAS VEGAS--(BUSINESS WIRE)--", "(Bloomberg) --", "Oct. 9, 2025 — ", "TOKYO, July 24 Kyodo -".

    ``(None, None, None)`` when the opening is not such a dateline: its head must be capitalised
    place names and at most one day, its agency one of ``wire_agencies``. A day without its year
    ("BEIJING, Oct 9 (Reuters) -") is the third value, for the year to be found elsewhere.
    """
    m = rules.lead_dateline.match(line)
    if m is None:
        return None, None, None
    head = m["head"]
    agency = next((a.strip() for a in (m["agency"], m["wire"], m["agency_after"]) if a), None)
    if agency is not None and agency.lower() not in rules.wire_agencies:
        agency = None
    if not head:  # "(Bloomberg) --"
        return None, agency, None
    if agency is None:  # "TOKYO, July 24 Kyodo -": the agency unbracketed at the end of the head
        named = head.rstrip()
        agency = next((named[-len(a):] for a in rules.wire_agencies
                       if named.lower().endswith(" " + a)), None)
        if agency is not None:
            head = named[:-len(agency)]
    days = _days_in(head)
    if len(days) > 1:
        return None, None, None
    rest = head[:days[0][0]] + " " + head[days[0][1]:] if days else head
    partial = None
    if not days:  # "BEIJING, Oct 9": a part between commas that is a day without its year
        parts = head.split(",")
        found = [(i, parse_month_day(part)) for i, part in enumerate(parts)]
        found = [(i, day) for i, day in found if day is not None]
        if len(found) == 1:
            partial = found[0][1]
            rest = ",".join(parts[:found[0][0]] + parts[found[0][0] + 1:])
    places = [w for w in _WORD.findall(_TIME.sub(" ", rest)) if w.lower() not in _DATELINE_WORDS]
    if not (places or days or partial) or len(places) > 6 or not all(w[0].isupper() for w in places):
        return None, None, None
    return (days[0][2] if days else None), agency, partial
