"""Exceptions raised by reex_research.

Every error the package raises on purpose derives from :class:`ReexError`::

    ReexError
    ├── InvalidArgumentError  a function was called with a value it cannot use (also a ValueError)
    ├── CorpusNotFoundError   the corpus folder does not exist or is not a folder
    ├── IngestError           one file could not be read, decoded or parsed (strict mode)
    ├── DecodeError           bytes are binary or in no encoding the loader reads
    ├── KnowledgeBaseError    a knowledge-base or rules file is missing or invalid
    ├── SchemaError           a dataframe does not match its declared schema
    ├── CacheError            the cache folder cannot be used
    ├── ClusterError          the Dask engine cannot run (dask missing, cluster failing, dataset unreadable)
    └── ReportError           a report could not be rendered
        └── NotebookExecutionError   a notebook failed while running

Messages say what happened and what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class ReexError(Exception):
    """Raised when anything anticipated fails in reex_research: the base of every error here."""


class InvalidArgumentError(ReexError, ValueError):
    """Raised when an argument has a value the function cannot use; the message lists what it accepts."""


class CorpusNotFoundError(ReexError):
    """Raised when the corpus folder is missing or is not a folder."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        super().__init__(
            f"corpus folder not found: {self.path} — pass a folder that holds .txt, .md, .html "
            f"or .jsonl articles (the bundled sample is data/corpus)"
        )


class IngestError(ReexError):
    """Raised when one input file cannot be loaded and the corpus is loaded with strict=True."""

    def __init__(self, path: Path | str, kind: str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.kind = kind
        self.line = line
        where = f"{self.path}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {kind}: {message}")


class DecodeError(ReexError):
    """Raised when bytes are binary or in no encoding the loader reads; ``kind`` names which."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


class KnowledgeBaseError(ReexError):
    """Raised when a knowledge-base or rules file is missing or invalid."""

    def __init__(
        self, path: Path | str, message: str, *, line: int | None = None, field: str | None = None
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        where = f"{self.path}" + (f", line {line}" if line is not None else "")
        what = f" (field '{field}')" if field else ""
        super().__init__(f"{where}{what}: {message}")


class SchemaError(ReexError):
    """Raised when a dataframe's columns or dtypes differ from its schema."""

    def __init__(self, table: str, message: str) -> None:
        self.table = table
        super().__init__(f"dataframe '{table}': {message}")


class CacheError(ReexError):
    """Raised when the cache folder cannot be created or written."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        super().__init__(f"cache {self.path}: {message}")


class ClusterError(ReexError):
    """Raised when the Dask engine cannot run: dask missing, cluster failing, dataset unreadable."""


class ReportError(ReexError):
    """Raised when a report cannot be rendered (bad parameters, missing notebooks)."""


class NotebookExecutionError(ReportError):
    """Raised when a notebook fails while running; names the notebook and the cell."""

    def __init__(self, notebook: str, cell: int | None, message: str) -> None:
        self.notebook = notebook
        self.cell = cell
        where = f"{notebook}" + (f", cell {cell}" if cell is not None else "")
        super().__init__(f"notebook {where} failed: {message}")
