"""Read ``metadata.csv``: per-file titles, dates, URLs, authors and sources supplied beside the articles."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import DecodeError
from .decode import decode_bytes
from .problem import Problem

METADATA_FILE = "metadata.csv"
METADATA_FIELDS = ("title", "date", "url", "author", "source")


def read_metadata_csv(root: Path) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """Read ``metadata.csv`` (column ``file`` plus any of title/date/url/author/source), if present."""
    path = Path(root) / METADATA_FILE
    if not path.exists():
        return {}, []
    try:
        text = decode_bytes(path.read_bytes())[0]
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "file" not in reader.fieldnames:
            return {}, [Problem(METADATA_FILE, None, "bad_metadata", "metadata.csv needs a 'file' column")]
        rows: dict[str, dict[str, str]] = {}
        for row in reader:
            name = (row.get("file") or "").strip()
            if name:
                rows[name] = {k: v.strip() for k in METADATA_FIELDS if (v := (row.get(k) or "")).strip()}
        return rows, []
    except (OSError, DecodeError, csv.Error) as exc:
        return {}, [Problem(METADATA_FILE, None, "bad_metadata", f"cannot read metadata.csv: {exc}")]


def metadata_row(metadata: dict[str, dict[str, str]], name: str, base: str) -> dict[str, str]:
    """The ``metadata.csv`` row of the file at ``name`` (its path in the corpus), else of its base name."""
    return metadata.get(name) or metadata.get(base) or {}
