"""Matplotlib figures with one look: palette, fonts, titles and labelled axes shared by every chart.

Every function takes a frame made by :mod:`reex_research.analysis`, draws inside :func:`style`
(one ``rcParams`` context) and returns the :class:`~matplotlib.figure.Figure`; in a notebook end
the cell with ``plt.show()`` (which displays and closes it) or call :func:`close`. Nothing is
configured at import. Text drawn on a chart is never read as mathtext, so a ``$`` in a name stays
a dollar sign.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import textwrap
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .analysis import NO_DATE

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
)
#: One colour per actor type, per date precision (coarse = light), and for "no data".
TYPE_COLORS: Mapping[str, str] = {
    "organisation": PALETTE[0], "person": PALETTE[1], "place": PALETTE[2], "material": PALETTE[4],
}
PRECISION_COLORS: Mapping[str, str] = {
    "day": PALETTE[3], "month": PALETTE[0], "quarter": PALETTE[2], "half": PALETTE[4], "year": PALETTE[5],
}
MUTED = "#9A9A9A"
HEATMAP_CMAP = "Blues"
MAX_ANNOTATED_COLUMNS = 16
"""A heatmap with more columns than this shows colours only: the numbers would overprint."""
MAX_LINES = 8
"""Most themes one line chart draws (the strongest); the table beside it has every theme."""

STYLE: Mapping[RcKeyType, Any] = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "legend.frameon": False,
    "legend.fontsize": 8,
    "image.cmap": HEATMAP_CMAP,
    "text.parse_math": False,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context in which every chart of this module is drawn (the shared ``rcParams``)."""
    with plt.rc_context(dict(STYLE)):
        yield


def close(fig: Figure | None = None) -> None:
    """Close ``fig`` (or every open figure) so that figures do not pile up in memory."""
    plt.close(fig if fig is not None else "all")


def bar_chart(
    frame: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    xlabel: str,
    color_by: str | None = None,
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """Return a horizontal bar chart of ``frame[value]`` per ``frame[label]``, first row on top."""
    with style():
        fig, ax = plt.subplots(figsize=(8.0, _bar_height(len(frame))))
        if frame.empty:
            _empty(ax, title)
            return fig
        ypos = np.arange(len(frame))[::-1]
        if color_by is not None:
            keys = frame[color_by].astype(str).tolist()
            palette = dict(colors or {})
            for key in keys:
                palette.setdefault(key, PALETTE[len(palette) % len(PALETTE)])
            bar_colors = [palette[k] for k in keys]
        else:
            bar_colors = [PALETTE[0]] * len(frame)
        values = frame[value].astype(float).to_numpy()
        ax.barh(ypos, values, color=bar_colors)
        ax.set_yticks(ypos, [_wrap(v) for v in frame[label].astype(str)])
        for y, v in zip(ypos, values):
            ax.annotate(_number(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
        if color_by is not None:
            seen = list(dict.fromkeys(keys))
            ax.legend(handles=[Patch(color=palette[k], label=k) for k in seen], loc="lower right")
        fig.tight_layout()
        return fig


def actor_bars(counts: pd.DataFrame, *, title: str = "Most-mentioned actors") -> Figure:
    """Return a bar chart of ``analysis.actor_counts`` (mentions per actor, coloured by type)."""
    return bar_chart(counts, label="name", value="mentions", title=title, xlabel="mentions",
                     color_by="type", colors=TYPE_COLORS)


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    colorbar: str,
    fmt: str = "{:.0f}",
) -> Figure:
    """Return a heatmap of ``matrix`` (rows × columns), each cell annotated with its value."""
    with style():
        rows, cols = matrix.shape
        fig, ax = plt.subplots(figsize=(min(16.0, 6.0 + 0.45 * cols), max(2.8, 1.6 + 0.42 * rows)))
        if matrix.empty:
            _empty(ax, title)
            return fig
        values = matrix.to_numpy(dtype=float)
        image = ax.imshow(values, aspect="auto", cmap=HEATMAP_CMAP, vmin=0)
        ax.set_xticks(range(cols), [_short(str(c), 20) for c in matrix.columns], rotation=45, ha="right")
        ax.set_yticks(range(rows), [_wrap(str(r), 36) for r in matrix.index])
        ax.grid(False)
        top = np.nanmax(values) if values.size else 0
        annotate = cols <= MAX_ANNOTATED_COLUMNS
        for (i, j), v in np.ndenumerate(values):
            if v and annotate:
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                        color="white" if top and v > 0.6 * top else "black")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fig.colorbar(image, ax=ax, label=colorbar, shrink=0.8)
        fig.tight_layout()
        return fig


def theme_heatmap(matrix: pd.DataFrame, *, title: str = "Theme strength per publication month") -> Figure:
    """Return the theme × month heatmap of ``analysis.theme_month_matrix`` (mean score per article)."""
    return heatmap(matrix, title=title, xlabel="publication month (articles)", ylabel="theme",
                   colorbar="mean score per article")


def theme_lines(strength: pd.DataFrame, *, title: str = "Theme strength over publication time") -> Figure:
    """Return one line per theme over publication month from ``analysis.theme_strength_over_time``.

    Only the :data:`MAX_LINES` strongest themes are drawn. A month without articles is a gap, not
    a line drawn across it. Rows of undated articles (month ``no date``) are not drawn: the caller
    says how many there are. The lower panel shows how many articles each month has.
    """
    dated = strength[strength["month"] != NO_DATE] if not strength.empty else strength
    with style():
        fig, (ax, counts) = plt.subplots(2, 1, figsize=(9.0, 5.5), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1]})
        if dated.empty:
            _empty(ax, title, "no dated article has a theme")
            counts.set_axis_off()
            return fig
        first, last = pd.Period(min(dated["month"]), "M"), pd.Period(max(dated["month"]), "M")
        months = [str(m) for m in pd.period_range(first, last, freq="M")]
        x = [mdates.date2num(pd.Timestamp(f"{m}-15")) for m in months]
        strongest = (dated.groupby("theme")["mean_score"].mean().sort_values(ascending=False, kind="stable"))
        drawn = [theme for theme in strongest.index if strongest[theme] > 0][:MAX_LINES]
        for k, theme in enumerate(sorted(drawn)):
            rows = dated[dated["theme"] == theme].set_index("month")["mean_score"].reindex(months)
            ax.plot(x, rows.to_numpy(dtype=float), marker="o", markersize=3, color=PALETTE[k % len(PALETTE)],
                    label=_wrap(theme, 34))
        per_month = dated.drop_duplicates("month").set_index("month")["of_articles"].reindex(months).fillna(0)
        counts.bar(x, per_month.to_numpy(dtype=float), width=20, color=MUTED)
        counts.set_ylabel("articles")
        counts.grid(axis="x", visible=False)
        counts.xaxis_date()
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        counts.xaxis.set_major_locator(locator)
        counts.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.margins(x=0.05)
        counts.set_xlabel("publication month")
        ax.set_ylabel("mean score per article")
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        return fig


def network(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    title: str = "Actors named in the same sentence",
    top: int = 24,
    directed: bool = False,
) -> Figure:
    """Return the network of the ``top`` most-mentioned actors: a circle, labels outside it.

    ``nodes`` has ``entity_id, name, type, mentions`` (``analysis.actor_counts``); ``edges`` has
    ``source_id, target_id, weight`` (``analysis.cooccurrence``). Actors are placed around a circle,
    most-mentioned first, grouped by type; each label sits outside its node, turned along the
    radius, so labels never overlap or leave the figure. Nodes are sized by mentions, edges by
    weight; with ``directed`` (verb relations) an arrow points from who does it to whom. Actors
    linked to none of the others are left out. Same data, same picture.
    """
    graph: nx.Graph[str] = nx.DiGraph() if directed else nx.Graph()
    linked = set(edges["source_id"]) | set(edges["target_id"]) if not edges.empty else set()
    ranked = nodes[nodes["entity_id"].isin(linked)].sort_values(["mentions", "name"], ascending=[False, True],
                                                                 kind="stable").head(top)
    order = ranked.sort_values(["type", "mentions", "name"], ascending=[True, False, True], kind="stable")
    for row in order.itertuples(index=False):
        graph.add_node(row.entity_id, name=row.name, type=row.type, mentions=int(row.mentions))
    for row in edges.sort_values(["source_id", "target_id"]).itertuples(index=False):
        if row.source_id in graph and row.target_id in graph:
            weight = int(row.weight) + (graph.edges[row.source_id, row.target_id]["weight"]
                                        if graph.has_edge(row.source_id, row.target_id) else 0)
            graph.add_edge(row.source_id, row.target_id, weight=weight)
    graph.remove_nodes_from(sorted(nx.isolates(graph)))
    with style():
        fig, ax = plt.subplots(figsize=(9.0, 9.0))
        ax.set_axis_off()
        ax.set_title(title)
        if graph.number_of_nodes() == 0:
            _empty(ax, title)
            return fig
        names = list(graph.nodes)
        angles = {n: 2 * math.pi * i / len(names) for i, n in enumerate(names)}
        pos = {n: (math.cos(a), math.sin(a)) for n, a in angles.items()}
        weights = [graph.edges[e]["weight"] for e in graph.edges]
        heaviest = max(weights, default=1)
        widths = [0.5 + 4.0 * w / heaviest for w in weights]
        if directed:
            nx.draw_networkx_edges(graph, pos, ax=ax, edge_color=MUTED, alpha=0.6, width=widths, arrows=True,
                                   arrowstyle="-|>", arrowsize=12)
        else:
            nx.draw_networkx_edges(graph, pos, ax=ax, edge_color=MUTED, alpha=0.6, width=widths)
        top_mentions = max(graph.nodes[n]["mentions"] for n in names)
        sizes = [60 + 700 * np.sqrt(graph.nodes[n]["mentions"] / top_mentions) for n in names]
        colors = [TYPE_COLORS.get(graph.nodes[n]["type"], MUTED) for n in names]
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colors, alpha=0.9)
        for n in names:
            angle = angles[n]
            x, y = 1.09 * math.cos(angle), 1.09 * math.sin(angle)
            degrees = math.degrees(angle)
            flip = 90 < degrees < 270
            ax.text(x, y, _short(graph.nodes[n]["name"], 30), rotation=degrees + 180 if flip else degrees,
                    rotation_mode="anchor", ha="right" if flip else "left", va="center", fontsize=8)
        ax.set_xlim(-1.9, 1.9)
        ax.set_ylim(-1.9, 1.9)
        ax.set_aspect("equal")
        present = sorted({graph.nodes[n]["type"] for n in names})
        ax.legend(handles=[Patch(color=TYPE_COLORS.get(t, MUTED), label=t) for t in present], loc="upper left")
        fig.tight_layout()
        return fig


def events_chart(per_month: pd.DataFrame, *, as_of: dt.date | None = None,
                 title: str = "Dated events by the month they start in") -> Figure:
    """Return stacked bars of ``analysis.events_per_month``: events per month, coloured by precision.

    A dashed line marks ``as_of``; months right of it are still to come.
    """
    with style():
        fig, ax = plt.subplots(figsize=(10.0, 4.0))
        if per_month.empty:
            _empty(ax, title, "no dated events")
            return fig
        table = per_month.pivot_table(index="month", columns="precision", values="events", aggfunc="sum",
                                      fill_value=0)
        x = [mdates.date2num(pd.Timestamp(f"{m}-01")) for m in table.index]
        bottom = np.zeros(len(table))
        for precision in [p for p in PRECISION_COLORS if p in table.columns]:
            values = table[precision].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, width=25, align="edge", color=PRECISION_COLORS[precision],
                   label=precision)
            bottom += values
        ax.xaxis_date()
        locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="x", visible=False)
        if as_of is not None:
            ax.axvline(mdates.date2num(pd.Timestamp(as_of)), color=PALETTE[7], linestyle="--", linewidth=1,
                       label=f"as of {as_of:%Y-%m-%d}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="precision")
        ax.set_xlabel("month the stated interval starts")
        ax.set_ylabel("events")
        ax.set_title(title)
        fig.tight_layout()
        return fig


def claims_chart(claims: pd.DataFrame, *, title: str = "Figures stated for the same measure",
                 top: int = 6, per_group: int = 8) -> Figure:
    """Return one panel per measure with each claim's value (a range is a bar) and who claims it.

    ``claims`` is ``analysis.figure_comparisons``: ``group, measure, unit, status, low, high,
    claimant, label``; conflicting groups are drawn in the conflict colour. Only the first ``top``
    groups (conflicts come first) and ``per_group`` claims of each are drawn.
    """
    groups = list(dict.fromkeys(claims["group"]))[:top] if not claims.empty else []
    claims = claims[claims["group"].isin(groups)].groupby("group", sort=False).head(per_group) if groups else claims
    height = sum(0.9 + 0.3 * int((claims["group"] == g).sum()) for g in groups)
    with style():
        fig, axes = plt.subplots(max(1, len(groups)), 1, squeeze=False, figsize=(8.0, max(2.0, height)))
        if not groups:
            _empty(axes[0][0], title, "no measure is stated by more than one claim")
            return fig
        for ax, group in zip(axes[:, 0], groups):
            rows = claims[claims["group"] == group]
            color = PALETTE[3] if rows["status"].iloc[0] == "conflict" else PALETTE[0]
            ypos = np.arange(len(rows))[::-1]
            for y, row in zip(ypos, rows.itertuples(index=False)):
                if row.high > row.low:
                    ax.plot([row.low, row.high], [y, y], color=color, linewidth=5, solid_capstyle="butt")
                else:
                    ax.plot([row.low], [y], marker="o", color=color, linestyle="none")
            ax.set_yticks(ypos, [_short(f"{c} ({lab})", 44) for c, lab in zip(rows["claimant"], rows["label"])])
            ax.set_ylim(-0.7, len(rows) - 0.3)
            ax.margins(x=0.15)
            ax.grid(axis="y", visible=False)
            ax.set_xlabel(str(rows["unit"].iloc[0]) or "value")
            ax.set_title(_short(f"{group}. {rows['measure'].iloc[0]} — {rows['status'].iloc[0]}", 80), fontsize=9)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
        return fig


# ------------------------------------------------------------------------------------- helpers


def _empty(ax, title: str, message: str = "nothing to show") -> None:
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, transform=ax.transAxes)


def _bar_height(n: int, per_row: float = 0.32) -> float:
    return max(2.2, 1.2 + per_row * n)


def _wrap(text: str, width: int = 30, lines: int = 2) -> str:
    """``text`` wrapped on at most ``lines`` lines of ``width`` characters (the last one cut)."""
    wrapped = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[: lines - 1] + [_short(" ".join(wrapped[lines - 1:]), width)]
    return "\n".join(wrapped)


def _short(text: str, width: int = 32) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


__all__ = [
    "PALETTE", "PRECISION_COLORS", "STYLE", "TYPE_COLORS",
    "actor_bars", "bar_chart", "claims_chart", "close", "events_chart", "heatmap", "network",
    "style", "theme_heatmap", "theme_lines",
]
