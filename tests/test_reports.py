"""Rendering dated reports: every notebook runs, the pages are escaped, reproducible and complete.

Kernels are slow to start, so the real notebooks are rendered only twice for the whole module
(``renders``: a first render, then a second one over it) and the failing fixture folder once.
"""

from __future__ import annotations

import datetime as dt
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


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """Render the real notebooks twice into one reports folder; keep both renders' files."""
    out = tmp_path_factory.mktemp("reports")
    lines: list[str] = []
    folder = reports.render_report(corpus=REPORT_CORPUS, as_of=AS_OF, out=out, progress=lines.append)
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = reports.render_report(corpus=REPORT_CORPUS, as_of=AS_OF, out=out, progress=None)
    second = {p.name: p.read_bytes() for p in again.iterdir()}
    return {"out": out, "folder": folder, "again": again, "lines": lines, "first": first, "second": second}


def _text(renders, name: str) -> str:
    return renders["first"][name].decode("utf-8")


def test_the_day_folder_holds_every_notebook_page_and_the_index(renders):
    assert renders["folder"] == renders["out"] / "2026-11-23"
    expected = {f"{s}.ipynb" for s in STEMS} | {f"{s}.html" for s in STEMS} | {"index.html"}
    assert set(renders["first"]) == expected


def test_no_temporary_folder_is_left_next_to_the_report(renders):
    assert [p.name for p in renders["out"].iterdir()] == ["2026-11-23"]


def test_progress_names_each_notebook_and_its_time(renders):
    steps = [line for line in renders["lines"] if line.startswith("[")]
    assert len(steps) == 5
    for number, (stem, line) in enumerate(zip(STEMS, steps), start=1):
        assert re.fullmatch(rf"\[{number}/5\] {stem} … \d+\.\d s", line), line


def test_every_notebook_ran_without_errors_and_with_the_parameters(renders):
    for stem in STEMS:
        nb = nbformat.reads(_text(renders, f"{stem}.ipynb"), as_version=4)
        outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
        assert not [o for o in outputs if o.output_type == "error"], stem
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1
        assert f'as_of = "{AS_OF.isoformat()}"' in injected[0].source
        assert 'corpus_path = "../tests/fixtures/report_corpus"' in injected[0].source


def test_the_report_names_no_absolute_folder_of_this_machine(renders):
    """The same corpus gives the same report content wherever the project is checked out."""
    for name in renders["first"]:
        assert str(REPORT_CORPUS.resolve()) not in _text(renders, name), name


def test_saved_notebooks_carry_no_timings(renders):
    for stem in STEMS:
        text = _text(renders, f"{stem}.ipynb")
        for volatile in ('"start_time"', '"end_time"', '"duration"', '"iopub.execute_input"', '"input_path"'):
            assert volatile not in text, (stem, volatile)


def test_index_links_every_page_and_notebook(renders):
    index = _text(renders, "index.html")
    links = re.findall(r'href="([^"]+)"', index)
    assert links == [name for stem in STEMS for name in (f"{stem}.html", f"{stem}.ipynb")]
    for link in links:
        assert (renders["again"] / link).is_file()
    assert ">Corpus overview</a>" in index and ">Figures</a>" in index


def test_index_states_the_provenance(renders):
    from reex_research.kb import load_kb

    index = _text(renders, "index.html")
    assert f"<code>{rr.__version__}</code>" in index
    assert f"<code>{reports.corpus_fingerprint(REPORT_CORPUS)}</code>" in index
    assert f"<code>{load_kb().version}</code>" in index
    assert "<code>2026-11-23</code>" in index
    assert re.search(r"rendered at</th><td><code>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00</code>", index)


def test_article_html_shows_only_as_escaped_text(renders):
    for name in renders["first"]:
        if name.endswith(".html"):
            assert RAW_SCRIPT not in _text(renders, name), name
    assert ESCAPED_SCRIPT in _text(renders, "01_overview.html")
    assert ESCAPED_SCRIPT in _text(renders, "03_actors.html")


def test_html_pages_hide_code_and_embed_charts(renders):
    for stem in STEMS:
        page = _text(renders, f"{stem}.html")
        assert "import reex_research" not in page, stem
        assert "rr.load_corpus" not in page, stem
        assert re.search(r'<img[^>]+src="(?!data:image/png;base64,)', page) is None, stem
    assert "data:image/png;base64," in _text(renders, "03_actors.html")
    assert "data:image/png;base64," in _text(renders, "04_timeline.html")


def test_two_renders_give_the_same_notebooks_and_pages(renders):
    for name in renders["first"]:
        if name != "index.html":
            assert renders["first"][name] == renders["second"][name], name


def test_index_escapes_what_it_prints():
    page = reports.index_html(
        [("01_x", "<b>Title</b>")],
        provenance={"corpus": "/data/<script>"},
        parameters={"as_of": "2026-11-23", "corpus_path": "a&b"},
        rendered_at=dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC),
    )
    assert "<b>Title</b>" not in page and "&lt;b&gt;Title&lt;/b&gt;" in page
    assert "/data/&lt;script&gt;" in page and "a&amp;b" in page


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

    from reex_research.plots import Table

    table = Table(pd.DataFrame({"sentence": [f"Lynas {RAW_SCRIPT} expands"]}))
    assert RAW_SCRIPT not in table._repr_html_()
    assert ESCAPED_SCRIPT in table._repr_html_()
    assert "Lynas <script>" in repr(table)  # the plain-text view is text already


def test_every_chart_draws_without_data():
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from reex_research import analysis as ra
    from reex_research import plots as rp
    from reex_research.schema import empty

    articles, sentences = empty("articles"), empty("sentences")
    timeline = ra.timeline_frame(empty("events"), sentences, articles)
    figures = [
        rp.bar_chart(pd.DataFrame({"kind": [], "lines": []}), label="kind", value="lines", title="t", xlabel="x"),
        rp.actor_bars(ra.actor_counts(empty("mentions"), empty("entities"))),
        rp.theme_heatmap(ra.theme_matrix(empty("themes"), articles)),
        rp.theme_lines(ra.theme_strength_over_time(empty("themes"), articles)),
        rp.network(ra.actor_counts(empty("mentions"), empty("entities")),
                   ra.cooccurrence(empty("relations"), empty("entities"), sentences)),
        rp.timeline(ra.timeline_rows(timeline), as_of=AS_OF),
        rp.claims_chart(ra.figure_comparisons(empty("figures"), sentences, articles)),
    ]
    for fig in figures:
        fig.canvas.draw()
        rp.close(fig)


# ------------------------------------------------------------------------------------ failures


def test_a_failing_notebook_is_named_with_its_cell_and_leaves_no_folder(tmp_path):
    out = tmp_path / "reports"
    with pytest.raises(NotebookExecutionError) as caught:
        reports.render_report(corpus=REPORT_CORPUS, as_of=AS_OF, out=out, notebooks=FAILING_NOTEBOOKS,
                              progress=None)
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
    calls = []

    def fake_run(source, staging, parameters):
        calls.append(source.name)
        if len(calls) == 2:
            raise NotebookExecutionError(source.name, 3, "boom")
        (staging / f"{source.stem}.html").write_text("partial", encoding="utf-8")
        return source.stem

    monkeypatch.setattr(reports, "_run", fake_run)
    with pytest.raises(NotebookExecutionError):
        reports.render_report(corpus=REPORT_CORPUS, as_of=AS_OF, out=out, notebooks=FAILING_NOTEBOOKS,
                              progress=None)
    assert [p.name for p in out.iterdir()] == ["2026-11-23"]
    assert [p.name for p in previous.iterdir()] == ["index.html"]
    assert (previous / "index.html").read_text(encoding="utf-8") == "yesterday's render"


def test_a_successful_render_replaces_the_day_folder_whole(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    (out / "2026-11-23").mkdir(parents=True)
    (out / "2026-11-23" / "stale.html").write_text("old", encoding="utf-8")
    monkeypatch.setattr(reports, "_run", lambda source, staging, parameters: source.stem)
    folder = reports.render_report(corpus=REPORT_CORPUS, as_of=AS_OF, out=out, notebooks=FAILING_NOTEBOOKS,
                                   progress=None)
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]
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
