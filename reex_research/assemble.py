"""The corpus-level tables: per-file rows (Arrow) in, the finished, schema-checked dataframes out.

Repeated articles are dropped (and reported), ``events.is_future`` is computed against the load's
``as_of``, candidate names are counted over the corpus, the ``entities`` table gets one row per
discovered actor (``origin = discovered``) after the knowledge base's, and the ``problems`` table
is completed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .engine import columnar
from .engine.order import select_rows
from .extract.dates import is_future
from .extract.entities import aggregate_candidates
from .read.problem import Problem


def assemble_frames(raw: dict[str, pa.Table], entities: pd.DataFrame, as_of: dt.date,
                    extra_problems: list[Problem]) -> dict[str, pd.DataFrame]:
    """Drop duplicate articles, add the corpus-level tables and columns, return the dataframes."""
    duplicates = _duplicates(raw["articles"])
    if duplicates:
        repeated = pa.array(sorted(duplicates), type=pa.string())
        raw = {table: data if table == "problems" else
               select_rows(data, np.flatnonzero(
                   ~pc.is_in(data["_doc"], value_set=repeated).to_numpy(zero_copy_only=False)))
               for table, data in raw.items()}
    frames = {name: columnar.to_pandas(name, raw[name]) for name in schema.ROW_TABLES
              if name not in schema.INTERNAL_ROWS and name != "problems"}
    events = frames["events"]
    events.insert(schema.columns("events").index("is_future"), "is_future",
                  is_future(events["date_start"], events["date_end"], as_of))
    candidate_rows = raw["candidate_rows"]
    frames["candidates"] = aggregate_candidates(
        list(zip(*(candidate_rows[c].to_pylist() for c in schema.CANDIDATE_ROWS))))
    frames["entities"] = pd.concat([entities, _discovered(raw["discovery_rows"])], ignore_index=True)
    frames["problems"] = pd.concat(
        [schema.frame("problems", [_problem_row(p) for p in extra_problems]),
         columnar.to_pandas("problems", raw["problems"]),
         schema.frame("problems", list(duplicates.values()))],
        ignore_index=True,
    )
    return {name: schema.validate(name, frames[name]) for name in schema.TABLES}


def _discovered(rows: pa.Table) -> pd.DataFrame:
    """One ``entities`` row per discovered actor: its first name and evidence, its most frequent type."""
    columns = {c: rows[c].to_pylist() for c in schema.DISCOVERY_ROWS}
    names: dict[str, str] = {}
    evidence: dict[str, str] = {}
    types: dict[str, Counter[str]] = {}
    for entity_id, name, entity_type, why in zip(columns["entity_id"], columns["name"], columns["entity_type"],
                                                 columns["evidence"]):
        names.setdefault(entity_id, name)
        evidence.setdefault(entity_id, why)
        types.setdefault(entity_id, Counter())[entity_type] += 1
    ids = sorted(names)
    return schema.frame("entities", {
        "entity_id": ids,
        "name": [names[i] for i in ids],
        "type": [min(types[i].items(), key=lambda kv: (-kv[1], kv[0]))[0] for i in ids],
        "subtype": [None] * len(ids),
        "country": [None] * len(ids),
        "parent_id": [None] * len(ids),
        "aliases": [None] * len(ids),
        "origin": ["discovered"] * len(ids),
        "evidence": [evidence[i] for i in ids],
    })


def _duplicates(articles: pa.Table) -> dict[str, dict[str, Any]]:
    """Documents whose clean text repeats an earlier one: ``_doc`` → problem row."""
    ids = articles["article_id"].to_pylist()
    if len(set(ids)) == len(ids):
        return {}
    first: dict[str, str] = {}
    out = {}
    rows = zip(ids, articles["file"].to_pylist(), articles["line"].to_pylist(), articles["_doc"].to_pylist())
    for article_id, file, line, doc in rows:
        if article_id not in first:
            first[article_id] = file if line is None else f"{file}:{line}"
        else:
            out[doc] = {"file": file, "line": line, "kind": "duplicate",
                        "message": f"same clean text as {first[article_id]}; loaded once"}
    return out


def _problem_row(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "kind": problem.kind, "message": problem.message}
