"""The notebook aggregates, on tiny hand-made tables; every expected value is worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reex_research import analysis as ra
from reex_research.schema import frame

# ------------------------------------------------------------------------------ tiny corpus
# Three articles: "alpha" (dated 2025-05-02), "beta" (dated 2025-05-20, state media) and a JSONL
# line "feed.jsonl:3" without a date or title. Articles are labelled by title (else headline) and date.
ALPHA, BETA, FEED = "Alpha <b>title</b> · 2025-05-02", "Beta · 2025-05-20", "Gamma headline · no date"


def _article(article_id, file, *, line=None, title=None, headline=None, published=None, state=False,
             disclaimer=None, source=None, repairs=0, repair_kinds=None, n_sentences=2, title_source="text",
             published_source="text"):
    return {
        "article_id": article_id, "file": file, "line": line, "format": "txt", "encoding": "utf-8",
        "title": title, "title_source": title_source, "headline": headline, "published": published,
        "published_source": published_source if published else None, "author": None, "url": None,
        "source": source, "publisher": None, "disclaimer": disclaimer, "is_state_media_sourced": state,
        "repairs": repairs, "repair_kinds": repair_kinds, "n_highlights": 0, "n_paragraphs": 1,
        "n_sentences": n_sentences, "n_boilerplate": 0, "n_chars": 100, "text": "",
    }


ARTICLES = frame("articles", [
    _article("a1", "alpha.txt", title="Alpha <b>title</b>", published="2025-05-02", repairs=5,
             repair_kinds="cp874_sequence:2;cp874_inferred:3"),
    _article("b2", "sub/beta.md", title="Beta", published="2025-05-20", state=True, source="Xinhua"),
    _article("c3", "feed.jsonl", line=3, headline="Gamma headline", title_source="headline_fallback",
             n_sentences=1),
])

SENTENCES = frame("sentences", [
    {"article_id": "a1", "sentence_id": "a1:s0", "paragraph_id": "a1:p0", "position": 0, "block": "title",
     "start": 0, "end": 10, "text": "Alpha <b>title</b>"},
    {"article_id": "a1", "sentence_id": "a1:s1", "paragraph_id": "a1:p1", "position": 1, "block": "paragraph",
     "start": 11, "end": 60, "text": "Lynas and China met in Malaysia; quotas and export controls."},
    {"article_id": "b2", "sentence_id": "b2:s0", "paragraph_id": "b2:p0", "position": 0, "block": "title",
     "start": 0, "end": 4, "text": "Beta"},
    {"article_id": "b2", "sentence_id": "b2:s1", "paragraph_id": "b2:p1", "position": 1, "block": "paragraph",
     "start": 5, "end": 40, "text": "China and Lynas signed; recycling grows."},
    {"article_id": "c3", "sentence_id": "c3:s0", "paragraph_id": "c3:p0", "position": 0, "block": "paragraph",
     "start": 0, "end": 30, "text": "Export controls, export licences."},
])

ENTITIES = frame("entities", [
    {"entity_id": "lynas", "name": "Lynas Rare Earths", "type": "organisation", "subtype": "company",
     "country": "AU", "parent_id": None, "aliases": "Lynas"},
    {"entity_id": "china", "name": "China", "type": "place", "subtype": "country", "country": "CN",
     "parent_id": None, "aliases": ""},
    {"entity_id": "malaysia", "name": "Malaysia", "type": "place", "subtype": "country", "country": "MY",
     "parent_id": None, "aliases": ""},
    {"entity_id": "ndpr", "name": "NdPr oxide", "type": "material", "subtype": "oxide", "country": None,
     "parent_id": None, "aliases": ""},
])


def _mention(article_id, sentence_id, entity_id, entity_type, surface, start):
    return {"article_id": article_id, "sentence_id": sentence_id, "entity_id": entity_id,
            "entity_type": entity_type, "surface": surface, "start": start, "end": start + len(surface)}


MENTIONS = frame("mentions", [
    _mention("a1", "a1:s1", "lynas", "organisation", "Lynas", 11),
    _mention("a1", "a1:s1", "china", "place", "China", 21),
    _mention("a1", "a1:s1", "malaysia", "place", "Malaysia", 33),
    _mention("b2", "b2:s1", "china", "place", "China", 5),
    _mention("b2", "b2:s1", "lynas", "organisation", "Lynas", 15),
    _mention("b2", "b2:s1", "ndpr", "material", "NdPr", 30),
    _mention("c3", "c3:s0", "china", "place", "China", 0),
])

COOCCURS = {"kind": "cooccurs", "verb": None, "negated": False, "hedged": False, "start": None, "end": None}
RELATIONS = frame("relations", [
    {"article_id": "a1", "sentence_id": "a1:s1", "source_id": "china", "target_id": "lynas",
     "source_type": "place", "target_type": "organisation", **COOCCURS},
    {"article_id": "a1", "sentence_id": "a1:s1", "source_id": "china", "target_id": "malaysia",
     "source_type": "place", "target_type": "place", **COOCCURS},
    {"article_id": "a1", "sentence_id": "a1:s1", "source_id": "lynas", "target_id": "malaysia",
     "source_type": "organisation", "target_type": "place", **COOCCURS},
    {"article_id": "b2", "sentence_id": "b2:s1", "source_id": "china", "target_id": "lynas",
     "source_type": "place", "target_type": "organisation", **COOCCURS},
    # "Lynas and China met in Malaysia": a verb relation, not counted as co-occurrence
    {"article_id": "a1", "sentence_id": "a1:s1", "source_id": "lynas", "target_id": "china",
     "source_type": "organisation", "target_type": "place", "kind": "meets", "verb": "met", "negated": False,
     "hedged": False, "start": 21, "end": 24},
])

THEMES = frame("themes", [
    {"article_id": "a1", "theme_id": "export_controls", "theme": "Export controls", "hits": 1, "score": 40.0},
    {"article_id": "a1", "theme_id": "quotas", "theme": "Quotas", "hits": 1, "score": 40.0},
    {"article_id": "b2", "theme_id": "recycling", "theme": "Recycling", "hits": 1, "score": 50.0},
    {"article_id": "c3", "theme_id": "export_controls", "theme": "Export controls", "hits": 2, "score": 100.0},
])


def _hit(article_id, sentence_id, theme_id, term, start):
    return {"article_id": article_id, "sentence_id": sentence_id, "theme_id": theme_id, "term": term,
            "start": start, "end": start + len(term)}


THEME_HITS = frame("theme_hits", [
    _hit("a1", "a1:s1", "quotas", "quotas", 44),
    _hit("a1", "a1:s1", "export_controls", "export controls", 55),
    _hit("b2", "b2:s1", "recycling", "recycling", 24),
    _hit("c3", "c3:s0", "export_controls", "Export controls", 0),
    _hit("c3", "c3:s0", "export_controls", "export licences", 17),
])


# ------------------------------------------------------------------------------------ articles


def test_labels_are_title_or_headline_and_date():
    assert ra.article_labels(ARTICLES).to_dict() == {"a1": ALPHA, "b2": BETA, "c3": FEED}


def test_a_long_title_is_cut_at_a_word_and_only_an_untitled_article_is_named_by_its_file():
    articles = frame("articles", [
        _article("x", "a/report.txt", title="China Rare Earth Group Deepens ASEAN Partnerships at 2025 "
                 "China-ASEAN Mining Cooperation Conference", published="2025-05-23"),
        _article("y", "feed.jsonl", line=4),
    ])
    assert ra.article_labels(articles).tolist() == ["China Rare Earth Group Deepens ASEAN… · 2025-05-23",
                                                   "feed:4 · no date"]


def test_same_title_twice_gets_a_distinct_label():
    twins = frame("articles", [_article("x", "a/report.txt", title="Report"),
                               _article("y", "b/report.txt", title="Report")])
    assert ra.article_labels(twins).tolist() == ["Report · no date", "Report · no date ~2"]


def test_index_lists_dated_articles_first_and_says_no_date():
    index = ra.article_index(ARTICLES)
    assert index["label"].tolist() == [ALPHA, BETA, FEED]
    assert index["published"].tolist() == ["2025-05-02", "2025-05-20", "no date"]
    assert index["title"].tolist() == ["Alpha <b>title</b>", "Beta", "Gamma headline"]


def test_health_summary_counts_by_hand():
    boilerplate = frame("boilerplate", [
        {"article_id": "a1", "file": "alpha.txt", "line": 9, "rule": "copyright", "kind": "copyright",
         "text": "© 2025"},
    ])
    summary = dict(zip(*ra.health_summary(ARTICLES, boilerplate, frame("problems", [])).T.values))
    assert summary["articles"] == 3
    assert summary["articles without a title (headline shown)"] == 1
    assert summary["articles without a publication date"] == 1
    assert summary["articles flagged as state-media sourced"] == 1
    assert summary["text repairs"] == 5
    assert summary["sentences"] == 5
    assert summary["boilerplate lines removed"] == 1


def test_overview_names_how_title_and_date_were_obtained():
    overview = ra.article_overview(ARTICLES).set_index("label")
    assert overview.loc[FEED, "title_source"] == "headline_fallback"
    assert overview.loc[FEED, "published_source"] == "missing"
    assert overview.loc[ALPHA, "published_source"] == "text"
    assert list(overview.index) == [BETA, ALPHA, FEED]  # latest first, undated last


def test_how_titles_and_dates_were_obtained_is_counted():
    assert ra.how_obtained(ARTICLES).values.tolist() == [
        ["title", "text", 2], ["title", "headline_fallback", 1],
        ["publication date", "text", 2], ["publication date", "missing", 1]]


def test_inferred_and_missing_publication_dates_are_listed_with_their_reason():
    articles = frame("articles", [
        *(_article(a["article_id"], a["file"], title=a["title"], published=a["published"])
          for a in ARTICLES.astype("object").where(ARTICLES.notna(), None).to_dict("records")),
        _article("d4", "wire.txt", title="Wire", published="2025-10-09",
                 published_source="inferred_year: weekday"),
        _article("e5", "older.txt", title="Older", published="2024-03-01",
                 published_source="inferred_year: text dates"),
        {**_article("f6", "kyodo.txt", title="Kyodo"), "published_source": "missing: dateline without year"},
    ])
    assert ra.inferred_publication_dates(articles).values.tolist() == [
        ["Wire · 2025-10-09", "2025-10-09", "inferred_year: weekday"],
        ["Older · 2024-03-01", "2024-03-01", "inferred_year: text dates"],
        ["Kyodo · no date", "no date", "missing: dateline without year"],
    ]
    assert ra.inferred_publication_dates(ARTICLES).empty


def test_repairs_are_split_by_kind_most_first():
    repairs = ra.repairs_by_article(ARTICLES)
    assert repairs.values.tolist() == [[ALPHA, "cp874_inferred", 3], [ALPHA, "cp874_sequence", 2]]
    assert ra.repairs_by_kind(ARTICLES).values.tolist() == [["cp874_inferred", 3, 1], ["cp874_sequence", 2, 1]]


def test_boilerplate_by_kind_counts_lines_articles_and_rules():
    boilerplate = frame("boilerplate", [
        {"article_id": "a1", "file": "alpha.txt", "line": 8, "rule": "comment_form", "kind": "comments", "text": "Reply"},
        {"article_id": "b2", "file": "beta.md", "line": 3, "rule": "comment_count", "kind": "comments", "text": "0 Comments"},
        {"article_id": "b2", "file": "beta.md", "line": 5, "rule": "copyright", "kind": "copyright", "text": "© 2025"},
    ])
    table = ra.boilerplate_by_kind(boilerplate)
    assert table.values.tolist() == [
        ["comments", 2, 2, "comment_count, comment_form", "Reply"],
        ["copyright", 1, 1, "copyright", "© 2025"],
    ]


def test_state_media_evidence_is_the_disclaimer_else_the_source():
    flagged = ra.state_media(ARTICLES)
    assert flagged[["label", "evidence"]].values.tolist() == [[BETA, "Xinhua"]]


# -------------------------------------------------------------------------------------- themes


def test_theme_matrix_has_every_article_and_zero_where_absent():
    matrix = ra.theme_matrix(THEMES, ARTICLES)
    assert matrix.columns.tolist() == [ALPHA, BETA, FEED]
    # totals: Export controls 140, Recycling 50, Quotas 40
    assert matrix.index.tolist() == ["Export controls", "Recycling", "Quotas"]
    assert matrix.loc["Export controls"].tolist() == [40.0, 0.0, 100.0]
    assert matrix.loc["Quotas", BETA] == 0.0


def test_theme_matrix_select_by_id_or_label():
    assert ra.theme_matrix(THEMES, ARTICLES, select=["recycling", "Quotas"]).index.tolist() == ["Recycling", "Quotas"]


def test_theme_strength_averages_over_every_article_of_the_month_and_keeps_undated():
    strength = ra.theme_strength_over_time(THEMES, ARTICLES)
    rows = {(r.month, r.theme_id): (r.articles, r.of_articles, r.mean_score) for r in strength.itertuples()}
    # May 2025 has two articles (alpha, beta): export controls 40 in alpha only -> 20.0
    assert rows[("2025-05", "export_controls")] == (1, 2, 20.0)
    assert rows[("2025-05", "recycling")] == (1, 2, 25.0)
    assert rows[("no date", "export_controls")] == (1, 1, 100.0)
    assert rows[("no date", "quotas")] == (0, 1, 0.0)
    assert strength["month"].tolist()[-1] == "no date"
    assert len(strength) == 6  # 2 months x 3 themes


def test_undated_articles_are_named():
    assert ra.undated_articles(ARTICLES).values.tolist() == [[FEED, "Gamma headline"]]


def test_top_sentences_rank_by_distinct_terms():
    top = ra.top_theme_sentences(THEME_HITS, SENTENCES, ARTICLES, THEMES, per_theme=1)
    rows = top.set_index("theme")
    # export controls: c3:s0 has two distinct terms, a1:s1 one
    assert rows.loc["Export controls", "label"] == FEED
    assert rows.loc["Export controls", "terms"] == "export controls, export licences"
    assert rows.loc["Export controls", "sentence"] == "Export controls, export licences."
    assert top["theme"].tolist() == ["Export controls", "Quotas", "Recycling"]


# -------------------------------------------------------------------------------------- actors


def test_actor_counts_by_type_leave_out_materials():
    counts = ra.actor_counts(MENTIONS, ENTITIES)
    assert counts[["entity_id", "type", "mentions", "articles", "sentences"]].values.tolist() == [
        ["lynas", "organisation", 2, 2, 2],
        ["china", "place", 3, 3, 3],
        ["malaysia", "place", 1, 1, 1],
    ]
    assert counts["name"].tolist() == ["Lynas Rare Earths", "China", "Malaysia"]


def test_actor_counts_min_mentions_per_type_and_select_by_name():
    assert ra.actor_counts(MENTIONS, ENTITIES, min_mentions=2)["entity_id"].tolist() == ["lynas", "china"]
    assert ra.actor_counts(MENTIONS, ENTITIES, per_type=1)["entity_id"].tolist() == ["lynas", "china"]
    assert ra.actor_counts(MENTIONS, ENTITIES, select=["Malaysia"])["entity_id"].tolist() == ["malaysia"]


def test_most_mentioned_orders_across_types():
    counts = ra.actor_counts(MENTIONS, ENTITIES)
    assert ra.most_mentioned(counts, n=2) == ["china", "lynas"]


def test_cooccurrence_weight_is_distinct_sentences_with_an_example():
    edges = ra.cooccurrence(RELATIONS, ENTITIES, SENTENCES)
    assert edges[["source", "target", "weight", "articles"]].values.tolist() == [
        ["China", "Lynas Rare Earths", 2, 2],
        ["China", "Malaysia", 1, 1],
        ["Lynas Rare Earths", "Malaysia", 1, 1],
    ]
    assert edges.loc[0, "example"] == "Lynas and China met in Malaysia; quotas and export controls."


def test_cooccurrence_keep_and_min_weight():
    assert len(ra.cooccurrence(RELATIONS, ENTITIES, SENTENCES, keep=["china", "lynas"])) == 1
    assert len(ra.cooccurrence(RELATIONS, ENTITIES, SENTENCES, min_weight=2)) == 1
    assert len(ra.cooccurrence(RELATIONS, ENTITIES, SENTENCES, select=["malaysia"])) == 2


def test_actor_sentences_follow_the_requested_order():
    rows = ra.actor_sentences(MENTIONS, SENTENCES, ARTICLES, ENTITIES, actors=["malaysia", "lynas"], per_actor=1)
    assert rows.values.tolist() == [
        ["Malaysia", ALPHA, "Malaysia", "Lynas and China met in Malaysia; quotas and export controls."],
        ["Lynas Rare Earths", ALPHA, "Lynas", "Lynas and China met in Malaysia; quotas and export controls."],
    ]


def test_kb_candidates_sorted_by_count_then_name():
    candidates = frame("candidates", [
        {"name": "Nguala", "count": 2, "n_articles": 1, "example_article_id": "a1",
         "example_sentence_id": "a1:s1", "example_sentence": "Nguala grows."},
        {"name": "Arafura", "count": 2, "n_articles": 2, "example_article_id": "a1",
         "example_sentence_id": "a1:s1", "example_sentence": "Arafura too."},
        {"name": "Zed", "count": 1, "n_articles": 1, "example_article_id": "a1",
         "example_sentence_id": "a1:s1", "example_sentence": "Zed."},
    ])
    assert ra.kb_candidates(candidates, min_count=2)["name"].tolist() == ["Arafura", "Nguala"]


# ------------------------------------------------------------------------------------ timeline


def _event(sentence_id, surface, start, end, precision, *, future=False, actors=None, source="text"):
    return {"article_id": sentence_id.split(":")[0], "sentence_id": sentence_id, "surface": surface,
            "start": 0, "end": len(surface), "date_start": start, "date_end": end, "precision": precision,
            "date_source": source, "is_future": future, "actors": actors}


EVENTS = frame("events", [
    _event("a1:s1", "mid-2027", "2027-04-01", "2027-09-30", "half", future=True, actors="Lynas Rare Earths; Malaysia"),
    _event("a1:s1", "May 22, 2025", "2025-05-22", "2025-05-22", "day", actors="China"),
    _event("b2:s1", "late 2026", "2026-09-01", "2026-12-31", "half", future=True),
    _event("b2:s1", "in May", "2025-05-01", "2025-05-31", "month", source="inferred_year"),
])


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2025-05-22", "2025-05-22", "day", "2025-05-22"),
        ("2025-05-22", "2025-05-23", "day", "2025-05-22 … 2025-05-23"),
        ("2025-05-01", "2025-05-31", "month", "2025-05"),
        ("2025-07-01", "2025-09-30", "quarter", "2025-Q3"),
        ("2025-07-01", "2025-12-31", "half", "2025-H2"),
        ("2025-04-01", "2025-09-30", "half", "2025-04 … 2025-09"),
        ("2025-01-01", "2025-12-31", "year", "2025"),
        ("2025-01-01", "2027-12-31", "year", "2025–2027"),
        ("2025-05-11", "2025-05-20", "month", "2025-05-11 … 2025-05-20"),
        (None, None, "day", "no date"),
    ],
)
def test_intervals_are_written_in_the_unit_they_were_stated(start, end, precision, expected):
    assert ra.format_interval(pd.Timestamp(start) if start else pd.NaT,
                              pd.Timestamp(end) if end else pd.NaT, precision) == expected


def test_timeline_is_in_date_order_with_its_sentence():
    timeline = ra.timeline_frame(EVENTS, SENTENCES, ARTICLES)
    assert timeline["when"].tolist() == ["2025-05", "2025-05-22", "2026-09 … 2026-12", "2027-04 … 2027-09"]
    assert timeline["date_source"].tolist() == ["inferred_year", "text", "text", "text"]
    assert timeline.loc[1, "sentence"] == "Lynas and China met in Malaysia; quotas and export controls."


def test_timeline_select_by_entity_id_matches_actor_names():
    timeline = ra.timeline_frame(EVENTS, SENTENCES, ARTICLES, select=["lynas"], entities=ENTITIES)
    assert timeline["surface"].tolist() == ["mid-2027"]


def test_timeline_rows_merge_repeats():
    events = frame("events", [EVENTS.iloc[0].to_dict(), EVENTS.iloc[0].to_dict()])
    rows = ra.timeline_rows(ra.timeline_frame(events, SENTENCES, ARTICLES))
    assert rows[["event", "mentions"]].values.tolist() == [[f"mid-2027 · {ALPHA} ×2", 2]]


def test_due_next_counts_days_to_the_start_and_keeps_events_under_way():
    due = ra.due_next(ra.timeline_frame(EVENTS, SENTENCES, ARTICLES), dt.date(2026, 11, 23))
    # late 2026 began on 2026-09-01 (83 days before); mid-2027 starts 2027-04-01 (129 days after)
    assert due[["when", "days_from_as_of", "articles", "statements"]].values.tolist() == [
        ["2026-09 … 2026-12", -83, 1, 1], ["2027-04 … 2027-09", 129, 1, 1]]


def test_events_by_precision_counts_future_ones():
    counts = ra.events_by_precision(ra.timeline_frame(EVENTS, SENTENCES, ARTICLES))
    assert counts.values.tolist() == [["day", 1, 0], ["month", 1, 0], ["quarter", 0, 0], ["half", 2, 2],
                                      ["year", 0, 0]]


# ------------------------------------------------------------------------------------- figures


def _figure(sentence_id, surface, value, unit, *, currency="", scale="", qualifier="", measure="",
            claimed_by="", start=0):
    return {"article_id": sentence_id.split(":")[0], "sentence_id": sentence_id, "surface": surface,
            "start": start, "end": start + len(surface), "value": value, "unit": unit, "currency": currency,
            "scale": scale, "qualifier": qualifier, "measure": measure, "claimed_by": claimed_by,
            "claim_source": "sentence" if claimed_by else ""}


FIGURES = frame("figures", [
    # alpha says 90% twice (highlight and body) and a range of 60–70% for magnets
    _figure("a1:s0", "about 90%", 90.0, "percent", qualifier="about", measure="global refining",
            claimed_by="IEA", start=3),
    _figure("a1:s1", "about 90%", 90.0, "percent", qualifier="about", measure="the global refining",
            claimed_by="IEA", start=20),
    _figure("a1:s1", "60–70%", 60.0, "percent", qualifier="from", measure="magnet output", start=40),
    _figure("a1:s1", "60–70%", 70.0, "percent", qualifier="to", measure="magnet output", start=40),
    # beta says 85% of world's refining, and $1.2 billion of investment
    _figure("b2:s1", "85%", 85.0, "percent", measure="world’s refining", claimed_by="Reuters", start=5),
    _figure("b2:s1", "$1.2 billion", 1.2e9, "currency", currency="USD", scale="billion", measure="investment",
            start=30),
    # the undated feed agrees with alpha about magnet output
    _figure("c3:s0", "60–70%", 60.0, "percent", qualifier="from", measure="Magnet output", start=2),
    _figure("c3:s0", "60–70%", 70.0, "percent", qualifier="to", measure="Magnet output", start=2),
])


def test_measure_key_ignores_generic_words_case_and_apostrophes():
    assert ra.measure_key("the World’s rare-earth refining") == "refining"
    assert ra.measure_key("global refining") == "refining"
    assert ra.measure_key(None) == ""


@pytest.mark.parametrize(("value", "text"), [(1500.0, "1,500"), (1.2e9, "1,200,000,000"), (2.5, "2.5"),
                                             (0.125, "0.125"), (None, "")])
def test_numbers_are_written_plainly(value, text):
    assert ra.format_number(value) == text


def test_figures_table_reads_units_and_marks_unattributed():
    table = ra.figures_table(FIGURES, SENTENCES, ARTICLES)
    usd = table[table["surface"] == "$1.2 billion"].iloc[0]
    assert (usd["unit"], usd["value"], usd["claimed_by"]) == ("USD", "1,200,000,000", "(unattributed)")
    assert usd["sentence"] == "China and Lynas signed; recycling grows."


def test_a_range_is_one_claim():
    claims = ra.figure_claims(FIGURES)
    magnets = claims[claims["measure_key"] == "magnet output"]
    assert magnets[["low", "high", "qualifier"]].values.tolist() == [[60.0, 70.0, ""], [60.0, 70.0, ""]]
    assert len(claims) == 6


def test_comparisons_put_conflicts_first_and_count_a_repeat_once():
    comparisons = ra.figure_comparisons(FIGURES, SENTENCES, ARTICLES)
    assert comparisons[["group", "status", "value", "claimant", "label"]].values.tolist() == [
        [1, "conflict", "85", "Reuters", BETA],
        [1, "conflict", "90", "IEA", ALPHA],
        [2, "agree", "60–70", "(unattributed)", ALPHA],
        [2, "agree", "60–70", "(unattributed)", FEED],
    ]
    assert comparisons.loc[0, "measure"] == "global refining"  # first stated, by article label
    assert comparisons.loc[0, "unit"] == "percent"
    assert ra.figure_conflicts(FIGURES, SENTENCES, ARTICLES)["group"].tolist() == [1, 1]


def test_figures_by_unit():
    assert ra.figures_by_unit(FIGURES).values.tolist() == [["percent", 7, 3], ["USD", 1, 1]]


def test_empty_tables_give_empty_frames_with_columns():
    assert ra.figure_comparisons(frame("figures", []), SENTENCES, ARTICLES).empty
    assert ra.actor_counts(frame("mentions", []), ENTITIES).columns.tolist()[:2] == ["entity_id", "name"]
    assert ra.timeline_frame(frame("events", []), SENTENCES, ARTICLES).empty
    assert ra.theme_matrix(frame("themes", []), ARTICLES).shape == (0, 3)


# ------------------------------------------------------------------------ report-level aggregates


def test_what_comes_due_lists_a_fact_stated_twice_once_with_both_statements():
    # beta states "late 2026" in its body and again in a second sentence of the same article
    repeated = frame("events", [EVENTS.iloc[2].to_dict(), {**EVENTS.iloc[2].to_dict(), "sentence_id": "b2:s0"}])
    due = ra.due_next(ra.timeline_frame(repeated, SENTENCES, ARTICLES), dt.date(2026, 11, 23))
    assert due[["when", "articles", "statements", "sources"]].values.tolist() == [
        ["2026-09 … 2026-12", 1, 2, BETA]]


def test_events_per_month_counts_by_start_month_and_precision_within_the_window():
    timeline = ra.timeline_frame(EVENTS, SENTENCES, ARTICLES)
    per_month = ra.events_per_month(timeline, dt.date(2026, 11, 23), years=1)
    # only late 2026 (starts 2026-09) and mid-2027 (starts 2027-04) fall within a year of the as-of day
    assert per_month.values.tolist() == [["2026-09", "half", 1], ["2027-04", "half", 1]]


def test_the_publisher_of_an_article_is_not_an_actor_of_its_story():
    articles = ARTICLES.copy()
    articles["publisher"] = pd.array(["Lynas Rare Earths", None, None], dtype=articles["publisher"].dtype)
    kept = ra.story_mentions(MENTIONS, articles, ENTITIES)
    # alpha is published by Lynas; beta's publisher is unknown: Lynas is dropped from both
    assert sorted(zip(kept["article_id"], kept["entity_id"])) == [
        ("a1", "china"), ("a1", "malaysia"), ("b2", "china"), ("b2", "ndpr"), ("c3", "china")]


def test_the_claims_ledger_puts_each_measure_on_one_line_with_its_values():
    ledger = ra.claims_ledger(ra.figure_comparisons(FIGURES, SENTENCES, ARTICLES))
    assert ledger[["measure", "status", "claims", "values", "claimants"]].values.tolist() == [
        ["global refining", "conflict", 2, "85, 90", "IEA; Reuters"],
        ["magnet output", "agree", 2, "60–70", "(unattributed)"],
    ]


def test_theme_month_matrix_labels_each_month_with_its_articles():
    strength = ra.theme_strength_over_time(THEMES, ARTICLES)
    matrix = ra.theme_month_matrix(strength)
    assert matrix.columns.tolist() == ["2025-05 (2)"]


def test_verb_relations_are_directed_and_counted_by_sentence():
    table = ra.verb_relations(RELATIONS, ENTITIES, SENTENCES, ARTICLES)
    assert table[["subject", "kind", "object", "weight", "negated", "hedged", "verb", "label"]].values.tolist() == [
        ["Lynas Rare Earths", "meets", "China", 1, 0, 0, "met", ALPHA]]
    assert ra.verb_relations(RELATIONS, ENTITIES, SENTENCES, ARTICLES, keep=["china"]).empty
