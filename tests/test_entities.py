"""Entity mentions, unknown-name candidates and co-occurrence relations, on hand-written sentences."""

from __future__ import annotations

import dataclasses
import importlib.util
import pickle
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from reex_research import datafile, paths, schema
from reex_research.errors import KnowledgeBaseError
from reex_research.extract import entities
from reex_research.extract.entities import (
    CandidateRules,
    EntityMatcher,
    aggregate_candidates,
    extract_candidates,
    extract_mentions,
    load_candidate_rules,
)
from reex_research.kb import load_kb
from reex_research.model import ParsedArticle, Sentence
from reex_research.pipeline import build_toolkit
from tests.helpers import make_article


@pytest.fixture(scope="module")
def matcher() -> EntityMatcher:
    """A matcher over the bundled knowledge base, built once."""
    return EntityMatcher.from_kb(load_kb())


def found(text: str, matcher: EntityMatcher) -> list[tuple[str, str]]:
    """Return ``(entity_id, surface)`` for every mention in ``text``."""
    cols = extract_mentions(make_article(text), matcher)
    return list(zip(cols["entity_id"], cols["surface"]))


def names(text: str, matcher: EntityMatcher) -> list[str]:
    """Return the candidate names found in ``text``."""
    return [name for name, _ in extract_candidates(make_article(text), matcher)]


# ---------------------------------------------------------------- mentions


def test_longest_match_wins_over_the_country(matcher):
    text = "China Rare Earth Group and China Northern Rare Earth Group signed a deal with China."
    assert found(text, matcher) == [
        ("china_rare_earth_group", "China Rare Earth Group"),
        ("china_northern_rare_earth", "China Northern Rare Earth Group"),
        ("china", "China"),
    ]


def test_subsidiary_names_beat_city_names(matcher):
    text = "Baotou Steel and Ganzhou Rare Earth Group expanded in Baotou and Ganzhou."
    assert [e for e, _ in found(text, matcher)] == [
        "baogang_group", "ganzhou_rare_earth_group", "baotou", "ganzhou",
    ]


def test_possessives_match_with_the_name_as_surface(matcher):
    text = "China’s quotas, CREG’s plan and China's exports."
    assert found(text, matcher) == [
        ("china", "China"), ("china_rare_earth_group", "CREG"), ("china", "China"),
    ]


def test_hyphenated_forms_match_each_part(matcher):
    text = "Baogang-backed firms attended the China-ASEAN expo and the Guangxi–ASEAN forum."
    assert found(text, matcher) == [
        ("baogang_group", "Baogang"), ("china", "China"), ("asean", "ASEAN"),
        ("guangxi", "Guangxi"), ("asean", "ASEAN"),
    ]


def test_rare_earth_spelled_with_hyphen_matches_alias_with_space(matcher):
    assert found("A JL MAG Rare-Earth plant and neodymium-iron-boron scrap.", matcher) == [
        ("jl_mag", "JL MAG Rare-Earth"), ("ndfeb_magnets", "neodymium-iron-boron"),
    ]


def test_acronyms_are_case_sensitive(matcher):
    assert found("Please join us to discuss the plan.", matcher) == []
    assert found("Please join us in the US.", matcher) == [("united_states", "US")]
    assert found("The creg and the eu met.", matcher) == []


def test_no_match_inside_longer_words(matcher):
    assert found("The Laosian BUS from Chinatown left.", matcher) == []


def test_a_currency_prefix_is_not_a_mention_of_its_country(matcher):
    assert found("Shenghe paid US$60.8 million; the US will match it.", matcher) == [
        ("shenghe_resources", "Shenghe"), ("united_states", "US"),
    ]


def test_usa_is_one_mention_not_us(matcher):
    assert found("Mines in the USA and the U.S. grew.", matcher) == [
        ("united_states", "USA"), ("united_states", "U.S."),
    ]


def test_case_insensitive_names_match_any_case(matcher):
    assert found("BAOGANG and baogang and Baogang.", matcher) == [("baogang_group", "BAOGANG"),
                                                             ("baogang_group", "baogang"),
                                                             ("baogang_group", "Baogang")]


def test_exact_aliases_need_their_capitals(matcher):
    assert found("Energy Fuels said energy fuels prices rose.", matcher) == [("energy_fuels", "Energy Fuels")]
    assert found("China rare earth output.", matcher) == [("china", "China")]


def test_chemical_symbols_match_only_as_written(matcher):
    assert found("Nd and Dy prices rose, and sand did not.", matcher) == [
        ("neodymium", "Nd"), ("dysprosium", "Dy"),
    ]
    assert found("ND prices and nd oxide.", matcher) == []


def test_offsets_point_at_the_surface_in_article_text(matcher):
    text = "Title line\n\n  Liu Leiyun of CREG met Chen Gang in Nanning.\nLaos, Malaysia, and Vietnam joined."
    article = make_article(text)
    cols = extract_mentions(article, matcher)
    assert cols["entity_id"] == ["liu_leiyun", "china_rare_earth_group", "chen_gang", "nanning",
                                 "laos", "malaysia", "vietnam"]
    sentences = {s.sentence_id: s for s in article.sentences}
    for sid, surface, start, end in zip(cols["sentence_id"], cols["surface"], cols["start"], cols["end"]):
        assert text[start:end] == surface
        assert sentences[sid].start <= start < end <= sentences[sid].end
    assert cols["sentence_id"][:4] == ["test0001:s0001"] * 4


def test_mentions_columns_match_schema(matcher):
    cols = extract_mentions(make_article("Lynas supplies Japan with terbium."), matcher)
    frame = schema.validate("mentions", schema.frame("mentions", cols))
    assert frame["entity_type"].tolist() == ["organisation", "place", "material"]
    assert frame["article_id"].tolist() == ["test0001"] * 3


def test_only_text_inside_sentences_is_matched(matcher):
    text = "Japan. China."
    sentence = Sentence("a:s0", "a:p0", 0, "paragraph", 7, 13, "China.")
    article = ParsedArticle(article_id="a", text=text, sentences=(sentence,))
    assert extract_mentions(article, matcher)["entity_id"] == ["china"]


def test_match_does_not_cross_a_sentence_end(matcher):
    assert found("The group is in Inner\nMongolia now.", matcher) == [("mongolia", "Mongolia")]


def test_thai_sentence_yields_no_mentions(matcher):
    assert found("จีนเป็นผู้ผลิตแร่หายากรายใหญ่ที่สุดของโลก และควบคุมการส่งออก", matcher) == []


def test_german_sentences_yield_no_false_mentions(matcher):
    assert found("Die Europäische Union und China verhandeln über Seltene Erden.", matcher) == [("china", "China")]
    assert found("Der Hund lag im Garten.", matcher) == []
    assert found("Er sagt, La Ce Pr Y und Eu sind da.", matcher) == []


def test_matcher_is_built_once_from_the_kb():
    kb = load_kb()
    matcher = EntityMatcher.from_kb(kb)
    assert matcher.kb_version == kb.version and len(matcher.entity_ids) == len(kb.entities)


def test_article_003_sentence(matcher):
    text = (
        "Liu Leiyun, Party Secretary and Chairman of China Rare Earth Group (CREG), attended the event "
        "and held bilateral talks with senior officials from Laos, Malaysia, and Vietnam."
    )
    assert [e for e, _ in found(text, matcher)] == [
        "liu_leiyun", "china_rare_earth_group", "china_rare_earth_group", "laos", "malaysia", "vietnam",
    ]


# ---------------------------------------------------------------- candidates


def test_unknown_multiword_names_are_candidates(matcher):
    text = "Officials from Yuanbao Magnetics met Kazuo Tanaka of the Pacific Minerals Forum in March."
    assert names(text, matcher) == ["Yuanbao Magnetics", "Kazuo Tanaka", "Pacific Minerals Forum"]


def test_known_names_are_not_candidates(matcher):
    assert names("China Rare Earth Group and Lynas Rare Earths met the MIIT in Beijing.", matcher) == []


def test_sentence_initial_words_and_months_are_trimmed(matcher):
    assert names("The Shenzhen Magnet Guild agreed.", matcher) == ["Shenzhen Magnet Guild"]
    assert names("In November Baowu Resources said so.", matcher) == ["Baowu Resources"]


def test_unknown_acronyms_are_candidates_but_common_ones_are_not(matcher):
    assert names("The CMRA signed an MOU, its CEO said, as GDP grew.", matcher) == ["CMRA"]


@pytest.mark.parametrize("text, expected", [
    ("PERTH, Australia, 9 October 2025 /PRNewswire/ -- Velion Magnetics Ltd (ASX: VLN; OTC:VLNMY) said.",
     ["Velion Magnetics Ltd"]),
    ("LAS VEGAS--(BUSINESS WIRE)--Velion Magnetics (NYSE: VMAG) opened a plant.", ["Velion Magnetics"]),
    ("PERTH (Mining Journal) — Velion Magnetics has confirmed a refinery.", ["Mining Journal", "Velion Magnetics"]),
    ("NATO said the CMRA plan was agreed.", ["NATO", "CMRA"]),
])
def test_tickers_exchanges_dateline_places_and_wire_names_are_not_candidates(matcher, text, expected):
    assert names(text, matcher) == expected


def test_title_case_headings_are_ignored(matcher):
    assert names("Why This Matters For Global Supply Chains", matcher) == []
    assert names("Straight Into Your Inbox", matcher) == []
    article = make_article("Owning The Yellow Sea Minerals Future.")
    heading = article.sentences[0]._replace(block="heading")
    article = dataclasses.replace(article, sentences=(heading,))
    assert extract_candidates(article, matcher) == []


def test_generic_title_words_alone_are_not_candidates(matcher):
    assert names("Delegates from the Corporate Management Department and State Media came.", matcher) == []


def test_candidates_carry_their_sentence_id(matcher):
    article = make_article("Nothing here.\nThe Yellow Sea Minerals Company grew.")
    assert extract_candidates(article, matcher) == [("Yellow Sea Minerals Company", "test0001:s0001")]


def test_candidates_reuse_given_mentions(matcher):
    article = make_article("Lynas and Qilin Magnet Works met.")
    mentions = extract_mentions(article, matcher)
    assert extract_candidates(article, matcher, mentions=mentions) == [("Qilin Magnet Works", "test0001:s0000")]


# ---------------------------------------------------------------- candidate rules (data file)

BUNDLED_CANDIDATES = paths.rules_dir() / "candidates.yaml"
INVENTED = "Zorvath Holdings opened a plant in Quelmar."


def copy_candidates(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """Write a copy of the bundled candidates.yaml with ``old`` replaced by ``new`` (once)."""
    text = BUNDLED_CANDIDATES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "candidates.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def with_rules(matcher: EntityMatcher, rules: CandidateRules) -> EntityMatcher:
    """The same compiled matcher with other candidate rules (no recompiling of the automaton)."""
    return dataclasses.replace(matcher, candidates=rules)


def test_bundled_candidate_rules_load_as_word_sets(matcher):
    rules = load_candidate_rules()
    assert rules == load_candidate_rules(BUNDLED_CANDIDATES) == matcher.candidates
    for field in dataclasses.fields(CandidateRules):
        words = getattr(rules, field.name)
        assert isinstance(words, frozenset) and words, field.name
        assert all(isinstance(word, str) and word.strip() == word and word for word in words), field.name
    # quoted in the file so YAML keeps them as words, not booleans or an anchor
    assert {"no", "on"} <= rules.leading_stop and "on" in rules.title_noise and "&" in rules.connectors
    assert {"of", "for"} <= rules.split_words and {"CEO", "MOU"} <= rules.acronym_stop
    assert {"may", "sept", "sunday"} <= rules.months and "ministry" in rules.institutions


def test_nothing_is_read_when_the_module_is_imported(monkeypatch, tmp_path):
    read = datafile.read_data_file
    reads: list[Path] = []

    def recording(path, *args, **kwargs):
        reads.append(Path(path))
        return read(path, *args, **kwargs)

    monkeypatch.setattr(datafile, "read_data_file", recording)
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    name = "reex_research.extract._entities_import_check"
    spec = importlib.util.spec_from_file_location(name, entities.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)  # a fresh import of the module: must not touch any file
    assert reads == []
    # the default rules folder is the one in effect when the rules are loaded, not at import
    (tmp_path / "data" / "rules").mkdir(parents=True)
    copy = shutil.copy(BUNDLED_CANDIDATES, tmp_path / "data" / "rules" / "candidates.yaml")
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    rules = module.load_candidate_rules()
    assert reads == [Path(copy)]
    assert "may" in rules.months and "ministry" in rules.institutions


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("\ngeneric: [", "\ngenerics: [", "generics", "unknown key"),  # misspelt: named as unknown first
        ("\nmonths: [", "\n# months: [", "months", None),  # the flow list is cut: YAML error
        ("'no', more", "no, more", "leading_stop", "quote them"),  # unquoted no is read as False
        ("[you, your,", "[yes, your,", "title_noise", "quote them"),
        ("split_words: [of, for]", "split_words: of", "split_words", "list of words"),
        ("split_words: [of, for]", "split_words:", "split_words", "got nothing"),
        ("split_words: [of, for]", "split_words: [of, for, 'per cent']", "split_words", "single words"),
    ],
)
def test_invalid_candidate_rules_name_the_field(tmp_path, old, new, field, says):
    path = copy_candidates(tmp_path, old, new)
    with pytest.raises(KnowledgeBaseError) as info:
        load_candidate_rules(path)
    assert info.value.path == path
    if says is None:  # commenting out the first line of a list breaks the YAML: the line is named
        assert "invalid YAML" in str(info.value) and info.value.line is not None
    else:
        assert info.value.field == field and says in str(info.value) and f"'{field}'" in str(info.value)


def test_a_missing_candidate_list_names_the_field(tmp_path):
    data = datafile.read_data_file(BUNDLED_CANDIDATES).data
    del data["generic"]
    path = tmp_path / "candidates.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="missing") as info:
        load_candidate_rules(path)
    assert info.value.field == "generic" and info.value.path == path


def test_missing_candidate_rules_file_names_the_path(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="file not found") as info:
        load_candidate_rules(tmp_path / "candidates.yaml")
    assert info.value.path == tmp_path / "candidates.yaml"


def test_a_word_added_to_the_generic_list_changes_the_candidates(tmp_path, matcher):
    assert names(INVENTED, matcher) == ["Zorvath Holdings"]
    edited = load_candidate_rules(copy_candidates(tmp_path, "\ngeneric: [", "\ngeneric: [Zorvath, "))
    assert "zorvath" in edited.generic  # lower-cased on reading: the lists are compared in lower case
    assert names(INVENTED, with_rules(matcher, edited)) == []
    assert names(INVENTED, matcher) == ["Zorvath Holdings"]  # the rules belong to the matcher, not the module


def test_connectors_from_the_file_join_the_words_of_one_name(tmp_path, matcher):
    text = "Staff at Banco Quelmar y Zorvath spoke."
    assert names(text, matcher) == ["Banco Quelmar"]
    edited = load_candidate_rules(copy_candidates(tmp_path, "connectors: [of,", "connectors: [y, of,"))
    assert names(text, with_rules(matcher, edited)) == ["Banco Quelmar y Zorvath"]


def test_matcher_with_candidate_rules_survives_pickling_for_worker_processes(matcher):
    clone = pickle.loads(pickle.dumps(matcher))
    assert clone.candidates == matcher.candidates
    text = "Officials from Yuanbao Magnetics met Kazuo Tanaka of the Pacific Minerals Forum in March."
    assert names(text, clone) == names(text, matcher)


def test_toolkit_reads_candidate_rules_from_its_rules_folder(tmp_path):
    folder = Path(shutil.copytree(paths.rules_dir(), tmp_path / "rules"))
    copy_candidates(folder, "\ngeneric: [", "\ngeneric: [zorvath, ")
    toolkit = build_toolkit(rules_path=folder)
    assert "zorvath" in toolkit.entities.candidates.generic
    assert names(INVENTED, toolkit.entities) == []


def test_aggregate_candidates_counts_sorts_and_picks_first_example():
    rows = [
        ("b", "Qilin Magnet Works", "b:s0002", "Qilin Magnet Works grew."),
        ("a", "Yuanbao Magnetics", "a:s0001", "Yuanbao Magnetics said."),
        ("a", "Qilin Magnet Works", "a:s0005", "Later, Qilin Magnet Works."),
        ("a", "Qilin Magnet Works", "a:s0003", "Qilin Magnet Works first."),
        ("c", "Andes Rare Metals", "c:s0000", "Andes Rare Metals."),
    ]
    frame = schema.validate("candidates", aggregate_candidates(rows))
    assert frame["name"].tolist() == ["Qilin Magnet Works", "Andes Rare Metals", "Yuanbao Magnetics"]
    assert frame["count"].tolist() == [3, 1, 1]
    assert frame["n_articles"].tolist() == [2, 1, 1]
    first = frame.iloc[0]
    assert (first["example_article_id"], first["example_sentence_id"], first["example_sentence"]) == (
        "a", "a:s0003", "Qilin Magnet Works first."
    )
    assert aggregate_candidates(list(reversed(rows))).equals(frame)


def test_aggregate_of_nothing_is_an_empty_table():
    assert schema.validate("candidates", aggregate_candidates([])).empty


# ---------------------------------------------------------------- relations
