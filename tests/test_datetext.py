"""Date expressions: formats, precisions, intervals, inferred years, and numbers that are not dates.

Expected values are written by hand from the text. Each case is ``(text, expected)``, where
``expected`` lists ``(surface, date_start, date_end, precision, date_source)`` in order.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reex_research import paths
from reex_research.read.datetext import (
    PRECISIONS,
    YEAR_MAX,
    YEAR_MIN,
    YEAR_RE,
    DateMatch,
    find_dates,
    find_numeric_days,
    parse_day,
)

D = dt.date
REF = D(2025, 11, 27)  # publication date used where a year must be inferred


def rows(text: str, reference: dt.date | None = REF) -> list[tuple]:
    """Return find_dates as comparable tuples, after checking every offset against the text."""
    found = find_dates(text, reference=reference)
    for m in found:
        assert text[m.start:m.end] == m.surface
    return [(m.surface, m.date_start, m.date_end, m.precision, m.date_source) for m in found]


def one(surface: str, start: dt.date, end: dt.date, precision: str, source: str = "text") -> list:
    """Return the expectation of exactly one match."""
    return [(surface, start, end, precision, source)]


# --- day --------------------------------------------------------------------------------------

DAY_CASES = [
    ("Nov 27, 2025", one("Nov 27, 2025", D(2025, 11, 27), D(2025, 11, 27), "day")),
    ("On May 22, 2025, the conference convened", one("May 22, 2025", D(2025, 5, 22), D(2025, 5, 22), "day")),
    ("signed on 22 May 2025 in Nanning", one("22 May 2025", D(2025, 5, 22), D(2025, 5, 22), "day")),
    ("from Sept. 3, 2025 onwards", one("Sept. 3, 2025", D(2025, 9, 3), D(2025, 9, 3), "day")),
    ("published 2025-05-22.", one("2025-05-22", D(2025, 5, 22), D(2025, 5, 22), "day")),
    ("MAY 22, 2025", one("MAY 22, 2025", D(2025, 5, 22), D(2025, 5, 22), "day")),
    ("on the 22nd of May, 2025", one("22nd of May, 2025", D(2025, 5, 22), D(2025, 5, 22), "day")),
    ("Monday, May 22, 2025", one("May 22, 2025", D(2025, 5, 22), D(2025, 5, 22), "day")),
    ("held May 22–23, 2025 in Nanning", one("May 22–23, 2025", D(2025, 5, 22), D(2025, 5, 23), "day")),
    ("held 22-23 May 2025", one("22-23 May 2025", D(2025, 5, 22), D(2025, 5, 23), "day")),
    ("on 29 February 2024", one("29 February 2024", D(2024, 2, 29), D(2024, 2, 29), "day")),
]


@pytest.mark.parametrize("text, expected", DAY_CASES, ids=[c[0] for c in DAY_CASES])
def test_day_formats(text, expected):
    assert rows(text) == expected


# --- month ------------------------------------------------------------------------------------

MONTH_CASES = [
    ("The first phase, completed in October 2024, reinforces",
     one("October 2024", D(2024, 10, 1), D(2024, 10, 31), "month")),
    ("Oct. 2024", one("Oct. 2024", D(2024, 10, 1), D(2024, 10, 31), "month")),
    ("launched in February 2025, ensures", one("February 2025", D(2025, 2, 1), D(2025, 2, 28), "month")),
    ("in May of 2025", one("May of 2025", D(2025, 5, 1), D(2025, 5, 31), "month")),
    ("in late November 2025", one("late November 2025", D(2025, 11, 21), D(2025, 11, 30), "month")),
    ("by mid-November 2025", one("mid-November 2025", D(2025, 11, 11), D(2025, 11, 20), "month")),
    ("early February 2024", one("early February 2024", D(2024, 2, 1), D(2024, 2, 10), "month")),
    ("by the end of February 2024", one("end of February 2024", D(2024, 2, 21), D(2024, 2, 29), "month")),
]


@pytest.mark.parametrize("text, expected", MONTH_CASES, ids=[c[0] for c in MONTH_CASES])
def test_month_formats(text, expected):
    assert rows(text) == expected


# --- quarter ----------------------------------------------------------------------------------

QUARTER_CASES = [
    ("output rose in Q3 2025", one("Q3 2025", D(2025, 7, 1), D(2025, 9, 30), "quarter")),
    ("3Q25 results", one("3Q25", D(2025, 7, 1), D(2025, 9, 30), "quarter")),
    ("Q3'25 results", one("Q3'25", D(2025, 7, 1), D(2025, 9, 30), "quarter")),
    ("Q1 of 2026", one("Q1 of 2026", D(2026, 1, 1), D(2026, 3, 31), "quarter")),
    ("Q4/2025", one("Q4/2025", D(2025, 10, 1), D(2025, 12, 31), "quarter")),
    ("in the third quarter of 2025", one("third quarter of 2025", D(2025, 7, 1), D(2025, 9, 30), "quarter")),
    ("fourth-quarter 2025 sales", one("fourth-quarter 2025", D(2025, 10, 1), D(2025, 12, 31), "quarter")),
    ("the 2nd quarter of 2024", one("2nd quarter of 2024", D(2024, 4, 1), D(2024, 6, 30), "quarter")),
    ("First Quarter 2026", one("First Quarter 2026", D(2026, 1, 1), D(2026, 3, 31), "quarter")),
]


@pytest.mark.parametrize("text, expected", QUARTER_CASES, ids=[c[0] for c in QUARTER_CASES])
def test_quarter_formats(text, expected):
    assert rows(text) == expected


# --- half and parts of a year -----------------------------------------------------------------

HALF_CASES = [
    ("H1 2025", one("H1 2025", D(2025, 1, 1), D(2025, 6, 30), "half")),
    ("2H 2025", one("2H 2025", D(2025, 7, 1), D(2025, 12, 31), "half")),
    ("1H25 profit", one("1H25", D(2025, 1, 1), D(2025, 6, 30), "half")),
    ("in the first half of 2025", one("first half of 2025", D(2025, 1, 1), D(2025, 6, 30), "half")),
    ("the second half of 2025", one("second half of 2025", D(2025, 7, 1), D(2025, 12, 31), "half")),
    # parts of a year: early = Jan–Apr, mid = Apr–Sep, late / end of = Sep–Dec
    ("In mid-2025, multiple ministries launched", one("mid-2025", D(2025, 4, 1), D(2025, 9, 30), "half")),
    ("expected in early 2026", one("early 2026", D(2026, 1, 1), D(2026, 4, 30), "half")),
    ("suspended until late 2026.", one("late 2026", D(2026, 9, 1), D(2026, 12, 31), "half")),
    ("by the end of 2026", one("end of 2026", D(2026, 9, 1), D(2026, 12, 31), "half")),
    ("from the middle of 2024", one("middle of 2024", D(2024, 4, 1), D(2024, 9, 30), "half")),
    ("Beginning of 2027", one("Beginning of 2027", D(2027, 1, 1), D(2027, 4, 30), "half")),
    ("at end-2025", one("end-2025", D(2025, 9, 1), D(2025, 12, 31), "half")),
    ("year-end 2025 target", one("year-end 2025", D(2025, 9, 1), D(2025, 12, 31), "half")),
    ("from mid-to-late 2026", one("late 2026", D(2026, 9, 1), D(2026, 12, 31), "half")),
]


@pytest.mark.parametrize("text, expected", HALF_CASES, ids=[c[0] for c in HALF_CASES])
def test_half_and_year_part_formats(text, expected):
    assert rows(text) == expected


def test_mid_2025_is_an_interval_not_a_day():
    (m,) = find_dates("In mid-2025, crackdowns began")
    assert m.precision != "day" and m.date_start < m.date_end


# --- year and year ranges ---------------------------------------------------------------------

YEAR_CASES = [
    ("China Rare Earth Group, founded in 2021 via the merger", one("2021", D(2021, 1, 1), D(2021, 12, 31), "year")),
    ("capacity by 2030.", one("2030", D(2030, 1, 1), D(2030, 12, 31), "year")),
    ("China's 2025 export licensing regime", one("2025", D(2025, 1, 1), D(2025, 12, 31), "year")),
    ("(2025)", one("2025", D(2025, 1, 1), D(2025, 12, 31), "year")),
    ("post-2020 levels", one("2020", D(2020, 1, 1), D(2020, 12, 31), "year")),
    # a range is ONE interval of precision year
    ("the 2025–2027 plan", one("2025–2027", D(2025, 1, 1), D(2027, 12, 31), "year")),
    ("the 2025-2027 plan", one("2025-2027", D(2025, 1, 1), D(2027, 12, 31), "year")),
    ("the 2019-20 season", one("2019-20", D(2019, 1, 1), D(2020, 12, 31), "year")),
    ("output doubled from 2021 to 2025", one("2021 to 2025", D(2021, 1, 1), D(2025, 12, 31), "year")),
    ("between 2021 and 2025", one("2021 and 2025", D(2021, 1, 1), D(2025, 12, 31), "year")),
    # without "between", or backwards, the two years stay two years
    ("in 2021 and 2025", [("2021", D(2021, 1, 1), D(2021, 12, 31), "year", "text"),
                          ("2025", D(2025, 1, 1), D(2025, 12, 31), "year", "text")]),
    ("2024-2022", [("2024", D(2024, 1, 1), D(2024, 12, 31), "year", "text"),
                   ("2022", D(2022, 1, 1), D(2022, 12, 31), "year", "text")]),
    ("in 1900 and 2100", [("1900", D(1900, 1, 1), D(1900, 12, 31), "year", "text"),
                          ("2100", D(2100, 1, 1), D(2100, 12, 31), "year", "text")]),
]


@pytest.mark.parametrize("text, expected", YEAR_CASES, ids=[c[0] for c in YEAR_CASES])
def test_year_formats(text, expected):
    assert rows(text) == expected


# --- years taken from the reference date ------------------------------------------------------

def test_month_day_without_year_takes_the_reference_year():
    text = "In a high-level meeting on November 17, Baogang Group hosted the president"
    assert rows(text, D(2025, 11, 23)) == one("November 17", D(2025, 11, 17), D(2025, 11, 17), "day",
                                              "inferred_year")


def test_month_day_without_year_and_without_reference_is_skipped():
    assert rows("held a November 17 meeting", None) == []


def test_december_in_a_january_article_is_last_year():
    assert rows("on December 20 the ministry said", D(2026, 1, 5)) == one(
        "December 20", D(2025, 12, 20), D(2025, 12, 20), "day", "inferred_year")


def test_month_a_few_months_ahead_stays_in_the_reference_year():
    assert rows("talks resume in June", D(2026, 2, 10)) == one(
        "June", D(2026, 6, 1), D(2026, 6, 30), "month", "inferred_year")


def test_month_far_ahead_is_last_year():
    assert rows("quotas set in November", D(2026, 2, 10)) == one(
        "November", D(2025, 11, 1), D(2025, 11, 30), "month", "inferred_year")


INFERRED_CASES = [
    ("controls imposed in May", one("May", D(2025, 5, 1), D(2025, 5, 31), "month", "inferred_year")),
    ("since Jan.", one("Jan", D(2025, 1, 1), D(2025, 1, 31), "month", "inferred_year")),
    ("in early May", one("early May", D(2025, 5, 1), D(2025, 5, 10), "month", "inferred_year")),
    ("by mid-November", one("mid-November", D(2025, 11, 11), D(2025, 11, 20), "month", "inferred_year")),
    ("on 17 November", one("17 November", D(2025, 11, 17), D(2025, 11, 17), "day", "inferred_year")),
    ("in the third quarter", one("third quarter", D(2025, 7, 1), D(2025, 9, 30), "quarter", "inferred_year")),
    ("by Q4", one("Q4", D(2025, 10, 1), D(2025, 12, 31), "quarter", "inferred_year")),
    ("later this year", one("this year", D(2025, 1, 1), D(2025, 12, 31), "year", "inferred_year")),
    ("next year", one("next year", D(2026, 1, 1), D(2026, 12, 31), "year", "inferred_year")),
    ("Last year", one("Last year", D(2024, 1, 1), D(2024, 12, 31), "year", "inferred_year")),
    ("early next year", one("early next year", D(2026, 1, 1), D(2026, 4, 30), "half", "inferred_year")),
    ("by the end of the year",
     one("end of the year", D(2025, 9, 1), D(2025, 12, 31), "half", "inferred_year")),
    ("in the second half of this year",
     one("second half of this year", D(2025, 7, 1), D(2025, 12, 31), "half", "inferred_year")),
    ("the third quarter of next year",
     one("third quarter of next year", D(2026, 7, 1), D(2026, 9, 30), "quarter", "inferred_year")),
    # Australian reporting periods are named by the quarter's last month
    ("output fell in the June quarter",
     one("June quarter", D(2025, 4, 1), D(2025, 6, 30), "quarter", "inferred_year")),
    ("completion is due in the Dec quarter",
     one("Dec quarter", D(2025, 10, 1), D(2025, 12, 31), "quarter", "inferred_year")),
    # the wires' weekday just after a verb (REF is a Thursday)
    ("its owner said Tuesday", one("Tuesday", D(2025, 11, 25), D(2025, 11, 25), "day", "inferred_year")),
    ("Japan and Australia agreed Thursday to", one("Thursday", REF, REF, "day", "inferred_year")),
    # "today" said of a release
    ("Halcyon today announced an award", one("today", REF, REF, "day", "inferred_year")),
    ("the ministry said today", one("today", REF, REF, "day", "inferred_year")),
]


@pytest.mark.parametrize("text, expected", INFERRED_CASES, ids=[c[0] for c in INFERRED_CASES])
def test_inferred_year(text, expected):
    assert rows(text) == expected


@pytest.mark.parametrize("text", [c[0] for c in INFERRED_CASES])
def test_inferred_year_needs_a_reference(text):
    assert rows(text, None) == []


def test_reference_may_be_a_datetime():
    assert rows("on November 17", dt.datetime(2025, 11, 23, 8, 30))[0][1] == D(2025, 11, 17)


# --- not dates --------------------------------------------------------------------------------

NOT_DATES = [
    "8000-Ton Rare Earth Metal Production Expansion",
    "a fully automated 3000-ton rare earth concentrate separation line",
    "and a 2000-ton neodymium-iron-boron (NdFeB) recycling facility",
    "producing over 60% of the world's rare earths and refining more than 85%",
    "a $2025 million budget",
    "US$2025",
    "2,000 tonnes of concentrate",
    "2000 tonnes of concentrate",
    "2025 tonnes",
    "2025 MW of wind",
    "1950 per cent",
    "2025.5 units",
    "12025 and 20250",
    "1899 and 2101",
    "© 2025 Rare Earth Exchanges",
    "FY 2025 guidance",
    "the 2020s and the mid-2020s",
    "2025/26",
    "we may see more",
    "Theresa May said",
    "Marching orders",
    "over the last year",
    "in the next year or two",
    "the first half was weaker",
    "nearly half of the output",
    "the 3 may be late",
    "The H1-B visa",
    "Today China refines most of the world's oxide",  # "today" as "nowadays"
    "today's prices and the red Friday sale",
    "the May quarter",  # no quarter ends in May
    "",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_a_date(text):
    assert rows(text) == []


INVALID = ["February 30, 2025", "2025-02-30", "31 April 2025", "29 February 2025", "Feb 29"]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_calendar_dates_are_not_matched(text):
    assert rows(text) == []


def test_half_without_ordinal_keeps_its_year():
    assert rows("nearly half of 2025 output") == one("2025", D(2025, 1, 1), D(2025, 12, 31), "year")


def test_german_sentence_does_not_crash_and_finds_no_day():
    text = ("Am 22. Mai 2025 unterzeichneten die Firmen in München einen Vertrag über 3.000 Tonnen "
            "Seltene Erden (März 2024).")
    assert rows(text) == [("2025", D(2025, 1, 1), D(2025, 12, 31), "year", "text"),
                          ("2024", D(2024, 1, 1), D(2024, 12, 31), "year", "text")]


# --- offsets, order, overlap ------------------------------------------------------------------

def test_offsets_order_and_longest_match_win():
    text = "Signed on May 22, 2025, suspended until late 2026, and due by 2030 (H1 2025 was weak)."
    found = find_dates(text)
    assert [m.surface for m in found] == ["May 22, 2025", "late 2026", "2030", "H1 2025"]
    assert [m.start for m in found] == [text.index("May 22"), text.index("late 2026"),
                                        text.index("2030"), text.index("H1 2025")]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_year_regex_covers_exactly_year_min_to_year_max():
    for year in range(1000, 3000):
        assert bool(re.fullmatch(YEAR_RE, str(year))) == (YEAR_MIN <= year <= YEAR_MAX)


def test_date_match_is_frozen():
    m = find_dates("in 2021")[0]
    assert isinstance(m, DateMatch)
    with pytest.raises(AttributeError):
        m.start = 0  # type: ignore[misc]


ALPHABET = list("0123456789 -–,.'/$%QHMayJunNovDecearlymidlatendofthisyquarterhalf")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=60))
def test_any_text_gives_ordered_non_overlapping_exact_matches(text):
    found = find_dates(text, reference=REF)
    for m in found:
        assert text[m.start:m.end] == m.surface
        assert m.date_start <= m.date_end
        assert m.precision in PRECISIONS and m.date_source in ("text", "inferred_year")
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


# --- parse_day --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Nov 27, 2025", D(2025, 11, 27)),
    ("  May 23, 2025 \n", D(2025, 5, 23)),
    ("Monday, May 22, 2025", D(2025, 5, 22)),
    ("Thursday Nov. 27, 2025", D(2025, 11, 27)),
    ("2025-05-22", D(2025, 5, 22)),
    ("27 November 2025", D(2025, 11, 27)),
    ("Sept. 3, 2025", D(2025, 9, 3)),
    ("09.10.2025", D(2025, 10, 9)),  # dotted: day first, as European pages write it
    ("Thursday 9.10.2025", D(2025, 10, 9)),
    ("2025/10/09", D(2025, 10, 9)),
    ("13/09/2025", D(2025, 9, 13)),  # 13 cannot be a month
    ("09/13/2025", D(2025, 9, 13)),
    ("12-12-2025", D(2025, 12, 12)),
])
def test_parse_day_reads_one_full_date(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "May 2025", "2025", "Nov 27", "mid-2025", "Feb 30, 2025", "Nov 27, 2025 update",
    "May 22–23, 2025", "Source: May 23, 2025", "Highlights",
    "10/09/2025", "03-04-2025",  # October 9 or 10 September: not guessed
    "31.02.2025", "10/09/25", "1.2.2025.3", "v1.2.2025",
])
def test_parse_day_rejects_anything_else(text):
    assert parse_day(text) is None


# --- the bundled articles ---------------------------------------------------------------------

GOLDEN = {
    "000_d1dcb6a243fed3e5.txt": (
        [("Nov 27, 2025", D(2025, 11, 27), D(2025, 11, 27), "day", "text"),
         ("2021", D(2021, 1, 1), D(2021, 12, 31), "year", "text")],
        [],
    ),
    "001_5239a195ca1deb34.txt": (
        [("2025", D(2025, 1, 1), D(2025, 12, 31), "year", "text"),
         ("late 2026", D(2026, 9, 1), D(2026, 12, 31), "half", "text"),
         ("mid-2025", D(2025, 4, 1), D(2025, 9, 30), "half", "text")],
        ["15", "2025-"],
    ),
    "002_aeceeba1a2b0ee0a.txt": (
        [("2025", D(2025, 1, 1), D(2025, 12, 31), "year", "text"),
         ("October 2024", D(2024, 10, 1), D(2024, 10, 31), "month", "text"),
         ("February 2025", D(2025, 2, 1), D(2025, 2, 28), "month", "text")],
        ["8000", "3000", "2000", "60", "85"],
    ),
    "003_98db33bcaf5e9f5b.txt": (
        [("May 22, 2025", D(2025, 5, 22), D(2025, 5, 22), "day", "text"),
         ("2021", D(2021, 1, 1), D(2021, 12, 31), "year", "text"),
         ("May 23, 2025", D(2025, 5, 23), D(2025, 5, 23), "day", "text")],
        ["May 22", "May 23"],
    ),
    "004_221cbb48ccfd2a52.txt": (
        [("November 17", D(2025, 11, 17), D(2025, 11, 17), "day", "inferred_year")],
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_bundled_article_dates(name):
    must_contain, must_not_be = GOLDEN[name]
    text = (paths.bundled_corpus() / name).read_text(encoding="utf-8")
    found = rows(text, D(2025, 11, 27))
    for row in must_contain:
        assert row in found
    assert not [r for r in found if r[0] in must_not_be]


def test_numeric_days_are_found_with_their_offsets_and_never_inside_numbers():
    text = "Brussels, 09.10.2025 - rev. 2.1.2025.4 - IP/25/2345 - 10/09/2025 - 31/12/2025"
    assert find_numeric_days(text) == [(10, 20, D(2025, 10, 9)), (67, 77, D(2025, 12, 31))]
    assert text[67:77] == "31/12/2025"


# --- relative months and weekdays (REF is Thursday 2025-11-27) ------------------------------------

@pytest.mark.parametrize("text, surface, start, end", [
    ("Exports fell last month.", "last month", D(2025, 10, 1), D(2025, 10, 31)),
    ("Talks resume later this month.", "this month", D(2025, 11, 1), D(2025, 11, 30)),
    ("Prices rise next month.", "next month", D(2025, 12, 1), D(2025, 12, 31)),
    ("Quotas are due by the end of the month.", "end of the month", D(2025, 11, 21), D(2025, 11, 30)),
    ("China on Thursday expanded its controls.", "Thursday", D(2025, 11, 27), D(2025, 11, 27)),
    ("Customs data showed on Monday that exports fell.", "Monday", D(2025, 11, 24), D(2025, 11, 24)),
    ("The ministry said on Friday it would act.", "Friday", D(2025, 11, 21), D(2025, 11, 21)),
    ("They met last Thursday.", "last Thursday", D(2025, 11, 20), D(2025, 11, 20)),
    ("They meet next Thursday.", "next Thursday", D(2025, 12, 4), D(2025, 12, 4)),
])
def test_relative_months_and_weekdays_count_from_the_reference(text, surface, start, end):
    found = find_dates(text, reference=REF)
    assert [(d.surface, d.date_start, d.date_end, d.date_source) for d in found] == [
        (surface, start, end, "inferred_year")]
    assert text[found[0].start:found[0].end] == surface


@pytest.mark.parametrize("text", [
    "Thursday's meeting was cancelled.", "Black Friday sales rose.", "Output rose in the last month.",
    "The month of May was dry.", "Over the past month prices fell.",
])
def test_weekdays_and_months_without_their_cue_are_not_dates(text):
    assert find_dates(text, reference=REF) == []


def test_a_weekday_opening_a_full_date_is_not_read_apart():
    assert [d.surface for d in find_dates("On Thursday, Oct. 9, 2025 the rule took effect.", reference=REF)] \
        == ["Oct. 9, 2025"]


def test_relative_months_and_weekdays_need_a_reference():
    assert find_dates("China on Thursday said exports fell last month.") == []


def test_what_a_date_without_its_year_or_week_recurs_by():
    found = find_dates("In May, on Monday, in Q3, on May 4, last month and next Friday.", reference=REF)
    assert [(d.surface, d.recurs) for d in found] == [
        ("May", "year"), ("Monday", "week"), ("Q3", "year"), ("May 4", "year"), ("last month", None),
        ("next Friday", None),
    ]


def test_a_numbered_notice_is_not_a_day():
    found = find_dates("MOFCOM Announcement No. 18 of April 2025 took effect on 18 April 2025.", reference=REF)
    assert [(d.surface, d.precision) for d in found] == [("April 2025", "month"), ("18 April 2025", "day")]


@pytest.mark.parametrize("text, surface, start, end, precision", [
    ("Imports in January-October 2026 rose.", "January-October 2026", D(2026, 1, 1), D(2026, 10, 31), "month"),
    ("Output from Jan. to Oct. 2026 fell.", "Jan. to Oct. 2026", D(2026, 1, 1), D(2026, 10, 31), "month"),
    ("Exports in the first three quarters of 2026 rose.", "first three quarters of 2026", D(2026, 1, 1),
     D(2026, 9, 30), "quarter"),
    ("Output in the first 10 months of 2026 grew.", "first 10 months of 2026", D(2026, 1, 1), D(2026, 10, 31),
     "month"),
])
def test_month_ranges_and_the_first_periods_of_a_year_are_one_interval(text, surface, start, end, precision):
    found = find_dates(text, reference=REF)
    assert [(d.surface, d.date_start, d.date_end, d.precision, d.date_source) for d in found] == [
        (surface, start, end, precision, "text")]


def test_a_month_range_across_a_year_end_is_not_one_interval():
    assert [d.surface for d in find_dates("Quotas for December-January 2026 were cut.", reference=REF)] \
        == ["January 2026"]


def test_a_quarter_label_before_a_colon_is_not_a_date():
    found = find_dates("Q1: What did China announce? Sales rose in Q3. Q4 2025: record output.", reference=REF)
    assert [d.surface for d in found] == ["Q3", "Q4 2025"]


def test_the_quantity_words_that_stop_a_year_are_data(tmp_path):
    from reex_research.read.datetext import quantity_words

    rules = tmp_path / "rules"
    rules.mkdir()
    bundled = (paths.rules_dir() / "units.yaml").read_text(encoding="utf-8")
    (rules / "units.yaml").write_text(bundled.replace("quantity_words: [", "quantity_words: [widgets, "),
                                      encoding="utf-8")
    text = "The plant made 2025 widgets and 2030 tonnes in 2024."
    assert [d.surface for d in find_dates(text)] == ["2025", "2024"]  # "2030 tonnes" is a quantity
    custom = quantity_words(rules)
    assert "widgets" in custom and "tonnes" in custom
    assert [d.surface for d in find_dates(text, units=custom)] == ["2024"]


@pytest.mark.parametrize("text, surface, start, end", [
    ("Output is planned by the fiscal year ending March 31, 2026.", "fiscal year ending March 31, 2026",
     dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
    ("The line starts by the fiscal year ending March 2027.", "fiscal year ending March 2027",
     dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ("Revenue for the financial year ended June 30, 2025 rose.", "financial year ended June 30, 2025",
     dt.date(2024, 7, 1), dt.date(2025, 6, 30)),
    ("Sales for the fiscal year ending December 2025 rose.", "fiscal year ending December 2025",
     dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
])
def test_a_fiscal_year_is_read_from_the_day_it_ends(text, surface, start, end):
    (found,) = find_dates(text)
    assert (found.surface, found.date_start, found.date_end, found.precision) == (surface, start, end, "year")
    assert text[found.start:found.end] == surface


@pytest.mark.parametrize("text, found", [
    ("March 4, 2026\n\nWASHINGTON, D.C. - Today, the committee sent a letter.", True),
    ("WASHINGTON — Today, the Department of Commerce added nine entities.", True),
    ("SAN FRANCISCO, Calif. -- Today, the company said it would expand.", True),
    ("Today, China refines most of the world's rare earths.", False),
    ("Analysts say that today China refines most oxide.", False),
])
def test_today_right_after_a_releases_dateline_is_the_release_day(text, found):
    dates = [d for d in find_dates(text, reference=dt.date(2026, 3, 4)) if d.surface == "Today"]
    assert bool(dates) == found
    if found:
        assert (dates[0].date_start, dates[0].precision) == (dt.date(2026, 3, 4), "day")



_SCAN_TOKENS = ["2025", "2026", "1999", "2100", "12", "1", "09", "31st", "3rd", "150", "20255", "2.5", "2025.5",
                "60%", "2025%", "2,000", "2025,3", "1Q", "2H", "Q3", "H1", "1Q26", "2H25", "2025-10-09", "2025-26",
                "15-16", "October", "Oct.", "Sept", "May", "mid-2026", "early", "year", "month", "Today", "today",
                "Thursday", "quarter", "half", "first", "the", "of", "to", "tonnes", "t", "per cent", "FY",
                "No.", "$", "(", ")", ",", ".", "-", "–", "/", ":", "'26", "1990s"]
_WORD_START = re.compile(r"(?<!\w)\w")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SCAN_TOKENS), st.sampled_from([" ", "", "\n", ", "])),
                min_size=1, max_size=8))
def test_the_scanner_finds_every_place_a_date_can_start(parts):
    """The scanner is only a fast pre-check: wherever the grammar reads a date at a word start, the
    scanner must have found that place. Texts mix date parts with numbers that look like dates but
    are not ("2.5", "60%", "2,000", "150", "20255"), which the scanner passes over."""
    from reex_research.read import datetext

    text = "".join(token + separator for token, separator in parts)
    grammars = datetext._grammars(datetext.quantity_words())
    cores = {m.start() for m in datetext._SCANNER.finditer(text)}
    for place in (m.start() for m in _WORD_START.finditer(text)):
        grammar = grammars.get(text[place])
        if grammar is not None and grammar.match(text, place) is not None:
            assert place in cores, (text, place)
