"""Who does what with whom: co-occurring actor pairs and typed, directed verb relations.

Sentences marked with an article number are quoted from the bundled articles; the others are
written for the test. Expected rows are worked out by hand.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from reex_research import paths, schema
from reex_research.extract.discover import discover_actors
from reex_research.extract.entities import extract_mentions
from reex_research.extract.relations import (
    leading_alternatives,
    load_relation_rules,
    SPLIT,
    lowercase_literals,
    lowered,
    relation_columns,
)
from reex_research.pipeline import build_toolkit
from tests.helpers import make_article

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def toolkit():
    return build_toolkit()


def relations(text: str, toolkit, article_id: str = "test0001") -> pd.DataFrame:
    """The ``relations`` table of ``text``, as the pipeline builds it (discovered actors included)."""
    article = make_article(text, article_id=article_id)
    known = extract_mentions(article, toolkit.entities)
    discovered = discover_actors(article, toolkit.entities, toolkit.discovery, known)
    found, gone = discovered.mentions, set(discovered.dropped)  # known mentions a longer name took in
    mentions = {name: [v for i, v in enumerate(known[name]) if i not in gone] + found[name] for name in known}
    order = sorted(range(len(mentions["start"])), key=lambda i: mentions["start"][i])
    mentions = {name: [values[i] for i in order] for name, values in mentions.items()}
    return schema.validate("relations", schema.frame("relations", relation_columns(article, mentions, toolkit.relations, toolkit.discovery)))


def verbs(table: pd.DataFrame) -> list[tuple]:
    rows = table[table["kind"] != "cooccurs"]
    return list(zip(rows["source_id"], rows["kind"], rows["target_id"], rows["negated"], rows["hedged"]))


# ------------------------------------------------------------------------------- co-occurrence


def test_relations_pair_distinct_actors_in_a_sentence(toolkit):
    table = relations("CREG met officials from Laos and Laos again in Nanning about neodymium.", toolkit)
    pairs = table[table["kind"] == "cooccurs"]
    assert list(zip(pairs["source_id"], pairs["target_id"])) == [
        ("china_rare_earth_group", "laos"), ("china_rare_earth_group", "nanning"), ("laos", "nanning"),
    ]
    assert pairs["verb"].isna().all() and not pairs["negated"].any()


def test_cooccurrence_is_per_sentence(toolkit):
    table = relations("Lynas and Japan agreed.\nJapan and Lynas agreed again.\nOnly terbium and dysprosium here.",
                      toolkit)
    pairs = table[table["kind"] == "cooccurs"]
    assert list(zip(pairs["sentence_id"], pairs["source_id"], pairs["target_id"])) == [
        ("test0001:s0000", "japan", "lynas"), ("test0001:s0001", "japan", "lynas"),
    ]


def test_no_actors_means_an_empty_relations_table(toolkit):
    assert relations("Terbium only.", toolkit).empty


# ------------------------------------------------------------------------------- verb relations


def test_001_shenghe_acquires_ngualla_not_tanzania(toolkit):
    # 001: "Tanzania's" qualifies the project; Shenghe takes control of Ngualla
    table = relations("Shenghe Resources gained control of Tanzania's Ngualla rare-earth project via an "
                      "Australian acquisition.", toolkit)
    assert verbs(table) == [("shenghe_resources", "acquires", "ngualla", False, False)]
    row = table[table["kind"] == "acquires"].iloc[0]
    assert row["verb"] == "gained control of" and row["start"] == len("Shenghe Resources ")


def test_000_two_groups_joined_by_and_sign_an_agreement(toolkit):
    table = relations("China Rare Earth Group and China Resources Recycling Group have signed a broad "
                      "cooperation agreement.", toolkit)
    assert verbs(table) == [("china_rare_earth_group", "partners_with", "china_resources_recycling_group",
                             False, False)]


def test_004_baogang_hosts_the_industry_association(toolkit):
    table = relations("In a high-level meeting on November 17, Baogang Group hosted the president of the "
                      "China Rare Earth Industry Association.", toolkit)
    assert verbs(table) == [("baogang_group", "meets", "creia", False, False)]


def test_a_passive_verb_turns_the_relation_round(toolkit):
    table = relations("Neo Performance Materials was acquired by Lynas Rare Earths last year.", toolkit)
    assert verbs(table) == [("lynas", "acquires", "neo_performance_materials", False, False)]


def test_a_denial_is_negated_and_a_plan_is_hedged(toolkit):
    negated = relations("Lynas Rare Earths did not acquire Iluka Resources.", toolkit)
    assert verbs(negated) == [("lynas", "acquires", "iluka", True, False)]
    hedged = relations("Iluka Resources plans to supply Shin-Etsu from 2027.", toolkit)
    assert verbs(hedged) == [("iluka", "supplies", "shin_etsu", False, True)]


def test_an_actor_named_after_a_comma_is_not_the_object(toolkit):
    # 001: the controls are imposed on elements; Beijing only comes later in the sentence
    table = relations("In 2025, China imposed sweeping export controls on critical rare earth elements, "
                      "signifying Beijing's intent to use rare earths as a lever.", toolkit)
    assert verbs(table) == []


def test_a_discovered_company_takes_part_in_a_relation(toolkit):
    table = relations("Kestrel Magnetics Ltd signed an offtake agreement with Lynas Rare Earths.", toolkit)
    assert verbs(table) == [("d:kestrel_magnetics", "supplies", "lynas", False, False)]


def test_the_company_stands_for_the_organisation_named_last_before_its_sentence(toolkit):
    text = ("Lynas Rare Earths expanded its Texas plant.\n"
            "The company said it may sign a supply agreement with Shin-Etsu next year.")
    assert verbs(relations(text, toolkit)) == [("lynas", "supplies", "shin_etsu", False, True)]


def test_a_reference_without_an_organisation_before_it_links_nothing(toolkit):
    assert verbs(relations("The company said it may sign a supply agreement with Shin-Etsu.", toolkit)) == []


# --- the verb pattern: faster to match, and matching what the plain lexicon matches -------------

@pytest.mark.parametrize(("phrase", "expected"), [
    ("acquir(?:e|es|ed|ing)", ["acquir(?:e|es|ed|ing)"]),
    ("(?:is |was )?owned by", ["is owned by", "was owned by", "owned by"]),
    ("(?:was|were) (?:sued|fined) by", ["was (?:sued|fined) by", "were (?:sued|fined) by"]),
    ("met|meets?", ["met", "meets?"]),
    ("(?:a|b)c|d", ["ac", "bc", "d"]),
    ("(?:a|b)*c", ["(?:a|b)*c"]),  # a repeated group cannot be split
    ("x[|)]y", ["x[|)]y"]),  # a bar inside a character class is a character
    (r"x\|y", [r"x\|y"]),
])
def test_a_phrase_is_split_into_alternatives_that_start_with_a_literal(phrase, expected):
    assert leading_alternatives(phrase) == expected


def test_literals_are_lowercased_but_escapes_and_group_names_kept():
    assert lowercase_literals(r"(?P<Who>Took) \S+ (?:MoU|[A-Z]\d)") == r"(?P<Who>took) \S+ (?:mou|[a-z]\d)"


def _plain_union(rules):
    """The lexicon as one case-insensitive regex, kind by kind, longest phrase first: the reference."""
    parts, owners = [], []
    for rule in rules.kinds:
        for passive, phrases in ((True, rule.passive), (False, rule.active)):
            if phrases:
                owners.append((rule.kind, passive))
                heads = [p.partition(SPLIT)[0].strip() for p in phrases]  # a split phrase is found by its head
                parts.append(f"(?P<g{len(owners) - 1}>" + "|".join(f"(?:{p})" for p in heads) + ")")
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE), owners


def _found(rules, text):
    low = lowered(text)
    groups = rules.verbs.groups
    return [(groups[m.lastgroup][0].kind, groups[m.lastgroup][1], m.start(), m.end())
            for m in rules.verbs.regex.finditer(low)]


def _expected(reference, text):
    regex, owners = reference
    return [(*owners[int(m.lastgroup[1:])], m.start(), m.end()) for m in regex.finditer(text)]


def test_the_verb_pattern_matches_what_the_plain_lexicon_matches(toolkit):
    texts = [path.read_text(encoding="utf-8") for path in sorted((FIXTURES / "labelled").glob("*.*"))
             if path.suffix in (".txt", ".md")]
    texts += [path.read_text(encoding="utf-8") for path in sorted(paths.bundled_corpus().glob("*.txt"))]
    texts += ["Kestrel WAS ACQUIRED BY Lynas; Neo, A Wholly-Owned Subsidiary Of Solvay, Signed An MoU With VAC.",
              "İstanbul-based Ege Metal Was Bought By Kestrel; it Was Owned By nobody."]
    reference = _plain_union(toolkit.relations)
    assert len(texts) > 20
    for text in texts:
        assert _found(toolkit.relations, text) == _expected(reference, text)


def test_every_bundled_verb_phrase_starts_with_a_letter_so_the_pattern_is_grouped_by_letter(toolkit):
    # a phrase starting with a group or a class ("(?:[\\w-]+ )?subsidiary of") is tried at every
    # place of every sentence: several times slower, with no change in what is found
    alternatives = [lowercase_literals(a) for rule in toolkit.relations.kinds
                    for phrase in (*rule.active, *rule.passive) for a in leading_alternatives(phrase)]
    assert len(alternatives) > 100
    assert [a for a in alternatives if not (re.match(r"[a-z](?![?*+{])", a))] == []


def test_phrases_that_do_not_start_with_a_letter_still_match(tmp_path):
    rules_file = tmp_path / "relations.yaml"
    rules_file.write_text(
        "kinds:\n  acquires:\n    active: ['(?<!not )buys|purchases', 'took over']\n"
        "  sues:\n    active: ['\\$\\d+ lawsuit against']\n"
        "negations: [not]\nhedges: [may]\n", encoding="utf-8")
    rules = load_relation_rules(rules_file)
    assert _found(rules, "Lynas Buys Kestrel") == [("acquires", False, 6, 10)]
    assert _found(rules, "Lynas purchases Kestrel and took over Neo") == [
        ("acquires", False, 6, 15), ("acquires", False, 28, 37)]
    assert _found(rules, "a $5 lawsuit against Neo") == [("sues", False, 2, 20)]


# --- written for the test, in the manner of company releases and wire stories --------------------

def test_a_quoted_short_name_in_brackets_is_the_company_and_abbreviations_do_not_cut_a_clause(toolkit):
    rows = verbs(relations(
        'Tamarack Magnetics, Inc. ("Tamarack"), a developer of magnets, today announced that it has filed a '
        "lawsuit against Zhejiang Dongsheng Magnetic Materials Co., Ltd. in Delaware. Tamarack has also filed "
        "a complaint against Dongsheng Magnetics USA LLC with the ITC.", toolkit))
    assert rows == [
        ("d:tamarack_magnetics", "sues", "d:zhejiang_dongsheng_magnetic_materials", False, False),
        ("d:tamarack_magnetics", "sues", "d:dongsheng_magnetics_usa", False, False),
    ]


def test_the_australian_miner_stands_for_the_company_the_story_is_about(toolkit):
    rows = verbs(relations(
        "Lynas Rare Earths plans a plant in Texas with the Pentagon. The Australian miner, the largest producer "
        "of separated rare earths outside China, signed a contract with the Pentagon in 2023.", toolkit))
    assert rows == [("lynas", "partners_with", "us_dod", False, False)]


def test_a_relative_clause_takes_the_name_before_it_as_subject_and_by_makes_a_verb_passive(toolkit):
    assert verbs(relations("Kestrel Magnetics, which is backed by Harrow Ridge Capital, makes magnets in Ohio.",
                           toolkit)) == [("d:harrow_ridge", "invests_in", "d:kestrel_magnetics", False, False)]
    rows = verbs(relations("TechMet, which is partly funded by the US International Development Finance "
                           "Corporation, makes investments.", toolkit))
    assert rows == [("us_dfc", "invests_in", "d:techmet", False, False)]  # not "US", nor "Finance" as a verb


def test_each_actor_of_a_list_after_the_verb_is_an_object(toolkit):
    rows = verbs(relations("The Pentagon has previously awarded funding to MP Materials, Lynas Rare Earths and "
                           "Noveon Magnetics to build plants.", toolkit))
    assert rows == [("us_dod", "invests_in", target, False, False)
                    for target in ("mp_materials", "lynas", "noveon_magnetics")]


def test_buying_from_a_company_is_its_supply_and_supply_as_a_noun_is_no_verb(toolkit):
    assert verbs(relations("Apple agreed to buy $500 million of recycled magnets from MP Materials.", toolkit)) == [
        ("mp_materials", "supplies", "apple", False, False)]
    assert verbs(relations("Kimberley Heavy Minerals is also in discussions with Lynas Rare Earths regarding the "
                           "potential supply of xenotime concentrate from East Kimberley.", toolkit)) == []


def test_an_actor_after_and_that_begins_a_new_clause_is_no_second_object(toolkit):
    # quoted from bundled article 001
    rows = verbs(relations("Chinese firms accelerated global expansion, with Shenghe Resources acquiring Tanzania's "
                           "Ngualla project and JL MAG expanding Mexican magnet production.", toolkit))
    assert rows == [("shenghe_resources", "acquires", "ngualla", False, False)]


# --- who is a party: written for the test, in the manner of wire stories and company releases ----

@pytest.mark.parametrize("text", [
    "Redbank Rare Earths agreed to acquire the Mallee project in South Australia.",  # where the project is
    "Sojitz Corporation sources separated oxides from outside China.",
    "Saudi Arabia's Ma'aden plans to form a joint venture with MP Materials.",  # whose company it is
])
def test_a_place_that_only_says_where_or_whose_is_no_party(text, toolkit):
    assert verbs(relations(text, toolkit)) == []


def test_a_place_right_after_the_verb_is_still_its_object(toolkit):
    assert verbs(relations("Japan will invest $50 million in Australia.", toolkit)) == [
        ("japan", "invests_in", "australia", False, False)]


def test_a_site_or_a_title_qualifies_the_name_after_it(toolkit):
    assert verbs(relations("Iluka Resources will supply heavy rare earths from its Eneabba refinery to POSCO "
                           "International.", toolkit)) == [("iluka", "supplies", "d:posco_international", False, False)]
    assert verbs(relations("Energy Minister Chris Bowen visited the Kalgoorlie plant and met Lynas chief executive "
                           "Amanda Lacaze.", toolkit)) == [("d:chris_bowen", "meets", "amanda_lacaze", False, False)]
    assert verbs(relations("Kestrel Magnetics plans to sell magnets to the US market and to Tesla.", toolkit)) == [
        ("d:kestrel_magnetics", "supplies", "tesla", False, True)]


def test_a_reference_may_hold_a_place_in_a_compound(toolkit):
    text = ("Neo Performance Materials opened a magnet plant in Narva.\n"
            "The Toronto-listed company signed a supply agreement with Schaeffler AG.")
    assert verbs(relations(text, toolkit)) == [("neo_performance_materials", "supplies", "d:schaeffler", False, False)]


def test_the_subject_of_an_inner_clause_is_its_own(toolkit):
    assert verbs(relations("Halcyon Separation Technologies Inc. announced that the U.S. Department of Energy has "
                           "awarded $12 million to Phoenix Tailings.", toolkit)) == [
        ("us_doe", "invests_in", "phoenix_tailings", False, False)]
    assert verbs(relations("MP Materials will build a recycling line with Apple, and Lynas Rare Earths may sell "
                           "oxides to the Defense Logistics Agency.", toolkit)) == [
        ("lynas", "supplies", "us_dla", False, True)]


def test_reported_speech_without_that_has_its_own_subject(toolkit):
    # the reference "The ministry" stands for the organisation of the sentence before; the verb's
    # subject is the one named after "said", as with "said that"
    text = ("Daejin Materials Co. signed the contract with the US Geological Survey in Hanoi.\n"
            "The ministry said Daejin would supply separated oxides to Hyundai Mobis and other parts makers.")
    rows = verbs(relations(text, toolkit))
    assert ("d:daejin_materials", "supplies", "d:hyundai_mobis", False, True) in rows
    assert not [row for row in rows if row[1] == "supplies" and row[0] != "d:daejin_materials"]


def test_an_agreement_to_buy_is_a_supply_not_a_partnership_besides(toolkit):
    assert verbs(relations("Neo Performance Materials signed an agreement to buy NdPr oxide from Lynas Rare Earths.",
                           toolkit)) == [("lynas", "supplies", "neo_performance_materials", False, False)]


def test_a_grant_received_from_a_funder_is_its_investment(toolkit):
    text = ("Halcyon Separation Technologies Inc. is based in Tucson.\n"
            "The company previously received a $3.2 million Small Business Innovation Research grant from the "
            "National Science Foundation.")
    assert verbs(relations(text, toolkit)) == [
        ("d:national_science_foundation", "invests_in", "d:halcyon_separation_technologies", False, False)]


def test_a_bought_deal_financing_is_no_acquisition(toolkit):
    text = "Norvane Metals Corp. closed its bought deal financing with Westhaven Resource Partners as lead underwriter."
    assert verbs(relations(text, toolkit)) == []


def test_a_headline_participle_after_an_actor_is_passive(toolkit):
    article = make_article("Lynas Rare Earths Awarded $258 Million Department of Defense Contract")
    article = dataclasses.replace(article, sentences=tuple(s._replace(block="title") for s in article.sentences))
    known = extract_mentions(article, toolkit.entities)
    rows = relation_columns(article, known, toolkit.relations, toolkit.discovery)
    verbs_found = [(s, k, t) for s, k, t in zip(rows["source_id"], rows["kind"], rows["target_id"]) if k != "cooccurs"]
    assert verbs_found == [("us_dod", "invests_in", "lynas")]


def test_objects_in_a_list_keep_their_company_forms(toolkit):
    assert verbs(relations("JL Mag already supplies Tesla Inc. and BYD Co. from its plants in Jiangxi.", toolkit)) == [
        ("jl_mag", "supplies", "tesla", False, False), ("jl_mag", "supplies", "d:byd", False, False)]


def test_its_subsidiary_belongs_to_the_organisation_named_just_before(toolkit):
    rows = verbs(relations("Tamarack Magnetics sued Zhejiang Dongsheng Magnetic Materials Co., Ltd. and its U.S. "
                           "subsidiary, Dongsheng Magnetics USA LLC, in Delaware.", toolkit))
    assert ("d:zhejiang_dongsheng_magnetic_materials", "owns", "d:dongsheng_magnetics_usa", False, False) in rows
    assert not any(kind == "owns" and subject == "d:tamarack_magnetics" for subject, kind, *_ in rows)


def test_each_of_joined_subjects_does_it(toolkit):
    assert verbs(relations("JOGMEC and trading house Sojitz Corp. invested A$200 million in Lynas Rare Earths.",
                           toolkit)) == [("jogmec", "invests_in", "lynas", False, False),
                                         ("sojitz", "invests_in", "lynas", False, False)]


@pytest.mark.parametrize("text, expected", [
    ("Kestrel Magnetics and Arafura Rare Earths are also considering a joint venture to recycle magnet swarf.",
     ("d:kestrel_magnetics", "partners_with", "arafura", False, True)),
    ("Redbank Rare Earths has agreed in principle with Tanami Resources Ltd to build a processing plant.",
     ("d:redbank_rare_earths", "partners_with", "d:tanami_resources", False, True)),
    ("Japan and Australia agreed on Thursday to jointly build stockpiles of rare earths.",
     ("japan", "partners_with", "australia", False, False)),
])
def test_plans_and_agreements_to_work_together_are_partnerships(text, expected, toolkit):
    assert verbs(relations(text, toolkit)) == [expected]


def test_each_doer_listed_after_a_passive_verb_does_it(toolkit):
    assert verbs(relations("Tamarack Magnetics, which is backed by Sawtooth Ventures LLC and the Idaho Strategic "
                           "Opportunity Fund, holds 14 patents.", toolkit)) == [
        ("d:sawtooth", "invests_in", "d:tamarack_magnetics", False, False),
        ("d:idaho_strategic_opportunity_fund", "invests_in", "d:tamarack_magnetics", False, False)]


@pytest.mark.parametrize("text, expected", [
    ("Baltic Magnet Recycling secured €9mn from the European Innovation Council to scale up its line.",
     ("d:european_innovation_council", "invests_in", "d:baltic_magnet_recycling", False, False)),
    ("In 2010 Beijing halted shipments to Japan during a territorial dispute.",
     ("beijing", "restricts", "japan", False, False)),
    ("Treasurer Jim Chalmers prohibited Yuxiang Resources (HK) Ltd from raising its stake.",
     ("d:jim_chalmers", "restricts", "d:yuxiang_resources", False, False)),
    ("The Japan Organization for Metals and Energy Security may take an equity stake in Tasman Critical "
     "Metals Ltd.", ("jogmec", "acquires", "d:tasman_critical_metals", False, True)),
])
def test_more_ways_of_saying_it(text, expected, toolkit):
    assert verbs(relations(text, toolkit)) == [expected]


def test_two_ministers_who_signed_are_partners(toolkit):
    text = ("Economy, Trade and Industry Minister Yoji Muto and Resources Minister Madeleine King signed a "
            "memorandum of cooperation at a meeting in Tokyo.")
    assert verbs(relations(text, toolkit)) == [("d:yoji_muto", "partners_with", "d:madeleine_king", False, False)]


@pytest.mark.parametrize("text, expected", [
    ("Lynas sold 3,000 tonnes of NdPr oxide worth A$280 million to Kestrel Magnetics last year.",
     ("lynas", "supplies", "d:kestrel_magnetics", False, False)),
    ("Sojitz holds a 10% stake in Lynas Rare Earths.", ("sojitz", "owns", "lynas", False, False)),
])
def test_longer_objects_and_holdings(text, expected, toolkit):
    assert verbs(relations(text, toolkit)) == [expected]


def test_the_company_of_a_release_takes_part_in_relations(toolkit):
    text = ('Ucore Rare Metals Inc. ("Ucore" or "the Company") is pleased to announce that the U.S. Department of '
            'Defense has awarded the Company US$18.4 million.')
    assert verbs(relations(text, toolkit)) == [("us_dod", "invests_in", "ucore", False, False)]


def test_a_denied_plan_is_negated_not_hedged(toolkit):
    text = "Korea Zinc Inc. denied a media report that it planned to acquire Hanbit Magnetics Co."
    assert verbs(relations(text, toolkit)) == [("d:korea_zinc", "acquires", "d:hanbit_magnetics", True, False)]
    text = "Korea Zinc Inc. did not say whether it planned to acquire Hanbit Magnetics Co."
    assert verbs(relations(text, toolkit)) == [("d:korea_zinc", "acquires", "d:hanbit_magnetics", True, True)]


def test_a_split_verb_relates_the_objects_listed_in_its_gap(toolkit):
    text = ("The Bureau of Industry and Security added Hunan Xiangjiang Magnetic Materials Co., Ltd. and "
            "Skyhawk UAV Technology Co. to the Entity List on Tuesday.")
    table = relations(text, toolkit)
    assert verbs(table) == [
        ("us_bis", "restricts", "d:hunan_xiangjiang_magnetic_materials", False, False),
        ("us_bis", "restricts", "d:skyhawk_uav_technology", False, False)]
    rows = table[table["kind"] == "restricts"]
    assert set(rows["verb"]) == {"added … to the Entity List"}
    assert text[rows["start"].iloc[0]:rows["end"].iloc[0]].endswith("to the Entity List")
    # without its tail the head is no verb: "added" alone restricts nobody
    assert verbs(relations("The Bureau of Industry and Security added Hunan Xiangjiang Magnetic Materials Co., Ltd. "
                           "to its list of suppliers.", toolkit)) == []
    text = ("In accordance with the Export Control Law, the Ministry of Commerce has decided to add Corvid Aerospace "
            "Technologies and Helion Magnetics Ltd. to the Export Control Control List.")
    assert [(s, k, o) for s, k, o, _, _ in verbs(relations(text, toolkit))] == [
        ("mofcom", "restricts", "d:corvid_aerospace_technologies"), ("mofcom", "restricts", "d:helion_magnetics")]


@pytest.mark.parametrize("text, expected", [
    ("Korea Zinc Inc. said Korea Resources Corp. is considering a loan of up to 50 billion won to Korea Zinc Inc.",
     ("d:korea_resources", "invests_in", "d:korea_zinc", False, True)),
    ("The Ministry of Mines will provide financial assistance of ₹290 crore to IREL (India) Limited.",
     ("d:ministry_of_mines", "invests_in", "irel", False, False)),
    ("Tarrawonga Rare Earths Ltd. will supply up to 1,200 tonnes a year to Korea Zinc Inc.",
     ("d:tarrawonga_rare_earths", "supplies", "d:korea_zinc", False, False)),
])
def test_an_amount_up_to_a_limit_does_not_end_the_verb_phrase(toolkit, text, expected):
    assert expected in verbs(relations(text, toolkit))


def test_a_verb_after_a_relative_clause_takes_the_antecedent_as_subject(toolkit):
    text = ("TechMet, which is partly funded by the US International Development Finance Corporation (DFC), owns "
            "about 11% of Rainbow Rare Earths.")
    rows = verbs(relations(text, toolkit))
    assert ("us_dfc", "invests_in", "d:techmet", False, False) in rows
    assert [row for row in rows if row[1] == "owns"] == [("d:techmet", "owns", "rainbow_rare_earths", False, False)]


def test_talks_with_an_actor_about_a_venture_or_a_loan_are_hedged_relations(toolkit):
    text = "Separately, LS Cable & System Ltd. said it is in talks with Hanbit Magnetics Co. to set up a joint venture."
    assert verbs(relations(text, toolkit)) == [
        ("d:ls_cable_system", "partners_with", "d:hanbit_magnetics", False, True)]
    text = "Arafura Rare Earths is also in advanced discussions with KfW IPEX-Bank regarding a senior debt facility."
    assert verbs(relations(text, toolkit)) == [("d:kfw_ipex_bank", "invests_in", "arafura", False, True)]
    assert verbs(relations("Arafura Rare Earths is in talks with KfW IPEX-Bank about the weather.", toolkit)) == []


def test_a_place_in_brackets_after_a_listed_object_is_no_party_and_the_list_goes_on(toolkit):
    text = ("The Ministry of Commerce has decided to add Skyline Defense Systems Inc. (United States), Corvid Aerospace "
            "Technologies LLC (United States) and Helion Magnetics Ltd. (United Kingdom) to the Export Control Control "
            "List.")
    assert [(s, k, o) for s, k, o, _, _ in verbs(relations(text, toolkit))] == [
        ("mofcom", "restricts", "d:skyline_defense_systems"), ("mofcom", "restricts", "d:corvid_aerospace_technologies"),
        ("mofcom", "restricts", "d:helion_magnetics")]


def test_a_joint_venture_of_listed_companies_is_owned_by_each(toolkit):
    text = ("Khanij Bidesh India Limited (KABIL), a joint venture of National Aluminium Company Limited (NALCO), "
            "Hindustan Copper Limited (HCL) and Mineral Exploration and Consultancy Limited (MECL), is in talks.")
    rows = [(s, k, o) for s, k, o, _, _ in verbs(relations(text, toolkit))]
    assert rows == [("d:national_aluminium", "owns", "d:khanij_bidesh_india"),
                    ("d:hindustan_copper", "owns", "d:khanij_bidesh_india"),
                    ("d:mineral_exploration_and_consultancy", "owns", "d:khanij_bidesh_india")]


def test_a_passive_verb_after_an_apposition_is_said_of_the_name_before_it(toolkit):
    text = ("LS Eco Energy Ltd., the Vietnam-based unit of LS Cable & System Ltd., has been buying rare earth metals "
            "from Vietnam Rare Earth JSC since last year.")
    rows = verbs(relations(text, toolkit))
    assert ("d:vietnam_rare_earth", "supplies", "d:ls_eco_energy", False, False) in rows
    assert ("d:ls_cable_system", "owns", "d:ls_eco_energy", False, False) in rows


def test_an_opening_phrase_and_an_owner_are_not_the_subject(toolkit):
    text = ("Under the National Critical Mineral Mission, the Ministry of Mines will provide financial assistance of "
            "₹290 crore to IREL (India) Limited.")
    assert [(s, k, o) for s, k, o, _, _ in verbs(relations(text, toolkit))] == [
        ("d:ministry_of_mines", "invests_in", "irel")]
    text = "The Commerce Department's Bureau of Industry and Security added Kestrel Magnetics Inc. to the Entity List."
    assert [(s, k, o) for s, k, o, _, _ in verbs(relations(text, toolkit))] == [
        ("us_bis", "restricts", "d:kestrel_magnetics")]


def test_a_scan_finds_where_its_regex_first_matches(toolkit):
    # the verb, negation and hedge regexes are searched with their scans, which skip at once to the
    # places after a character that may end no word: they must find the same first match from any start
    rules = toolkit.relations
    texts = ["Lynas, which signed a deal with—Kestrel—bought Neo; it may not (acquire) é-acquired «bought» X-met",
             "Signed an MoU with\nVAC; Neo’s unit-signed pact, was sued by Shenghe: denied it would buy…plans to"]
    for text in texts:
        low = lowered(text)
        for start in range(1, len(text) + 1):
            for end in (start, start + 9, len(text)):
                for verbs in (rules.verbs, rules.symmetric_verbs):
                    scanned = verbs.scan.search(low, start - 1, end)
                    found = verbs.regex.search(low, start, end)
                    assert (scanned and scanned.start() + 1) == (found and found.start())
                for words in (rules.negation, rules.hedge):
                    scanned, found = words.search(text, start, end), words.regex.search(text, start, end)
                    assert (scanned and scanned.span()) == (found and found.span())
        assert rules.hedge.search(text, 0, len(text)).span() == rules.hedge.regex.search(text).span()
