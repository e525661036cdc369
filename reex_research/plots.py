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
from collections.abc import Iterator, Mapping

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .analysis import NO_DATE

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
SEED = 7  # layout seed: the same graph is drawn the same way every time

STYLE: Mapping[str, object] = {
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
        ax.set_yticks(ypos, [_short(v) for v in frame[label].astype(str)])
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
        fig, ax = plt.subplots(figsize=(min(16.0, 6.0 + 0.6 * cols), max(2.8, 1.6 + 0.38 * rows)))
        if matrix.empty:
            _empty(ax, title)
            return fig
        values = matrix.to_numpy(dtype=float)
        image = ax.imshow(values, aspect="auto", cmap=HEATMAP_CMAP, vmin=0)
        ax.set_xticks(range(cols), [_short(str(c), 20) for c in matrix.columns], rotation=45, ha="right")
        ax.set_yticks(range(rows), [_short(str(r), 40) for r in matrix.index])
        ax.grid(False)
        top = np.nanmax(values) if values.size else 0
        for (i, j), v in np.ndenumerate(values):
            if v:
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                        color="white" if top and v > 0.6 * top else "black")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fig.colorbar(image, ax=ax, label=colorbar, shrink=0.8)
        fig.tight_layout()
        return fig


def theme_heatmap(matrix: pd.DataFrame, *, title: str = "Theme strength per article") -> Figure:
    """Return the theme × article heatmap of ``analysis.theme_matrix`` (score, % of sentences)."""
    return heatmap(matrix, title=title, xlabel="article", ylabel="theme",
                   colorbar="score (weighted % of sentences)")


def theme_lines(strength: pd.DataFrame, *, title: str = "Theme strength over publication time") -> Figure:
    """Return one line per theme over publication month from ``analysis.theme_strength_over_time``.

    Rows of undated articles (month ``no date``) are not drawn: the caller says how many there are.
    Themes that no dated article has are left out of the chart.
    """
    dated = strength[strength["month"] != NO_DATE] if not strength.empty else strength
    with style():
        fig, ax = plt.subplots(figsize=(9.0, 4.5))
        if dated.empty:
            _empty(ax, title, "no dated article has a theme")
            return fig
        drawn = [(theme, rows) for theme, rows in dated.groupby("theme", sort=True) if rows["mean_score"].max() > 0]
        for k, (theme, rows) in enumerate(drawn):
            rows = rows.sort_values("month")
            x = [mdates.date2num(pd.Timestamp(f"{m}-15")) for m in rows["month"]]
            ax.plot(x, rows["mean_score"], marker="o", markersize=4, color=PALETTE[k % len(PALETTE)],
                    linestyle="-" if k < len(PALETTE) else "--", label=_short(theme, 40))
        ax.xaxis_date()
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.margins(x=0.08)
        ax.set_xlabel("publication month")
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
    seed: int = SEED,
) -> Figure:
    """Return the co-occurrence network: nodes sized by mentions and coloured by type, edges by weight.

    ``nodes`` has ``entity_id, name, type, mentions`` (``analysis.actor_counts``); ``edges`` has
    ``source_id, target_id, weight`` (``analysis.cooccurrence``). Actors named with no other actor
    are left out. The layout is ForceAtlas2 (hubs in the middle, clusters apart) from a fixed
    ``seed``: same data, same picture.
    """
    graph = nx.Graph()
    for row in nodes.sort_values("entity_id").itertuples(index=False):
        graph.add_node(row.entity_id, name=row.name, type=row.type, mentions=int(row.mentions))
    for row in edges.sort_values(["source_id", "target_id"]).itertuples(index=False):
        if row.source_id in graph and row.target_id in graph:
            graph.add_edge(row.source_id, row.target_id, weight=int(row.weight))
    graph.remove_nodes_from(sorted(nx.isolates(graph)))
    with style():
        fig, ax = plt.subplots(figsize=(8.0, 6.0))
        ax.set_axis_off()
        ax.set_title(title)
        if graph.number_of_nodes() == 0:
            _empty(ax, title)
            return fig
        pos = nx.forceatlas2_layout(graph, seed=seed, max_iter=400, gravity=3.0, scaling_ratio=4.0,
                                    distributed_action=True)
        weights = [graph.edges[e]["weight"] for e in graph.edges]
        top = max(weights, default=1)
        nx.draw_networkx_edges(graph, pos, ax=ax, edge_color=MUTED, alpha=0.7,
                               width=[0.6 + 3.0 * w / top for w in weights])
        top_mentions = max(graph.nodes[n]["mentions"] for n in graph.nodes)
        sizes = [60 + 900 * np.sqrt(graph.nodes[n]["mentions"] / top_mentions) for n in graph.nodes]
        colors = [TYPE_COLORS.get(graph.nodes[n]["type"], MUTED) for n in graph.nodes]
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colors, alpha=0.85)
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=7, verticalalignment="bottom",
                                labels={n: _short(graph.nodes[n]["name"], 28) for n in graph.nodes})
        present = sorted({graph.nodes[n]["type"] for n in graph.nodes})
        ax.legend(handles=[Patch(color=TYPE_COLORS.get(t, MUTED), label=t) for t in present],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        return fig


def timeline(
    events: pd.DataFrame,
    *,
    as_of: dt.date | None = None,
    title: str = "Dated events by precision",
) -> Figure:
    """Return events on a time axis: a day is a point, coarser dates are bars over their interval.

    ``events`` is ``analysis.timeline_rows`` (one row per event, its ``event`` text on the y axis).
    A dashed line marks ``as_of``.
    """
    with style():
        fig, ax = plt.subplots(figsize=(9.0, _bar_height(len(events), per_row=0.3)))
        if events.empty:
            _empty(ax, title, "no dated events")
            return fig
        ypos = np.arange(len(events))[::-1]
        for y, row in zip(ypos, events.itertuples(index=False)):
            color = PRECISION_COLORS.get(row.precision, MUTED)
            start = mdates.date2num(pd.Timestamp(row.date_start))
            end = mdates.date2num(pd.Timestamp(row.date_end) + pd.Timedelta(days=1))
            if row.precision == "day" and end - start <= 1.0:
                ax.plot([start], [y], marker="o", markersize=5, color=color, linestyle="none")
            else:
                ax.barh([y], [end - start], left=[start], height=0.6, color=color, alpha=0.75)
        ax.set_yticks(ypos, [_short(str(v), 56) for v in events["event"]])
        ax.xaxis_date()
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y", visible=False)
        handles = [Line2D([], [], marker="o", linestyle="none", color=PRECISION_COLORS["day"], label="day")]
        handles += [Patch(color=PRECISION_COLORS[p], alpha=0.75, label=p) for p in ("month", "quarter", "half", "year")
                    if p in set(events["precision"])]
        if as_of is not None:
            ax.axvline(mdates.date2num(pd.Timestamp(as_of)), color=PALETTE[7], linestyle="--", linewidth=1)
            handles.append(Line2D([], [], color=PALETTE[7], linestyle="--", label=f"as of {as_of:%Y-%m-%d}"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_xlabel("date (interval the text states)")
        ax.set_title(title)
        fig.tight_layout()
        return fig


def claims_chart(claims: pd.DataFrame, *, title: str = "Figures stated for the same measure") -> Figure:
    """Return one panel per measure with each claim's value (a range is a bar) and who claims it.

    ``claims`` is ``analysis.figure_comparisons``: ``group, measure, unit, status, low, high,
    claimant, label``; conflicting groups are drawn in the conflict colour.
    """
    groups = list(dict.fromkeys(claims["group"])) if not claims.empty else []
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


def setup_notebook() -> None:
    """Set pandas display options for evidence tables: whole sentences, up to 200 rows."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.min_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 200)
    pd.set_option("display.precision", 1)


class Table:
    """A dataframe shown without its index; HTML via ``to_html`` with escaping (article text stays text)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        """Wrap ``frame`` for display."""
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False, escape=True, border=0, na_rep="")

    def __repr__(self) -> str:
        return self.frame.to_string(index=False, na_rep="")


def show(frame: pd.DataFrame, *, empty: str = "Nothing to show.") -> None:
    """Display ``frame`` as a :class:`Table`, or print ``empty`` when it has no rows."""
    from IPython.display import display

    if frame.empty:
        print(empty)
    else:
        display(Table(frame))


# ------------------------------------------------------------------------------------- helpers


def _empty(ax, title: str, message: str = "nothing to show") -> None:
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, transform=ax.transAxes)


def _bar_height(n: int, per_row: float = 0.32) -> float:
    return max(2.2, 1.2 + per_row * n)


def _short(text: str, width: int = 32) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


__all__ = [
    "PALETTE", "PRECISION_COLORS", "STYLE", "TYPE_COLORS", "Table",
    "actor_bars", "bar_chart", "claims_chart", "close", "heatmap", "network", "setup_notebook", "show",
    "style", "theme_heatmap", "theme_lines", "timeline",
]
