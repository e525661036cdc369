"""Read a corpus folder: find files, decode bytes, split JSON Lines, pull the main text from HTML.

Raw files are opened read-only. Whatever cannot be read becomes a :class:`Problem`; the rest loads.
The result of this stage is a list of :class:`RawDocument`: text still unrepaired, plus the
metadata a file or ``metadata.csv`` supplied.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..datafile import read_data_file
from .datetext import parse_day
from ..errors import CorpusNotFoundError, DecodeError
from .decode import decode_bytes
from .metadata import METADATA_FILE, metadata_row
from .problem import Problem

if TYPE_CHECKING:
    from trafilatura.settings import Extractor

TEXT_FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
HTML_FORMATS = {".html": "html", ".htm": "html"}
JSONL_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl"}
JSONL_FIELDS = ("title", "date", "url", "author", "source")
# Other names feeds commonly give the optional fields, tried in order after the field's own name.
JSONL_ALIASES = {
    "title": ("headline",),
    "date": ("published", "published_at", "publish_date", "pubDate", "datetime"),
    "url": ("link",),
    "author": ("byline", "authors"),
    "source": ("publisher", "site", "site_name"),
}

_MARKDOWN_ESCAPE = re.compile(r"\\([<>*_#`\[\]])")  # trafilatura escapes these in Markdown output
_NO_MAIN_TEXT = "the page has no main text that could be extracted"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article's undecorated text, where it came from, and metadata supplied with it."""

    file: str
    line: int | None
    format: str
    encoding: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave: its documents and its problems."""

    documents: tuple[RawDocument, ...]
    problems: tuple[Problem, ...]


def list_corpus_files(root: Path) -> list[Path]:
    """Return every non-hidden file under ``root`` in a stable order (``metadata.csv`` excluded)."""
    return [path for _, path in corpus_files(root)]


def corpus_files(root: Path) -> list[tuple[str, Path]]:
    """``(name, path)`` of every file :func:`list_corpus_files` lists; ``name`` is the path
    relative to ``root`` written with ``/``, and the list is in the order of the names. Hidden
    files and everything inside hidden folders are left out."""
    return [(name, Path(entry.path)) for name, entry in corpus_entries(root)]


def corpus_entries(root: Path) -> list[tuple[str, os.DirEntry]]:
    """:func:`corpus_files` as directory entries, whose ``stat()`` is read once and kept."""
    root = Path(root)
    if not root.exists() or not root.is_dir():
        raise CorpusNotFoundError(root)
    found: list[tuple[str, os.DirEntry]] = []
    folders = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # an unreadable subfolder is passed over, as os.walk does
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, f"{prefix}{entry.name}/"))
            elif entry.is_file() and (prefix or entry.name != METADATA_FILE):
                found.append((prefix + entry.name, entry))
    found.sort(key=lambda item: item[0])
    return found


def load_file(path: Path, root: Path, metadata: dict[str, dict[str, str]] | None = None, *,
              date_label: re.Pattern[str] | None = None) -> FileResult:
    """Read one file into documents; every failure becomes a Problem, never an exception.

    ``date_label`` is the parsing rules' ``dateline_prefix`` (default: the one in ``data/rules``),
    the labels that date an HTML page from a short header element.
    """
    path = Path(path)
    name = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    extra = metadata_row(metadata or {}, name, path.name)
    if suffix not in TEXT_FORMATS | HTML_FORMATS | JSONL_FORMATS:
        return _fail(name, "unsupported_format", f"'{suffix or 'no extension'}' files are not read; "
                     "use .txt, .md, .html, .htm or .jsonl")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(name, "unreadable", f"cannot read the file ({exc.strerror or exc}); check its permissions")
    if not data.strip():
        return _fail(name, "empty", "the file is empty")
    try:
        if suffix in JSONL_FORMATS:
            return _load_jsonl(name, data, extra)
        if suffix in HTML_FORMATS:
            text, encoding = decode_bytes(data, html=True)
            return _load_html(name, text, encoding, extra, date_label)
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        return _fail(name, exc.kind, str(exc))
    if not text.strip():
        return _fail(name, "empty", "the file holds only whitespace")
    return FileResult((RawDocument(name, None, TEXT_FORMATS[suffix], encoding, text, dict(extra)),), ())


def _load_jsonl(name: str, data: bytes, extra: dict[str, str]) -> FileResult:
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        return _fail(name, exc.kind, str(exc))
    documents: list[RawDocument] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, number, "bad_json", f"not valid JSON ({exc.msg}, column {exc.colno})"))
            continue
        body = record.get("text") if isinstance(record, dict) else None
        if not isinstance(body, str) or not body.strip():
            problems.append(Problem(name, number, "missing_text", "each line needs a non-empty string field 'text'"))
            continue
        meta = {k: v for k in JSONL_FIELDS if (v := _jsonl_field(record, k))}
        meta.update(extra)
        documents.append(RawDocument(name, number, "jsonl", encoding, body, meta))
    return FileResult(tuple(documents), tuple(problems))


def _jsonl_field(record: dict, name: str) -> str | None:
    """The value of an optional JSONL field, under its own name or a common alias, as text."""
    for key in (name, *JSONL_ALIASES.get(name, ())):
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v not in (None, ""))
        if value not in (None, ""):
            return str(value).strip()
    return None


@lru_cache(maxsize=1)
def _html_options() -> Extractor:
    """The main-text extraction settings: Markdown with tables and formatting, recall first, no comments."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="markdown", tables=True, formatting=True, comments=False, recall=True)


def _load_html(name: str, html: str, encoding: str, extra: dict[str, str],
               date_label: re.Pattern[str] | None) -> FileResult:
    import trafilatura
    from trafilatura.metadata import extract_metadata

    try:
        # One parse serves both: extraction works on a copy of the tree, metadata only reads it.
        tree = trafilatura.load_html(html)
        if tree is None:  # not HTML at all: nothing to extract
            return _fail(name, "empty", _NO_MAIN_TEXT)
        text = trafilatura.extract(tree, options=_html_options())
        found = extract_metadata(tree, extensive=False)
        date = _markup_date(tree, getattr(found, "url", None)) or _labelled_date(
            tree, date_label if date_label is not None else dateline_prefix())
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return _fail(name, "bad_html", f"the page could not be parsed ({type(exc).__name__}: {exc})")
    if not text or not text.strip():
        return _fail(name, "empty", _NO_MAIN_TEXT)
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    meta = {}
    if found is not None:
        for key, attr in (("title", "title"), ("url", "url"), ("author", "author"), ("source", "sitename")):
            value = getattr(found, attr, None)
            if key == "author" and value:  # "By Global Times Published: Nov 03, 2026": the byline's label
                value = _AUTHOR_TAIL.sub("", str(value))
            if value:
                meta[key] = str(value).strip()
    if date:
        meta["date"] = date
    meta.update(extra)
    return FileResult((RawDocument(name, None, "html", encoding, text, meta),), ())


_MARKUP_TEXT = frozenset({"script", "time", "abbr"})
"""Elements whose text is markup for dates: JSON-LD, ``<time>`` and ``<abbr class="published">``."""


def _markup_date(tree, url: str | None) -> str | None:
    """The publication date the page's markup states (meta tags, ``<time>``, JSON-LD, URL), or None.

    The text of the page is left out: htmldate would otherwise take any date-like text of the
    story when the markup has none, which is not the publication date. A dateline in the text is
    found by the parser's own rules instead.
    """
    from htmldate import find_date

    bare = copy.deepcopy(tree)
    for element in bare.iter():
        if not isinstance(element.tag, str) or element.tag not in _MARKUP_TEXT:
            element.text = None
        element.tail = None
    return find_date(bare, original_date=True, extensive_search=False, url=url,
                     max_date=dt.date.today().isoformat())


_AUTHOR_TAIL = re.compile(r"\s+(?:published|posted|updated|last updated)\b.*$", re.IGNORECASE)
# what follows a date label: the day, perhaps a time ("Nov 03, 2026 10:48 PM")
_LABELLED_DAY = re.compile(r"(?P<date>.{6,40}?)(?:\s*[|,]?\s+\d{1,2}:\d{2}\b.*)?")
_LABELLED_TAGS = frozenset({"span", "div", "p", "time", "small", "li", "em", "strong", "dd"})
_LABEL_MAX = 80
_LABEL_MAX_CHILDREN = 3  # a container of more elements holds more than a label: its text is not read


def dateline_prefix(rules_dir: Path | None = None) -> re.Pattern[str]:
    """Return the ``dateline_prefix`` pattern of ``parse.yaml`` in ``rules_dir`` (default ``data/rules``)."""
    return _dateline_prefix(Path(rules_dir) if rules_dir else paths.rules_dir())


@lru_cache(maxsize=8)
def _dateline_prefix(folder: Path) -> re.Pattern[str]:
    """Read and compile the pattern once per rules folder."""
    path = folder / "parse.yaml"
    return read_data_file(path).pattern("dateline_prefix")


def _labelled_date(tree, label: re.Pattern[str]) -> str | None:
    """The day a short element of the page labels as its publication ("Published: Nov 03, 2026
    10:48 PM"), as ISO text, or None: what a page header says in plain text rather than markup.

    Only elements whose whole text is such a label count, so no date of the story is taken; a
    "Published" label wins over an "Updated" one.
    """
    updated = None
    for element in tree.iter(*_LABELLED_TAGS):
        if len(element) > _LABEL_MAX_CHILDREN:
            continue  # the text of every large container would read the page once per container
        text = " ".join(element.text_content().split())
        if not text or len(text) > _LABEL_MAX:
            continue
        found = label.match(text)
        match = _LABELLED_DAY.fullmatch(text, found.end()) if found else None
        day = parse_day(match["date"]) if match else None
        if found is None or day is None:
            continue
        if "updated" not in found.group().lower():
            return day.isoformat()
        updated = updated or day.isoformat()
    return updated


def _fail(name: str, kind: str, message: str, line: int | None = None) -> FileResult:
    return FileResult((), (Problem(name, line, kind, message),))
