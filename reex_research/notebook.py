"""What every report notebook starts with, and how it shows a table: bounded, searchable, exported.

A notebook's first code cell after its parameters is::

    page = start(corpus_path, as_of, tables_path)
    corpus = page.corpus

:func:`start` sets the display options and loads the corpus once: from the tables a report run
wrote (``tables_path``, see :func:`reex_research.reports.render_report`) or, when a notebook runs
on its own in JupyterLab, from ``corpus_path`` through the cache. :meth:`Page.show` displays the
first rows of a ranked table (an interactive, offline table in a report; a plain one otherwise),
says how many rows are left out and, in a report, writes the whole table beside it as
``tables/<name>.csv`` so a page stays small at any corpus size.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
import pandas as pd

from .corpus import Corpus, load_corpus
from .errors import InvalidArgumentError

TOP_ROWS = 20
"""Rows a table shows unless told otherwise; the rest is in its CSV file."""
TABLES_FOLDER = "tables"
"""Where a report keeps its full tables, beside the pages."""
_NAME = re.compile(r"^[a-z0-9_]+$")


@dataclass
class Page:
    """One notebook's corpus, as-of date and table display; made by :func:`start`."""

    corpus: Corpus
    as_of: dt.date
    tables_dir: Path | None = None  # set in a report run: full tables are written here
    interactive: bool = False

    def show(self, frame: pd.DataFrame, *, name: str, top: int = TOP_ROWS, columns: list[str] | None = None,
             empty: str = "Nothing to show.") -> None:
        """Display the first ``top`` rows of ``frame`` (already ranked) and say where the rest is.

        ``name`` names the table: in a report the whole of ``frame`` is written to
        ``tables/<name>.csv`` and linked when rows are left out. ``columns`` are those shown (default
        all); the file has every column.
        """
        from IPython.display import display

        if not _NAME.match(name):
            raise InvalidArgumentError(f"table name {name!r}: use lower-case letters, digits and _")
        if frame.empty:
            print(empty)
            return
        if self.tables_dir is not None:
            self.tables_dir.mkdir(parents=True, exist_ok=True)
            frame.to_csv(self.tables_dir / f"{name}.csv", index=False)
        shown = frame.head(top)[columns] if columns is not None else frame.head(top)
        if self.interactive:
            display(_interactive(shown, name), raw=True)
        else:
            display(Table(shown))
        rest = len(frame) - len(shown)
        if rest > 0:
            display(_more_note(rest, name, linked=self.tables_dir is not None), raw=True)


def start(corpus_path: str, as_of: str | dt.date, tables_path: str = "", *,
          cache: bool | Path | str = True) -> Page:
    """Set up a report notebook: display options, charts inline, and the corpus loaded once.

    With ``tables_path`` (a report run) the corpus is read from the Parquet tables there and the
    page shows interactive tables; otherwise it is loaded from ``corpus_path`` (through the cache).
    Prints the corpus's one-line summary.
    """
    as_of_day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))
    _display_options()
    if tables_path:
        corpus = Corpus.read(Path(tables_path) / "corpus")
        page = Page(corpus, as_of_day, tables_dir=Path(tables_path), interactive=True)
        _init_interactive()
    else:
        page = Page(load_corpus(corpus_path, as_of=as_of_day, cache=cache), as_of_day)
    print(page.corpus.summary())
    print(f"as of {as_of_day:%Y-%m-%d}")
    return page


class Table:
    """A dataframe shown without its index; HTML via ``to_html`` with escaping (article text stays text)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        """Wrap ``frame`` for display."""
        self.frame = frame

    def _repr_html_(self) -> str:
        styled = self.frame.to_html(index=False, escape=True, border=0, na_rep="")
        return f'<div class="reex-table">{styled}</div>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False, na_rep="")


# ------------------------------------------------------------------------------------- helpers


def _display_options() -> None:
    """Pandas options for evidence tables (whole sentences), and charts drawn inline."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", TOP_ROWS * 5)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 200)
    pd.set_option("display.precision", 1)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to set up
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")


def _init_interactive() -> None:
    """Load the interactive-table library into the page once, from the installed package (offline)."""
    from IPython.display import HTML, display
    from itables.javascript import generate_init_offline_itables_html
    from itables.utils import find_package_file

    display(HTML(generate_init_offline_itables_html(find_package_file("html", "dt_bundle.js"))))


def _interactive(frame: pd.DataFrame, name: str) -> dict[str, str]:
    """The rows as a searchable, sortable table (HTML) with a plain-text twin."""
    from itables import to_html_datatable

    text = [i for i, column in enumerate(frame.columns) if not pd.api.types.is_numeric_dtype(frame[column])]
    table = to_html_datatable(
        frame.reset_index(drop=True), table_id=f"T_{name}", connected=False, showIndex=False,
        columnDefs=[{"className": "dt-left", "targets": text}] if text else [],
        pageLength=len(frame), lengthMenu=sorted({len(frame), 10, 25, 50}), allow_html=False,
        classes="display compact", style="width:100%;text-align:left", maxBytes=0,
        column_filters=False, autoWidth=False, display_logo_when_loading=False,
        layout={"topStart": "pageLength", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"},
    )
    return {"text/html": table, "text/plain": frame.to_string(index=False, na_rep="")}


def _more_note(rest: int, name: str, *, linked: bool) -> dict[str, str]:
    """``N more rows: see tables/name.csv`` as text and as a link."""
    target = f"{TABLES_FOLDER}/{name}.csv"
    text = f"{rest:,} more rows: see {target}" if linked else f"{rest:,} more rows not shown"
    if not linked:
        return {"text/plain": text}
    link = f'<p class="reex-more">{rest:,} more rows: see <a href="{html.escape(target)}">{html.escape(target)}</a></p>'
    return {"text/html": link, "text/plain": text}

