"""Parsing plain text into blocks: hard-wrapped paragraphs, tables and their boundaries."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import reex_research as rr
from reex_research.read.boilerplate import BoilerplateRules, Rule
from reex_research.read.datetext import parse_month_day
from reex_research.read.parse.yearless import infer_year

WIRE_COPY_WITH_TABLE = """Rare earth output rises at Baotou plants

BEIJING, March 3, 2025 -- China Northern Rare Earth said on Monday that it
will raise its separation capacity at the Baotou complex this year, adding
that demand from magnet makers in Ningbo and Ganzhou remained strong while
export licences for dysprosium and terbium were still slow to arrive.

| Product | 2024 output (t) |
|---|---|
| NdPr oxide (praseodymium-neodymium oxide) | 12,000 |
The company expects to lift NdPr oxide output to 15,000 tonnes by the end
of 2026, according to a filing with the Shanghai Stock Exchange, while its
parent Baogang Group keeps control of the Bayan Obo mine in Inner Mongolia.
"""


def test_a_wrapped_paragraph_right_after_a_table_is_not_glued_onto_its_last_row(tmp_path):
    (tmp_path / "wire.txt").write_text(WIRE_COPY_WITH_TABLE, encoding="utf-8")
    corpus = rr.load_corpus(tmp_path, workers=1, as_of="2026-11-27")
    table = corpus.tables.iloc[0]
    assert json.loads(table["cells"])["data"] == [["NdPr oxide (praseodymium-neodymium oxide)", "12,000"]]
    paragraphs = corpus.paragraphs.set_index("kind")
    after = ("The company expects to lift NdPr oxide output to 15,000 tonnes by the end of 2026, according "
             "to a filing with the Shanghai Stock Exchange, while its parent Baogang Group keeps control of "
             "the Bayan Obo mine in Inner Mongolia.")
    assert paragraphs.loc["table", "text"].endswith("| 12,000 |")
    assert after in corpus.paragraphs.loc[corpus.paragraphs["kind"] == "paragraph", "text"].tolist()
    assert after in corpus.sentences["text"].tolist()


def _load(tmp_path, files: dict[str, str]) -> rr.Corpus:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return rr.load_corpus(tmp_path, workers=1, as_of="2026-11-27")


@pytest.mark.parametrize("lead, published, source", [
    ("LONDON, 9 October 2025 (Reuters) - Rare earth prices rose on Thursday.", "2025-10-09", "Reuters"),
    ("PERTH, Australia, 9 October 2025 /PRNewswire/ -- Lynas Rare Earths said it produced terbium.",
     "2025-10-09", "PRNewswire"),
    ("TORONTO, Oct. 9, 2025 (GLOBE NEWSWIRE) -- Ucore Rare Metals said it shipped its first oxide.",
     "2025-10-09", "GLOBE NEWSWIRE"),
    ("LAS VEGAS--(BUSINESS WIRE)--MP Materials Corp. announced a new magnet plant.", None, "BUSINESS WIRE"),
    ("Oct. 9, 2025 — The ministry added five elements to its export control list.", "2025-10-09", None),
    # no year and no other evidence: the year of the load's as_of (2026-11-27)
    ("BEIJING, Oct 9 (Reuters) - China expanded its export controls.", "2026-10-09", "Reuters"),
    ("TOKYO, July 24 Kyodo - Japan and Australia agreed to stockpile rare earths.", "2026-07-24", "Kyodo"),
    ("(Bloomberg) -- Myanmar's rare earth exports to China slumped.", None, "Bloomberg"),
    ("WASHINGTON — The U.S. Department of Energy announced $1 billion.", None, None),
    ("Lynas Rare Earths (Lynas) - the company - said it produced terbium.", None, None),  # not an agency
    ("The ministry said on Oct. 9, 2025 - a Thursday - that exports fell.", None, None),  # not a dateline
])
def test_a_dateline_opening_the_first_paragraph_gives_the_day_and_the_agency(tmp_path, lead, published, source):
    corpus = _load(tmp_path, {"story.txt": f"Rare earth story\n\n{lead}\n\nA second paragraph follows here.\n"})
    row = corpus.articles.iloc[0]
    assert (None if pd.isna(row["published"]) else row["published"].date().isoformat()) == published
    assert (None if pd.isna(row["source"]) else row["source"]) == source
    assert corpus.paragraphs["kind"].tolist() == ["title", "paragraph", "paragraph"]
    if published:
        assert row["published_source"] == ("inferred_year: as-of 2026-11-27" if "2025" not in lead else "text")


# October 9 was a Thursday in 2025, a Wednesday in 2024 and a Monday in 2023.
@pytest.mark.parametrize("files, published, published_source", [
    ({"wire.txt": "Export controls widen\n\nBEIJING, Oct 9 (Reuters) - China on Thursday widened its export "
      "controls.\n\nThe rules add to curbs of April 4, 2024 and Dec. 1, 2024.\n"},
     "2025-10-09", "inferred_year: weekday"),
    ({"byline.txt": "Export controls widen\n\nBy Jane Doe | Thursday, Oct. 9\n\nChina widened its export "
      "controls, which echo the curbs of April 4, 2024.\n\nThe ministry spoke.\n"},
     "2025-10-09", "inferred_year: weekday"),
    ({"byline.txt": "Export controls widen\n\nBy Jane Doe | Oct. 9\n\nChina widened its export controls after "
      "talks on May 22, 2025.\n\nEarlier curbs came on June 3, 2025 and March 1, 2024.\n"},
     "2025-10-09", "inferred_year: text dates"),
    ({"feed.jsonl": json.dumps({"title": "Export controls widen", "date": "2025", "text":
      "TOKYO, Oct 9 (Kyodo) -- Japan said on Wednesday it will stockpile more.\n\nThe talks of "
      "March 1, 2024 were cited."}) + "\n"},
     "2025-10-09", "inferred_year: metadata"),
    # nothing in the file: the load's as_of (2026-11-27) decides; with a weekday, the latest year
    # before it in which the day falls on that weekday (a Thursday: 2025); a day later in the year
    # than as_of is of the year before
    ({"kyodo.txt": "Japan to stockpile\n\nTOKYO, Oct 9 (Kyodo) -- Japan said it will stockpile more "
      "rare earths.\n\nNo other date is given.\n"},
     "2026-10-09", "inferred_year: as-of 2026-11-27"),
    ({"kyodo.txt": "Japan to stockpile\n\nTOKYO, Oct 9 (Kyodo) -- Japan said on Thursday it will stockpile "
      "more rare earths.\n\nNo other date is given.\n"},
     "2025-10-09", "inferred_year: as-of 2026-11-27 and weekday"),
    ({"kyodo.txt": "Japan to stockpile\n\nTOKYO, Dec 9 (Kyodo) -- Japan said it will stockpile more "
      "rare earths.\n\nNo other date is given.\n"},
     "2025-12-09", "inferred_year: as-of 2026-11-27"),
])
def test_a_dateline_day_without_its_year_takes_the_year_from_the_file(tmp_path, files, published,
                                                                      published_source):
    corpus = _load(tmp_path, files)
    row = corpus.articles.iloc[0]
    assert (None if pd.isna(row["published"]) else row["published"].date().isoformat()) == published
    assert row["published_source"] == published_source


def test_without_as_of_nothing_in_the_file_leaves_the_dateline_undated():
    day = parse_month_day("Oct 9")
    assert infer_year(day, None, "TOKYO, Oct 9 (Kyodo) -- Japan said it will stockpile more.", "No date.") == (
        None, "missing: dateline without year")


def test_a_weekday_that_fits_no_single_year_leaves_the_text_dates_to_decide(tmp_path):
    # October 9 is a Thursday in 2025 only among 2023-2025; a Tuesday fits none, so the year of
    # the article's full dates (2024, met twice against 2025 once) is taken.
    corpus = _load(tmp_path, {"wire.txt": (
        "Export controls widen\n\nBEIJING, Oct 9 (Reuters) - China on Tuesday widened its controls.\n\n"
        "Curbs came on April 4, 2024, Dec. 1, 2024 and Jan. 2, 2025.\n")})
    row = corpus.articles.iloc[0]
    assert (row["published"].date().isoformat(), row["published_source"]) == (
        "2024-10-09", "inferred_year: text dates")


def test_an_inferred_publication_year_dates_the_relative_dates_of_the_article(tmp_path):
    corpus = _load(tmp_path, {"wire.txt": (
        "Export controls widen\n\nBEIJING, Oct 9 (Reuters) - China on Thursday widened its export controls, "
        "which take effect on Dec. 1.\n\nThe rules add to the curbs of April 4, 2024.\n")})
    events = corpus.events.set_index("surface")
    assert events.loc["Thursday", "date_start"].date().isoformat() == "2025-10-09"
    assert events.loc["Dec. 1", ["date_start", "date_source"]].tolist() == [pd.Timestamp("2025-12-01"),
                                                                          "inferred_year"]


def test_a_source_line_names_the_source_before_a_wire_agency(tmp_path):
    corpus = _load(tmp_path, {"release.txt": (
        "Lynas produces terbium\n\nPERTH, Australia, 9 October 2025 /PRNewswire/ -- Lynas Rare Earths Ltd "
        "today announced its first terbium oxide.\n\nThe plant is in Kuantan.\n\nSOURCE Lynas Rare Earths Ltd\n")})
    assert corpus.articles.iloc[0]["source"] == "Lynas Rare Earths Ltd"


@pytest.mark.parametrize("line, published", [
    ("Brussels, 09.10.2025", "2025-10-09"),
    ("09.10.2025", "2025-10-09"),
    ("Published 13/10/2025", "2025-10-13"),
    ("*By Alice Mason, Fastmarkets | October 9, 2025*", "2025-10-09"),
])
def test_numeric_and_emphasised_datelines_give_the_publication_day(tmp_path, line, published):
    corpus = _load(tmp_path, {"page.md": f"# Commission unveils a raw materials plan\n\n{line}\n\n"
                                         "The European Commission today presented a plan.\n"})
    row = corpus.articles.iloc[0]
    assert row["published"].date().isoformat() == published
    assert corpus.paragraphs["kind"].tolist()[1] in ("dateline", "byline")
    assert (corpus.paragraphs["section"].isna()).all()  # a dateline is never a heading


def test_an_ambiguous_numeric_date_is_not_guessed(tmp_path):
    corpus = _load(tmp_path, {"page.md": "# Prices hit a record\n\nPublished 10/09/2025\n\nPrices rose.\n"})
    assert pd.isna(corpus.articles.iloc[0]["published"])


def test_markdown_emphasis_does_not_hide_source_or_byline(tmp_path):
    corpus = _load(tmp_path, {"notice.md": (
        "# MOFCOM announcement on rare earth export controls\n\n*By Alice Mason | October 9, 2025*\n\n"
        "Exporters must apply for a licence.\n\n**Source:** Ministry of Commerce of the People's Republic of China\n")})
    row = corpus.articles.iloc[0]
    assert row["author"] == "Alice Mason"
    assert row["source"] == "Ministry of Commerce of the People's Republic of China"
    assert "source" in corpus.paragraphs["kind"].tolist()


@pytest.mark.parametrize("line, publisher", [
    ("©2025 Bloomberg L.P.", "Bloomberg L.P."),
    ("© 2025 Reuters.com. All rights reserved.", "Reuters.com"),
    ("Copyright 2024 Mining Journal. All rights reserved", "Mining Journal"),
    ("© 2025 Rare Earth Exchanges™ – All rights reserved", "Rare Earth Exchanges"),
    ("© 2026 by the Center for Strategic and International Studies. All rights reserved.",
     "Center for Strategic and International Studies"),
])
def test_the_publisher_keeps_the_periods_inside_its_name(tmp_path, line, publisher):
    corpus = _load(tmp_path, {"story.txt": f"Myanmar exports slump\n\nExports fell in October.\n\n{line}\n"})
    assert corpus.articles.iloc[0]["publisher"] == publisher


def test_markdown_marks_do_not_hide_press_release_trailers_and_footnote_markers_go(tmp_path):
    corpus = _load(tmp_path, {"release.md": (
        "# Neo opens magnet plant in Estonia\n\n"
        "Neo Performance Materials opened its magnet plant in Narva on Monday.<sup>1</sup> The plant "
        "will make 2,000 tonnes of magnets a year.<sup>[2]</sup>\n\n"
        "The plant employs 150 people.\n\nThe company thanked its partners.\n\n"
        "## About Neo Performance Materials\n\nNeo is a producer of rare earth magnets.\n\n"
        "## Forward-Looking Information\n\nThis release contains forward-looking information.\n\n"
        "**For further information:** Ali Mahdavi, +1 416 962 3300\n\n"
        "AP writer Tom Krisher in Detroit contributed to this report.\n\n(Kyodo)\n")})
    body = "\n".join(corpus.paragraphs["text"])
    for gone in ("About Neo", "producer of rare earth magnets", "Forward-Looking", "Ali Mahdavi",
                 "contributed to this report", "(Kyodo)", "<sup>"):
        assert gone not in body
    assert "Narva on Monday. The plant will make 2,000 tonnes of magnets a year." in body
    assert corpus.sentences["text"].tolist()[1:3] == [
        "Neo Performance Materials opened its magnet plant in Narva on Monday.",
        "The plant will make 2,000 tonnes of magnets a year."]
    rules = set(corpus.boilerplate["rule"])
    assert {"footnote_marker", "company_profile_trailer", "wire_contribution", "wire_signature"} <= rules


def test_a_company_form_with_a_capital_inside_is_not_a_heading_glued_to_a_paragraph(tmp_path):
    # "GmbH" has a lower-upper pair, as "SupplyWith" does, but the capital ends the word
    text = ("Magnet imports fell in May\n\nBrandt Antriebstechnik GmbH, a maker of electric drive units, "
            "said on Wednesday it had enough magnets for six weeks of production.\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    corpus = rr.load_corpus(tmp_path, as_of="2026-01-01")
    assert "Brandt Antriebstechnik GmbH, a maker of electric drive units, said" in corpus.articles["text"].iloc[0]
    assert corpus.sentences["text"].str.startswith("Brandt Antriebstechnik GmbH, a maker").any()


def test_inline_boilerplate_is_ruled_out_on_the_whole_text_only_when_that_is_exact():
    def rules(pattern: str) -> BoilerplateRules:
        return BoilerplateRules((), (), (Rule("hint", "link_hint", re.compile(pattern)),), 0.4, 300)

    phrase = rules(r"\(external link\)")
    assert not phrase.may_cut_inline("a line\nanother line")
    assert phrase.may_cut_inline("a line (external link)\nanother line")
    # Patterns that read around the phrase may match a line and not the whole text: always looked for.
    for pattern in (r"^note$", r"(?<!\s)x", r"end\b", r"(?>a+)b", r"a*+b"):
        assert rules(pattern).may_cut_inline("nothing of it here")
