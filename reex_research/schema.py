"""Column names, dtypes and order of every dataframe, in one place, with validation.

Each table is a tuple of ``(column, dtype)``. :func:`empty` builds an empty frame with the right
dtypes, :func:`frame` turns gathered columns into a frame, :func:`validate` checks one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from .errors import SchemaError

STR = "string"
# Text columns are Arrow-backed: the rows travel, are cached and are combined as Arrow tables
# (reex_research.columnar), so a dataframe wraps them without building a Python string per value.
STRING = pd.StringDtype("pyarrow")
INT = "int64"
OPT_INT = "Int64"
FLOAT = "float64"
BOOL = "bool"
DATE = "datetime64[ns]"

SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("article_id", STR),
        ("file", STR),
        ("line", OPT_INT),
        ("format", STR),
        ("encoding", STR),
        ("title", STR),
        ("title_source", STR),
        ("headline", STR),
        ("published", DATE),
        ("published_source", STR),
        ("author", STR),
        ("url", STR),
        ("source", STR),
        ("publisher", STR),
        ("disclaimer", STR),
        ("is_state_media_sourced", BOOL),
        ("repairs", INT),
        ("repair_kinds", STR),
        ("n_highlights", INT),
        ("n_paragraphs", INT),
        ("n_sentences", INT),
        ("n_boilerplate", INT),
        ("n_chars", INT),
        ("text", STR),
    ),
    "highlights": (
        ("article_id", STR),
        ("highlight_id", STR),
        ("position", INT),
        ("start", INT),
        ("end", INT),
        ("text", STR),
    ),
    "paragraphs": (
        ("article_id", STR),
        ("paragraph_id", STR),
        ("position", INT),
        ("kind", STR),
        ("section", STR),
        ("start", INT),
        ("end", INT),
        ("text", STR),
    ),
    "sentences": (
        ("article_id", STR),
        ("sentence_id", STR),
        ("paragraph_id", STR),
        ("position", INT),
        ("block", STR),
        ("start", INT),
        ("end", INT),
        ("text", STR),
    ),
    "tables": (
        ("article_id", STR),
        ("table_id", STR),
        ("position", INT),
        ("start", INT),
        ("end", INT),
        ("n_rows", INT),
        ("n_cols", INT),
        ("columns", STR),
        ("cells", STR),  # {"columns": [...], "data": [[...], ...]}: see Corpus.table_frame
    ),
    "boilerplate": (
        ("article_id", STR),
        ("file", STR),
        ("line", INT),
        ("rule", STR),
        ("kind", STR),
        ("text", STR),
    ),
    "problems": (
        ("file", STR),
        ("line", OPT_INT),
        ("kind", STR),
        ("message", STR),
    ),
    "entities": (
        ("entity_id", STR),
        ("name", STR),
        ("type", STR),
        ("subtype", STR),
        ("country", STR),
        ("parent_id", STR),
        ("aliases", STR),
        ("origin", STR),
        ("evidence", STR),
    ),
    "mentions": (
        ("article_id", STR),
        ("sentence_id", STR),
        ("entity_id", STR),
        ("entity_type", STR),
        ("surface", STR),
        ("start", INT),
        ("end", INT),
        ("origin", STR),
        ("evidence", STR),
    ),
    "candidates": (
        ("name", STR),
        ("count", INT),
        ("n_articles", INT),
        ("example_article_id", STR),
        ("example_sentence_id", STR),
        ("example_sentence", STR),
    ),
    "relations": (
        ("article_id", STR),
        ("sentence_id", STR),
        ("source_id", STR),
        ("target_id", STR),
        ("source_type", STR),
        ("target_type", STR),
        ("kind", STR),
        ("verb", STR),
        ("negated", BOOL),
        ("hedged", BOOL),
        ("start", OPT_INT),
        ("end", OPT_INT),
    ),
    "themes": (
        ("article_id", STR),
        ("theme_id", STR),
        ("theme", STR),
        ("hits", INT),
        ("score", FLOAT),
    ),
    "theme_hits": (
        ("article_id", STR),
        ("sentence_id", STR),
        ("theme_id", STR),
        ("term", STR),
        ("start", INT),
        ("end", INT),
    ),
    "events": (
        ("article_id", STR),
        ("sentence_id", STR),
        ("surface", STR),
        ("start", INT),
        ("end", INT),
        ("date_start", DATE),
        ("date_end", DATE),
        ("precision", STR),
        ("date_source", STR),
        ("is_future", BOOL),
        ("clause", STR),
        ("subject", STR),
        ("predicate", STR),
        ("actors", STR),
    ),
    "figures": (
        ("article_id", STR),
        ("sentence_id", STR),
        ("surface", STR),
        ("start", INT),
        ("end", INT),
        ("value", FLOAT),
        ("unit", STR),
        ("currency", STR),
        ("currency_source", STR),
        ("scale", STR),
        ("qualifier", STR),
        ("measure", STR),
        ("claimed_by", STR),
        ("claim_source", STR),
    ),
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)

ROW_TABLES = ("articles", "highlights", "paragraphs", "sentences", "tables", "boilerplate",
              "mentions", "relations", "theme_hits", "themes", "events", "figures", "candidate_rows",
              "discovery_rows", "problems")
"""Tables whose rows come from one document each (``candidate_rows`` feeds the candidates table,
``discovery_rows`` the discovered actors of the entities table)."""
CANDIDATE_ROWS = ("article_id", "name", "sentence_id", "sentence_text")
"""Columns of ``candidate_rows``: one row per candidate name found, before the corpus counts them."""
DISCOVERY_ROWS = ("article_id", "entity_id", "name", "entity_type", "evidence")
"""Columns of ``discovery_rows``: one row per actor an article names that the knowledge base lacks."""
INTERNAL_ROWS = {"candidate_rows": CANDIDATE_ROWS, "discovery_rows": DISCOVERY_ROWS}
"""Row tables the corpus turns into other tables; every column is text."""
CORPUS_LEVEL = {"events": ("is_future",)}
"""Columns computed over the whole corpus (or the load's ``as_of``), not carried by the rows."""


def columns(table: str) -> list[str]:
    """Return the ordered column names of ``table``."""
    return [name for name, _ in _schema(table)]


def empty(table: str) -> pd.DataFrame:
    """Return an empty dataframe with the columns and dtypes of ``table``."""
    return frame(table, {name: [] for name in columns(table)})


def frame(table: str, data: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Return a dataframe of ``table`` built from gathered columns (or row dicts), cast to schema."""
    schema = _schema(table)
    if not isinstance(data, Mapping):
        rows = list(data)
        data = {name: [row.get(name) for row in rows] for name, _ in schema}
    missing = [name for name, _ in schema if name not in data] if data else []
    if missing and any(len(v) for v in data.values()):
        raise SchemaError(table, f"missing columns {missing}")
    return pd.DataFrame({name: _column(data.get(name, []), dtype) for name, dtype in schema})


def validate(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` has exactly the columns and dtypes of ``table``; return it unchanged."""
    schema = _schema(table)
    expected = [name for name, _ in schema]
    if list(df.columns) != expected:
        raise SchemaError(table, f"columns {list(df.columns)} differ from schema {expected}")
    for (name, dtype), actual in zip(schema, df.dtypes):
        if str(actual) != _dtype_name(dtype):
            raise SchemaError(table, f"column '{name}' has dtype {actual}, expected {dtype}")
    return df


@cache
def _dtype_name(dtype: str) -> str:
    """How pandas names ``dtype`` once a column has it."""
    return str(pd.Series([], dtype=dtype).dtype)


def _schema(table: str) -> tuple[tuple[str, str], ...]:
    try:
        return SCHEMAS[table]
    except KeyError:
        raise SchemaError(table, f"unknown table; known tables: {', '.join(SCHEMAS)}") from None


def _column(values: Sequence[Any], dtype: str) -> Any:
    """One column from a list (or Series), converted straight to its dtype."""
    if isinstance(values, pd.Series):
        values = values.tolist()
    if dtype == DATE:
        return pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce").astype(DATE)
    if dtype == STR:
        return pd.array(values, dtype=STRING)
    if dtype in (INT, FLOAT, BOOL):
        return np.asarray(values, dtype=dtype)
    return pd.array(values, dtype=dtype)


@cache
def row_columns(table: str) -> tuple[str, ...]:
    """Columns the per-file pipeline fills in for a row table: its schema less corpus-level columns."""
    if table in INTERNAL_ROWS:
        return INTERNAL_ROWS[table]
    skip = CORPUS_LEVEL.get(table, ())
    return tuple(c for c in columns(table) if c not in skip)
