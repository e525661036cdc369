"""Markdown tables: the cell spans of a table block, its ``tables`` row, and back to a dataframe."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from ... import schema

TABLE_ROW = re.compile(r"^\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def table_cells(lines: list[str]) -> list[list[tuple[int, int]]]:
    """Return the cell spans of each row of a table (rule lines skipped), offsets into its joined lines."""
    cells = []
    offset = 0
    for line in lines:
        if not _TABLE_RULE.match(line):
            cells.append(_cell_spans(line, offset))
        offset += len(line) + 1
    return cells


def _cell_spans(line: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    inner_start = line.index("|") + 1
    inner_end = line.rindex("|")
    position = inner_start
    for cell in line[inner_start:inner_end].split("|"):
        lead = len(cell) - len(cell.lstrip())
        stripped = cell.strip()
        spans.append((offset + position + lead, offset + position + lead + len(stripped)))
        position += len(cell) + 1
    return spans


def table_row(article_id: str, index: int, text: str, base: int, length: int,
              cells: list[list[tuple[int, int]]]) -> dict[str, Any]:
    """Return the ``tables`` row of the table of ``length`` characters at ``base`` in ``text``."""
    rows = [[text[base + s: base + e] for s, e in row] for row in cells]
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    width = max([len(header), *(len(r) for r in body)])
    header = [h or f"column_{i + 1}" for i, h in enumerate(header + [""] * (width - len(header)))]
    body = [r + [""] * (width - len(r)) for r in body]
    return {"article_id": article_id, "table_id": f"{article_id}:t{index:02d}", "position": index,
            "start": base, "end": base + length, "n_rows": len(body), "n_cols": width,
            "columns": " | ".join(header),
            "cells": json.dumps({"columns": header, "data": body}, ensure_ascii=False)}


def table_from_cells(cells: str) -> pd.DataFrame:
    """A parsed table as a dataframe of strings, from its ``tables.cells`` JSON."""
    data = json.loads(cells)
    return pd.DataFrame(data["data"], columns=data["columns"], dtype=schema.STRING)
