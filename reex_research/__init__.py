"""reex_research: turn a folder of rare-earth news articles into tidy, evidence-linked dataframes.

    >>> import reex_research as rr
    >>> corpus = rr.load_corpus("data/corpus")
    >>> corpus.articles, corpus.sentences, corpus.mentions, corpus.events, corpus.figures
"""

from .corpus import Corpus, load_corpus
from .errors import (
    CacheError,
    ClusterError,
    CorpusNotFoundError,
    DecodeError,
    IngestError,
    InvalidArgumentError,
    KnowledgeBaseError,
    NotebookExecutionError,
    ReexError,
    ReportError,
    SchemaError,
)
from .version import __version__

__all__ = [
    "CacheError",
    "ClusterError",
    "Corpus",
    "CorpusNotFoundError",
    "DecodeError",
    "IngestError",
    "InvalidArgumentError",
    "KnowledgeBaseError",
    "NotebookExecutionError",
    "ReexError",
    "ReportError",
    "SchemaError",
    "__version__",
    "load_corpus",
]
