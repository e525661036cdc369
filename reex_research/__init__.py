"""reex_research: turn a folder of rare-earth news articles into tidy, evidence-linked dataframes.

    >>> import reex_research as rr
    >>> corpus = rr.load_corpus("data/corpus")
    >>> corpus.articles, corpus.sentences, corpus.mentions, corpus.events, corpus.figures
"""

from importlib.metadata import PackageNotFoundError, version as _version

from .corpus import Corpus, load_corpus
from .errors import (
    CacheError,
    ClusterError,
    CorpusNotFoundError,
    DecodeError,
    IngestError,
    KnowledgeBaseError,
    NotebookExecutionError,
    ReexError,
    ReportError,
    SchemaError,
)

try:
    __version__ = _version("reex-research")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "CacheError",
    "ClusterError",
    "Corpus",
    "CorpusNotFoundError",
    "DecodeError",
    "IngestError",
    "KnowledgeBaseError",
    "NotebookExecutionError",
    "ReexError",
    "ReportError",
    "SchemaError",
    "__version__",
    "load_corpus",
]
