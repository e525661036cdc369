"""A real report of the fixture corpus, rendered once: one load, every notebook, pages escaped and
reproducible, the digest on the index."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

import reex_research as rr
from reex_research import reports
from tests.report_helpers import (
    AS_OF,
    ESCAPED_SCRIPT,
    RAW_SCRIPT,
    REPORT_CORPUS,
    STEMS,
    network_loads,
)
from tests.report_helpers import render as _render


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The fixture corpus rendered once with the real notebooks; its files and progress lines."""
    out = tmp_path_factory.mktemp("reports")
    lines: list[str] = []
    folder = _render(REPORT_CORPUS, out, tmp_path_factory.mktemp("cache"), progress=lines.append)
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return {"out": out, "folder": folder, "lines": lines, "files": files}


def _text(rendered, name: str) -> str:
    return rendered["files"][name].decode("utf-8")


def test_the_day_folder_holds_pages_notebooks_index_tables_and_state(rendered):
    assert rendered["folder"] == rendered["out"] / "2026-11-23"
    top = {name for name in rendered["files"] if "/" not in name}
    assert top == {f"{s}.ipynb" for s in STEMS} | {f"{s}.html" for s in STEMS} | {"index.html", "report.json"}
    for table in rr.Corpus.read(rendered["folder"] / "tables" / "corpus").names:
        assert f"tables/corpus/{table}.parquet" in rendered["files"]
        assert f"tables/corpus/{table}.csv" in rendered["files"]
    assert {"state/articles.csv", "state/actors.csv", "state/deadlines.csv", "state/themes.csv"} <= set(rendered["files"])


def test_no_temporary_folder_is_left_next_to_the_report(rendered):
    assert [p.name for p in rendered["out"].iterdir()] == ["2026-11-23"]


def test_progress_says_what_loaded_and_names_each_notebook_and_its_time(rendered):
    assert any(line.startswith("../../") and "3 articles" in line for line in rendered["lines"])
    steps = [line for line in rendered["lines"] if line.startswith("[")]
    assert len(steps) == 5
    for number, (stem, line) in enumerate(zip(STEMS, steps), start=1):
        assert re.fullmatch(rf"\[{number}/5\] {stem} … \d+\.\d s", line), line


def test_every_notebook_ran_on_the_one_load_with_the_parameters(rendered):
    corpus_path = Path(os.path.relpath(REPORT_CORPUS.resolve(), rendered["folder"].resolve())).as_posix()
    for stem in STEMS:
        nb = nbformat.reads(_text(rendered, f"{stem}.ipynb"), as_version=4)
        outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
        assert not [o for o in outputs if o.output_type == "error"], stem
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1
        assert f'as_of = "{AS_OF.isoformat()}"' in injected[0].source
        assert f'corpus_path = "{corpus_path}"' in injected[0].source
        assert 'tables_path = "tables"' in injected[0].source
        printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert f"{corpus_path}: 3 articles" in printed, stem  # read from tables/, named as the report names it


def test_the_report_names_no_absolute_folder_of_this_machine(rendered):
    """The same corpus gives the same report content wherever the project is checked out."""
    absolute = re.compile(rf"(?<!\.\.){re.escape(str(REPORT_CORPUS.resolve()))}|{re.escape(str(rendered['folder']))}")
    for name in rendered["files"]:
        if name.endswith((".html", ".ipynb", ".json")):
            assert not absolute.search(_text(rendered, name)), name


def test_saved_notebooks_carry_no_timings(rendered):
    for stem in STEMS:
        text = _text(rendered, f"{stem}.ipynb")
        for volatile in ('"start_time"', '"end_time"', '"duration"', '"iopub.execute_input"', '"input_path"'):
            assert volatile not in text, (stem, volatile)


def test_the_index_is_the_digest_of_the_fixture_corpus(rendered):
    index = _text(rendered, "index.html")
    # a_lynas_malaysia (3 Nov 2026), b_recycling_push (15 Oct 2026), c_undated_note (no date)
    assert "3 articles (2 dated, 1 undated)" in index
    assert "Themes rising and falling" in index and "2026-11" in index and "2026-10" in index
    assert "A period has fewer than 5 articles" in index
    for heading in ("Most named", "Materials", "What comes due next", "Headline figures", "Full tables"):
        assert heading in index, heading


def test_index_links_every_page_notebook_and_full_table(rendered):
    index = _text(rendered, "index.html")
    links = re.findall(r'href="([^"]+)"', index)
    for stem in STEMS:
        assert f"{stem}.html" in links and f"{stem}.ipynb" in links
    assert "tables/corpus/events.csv" in links and "tables/corpus/events.parquet" in links
    for link in links:
        assert (rendered["folder"] / link).is_file(), link
    assert ">Corpus overview</a>" in index and ">Figures</a>" in index


def test_index_states_the_provenance(rendered):
    from reex_research.kb import load_kb

    index = _text(rendered, "index.html")
    assert f"<code>{rr.__version__}</code>" in index
    assert f"<code>{reports.corpus_fingerprint(REPORT_CORPUS)}</code>" in index
    assert f"<code>{load_kb().version}</code>" in index
    assert "<code>2026-11-23</code>" in index
    assert re.search(r"rendered at</th><td><code>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00</code>", index)


def test_article_html_shows_only_as_escaped_text(rendered):
    for name in rendered["files"]:
        if name.endswith(".html"):
            assert RAW_SCRIPT not in _text(rendered, name), name
    assert ESCAPED_SCRIPT in _text(rendered, "01_overview.html")
    assert ESCAPED_SCRIPT in _text(rendered, "index.html")


def test_html_pages_hide_code_embed_charts_and_work_offline(rendered):
    for stem in STEMS:
        page = _text(rendered, f"{stem}.html")
        assert "import reex_research" not in page, stem
        assert "page.show(" not in page, stem
        assert re.search(r'<img[^>]+src="(?!data:image/png;base64,)', page) is None, stem
        assert network_loads(page) == [], stem  # the table library is in the page; no require.js, no MathJax
        assert "mathjax" not in page.lower(), stem
        assert 'id="T_' in page, stem  # interactive tables
    assert network_loads(_text(rendered, "index.html")) == []
    assert "data:image/png;base64," in _text(rendered, "03_actors.html")
    assert "data:image/png;base64," in _text(rendered, "04_timeline.html")


def test_a_table_cut_short_links_its_full_file(rendered):
    links = re.findall(r'more rows: see <a href="([^"]+)"', "".join(_text(rendered, f"{s}.html") for s in STEMS))
    for link in links:
        assert (rendered["folder"] / link).is_file(), link


@pytest.fixture(scope="module")
def one_again(rendered, tmp_path_factory):
    """04_timeline rendered a second time, on its own, into another reports folder."""
    notebooks = tmp_path_factory.mktemp("notebooks")
    shutil.copy(reports.default_notebooks() / "04_timeline.ipynb", notebooks)
    out = tmp_path_factory.mktemp("reports")
    return _render(REPORT_CORPUS, out, tmp_path_factory.mktemp("cache"), notebooks=notebooks, progress=None)


def test_two_renders_give_the_same_notebook_and_page(rendered, one_again):
    for name in ("04_timeline.ipynb", "04_timeline.html"):
        assert (one_again / name).read_bytes() == rendered["files"][name], name
