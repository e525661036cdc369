"""The one reader of data files: values and lines from one parse, typed access, errors with lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reex_research import paths
from reex_research.datafile import read_data_file
from reex_research.errors import KnowledgeBaseError
from reex_research.kb import load_kb
from reex_research.pipeline import build_toolkit
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
    label: Two
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


# --------------------------------------------------------------------------- helpers for the cases below


def read_text(folder: Path, text: str):
    path = folder / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return read_data_file(path)


def error_of(folder: Path, text: str) -> KnowledgeBaseError:
    with pytest.raises(KnowledgeBaseError) as info:
        read_text(folder, text)
    return info.value


def line_of(text: str, marker: str, after: int = 0) -> int:
    """The 1-based line of ``text`` on which ``marker`` starts (looked for from character ``after``)."""
    return text[:text.index(marker, after)].count("\n") + 1


# --------------------------------------------------------------------------- a key given twice


@pytest.mark.parametrize("text, first, repeated, field", [
    ("name: a\nsize: 1\nname: b\n", "name: a", "name: b", "name"),
    ("sections:\n  first:\n    words: [a]\n    label: A\n    words: [b]\n", "words: [a]", "words: [b]",
     "sections.first.words"),
    ("- id: one\n  label: One\n- id: two\n  label: Two\n  id: again\n", "id: two", "id: again", "1.id"),
    ("rule: {kind: a, pattern: x,\n  kind: b}\n", "kind: a", "kind: b", "rule.kind"),
    ("yes: 1\nno: 2\ntrue: 3\n", "yes: 1", "true: 3", "True"),  # YAML reads yes and true as one key
    # the first repeat in the file is reported, though its mapping is deeper than another's
    ("a: 1\nb:\n  c: 1\n  c: 2\na: 2\n", "c: 1", "c: 2", "b.c"),
])
def test_a_key_given_twice_names_the_file_both_lines_and_the_key(tmp_path, text, first, repeated, field):
    error = error_of(tmp_path, text)
    assert (error.path.name, error.line, error.field) == ("doc.yaml", line_of(text, repeated), field)
    assert f"first on line {line_of(text, first)}" in str(error) and "twice" in str(error)


@pytest.mark.parametrize("text", [
    "- id: a\n  label: A\n- id: b\n  label: B\n",  # one key in many entries
    "x: {k: 1}\ny: {k: 2}\n",
    "base: &base {k: 1, j: 2}\nsame: *base\nmerged:\n  <<: *base\n  k: 3\n",  # a merge is overridden
])
def test_the_same_key_in_different_mappings_is_no_error(tmp_path, text):
    assert read_text(tmp_path, text).data is not None


def test_a_merged_key_may_be_overridden(tmp_path):
    doc = read_text(tmp_path, "base: &base {k: 1, j: 2}\nmerged:\n  <<: *base\n  k: 3\n")
    assert doc.data["merged"] == {"k": 3, "j": 2}


# --------------------------------------------------------------------------- the line of the offending value


def test_a_value_written_below_its_key_is_reported_on_its_own_line(tmp_path):
    text = "name: units\npattern:\n  '(unclosed'\nsize:\n  ten\nblock: >-\n  (also unclosed\n"
    doc = read_text(tmp_path, text)
    for keys, call in ((("pattern",), lambda: doc.pattern("pattern")),
                       (("size",), lambda: doc.get("size", kind=int)),
                       (("block",), lambda: doc.pattern("block"))):
        with pytest.raises(KnowledgeBaseError) as info:
            call()
        marker = {"pattern": "'(unclosed'", "size": "ten", "block": "(also"}[keys[0]]
        assert (info.value.line, info.value.field) == (line_of(text, marker), keys[0])


def test_an_unknown_key_is_reported_on_the_key_s_line(tmp_path):
    text = "good: 1\nbda:\n  2\n"
    with pytest.raises(KnowledgeBaseError, match="unknown key") as info:
        read_text(tmp_path, text).check_keys(allowed=("good",))
    assert (info.value.line, info.value.field) == (2, "bda")


def test_a_missing_field_points_at_the_mapping_that_lacks_it(tmp_path):
    text = "# comment\n\nname: units\nsection:\n  words: [a]\n"
    doc = read_text(tmp_path, text)
    with pytest.raises(KnowledgeBaseError, match="missing") as info:
        doc.get("section", "label", kind=str)
    assert (info.value.line, info.value.field) == (line_of(text, "section:"), "section.label")
    with pytest.raises(KnowledgeBaseError, match="missing") as info:
        doc.get("size", kind=int)
    assert (info.value.line, info.value.field) == (line_of(text, "name: units"), "size")


@pytest.mark.parametrize("text, marker, words", [
    # a quote left open runs on to the next quote: the parser stops three lines later
    ("a: 1\nb: '8\nc: x\nd: 'y'\ne: 2\n", "b: '8", "closing quote"),
    ("a: 1\nb: '8\nc: x\nd: y\n", "b: '8", "quoted scalar"),  # ... or at the end of the file
    ('a: 1\nb: "8\nc: x\n', 'b: "8', "quoted scalar"),
    ("a: [x, y\nb: [z]\nc: 1\n", "a: [x", "closing bracket"),  # a list left open ends at the next key
    ("a: [x,\n  'y' 'z',\n  w]\n", "'y' 'z'", "opened on line 1"),  # a comma missing inside a list
    ("a: 1\noops\nc: 2\n", "oops", "simple key"),  # a key without its colon
    ("a: 1\nb: 30\n\t\nc: 2\n", "\t", "tab"),
    ("a:\n  b: 1\n c: 2\n", " c: 2", "expected"),
])
def test_a_syntax_error_points_at_the_value_that_caused_it(tmp_path, text, marker, words):
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, marker), str(error)
    assert "invalid YAML" in str(error) and words in str(error)


# --------------------------------------------------------------------------- the bundled files, broken


def _broken_copy(tmp_path: Path, folder: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    """A copy of ``folder`` with ``old`` replaced by ``new`` in file ``name``, and the line on which
    the marked part of ``new`` (from ``»``, else its start) stands."""
    copy = shutil.copytree(folder, tmp_path / folder.name)
    text = (copy / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    marked = text.index(old) + max(new.find("»"), 0)
    text = text.replace(old, new.replace("»", ""))
    (copy / name).write_text(text, encoding="utf-8")
    return copy, text[:marked].count("\n") + 1


@pytest.mark.parametrize("name, old, new, field", [
    # an entry of a list written over several lines: its own line, not the key's
    ("relations.yaml", "'acquisition of'", "»'acquisition (of'", "kinds.acquires.active"),
    ("candidates.yaml", "  partnership, expansion,", "  partnership, »two words, expansion,", "generic"),
    # a pattern written below its key
    ("boilerplate.yaml", "{rule: separator, kind: separator, pattern: '^[-=_*~#•·]{3,}$'}",
     "rule: separator\n    kind: separator\n    pattern:\n      »'^[-=_*~#•·]{3,$('", "lines.1.pattern"),
    ("parse.yaml", "byline_max_words: 8\n", "byline_max_words: '8\n", None),  # a quote left open
    ("parse.yaml", "title_max_words: 30\n", "title_max_words: 30\n»title_max_words: 31\n", "title_max_words"),
    ("units.yaml", "    words: [thousand]\n", "    words: [thousand]\n»    words: [grand]\n",
     "scales.thousand.words"),
])
def test_a_broken_rules_file_is_reported_at_the_offending_line(tmp_path, name, old, new, field):
    folder, line = _broken_copy(tmp_path, paths.rules_dir(), name, old, new)
    with pytest.raises(KnowledgeBaseError) as info:
        build_toolkit(rules_path=folder)
    assert (info.value.path.name, info.value.line, info.value.field) == (name, line, field), str(info.value)


@pytest.mark.parametrize("name, old, new, field", [
    ("themes.yaml", "    - export licen*\n", "    - export licen*\n»    - ex*\n", "terms"),
    ("themes.yaml", "    - export licen*\n", "    - export licen*\n»    - export licen*\n", "terms"),
    ("themes.yaml", "    - export licen*\n", "    - export licen*\n»    - 12\n", "terms"),
    ("organisations.yaml", "  aliases: [CREG, China Rare Earth Group Co, China Rare Earth Group Co. Ltd.]",
     "  aliases:\n    - CREG\n»    - X", "aliases"),
    ("organisations.yaml", "  country: CN\n  aliases: [CREG,", "  country: CN\n»  country: US\n  aliases: [CREG,",
     "0.country"),
    ("organisations.yaml", "  name: China Rare Earth Group\n", "  name: 'China Rare Earth Group\n", None),
])
def test_a_broken_knowledge_base_file_is_reported_at_the_offending_line(tmp_path, name, old, new, field):
    folder, line = _broken_copy(tmp_path, paths.kb_dir(), name, old, new)
    with pytest.raises(KnowledgeBaseError) as info:
        load_kb(folder)
    assert (info.value.path.name, info.value.line, info.value.field) == (name, line, field), str(info.value)
