"""Knowledge base: the bundled files load and cover the supply chain; broken files fail clearly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from reex_research import schema
from reex_research.errors import KnowledgeBaseError
from reex_research.kb import (
    SEPARATORS,
    KnowledgeBase,
    entities_frame,
    fold,
    is_exact,
    kb_summary,
    load_kb,
    match_key,
    scan_form,
    validate_kb,
)
from reex_research.read.textfix import lower_same_length

REE_IDS = (
    "lanthanum", "cerium", "praseodymium", "neodymium", "promethium", "samarium", "europium",
    "gadolinium", "terbium", "dysprosium", "holmium", "erbium", "thulium", "ytterbium", "lutetium",
    "scandium", "yttrium",
)
THEME_IDS = (
    "export_controls", "quotas_traceability", "recycling", "overseas_expansion", "consolidation",
    "capacity_technology", "standards", "smuggling_enforcement", "pricing_market_power",
    "western_response", "environment",
)

ENTITIES_OK = """\
- id: baogang_group
  name: Baogang Group
  type: organisation
  subtype: company
  country: CN
  aliases: [Baogang, Baotou Steel]

- id: china_northern_rare_earth
  name: China Northern Rare Earth Group
  type: organisation
  subtype: company
  country: CN
  aliases: [CNRE]
  parent: baogang_group
"""
THEMES_OK = """\
- id: recycling
  label: Recycling
  terms: [recycl*]
"""


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The bundled knowledge base."""
    return load_kb()


def write_kb(folder: Path, entities: str = ENTITIES_OK, themes: str = THEMES_OK, **extra: str) -> Path:
    """Write a small knowledge base into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organisations.yaml").write_text(textwrap.dedent(entities), encoding="utf-8")
    (folder / "themes.yaml").write_text(textwrap.dedent(themes), encoding="utf-8")
    for name, text in extra.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def kb_error(folder: Path) -> KnowledgeBaseError:
    """Load ``folder`` expecting a KnowledgeBaseError and return it."""
    with pytest.raises(KnowledgeBaseError) as info:
        load_kb(folder)
    return info.value


# ---------------------------------------------------------------- the bundled knowledge base


def test_bundled_kb_has_at_least_150_entities(kb):
    assert len(kb.entities) >= 150


def test_bundled_kb_has_all_17_rare_earth_elements(kb):
    ids = {e.id for e in kb.entities if e.type == "material" and e.subtype == "element"}
    assert set(REE_IDS) <= ids


@pytest.mark.parametrize(
    ("entity_id", "name", "kind", "subtype", "country"),
    [
        ("china_rare_earth_group", "China Rare Earth Group", "organisation", "company", "CN"),
        ("china_northern_rare_earth", "China Northern Rare Earth Group", "organisation", "company", "CN"),
        ("baogang_group", "Baogang Group", "organisation", "company", "CN"),
        ("shenghe_resources", "Shenghe Resources", "organisation", "company", "CN"),
        ("jl_mag", "JL MAG Rare-Earth", "organisation", "company", "CN"),
        ("china_resources_recycling_group", "China Resources Recycling Group", "organisation", "company", "CN"),
        ("creia", "China Rare Earth Industry Association", "organisation", "association", "CN"),
        ("mofcom", "Ministry of Commerce", "organisation", "ministry", "CN"),
        ("lynas", "Lynas Rare Earths", "organisation", "company", "AU"),
        ("mp_materials", "MP Materials", "organisation", "company", "US"),
        ("us_dod", "Department of Defense", "organisation", "ministry", "US"),
        ("shanghai_stock_exchange", "Shanghai Stock Exchange", "organisation", "exchange", "CN"),
        ("asian_metal", "Asian Metal", "organisation", "media", "CN"),
        ("liu_leiyun", "Liu Leiyun", "person", "executive", "CN"),
        ("chen_gang", "Chen Gang", "person", "official", "CN"),
        ("beijing", "Beijing", "place", "city", "CN"),
        ("guangxi", "Guangxi", "place", "province", "CN"),
        ("tanzania", "Tanzania", "place", "country", "TZ"),
        ("ngualla", "Ngualla", "place", "project", "TZ"),
        ("bayan_obo", "Bayan Obo", "place", "deposit", "CN"),
        ("asean", "ASEAN", "place", "region", ""),
        ("ndfeb_magnets", "NdFeB magnets", "material", "magnet", ""),
    ],
)
def test_required_entity_is_present(kb, entity_id, name, kind, subtype, country):
    entity = kb.entity(entity_id)
    assert (entity.name, entity.type, entity.subtype, entity.country) == (name, kind, subtype, country)


def test_cnre_parent_is_baogang(kb):
    assert kb.entity("china_northern_rare_earth").parent == "baogang_group"


@pytest.mark.parametrize(
    ("entity_id", "alias"),
    [
        ("china_rare_earth_group", "CREG"),
        ("china_northern_rare_earth", "CNRE"),
        ("baogang_group", "Baotou Steel"),
        ("us_dod", "Pentagon"),
        ("united_states", "U.S."),
        ("united_states", "USA"),
        ("miit", "MIIT"),
        ("rare_earth_exchanges", "REEx"),
        ("heavy_rare_earths", "HREE"),
    ],
)
def test_alias_is_listed(kb, entity_id, alias):
    entity = kb.entity(entity_id)
    assert alias in entity.aliases + entity.exact_aliases


def test_chemical_symbols_are_exact_and_never_one_letter(kb):
    for entity in kb.entities:
        for form, _ in entity.forms():
            assert len(form) >= 2, (entity.id, form)
    assert "Nd" in kb.entity("neodymium").exact_aliases
    assert not kb.entity("lanthanum").aliases and not kb.entity("lanthanum").exact_aliases


def test_all_themes_are_present_with_terms(kb):
    assert [t.id for t in kb.themes] == list(THEME_IDS)
    assert all(theme.terms for theme in kb.themes)


def test_entities_frame_matches_schema(kb):
    frame = schema.validate("entities", entities_frame(kb))
    assert len(frame) == len(kb.entities)
    row = frame.set_index("entity_id").loc["china_northern_rare_earth"]
    assert row["parent_id"] == "baogang_group"
    assert row["aliases"] == "China Northern Rare Earth; CNRE; China Northern Rare Earth (Group) High-Tech; " \
        "Inner Mongolia Baotou Steel Rare-Earth; Northern Rare Earth; China Northern"


def test_version_is_16_hex_and_follows_content(tmp_path):
    first = load_kb(write_kb(tmp_path / "a"))
    same = load_kb(write_kb(tmp_path / "b"))
    changed = load_kb(write_kb(tmp_path / "c", themes=THEMES_OK + "\n# comment\n"))
    assert len(first.version) == 16 and int(first.version, 16) >= 0
    assert first.version == same.version != changed.version


def test_kb_summary_counts_types(tmp_path):
    kb = validate_kb(write_kb(tmp_path))
    summary = kb_summary(kb)
    assert "2 entities (2 organisations)" in summary and "1 themes" in summary and kb.version in summary


def test_acronym_rule():
    assert is_exact("CREG") and is_exact("U.S.") and is_exact("G7")
    assert not is_exact("REEx") and not is_exact("Baogang")


def test_match_key_ignores_case_and_hyphens():
    assert match_key("Rare-Earth  Group", exact=False) == match_key("rare earth group", exact=False)
    assert match_key("China’s", exact=False) == match_key("china's", exact=False)


# ---------------------------------------------------------------- validation errors


def test_missing_folder_is_a_clear_error(tmp_path):
    error = kb_error(tmp_path / "nowhere")
    assert error.path == tmp_path / "nowhere" and "not found" in str(error)


def test_missing_themes_file(tmp_path):
    folder = write_kb(tmp_path)
    (folder / "themes.yaml").unlink()
    assert kb_error(folder).path.name == "themes.yaml"


def test_missing_required_field_names_file_line_and_field(tmp_path):
    entities = ENTITIES_OK + "\n- id: lynas\n  type: organisation\n  subtype: company\n"
    error = kb_error(write_kb(tmp_path, entities))
    assert (error.path.name, error.line, error.field) == ("organisations.yaml", 16, "name")
    assert "missing required field" in str(error) and "line 16" in str(error)


def test_unknown_type_points_at_the_type_line(tmp_path):
    error = kb_error(write_kb(tmp_path, ENTITIES_OK.replace("type: organisation", "type: organization", 1)))
    assert (error.line, error.field) == (3, "type") and "organization" in str(error)


def test_unknown_subtype(tmp_path):
    error = kb_error(write_kb(tmp_path, ENTITIES_OK.replace("subtype: company", "subtype: miner", 1)))
    assert (error.line, error.field) == (4, "subtype")


def test_unknown_field_is_reported(tmp_path):
    error = kb_error(write_kb(tmp_path, ENTITIES_OK.replace("  aliases: [CNRE]", "  alias: [CNRE]")))
    assert (error.line, error.field) == (13, "alias")


def test_duplicate_id_across_files(tmp_path):
    people = "- id: baogang_group\n  name: Someone\n  type: person\n  subtype: official\n"
    error = kb_error(write_kb(tmp_path, people=people))
    assert (error.path.name, error.line, error.field) == ("people.yaml", 1, "id")
    assert "organisations.yaml, line 1" in str(error)


def test_duplicate_alias_compared_as_matched(tmp_path):
    entities = ENTITIES_OK + "\n- id: baotou\n  name: Baotou\n  type: place\n  subtype: city\n" \
        "  aliases: [baotou-steel]\n"
    error = kb_error(write_kb(tmp_path, entities))
    assert (error.line, error.field) == (20, "aliases") and "baogang_group" in str(error)


def test_acronym_and_exact_symbol_differing_in_case_do_not_clash(tmp_path):
    entities = ENTITIES_OK + (
        "\n- id: european_union\n  name: European Union\n  type: organisation\n  subtype: state_body\n"
        "  aliases: [EU]\n\n- id: europium\n  name: Europium\n  type: material\n  subtype: element\n"
        "  exact_aliases: [Eu]\n"
    )
    assert len(load_kb(write_kb(tmp_path, entities)).entities) == 4


def test_broken_parent_reference(tmp_path):
    error = kb_error(write_kb(tmp_path, ENTITIES_OK.replace("parent: baogang_group", "parent: baogang")))
    assert (error.line, error.field) == (14, "parent") and "'baogang'" in str(error)


def test_theme_without_terms(tmp_path):
    themes = THEMES_OK + "\n- id: standards\n  label: Standards\n  terms: []\n"
    error = kb_error(write_kb(tmp_path, themes=themes))
    assert (error.path.name, error.line, error.field) == ("themes.yaml", 5, "terms")


def test_wildcard_only_at_the_end(tmp_path):
    error = kb_error(write_kb(tmp_path, themes=THEMES_OK.replace("recycl*", "re*cycling")))
    assert (error.line, error.field) == (3, "terms")


def test_one_letter_alias_is_rejected(tmp_path):
    error = kb_error(write_kb(tmp_path, ENTITIES_OK.replace("[CNRE]", "[CNRE, Y]")))
    assert (error.line, error.field) == (13, "aliases")


def test_unquoted_norway_code_explains_the_yaml_trap(tmp_path):
    error = kb_error(write_kb(tmp_path, ENTITIES_OK.replace("country: CN", "country: NO", 1)))
    assert error.field == "country" and '"NO"' in str(error)


def test_invalid_yaml_is_wrapped_with_its_line(tmp_path):
    broken = ENTITIES_OK.replace("  aliases: [Baogang, Baotou Steel]", "  aliases: [Baogang, Baotou Steel")
    error = kb_error(write_kb(tmp_path, broken))
    assert error.path.name == "organisations.yaml" and error.line is not None and error.line >= 6
    assert isinstance(error.__cause__, yaml.YAMLError) and "invalid YAML" in str(error)


def test_entity_file_must_be_a_list(tmp_path):
    error = kb_error(write_kb(tmp_path, "id: baogang_group\nname: Baogang\n"))
    assert error.line == 1 and "list" in str(error)


@pytest.mark.parametrize("text", [
    "China’s rare-earth “quota” — (Beijing) / [Reuters]\nIt's\u00a0up",  # ASCII once folded
    "Rhône Métaux’s “Ærø” • ΟΔΟΣ İstanbul",  # not: lower case letter by letter
    "",
])
def test_scan_form_is_folded_lower_case(text):
    """The scan form of any text is a space and its same-length lower case, folded."""
    assert scan_form(text) == " " + fold(lower_same_length(text))
    assert all(ch.lower() == ch for ch in SEPARATORS)  # what the ASCII fast path relies on
