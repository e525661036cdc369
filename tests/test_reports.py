"""Rendering dated reports: one load, every notebook runs, pages bounded, escaped and reproducible.

Kernels are slow to start, so each real render happens once per test session: the fixture corpus
(``rendered``), one notebook again for reproducibility, an empty corpus, and a generated corpus of
about a thousand articles for the page-size bound. Tests of folder handling replace the notebook
run with a stub and render no notebook at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

import reex_research as rr
from reex_research import reports
from reex_research.errors import (
    CorpusNotFoundError,
    NotebookExecutionError,
    ReportError,
)

FIXTURES = Path(__file__).parent / "fixtures"
REPORT_CORPUS = FIXTURES / "report_corpus"
FAILING_NOTEBOOKS = FIXTURES / "notebooks" / "failing"
AS_OF = dt.date(2026, 11, 23)
STEMS = ["01_overview", "02_themes", "03_actors", "04_timeline", "05_figures"]
RAW_SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
PAGE_LIMIT = 3 * 1024 * 1024
SCALE_ARTICLES = 1000


def _render(corpus: Path, out: Path, cache: Path, **options) -> Path:
    return reports.render_report(corpus=corpus, as_of=AS_OF, out=out, cache=cache, **options)


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


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


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
        assert "unpkg.com" not in page and "cdn." not in page, stem  # the table library is in the page
        assert 'id="T_' in page, stem  # interactive tables
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


@pytest.fixture(scope="module")
def empty_render(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("empty")
    return _render(corpus, tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("cache"), progress=None)


def test_an_empty_corpus_renders_a_short_report_that_says_so(empty_render):
    index = (empty_render / "index.html").read_text(encoding="utf-8")
    assert "0 articles" in index and "There is nothing to show" in index
    for stem in STEMS:
        nb = nbformat.read(empty_render / f"{stem}.ipynb", as_version=4)
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"], stem
        assert (empty_render / f"{stem}.html").stat().st_size < PAGE_LIMIT


@pytest.fixture(scope="module")
def scale_render(tmp_path_factory):
    from benchmarks.generate import generate_corpus

    corpus = generate_corpus(tmp_path_factory.mktemp("generated") / "corpus", SCALE_ARTICLES, seed=3)
    return _render(corpus, tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("cache"), progress=None)


def test_every_page_of_a_thousand_article_report_stays_under_three_megabytes(scale_render):
    pages = _pages(scale_render)
    assert len(pages) == 6
    for page in pages:
        assert page.stat().st_size < PAGE_LIMIT, (page.name, page.stat().st_size)
    events = rr.Corpus.read(scale_render / "tables" / "corpus").events
    assert len(events) > 1000  # the full table is beside the page, not in it
    timeline = (scale_render / "04_timeline.html").read_text(encoding="utf-8")
    assert re.search(r"[\d,]+ more rows: see <a href=\"tables/events.csv\"", timeline)


def test_the_index_escapes_what_it_prints(corpus):
    from reex_research.index_page import digest_page

    page = digest_page(corpus, AS_OF, pages=[("01_x", "<b>Title</b>")], tables=[], previous=None,
                       provenance={"corpus": "/data/<script>"},
                       parameters={"as_of": "2026-11-23", "corpus_path": "a&b"},
                       rendered_at=dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC))
    assert "<b>Title</b>" not in page and "&lt;b&gt;Title&lt;/b&gt;" in page
    assert "/data/&lt;script&gt;" in page and "a&amp;b" in page


# ------------------------------------------------------------------- folders, without notebooks


def _stub_run(source, staging, parameters):
    return source.stem


def test_a_report_of_another_corpus_does_not_replace_the_days_folder_unless_forced(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_run", _stub_run)
    out, cache = tmp_path / "reports", tmp_path / "cache"
    other = tmp_path / "other"
    shutil.copytree(REPORT_CORPUS, other)
    _render(REPORT_CORPUS, out, cache, notebooks=FAILING_NOTEBOOKS, progress=None)
    with pytest.raises(ReportError, match="already holds a report of .*report_corpus.*--force"):
        _render(other, out, cache, notebooks=FAILING_NOTEBOOKS, progress=None)
    assert "report_corpus" in json.loads((out / "2026-11-23" / "report.json").read_text())["corpus_path"]
    _render(other, out, cache, notebooks=FAILING_NOTEBOOKS, progress=None, force=True)
    assert json.loads((out / "2026-11-23" / "report.json").read_text())["corpus_path"].endswith("other")


def test_the_same_corpus_again_replaces_the_days_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_run", _stub_run)
    out, cache = tmp_path / "reports", tmp_path / "cache"
    first = _render(REPORT_CORPUS, out, cache, notebooks=FAILING_NOTEBOOKS, progress=None)
    (first / "stale.html").write_text("old", encoding="utf-8")
    again = _render(REPORT_CORPUS, out, cache, notebooks=FAILING_NOTEBOOKS, progress=None)
    assert not (again / "stale.html").exists()


def test_the_index_says_what_changed_since_the_last_report_of_the_same_corpus(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_run", _stub_run)
    corpus, out, cache = tmp_path / "corpus", tmp_path / "reports", tmp_path / "cache"
    corpus.mkdir()
    shutil.copy(REPORT_CORPUS / "a_lynas_malaysia.txt", corpus)
    reports.render_report(corpus=corpus, as_of="2026-11-20", out=out, cache=cache, notebooks=FAILING_NOTEBOOKS,
                          progress=None)
    shutil.copy(REPORT_CORPUS / "b_recycling_push.txt", corpus)
    folder = _render(corpus, out, cache, notebooks=FAILING_NOTEBOOKS, progress=None)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Since the last report (2026-11-20)" in index
    assert "1 new articles" in index
    # b_recycling_push: "China Rare Earth Group Pushes Recycling as Export Controls Bite", 15 Oct 2026
    assert "China Rare Earth Group Pushes Recycling… · 2026-10-15" in index


def test_a_first_report_has_nothing_to_compare_with(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_run", _stub_run)
    folder = _render(REPORT_CORPUS, tmp_path / "reports", tmp_path / "cache", notebooks=FAILING_NOTEBOOKS,
                     progress=None)
    assert "Since the last report" not in (folder / "index.html").read_text(encoding="utf-8")


def test_fingerprint_changes_with_a_file_and_ignores_hidden_files(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(REPORT_CORPUS, corpus)
    before = reports.corpus_fingerprint(corpus)
    assert before == reports.corpus_fingerprint(REPORT_CORPUS)
    (corpus / ".DS_Store").write_bytes(b"noise")
    assert reports.corpus_fingerprint(corpus) == before
    (corpus / "c_undated_note.md").write_text("# Changed\n\nOne sentence.\n", encoding="utf-8")
    assert reports.corpus_fingerprint(corpus) != before


def test_tables_show_article_html_as_text():
    import pandas as pd

    from reex_research.notebook import Table, _interactive

    frame = pd.DataFrame({"sentence": [f"Lynas {RAW_SCRIPT} expands"]})
    table = Table(frame)
    assert RAW_SCRIPT not in table._repr_html_()
    assert ESCAPED_SCRIPT in table._repr_html_()
    assert "Lynas <script>" in repr(table)  # the plain-text view is text already
    interactive = _interactive(frame, "evidence")
    assert RAW_SCRIPT not in interactive["text/html"] and "Lynas <script>" in interactive["text/plain"]


def test_a_long_table_shows_its_top_rows_and_writes_the_whole_of_it(tmp_path, capsys):
    import pandas as pd

    from reex_research.notebook import Page

    page = Page(corpus=None, as_of=AS_OF, tables_dir=tmp_path)  # type: ignore[arg-type]
    page.show(pd.DataFrame({"n": range(45)}), name="numbers", top=20)
    assert len(pd.read_csv(tmp_path / "numbers.csv")) == 45
    assert "25 more rows: see tables/numbers.csv" in capsys.readouterr().out
    with pytest.raises(rr.InvalidArgumentError):
        page.show(pd.DataFrame({"n": [1]}), name="../escape")


def test_every_chart_draws_without_data():
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from reex_research import analysis as ra
    from reex_research import plots as rp
    from reex_research.schema import empty

    articles, sentences = empty("articles"), empty("sentences")
    timeline = ra.timeline_frame(empty("events"), sentences, articles)
    strength = ra.theme_strength_over_time(empty("themes"), articles)
    figures = [
        rp.bar_chart(pd.DataFrame({"kind": [], "lines": []}), label="kind", value="lines", title="t", xlabel="x"),
        rp.actor_bars(ra.actor_counts(empty("mentions"), empty("entities"))),
        rp.theme_heatmap(ra.theme_month_matrix(strength)),
        rp.theme_lines(strength),
        rp.network(ra.actor_counts(empty("mentions"), empty("entities")),
                   ra.cooccurrence(empty("relations"), empty("entities"), sentences)),
        rp.events_chart(ra.events_per_month(timeline, AS_OF), as_of=AS_OF),
        rp.claims_chart(ra.figure_comparisons(empty("figures"), sentences, articles)),
    ]
    for fig in figures:
        fig.canvas.draw()
        rp.close(fig)


# ------------------------------------------------------------------------------------ failures


def test_a_failing_notebook_is_named_with_its_cell_and_leaves_no_folder(tmp_path):
    out = tmp_path / "reports"
    with pytest.raises(NotebookExecutionError) as caught:
        _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None)
    error = caught.value
    assert error.notebook == "02_fails.ipynb"
    assert error.cell == 4  # the fourth cell of the file, counting the Markdown one
    assert "02_fails.ipynb, cell 4" in str(error)
    assert "ValueError: fixture failure in cell four" in str(error)
    assert not out.exists() or list(out.iterdir()) == []


def test_a_failed_render_keeps_the_previous_report(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    previous = out / "2026-11-23"
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("yesterday's render", encoding="utf-8")
    corpus_path = Path(os.path.relpath(REPORT_CORPUS.resolve(), previous.resolve())).as_posix()
    (previous / "report.json").write_text(json.dumps({"corpus_path": corpus_path}), encoding="utf-8")
    calls = []

    def fake_run(source, staging, parameters):
        calls.append(source.name)
        if len(calls) == 2:
            raise NotebookExecutionError(source.name, 3, "boom")
        (staging / f"{source.stem}.html").write_text("partial", encoding="utf-8")
        return source.stem

    monkeypatch.setattr(reports, "_run", fake_run)
    with pytest.raises(NotebookExecutionError):
        _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None)
    assert [p.name for p in out.iterdir()] == ["2026-11-23"]
    assert sorted(p.name for p in previous.iterdir()) == ["index.html", "report.json"]
    assert (previous / "index.html").read_text(encoding="utf-8") == "yesterday's render"


def test_a_folder_that_is_not_a_report_is_replaced_only_when_forced(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    (out / "2026-11-23").mkdir(parents=True)
    (out / "2026-11-23" / "notes.html").write_text("mine", encoding="utf-8")
    monkeypatch.setattr(reports, "_run", _stub_run)
    with pytest.raises(ReportError, match="something that is not a report"):
        _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None)
    assert (out / "2026-11-23" / "notes.html").exists()
    folder = _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None, force=True)
    assert not (folder / "notes.html").exists() and (folder / "index.html").exists()
    assert [p.name for p in out.iterdir()] == ["2026-11-23"]


@pytest.mark.parametrize("text", ["2026-13-01", "23/11/2026", "2026-11-23T10:00", "today", ""])
def test_a_bad_as_of_is_a_clear_error(text):
    with pytest.raises(ReportError, match=r"--as-of must be YYYY-MM-DD, got"):
        reports.parse_as_of(text)


def test_parse_as_of_reads_an_iso_day():
    assert reports.parse_as_of(" 2026-11-23 ") == AS_OF


def test_a_bad_as_of_fails_before_anything_runs(tmp_path):
    out = tmp_path / "reports"
    with pytest.raises(ReportError, match="--as-of must be YYYY-MM-DD"):
        reports.render_report(corpus=REPORT_CORPUS, as_of="2026-02-30", out=out, progress=None)
    assert not out.exists()


def test_a_missing_corpus_fails_before_anything_runs(tmp_path):
    out = tmp_path / "reports"
    with pytest.raises(CorpusNotFoundError, match="corpus folder not found"):
        reports.render_report(corpus=tmp_path / "missing", as_of=AS_OF, out=out, progress=None)
    assert not out.exists()


def test_a_folder_without_report_notebooks_is_a_clear_error(tmp_path):
    with pytest.raises(ReportError, match="no NN_name.ipynb notebooks"):
        reports.render_report(corpus=REPORT_CORPUS, as_of=AS_OF, out=tmp_path / "r", notebooks=tmp_path,
                              progress=None)
