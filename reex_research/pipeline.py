"""The per-file pipeline: bytes → documents → parsed articles → extracted rows, as columns.

:func:`process_file` is pure (a file's bytes, its metadata row and a :class:`Toolkit` in, column
lists out), so it runs in worker processes, on a Dask cluster or from the cache alike. Every row
carries two private columns that the corpus layer uses and drops: ``_key`` (the file's content key)
and ``_doc`` (one document of that file: ``key:line``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .extract.dates import extract_events
from .extract.entities import EntityMatcher, extract_candidates, extract_mentions, load_candidate_rules
from .extract.figures import FigureRules, extract_figures, load_figure_rules
from .extract.themes import ThemeMatcher, extract_theme_hits
from .ingest import FileResult, Problem, load_file
from .kb import KnowledgeBase, load_kb
from .parse import ParseRules, load_parse_rules, parse_document
from .paths import rules_dir

PRIVATE = ("_key", "_doc")
PER_DOCUMENT = ("articles", "highlights", "paragraphs", "sentences", "tables", "boilerplate",
                "mentions", "theme_hits", "events", "figures", "candidate_rows", "problems")
CANDIDATE_ROWS = ("article_id", "name", "sentence_id", "sentence_text")
EXTRACTED_EVENT_COLUMNS = tuple(c for c in schema.columns("events") if c not in ("is_future", "actors"))


def table_columns(table: str) -> tuple[str, ...]:
    """Columns a per-document table is gathered with (its schema plus the private keys)."""
    base = CANDIDATE_ROWS if table == "candidate_rows" else tuple(schema.columns(table))
    if table == "events":
        base = EXTRACTED_EVENT_COLUMNS
    return (*base, *PRIVATE)


@dataclass(frozen=True)
class Toolkit:
    """Everything compiled once per knowledge base and rule set, shared by every file."""

    rules: ParseRules
    kb: KnowledgeBase
    entities: EntityMatcher
    themes: ThemeMatcher
    figures: FigureRules
    version: str


def build_toolkit(*, kb_path: Path | None = None, rules_path: Path | None = None) -> Toolkit:
    """Load the rules and knowledge base and compile every matcher once."""
    from . import __version__

    folder = Path(rules_path) if rules_path else rules_dir()
    rules = load_parse_rules(folder)
    kb = load_kb(kb_path)
    rule_bytes = b"".join(p.read_bytes() for p in sorted(folder.glob("*.yaml")))
    version = hashlib.sha256(
        f"reex-research {__version__} kb:{kb.version}".encode() + rule_bytes
    ).hexdigest()[:16]
    return Toolkit(
        rules=rules,
        kb=kb,
        entities=EntityMatcher.from_kb(kb, candidates=load_candidate_rules(folder / "candidates.yaml")),
        themes=ThemeMatcher.from_kb(kb),
        figures=load_figure_rules(folder / "units.yaml"),
        version=version,
    )


@dataclass
class FileOutput:
    """The rows one file contributes, per table, as column lists."""

    file: str
    key: str
    columns: dict[str, dict[str, list]] = field(default_factory=dict)

    def append(self, table: str, doc: str, rows: dict[str, list] | list[dict[str, Any]]) -> None:
        """Add rows (given as columns or as row dicts) to ``table``, tagged with ``doc``."""
        target = self.columns.setdefault(table, {c: [] for c in table_columns(table)})
        if isinstance(rows, dict):
            count = len(next(iter(rows.values()), []))
            for name in target:
                if name not in PRIVATE:
                    target[name].extend(rows[name])
        else:
            count = len(rows)
            for name in target:
                if name not in PRIVATE:
                    target[name].extend(row[name] for row in rows)
        target["_key"].extend([self.key] * count)
        target["_doc"].extend([doc] * count)

    def problem(self, problem: Problem) -> None:
        """Record one problem of this file."""
        self.append("problems", f"{self.key}:{problem.line or 0}",
                    [{"file": problem.file, "line": problem.line, "kind": problem.kind,
                      "message": problem.message}])


def content_key(name: str, data: bytes, metadata: dict[str, str] | None) -> str:
    """Cache key of one file: its name, its metadata row and its bytes."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\0")
    digest.update(json.dumps(metadata or {}, sort_keys=True).encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()[:32]


def process_file(path: Path, root: Path, metadata: dict[str, dict[str, str]], toolkit: Toolkit,
                 key: str) -> FileOutput:
    """Run ingest → parse → extract on one file; every failure becomes a problem row."""
    name = Path(path).relative_to(root).as_posix()
    output = FileOutput(name, key)
    result: FileResult = load_file(path, root, metadata)
    for problem in result.problems:
        output.problem(problem)
    for document in result.documents:
        doc = f"{key}:{document.line or 0}"
        record = parse_document(document, toolkit.rules)
        if record is None:
            output.problem(Problem(document.file, document.line, "no_content",
                                   "nothing of the article is left once boilerplate is removed"))
            continue
        for problem in record.problems:
            output.problem(problem)
        for table in ("articles", "highlights", "paragraphs", "sentences", "tables", "boilerplate"):
            rows = [record.article] if table == "articles" else getattr(record, table)
            output.append(table, doc, rows)
        _extract(output, doc, record.parsed, toolkit)
    return output


def _extract(output: FileOutput, doc: str, article, toolkit: Toolkit) -> None:
    mentions = extract_mentions(article, toolkit.entities)
    output.append("mentions", doc, mentions)
    output.append("theme_hits", doc, extract_theme_hits(article, toolkit.themes))
    output.append("events", doc, extract_events(article))
    output.append("figures", doc, extract_figures(article, toolkit.figures))
    texts = {s.sentence_id: s.text for s in article.sentences}
    candidates = extract_candidates(article, toolkit.entities, mentions=mentions)
    output.append("candidate_rows", doc, {
        "article_id": [article.article_id] * len(candidates),
        "name": [name for name, _ in candidates],
        "sentence_id": [sid for _, sid in candidates],
        "sentence_text": [texts[sid] for _, sid in candidates],
    })
