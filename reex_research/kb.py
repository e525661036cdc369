"""Knowledge base: load and validate the entity and theme files in ``data/kb``.

Every ``*.yaml`` file in the folder except ``themes.yaml`` holds a list of entities; ``themes.yaml``
holds the themes. Nothing is read at import: call :func:`load_kb`. Errors name the file, the line
and the field (:class:`~reex_research.errors.KnowledgeBaseError`).

Matching rules shared by the extractors live here too, so validation compares aliases exactly the
way they are matched: :func:`scan_form` and :func:`match_key` turn texts and aliases into forms in
which spaces, hyphens, dashes, quotes and brackets are all one space (so "rare-earth" matches
"rare earth"), and :func:`is_exact` says whether an alias keeps its case.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any


import pandas as pd

from . import paths, schema
from .datafile import Record, read_data_file
from .errors import KnowledgeBaseError
from .read.textfix import lower_same_length

THEMES_FILE = "themes.yaml"
TYPES: dict[str, tuple[str, ...]] = {
    "organisation": ("company", "state_body", "ministry", "association", "research", "media", "exchange"),
    "person": ("official", "executive", "expert"),
    "place": ("country", "region", "province", "city", "deposit", "project"),
    "material": ("element", "oxide", "metal", "alloy", "magnet", "mineral", "compound"),
}
ACTOR_TYPES: frozenset[str] = frozenset({"organisation", "person", "place"})
ENTITY_FIELDS = ("id", "name", "type", "subtype", "country", "aliases", "exact_aliases", "parent")
ENTITY_REQUIRED = ("id", "name", "type", "subtype")
THEME_FIELDS = ("id", "label", "terms", "exclude")
THEME_REQUIRED = ("id", "label", "terms")

_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Characters that separate words for matching: each becomes one space, so "rare-earth",
# "rare earth" and "China’s" / "China's" compare alike. Kept short because each one costs a pass
# over the text; a word after any other character ("," or ".") is found via the space that
# normally follows it.
SEPARATORS = "\n\t\r\u00a0\u202f-\u2010\u2011\u2013\u2014\u2212'\u2018\u2019\"\u201c\u201d(/["
_last_scan: tuple[str, str] = ("", " ")


@dataclass(frozen=True)
class Entity:
    """One knowledge-base entity with the file and line it was read from."""

    id: str
    name: str
    type: str
    subtype: str
    country: str = ""
    aliases: tuple[str, ...] = ()
    exact_aliases: tuple[str, ...] = ()
    parent: str | None = None
    file: str = ""
    line: int = 0
    field_lines: tuple[tuple[str, int], ...] = dc_field(default=(), compare=False, repr=False)

    def line_of(self, field: str) -> int:
        """Return the line of ``field`` in the entity's file (the entry's line if absent)."""
        return dict(self.field_lines).get(field, self.line)

    def forms(self) -> tuple[tuple[str, bool], ...]:
        """Return every surface form to match as ``(form, exact_case)``."""
        exact = set(self.exact_aliases)
        out = [(self.name, self.name in exact or is_exact(self.name))]
        out += [(alias, is_exact(alias)) for alias in self.aliases]
        out += [(alias, True) for alias in self.exact_aliases if alias != self.name]
        return tuple(out)


@dataclass(frozen=True)
class Theme:
    """One theme: its terms (``*`` at the end = any word ending) and vetoing exclusions."""

    id: str
    label: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class KnowledgeBase:
    """All entities and themes of one knowledge-base folder, with a content version."""

    entities: tuple[Entity, ...]
    themes: tuple[Theme, ...]
    version: str
    path: Path

    def entity(self, entity_id: str) -> Entity:
        """Return the entity with ``entity_id`` (KeyError if unknown)."""
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)


# ---------------------------------------------------------------- matching rules (shared)


def fold(text: str) -> str:
    """Return ``text`` with every separator character replaced by a space (same length, case kept)."""
    for ch in SEPARATORS:
        if ch in text:
            text = text.replace(ch, " ")
    return text


def scan_form(text: str) -> str:
    """Return the text automata scan: a space, then ``text`` lower-cased and folded.

    Every key starts with a space too, so a key can only match where a word starts; position
    ``i`` of ``text`` is position ``i + 1`` of the result. The last result is remembered, so the
    entity and theme extractors fold one article's text once.
    """
    global _last_scan
    last = _last_scan
    if text is last[0]:
        return last[1]
    folded = fold(text)
    # most texts are ASCII once their dashes and curly quotes are folded: lower case is then several
    # times faster, and the same (no separator has another lower case, no letter lowers to one)
    scanned = " " + (folded.lower() if folded.isascii() else fold(lower_same_length(text)))
    _last_scan = (text, scanned)
    return scanned


def match_key(form: str, *, exact: bool) -> str:
    """Return the key ``form`` is matched by: case kept if ``exact``, else case-folded."""
    form = normalise_form(form)
    return " " + (fold(form) if exact else fold(lower_same_length(form)))


def normalise_form(form: str) -> str:
    """Return a surface form with runs of whitespace reduced to one space."""
    return " ".join(form.split())


def is_exact(form: str) -> bool:
    """Return True if ``form`` is an acronym (letters, none lower-case) and so matches case-sensitively."""
    return any(ch.isalpha() for ch in form) and not any(ch.islower() for ch in form)


def is_word_char(ch: str) -> bool:
    """Return True for characters that continue a word (letters, digits, underscore)."""
    return ch.isalnum() or ch == "_"


# ---------------------------------------------------------------- public API


def load_kb(path: Path | None = None) -> KnowledgeBase:
    """Return the validated knowledge base in folder ``path`` (default ``data/kb``)."""
    folder = Path(path) if path is not None else paths.kb_dir()
    files = _kb_files(folder)
    theme_files = [p for p in files if p.name == THEMES_FILE]
    entity_files = [p for p in files if p.name != THEMES_FILE]
    if not theme_files:
        raise KnowledgeBaseError(folder / THEMES_FILE, "themes file missing — create it (see data/kb/README.md)")
    if not entity_files:
        raise KnowledgeBaseError(folder, "no entity files (*.yaml) found — add organisations.yaml etc.")
    entities = [e for p in entity_files for e in _load_entities(p)]
    _check_entities(entities, folder)
    themes = _load_themes(theme_files[0])
    return KnowledgeBase(tuple(entities), tuple(themes), _version(files), folder)


def validate_kb(path: Path | None = None) -> KnowledgeBase:
    """Return the knowledge base at ``path`` after full validation (raises KnowledgeBaseError)."""
    return load_kb(path)


def kb_summary(kb: KnowledgeBase) -> str:
    """Return a short human summary of ``kb`` (counts by type, themes, version)."""
    counts = Counter(entity.type for entity in kb.entities)
    plural = {"organisation": "organisations", "person": "people", "place": "places", "material": "materials"}
    by_type = ", ".join(f"{counts[t]} {plural[t]}" for t in TYPES if counts[t])
    n_forms = sum(len(entity.forms()) for entity in kb.entities)
    n_terms = sum(len(theme.terms) for theme in kb.themes)
    return (
        f"knowledge base {kb.path} (version {kb.version}): {len(kb.entities)} entities "
        f"({by_type}), {n_forms} names and aliases; {len(kb.themes)} themes, {n_terms} terms"
    )


def entities_frame(kb: KnowledgeBase) -> pd.DataFrame:
    """Return the ``entities`` dataframe (aliases joined with '; ', parent as parent_id)."""
    rows: dict[str, list[Any]] = {name: [] for name in schema.columns("entities")}
    for entity in kb.entities:
        rows["entity_id"].append(entity.id)
        rows["name"].append(entity.name)
        rows["type"].append(entity.type)
        rows["subtype"].append(entity.subtype)
        rows["country"].append(entity.country)
        rows["parent_id"].append(entity.parent)
        rows["aliases"].append("; ".join((*entity.aliases, *entity.exact_aliases)))
        rows["origin"].append("kb")
        rows["evidence"].append(None)
    return schema.frame("entities", rows)


# ---------------------------------------------------------------- files and version


def kb_version(path: Path | None = None) -> str:
    """The version :func:`load_kb` gives the knowledge base in ``path``, from its files' bytes alone."""
    return _version(_kb_files(Path(path) if path is not None else paths.kb_dir()))


def _kb_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise KnowledgeBaseError(
            folder, "knowledge-base folder not found — pass a folder holding entity *.yaml files "
            "and themes.yaml (the bundled one is data/kb)"
        )
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _version(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- entities


def _load_entities(path: Path) -> list[Entity]:
    return [_entity(record) for record in read_data_file(path).records()]


def _entity(rec: Record) -> Entity:
    _check_fields(rec, ENTITY_FIELDS, ENTITY_REQUIRED)
    v = rec.values
    entity_id = _text(rec, "id")
    if not _ID.match(entity_id):
        rec.fail("id", f"id {entity_id!r} is not a slug — use lower-case letters, digits and '_'")
    kind = _text(rec, "type")
    if kind not in TYPES:
        rec.fail("type", f"unknown type {kind!r} — use one of {', '.join(TYPES)}")
    subtype = _text(rec, "subtype")
    if subtype not in TYPES[kind]:
        rec.fail("subtype", f"unknown subtype {subtype!r} for {kind} — use one of {', '.join(TYPES[kind])}")
    return Entity(
        id=entity_id, name=normalise_form(_text(rec, "name")), type=kind, subtype=subtype,
        country=_country(rec), aliases=_forms(rec, "aliases"),
        exact_aliases=_forms(rec, "exact_aliases"),
        parent=_text(rec, "parent") if v.get("parent") is not None else None,
        file=rec.path.name, line=rec.line, field_lines=tuple(rec.lines.items()),
    )


def _country(rec: Record) -> str:
    value = rec.values.get("country")
    if value is None or value == "":
        return ""
    if value is False:
        rec.fail("country", "YAML read NO as false — write the code in quotes: country: \"NO\"")
    if not isinstance(value, str) or not _COUNTRY.match(value):
        rec.fail("country", f"country {value!r} is not an ISO-3166 alpha-2 code like CN, US, AU (or empty)")
    return value


def _forms(rec: Record, field: str) -> tuple[str, ...]:
    value = rec.values.get(field)
    if value is None:
        return ()
    if not isinstance(value, list):
        rec.fail(field, f"{field} must be a list, e.g. {field}: [CREG, China Rare Earth]")
    out = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            rec.fail(field, f"{field} entry {item!r} is not text — quote it", item=index)
        form = normalise_form(item)
        if len(form.rstrip("*")) < 2:
            rec.fail(field, f"{form!r} is too short — one-letter names and aliases are not allowed", item=index)
        if not is_word_char(form[0]):
            rec.fail(field, f"{form!r} must start with a letter or digit", item=index)
        out.append(form)
    return tuple(out)


def _check_entities(entities: list[Entity], folder: Path) -> None:
    """Check ids unique, aliases unambiguous and parents existing across all entity files."""
    by_id: dict[str, Entity] = {}
    for entity in entities:
        if entity.id in by_id:
            first = by_id[entity.id]
            raise KnowledgeBaseError(
                folder / entity.file, f"duplicate id {entity.id!r} (first at {first.file}, line {first.line}) "
                "— ids must be unique across all files", line=entity.line_of("id"), field="id",
            )
        by_id[entity.id] = entity
    _check_aliases(entities, folder)
    for entity in entities:
        _check_parent(entity, by_id, folder)


def _check_aliases(entities: list[Entity], folder: Path) -> None:
    seen: dict[str, list[tuple[str, bool, Entity]]] = {}
    for entity in entities:
        for form, exact in entity.forms():
            key = match_key(form, exact=False)
            for other_form, other_exact, other in seen.get(key, []):
                same = match_key(form, exact=True) == match_key(other_form, exact=True)
                if other.id != entity.id and (not (exact and other_exact) or same):
                    raise KnowledgeBaseError(
                        folder / entity.file,
                        f"alias {form!r} of {entity.id!r} also names {other.id!r} ({other.file}, line "
                        f"{other.line}) — aliases are compared ignoring case, hyphens and apostrophes "
                        "unless all-caps or listed in exact_aliases; keep it on one entity",
                        line=entity.line_of(_alias_field(entity, form)), field=_alias_field(entity, form),
                    )
            seen.setdefault(key, []).append((form, exact, entity))


def _alias_field(entity: Entity, form: str) -> str:
    """Return which field of ``entity`` holds ``form``."""
    if form in entity.aliases:
        return "aliases"
    return "exact_aliases" if form in entity.exact_aliases else "name"


def _check_parent(entity: Entity, by_id: dict[str, Entity], folder: Path) -> None:
    if entity.parent is None:
        return
    file, line = folder / entity.file, entity.line_of("parent")
    parent = by_id.get(entity.parent)
    if parent is None:
        raise KnowledgeBaseError(file, f"parent {entity.parent!r} is not a known id", line=line, field="parent")
    if parent.type != "organisation" or entity.type != "organisation":
        raise KnowledgeBaseError(file, "parent links organisations only", line=line, field="parent")
    chain = {entity.id}
    while parent is not None:
        if parent.id in chain:
            raise KnowledgeBaseError(file, f"parent chain loops back to {parent.id!r}", line=line, field="parent")
        chain.add(parent.id)
        parent = by_id.get(parent.parent) if parent.parent else None


# ---------------------------------------------------------------- themes


def _load_themes(path: Path) -> list[Theme]:
    themes = [_theme(record) for record in read_data_file(path).records()]
    if not themes:
        raise KnowledgeBaseError(path, "no themes defined — add at least one '- id: ... terms: [...]'")
    seen: dict[str, Theme] = {}
    for theme in themes:
        if theme.id in seen:
            raise KnowledgeBaseError(
                path, f"duplicate theme id {theme.id!r} (first at line {seen[theme.id].line})",
                line=theme.line, field="id",
            )
        seen[theme.id] = theme
    return themes


def _theme(rec: Record) -> Theme:
    _check_fields(rec, THEME_FIELDS, THEME_REQUIRED)
    theme_id = _text(rec, "id")
    if not _ID.match(theme_id):
        rec.fail("id", f"theme id {theme_id!r} is not a slug — use lower-case letters, digits and '_'")
    terms = _terms(rec, "terms")
    if not terms:
        rec.fail("terms", "theme has no terms — list at least one word or phrase")
    return Theme(theme_id, _text(rec, "label"), terms, _terms(rec, "exclude"), rec.path.name, rec.line)


def _terms(rec: Record, field: str) -> tuple[str, ...]:
    out: list[str] = []
    for index, form in enumerate(_forms(rec, field)):  # one form per entry of the list, in order
        stem = form.rstrip("*")
        if "*" in stem or form.count("*") > 1:
            rec.fail(field, f"term {form!r}: '*' is allowed once, at the end only", item=index)
        if form.endswith("*") and len(stem) < 3:
            rec.fail(field, f"term {form!r}: a wildcard needs at least 3 letters before '*'", item=index)
        if form in out:
            rec.fail(field, f"term {form!r} is listed twice (first as entry {out.index(form) + 1})", item=index)
        out.append(form)
    return tuple(out)


# ---------------------------------------------------------------- field helpers


def _check_fields(rec: Record, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    for key in rec.values:
        if key not in allowed:
            rec.fail(key, f"unknown field {key!r} — allowed fields: {', '.join(allowed)}")
    for key in required:
        if rec.values.get(key) in (None, "", []):
            raise KnowledgeBaseError(rec.path, f"missing required field {key!r}", line=rec.line, field=key)


def _text(rec: Record, field: str) -> str:
    value = rec.values.get(field)
    if not isinstance(value, str) or not value.strip():
        rec.fail(field, f"{field} must be text, got {value!r} — quote it")
    return value.strip()
