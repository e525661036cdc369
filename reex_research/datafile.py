"""Read the YAML data files (rules, knowledge base) with errors that name file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import KnowledgeBaseError

# libyaml's safe loader when PyYAML was built with it (several times faster), else the Python one.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Return the parsed content of a YAML file; raise KnowledgeBaseError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeBaseError(path, "file not found; restore it from the repository or pass "
                                 "another path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(path, f"cannot read the file ({exc}); save it as UTF-8") from exc
    try:
        return yaml.load(text, Loader=FAST_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeBaseError(path, f"invalid YAML: {problem}", line=line) from exc


def require(mapping: Any, key: str, path: Path, kind: type = str) -> Any:
    """Return ``mapping[key]`` checked to be of ``kind``; raise KnowledgeBaseError naming the field."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise KnowledgeBaseError(path, "required field is missing", field=key)
    value = mapping[key]
    if not isinstance(value, kind):
        raise KnowledgeBaseError(path, f"expected {kind.__name__}, got {type(value).__name__}", field=key)
    return value


def compile_pattern(pattern: str, path: Path, field: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Compile a regular expression from a data file; raise KnowledgeBaseError when it is invalid."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise KnowledgeBaseError(path, f"invalid regular expression {pattern!r}: {exc}", field=field) from exc
