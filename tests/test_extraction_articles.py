"""Extraction on the bundled articles: expected values read from the articles by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest


def _rows(frame: pd.DataFrame, article_id: str) -> pd.DataFrame:
    return frame[frame["article_id"] == article_id]


def _day(value) -> dt.date:
    return pd.Timestamp(value).date()


# --- mentions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "entities"),
    [
        ("000", {"china_rare_earth_group", "china_resources_recycling_group", "asian_metal", "beijing",
                 "united_states", "european_union", "japan", "india"}),
        ("001", {"creia", "shenghe_resources", "tanzania", "ngualla", "jl_mag", "mexico", "baotou",
                 "inner_mongolia", "china_northern_rare_earth", "shanghai_stock_exchange", "samarium",
                 "terbium", "dysprosium", "lutetium", "scandium", "yttrium"}),
        ("002", {"baogang_group", "china_northern_rare_earth", "ndfeb_magnets", "united_states", "europe"}),
        ("003", {"china_rare_earth_group", "liu_leiyun", "chen_gang", "nanning", "guangxi", "laos",
                 "malaysia", "vietnam", "asean", "southeast_asia", "rare_earth_exchanges"}),
        ("004", {"baogang_group", "creia", "united_states", "european_union"}),
    ],
)
def test_actors_and_materials_each_article_names(corpus, article_id, prefix, entities):
    found = set(_rows(corpus.mentions, article_id(prefix))["entity_id"])
    assert entities <= found


def test_longest_match_wins_over_country_names(corpus, article_id):
    mentions = _rows(corpus.mentions, article_id("003"))
    creg = mentions[mentions["surface"] == "China Rare Earth Group"]
    assert len(creg) >= 3 and set(creg["entity_id"]) == {"china_rare_earth_group"}
    china_starts = set(mentions.loc[mentions["entity_id"] == "china", "start"])
    assert not china_starts & set(creg["start"])  # no stray "China" inside the group's name


def test_acronyms_and_possessives_resolve(corpus, article_id):
    m002 = _rows(corpus.mentions, article_id("002"))
    assert {"CNRE", "China Northern Rare Earth"} <= set(m002.loc[m002["entity_id"] == "china_northern_rare_earth", "surface"])
    m003 = _rows(corpus.mentions, article_id("003"))
    assert "CREG" in set(m003.loc[m003["entity_id"] == "china_rare_earth_group", "surface"])  # "CREG’s" too
    assert m003["surface"].eq("CREG").sum() >= 5


def test_people_are_typed_as_people(corpus, article_id):
    m = _rows(corpus.mentions, article_id("003"))
    people = m[m["entity_type"] == "person"]
    assert set(people["surface"]) == {"Liu Leiyun", "Chen Gang"}


def test_every_derived_row_points_at_its_sentence_with_exact_offsets(corpus):
    texts = corpus.articles.set_index("article_id")["text"]
    sentences = corpus.sentences.set_index("sentence_id")
    for table in ("mentions", "events", "figures", "theme_hits"):
        frame = corpus.frames[table]
        assert len(frame) > 0
        for row in frame.itertuples():
            sentence = sentences.loc[row.sentence_id]
            assert sentence["article_id"] == row.article_id
            assert sentence["start"] <= row.start < row.end <= sentence["end"]
            surface = row.term if table == "theme_hits" else row.surface
            if table != "theme_hits":
                assert texts[row.article_id][row.start:row.end] == surface


# --- relations and candidates ---------------------------------------------------------------


def test_relations_pair_actors_in_one_sentence(corpus, article_id):
    rel = _rows(corpus.relations, article_id("001"))
    pairs = set(zip(rel["source_id"], rel["target_id"]))
    assert ("shenghe_resources", "tanzania") in pairs
    assert ("jl_mag", "mexico") in pairs
    rel004 = _rows(corpus.relations, article_id("004"))
    assert ("baogang_group", "creia") in set(zip(rel004["source_id"], rel004["target_id"]))
    pairs = corpus.relations[corpus.relations["kind"] == "cooccurs"]
    assert (pairs["source_id"] < pairs["target_id"]).all()


def test_verb_relations_read_from_the_articles(corpus, article_id):
    verbs = corpus.relations[corpus.relations["kind"] != "cooccurs"]
    found = set(zip(verbs["article_id"], verbs["source_id"], verbs["kind"], verbs["target_id"]))
    # 001: "Shenghe Resources gained control of Tanzania's Ngualla rare-earth project"
    assert (article_id("001"), "shenghe_resources", "acquires", "ngualla") in found
    # 000: "China Rare Earth Group and China Resources Recycling Group have signed a broad cooperation agreement"
    assert (article_id("000"), "china_rare_earth_group", "partners_with", "china_resources_recycling_group") in found
    # 004: "Baogang Group … hosted the president … of the China Rare Earth Industry Association"
    assert (article_id("004"), "baogang_group", "meets", "creia") in found


def test_unknown_actors_become_candidates_with_evidence(corpus):
    candidates = corpus.candidates.set_index("name")
    assert "Belt and Road Initiative" in candidates.index
    row = candidates.loc["Belt and Road Initiative"]
    assert "Belt and Road Initiative (BRI)" in row["example_sentence"]


# --- events ---------------------------------------------------------------------------------


def test_001_late_2026_is_an_interval_that_is_still_to_come(corpus, article_id):
    events = _rows(corpus.events, article_id("001"))
    late = events[events["surface"] == "late 2026"]
    assert len(late) == 2  # in the highlight and in the body
    assert {_day(v) for v in late["date_start"]} == {dt.date(2026, 9, 1)}
    assert {_day(v) for v in late["date_end"]} == {dt.date(2026, 12, 31)}
    assert set(late["precision"]) == {"half"} and late["is_future"].all()
    mid = events[events["surface"] == "mid-2025"].iloc[0]
    assert mid["precision"] != "day" and _day(mid["date_start"]) < dt.date(2025, 7, 1) < _day(mid["date_end"])
    assert not mid["is_future"]


def test_002_table_dates_are_months(corpus, article_id):
    events = _rows(corpus.events, article_id("002")).set_index("surface")
    october = events.loc["October 2024"]
    assert october["precision"] == "month"
    assert (_day(october["date_start"]), _day(october["date_end"])) == (dt.date(2024, 10, 1), dt.date(2024, 10, 31))
    assert events.loc["February 2025", "precision"] == "month"
    assert "8000" not in " ".join(events.index)  # "8000-Ton" is a figure, not a year


def test_003_conference_day_with_its_actors(corpus, article_id):
    events = _rows(corpus.events, article_id("003"))
    day = events[events["surface"] == "May 22, 2025"].iloc[0]
    assert day["precision"] == "day" and day["date_source"] == "text"
    assert _day(day["date_start"]) == _day(day["date_end"]) == dt.date(2025, 5, 22)
    assert {"Nanning", "Guangxi"} <= set(day["actors"].split("; "))
    founded = events[(events["surface"] == "2021")].iloc[0]
    assert founded["precision"] == "year" and "China Rare Earth Group" in founded["actors"]


def test_004_november_17_has_no_year_to_take(corpus, article_id):
    # 004 carries no publication date, so "November 17" cannot take a year: no date is invented.
    assert _rows(corpus.events, article_id("004")).empty


def test_dateline_is_metadata_not_an_event(corpus, article_id):
    assert "Nov 27, 2025" not in set(_rows(corpus.events, article_id("000"))["surface"])


# --- figures --------------------------------------------------------------------------------


def test_002_shares_and_tonnages(corpus, article_id):
    figures = _rows(corpus.figures, article_id("002"))
    percent = figures[figures["unit"] == "percent"]
    assert sorted(percent["value"]) == [60.0, 60.0, 85.0, 85.0]
    body60 = percent[percent["surface"] == "over 60%"]
    assert set(body60["qualifier"]) == {"over"}
    assert (percent[percent["surface"] == "more than 85%"]["qualifier"] == "more than").all()
    tonnes = figures[figures["unit"] == "tonnes"].set_index("value")
    assert sorted(tonnes.index) == [2000.0, 3000.0, 8000.0]
    assert "recycling facility" in tonnes.loc[2000.0, "measure"]
    assert "separation line" in tonnes.loc[3000.0, "measure"]


def test_001_more_than_fifteen_percent(corpus, article_id):
    figures = _rows(corpus.figures, article_id("001"))
    row = figures[figures["unit"] == "percent"].iloc[0]
    assert (row["value"], row["qualifier"], row["surface"]) == (15.0, "more than", "more than 15%")
    assert "capacity" in row["measure"]


def test_years_and_dates_are_not_figures(corpus):
    values = set(corpus.figures["value"])
    assert not values & {2021.0, 2024.0, 2025.0, 2026.0, 22.0, 17.0}


def test_figures_are_claimed_by_the_sentence_or_else_the_article_source(tmp_path):
    import reex_research as rr

    (tmp_path / "a.txt").write_text(
        "Magnet Prices Climb\n\nMarch 3, 2025\n\n"
        "Prices of NdFeB magnets rose 12% in February, according to Adamas Intelligence. "
        "China exported 5,000 tonnes of magnets in January.\n\n"
        "Source: Xinhua | March 3, 2025\n", encoding="utf-8")
    figures = rr.load_corpus(tmp_path, as_of="2026-11-23").figures.set_index("surface")
    assert figures.loc["12%", ["claimed_by", "claim_source"]].tolist() == ["Adamas Intelligence", "sentence"]
    assert figures.loc["5,000 tonnes", ["claimed_by", "claim_source"]].tolist() == ["Xinhua", "article"]
