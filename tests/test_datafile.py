"""The one reader of data files: values and lines from one parse, typed access, errors with lines."""

from __future__ import annotations

import shutil

import pytest

from reex_research import paths
from reex_research.datafile import read_data_file
from reex_research.errors import KnowledgeBaseError
from reex_research.read.parse import load_parse_rules

DOC = """\
name: units
sections:
  first:
    words: [a, b]
  second:
    - x
    - 'no'
    - no
entries:
  - id: one
    label: One
  - id: two
    id: again
"""


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "doc.yaml"
    path.write_text(DOC, encoding="utf-8")
    return read_data_file(path, hint="see the manual")


def test_values_and_the_line_of_every_key_and_item(doc):
    assert doc.data["sections"]["first"]["words"] == ["a", "b"]
    assert doc.line("sections", "first", "words") == 4
    assert doc.line("sections", "second", 2) == 8
    assert doc.line("sections", "missing") == 2  # the deepest part found


def test_typed_access_names_field_and_line(doc):
    assert doc.get("name", kind=str) == "units"
    assert doc.get("absent", kind=int, default=3) == 3
    with pytest.raises(KnowledgeBaseError) as info:
        doc.get("name", kind=int)
    assert (info.value.line, info.value.field) == (1, "name") and "see the manual" in str(info.value)
    with pytest.raises(KnowledgeBaseError) as info:
        doc.strings("sections", "second")
    assert (info.value.line, info.value.field) == (8, "sections.second.2") and "quote" in str(info.value)


def test_a_field_given_twice_in_an_entry_is_an_error(doc):
    with pytest.raises(KnowledgeBaseError, match="twice") as info:
        doc.records("entries")
    assert (info.value.line, info.value.field) == (13, "id")


def test_a_bullet_glyph_must_be_one_character(tmp_path):
    folder = shutil.copytree(paths.rules_dir(), tmp_path / "rules")
    parse = folder / "parse.yaml"
    parse.write_text(parse.read_text(encoding="utf-8").replace("['•', '-',", "['•', '--',"), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="bullet glyph") as info:
        load_parse_rules(folder)
    assert info.value.field == "bullet_glyphs.1" and info.value.line is not None


def test_the_bundled_bullets_read_glyphs_and_numbers():
    rules = load_parse_rules()
    assert rules.bullet.match("• item") and rules.bullet.match("12) item") and rules.bullet.match("- item")
    assert rules.glyph_bullet.match("‣ item") and not rules.glyph_bullet.match("1. item")
