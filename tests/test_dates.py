"""The events extractor: one row per date expression, pointing at its sentence and exact offsets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reex_research import schema
from reex_research.extract.dates import COLUMNS, clause_span, extract_events, is_future
from reex_research.model import ParsedArticle, Sentence
from tests.helpers import make_article

D = dt.date

ARTICLE_001 = """China's rare earth sector underwent a decisive consolidation in 2025, marked by tighter state control.
Although some measures were later suspended until late 2026, the policy direction signals Beijing's willingness.
Enforcement intensified as well. In mid-2025, multiple ministries launched a coordinated crackdown.
Output and new-materials capacity grew more than 15%, a rare-earth motor industrial park began taking shape."""

ARTICLE_004 = """Baogang Group and China Rare Earth Industry Association held a November 17 meeting to deepen integration.
In a high-level meeting on November 17, Baogang Group hosted the president of CREIA."""


def test_columns_are_the_events_schema_without_is_future():
    assert list(COLUMNS) == [c for c in schema.columns("events") if c != "is_future"]
    assert list(extract_events(make_article("nothing dated here"))) == list(COLUMNS)


def _actor(text: str, name: str, kind: str, surface: str | None = None, nth: int = 0) -> tuple:
    """An actor span of ``surface`` (default ``name``), its ``nth`` occurrence in ``text``."""
    surface = surface or name
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return (start, start + len(surface), name, kind)


def test_004_an_event_carries_its_clause_subject_predicate_and_only_the_clause_actors():
    article = make_article(ARTICLE_004, published=D(2025, 11, 20), article_id="a004")
    actors = [_actor(ARTICLE_004, "Baogang Group", "organisation", nth=1),
              _actor(ARTICLE_004, "CREIA", "organisation")]
    events = extract_events(article, actors)
    assert events["surface"] == ["November 17", "November 17"]
    # "In a high-level meeting on November 17, Baogang Group hosted the president of CREIA."
    assert events["actors"] == [None, "Baogang Group; CREIA"]
    assert events["subject"][1] == "Baogang Group"
    assert events["predicate"][1] == "hosted the president of CREIA"


def test_an_event_keeps_the_actors_of_its_own_clause_only():
    text = "Lynas opened Kalgoorlie in 2024; Iluka will open Eneabba in 2027."
    actors = [_actor(text, "Lynas Rare Earths", "organisation", "Lynas"),
              _actor(text, "Kalgoorlie", "place"), _actor(text, "Iluka Resources", "organisation", "Iluka"),
              _actor(text, "Eneabba", "place")]
    events = extract_events(make_article(text, published=D(2025, 1, 10)), actors)
    assert events["clause"] == ["Lynas opened Kalgoorlie in 2024", "Iluka will open Eneabba in 2027"]
    assert events["actors"] == ["Kalgoorlie; Lynas Rare Earths", "Eneabba; Iluka Resources"]
    assert events["subject"] == ["Lynas Rare Earths", "Iluka Resources"]


@pytest.mark.parametrize(("sentence", "surface", "clause"), [
    # 001: the subordinate clause that holds the date, not the main clause after its comma
    ("Although some measures were later suspended until late 2026, the policy direction signals Beijing’s "
     "willingness to use rare earths as a strategic regulatory lever.", "late 2026",
     "Although some measures were later suspended until late 2026"),
    ("Output rose 15%; the park opens in mid-2027, officials said.", "mid-2027",
     "the park opens in mid-2027, officials said"),
    ("Lynas will expand Kalgoorlie by June 2026, while Iluka waits.", "June 2026",
     "Lynas will expand Kalgoorlie by June 2026"),
    ("In 2025 quotas fell.", "2025", "In 2025 quotas fell"),
])
def test_the_clause_of_a_date(sentence, surface, clause):
    start = sentence.index(surface)
    left, right = clause_span(sentence, start, start + len(surface))
    assert sentence[left:right] == clause


def test_001_rows_point_at_their_sentences_with_exact_offsets():
    article = make_article(ARTICLE_001, published=D(2025, 12, 1), article_id="a001")
    events = extract_events(article)
    assert events["surface"] == ["2025", "late 2026", "mid-2025"]
    assert events["sentence_id"] == ["a001:s0000", "a001:s0001", "a001:s0002"]
    assert events["article_id"] == ["a001"] * 3
    for surface, start, end in zip(events["surface"], events["start"], events["end"]):
        assert article.text[start:end] == surface
    assert events["start"][1] == ARTICLE_001.index("late 2026")
    assert events["date_start"] == [D(2025, 1, 1), D(2026, 9, 1), D(2025, 4, 1)]
    assert events["date_end"] == [D(2025, 12, 31), D(2026, 12, 31), D(2025, 9, 30)]
    assert events["precision"] == ["year", "half", "half"]
    assert events["date_source"] == ["text"] * 3


def test_004_november_17_takes_the_year_of_publication():
    events = extract_events(make_article(ARTICLE_004, published=D(2025, 11, 23), article_id="a004"))
    assert events["surface"] == ["November 17", "November 17"]
    assert events["sentence_id"] == ["a004:s0000", "a004:s0001"]
    assert events["date_start"] == [D(2025, 11, 17)] * 2
    assert events["date_source"] == ["inferred_year"] * 2


def test_without_publication_date_only_fully_stated_dates_are_kept():
    text = "On May 22, 2025, the conference convened.\nThey met again on November 17."
    events = extract_events(make_article(text, published=None))
    assert events["surface"] == ["May 22, 2025"]


@pytest.mark.parametrize("published", [pd.Timestamp("2025-11-23 10:00"), dt.datetime(2025, 11, 23, 10)])
def test_publication_timestamp_is_read_as_its_day(published):
    events = extract_events(make_article("They met on November 17.", published=published))
    assert events["date_start"] == [D(2025, 11, 17)]


def test_publication_nat_is_no_reference():
    events = extract_events(make_article("They met on November 17.", published=pd.NaT))
    assert events["surface"] == []


def test_dates_outside_every_sentence_are_not_rows():
    text = "Nov 27, 2025\nThe deal was signed in 2021."
    sentence = Sentence("x:s0000", "x:p001", 0, "paragraph", 13, len(text), text[13:])
    article = ParsedArticle(article_id="x", text=text, sentences=(sentence,), published=D(2025, 11, 27))
    events = extract_events(article)
    assert events["surface"] == ["2021"]
    assert events["sentence_id"] == ["x:s0000"]


def test_sentences_out_of_order_are_still_matched():
    text = "Signed in 2021.\nDue by 2030."
    s0 = Sentence("y:s0000", "y:p000", 0, "paragraph", 0, 15, "Signed in 2021.")
    s1 = Sentence("y:s0001", "y:p001", 1, "paragraph", 16, 28, "Due by 2030.")
    events = extract_events(ParsedArticle(article_id="y", text=text, sentences=(s1, s0)))
    assert events["sentence_id"] == ["y:s0000", "y:s0001"]


def test_german_article_does_not_crash():
    text = "Am 22. Mai 2025 unterzeichneten die Firmen in München einen Vertrag über 3.000 Tonnen."
    events = extract_events(make_article(text, published=D(2025, 5, 23)))
    assert events["precision"] == ["year"]


def test_rows_become_a_valid_events_frame():
    events = extract_events(make_article(ARTICLE_001, published=D(2025, 12, 1)))
    n = len(events["surface"])
    frame = schema.frame("events", {**events, "is_future": [False] * n})
    schema.validate("events", frame)
    assert frame.loc[1, "date_end"] == pd.Timestamp("2026-12-31")


# --- is_future --------------------------------------------------------------------------------

def _future(start, end, as_of):
    """is_future of one event, as the corpus computes it over the events table."""
    series = lambda day: pd.Series([day], dtype="datetime64[ns]")  # noqa: E731
    return bool(is_future(series(start), series(end), as_of).iloc[0])


def test_until_late_2026_is_still_due_in_late_november_2026():
    assert _future(D(2026, 9, 1), D(2026, 12, 31), D(2026, 11, 23))


def test_a_past_year_is_not_future():
    assert not _future(D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1))


def test_an_event_ending_on_as_of_is_not_future():
    assert not _future(D(2025, 11, 17), D(2025, 11, 17), D(2025, 11, 17))


def test_missing_end_falls_back_to_start_and_missing_both_is_not_future():
    assert _future(D(2030, 1, 1), None, D(2026, 1, 1))
    assert not _future(None, None, D(2026, 1, 1))
    assert not _future(pd.NaT, pd.NaT, D(2026, 1, 1))


def test_is_future_over_a_table_gives_one_flag_per_event_in_order():
    starts = pd.Series(pd.to_datetime(["2026-09-01", "2025-01-01", None]))
    ends = pd.Series(pd.to_datetime(["2026-12-31", "2025-12-31", None]))
    assert is_future(starts, ends, D(2026, 11, 23)).tolist() == [True, False, False]


@pytest.mark.parametrize("sentence, start, end", [
    ("Full-year guidance will be released in February.", D(2025, 2, 1), D(2025, 2, 28)),
    ("The ban is expected to last until May.", D(2025, 5, 1), D(2025, 5, 31)),
    ("The company said it would restart the line on December 1.", D(2025, 12, 1), D(2025, 12, 1)),
    ("Shipments are due in the third quarter.", D(2025, 7, 1), D(2025, 9, 30)),
])
def test_a_sentence_about_the_future_moves_a_past_inferred_date_on_a_year(sentence, start, end):
    events = extract_events(make_article(sentence, published=D(2024, 12, 18)))
    assert (events["date_start"], events["date_end"], events["date_source"]) == ([start], [end], ["inferred_year"])


@pytest.mark.parametrize("sentence, start", [
    ("Exports fell in February.", D(2024, 2, 1)),  # the past stays in the publication year
    ("Output will rise in late December.", D(2024, 12, 21)),  # not over yet on December 18
    ("Prices will stay high in 2024.", D(2024, 1, 1)),  # a stated year is never moved
    ("The ban, imposed in April, will be lifted.", D(2024, 4, 1)),  # the cue comes after the date
    ("It will review the curbs, which started in April.", D(2024, 4, 1)),  # another clause
])
def test_other_dates_keep_their_year(sentence, start):
    events = extract_events(make_article(sentence, published=D(2024, 12, 18)))
    assert events["date_start"] == [start]


def test_a_weekday_the_sentence_puts_in_the_future_is_the_next_one():
    # published Tuesday 2025-10-07: "on Thursday" is the coming Thursday when the sentence looks ahead
    events = extract_events(make_article("Trump and Xi will meet on Thursday.\nThey spoke on Thursday.",
                                         published=D(2025, 10, 7)))
    assert events["date_start"] == [D(2025, 10, 9), D(2025, 10, 2)]


def test_explicitly_relative_dates_never_move():
    events = extract_events(make_article("Output will beat last year and last month.", published=D(2025, 10, 7)))
    assert events["date_start"] == [D(2024, 1, 1), D(2025, 9, 1)]


def test_a_month_end_stays_a_month_end_when_moved_into_a_leap_year():
    events = extract_events(make_article("Talks will resume in February.", published=D(2023, 11, 20)))
    assert (events["date_start"], events["date_end"]) == ([D(2024, 2, 1)], [D(2024, 2, 29)])
