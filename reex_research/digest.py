"""The digest a report's index shows: what is rising, who is named, what comes due, what changed.

Every function takes a :class:`~reex_research.corpus.Corpus` (or its frames) and returns a small
dataframe or a line of text, bounded whatever the corpus size. :func:`report_state` keeps the few
small tables a later report compares itself with (:func:`changes_since`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from . import analysis as ra
from .corpus import Corpus

MIN_PERIOD_ARTICLES = 5
"""A period with fewer dated articles than this gives a trend a reader should not trust."""
TOP = 10
"""Rows per digest table."""


def health_line(corpus: Corpus) -> str:
    """One line: articles (dated or not), sentences, repairs, boilerplate and problems."""
    articles = corpus.articles
    dated = int(articles["published"].notna().sum())
    problems = corpus.problems
    kinds = problems["kind"].value_counts().sort_index()
    detail = ", ".join(f"{k}: {n}" for k, n in kinds.items())
    inferred = ""
    if "published_source" in articles:
        guessed = int(articles["published_source"].astype("object").fillna("").str.startswith("inferred").sum())
        inferred = f" ({guessed} with an inferred year)" if guessed else ""
    return (f"{len(articles):,} articles ({dated:,} dated{inferred}, {len(articles) - dated:,} undated), "
            f"{len(corpus.sentences):,} sentences, {int(articles['repairs'].sum()):,} text repairs, "
            f"{len(corpus.boilerplate):,} boilerplate lines removed, {len(problems):,} problems"
            + (f" ({detail})" if detail else ""))


def theme_trends(themes: pd.DataFrame, articles: pd.DataFrame, *,
                 min_articles: int = MIN_PERIOD_ARTICLES) -> pd.DataFrame:
    """Return each theme's change between the latest publication month and the one before it.

    Columns: ``theme, latest, previous, score_latest, score_previous, change, articles_latest,
    articles_previous, trust``. The two periods are the last two months that have dated articles;
    a score is the theme's mean score over every article of the month (0 where absent), so a busy
    month is not inflated; ``trust`` is ``"too few articles"`` when either month has fewer than
    ``min_articles``. Rows: largest rise first, then theme.
    """
    columns = ["theme", "latest", "previous", "score_latest", "score_previous", "change",
               "articles_latest", "articles_previous", "trust"]
    strength = ra.theme_strength_over_time(themes, articles)
    months = sorted(m for m in set(strength["month"]) if m != ra.NO_DATE) if not strength.empty else []
    if len(months) < 2:
        return pd.DataFrame(columns=columns)
    latest, previous = months[-1], months[-2]
    now = strength[strength["month"] == latest].set_index("theme")
    before = strength[strength["month"] == previous].set_index("theme")
    out = pd.DataFrame({
        "theme": now.index.astype("object"),
        "latest": latest,
        "previous": previous,
        "score_latest": now["mean_score"].to_numpy(),
        "score_previous": before["mean_score"].reindex(now.index).fillna(0.0).to_numpy(),
    })
    out["change"] = (out["score_latest"] - out["score_previous"]).round(1)
    out["articles_latest"] = int(now["of_articles"].iloc[0])
    out["articles_previous"] = int(before["of_articles"].iloc[0])
    few = min(out["articles_latest"].iloc[0], out["articles_previous"].iloc[0]) < min_articles
    out["trust"] = "too few articles" if few else "ok"
    out = out.sort_values(["change", "theme"], ascending=[False, True], kind="stable")
    return out[columns].reset_index(drop=True)


def rising_and_falling(trends: pd.DataFrame, *, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` themes that rose most and the ``n`` that fell most (each a slice of :func:`theme_trends`)."""
    rising = trends[trends["change"] > 0].head(n)
    falling = trends[trends["change"] < 0].sort_values(["change", "theme"], kind="stable").head(n)
    return rising.reset_index(drop=True), falling.reset_index(drop=True)


def top_actors(corpus: Corpus, *, n: int = TOP, types: tuple[str, ...] = ra.ACTOR_TYPES) -> pd.DataFrame:
    """The ``n`` most-named actors of ``types``: ``name, type, mentions, articles`` (publishers left out)."""
    mentions = ra.story_mentions(corpus.mentions, corpus.articles, corpus.entities)
    counts = ra.actor_counts(mentions, corpus.entities, types=types)
    ranked = counts.sort_values(["articles", "mentions", "name"], ascending=[False, False, True], kind="stable")
    return ranked[["entity_id", "name", "type", "mentions", "articles"]].head(n).reset_index(drop=True)


def new_actors(corpus: Corpus, *, n: int = TOP) -> pd.DataFrame:
    """Actors first named recently: ``name, type, mentions, first_named``.

    An actor is new when every article naming it is dated and from the latest publication month
    (what is new since an earlier report is :func:`changes_since`). Most-named first.
    """
    columns = ["entity_id", "name", "type", "mentions", "first_named"]
    mentions = ra.story_mentions(corpus.mentions, corpus.articles, corpus.entities)
    mentions = mentions[mentions["entity_type"].isin(ra.ACTOR_TYPES)]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    published = corpus.articles.set_index("article_id")["published"]
    dated = mentions.assign(published=mentions["article_id"].map(published))
    first = dated.groupby("entity_id")["published"].min()
    all_dated = dated["published"].notna().groupby(dated["entity_id"]).all()
    counts = dated.groupby("entity_id").size()
    months = published.dropna().dt.strftime("%Y-%m")
    if months.empty:
        return pd.DataFrame(columns=columns)
    latest = pd.Timestamp(f"{months.max()}-01")
    fresh = [e for e in counts.index if all_dated[e] and first[e] >= latest]
    info = corpus.entities.drop_duplicates("entity_id").set_index("entity_id")
    out = pd.DataFrame({
        "entity_id": fresh,
        "name": [info["name"].get(e, e) for e in fresh],
        "type": [info["type"].get(e, "") for e in fresh],
        "mentions": [int(counts[e]) for e in fresh],
        "first_named": [ra.format_date(first[e]) for e in fresh],
    }, columns=columns)
    out = out.sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    return out.head(n).reset_index(drop=True)


def due_soon(corpus: Corpus, as_of: dt.date, *, n: int = TOP) -> pd.DataFrame:
    """The next ``n`` things that come due: each fact once, with how many articles state it."""
    timeline = ra.timeline_frame(corpus.events, corpus.sentences, corpus.articles)
    due = ra.due_next(timeline, as_of)
    return due[["when", "clause", "actors", "articles", "sources"]].head(n).reset_index(drop=True)


def headline_figures(corpus: Corpus, *, n: int = TOP) -> pd.DataFrame:
    """The measures stated in most articles: ``measure, unit, values, claimants, articles``.

    One row per measure and unit (:func:`reex_research.analysis.measure_key`); ``values`` lists the
    distinct values stated (lowest first, at most five), ``claimants`` who states them.
    """
    columns = ["measure", "unit", "values", "claimants", "articles", "claims"]
    claims = ra.figure_claims(corpus.figures)
    claims = claims[claims["measure_key"] != ""] if not claims.empty else claims
    if claims.empty:
        return pd.DataFrame(columns=columns)
    claims = claims.sort_values(["article_id", "start"], kind="stable")
    grouped = claims.groupby(["measure_key", "unit"], sort=True)
    out = grouped.agg(
        measure=("measure", "first"),
        articles=("article_id", "nunique"),
        claims=("surface", "size"),
        claimants=("claimed_by", lambda s: "; ".join(list(dict.fromkeys(s))[:4])),
    ).reset_index()
    values = grouped.apply(lambda g: ", ".join(ra.format_range(lo, hi) for lo, hi in
                                              sorted(set(zip(g["low"], g["high"])))[:5]),
                           include_groups=False)
    out["values"] = [values[(k, u)] for k, u in zip(out["measure_key"], out["unit"])]
    out = out.sort_values(["articles", "claims", "measure"], ascending=[False, False, True], kind="stable")
    return out[columns].head(n).reset_index(drop=True)


# ---------------------------------------------------------------------------- since the last report


@dataclass
class ReportState:
    """The small tables a report keeps so that the next one can say what changed."""

    articles: pd.DataFrame  # article_id, label
    actors: pd.DataFrame  # entity_id, name, mentions
    deadlines: pd.DataFrame  # when, clause, articles (each future fact once)
    themes: pd.DataFrame  # theme, mean_score (over every article)

    FILES: ClassVar[tuple[str, ...]] = ("articles", "actors", "deadlines", "themes")

    def write(self, folder: Path) -> None:
        """Write the tables as CSV files into ``folder``."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        for name in self.FILES:
            getattr(self, name).to_csv(target / f"{name}.csv", index=False)

    @classmethod
    def read(cls, folder: Path) -> ReportState:
        """Read the tables :meth:`write` wrote (text columns as text)."""
        source = Path(folder)
        return cls(**{name: pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)
                      for name in cls.FILES})


def report_state(corpus: Corpus, as_of: dt.date) -> ReportState:
    """What :func:`changes_since` needs of this report, as small tables."""
    labels = ra.article_labels(corpus.articles)
    articles = pd.DataFrame({"article_id": list(labels.index), "label": list(labels.values)})
    mentions = ra.story_mentions(corpus.mentions, corpus.articles, corpus.entities)
    counts = ra.actor_counts(mentions, corpus.entities)
    actors = counts[["entity_id", "name", "mentions"]]
    timeline = ra.timeline_frame(corpus.events, corpus.sentences, corpus.articles)
    deadlines = ra.due_next(timeline, as_of)[["when", "clause", "articles"]]
    matrix = ra.theme_matrix(corpus.themes, corpus.articles)
    themes = pd.DataFrame({"theme": list(matrix.index),
                           "mean_score": [round(float(v), 2) for v in matrix.mean(axis=1)]})
    return ReportState(articles.reset_index(drop=True), actors.reset_index(drop=True),
                       deadlines.reset_index(drop=True), themes)


def changes_since(before: ReportState, now: ReportState, *, n: int = TOP) -> dict[str, pd.DataFrame]:
    """What changed between two reports: ``new_articles``, ``new_actors``, ``new_deadlines``, ``themes``.

    Each is at most ``n`` rows; ``counts`` gives the full numbers (``what, count``). ``themes``
    lists the themes whose mean score moved, largest move first.
    """
    new_articles = now.articles[~now.articles["article_id"].isin(set(before.articles["article_id"]))]
    new_actors = now.actors[~now.actors["entity_id"].isin(set(before.actors["entity_id"]))]
    seen = set(zip(before.deadlines["when"], before.deadlines["clause"]))
    new_deadlines = now.deadlines[[k not in seen for k in zip(now.deadlines["when"], now.deadlines["clause"])]]
    old_scores = before.themes.set_index("theme")["mean_score"].astype(float)
    scores = now.themes.set_index("theme")["mean_score"].astype(float)
    themes = pd.DataFrame({"theme": scores.index,
                           "before": [float(old_scores.get(t, 0.0)) for t in scores.index],
                           "now": scores.to_numpy()})
    themes["change"] = (themes["now"] - themes["before"]).round(2)
    themes = themes[themes["change"] != 0]
    themes = themes.reindex(themes["change"].abs().sort_values(ascending=False, kind="stable").index)
    counts = pd.DataFrame({"what": ["new articles", "new actors", "new deadlines", "themes that moved"],
                           "count": [len(new_articles), len(new_actors), len(new_deadlines), len(themes)]})
    return {
        "counts": counts,
        "new_articles": new_articles[["label"]].head(n).reset_index(drop=True),
        "new_actors": new_actors[["name", "mentions"]].head(n).reset_index(drop=True),
        "new_deadlines": new_deadlines.head(n).reset_index(drop=True),
        "themes": themes.head(n).reset_index(drop=True),
    }
