"""Promoting names into the knowledge base, always on a copy of data/kb in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reex_research import paths
from reex_research.cli import main
from reex_research.errors import InvalidArgumentError, KnowledgeBaseError
from reex_research.extract.entities import EntityMatcher, extract_mentions
from reex_research.kb import load_kb
from reex_research.kb_promote import NewEntity, make_id, promote
from reex_research.pipeline import toolkit_version
from tests.helpers import make_article

KESTREL = """
- id: kestrel_magnetics
  name: Kestrel Magnetics
  type: organisation
  subtype: company
  country: AU
  aliases: [Kestrel Mag]
  parent: lynas
"""


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A copy of the bundled knowledge base that a test may change."""
    return Path(shutil.copytree(paths.kb_dir(), tmp_path / "kb"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` (temporary files included) by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- promote()


def test_promoted_organisation_loads_and_its_alias_is_matched(kb_copy):
    before = (kb_copy / "organisations.yaml").read_text(encoding="utf-8")
    written = promote([{"name": "Kestrel Magnetics", "type": "organisation", "country": "AU",
                        "aliases": ["Kestrel Mag"], "parent_id": "lynas"}], kb_path=kb_copy)
    assert written == [kb_copy / "organisations.yaml"]
    assert (kb_copy / "organisations.yaml").read_text(encoding="utf-8") == before + KESTREL
    kb = load_kb(kb_copy)
    kestrel = kb.entity("kestrel_magnetics")
    assert (kestrel.name, kestrel.type, kestrel.subtype, kestrel.country, kestrel.aliases, kestrel.parent) == (
        "Kestrel Magnetics", "organisation", "company", "AU", ("Kestrel Mag",), "lynas")
    assert kestrel.file == "organisations.yaml" and kestrel.line == 940
    cols = extract_mentions(make_article("Kestrel Mag will buy oxide from Lynas in Malaysia."),
                            EntityMatcher.from_kb(kb))
    assert list(zip(cols["entity_id"], cols["surface"])) == [
        ("kestrel_magnetics", "Kestrel Mag"), ("lynas", "Lynas"), ("malaysia", "Malaysia")]


def test_each_type_goes_to_its_file_and_awkward_values_are_quoted(kb_copy):
    people, places = (kb_copy / "people.yaml").read_bytes(), (kb_copy / "places.yaml").read_bytes()
    written = promote([
        NewEntity(name="Ola Nordmann", type="person", subtype="expert", country="no"),
        NewEntity(name="Xi'an Magnet Park", type="place", subtype="project", country="CN",
                  aliases=("Magnet Park, Xi'an", "yes"), exact_aliases=("XMP",)),
    ], kb_path=kb_copy)
    assert written == [kb_copy / "people.yaml", kb_copy / "places.yaml"]
    assert (kb_copy / "people.yaml").read_bytes() == people + (
        b'\n- id: ola_nordmann\n  name: Ola Nordmann\n  type: person\n  subtype: expert\n'
        b'  country: "NO"\n  aliases: []\n')
    assert (kb_copy / "places.yaml").read_bytes() == places + (
        b'\n- id: xian_magnet_park\n  name: "Xi\'an Magnet Park"\n  type: place\n  subtype: project\n'
        b'  country: CN\n  aliases: ["Magnet Park, Xi\'an", "yes"]\n  exact_aliases: [XMP]\n')
    park = load_kb(kb_copy).entity("xian_magnet_park")
    assert park.aliases == ("Magnet Park, Xi'an", "yes") and park.exact_aliases == ("XMP",)
    assert load_kb(kb_copy).entity("ola_nordmann").country == "NO"


@pytest.mark.parametrize("name, expected", [
    ("Kestrel Magnetics", "kestrel_magnetics"),
    ("Maroš Šefčovič", "maros_sefcovic"),
    ("Xi'an", "xian"),
    ("Shin-Etsu Chemical", "shin_etsu_chemical"),
    ("Baotou Iron & Steel", "baotou_iron_and_steel"),
    ("IREL (India) Limited", "irel_india_limited"),
    ("  Neo  Performance Materials ", "neo_performance_materials"),
])
def test_default_id_is_the_names_words_in_lower_case_ascii(name, expected):
    assert make_id(name) == expected


def test_a_name_the_knowledge_base_already_has_is_refused_before_writing(kb_copy):
    before = snapshot(kb_copy)
    with pytest.raises(KnowledgeBaseError) as info:
        promote([{"name": "lynas rare-earths", "type": "organisation"}], kb_path=kb_copy)
    error = info.value
    assert (error.path, error.line, error.field) == (kb_copy / "organisations.yaml", 585, "name")
    assert "'Lynas Rare Earths' already names 'lynas'" in str(error)
    assert snapshot(kb_copy) == before


def test_an_id_the_knowledge_base_already_has_is_refused(kb_copy):
    before = snapshot(kb_copy)
    with pytest.raises(KnowledgeBaseError, match="id 'lynas' already names 'Lynas Rare Earths'") as info:
        promote([{"name": "Lynas USA", "type": "organisation", "id": "lynas"}], kb_path=kb_copy)
    assert (info.value.line, info.value.field) == (585, "id")
    assert snapshot(kb_copy) == before


def test_the_same_name_twice_in_one_call_is_refused(kb_copy):
    before = snapshot(kb_copy)
    with pytest.raises(KnowledgeBaseError, match="earlier entry of this promotion"):
        promote([{"name": "Kestrel Magnetics", "type": "organisation"},
                 {"name": "Kestrel Magnetics", "type": "organisation", "id": "kestrel_two"}], kb_path=kb_copy)
    assert snapshot(kb_copy) == before


def test_an_alias_another_entity_has_is_refused_and_the_files_are_byte_identical(kb_copy):
    before = snapshot(kb_copy)
    with pytest.raises(KnowledgeBaseError) as info:
        promote([{"name": "Kestrel Magnetics", "type": "organisation", "aliases": ["Lynas"]}], kb_path=kb_copy)
    error = info.value
    assert (error.path, error.line, error.field) == (kb_copy / "organisations.yaml", 945, "aliases")
    assert "alias 'Lynas' of 'kestrel_magnetics' also names 'lynas'" in str(error)
    assert "nothing was promoted (organisations.yaml put back as before)" in str(error)
    assert snapshot(kb_copy) == before  # no temporary file left behind either


@pytest.mark.parametrize("entry, field, message", [
    ({"country": "AUS"}, "country", "country 'AUS' is not an ISO-3166 alpha-2 code"),
    ({"parent_id": "no_such_group"}, "parent", "parent 'no_such_group' is not a known id"),
])
def test_an_entry_the_loader_rejects_is_undone(kb_copy, entry, field, message):
    before = snapshot(kb_copy)
    with pytest.raises(KnowledgeBaseError, match=message) as info:
        promote([{"name": "Kestrel Magnetics", "type": "organisation", **entry}], kb_path=kb_copy)
    assert info.value.field == field
    assert snapshot(kb_copy) == before


def test_a_failed_promotion_restores_every_file_it_changed(kb_copy):
    before = snapshot(kb_copy)
    with pytest.raises(KnowledgeBaseError, match="parent links organisations only"):
        promote([NewEntity(name="Kestrel Bay", type="place", subtype="deposit", country="AU"),
                 NewEntity(name="Kestrel Magnetics", type="organisation", parent_id="kestrel_bay")],
                kb_path=kb_copy)
    assert snapshot(kb_copy) == before


@pytest.mark.parametrize("entry, message", [
    ({"name": "Ola Nordmann", "type": "person"}, "give the subtype of a person"),
    ({"name": "Kestrelite", "type": "material", "subtype": "mineral"}, "add materials to materials.yaml by hand"),
    ({"name": "Kestrel", "type": "organisation", "alias": ["K"]}, "unknown key 'alias'"),
    ({"name": "稀土", "type": "organisation"}, "cannot make an id"),
])
def test_entries_that_cannot_be_written_are_refused(kb_copy, entry, message):
    before = snapshot(kb_copy)
    with pytest.raises(InvalidArgumentError, match=message):
        promote([entry], kb_path=kb_copy)
    assert snapshot(kb_copy) == before


def test_promoting_changes_the_toolkit_version_so_the_cache_extracts_again(kb_copy):
    before = toolkit_version(kb_path=kb_copy)
    promote([{"name": "Kestrel Magnetics", "type": "organisation"}], kb_path=kb_copy)
    after = toolkit_version(kb_path=kb_copy)
    assert after != before and len(after) == 16


# ---------------------------------------------------------------- the command


def test_cli_promotes_prints_what_it_wrote_and_refuses_a_second_time(kb_copy, capsys):
    argv = ["kb", "promote", "Kestrel Magnetics", "--type", "organisation", "--country", "AU",
            "--alias", "Kestrel Mag", "--parent", "lynas", "--kb", str(kb_copy)]
    before = (kb_copy / "organisations.yaml").read_text(encoding="utf-8")
    assert main(argv) == 0
    assert capsys.readouterr().out == f"added kestrel_magnetics to {kb_copy / 'organisations.yaml'}\n"
    assert (kb_copy / "organisations.yaml").read_text(encoding="utf-8") == before + KESTREL
    assert load_kb(kb_copy).entity("kestrel_magnetics").aliases == ("Kestrel Mag",)

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "id 'kestrel_magnetics' already names 'Kestrel Magnetics'" in err
    assert (kb_copy / "organisations.yaml").read_text(encoding="utf-8") == before + KESTREL


def test_cli_promotes_several_names_of_one_type(kb_copy, capsys):
    assert main(["kb", "promote", "Ola Nordmann", "Kari Nordmann", "--type", "person", "--subtype", "expert",
                 "--kb", str(kb_copy)]) == 0
    people = kb_copy / "people.yaml"
    assert capsys.readouterr().out == f"added ola_nordmann to {people}\nadded kari_nordmann to {people}\n"
    assert [load_kb(kb_copy).entity(i).subtype for i in ("ola_nordmann", "kari_nordmann")] == ["expert", "expert"]


def test_cli_refuses_an_alias_for_several_names(kb_copy, capsys):
    before = snapshot(kb_copy)
    assert main(["kb", "promote", "Ola One", "Ola Two", "--type", "organisation", "--alias", "Ola",
                 "--kb", str(kb_copy)]) == 2
    assert "promote one NAME at a time" in capsys.readouterr().err
    assert snapshot(kb_copy) == before


def test_cli_promotes_candidates_with_enough_mentions(kb_copy, tmp_path, capsys):
    candidates = tmp_path / "candidates.csv"
    candidates.write_text("name,count,n_articles,example_article_id\n"
                          "Kestrel Magnetics,3,2,a1\nOsprey Metals,1,1,a2\nHarrier Mining,7,3,a3\n",
                          encoding="utf-8")
    assert main(["kb", "promote", "--from-candidates", str(candidates), "--min-count", "2",
                 "--type", "organisation", "--country", "AU", "--kb", str(kb_copy)]) == 0
    orgs = kb_copy / "organisations.yaml"
    assert capsys.readouterr().out == f"added harrier_mining to {orgs}\nadded kestrel_magnetics to {orgs}\n"
    kb = load_kb(kb_copy)
    assert kb.entity("harrier_mining").country == "AU"
    with pytest.raises(KeyError):
        kb.entity("osprey_metals")
