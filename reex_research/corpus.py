"""Corpus: load a folder of articles into tidy dataframes, and export them.

:func:`load_corpus` is the one entry point: it lists the files, runs the per-file pipeline
(ingest → repair → parse → extract), gathers the rows into schema-checked dataframes and
returns a :class:`Corpus`. Files that cannot be read become rows of ``corpus.problems``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from . import schema
from .errors import IngestError, ReexError
from .ingest import Problem, iter_documents
from .parse import ArticleRecord, ParseRules, load_parse_rules, parse_document

ExportFormat = Literal["parquet", "csv"]
LENIENT_KINDS = frozenset({"unsupported_format", "duplicate"})
ARTICLE_TABLES = ("articles", "highlights", "paragraphs", "sentences", "tables", "boilerplate")


@dataclass
class Corpus:
    """The dataframes of one loaded corpus; every derived row points at a sentence."""

    root: Path
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(f"Corpus has no table '{name}'; tables: {', '.join(frames)}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.frames))

    @property
    def names(self) -> list[str]:
        """Names of the dataframes this corpus holds."""
        return list(self.frames)

    def table_frame(self, table_id: str) -> pd.DataFrame:
        """Return the parsed table ``table_id`` as a dataframe of strings."""
        match = self.frames["tables"].loc[self.frames["tables"]["table_id"] == table_id, "frame"]
        if match.empty:
            raise ReexError(f"no table '{table_id}' in this corpus; see corpus.tables.table_id")
        return match.iloc[0]

    def summary(self) -> str:
        """One line: what was loaded and what went wrong."""
        f = self.frames
        problems = f["problems"]
        kinds = problems["kind"].value_counts().sort_index()
        detail = ", ".join(f"{k}: {n}" for k, n in kinds.items())
        parts = [
            f"{len(f['articles'])} articles",
            f"{len(f['sentences'])} sentences",
            f"{int(f['articles']['repairs'].sum())} text repairs",
            f"{len(f['boilerplate'])} boilerplate lines removed",
        ]
        for name, label in (("mentions", "mentions"), ("events", "dated events"), ("figures", "figures")):
            if name in f:
                parts.append(f"{len(f[name])} {label}")
        parts.append(f"{len(problems)} problems" + (f" ({detail})" if detail else ""))
        return f"{self.root}: " + ", ".join(parts)

    def export(self, out: Path | str, *, format: ExportFormat = "parquet") -> list[Path]:
        """Write every dataframe to ``out`` as Parquet or CSV; return the files written."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.frames.items():
            frame = _serialisable(frame)
            path = out / f"{name}.{format}"
            if format == "parquet":
                frame.to_parquet(path, index=False)
            elif format == "csv":
                frame.to_csv(path, index=False)
            else:
                raise ReexError(f"unknown export format '{format}'; use 'parquet' or 'csv'")
            written.append(path)
        return written


def load_corpus(
    path: Path | str,
    *,
    strict: bool = False,
    rules: ParseRules | None = None,
    progress: bool = False,
) -> Corpus:
    """Load every article under ``path`` into a :class:`Corpus`.

    With ``strict=True`` the first file that cannot be read raises an :class:`IngestError`
    naming it; otherwise it becomes a row of ``corpus.problems`` and the rest still loads.
    """
    root = Path(path)
    rules = rules or load_parse_rules()
    records: list[ArticleRecord] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    results = iter_documents(root)
    for result in _progress(results, progress):
        _check(result.problems, strict, root)
        problems.extend(result.problems)
        for document in result.documents:
            record = parse_document(document, rules)
            where = document.file + (f":{document.line}" if document.line else "")
            if record is None:
                problems.append(Problem(document.file, document.line, "no_content",
                                        "nothing of the article is left once boilerplate is removed"))
                _check(problems[-1:], strict, root)
                continue
            _check(record.problems, strict, root)
            problems.extend(record.problems)
            article_id = record.article["article_id"]
            if article_id in seen:
                problems.append(Problem(document.file, document.line, "duplicate",
                                        f"same clean text as {seen[article_id]}; loaded once"))
                continue
            seen[article_id] = where
            records.append(record)
    return Corpus(root=root, frames=_frames(records, problems))


def _check(problems: Iterable[Problem], strict: bool, root: Path) -> None:
    if not strict:
        return
    for problem in problems:
        if problem.kind not in LENIENT_KINDS:
            raise IngestError(root / problem.file, problem.kind,
                              f"{problem.message} (fix or remove the file, or load without strict=True)",
                              line=problem.line)


def _frames(records: list[ArticleRecord], problems: list[Problem]) -> dict[str, pd.DataFrame]:
    frames = {
        "articles": schema.frame("articles", [r.article for r in records]),
        "highlights": schema.frame("highlights", [row for r in records for row in r.highlights]),
        "paragraphs": schema.frame("paragraphs", [row for r in records for row in r.paragraphs]),
        "sentences": schema.frame("sentences", [row for r in records for row in r.sentences]),
        "tables": schema.frame("tables", [row for r in records for row in r.tables]),
        "boilerplate": schema.frame("boilerplate", [row for r in records for row in r.boilerplate]),
        "problems": schema.frame("problems", [p.__dict__ if hasattr(p, "__dict__") else
                                              {"file": p.file, "line": p.line, "kind": p.kind,
                                               "message": p.message} for p in problems]),
    }
    for name, frame in frames.items():
        schema.validate(name, frame)
    return frames


def _serialisable(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace columns holding Python objects (table frames) with JSON text for export."""
    if "frame" not in frame.columns:
        return frame
    out = frame.copy()
    out["frame"] = [json.dumps(f.to_dict(orient="split"), ensure_ascii=False) if isinstance(f, pd.DataFrame)
                    else None for f in out["frame"]]
    return out.rename(columns={"frame": "frame_json"})


def _progress(items: Iterable, enabled: bool) -> Iterable:
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc="loading articles", unit="file")


def today() -> dt.date:
    """Today's date (one place to read the clock)."""
    return dt.date.today()
