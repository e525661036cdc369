"""The report's index page: the digest an analyst reads first, as one self-contained HTML page.

:func:`digest_page` takes a loaded corpus and writes, in this order: corpus health in one line;
what changed since the last report of the same corpus; rising and falling themes (with the
articles behind each period and a warning when too few); the most-named and the new actors; the
next things that come due; headline figures and who claims them; links to the pages and to the
full tables; provenance. Every table is a few rows whatever the corpus size; all text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from . import digest
from .corpus import Corpus
from .digest import ReportState

STYLE = """
    body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem;
           line-height: 1.45; color: #222; }
    h1 { margin-bottom: 0.2rem; }
    h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
    table { border-collapse: collapse; margin: 0.5rem 0 1rem; width: 100%; }
    th, td { text-align: left; vertical-align: top; padding: 0.25rem 0.6rem 0.25rem 0; }
    th { font-weight: 600; border-bottom: 1px solid #ccc; }
    td { border-bottom: 1px solid #eee; overflow-wrap: break-word; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    .health { font-size: 1.05rem; color: #333; }
    .muted { color: #777; font-size: 0.9em; }
    .warn { color: #8a4b00; background: #fff4e0; padding: 0.3rem 0.6rem; border-radius: 4px; }
    .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
    @media (max-width: 50rem) { .cols { grid-template-columns: 1fr; } }
    code { word-break: break-all; }
"""


def digest_page(
    corpus: Corpus,
    as_of: dt.date,
    *,
    pages: Sequence[tuple[str, str]],
    tables: Sequence[str],
    previous: tuple[str, ReportState] | None,
    provenance: Mapping[str, str],
    parameters: Mapping[str, Any],
    rendered_at: dt.datetime,
    sections: str | None = None,
) -> str:
    """Return the index page of a report of ``corpus`` (see the module docstring for its sections).

    ``pages`` are ``(stem, title)`` of the rendered notebooks, ``tables`` the full-table files
    (paths relative to the report), ``previous`` the day and state of the last report of the same
    corpus, if any. ``sections`` is :func:`digest_sections` when already computed.
    """
    e = html.escape
    day = e(as_of.isoformat())
    body = "\n".join([
        f"<h1>Rare-earth news report {day}</h1>",
        sections if sections is not None else digest_sections(corpus, as_of, previous),
        _links(pages, tables),
        _provenance(provenance, parameters, rendered_at),
    ])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Rare-earth news report {day}</title>
  <style>{STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def digest_sections(corpus: Corpus, as_of: dt.date, previous: tuple[str, ReportState] | None) -> str:
    """The digest's sections as HTML: health, changes since ``previous``, themes, actors, due, figures."""
    e = html.escape
    parts = [f'<p class="health">{e(digest.health_line(corpus))}</p>']
    if corpus.articles.empty:
        parts.append("<p>There is nothing to show: the corpus holds no article. Add .txt, .md, .html or "
                     ".jsonl articles to the corpus folder and render the report again.</p>")
        return "\n".join(parts)
    if previous is not None:
        parts.append(_since(previous, digest.report_state(corpus, as_of)))
    parts.append(_themes(corpus))
    parts.append(_actors(corpus))
    parts.append(_section("What comes due next", digest.due_soon(corpus, as_of),
                          "Nothing the articles state comes due after the report date.",
                          note="Each stated date once, soonest first, with the number of articles "
                               "stating it; the timeline page has every statement.",
                          link="04_timeline.html"))
    parts.append(_section("Headline figures", digest.headline_figures(corpus),
                          "The articles state no figure with a measure.",
                          note="The measures stated in most articles, their values and who claims them; "
                               "conflicting values are on the figures page.",
                          link="05_figures.html"))
    return "\n".join(parts)


def _since(previous: tuple[str, ReportState], now: ReportState) -> str:
    day, before = previous
    changes = digest.changes_since(before, now)
    counts = ", ".join(f"{int(n):,} {what}" for what, n in zip(changes["counts"]["what"], changes["counts"]["count"]))
    blocks = [f"<h2>Since the last report ({html.escape(day)})</h2>", f"<p>{html.escape(counts)}</p>"]
    for key, title in (("new_articles", "New articles"), ("new_actors", "New actors"),
                       ("new_deadlines", "New dated deadlines"), ("themes", "Themes that moved")):
        if not changes[key].empty:
            blocks.append(f"<h3>{title}</h3>{_table(changes[key])}")
    return "\n".join(blocks)


def _themes(corpus: Corpus) -> str:
    trends = digest.theme_trends(corpus.themes, corpus.articles)
    head = '<h2>Themes rising and falling <a class="muted" href="02_themes.html">(themes page)</a></h2>'
    if trends.empty:
        return head + "<p>Fewer than two months have dated articles: no trend to show.</p>"
    first = trends.iloc[0]
    note = (f"<p>Mean theme score per article in {html.escape(str(first['latest']))} "
            f"({int(first['articles_latest'])} articles) against {html.escape(str(first['previous']))} "
            f"({int(first['articles_previous'])} articles).</p>")
    if first["trust"] != "ok":
        note += (f'<p class="warn">A period has fewer than {digest.MIN_PERIOD_ARTICLES} articles: '
                 f"these changes may be chance.</p>")
    rising, falling = digest.rising_and_falling(trends)
    shown = ["theme", "score_previous", "score_latest", "change"]
    return (head + note + '<div class="cols"><div><h3>Rising</h3>'
            + (_table(rising[shown]) if not rising.empty else "<p>No theme rose.</p>")
            + "</div><div><h3>Falling</h3>"
            + (_table(falling[shown]) if not falling.empty else "<p>No theme fell.</p>") + "</div></div>")


def _actors(corpus: Corpus) -> str:
    top = digest.top_actors(corpus)
    new = digest.new_actors(corpus)
    materials = digest.top_actors(corpus, n=5, types=("material",))
    head = '<h2>Actors <a class="muted" href="03_actors.html">(actors page)</a></h2>'
    return (head + '<div class="cols"><div><h3>Most named</h3>'
            + (_table(top[["name", "type", "articles", "mentions"]]) if not top.empty else "<p>No actor is named.</p>")
            + "</div><div><h3>New in the latest month</h3>"
            + (_table(new[["name", "type", "mentions", "first_named"]]) if not new.empty
               else "<p>No actor is named only in the latest month's articles.</p>")
            + "<h3>Materials</h3>"
            + (_table(materials[["name", "articles", "mentions"]]) if not materials.empty else "<p>No material is named.</p>")
            + "</div></div>")


def _section(title: str, frame: pd.DataFrame, empty: str, *, note: str, link: str) -> str:
    head = f'<h2>{html.escape(title)} <a class="muted" href="{html.escape(link)}">(details)</a></h2>'
    return head + f'<p class="muted">{html.escape(note)}</p>' + (_table(frame) if not frame.empty
                                                                else f"<p>{html.escape(empty)}</p>")


def _links(pages: Sequence[tuple[str, str]], tables: Sequence[str]) -> str:
    e = html.escape
    page_items = "\n".join(f'<li><a href="{e(stem)}.html">{e(title)}</a> '
                           f'<span class="muted">(<a href="{e(stem)}.ipynb">notebook</a>)</span></li>'
                           for stem, title in pages)
    by_name: dict[str, list[str]] = {}
    for path in tables:
        by_name.setdefault(path.rsplit(".", 1)[0], []).append(path)
    rows = []
    for stem, paths in sorted(by_name.items(), key=lambda kv: (kv[0].count("/"), kv[0])):
        where, _, name = stem.rpartition("/")
        group = "corpus" if where.endswith("corpus") else "page"
        files = " · ".join(f'<a href="{e(p)}">{e(p.rsplit(".", 1)[1])}</a>' for p in sorted(paths))
        rows.append(f"<tr><td>{e(name)}</td><td>{group}</td><td>{files}</td></tr>")
    return (f"<h2>Pages</h2><ol>{page_items}</ol>"
            f'<h2>Full tables</h2><p class="muted">Every row behind the pages: the corpus\'s tables '
            f"(one row per article, sentence, mention, event, figure…) and each page's tables in full.</p>"
            f"<table><thead><tr><th>table</th><th>of</th><th>files</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _provenance(provenance: Mapping[str, str], parameters: Mapping[str, Any], rendered_at: dt.datetime) -> str:
    e = html.escape
    rows = dict(provenance)
    rows.update({f"parameter {key}": str(value) for key, value in parameters.items()})
    rows["rendered at"] = rendered_at.isoformat()
    body = "\n".join(f"<tr><th>{e(k)}</th><td><code>{e(str(v))}</code></td></tr>" for k, v in rows.items())
    return f"<h2>Provenance</h2><table>{body}</table>"


def _table(frame: pd.DataFrame) -> str:
    """A small table, escaped; numbers right-aligned, text left-aligned and wrapped."""
    e = html.escape
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(f'<th{" class=num" if c in numeric else ""}>{e(str(c).replace("_", " "))}</th>'
                   for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(f'<td{" class=num" if c in numeric else ""}>{e(_text(v))}</td>'
                        for c, v in zip(frame.columns, values))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
