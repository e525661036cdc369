"""Where the bundled data lives: the corpus, the knowledge base and the parsing rules."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "REEX_DATA_DIR"


def data_dir() -> Path:
    """Return the data folder: ``$REEX_DATA_DIR`` if set, else ``data/`` beside the package."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data"


def kb_dir() -> Path:
    """Return the default knowledge-base folder (``data/kb``)."""
    return data_dir() / "kb"


def rules_dir() -> Path:
    """Return the default parsing-rules folder (``data/rules``)."""
    return data_dir() / "rules"


def bundled_corpus() -> Path:
    """Return the bundled sample corpus (``data/corpus``)."""
    return data_dir() / "corpus"


def notebooks_dir() -> Path:
    """Return the report notebooks folder (``notebooks/`` beside the package)."""
    return Path(__file__).resolve().parent.parent / "notebooks"
