"""The report digest on the bundled corpus; expected values read from the five articles.

000 (27 Nov 2025) announces China Rare Earth Group's recycling agreement with China Resources
Recycling; 001 (undated) reviews China's 2025: export controls on samarium, terbium and dysprosium,
"some measures are suspended until late 2026" (in a highlight and again in the body); 002
(undated) says China produces "over 60%" of rare earths and refines "more than 85%" (highlight and
body); 003 (23 May 2025) is about ASEAN partnerships; 004 (undated) a Baogang/CREIA meeting. Rare
Earth Exchanges publishes them all and writes itself into 002 and 003.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reex_research import digest

AS_OF = dt.date(2026, 11, 23)


def test_health_is_one_line_with_the_dated_and_undated_articles(corpus):
    line = digest.health_line(corpus)
    assert line.startswith("5 articles (2 dated, 3 undated), ")
    assert line.endswith("0 problems")


def test_the_late_2026_suspension_comes_due_once_from_one_article(corpus, article_id):
    due = digest.due_soon(corpus, AS_OF)
    assert due["when"].tolist() == ["2026-09 … 2026-12"]
    assert due.loc[0, "articles"] == 1
    assert due.loc[0, "sources"].startswith("In 2025, China imposed sweeping export")
    assert "late 2026" in due.loc[0, "clause"]


def test_recycling_rises_and_asean_diplomacy_falls_between_the_two_dated_months(corpus):
    trends = digest.theme_trends(corpus.themes, corpus.articles)
    assert (trends.loc[0, "latest"], trends.loc[0, "previous"]) == ("2025-11", "2025-05")
    assert (trends.loc[0, "articles_latest"], trends.loc[0, "articles_previous"]) == (1, 1)
    assert set(trends["trust"]) == {"too few articles"}
    rising, falling = digest.rising_and_falling(trends)
    assert rising.loc[0, "theme"] == "Recycling and circular supply"
    assert falling.loc[0, "theme"] == "Overseas expansion and resource diplomacy"


def test_china_is_the_most_named_actor_and_the_publisher_is_not_an_actor(corpus):
    top = digest.top_actors(corpus)
    assert top.loc[0, "name"] == "China" and top.loc[0, "articles"] == 5
    assert "Rare Earth Exchanges" not in set(digest.top_actors(corpus, n=1000)["name"])


def test_the_controlled_elements_are_ranked_as_materials(corpus):
    materials = set(digest.top_actors(corpus, n=50, types=("material",))["name"])
    assert {"Samarium", "Terbium", "Dysprosium"} <= materials


def test_china_resources_recycling_is_new_in_the_latest_month(corpus):
    new = digest.new_actors(corpus)
    assert "China Resources Recycling Group" in set(new["name"])
    assert "China" not in set(new["name"])  # named in the May article too


def test_the_60_and_85_percent_shares_are_headline_figures(corpus):
    figures = digest.headline_figures(corpus).set_index("measure")
    assert figures.loc["global production", "values"] == "60"
    assert figures.loc["global refining", "values"] == "85"


def test_changes_since_an_earlier_report_name_the_new_article_and_its_actors(corpus, article_id):
    now = digest.report_state(corpus, AS_OF)
    before = digest.ReportState(
        articles=now.articles[now.articles["article_id"] != article_id("000")],
        actors=now.actors[now.actors["name"] != "China Resources Recycling Group"],
        deadlines=now.deadlines.iloc[0:0],
        themes=now.themes.assign(mean_score=0.0),
    )
    changes = digest.changes_since(before, now)
    assert changes["new_articles"]["label"].tolist() == [
        "China Rare Earth & China Resources… · 2025-11-27"]
    assert changes["new_actors"]["name"].tolist() == ["China Resources Recycling Group"]
    assert changes["new_deadlines"]["when"].tolist() == ["2026-09 … 2026-12"]
    counts = dict(zip(changes["counts"]["what"], changes["counts"]["count"]))
    assert counts["new articles"] == 1 and counts["new actors"] == 1


def test_a_state_reads_back_as_written(corpus, tmp_path):
    state = digest.report_state(corpus, AS_OF)
    state.write(tmp_path)
    again = digest.ReportState.read(tmp_path)
    pd.testing.assert_frame_equal(again.articles, state.articles.astype(str))
    assert again.deadlines["when"].tolist() == state.deadlines["when"].tolist()
