"""Rendering reports without running notebooks: folders, collisions, the last report, bad input,
failing notebooks, and what tables and charts do with odd data."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

import reex_research as rr
from reex_research import reports
from reex_research.errors import (
    CorpusNotFoundError,
    NotebookExecutionError,
    ReportError,
)
from tests.report_helpers import (
    AS_OF,
    ESCAPED_SCRIPT,
    FAILING_NOTEBOOKS,
    RAW_SCRIPT,
    REPORT_CORPUS,
)
from tests.report_helpers import render as _render


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
