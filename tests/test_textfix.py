"""Text repair: Windows-874 mojibake, ftfy's cases, and text that must stay as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reex_research.errors import InvalidArgumentError
from reex_research.read.textfix import apply_plan, get_fixer, repair_text

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "textfix.yaml").read_text(encoding="utf-8"))


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case.get("comment", ""))] if case["expect"] == "xfail" else []
    return pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_repair_case(case):
    assert repair_text(case["input"]).text == case["expected"]


@pytest.mark.parametrize("case", [_param(c) for c in CASES if c["expect"] == "pass"])
def test_replaying_the_plan_gives_the_same_text(case):
    result = repair_text(case["input"])
    assert apply_plan(case["input"], result.steps) == result.text


def test_repairs_are_counted_by_kind():
    result = repair_text("Chinaโs grip, Beijingโ€™s plan\r\n")
    assert dict(result.steps) == {"line_endings": 1, "cp874_sequence": 1, "cp874_inferred": 1}
    assert result.count == 3
    assert result.kinds == "line_endings:1;cp874_sequence:1;cp874_inferred:1"


def test_genuine_thai_is_kept_and_thai_mojibake_repaired():
    assert repair_text("ภาษาไทยเป็นภาษาราชการ").text == "ภาษาไทยเป็นภาษาราชการ"
    assert repair_text("Chinaโs grip and Beijingโ€™s plan").text == "China’s grip and Beijing’s plan"


def test_unknown_fixer_names_the_valid_ones():
    with pytest.raises(InvalidArgumentError, match="valid fixers: line_endings"):
        get_fixer("nope")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_repair_never_crashes_and_is_replayable(text):
    result = repair_text(text)
    assert apply_plan(text, result.steps) == result.text


THAI_WORDS = ["ภาษาไทย", "โรงเรียน", "ยกเลิก", "ประเทศ", "เศรษฐกิจ", "แร่หายาก", "จีน", "ส่งออก",
              "ควบคุม", "โรงงาน", "ราคา", "ตลาด", "รัฐบาล", "การผลิต", "ยา", "โต๊ะ", "ข่าว", "ปี"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(THAI_WORDS), min_size=1, max_size=30), st.sampled_from(["", " ", "\n"]))
def test_thai_text_is_never_repaired(words, separator):
    text = separator.join(words)
    assert repair_text(text).text == text
