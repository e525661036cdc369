"""The figures extractor: numbers with units, currencies, scales and qualifiers, tied to sentences.

Sentences are copied from the bundled articles (mojibake already repaired, as the ingest stage
does); expected values were written by hand from reading them.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from reex_research import paths, schema
from reex_research.errors import KnowledgeBaseError
from reex_research.extract.figures import FigureRules, extract_figures, load_figure_rules
from reex_research.read.datetext import YEAR_MAX, YEAR_MIN
from tests.helpers import make_article

BUNDLED_RULES = paths.rules_dir() / "units.yaml"


@pytest.fixture(scope="module")
def rules() -> FigureRules:
    """The bundled figure rules, compiled once for this module."""
    return load_figure_rules()


def rows(text: str, rules: FigureRules, **kwargs) -> list[dict]:
    """Return the figures of an invented article as row dicts, checking every offset."""
    article = make_article(text, **kwargs)
    cols = extract_figures(article, rules)
    assert list(cols) == schema.columns("figures")
    found = [dict(zip(cols, values)) for values in zip(*cols.values())]
    for row in found:
        assert article.text[row["start"]:row["end"]] == row["surface"]
    return found


def one(text: str, rules: FigureRules, **kwargs) -> dict:
    """Return the only figure of ``text``."""
    found = rows(text, rules, **kwargs)
    assert len(found) == 1, found
    return found[0]


def brief(row: dict) -> tuple:
    """Return (surface, value, unit, qualifier, measure) of a row."""
    return row["surface"], row["value"], row["unit"], row["qualifier"], row["measure"]


# --------------------------------------------------------------------------- seeds from the articles


def test_002_highlight_control_over_60_percent_and_85_percent_of_global_refining(rules):
    text = ("- The company's initiatives threaten Western rare earth independence by consolidating "
            "China's control over 60% of global production and 85% of global refining.")
    assert [brief(r) for r in rows(text, rules)] == [
        ("over 60%", 60.0, "percent", "over", "global production"),
        ("85%", 85.0, "percent", "", "global refining"),
    ]


def test_002_body_producing_over_60_percent_and_refining_more_than_85(rules):
    text = ("Beijing Tightens Its Grip on Global SupplyWith China already producing over 60% of the "
            "world’s rare earths and refining more than 85%, these projects further consolidate its "
            "dominance.")
    assert [brief(r) for r in rows(text, rules)] == [
        ("over 60%", 60.0, "percent", "over", "world’s rare earths production"),
        ("more than 85%", 85.0, "percent", "more than", "refining"),
    ]


def test_002_table_row_8000_ton_expansion_and_its_dates_give_one_figure(rules):
    text = ("| 8000-Ton Rare Earth Metal Production Expansion | This project boosts production with "
            "China’s most advanced electrolysis technology, lowering costs and maximizing resource "
            "utilization. The second phase, launched in February 2025, ensures greater output of "
            "high-purity metals essential for defense, EVs, and high-tech industries. |")
    row = one(text, rules)
    assert brief(row) == ("8000-Ton", 8000.0, "tonnes", "", "Rare Earth Metal Production Expansion")
    assert (row["currency"], row["scale"]) == ("", "")


def test_002_3000_ton_separation_line_and_2000_ton_ndfeb_recycling_facility(rules):
    text = ("CNRE is rolling out a fully automated 3000-ton rare earth concentrate separation line and "
            "a 2000-ton neodymium-iron-boron (NdFeB) recycling facility.")
    assert [brief(r) for r in rows(text, rules)] == [
        ("3000-ton", 3000.0, "tonnes", "", "rare earth concentrate separation line"),
        ("2000-ton", 2000.0, "tonnes", "", "neodymium-iron-boron (NdFeB) recycling facility"),
    ]


def test_001_output_and_new_materials_capacity_grew_more_than_15_percent(rules):
    text = ("Output and new-materials capacity grew more than 15%, a rare-earth motor industrial park "
            "began taking shape, and a private magnet producer achieved a Shanghai Stock Exchange "
            "main-board listing, a first for Inner Mongolia’s rare-earth sector.")
    assert brief(one(text, rules)) == (
        "more than 15%", 15.0, "percent", "more than", "Output and new-materials capacity growth")


def test_001_two_international_standards_is_a_count_but_dozens_is_not(rules):
    text = ("China also made notable progress in standards-setting, approving dozens of new domestic "
            "standards and successfully issuing two international rare-earth standards, strengthening "
            "its influence over global technical benchmarks.")
    assert brief(one(text, rules)) == (
        "two", 2.0, "count", "", "international rare-earth standards")


def test_bundled_articles_raw_text_gives_the_seed_figures_and_exact_offsets(rules):
    """The raw files (002 still with its mojibake) never crash and keep offsets exact."""
    found = {}
    for path in sorted(paths.bundled_corpus().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found[path.name[:3]] = [(r["surface"], r["value"]) for r in rows(text, rules)]
    assert found["002"] == [("over 60%", 60.0), ("85%", 85.0), ("8000-Ton", 8000.0),
                            ("3000-ton", 3000.0), ("2000-ton", 2000.0), ("over 60%", 60.0),
                            ("more than 85%", 85.0)]
    assert found["001"] == [("more than 15%", 15.0), ("two", 2.0)]
    assert found["003"] == [] and found["004"] == []


# --------------------------------------------------------------------------- not figures


@pytest.mark.parametrize("text", [
    pytest.param("In 2025, China imposed sweeping export controls on critical rare earth elements, "
                 "including samarium, terbium, and dysprosium. Some measures are suspended until "
                 "late 2026.", id="001-years"),
    pytest.param("On May 22, 2025, the China (Guangxi)–ASEAN Mining Cooperation Conference convened "
                 "in Nanning, Guangxi.", id="003-day-month-year"),
    pytest.param("In a high-level meeting on November 17, Baogang Group—the world’s largest supplier "
                 "of rare earth oxides—hosted the president of CREIA.", id="004-month-day"),
    pytest.param("In mid-2025, multiple ministries launched a coordinated crackdown on the smuggling "
                 "of medium and heavy rare earths.", id="001-mid-year"),
    pytest.param("The first phase, completed in October 2024, reinforces China’s grip on the critical "
                 "first step in rare earth supply chains.", id="002-ordinals"),
    pytest.param("China Rare Earth Group, founded in 2021 via the merger of several state-owned rare "
                 "earth firms, has since emerged as Beijing’s flagship platform.", id="003-founded"),
    pytest.param("Source: China Rare Earth Group, Guangxi State Media | May 23, 2025", id="003-source"),
    pytest.param("© 2025 Rare Earth Exchanges™ – Accelerating Transparency.", id="000-copyright"),
    pytest.param("China Northern Rare Earth (CNRE)—one of the world’s most dominant rare earth "
                 "producers.", id="002-one-of"),
    pytest.param("Results for Q3 2025 and H1 2026 are due in 2027-2028.", id="quarters-halves"),
    pytest.param("Call +86 10 6512 3456 or 1-800-555-0199 for details.", id="phone-numbers"),
    pytest.param("See section 3.2 and Article 12 of the regulation.", id="section-numbers"),
    pytest.param("0 Comments", id="comment-counter"),
    pytest.param("The shaft is 50 m deep and took 1,000 years to form.", id="bare-m-is-not-million"),
    pytest.param("A 5G network and G7 partners met over COVID-19 in the 1990s.", id="codes"),
])
def test_years_dates_ordinals_and_codes_are_not_figures(rules, text):
    assert rows(text, rules) == []


@pytest.mark.parametrize("number, counted", [
    (YEAR_MIN - 1, True), (YEAR_MIN, False), (YEAR_MAX, False), (YEAR_MAX + 1, True),
])
def test_a_number_in_the_date_grammars_years_is_never_a_count(rules, number, counted):
    assert bool(rows(f"The group runs {number} projects.", rules)) == counted


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize("text, surface, value, unit", [
    ("Output rose 15 percent.", "15 percent", 15.0, "percent"),
    ("Output rose 15 per cent.", "15 per cent", 15.0, "percent"),
    ("Output rose 15 pct.", "15 pct", 15.0, "percent"),
    ("Margins widened 2.5 percentage points.", "2.5 percentage points", 2.5, "percentage points"),
    ("Rates rose 25 bps.", "25 bps", 25.0, "basis points"),
    ("The plant makes 5,000 tonnes.", "5,000 tonnes", 5000.0, "tonnes"),
    ("The plant makes 5,000 tons.", "5,000 tons", 5000.0, "tonnes"),
    ("The plant makes 5,000 t of oxide.", "5,000 t", 5000.0, "tonnes"),
    ("The plant makes 5,000 metric tons.", "5,000 metric tons", 5000.0, "tonnes"),
    ("The plant makes 5,000 MT.", "5,000 MT", 5000.0, "tonnes"),
    ("The plant makes 12 kt of NdPr.", "12 kt", 12000.0, "tonnes"),
    ("Reserves are 1.5 Mt.", "1.5 Mt", 1_500_000.0, "tonnes"),
    ("The line runs at 3,000 tpa.", "3,000 tpa", 3000.0, "tonnes/year"),
    ("The line runs at 3,000 tonnes per year.", "3,000 tonnes per year", 3000.0, "tonnes/year"),
    ("Each motor holds 2 kg of magnets.", "2 kg", 2.0, "kilograms"),
    ("The deposit grades 2.5 g/t.", "2.5 g/t", 2.5, "g/t"),
    ("The clay holds 800 ppm TREO.", "800 ppm", 800.0, "ppm"),
    ("The wind farm has 300 MW.", "300 MW", 300.0, "MW"),
    ("China added 20 GW.", "20 GW", 20.0, "GW"),
    ("Japan Digs Six Kilometers Deep for Rare Earths", "Six Kilometers", 6.0, "km"),
    ("The concession covers 1,200 hectares.", "1,200 hectares", 1200.0, "hectares"),
    ("Twenty-five percent went abroad.", "Twenty-five percent", 25.0, "percent"),
])
def test_units_are_normalised(rules, text, surface, value, unit):
    row = one(text, rules)
    assert (row["surface"], row["value"], row["unit"]) == (surface, value, unit)


def test_scale_words_multiply_physical_units(rules):
    row = one("Capacity is 1.5 million tonnes.", rules)
    assert (row["surface"], row["value"], row["unit"], row["scale"]) == (
        "1.5 million tonnes", 1_500_000.0, "tonnes", "million")


def test_german_prozent_is_read_as_percent(rules):
    row = one("Der Preis stieg um 15 Prozent.", rules)
    assert (row["surface"], row["value"], row["unit"], row["qualifier"]) == (
        "15 Prozent", 15.0, "percent", "")


# --------------------------------------------------------------------------- currencies and scales


@pytest.mark.parametrize("text, surface, value, currency, scale", [
    ("The deal is worth $1.2 billion.", "$1.2 billion", 1.2e9, "USD", "billion"),
    ("It raised US$ 2.3bn.", "US$ 2.3bn", 2.3e9, "USD", "billion"),
    ("Lynas won A$1.2 billion.", "A$1.2 billion", 1.2e9, "AUD", "billion"),
    ("Oxide sold for ¥1,000.", "¥1,000", 1000.0, "CNY", ""),
    ("The EU pledged €50m.", "€50m", 5e7, "EUR", "million"),
    ("The fund holds £3 million.", "£3 million", 3e6, "GBP", "million"),
    ("Baotou invested RMB 100 million.", "RMB 100 million", 1e8, "CNY", "million"),
    ("Baotou invested 5 billion yuan.", "5 billion yuan", 5e9, "CNY", "billion"),
    ("JOGMEC lent 10 billion yen.", "10 billion yen", 1e10, "JPY", "billion"),
    ("The startup raised $500k.", "$500k", 5e5, "USD", "thousand"),
    ("Trade reached $1.5 trillion.", "$1.5 trillion", 1.5e12, "USD", "trillion"),
    ("Ottawa offered C$40 million.", "C$40 million", 4e7, "CAD", "million"),
    ("The listing raised HK$ 3 billion.", "HK$ 3 billion", 3e9, "HKD", "billion"),
    ("The fund holds 2 million US dollars.", "2 million US dollars", 2e6, "USD", "million"),
])
def test_currencies_and_scales(rules, text, surface, value, currency, scale):
    row = one(text, rules)
    assert (row["surface"], row["value"], row["unit"], row["currency"], row["scale"]) == (
        surface, value, "currency", currency, scale)


@pytest.mark.parametrize("text, source, currency, currency_source", [
    ("Lynas Rare Earths (ASX:LYC) raised $325 million.", None, "AUD", "context: ASX ticker"),
    ("PERTH, Australia -- Iluka Resources will spend $1.65 billion on a refinery.", None, "AUD",
     "context: Australian dateline"),
    ("TORONTO -- Ucore Rare Metals Inc. received $18.4 million.", None, "CAD", "context: Canadian dateline"),
    ("Neo Performance Materials (TSX: NEO) will spend $75 million.", None, "CAD", "context: TSX ticker"),
    ("Shin-Etsu Chemical will invest ¥50 billion in magnets.", "Kyodo", "JPY",
     "context: Japanese news source"),
    ("TOKYO -- Shin-Etsu Chemical will invest ¥50 billion in magnets.", None, "JPY",
     "context: Japanese dateline"),
    ("Baotou will invest ¥50 billion in magnets.", None, "CNY", "default"),
    ("MP Materials will spend $1 billion.", None, "USD", "default"),
])
def test_a_bare_currency_takes_the_currency_of_the_article_context(rules, text, source, currency,
                                                                    currency_source):
    row = one(text, rules, source=source)
    assert (row["currency"], row["currency_source"]) == (currency, currency_source)


def test_a_currency_the_text_names_wins_over_the_context(rules):
    found = rows("Lynas Rare Earths (ASX:LYC) raised US$10 million and A$5 million.\n"
                 "It also borrowed 20 million yuan and $3 million.", rules)
    assert [(r["surface"], r["currency"], r["currency_source"]) for r in found] == [
        ("US$10 million", "USD", "text"), ("A$5 million", "AUD", "text"),
        ("20 million yuan", "CNY", "text"), ("$3 million", "AUD", "context: ASX ticker")]


def test_the_first_cue_in_the_article_decides_and_a_figure_without_currency_has_no_source(rules):
    found = rows("Ucore Rare Metals (TSXV: UCU) and Lynas (ASX: LYC) agreed a $20 million deal.\n"
                 "Output grew 15%.", rules)
    assert [(r["currency"], r["currency_source"]) for r in found] == [
        ("CAD", "context: TSX ticker"), ("", None)]


def test_prices_per_kilogram_and_per_tonne(rules):
    found = rows("NdPr oxide traded at $85/kg and 600,000 yuan per tonne.", rules)
    assert [(r["surface"], r["value"], r["unit"], r["currency"], r["measure"]) for r in found] == [
        ("$85/kg", 85.0, "currency/kilograms", "USD", "NdPr oxide"),
        ("600,000 yuan per tonne", 600000.0, "currency/tonnes", "CNY", ""),
    ]


def test_scale_without_unit_is_a_count(rules):
    row = one("Sales of electric vehicles reached 1.2 million last year.", rules)
    assert (row["surface"], row["value"], row["unit"], row["scale"]) == (
        "1.2 million", 1.2e6, "count", "million")


# --------------------------------------------------------------------------- qualifiers


@pytest.mark.parametrize("written, canonical", [
    ("more than", "more than"), ("over", "over"), ("about", "about"), ("nearly", "nearly"),
    ("up to", "up to"), ("at least", "at least"), ("less than", "less than"),
    ("around", "around"), ("approximately", "approximately"), ("roughly", "roughly"),
    ("almost", "almost"), ("some", "about"), ("an estimated", "estimated"),
    ("in excess of", "more than"), ("no more than", "at most"), ("just under", "nearly"),
    ("More than", "more than"), ("~", "approximately"), (">", "more than"),
])
def test_qualifiers_are_normalised_and_part_of_the_surface(rules, written, canonical):
    gap = " " if written[-1].isalpha() else ""
    row = one(f"China controls {written}{gap}40% of global supply.", rules)
    assert (row["surface"], row["qualifier"], row["measure"]) == (
        f"{written}{gap}40%", canonical, "global supply")


# --------------------------------------------------------------------------- ranges, signs, counts


@pytest.mark.parametrize("text, surface, values, unit", [
    ("China holds 60–70% of supply.", "60–70%", [60.0, 70.0], "percent"),
    ("China holds 60%-70% of supply.", "60%-70%", [60.0, 70.0], "percent"),
    ("China holds between 60 and 70 percent of supply.", "between 60 and 70 percent",
     [60.0, 70.0], "percent"),
    ("Output rose from 2 to 3 million tonnes.", "from 2 to 3 million tonnes",
     [2e6, 3e6], "tonnes"),
    ("The mine will cost $1-2 billion.", "$1-2 billion", [1e9, 2e9], "currency"),
])
def test_a_range_gives_two_rows_from_and_to_sharing_one_surface(rules, text, surface, values, unit):
    found = rows(text, rules)
    assert [(r["surface"], r["value"], r["unit"], r["qualifier"]) for r in found] == [
        (surface, values[0], unit, "from"), (surface, values[1], unit, "to")]
    assert found[0]["start"] == found[1]["start"] and found[0]["end"] == found[1]["end"]


def test_a_change_to_an_amount_is_not_a_range(rules):
    found = rows("Exports of magnets fell 15% to 5,000 tonnes.", rules)
    assert [brief(r) for r in found] == [
        ("15%", 15.0, "percent", "", "Exports of magnets decline"),
        ("5,000 tonnes", 5000.0, "tonnes", "", ""),
    ]


@pytest.mark.parametrize("text, surface", [
    ("Prices changed -3.5% in a week.", "-3.5%"),
    ("Prices changed −3.5% in a week.", "−3.5%"),
])
def test_negative_values(rules, text, surface):
    row = one(text, rules)
    assert (row["surface"], row["value"]) == (surface, -3.5)


@pytest.mark.parametrize("text, surface, value, measure", [
    ("The expansion will create 1,200 workers’ jobs and hire 1,200 new workers.", "1,200", 1200.0,
     "new workers"),
    ("Shenghe now runs 15 projects abroad.", "15", 15.0, "projects"),
    ("Laos offered three big new mines.", "three", 3.0, "big new mines"),
])
def test_counts_need_a_countable_noun_or_thousands_separators(rules, text, surface, value, measure):
    found = [r for r in rows(text, rules) if r["measure"] == measure]
    assert [(r["surface"], r["value"], r["unit"]) for r in found] == [(surface, value, "count")]


@pytest.mark.parametrize("text, surface, values, measure", [
    ("The plant employs 500 to 3,000 labourers at peak.", "500 to 3,000", [500.0, 3000.0], "labourers"),
    ("It hired between 800 and 1,200 labourers.", "between 800 and 1,200", [800.0, 1200.0], "labourers"),
    ("It hired 1,200-800 labourers.", "1,200-800", [1200.0, 800.0], "labourers"),
])
def test_a_range_of_counts_with_separators_at_either_end_counts_its_noun(rules, text, surface, values, measure):
    found = rows(text, rules)
    assert [(r["surface"], r["value"], r["unit"], r["measure"]) for r in found] == [
        (surface, value, "count", measure) for value in values]


@pytest.mark.parametrize("text", [
    "It took 1,000 years and 2,500 of its staff.",
    "Three of the mines closed.",
    "Approving dozens of standards and hundreds of permits.",
])
def test_no_count_without_a_counted_noun_right_after(rules, text):
    assert rows(text, rules) == []


# --------------------------------------------------------------------------- offsets and attribution


def test_offsets_point_into_the_article_text_across_lines(rules):
    text = "Baotou Report\n\n   Output grew 15% in 2025.\nThe plant makes 5,000 tonnes.\n"
    found = rows(text, rules)
    assert [(r["surface"], r["start"], r["end"]) for r in found] == [
        ("15%", text.index("15%"), text.index("15%") + 3),
        ("5,000 tonnes", text.index("5,000"), text.index("5,000") + len("5,000 tonnes")),
    ]
    assert [r["sentence_id"] for r in found] == ["test0001:s0001", "test0001:s0002"]


@pytest.mark.parametrize("text, claimed_by", [
    ("Exports of magnets rose 3.5% in 2025, according to Reuters.", "Reuters"),
    ("The ministry said output rose 15%.", "ministry"),
    ("Output rose 15%, the ministry said.", "ministry"),
    ("Output rose 15%, said Liu Leiyun.", "Liu Leiyun"),
    ("Output rose 15%, according to a year-end summary released by the China Rare Earth Industry "
     "Association via state-affiliated media.", "China Rare Earth Industry Association"),
    ("Rare Earth Exchanges estimates that China refines 85% of supply.", "Rare Earth Exchanges"),
    ("China processes roughly 90% of rare earths, according to the U.S. Geological Survey.",
     "U.S. Geological Survey"),
])
def test_attribution_in_the_sentence(rules, text, claimed_by):
    row = one(text, rules, source="Asian Metal")
    assert (row["claimed_by"], row["claim_source"]) == (claimed_by, "sentence")


@pytest.mark.parametrize("text, surface, value, unit, currency", [
    ("It will build a 10,000-metric-ton magnet plant.", "10,000-metric-ton", 10000.0, "tonnes", ""),
    ("A 20,000-ton-per-year separation line.", "20,000-ton-per-year", 20000.0, "tonnes/year", ""),
    ("Each motor holds 300 lb of magnets.", "300 lb", 136.077711, "kilograms", ""),
    ("Seoul pledged 1.1 trillion won for stockpiles.", "1.1 trillion won", 1.1e12, "currency", "KRW"),
])
def test_hyphenated_units_pounds_and_won(rules, text, surface, value, unit, currency):
    row = one(text, rules)
    assert (row["surface"], row["unit"], row["currency"]) == (surface, unit, currency)
    assert row["value"] == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "The Company reported revenue of A$556.5 million.",
    "Prices rose 4%, people familiar with the matter said.",
])
def test_a_claimant_that_names_nobody_gives_way_to_the_article_source(rules, text):
    row = one(text, rules, source="Lynas Rare Earths Ltd")
    assert (row["claimed_by"], row["claim_source"]) == ("Lynas Rare Earths Ltd", "article")


def test_a_word_of_time_is_never_the_claimant(rules):
    row = one("VAC today announced a €120 million investment.", rules, source="Business Wire")
    assert (row["claimed_by"], row["claim_source"]) == ("VAC", "sentence")


def test_attribution_falls_back_to_the_article_source_then_to_nothing(rules):
    text = "Output grew 15% in 2025."
    assert (one(text, rules, source="Asian Metal")["claimed_by"],
            one(text, rules, source="Asian Metal")["claim_source"]) == ("Asian Metal", "article")
    assert (one(text, rules)["claimed_by"], one(text, rules)["claim_source"]) == ("", "")


def test_columns_fit_the_figures_schema(rules):
    article = make_article("Output grew 15%.\nNothing to see here.\nLynas won A$1.2 billion.")
    frame = schema.frame("figures", extract_figures(article, rules))
    schema.validate("figures", frame)
    assert frame["value"].tolist() == [15.0, 1.2e9]
    empty = extract_figures(make_article("No numbers in this one."), rules)
    assert empty == {name: [] for name in schema.columns("figures")}


# --------------------------------------------------------------------------- the rules file


def copy_rules(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """Write a copy of the bundled units.yaml with ``old`` replaced by ``new``."""
    text = BUNDLED_RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "units.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def text_line_of(path: Path, old: str, new: str) -> int:
    """Return the 1-based line where ``new`` (the edited text) starts in ``path``."""
    text = path.read_text(encoding="utf-8")
    return text[:text.index(new)].count("\n") + 1


def test_rules_are_compiled_once_and_survive_pickling_for_worker_processes(rules):
    clone = pickle.loads(pickle.dumps(rules))
    assert clone.version == rules.version and clone.figure.pattern == rules.figure.pattern
    article = make_article("Lynas won A$1.2 billion.")
    assert extract_figures(article, clone) == extract_figures(article, rules)


def test_a_unit_added_to_the_rules_file_is_recognised(tmp_path):
    path = copy_rules(tmp_path, "units:\n", "units:\n  - unit: barrels\n    words: [barrels, bbl]\n")
    row = one("The field pumps 5,000 barrels a day.", load_figure_rules(path))
    assert (row["value"], row["unit"]) == (5000.0, "barrels")


def test_missing_rules_file_names_the_path(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="units.yaml") as info:
        load_figure_rules(tmp_path / "units.yaml")
    assert info.value.path == tmp_path / "units.yaml"


def test_broken_yaml_reports_its_line(tmp_path):
    path = copy_rules(tmp_path, "  thousand:\n", "  thousand: [\n")
    with pytest.raises(KnowledgeBaseError, match="invalid YAML") as info:
        load_figure_rules(path)
    assert info.value.line is not None and info.value.line > 1


@pytest.mark.parametrize("old, new, field", [
    ("units:\n", "unitz:\n", "units"),
    ("  - unit: percent\n", "  - name: percent\n", "units.0.unit"),
    ("  USD:\n", "  usd:\n", "currencies.usd"),
    ("    factor: 1000\n    words: [thousand]", "    factor: -5\n    words: [thousand]",
     "scales.thousand.factor"),
    ('[of, in, "on", at,', "[of, in, on, at,", "measure.stop_words.2"),  # YAML 1.1 reads on as true
    ("countable_nouns:", "countable_nounz:", "countable_nouns"),
    ("  AUD:\n    bare:", "  XAU:\n    bare:", "currency_context.XAU"),
    ('    bare: ["$", dollars, dollar]\n    cues:\n      ASX ticker',
     '    bare: ["$", doll, dollar]\n    cues:\n      ASX ticker', "currency_context.AUD.bare.1"),
    ("      ASX listing: 'ASX-listed'", "      ASX listing: 'ASX-(listed'", "currency_context.AUD.cues.ASX listing"),
])
def test_invalid_rules_name_the_field_and_line(tmp_path, old, new, field):
    with pytest.raises(KnowledgeBaseError) as info:
        load_figure_rules(copy_rules(tmp_path, old, new))
    assert info.value.field == field
    if "." in field:  # a missing top-level section has no line to point at
        assert info.value.line == text_line_of(info.value.path, old, new)


# --------------------------------------------------------------------------- measure details


@pytest.mark.parametrize("text, surface, measure", [
    ("China’s share is 60% of the total.", "60%", "total"),
    ("China’s share is 60%, analysts believe.", "60%", "China’s share"),
    ("The deal is worth $1.2 billion.", "$1.2 billion", "deal"),
    ("Baogang holds a 50% stake in the mine.", "50%", "stake"),
    ("Output was 1,500 tonnes and prices rose 10%.", "10%", "prices growth"),
    ("The company’s output has grown by 15% since 2020.", "15%", "company’s output growth"),
])
def test_measure_heuristics(rules, text, surface, measure):
    found = {r["surface"]: r["measure"] for r in rows(text, rules)}
    assert found[surface] == measure


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("text", ["1," * 20000, "-1" * 20000, " two" * 10000, "1." * 20000,
                                  "between " * 5000 + "5", "$" * 20000 + "5"])
def test_pathological_inputs_give_exact_rows(rules, text):
    article = make_article(text)
    found = extract_figures(article, rules)
    for start, end, surface in zip(found["start"], found["end"], found["surface"]):
        assert article.text[start:end] == surface


@pytest.mark.parametrize("text, surface, value, unit, currency", [
    ("The Mission has an outlay of ₹16,300 crore.", "₹16,300 crore", 163_000_000_000, "currency", "INR"),
    ("Sahyadri will invest Rs. 1,345 crore in the plant.", "Rs. 1,345 crore", 13_450_000_000, "currency", "INR"),
    ("Sales reached 5 lakh tonnes.", "5 lakh tonnes", 500_000, "tonnes", None),
    ("The premium widened by 27pc on the week.", "27pc", 27, "percent", None),
    ("The plant employs 350 people.", "350", 350, "count", None),
])
def test_indian_scales_rupees_british_percent_and_more_countable_nouns(rules, text, surface, value, unit, currency):
    row = one(text, rules)
    assert (row["surface"], row["value"], row["unit"]) == (surface, value, unit)
    assert (row["currency"] or None) == currency
