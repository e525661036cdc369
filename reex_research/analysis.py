"""Aggregates the notebooks show: corpus health, theme matrices, actor counts and networks,
timelines and figure claims — each row keeping the sentence it comes from.

Every function takes the dataframes of a :class:`~reex_research.corpus.Corpus` (columns as in
:mod:`reex_research.schema`) and returns a new dataframe with a fixed column order and a fixed,
fully specified row order, so a notebook that shows it gives the same text on every run.
Articles are named by a short ``label`` (:func:`article_labels`: title and date) and dates are
shown as ``YYYY-MM-DD`` text; a missing date is written :data:`NO_DATE`, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import SupportsFloat

import pandas as pd

from . import paths
from .datafile import read_data_file
from .read.datetext import PRECISIONS as DATE_PRECISIONS
from .kb import ACTOR_TYPES as KB_ACTOR_TYPES

NO_DATE = "no date"
UNATTRIBUTED = "(unattributed)"
#: Entity types that count as actors, in the order charts show them (from the knowledge base).
ACTOR_TYPES: tuple[str, ...] = tuple(sorted(KB_ACTOR_TYPES))
#: Date precisions, finest first (as :mod:`reex_research.datetext` states them).
PRECISIONS: tuple[str, ...] = DATE_PRECISIONS
LABEL_WIDTH = 40
"""Characters of a title an article label keeps (whole words, then an ellipsis)."""
ANALYSIS_RULES = "analysis.yaml"
"""The word lists of these aggregates, in the rules folder."""

# ------------------------------------------------------------------------------------ articles


def article_labels(articles: pd.DataFrame) -> pd.Series:
    """Return a short, unique label per article: its title cut to :data:`LABEL_WIDTH`, and its date.

    ``China Rare Earth & China Resources… · 2025-11-27``; an article without a title is named by its
    headline (:func:`display_title`), and only one with neither by its file name. The series is
    indexed by ``article_id``; a repeated label gets ``~2``, ``~3``.
    """
    global _last_labels
    if _last_labels is not None and _last_labels[1] == len(articles) and _last_labels[0]() is articles:
        return _last_labels[2].copy()  # the same table again: every page asks for its labels
    labels: dict[str, str] = {}
    used: set[str] = set()
    titles = display_title(articles).tolist()
    for row, title in zip(articles.itertuples(index=False), titles):
        name = str(title)
        if name == str(row.file):
            name = re.sub(r"\.[A-Za-z0-9]+$", "", name.rsplit("/", 1)[-1])
            if pd.notna(row.line):
                name = f"{name}:{int(row.line)}"
        label = f"{_shorten(name, LABEL_WIDTH)} · {format_date(row.published)}"
        base, n = label, 2
        while label in used:
            label, n = f"{base} ~{n}", n + 1
        used.add(label)
        labels[str(row.article_id)] = label
    out = pd.Series(labels, name="label", dtype="object")
    _last_labels = (weakref.ref(articles), len(articles), out)
    return out.copy()


_last_labels: tuple[weakref.ref[pd.DataFrame], int, pd.Series] | None = None


def display_title(articles: pd.DataFrame) -> pd.Series:
    """Return each article's title, else its headline, else its file name (aligned with ``articles``)."""
    title = articles["title"].astype("object")
    headline = articles["headline"].astype("object")
    return title.where(title.notna(), headline).where(lambda s: s.notna(), articles["file"].astype("object"))


def format_date(value: object) -> str:
    """Return ``value`` as ``YYYY-MM-DD``, or :data:`NO_DATE` when it is missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return NO_DATE
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def article_index(articles: pd.DataFrame) -> pd.DataFrame:
    """Return ``label, title, published, article_id``: the key to the labels used in every chart.

    Rows are in publication order (undated articles last), then by label.
    """
    out = pd.DataFrame(
        {
            "label": articles["article_id"].map(article_labels(articles)).astype("object"),
            "title": display_title(articles),
            "published": articles["published"].map(format_date),
            "article_id": articles["article_id"].astype("object"),
            "_sort": articles["published"],
        }
    )
    out = out.sort_values(["_sort", "label"], na_position="last", kind="stable")
    return _tidy(out.drop(columns="_sort"))


def health_summary(
    articles: pd.DataFrame, boilerplate: pd.DataFrame, problems: pd.DataFrame
) -> pd.DataFrame:
    """Return ``measure, value``: what loaded and what was repaired, removed or could not be read."""
    title_source = articles["title_source"].fillna("missing").value_counts()
    rows = [
        ("articles", len(articles)),
        ("articles with a title in the text", int(title_source.get("text", 0))),
        ("articles titled from metadata", int(title_source.get("metadata", 0))),
        ("articles without a title (headline shown)", int(title_source.get("headline_fallback", 0))),
        ("articles with a publication date", int(articles["published"].notna().sum())),
        ("articles without a publication date", int(articles["published"].isna().sum())),
        ("articles flagged as state-media sourced", int(articles["is_state_media_sourced"].sum())),
        ("articles with repaired text", int((articles["repairs"] > 0).sum())),
        ("text repairs", int(articles["repairs"].sum())),
        ("sentences", int(articles["n_sentences"].sum())),
        ("boilerplate lines removed", len(boilerplate)),
        ("files or lines that could not be loaded", len(problems)),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def article_overview(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per article, latest first (undated last): title and date and how each was
    obtained, publisher, size.

    A missing ``title_source``/``published_source`` is written ``missing``.
    """
    out = pd.DataFrame(
        {
            "label": articles["article_id"].map(article_labels(articles)).astype("object"),
            "title": display_title(articles),
            "title_source": articles["title_source"].astype("object").fillna("missing"),
            "published": articles["published"].map(format_date),
            "published_source": articles["published_source"].astype("object").fillna("missing"),
            "publisher": articles["publisher"].astype("object").fillna(""),
            "format": articles["format"].astype("object"),
            "encoding": articles["encoding"].astype("object"),
            "sentences": articles["n_sentences"].astype("int64"),
            "_sort": articles["published"],
        }
    )
    out = out.sort_values(["_sort", "label"], ascending=[False, True], na_position="last", kind="stable")
    return _tidy(out.drop(columns="_sort"))


def how_obtained(articles: pd.DataFrame) -> pd.DataFrame:
    """Return ``field, source, articles``: how many titles and dates came from where, most first.

    A missing source is written ``missing`` (no title or date was found, and none is invented).
    """
    rows = []
    for field, column in (("title", "title_source"), ("publication date", "published_source")):
        counts = articles[column].astype("object").fillna("missing").value_counts()
        for source, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append((field, source, int(n)))
    return pd.DataFrame(rows, columns=["field", "source", "articles"])


def inferred_publication_dates(articles: pd.DataFrame) -> pd.DataFrame:
    """Return ``label, published, published_source``: the articles whose publication year was
    inferred (a dateline or byline day without its year: ``inferred_year: weekday``, ``…: text
    dates``, ``…: metadata``) or that stay undated for a stated reason (``missing: dateline without
    year``). Latest first, undated last, then by label.
    """
    source = articles["published_source"].astype("object").fillna("")
    keep = (source.str.startswith("inferred_year") | source.str.startswith("missing:")).to_numpy(dtype=bool)
    chosen = articles[keep]
    out = pd.DataFrame(
        {
            "label": chosen["article_id"].map(article_labels(articles)).astype("object"),
            "published": chosen["published"].map(format_date).astype("object"),
            "published_source": chosen["published_source"].astype("object"),
            "_sort": chosen["published"],
        }
    )
    out = out.sort_values(["_sort", "label"], ascending=[False, True], na_position="last", kind="stable")
    return _tidy(out.drop(columns="_sort"))


def repairs_by_kind(articles: pd.DataFrame) -> pd.DataFrame:
    """Return ``repair_kind, repairs, articles``: text repairs over the corpus per kind, most first."""
    rows = [(kind, count, row_id) for row_id, value in zip(articles["article_id"], articles["repair_kinds"])
            for kind, count in _parse_counts(value)]
    if not rows:
        return pd.DataFrame(columns=["repair_kind", "repairs", "articles"])
    table = pd.DataFrame(rows, columns=["repair_kind", "repairs", "article_id"])
    out = table.groupby("repair_kind", sort=True).agg(repairs=("repairs", "sum"), articles=("article_id", "nunique"))
    out = out.reset_index().astype({"repairs": "int64", "articles": "int64"})
    return _tidy(out.sort_values(["repairs", "repair_kind"], ascending=[False, True], kind="stable"))


def repairs_by_article(articles: pd.DataFrame) -> pd.DataFrame:
    """Return ``label, repair_kind, repairs``: text repairs per article and kind, most repairs first.

    ``repair_kinds`` is read as ``kind:count;kind:count``; articles without repairs are left out.
    """
    labels = article_labels(articles)
    rows = []
    for row in articles.itertuples(index=False):
        for kind, count in _parse_counts(row.repair_kinds):
            rows.append((labels[row.article_id], kind, count))
    out = pd.DataFrame(rows, columns=["label", "repair_kind", "repairs"])
    out["repairs"] = out["repairs"].astype("int64")
    return _tidy(out.sort_values(["label", "repairs", "repair_kind"], ascending=[True, False, True], kind="stable"))


def boilerplate_by_kind(boilerplate: pd.DataFrame) -> pd.DataFrame:
    """Return ``kind, lines, articles, rules, example``: removed boilerplate per kind, most first."""
    if boilerplate.empty:
        return pd.DataFrame(columns=["kind", "lines", "articles", "rules", "example"])
    ordered = boilerplate.sort_values(["kind", "file", "line"], kind="stable")
    grouped = ordered.groupby("kind", sort=True)
    out = pd.DataFrame(
        {
            "lines": grouped.size().astype("int64"),
            "articles": grouped["article_id"].nunique().astype("int64"),
            "rules": grouped["rule"].agg(lambda s: ", ".join(sorted(set(s)))),
            "example": grouped["text"].first().astype("object"),
        }
    ).reset_index()
    return _tidy(out.sort_values(["lines", "kind"], ascending=[False, True], kind="stable"))


def boilerplate_lines(boilerplate: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Return every removed line: ``label, line, kind, rule, text``, in file order."""
    labels = article_labels(articles)
    out = pd.DataFrame(
        {
            "label": boilerplate["article_id"].map(labels).astype("object"),
            "line": boilerplate["line"].astype("int64"),
            "kind": boilerplate["kind"].astype("object"),
            "rule": boilerplate["rule"].astype("object"),
            "text": boilerplate["text"].astype("object"),
        }
    )
    return _tidy(out.sort_values(["label", "line"], kind="stable"))


def problems_table(problems: pd.DataFrame) -> pd.DataFrame:
    """Return ``file, line, kind, message`` for every file or line that could not be loaded."""
    out = pd.DataFrame(
        {
            "file": problems["file"].astype("object"),
            "line": problems["line"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            "kind": problems["kind"].astype("object"),
            "message": problems["message"].astype("object"),
        }
    )
    return _tidy(out.sort_values(["file", "line", "kind"], kind="stable"))


def state_media(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the articles flagged as state-media sourced with the line behind the flag.

    ``evidence`` is the disclaimer, else the source line, else empty.
    """
    flagged = articles[articles["is_state_media_sourced"]]
    evidence = flagged["disclaimer"].astype("object")
    evidence = evidence.where(evidence.notna(), flagged["source"].astype("object")).fillna("")
    out = pd.DataFrame(
        {
            "label": flagged["article_id"].map(article_labels(articles)).astype("object"),
            "title": display_title(flagged),
            "source": flagged["source"].astype("object").fillna(""),
            "evidence": evidence,
        }
    )
    return _tidy(out.sort_values("label", kind="stable"))


# -------------------------------------------------------------------------------------- themes


def theme_matrix(
    themes: pd.DataFrame, articles: pd.DataFrame, *, select: Sequence[str] = ()
) -> pd.DataFrame:
    """Return theme × article scores: rows are theme labels, columns article labels, 0 where absent.

    Columns follow :func:`article_index` order (every article, also those without a theme); rows
    are ordered by total score, highest first, then label. ``select`` keeps only those theme ids or
    labels (empty: all).
    """
    chosen = _select_themes(themes, select)
    order = article_index(articles)
    if chosen.empty:
        return pd.DataFrame(index=pd.Index([], name="theme"), columns=pd.Index(order["label"].tolist(), name="article"),
                            dtype="float64")
    labels = article_labels(articles)
    table = chosen.assign(label=chosen["article_id"].map(labels))
    matrix = table.pivot_table(index="theme", columns="label", values="score", aggfunc="sum", fill_value=0.0)
    matrix = matrix.reindex(columns=order["label"].tolist(), fill_value=0.0).astype("float64").round(1)
    totals = matrix.sum(axis=1)
    ordering = sorted(matrix.index, key=lambda theme: (-totals[theme], theme))
    matrix = matrix.loc[ordering]
    matrix.index.name, matrix.columns.name = "theme", "article"
    return matrix


def theme_strength_over_time(
    themes: pd.DataFrame, articles: pd.DataFrame, *, select: Sequence[str] = (), latest_first: bool = False
) -> pd.DataFrame:
    """Return ``month, theme_id, theme, articles, of_articles, mean_score`` per publication month.

    One row for every month that has articles and every theme found anywhere (0 when absent).
    ``of_articles`` counts the articles published that month, ``articles`` those with the theme,
    and ``mean_score`` averages the theme's score over all of them (0 for an article without the
    theme), so busy months are not inflated. Undated articles form rows with ``month`` =
    :data:`NO_DATE`: counted, not dropped. Rows: by month (undated last), then theme id; with
    ``latest_first``, latest month first and the strongest theme first within a month.
    """
    columns = ["month", "theme_id", "theme", "articles", "of_articles", "mean_score"]
    chosen = _select_themes(themes, select)
    month = articles.set_index("article_id")["published"].map(
        lambda ts: ts.strftime("%Y-%m") if pd.notna(ts) else NO_DATE)
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    per_month = month.value_counts()
    table = chosen.assign(month=chosen["article_id"].map(month))
    grouped = table.groupby(["month", "theme_id"], sort=True)
    found = grouped.agg(articles=("article_id", "nunique"), total=("score", "sum"))
    months = sorted(per_month.index, key=lambda m: (m == NO_DATE, m))
    grid = pd.MultiIndex.from_product([months, sorted(set(chosen["theme_id"]))], names=["month", "theme_id"])
    out = found.reindex(grid, fill_value=0).reset_index()
    out["theme"] = out["theme_id"].map(_theme_labels(chosen)).astype("object")
    out["of_articles"] = out["month"].map(per_month).astype("int64")
    out["mean_score"] = (out["total"].astype("float64") / out["of_articles"]).round(1)
    out["articles"] = out["articles"].astype("int64")
    out["_undated"] = out["month"] == NO_DATE
    if latest_first:
        out = out.sort_values(["_undated", "month", "mean_score", "theme_id"], ascending=[True, False, False, True],
                              kind="stable")
    else:
        out = out.sort_values(["_undated", "month", "theme_id"], kind="stable")
    return _tidy(out[columns])


def theme_month_matrix(strength: pd.DataFrame, *, months: int = 24, top: int = 12) -> pd.DataFrame:
    """Return theme × month mean scores from :func:`theme_strength_over_time`, for a heatmap.

    The last ``months`` months that have dated articles, each labelled ``YYYY-MM (n)`` with its
    number of articles; the ``top`` themes by mean score over those months, strongest first.
    """
    dated = strength[strength["month"] != NO_DATE] if not strength.empty else strength
    if dated.empty:
        return pd.DataFrame(index=pd.Index([], name="theme"), columns=pd.Index([], name="month"), dtype="float64")
    kept = sorted(set(dated["month"]))[-months:]
    dated = dated[dated["month"].isin(kept)]
    matrix = dated.pivot_table(index="theme", columns="month", values="mean_score", aggfunc="sum", fill_value=0.0)
    totals = matrix.mean(axis=1)
    ordering = sorted(matrix.index, key=lambda theme: (-totals[theme], theme))[:top]
    matrix = matrix.loc[ordering, kept].astype("float64").round(1)
    per_month = dated.drop_duplicates("month").set_index("month")["of_articles"]
    matrix.columns = pd.Index([f"{m} ({int(per_month[m])})" for m in kept], name="month")
    matrix.index.name = "theme"
    return matrix


def undated_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Return ``label, title`` of the articles without a publication date."""
    undated = articles[articles["published"].isna()]
    out = pd.DataFrame(
        {"label": undated["article_id"].map(article_labels(articles)).astype("object"),
         "title": display_title(undated)}
    )
    return _tidy(out.sort_values("label", kind="stable"))


def top_theme_sentences(
    theme_hits: pd.DataFrame,
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    per_theme: int = 3,
    select: Sequence[str] = (),
) -> pd.DataFrame:
    """Return the sentences that say most about each theme: ``theme, rank, label, terms, hits, sentence``.

    Sentences are ranked by distinct theme terms, then hits, then article label and position.
    Themes are in label order; ``select`` keeps only those theme ids or labels.
    """
    columns = ["theme", "rank", "label", "terms", "hits", "sentence"]
    labels_by_theme = _theme_labels(themes)
    hits = theme_hits.copy()
    hits["theme"] = hits["theme_id"].map(labels_by_theme).fillna(hits["theme_id"])
    hits = hits[_matches(hits["theme_id"], hits["theme"], select)]
    if hits.empty:
        return pd.DataFrame(columns=columns)
    hits["term_key"] = hits["term"].astype("object").str.lower()
    keys = ["theme", "article_id", "sentence_id"]
    grouped = hits.groupby(keys, sort=True)
    out = grouped.agg(distinct=("term_key", "nunique"), hits=("term", "size")).reset_index()
    out = _with_sentence(out, sentences)
    out["label"] = out["article_id"].map(article_labels(articles)).astype("object")
    out = out.sort_values(["theme", "distinct", "hits", "label", "position"],
                          ascending=[True, False, False, True, True], kind="stable")
    out["rank"] = out.groupby("theme", sort=False).cumcount() + 1
    out = out[out["rank"] <= per_theme]
    kept = hits.merge(out[keys], on=keys)  # the terms of the kept sentences only
    terms = kept.groupby(keys)["term_key"].agg(lambda s: ", ".join(sorted(set(s))))
    out["terms"] = [terms[key] for key in zip(out["theme"], out["article_id"], out["sentence_id"])]
    out["hits"] = out["hits"].astype("int64")
    return _tidy(out[columns])


# -------------------------------------------------------------------------------------- actors


def story_mentions(mentions: pd.DataFrame, articles: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Return ``mentions`` without those naming a publisher of the corpus's articles.

    The site an article comes from ("Rare Earth Exchanges reports…", its footer, "REEx") tells the
    story; it is not an actor in it. A publisher is an entity whose name or alias equals an
    article's ``publisher`` (case-insensitive); its mentions are dropped from every article whose
    publisher is that one or unknown, and kept where another publisher reports on it.
    """
    publishers = articles.set_index("article_id")["publisher"].astype("object")
    named = {str(p).casefold() for p in publishers.dropna()}
    if mentions.empty or not named:
        return mentions
    own: dict[str, str] = {}  # entity id -> the publisher name it is
    for row in entities.itertuples(index=False):
        for form in {str(row.name)} | set(_split_ids(row.aliases)):
            if form.strip().casefold() in named:
                own[str(row.entity_id)] = form.strip().casefold()
    if not own:
        return mentions
    publisher_of = publishers.map(lambda p: str(p).casefold() if pd.notna(p) else "")
    article_publisher = mentions["article_id"].map(publisher_of).fillna("")
    entity_publisher = mentions["entity_id"].astype("object").map(own)
    dropped = entity_publisher.notna() & ((article_publisher == "") | (article_publisher == entity_publisher))
    return mentions[~dropped]


def actor_counts(
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    types: Iterable[str] = ACTOR_TYPES,
    select: Sequence[str] = (),
    min_mentions: int = 1,
    per_type: int | None = None,
) -> pd.DataFrame:
    """Return ``entity_id, name, type, subtype, mentions, articles, sentences`` per actor.

    Only entities of ``types`` with at least ``min_mentions`` mentions; ``select`` keeps only those
    entity ids or names; ``per_type`` keeps the most-mentioned of each type. Rows: by type (in
    ``types`` order), mentions (most first), then name.
    """
    columns = ["entity_id", "name", "type", "subtype", "mentions", "articles", "sentences"]
    type_order = {t: i for i, t in enumerate(types)}
    rows = mentions[mentions["entity_type"].isin(list(type_order))]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby(["entity_id", "entity_type"], sort=True)
    out = grouped.agg(
        mentions=("sentence_id", "size"),
        articles=("article_id", "nunique"),
        sentences=("sentence_id", "nunique"),
    ).reset_index().rename(columns={"entity_type": "type"})
    info = entities.drop_duplicates("entity_id").set_index("entity_id")
    out["name"] = out["entity_id"].map(info["name"]).fillna(out["entity_id"]).astype("object")
    out["subtype"] = out["entity_id"].map(info["subtype"]).fillna("").astype("object")
    out = out[_matches(out["entity_id"], out["name"], select) & (out["mentions"] >= min_mentions)]
    out["_type"] = out["type"].map(type_order)
    out = out.sort_values(["_type", "mentions", "name"], ascending=[True, False, True], kind="stable")
    if per_type is not None:
        out = out.groupby("_type", sort=False).head(per_type)
    for column in ("mentions", "articles", "sentences"):
        out[column] = out[column].astype("int64")
    return _tidy(out[columns])


def discovered_actors(mentions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Return the actors the knowledge base lacks, most-named first: ``name, type, evidence, mentions,
    articles, entity_id``; ``evidence`` says what typed each (a title, a company suffix, a gazetteer…)."""
    columns = ["name", "type", "evidence", "mentions", "articles", "entity_id"]
    found = entities[entities["origin"] == "discovered"]
    found = found[found["type"].isin(ACTOR_TYPES)]
    rows = mentions[mentions["entity_id"].isin(set(found["entity_id"]))]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    counts = rows.groupby("entity_id").agg(mentions=("sentence_id", "size"), articles=("article_id", "nunique"))
    out = found.set_index("entity_id").join(counts, how="inner").reset_index()
    out = out.astype({"name": "object", "type": "object", "evidence": "object", "entity_id": "object",
                      "mentions": "int64", "articles": "int64"})
    out = out.sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    return _tidy(out[columns])


def most_mentioned(counts: pd.DataFrame, *, n: int = 5) -> list[str]:
    """Return the entity ids of the ``n`` most-mentioned actors of :func:`actor_counts` (ties: name)."""
    ranked = counts.sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    return ranked["entity_id"].head(n).tolist()


def cooccurrence(
    relations: pd.DataFrame,
    entities: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    select: Sequence[str] = (),
    keep: Iterable[str] | None = None,
    min_weight: int = 1,
) -> pd.DataFrame:
    """Return ``source_id, target_id, source, target, weight, articles, example`` per actor pair.

    ``weight`` is the number of distinct sentences naming both actors; ``example`` is the first
    of them (by article id, then position). ``select`` keeps pairs in
    which at least one side is one of those ids or names; ``keep`` (entity ids) keeps pairs whose
    both sides are in it. Rows: weight (highest first), then source and target name.
    """
    columns = ["source_id", "target_id", "source", "target", "weight", "articles", "example"]
    relations = relations[relations["kind"] == "cooccurs"]
    if relations.empty:
        return pd.DataFrame(columns=columns)
    pairs = relations.drop_duplicates(["article_id", "sentence_id", "source_id", "target_id"])
    pairs = _with_sentence(pairs, sentences).sort_values(["article_id", "position"], kind="stable")
    grouped = pairs.groupby(["source_id", "target_id"], sort=True)
    out = grouped.agg(
        weight=("sentence_id", "size"),
        articles=("article_id", "nunique"),
        example=("sentence", "first"),
    ).reset_index()
    out = _named_pairs(out, entities, ("source", "target"), select, keep)
    out = out[out["weight"] >= min_weight]
    out = out.sort_values(["weight", "source", "target"], ascending=[False, True, True], kind="stable")
    out["weight"] = out["weight"].astype("int64")
    out["articles"] = out["articles"].astype("int64")
    return _tidy(out[columns])


def verb_relations(
    relations: pd.DataFrame,
    entities: pd.DataFrame,
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    select: Sequence[str] = (),
    keep: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return who does what with whom: one row per subject, kind and object, most-stated first.

    Columns: ``source_id, target_id, subject, kind, object, weight, articles, negated, hedged, verb,
    example, label``; ``weight`` counts the sentences stating it (``negated``/``hedged`` how many of
    them deny or hedge it), ``verb`` and ``example`` are the first statement's verb and sentence,
    ``label`` its article. ``select`` keeps relations with one of those actors (ids or names) on
    either side; ``keep`` (entity ids) keeps those whose both sides are in it.
    """
    columns = ["source_id", "target_id", "subject", "kind", "object", "weight", "articles", "negated", "hedged",
               "verb", "example", "label"]
    rows = relations[relations["kind"] != "cooccurs"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _with_sentence(rows, sentences)
    rows["label"] = rows["article_id"].map(article_labels(articles)).astype("object")
    rows = rows.sort_values(["label", "position", "start"], kind="stable")
    grouped = rows.groupby(["source_id", "kind", "target_id"], sort=True)
    out = grouped.agg(weight=("sentence_id", "nunique"), articles=("article_id", "nunique"),
                      negated=("negated", "sum"), hedged=("hedged", "sum"), verb=("verb", "first"),
                      example=("sentence", "first"), label=("label", "first")).reset_index()
    out = _named_pairs(out, entities, ("subject", "object"), select, keep)
    for column in ("weight", "articles", "negated", "hedged"):
        out[column] = out[column].astype("int64")
    out = out.sort_values(["weight", "articles", "subject", "kind", "object"], ascending=[False, False, True, True, True],
                          kind="stable")
    return _tidy(out[columns])


def actor_sentences(
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    actors: Sequence[str],
    per_actor: int = 3,
) -> pd.DataFrame:
    """Return ``name, label, surfaces, sentence``: the first sentences naming each of ``actors``.

    ``actors`` are entity ids (in the order to show them); sentences follow article label and
    position, at most ``per_actor`` per actor; ``surfaces`` are the forms the text used.
    """
    columns = ["name", "label", "surfaces", "sentence"]
    order = {entity_id: i for i, entity_id in enumerate(actors)}
    rows = mentions[mentions["entity_id"].isin(list(order))]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    keys = ["entity_id", "article_id", "sentence_id"]
    out = rows[keys].drop_duplicates()
    out = _with_sentence(out, sentences)
    names = entities.drop_duplicates("entity_id").set_index("entity_id")["name"]
    out["name"] = out["entity_id"].map(names).fillna(out["entity_id"]).astype("object")
    out["label"] = out["article_id"].map(article_labels(articles)).astype("object")
    out["_order"] = out["entity_id"].map(order)
    out = out.sort_values(["_order", "label", "position"], kind="stable")
    out = out.groupby("_order", sort=False).head(per_actor)
    kept = rows.merge(out[keys], on=keys)  # the surfaces of the kept sentences only
    surfaces = kept.groupby(keys)["surface"].agg(lambda s: ", ".join(sorted(set(s))))
    out["surfaces"] = [surfaces[key] for key in zip(out["entity_id"], out["article_id"], out["sentence_id"])]
    return _tidy(out[columns])


def kb_candidates(candidates: pd.DataFrame, *, min_count: int = 1, limit: int | None = None) -> pd.DataFrame:
    """Return ``name, count, n_articles, example_sentence``: names seen but not in the knowledge base.

    Rows: count (most first), then name; at most ``limit`` rows.
    """
    out = candidates[candidates["count"] >= min_count]
    out = out.sort_values(["count", "n_articles", "name"], ascending=[False, False, True], kind="stable")
    if limit is not None:
        out = out.head(limit)
    out = out[["name", "count", "n_articles", "example_sentence"]].astype(
        {"name": "object", "count": "int64", "n_articles": "int64", "example_sentence": "object"})
    return _tidy(out)


# ------------------------------------------------------------------------------------ timeline


def timeline_frame(
    events: pd.DataFrame,
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    select: Sequence[str] = (),
    entities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return one row per dated event: what happened and when.

    Columns: ``when, precision, date_source, surface, clause, actors, label, is_future, sentence``;
    ``clause`` is the part of the sentence that holds the date, ``actors`` those named in it, and
    ``label`` names the article (title and date).

    ``when`` is the stated interval as text (``2025-05-22``, ``2025-05``, ``2025-Q3``, ``2025-H2``,
    ``2025``, else ``start … end``); ``date_start``/``date_end`` are kept for drawing. ``select``
    keeps events whose ``actors`` (names or ids, ``; ``-separated) include one of those names or
    ids (``entities`` translates between the two). ``date_source`` says whether the
    year was stated (``text``) or taken from the publication date (``inferred_year``). Rows: by
    start, end, label, position in the article.
    """
    columns = ["when", "precision", "date_source", "surface", "clause", "subject", "actors", "label", "is_future",
               "sentence", "date_start", "date_end"]
    rows = events[events["date_start"].notna()]
    if select:
        wanted = _actor_keys(select, entities)
        rows = rows[rows["actors"].map(lambda a: any(part.casefold() in wanted for part in _split_ids(a)))]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = _with_sentence(rows.copy(), sentences)
    out["clause"] = out["clause"].astype("object").fillna("")
    out["subject"] = out["subject"].astype("object").fillna("")
    out["label"] = out["article_id"].map(article_labels(articles)).astype("object")
    out["when"] = [format_interval(s, e, p) for s, e, p in zip(out["date_start"], out["date_end"], out["precision"])]
    out["actors"] = out["actors"].astype("object").fillna("")
    out["date_source"] = out["date_source"].astype("object").fillna("")
    out["is_future"] = out["is_future"].astype("bool")
    out = out.sort_values(["date_start", "date_end", "label", "start"], kind="stable")
    out["surface"] = out["surface"].astype("object")
    return _tidy(out[columns])


def timeline_rows(timeline: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`timeline_frame` with repeats merged for drawing: one row per article, surface and interval.

    ``mentions`` counts the sentences that state it and ``event`` names it as ``surface · label``
    (``×n`` when repeated). Rows keep the order of ``timeline``.
    """
    columns = ["event", "when", "precision", "surface", "label", "mentions", "is_future", "date_start", "date_end"]
    if timeline.empty:
        return pd.DataFrame(columns=columns)
    keys = ["label", "surface", "date_start", "date_end", "precision"]
    out = timeline.groupby(keys, sort=False, dropna=False).agg(
        when=("when", "first"), mentions=("sentence", "size"), is_future=("is_future", "max")).reset_index()
    out["mentions"] = out["mentions"].astype("int64")
    out["event"] = [f"{s} · {lab}" + (f" ×{n}" if n > 1 else "")
                    for s, lab, n in zip(out["surface"], out["label"], out["mentions"])]
    return _tidy(out[columns])


def due_next(timeline: pd.DataFrame, as_of: dt.date, *, limit: int | None = None) -> pd.DataFrame:
    """Return what comes due after ``as_of`` (``is_future``), soonest first, each fact once.

    A fact is one stated interval (start, end, precision): the sentences and articles that state it
    are counted (``statements``, ``articles``) and the first of them (by article label, position)
    gives ``clause``; ``actors`` are the five named most often in its statements (``+N more``), and
    ``sources`` up to three article labels.
    ``days_from_as_of`` counts from ``as_of`` to the start of the interval (negative: under way).
    """
    columns = ["when", "days_from_as_of", "precision", "clause", "actors", "articles", "statements", "sources",
               "sentence"]
    rows = timeline[timeline["is_future"].astype(bool)] if not timeline.empty else timeline
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.sort_values(["date_start", "date_end", "precision", "label"], kind="stable")
    grouped = rows.groupby(["date_start", "date_end", "precision"], sort=True, dropna=False)
    out = grouped.agg(
        when=("when", "first"),
        clause=("clause", "first"),
        sentence=("sentence", "first"),
        actors=("actors", _most_named),
        articles=("label", "nunique"),
        statements=("sentence", "size"),
        sources=("label", lambda s: "; ".join(list(dict.fromkeys(s))[:3])),
    ).reset_index()
    out["days_from_as_of"] = [(pd.Timestamp(s) - pd.Timestamp(as_of)).days for s in out["date_start"]]
    out = out.sort_values(["date_start", "date_end", "articles"], ascending=[True, True, False], kind="stable")
    for column in ("days_from_as_of", "articles", "statements"):
        out[column] = out[column].astype("int64")
    if limit is not None:
        out = out.head(limit)
    return _tidy(out[columns])


def events_per_month(timeline: pd.DataFrame, as_of: dt.date, *, years: int = 5) -> pd.DataFrame:
    """Return ``month, precision, events``: dated events by the month they start in, per precision.

    Only months within ``years`` of ``as_of`` either way (a chart of a century of "2030" targets and
    "1990s" history reads as nothing); every month of that window that has an event is a row.
    """
    columns = ["month", "precision", "events"]
    if timeline.empty:
        return pd.DataFrame(columns=columns)
    low = pd.Timestamp(as_of) - pd.DateOffset(years=years)
    high = pd.Timestamp(as_of) + pd.DateOffset(years=years)
    rows = timeline[(timeline["date_start"] >= low) & (timeline["date_start"] <= high)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    months = pd.to_datetime(rows["date_start"]).dt.strftime("%Y-%m")
    out = rows.assign(month=months).groupby(["month", "precision"], sort=True).size().rename("events").reset_index()
    out["events"] = out["events"].astype("int64")
    out["_p"] = out["precision"].map({p: i for i, p in enumerate(PRECISIONS)})
    return _tidy(out.sort_values(["month", "_p"], kind="stable")[columns])


def events_by_precision(timeline: pd.DataFrame) -> pd.DataFrame:
    """Return ``precision, events, future`` counts in :data:`PRECISIONS` order (finest first)."""
    rows = []
    for precision in PRECISIONS:
        chosen = timeline[timeline["precision"] == precision] if not timeline.empty else timeline
        rows.append((precision, len(chosen), int(chosen["is_future"].astype(bool).sum()) if len(chosen) else 0))
    return pd.DataFrame(rows, columns=["precision", "events", "future"])


def format_interval(start: object, end: object, precision: str) -> str:
    """Return an interval as the unit it was stated in.

    ``2025-05-22`` (a day), ``2025-05-22 … 2025-05-23``, ``2025-05`` (a month), ``2025-Q3``,
    ``2025-H2``, ``2025``, ``2025–2027`` (whole years), ``2025-04 … 2025-09`` (whole months, e.g.
    "mid-2025").
    """
    if pd.isna(start):
        return NO_DATE
    s = pd.Timestamp(start)
    e = pd.Timestamp(end) if pd.notna(end) else s
    whole_months = s.day == 1 and (e + pd.Timedelta(days=1)).day == 1
    if s == e:
        return f"{s:%Y-%m-%d}"
    if whole_months and s.year == e.year:
        span = (e.month - s.month) + 1
        if span == 1:
            return f"{s:%Y-%m}"
        if span == 3 and s.month in (1, 4, 7, 10) and precision == "quarter":
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if span == 6 and s.month in (1, 7) and precision == "half":
            return f"{s.year}-H{1 if s.month == 1 else 2}"
        if span == 12:
            return f"{s.year}"
    if whole_months and s.month == 1 and e.month == 12:
        return f"{s.year}–{e.year}"
    if whole_months:
        return f"{s:%Y-%m} … {e:%Y-%m}"
    return f"{s:%Y-%m-%d} … {e:%Y-%m-%d}"


# ------------------------------------------------------------------------------------- figures


def figures_table(
    figures: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame
) -> pd.DataFrame:
    """Return every figure: ``label, surface, value, unit, qualifier, measure, claimed_by, claim_source, sentence``.

    ``unit`` reads as a reader would say it (``percent``, ``tonnes``, ``USD``, ``CNY/kilograms``);
    an empty ``claimed_by`` is :data:`UNATTRIBUTED`. Rows: article label, then position in the text.
    """
    columns = ["label", "surface", "value", "unit", "qualifier", "measure", "claimed_by", "claim_source", "sentence"]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    out = _with_sentence(figures.copy(), sentences)
    out["label"] = out["article_id"].map(article_labels(articles)).astype("object")
    out["unit"] = [display_unit(u, c) for u, c in zip(out["unit"], out["currency"])]
    out["value"] = out["value"].map(format_number)
    for column in ("qualifier", "measure", "claim_source"):
        out[column] = out[column].astype("object").fillna("")
    out["claimed_by"] = out["claimed_by"].astype("object").fillna("").replace("", UNATTRIBUTED)
    out["surface"] = out["surface"].astype("object")
    out = out.sort_values(["label", "start", "end"], kind="stable")
    return _tidy(out[columns])


def figures_by_unit(figures: pd.DataFrame) -> pd.DataFrame:
    """Return ``unit, figures, articles``: how many figures of each unit, most first."""
    if figures.empty:
        return pd.DataFrame(columns=["unit", "figures", "articles"])
    units = pd.Series([display_unit(u, c) or "(none)" for u, c in zip(figures["unit"], figures["currency"])],
                      index=figures.index)
    grouped = figures.assign(unit_text=units).groupby("unit_text", sort=True)
    out = grouped.agg(figures=("article_id", "size"), articles=("article_id", "nunique")).reset_index()
    out = out.rename(columns={"unit_text": "unit"}).astype({"figures": "int64", "articles": "int64"})
    return _tidy(out.sort_values(["figures", "unit"], ascending=[False, True], kind="stable"))


def figure_claims(figures: pd.DataFrame) -> pd.DataFrame:
    """Return one claim per stated figure: a range's two rows ("from"/"to") become ``low``–``high``.

    Columns: ``article_id, sentence_id, start, surface, low, high, unit, qualifier, measure,
    measure_key, claimed_by``; ``measure_key`` is :func:`measure_key` of the measure, so the same
    measure written two ways compares equal. Rows: by article id, then position in the text.
    """
    columns = ["article_id", "sentence_id", "start", "surface", "low", "high", "unit", "qualifier",
               "measure", "measure_key", "claimed_by"]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    rows = figures.copy()
    rows["unit"] = [display_unit(u, c) for u, c in zip(rows["unit"], rows["currency"])]
    rows["qualifier"] = rows["qualifier"].astype("object").fillna("")
    grouped = rows.groupby(["article_id", "sentence_id", "start", "end"], sort=True)
    out = grouped.agg(
        surface=("surface", "first"),
        low=("value", "min"),
        high=("value", "max"),
        unit=("unit", "first"),
        qualifier=("qualifier", lambda s: ", ".join(sorted(set(s) - {"", "from", "to"}))),
        measure=("measure", "first"),
        claimed_by=("claimed_by", "first"),
    ).reset_index()
    out["measure"] = out["measure"].astype("object").fillna("")
    out["claimed_by"] = out["claimed_by"].astype("object").fillna("").replace("", UNATTRIBUTED)
    out["measure_key"] = out["measure"].map(measure_key)
    out["surface"] = out["surface"].astype("object")
    out = out.sort_values(["article_id", "start"], kind="stable")
    return _tidy(out[columns])


def figure_comparisons(
    figures: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame
) -> pd.DataFrame:
    """Return the measures stated by more than one claim, each claim a row, side by side.

    A claim is one stated figure (:func:`figure_claims`); the same value for the same measure
    stated again by the same claimant in the same article (a highlight repeating the body) counts
    once. Claims compare when their :func:`measure_key` and unit are equal. Columns: ``group,
    measure, unit, status, value, low, high, qualifier, claimant, label, sentence``; ``status`` is
    ``conflict`` when the claims of a group state different values, else ``agree``. ``group``
    numbers the measures 1, 2, … with conflicts first, then the most-claimed, then by measure and
    unit; within a group claims are ordered by value, then article label.
    """
    columns = ["group", "measure", "unit", "status", "value", "low", "high", "qualifier", "claimant",
               "label", "sentence"]
    claims = figure_claims(figures)
    claims = claims[claims["measure_key"] != ""] if not claims.empty else claims
    if claims.empty:
        return pd.DataFrame(columns=columns)
    claims = claims.drop_duplicates(["measure_key", "unit", "article_id", "claimed_by", "low", "high"])
    keys = list(zip(claims["measure_key"], claims["unit"]))
    claims = claims.assign(_key=keys)
    sizes = claims.groupby("_key", sort=False).size()
    values = claims.drop_duplicates(["_key", "low", "high"]).groupby("_key", sort=False).size()
    shared = [k for k in sizes.index if sizes[k] > 1]
    if not shared:
        return pd.DataFrame(columns=columns)
    ordering = sorted(shared, key=lambda k: (values[k] == 1, -sizes[k], k))
    numbers = {k: i + 1 for i, k in enumerate(ordering)}
    out = claims[claims["_key"].isin(numbers)]
    out = _with_sentence(out, sentences)
    out["label"] = out["article_id"].map(article_labels(articles)).astype("object")
    out["group"] = out["_key"].map(numbers).astype("int64")
    out["status"] = out["_key"].map(lambda k: "conflict" if values[k] > 1 else "agree").astype("object")
    first = out.sort_values(["group", "label", "start"], kind="stable").groupby("group")["measure"].first()
    out["measure"] = out["group"].map(first)
    out["value"] = [format_range(lo, hi) for lo, hi in zip(out["low"], out["high"])]
    out["claimant"] = out["claimed_by"]
    out = out.sort_values(["group", "low", "high", "label", "start"], kind="stable")
    return _tidy(out[columns])


def claims_ledger(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Return one row per measure of :func:`figure_comparisons`: its values side by side.

    Columns: ``group, measure, unit, status, claims, values, claimants``; ``values`` lists the
    distinct values stated, lowest first (at most eight, then ``…``), ``claimants`` who states them
    (at most five, then ``+N more``). Rows keep the groups' order (conflicts first).
    """
    columns = ["group", "measure", "unit", "status", "claims", "values", "claimants"]
    if comparisons.empty:
        return pd.DataFrame(columns=columns)
    grouped = comparisons.groupby("group", sort=True)
    out = grouped.agg(measure=("measure", "first"), unit=("unit", "first"), status=("status", "first"),
                      claims=("value", "size"),
                      values=("value", lambda s: _listed(list(dict.fromkeys(s)), 8)),
                      claimants=("claimant", _most_named)).reset_index()
    out["claims"] = out["claims"].astype("int64")
    return _tidy(out[columns])


def _listed(items: list[str], n: int) -> str:
    """``a, b, c`` of the first ``n`` items, then ``…`` when there are more."""
    return ", ".join(items[:n]) + (", …" if len(items) > n else "")


def figure_conflicts(
    figures: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame
) -> pd.DataFrame:
    """Return the rows of :func:`figure_comparisons` whose claims state different values."""
    comparisons = figure_comparisons(figures, sentences, articles)
    return _tidy(comparisons[comparisons["status"] == "conflict"])


def display_unit(unit: object, currency: object) -> str:
    """Return a unit as a reader says it: ``currency`` becomes the currency code (``USD``)."""
    unit = "" if unit is None or pd.isna(unit) else str(unit)
    currency = "" if currency is None or pd.isna(currency) else str(currency)
    if unit.startswith("currency"):
        return (currency or "currency") + unit[len("currency"):]
    return unit


def measure_key(measure: object) -> str:
    """Return ``measure`` reduced for comparison: lower case, one apostrophe and space form, and
    without the generic words of ``data/rules/analysis.yaml`` ("world's rare earths production" ->
    "production")."""
    if measure is None or pd.isna(measure):
        return ""
    text = str(measure).lower().replace("\u2019", "'").replace("\u2018", "'")
    words = re.sub(r"[\s\-\u2010-\u2014]+", " ", text).split()
    generic = generic_measure_words()
    return " ".join(w for w in words if w not in generic)


@lru_cache(maxsize=4)
def generic_measure_words(rules_dir: Path | None = None) -> frozenset[str]:
    """Words that do not change what a figure measures (``generic_measure_words`` of
    ``analysis.yaml`` in ``rules_dir``, default ``data/rules``), lower case."""
    path = (rules_dir or paths.rules_dir()) / ANALYSIS_RULES
    doc = read_data_file(path)
    doc.check_keys(allowed=("generic_measure_words",))
    return frozenset(w.lower() for w in doc.strings("generic_measure_words", name_item=False))


def format_number(value: SupportsFloat | None) -> str:
    """Return ``value`` as plain text with thousands separators: ``1,500``, ``2.5``, 1.2e9 -> ``1,200,000,000``."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def format_range(low: SupportsFloat | None, high: SupportsFloat | None) -> str:
    """Return ``low`` or ``low–high`` as text (see :func:`format_number`)."""
    return format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"


# ------------------------------------------------------------------------------------- helpers


def _shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``width`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " " and " " in cut[width // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


def _with_sentence(frame: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Add ``sentence`` (the text) and ``position`` of each row's ``sentence_id``."""
    lookup = sentences.drop_duplicates("sentence_id").set_index("sentence_id")
    out = frame.copy()
    out["sentence"] = out["sentence_id"].map(lookup["text"]).astype("object").fillna("")
    out["position"] = out["sentence_id"].map(lookup["position"]).fillna(-1).astype("int64")
    return out


def _named_pairs(pairs: pd.DataFrame, entities: pd.DataFrame, columns: tuple[str, str], select: Sequence[str],
                 keep: Iterable[str] | None) -> pd.DataFrame:
    """``pairs`` with the names of ``source_id``/``target_id`` in ``columns``; ``select`` keeps pairs
    with one of those ids or names on either side, ``keep`` (ids) pairs with both sides in it."""
    names = entities.drop_duplicates("entity_id").set_index("entity_id")["name"]
    source, target = columns
    out = pairs.assign(**{source: pairs["source_id"].map(names).fillna(pairs["source_id"]).astype("object"),
                          target: pairs["target_id"].map(names).fillna(pairs["target_id"]).astype("object")})
    if select:
        out = out[_matches(out["source_id"], out[source], select) | _matches(out["target_id"], out[target], select)]
    if keep is not None:
        kept = set(keep)
        out = out[out["source_id"].isin(kept) & out["target_id"].isin(kept)]
    return out


def _theme_labels(themes: pd.DataFrame) -> Mapping[str, str]:
    return themes.drop_duplicates("theme_id").set_index("theme_id")["theme"].astype("object").to_dict()


def _select_themes(themes: pd.DataFrame, select: Sequence[str]) -> pd.DataFrame:
    return themes[_matches(themes["theme_id"], themes["theme"], select)]


def _matches(ids: pd.Series, names: pd.Series, select: Sequence[str]) -> pd.Series:
    """True where ``ids`` or ``names`` is one of ``select`` (case-insensitive); all True if empty."""
    if not select:
        return pd.Series(True, index=ids.index)
    wanted = {str(s).casefold() for s in select}
    return ids.astype("object").map(lambda v: str(v).casefold() in wanted) | names.astype("object").map(
        lambda v: str(v).casefold() in wanted)


def _most_named(values: pd.Series, n: int = 5) -> str:
    """The ``n`` names most frequent in ``values`` (``; ``-separated lists), then ``+N more``."""
    counts: dict[str, int] = {}
    for value in values:
        for name in _split_ids(value):
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    more = f"; +{len(ranked) - n} more" if len(ranked) > n else ""
    return "; ".join(ranked[:n]) + more


def _split_ids(value: object) -> list[str]:
    """Split a ``; ``-separated list (names may hold commas: "Ministry of Economy, Trade and Industry")."""
    if value is None or pd.isna(value):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _actor_keys(select: Sequence[str], entities: pd.DataFrame | None) -> set[str]:
    """Return ``select`` case-folded, plus the name of each selected id and the id of each name."""
    wanted = {str(s).casefold() for s in select}
    if entities is not None and not entities.empty:
        ids = entities["entity_id"].astype("object").map(lambda v: str(v).casefold())
        names = entities["name"].astype("object").map(lambda v: str(v).casefold())
        hit = ids.isin(wanted) | names.isin(wanted)
        wanted |= set(ids[hit]) | set(names[hit])
    return wanted


def _parse_counts(value: object) -> list[tuple[str, int]]:
    """Read ``kind:count;kind:count`` (a bare ``kind`` counts once)."""
    out = []
    for part in _split_ids(value):
        kind, _, count = part.partition(":")
        out.append((kind.strip(), int(count) if count.strip().isdigit() else 1))
    return out


__all__ = [
    "ACTOR_TYPES",
    "NO_DATE",
    "PRECISIONS",
    "UNATTRIBUTED",
    "actor_counts",
    "actor_sentences",
    "article_index",
    "article_labels",
    "article_overview",
    "boilerplate_by_kind",
    "boilerplate_lines",
    "claims_ledger",
    "cooccurrence",
    "discovered_actors",
    "display_title",
    "display_unit",
    "due_next",
    "events_per_month",
    "events_by_precision",
    "figure_claims",
    "figure_comparisons",
    "figure_conflicts",
    "figures_by_unit",
    "figures_table",
    "format_date",
    "format_interval",
    "format_number",
    "format_range",
    "generic_measure_words",
    "health_summary",
    "how_obtained",
    "kb_candidates",
    "measure_key",
    "most_mentioned",
    "problems_table",
    "repairs_by_article",
    "repairs_by_kind",
    "state_media",
    "story_mentions",
    "theme_matrix",
    "theme_month_matrix",
    "theme_strength_over_time",
    "timeline_frame",
    "timeline_rows",
    "top_theme_sentences",
    "undated_articles",
    "verb_relations",
]
