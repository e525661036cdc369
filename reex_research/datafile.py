"""Read the YAML data files (rules, knowledge base) once, with errors that name file, line and field.

:func:`read_data_file` parses a file once (libyaml's C loader when PyYAML has it) and keeps both the
values and the node tree, so the line of every mapping key and list item is at hand. The returned
:class:`DataFile` is the one way loaders check a file: :meth:`DataFile.get` (a typed field
accessor), :meth:`DataFile.strings`, :meth:`DataFile.pattern`, :meth:`DataFile.check_keys`,
:meth:`DataFile.records` for lists of entries, and :meth:`DataFile.fail`; each raises
:class:`~reex_research.errors.KnowledgeBaseError` naming the file, the line and the field.

The line is that of the offending value: a text or number where it is written (also below its
key), an entry of a list on its own line, a list or mapping at its key. A key given twice in one
mapping is an error (YAML would silently keep the last), and a syntax error points at the value
that caused it: a quote or bracket left open, not where the parser gave up lines later.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .errors import KnowledgeBaseError

# libyaml's safe loader when PyYAML was built with it (several times faster), else the Python one.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = str | int
_MISSING: Any = object()
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Scanner errors whose cause is where the text being read began, not where reading stopped: a quote
# left open reads on to the end of the file, a key without ':' is noticed on the next line.
_OPENED_AT_CONTEXT = ("quoted scalar", "simple key")
_QUOTE_HINT = "quote them: YAML reads unquoted no, off, yes, on as false/true and digits as numbers"


def read_data_file(path: Path | str, *, hint: str = "") -> DataFile:
    """Return the YAML file at ``path`` read once, values and lines; ``hint`` ends every error message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KnowledgeBaseError(path, "file not found; restore it from the repository or pass "
                                 "another path") from None
    except OSError as exc:
        raise KnowledgeBaseError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(path, f"cannot read the file ({exc}); save it as UTF-8") from exc
    loader = FAST_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_unique_keys(path, node, loader)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, text, exc) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(path, f"invalid YAML: {exc} — fix the syntax (indentation, quotes, "
                                 "colons, brackets)") from exc
    finally:
        loader.dispose()
    return DataFile(path, data, node, hashlib.sha1(raw).hexdigest(), hint)


def _syntax_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> KnowledgeBaseError:
    """The error for YAML that does not parse, at the line of the value that broke it.

    The parser stops where it can no longer make sense of the text, which can be lines after the
    mistake: a quote left open swallows the lines up to the next quote, a list left open ends at
    the next key. The reader stopped on the line of ``problem_mark``; this points at the value.
    """
    problem, context, stop = exc.problem or str(exc), exc.context, exc.problem_mark
    mark = stop or exc.context_mark
    detail = ""
    if exc.context_mark is not None and any(what in (context or "") for what in _OPENED_AT_CONTEXT):
        mark = exc.context_mark  # a quoted text never closed, a key without its colon
        detail = f" ({context} that starts on line {mark.line + 1})"
    elif stop is not None:
        before, at = _tokens_around(text, stop.index)
        if (isinstance(before, yaml.ScalarToken) and before.style in ("'", '"')
                and before.end_mark.line > before.start_mark.line):
            mark = before.start_mark
            detail = (f"; the quoted value on line {mark.line + 1} runs on to line {before.end_mark.line + 1}:"
                      " check that its closing quote is there")
        elif exc.context_mark is not None and context and "flow" in context:
            opened = exc.context_mark.line + 1
            detail = f" in the list or mapping opened on line {opened}"
            if isinstance(at, yaml.ValueToken) and opened < stop.line + 1:
                mark = exc.context_mark  # a key after a list that lacks its closing bracket
                detail += f", read on to line {stop.line + 1}: check that its closing bracket is there"
    return KnowledgeBaseError(path, f"invalid YAML: {problem}{detail} — fix the syntax (indentation, quotes, "
                              "colons, brackets)", line=mark.line + 1 if mark is not None else None)


def _tokens_around(text: str, index: int) -> tuple[yaml.Token | None, yaml.Token | None]:
    """The YAML token that ends before character ``index`` of ``text``, and the one starting there."""
    before: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=FAST_LOADER):
            if token.start_mark.index >= index:
                return before, token
            before = token
    except yaml.YAMLError:
        pass  # the scanner stops at the same mistake: the tokens before it are all there is
    return before, None


def _check_unique_keys(path: Path, root: yaml.Node, loader: Any) -> None:
    """Raise KnowledgeBaseError for the first key given twice in one mapping (YAML keeps the last)."""
    twice: list[tuple[yaml.Node, yaml.Node, str]] = []  # (first key, repeated key, dotted field)
    checked: set[int] = set()
    todo: list[tuple[yaml.Node, tuple[Any, ...]]] = [(root, ())]
    while todo:
        node, keys = todo.pop()
        if id(node) in checked:  # an alias repeats a node already checked
            continue
        checked.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            todo += [(item, (*keys, index)) for index, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Node] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key = loader.construct_object(key_node)
                todo.append((value_node, (*keys, key)))
                if key in first:
                    twice.append((first[key], key_node, ".".join(str(k) for k in (*keys, key))))
                first.setdefault(key, key_node)
    if twice:
        earlier, repeated, field_name = min(twice, key=lambda found: found[1].start_mark.index)
        raise KnowledgeBaseError(
            path, f"key {repeated.value!r} is given twice in one mapping (first on line {_line(earlier)}); "
            "keep one — YAML would silently use the last", line=_line(repeated), field=field_name)


@dataclass(frozen=True, slots=True)
class Record:
    """One mapping of a list of entries: its values, the line of each field, and its own line.

    ``lines`` holds the line of each field's value (of its key when the value is a list or a
    mapping), ``items`` the line of each entry of a field whose value is a list.
    """

    path: Path
    values: dict[str, Any]
    lines: dict[str, int]
    line: int
    items: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def fail(self, field: str, message: str, *, item: int | None = None) -> NoReturn:
        """Raise KnowledgeBaseError for ``field`` (its entry ``item`` when given) at its line.

        The line is the entry's line when the field is absent.
        """
        entries = self.items.get(field, ())
        line = entries[item] if item is not None and 0 <= item < len(entries) else self.lines.get(field, self.line)
        raise KnowledgeBaseError(self.path, message, line=line, field=field)


@dataclass(frozen=True, slots=True)
class DataFile:
    """One YAML file read once: its values, its node tree (for lines) and the SHA-1 of its bytes."""

    path: Path
    data: Any
    node: yaml.Node | None
    sha1: str
    hint: str = ""

    def line(self, *keys: Key, of_key: bool = False) -> int | None:
        """Return the 1-based line of the value at ``keys``, else of the deepest key or item found.

        A text or number value has its own line (it may sit below its key); a list or mapping
        has the line of the key or item naming it, as it has with ``of_key=True``.
        """
        node = self.node
        if node is None:
            return None
        mark = node.start_mark
        for key in keys:
            found = _child(node, key)
            if found is None:
                return mark.line + 1
            mark, node = found[0].start_mark, found[1]
        if isinstance(node, yaml.ScalarNode) and not of_key:
            return _line(node)
        return mark.line + 1

    def fail(self, keys: tuple[Key, ...], message: str, at: tuple[Key, ...] | None = None) -> NoReturn:
        """Raise KnowledgeBaseError for the field ``keys`` (dotted), at the line of ``at`` (or ``keys``).

        ``at=()`` points at the file's top-level mapping (a top-level field is missing).
        """
        self._raise(keys, message, self.line(*(keys if at is None else at)))

    def _raise(self, keys: tuple[Key, ...], message: str, line: int | None) -> NoReturn:
        """Raise KnowledgeBaseError for the field ``keys`` at ``line``, the hint ending the message."""
        raise KnowledgeBaseError(self.path, f"{message}; {self.hint}" if self.hint else message,
                                 line=line, field=".".join(str(k) for k in keys) or None)

    def get(self, *keys: Key, kind: type | tuple[type, ...], default: Any = _MISSING,
            expected: str | None = None) -> Any:
        """Return the value at ``keys`` checked against ``kind`` (never a bool unless asked for).

        A missing or null value gives ``default`` when one is passed; ``expected`` words the type
        in the error ("a list of words").
        """
        value: Any = self.data
        for depth, key in enumerate(keys):
            present = (key in value if isinstance(value, dict) else
                       isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value))
            if not present:
                if default is not _MISSING:
                    return default
                self.fail(keys[: depth + 1], "required field is missing", at=keys[:depth])
            value = value[key]
        if value is None and default is not _MISSING:
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = expected or " or ".join(k.__name__ for k in kinds)
            got = "nothing" if value is None else type(value).__name__
            self.fail(keys, f"expected {names}, got {got}")
        return value

    def strings(self, *keys: Key, default: Any = _MISSING, name_item: bool = True,
                expected: str = "a list (write [] for an empty list)") -> list[str]:
        """Return the list of non-empty strings at ``keys``.

        An entry that is not text fails naming the entry (``keys`` plus its index), or with
        ``name_item=False`` the list, at the entry's line.
        """
        items = self.get(*keys, kind=list, default=default, expected=expected)
        wrong = [i for i, item in enumerate(items) if not isinstance(item, str) or not item]
        if wrong:
            first = (*keys, wrong[0])
            if name_item:
                self.fail(first, f"entry {items[wrong[0]]!r} is not text; {_QUOTE_HINT}")
            self.fail(keys, f"entries {[items[i] for i in wrong]} are not text; {_QUOTE_HINT}", at=first)
        return items

    def pattern(self, *keys: Key, flags: int = re.IGNORECASE) -> re.Pattern[str]:
        """Return the regular expression written at ``keys``, compiled with ``flags``."""
        pattern = self.get(*keys, kind=str)
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            self.fail(keys, f"invalid regular expression {pattern!r}: {exc}")

    def check_keys(self, *keys: Key, allowed: tuple[str, ...]) -> dict[Any, Any]:
        """Return the mapping at ``keys`` after checking that it holds only ``allowed`` keys."""
        mapping = self.get(*keys, kind=dict)
        for key in mapping:
            if key not in allowed:
                self._raise((*keys, key), f"unknown key; check its spelling — allowed keys: {', '.join(allowed)}",
                            self.line(*keys, key, of_key=True))
        return mapping

    def records(self, *keys: Key) -> list[Record]:
        """Return the entries of the list at ``keys`` (the whole file if none), each with its lines."""
        node: yaml.Node | None = self.node
        for key in keys:
            found = _child(node, key) if node is not None else None
            node = found[1] if found is not None else None
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise KnowledgeBaseError(self.path, "expected a list of entries ('- id: ...')", line=_line(node))
        values = self.data
        for key in keys:
            values = values[key]
        return [self._record(item_node, item) for item_node, item in zip(node.value, values)]

    def _record(self, node: yaml.Node, values: Any) -> Record:
        """Return one entry of a list as a Record; its field names must be text."""
        if not isinstance(node, yaml.MappingNode):
            raise KnowledgeBaseError(self.path, "each entry must be a mapping of field: value", line=_line(node))
        lines: dict[str, int] = {}
        items: dict[str, tuple[int, ...]] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag != _STR_TAG or not isinstance(key, str):
                raise KnowledgeBaseError(self.path, f"field name {key!r} is not text", line=_line(key_node))
            lines[key] = _line(value_node if isinstance(value_node, yaml.ScalarNode) else key_node)
            if isinstance(value_node, yaml.SequenceNode):
                items[key] = tuple(_line(item) for item in value_node.value)
        return Record(self.path, values, lines, _line(node), items)


def _child(node: yaml.Node, key: Key) -> tuple[yaml.Node, yaml.Node] | None:
    """Return (node naming the child, child) by mapping key or sequence index, or None."""
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if k.value == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key], node.value[key]
    return None


def _line(node: yaml.Node) -> int:
    """Return the 1-based line where ``node`` starts: for a block of text (``|`` or ``>``), its
    first line of text, below the indicator."""
    block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
    return node.start_mark.line + 1 + block
