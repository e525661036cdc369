"""Text → article structure: title, dateline, byline, highlights, headings, paragraphs, tables,
source and disclaimer lines, and the boilerplate that is not the article.

:func:`parse_document` repairs a :class:`~reex_research.read.ingest.RawDocument`'s text, sorts its
lines into blocks, rebuilds a clean text from the blocks that belong to the article, and returns
every row the corpus tables need, each with offsets into that clean text. The stages live in
``rules`` (what is read from data/rules), ``lines`` (boilerplate out), ``structure`` (blocks and the
clean text), ``metadata`` (datelines, bylines, sources), ``tables`` and ``document`` (the rows).
"""

from .document import ArticleRecord, parse_document
from .rules import ParseRules, load_parse_rules
from .tables import table_from_cells

__all__ = ["ArticleRecord", "ParseRules", "load_parse_rules", "parse_document", "table_from_cells"]
