"""Reports that are stopped, pages that stand alone, and dates a report cannot have.

An interrupted report (Ctrl-C, SIGTERM) leaves no staging folder; one left by a report killed
outright is removed by the next report once its process is gone, never while it runs. Pages load
nothing from the network and typeset nothing as maths. An absurd ``--as-of`` stops at once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

import reex_research as rr
from reex_research import reports
from reex_research.cli import main
from reex_research.errors import InvalidArgumentError, ReportError
from tests.report_helpers import AS_OF, FAILING_NOTEBOOKS, REPORT_CORPUS, network_loads
from tests.report_helpers import render as _render

SIGTERM_STATUS = 128 + signal.SIGTERM


def _stub_run(source, staging, parameters):
    return source.stem


def _leftovers(out: Path) -> list[str]:
    """The staging folders in ``out`` (none when ``out`` is gone)."""
    return [p.name for p in out.iterdir() if ".partial-" in p.name] if out.exists() else []


def _dead_pid() -> int:
    """The id of a process that has run and is gone."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    return int(done.stdout)


def _runs(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:  # no /proc on this system (it runs), or the process has just gone
        return not Path("/proc").is_dir()
    return state != "Z"


def _slow_notebooks(folder: Path) -> Path:
    """A notebooks folder whose one notebook writes its kernel's pid into ``kernel.pid`` and sleeps."""
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Slow"),
        nbformat.v4.new_code_cell('corpus_path = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('import os, pathlib, time\npathlib.Path("kernel.tmp").write_text(str(os.getpid()))\n'
                                  'os.replace("kernel.tmp", "kernel.pid")\ntime.sleep(60)'),
    ]
    nbformat.write(nb, folder / "01_slow.ipynb")
    return folder


# ----------------------------------------------------------------------------- interrupted reports


@pytest.mark.reliability
def test_ctrl_c_during_a_notebook_removes_the_staging_folder(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    (out / "2026-11-20").mkdir(parents=True)  # an earlier report stays as it is

    def interrupted(source, target, parameters, *, cwd):
        (cwd / "half_written.html").write_text("partial", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(reports, "_execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None)
    assert [p.name for p in out.iterdir()] == ["2026-11-20"]


@pytest.mark.reliability
def test_ctrl_c_into_a_new_reports_folder_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(source, target, parameters, *, cwd):
        raise KeyboardInterrupt

    monkeypatch.setattr(reports, "_execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _render(REPORT_CORPUS, tmp_path / "reports", tmp_path / "cache", notebooks=FAILING_NOTEBOOKS,
                progress=None)
    assert not (tmp_path / "reports").exists()


@pytest.mark.reliability
def test_sigterm_during_a_render_exits_143_removes_the_staging_folder_and_restores_the_handler(
        tmp_path, monkeypatch):
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are installed only in the main thread")
    out = tmp_path / "reports"
    out.mkdir()

    def terminated(source, target, parameters, *, cwd):
        (cwd / "half_written.html").write_text("partial", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)  # the handler raises before this ends
        raise AssertionError("SIGTERM did not stop the render")

    monkeypatch.setattr(reports, "_execute", terminated)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None)
    assert stopped.value.code == SIGTERM_STATUS
    assert list(out.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_render_in_another_thread_installs_no_signal_handler(tmp_path, monkeypatch):
    seen = []

    def run(source, staging, parameters):
        seen.append(signal.getsignal(signal.SIGTERM))
        return source.stem

    monkeypatch.setattr(reports, "_run", run)
    before = signal.getsignal(signal.SIGTERM)
    worker = threading.Thread(target=_render, args=(REPORT_CORPUS, tmp_path / "reports", tmp_path / "cache"),
                              kwargs={"notebooks": FAILING_NOTEBOOKS, "progress": None})
    worker.start()
    worker.join(120)
    assert seen == [before, before]  # one per notebook of the folder
    assert (tmp_path / "reports" / AS_OF.isoformat() / "index.html").is_file()


@pytest.mark.reliability
def test_sigterm_to_a_report_command_leaves_no_staging_folder_and_no_kernel(tmp_path):
    out = tmp_path / "reports"
    log = tmp_path / "report.log"
    command = [sys.executable, "-m", "reex_research.cli", "report", str(REPORT_CORPUS), "--as-of",
               AS_OF.isoformat(), "--out", str(out), "--notebooks", str(_slow_notebooks(tmp_path / "nb")),
               "--cache", str(tmp_path / "cache")]
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # a kernel starts in seconds, but the machine may be busy
        started: list[Path] = []
        while not started and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            started = list(out.glob(".*.partial-*/kernel.pid")) if out.exists() else []
        assert started, log.read_text()
        staging = started[0].parent
        assert reports.STAGING_NAME.match(staging.name)["pid"] == str(process.pid)
        kernel = int(started[0].read_text())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == SIGTERM_STATUS, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _leftovers(out) == []
    deadline = time.monotonic() + 15
    while _runs(kernel) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _runs(kernel)


# -------------------------------------------------------------------- staging folders left behind


def test_the_staging_folder_is_named_after_this_process(tmp_path, monkeypatch):
    seen = []

    def run(source, staging, parameters):
        seen.append(staging.name)
        return source.stem

    monkeypatch.setattr(reports, "_run", run)
    _render(REPORT_CORPUS, tmp_path / "reports", tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=None)
    match = reports.STAGING_NAME.match(seen[0])
    assert match is not None and seen[0].startswith(".2026-11-23.partial-")
    assert (match["host"], match["pid"]) == (reports._host(), str(os.getpid()))


def test_a_report_removes_staging_folders_of_gone_reports_and_keeps_everything_else(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_run", _stub_run)
    out = tmp_path / "reports"
    out.mkdir()
    host, dead = reports._host(), _dead_pid()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    gone = [f".2026-11-20.partial-{host}-{dead}-ab12cd_4", f".2026-11-23.partial-{host}-{dead}-zz99yy88"]
    kept = [
        f".2026-11-23.partial-{host}-{running.pid}-ef56gh78",  # another report, still running
        f".2026-11-23.partial-{host}x-{dead}-ij90kl12",  # another machine's
        ".2026-11-23.partial-mn34op56",  # no owner in the name
        f".2026-11-23.old-{host}-{dead}-qr12st34",  # not a staging folder
        f"2026-11-20.partial-{host}-{dead}-uv56wx78",  # not hidden: not a staging folder
    ]
    for name in gone + kept:
        (out / name).mkdir()
        (out / name / "01_overview.html").write_text("partial", encoding="utf-8")
    a_file = f".2026-11-19.partial-{host}-{dead}-yz90ab12"
    (out / a_file).write_text("a file, not a folder", encoding="utf-8")
    lines: list[str] = []
    try:
        _render(REPORT_CORPUS, out, tmp_path / "cache", notebooks=FAILING_NOTEBOOKS, progress=lines.append)
    finally:
        running.kill()
        running.wait()
    assert sorted(p.name for p in out.iterdir()) == sorted([*kept, a_file, "2026-11-23"])
    for name in gone:
        assert f"removed {name}, left behind by an interrupted report" in lines
    for name in kept:
        assert (out / name / "01_overview.html").read_text(encoding="utf-8") == "partial"


# ------------------------------------------------------------------------------ self-contained pages


def test_a_page_loads_nothing_from_the_network_and_shows_dollar_amounts_as_text():
    import pandas as pd
    from itables.javascript import generate_init_offline_itables_html
    from itables.utils import find_package_file

    from reex_research.notebook import _interactive

    table = _interactive(pd.DataFrame({"claim": ["prices rose from $5 to $10 a kilo"], "n": [2]}), "claims")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Prices\n\nNdPr went from $5 to $10 and back to $7."),
        nbformat.v4.new_code_cell("tables", outputs=[
            nbformat.v4.new_output("display_data", data={
                "text/html": generate_init_offline_itables_html(find_package_file("html", "dt_bundle.js"))}),
            nbformat.v4.new_output("display_data", data=table),
            nbformat.v4.new_output("stream", name="stdout", text="From $5 to $10 per kilogram\n"),
        ]),
    ]
    page = reports._html(nb, "Prices")
    assert network_loads(page) == []
    assert "mathjax" not in page.lower() and "require.js" not in page.lower()
    assert "<p>NdPr went from $5 to $10 and back to $7.</p>" in page
    assert "From $5 to $10 per kilogram" in page
    assert 'id="T_claims"' in page


def test_the_index_loads_nothing_from_the_network(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_run", _stub_run)
    folder = _render(REPORT_CORPUS, tmp_path / "reports", tmp_path / "cache", notebooks=FAILING_NOTEBOOKS,
                     progress=None)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert network_loads(index) == []
    assert "mathjax" not in index.lower()


def test_network_loads_finds_scripts_styles_and_fonts_from_elsewhere():
    page = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/f.css">'
            '<style>@import "https://fonts.example/y.css"; @import "local.css"; '
            'a { background: url( "http://img.example/i.png") } b { background: url(data:image/png;base64,AA==) }</style>'
            '<script type="module">await import("https://cdn.example/m.mjs")</script>'
            '<a href="https://itables.org/">a link loads nothing</a><script src="data:,1"></script>')
    assert len(network_loads(page)) == 5


# --------------------------------------------------------------------------------- as-of range


@pytest.mark.parametrize("text", ["9999-12-31", "2101-01-01", "1899-12-31", "0001-01-01"])
def test_an_absurd_as_of_is_refused_with_the_days_accepted(text):
    with pytest.raises(ReportError, match=rf"--as-of must be a day from 1900-01-01 to 2100-12-31, got '{text}'"):
        reports.parse_as_of(text)


@pytest.mark.parametrize("text", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_days_of_the_year_range_are_accepted(text):
    assert reports.parse_as_of(text) == dt.date.fromisoformat(text)


def test_render_report_refuses_an_absurd_day_before_anything_runs(tmp_path):
    out = tmp_path / "reports"
    tick = time.perf_counter()
    with pytest.raises(ReportError, match="as_of must be a day from 1900-01-01 to 2100-12-31"):
        reports.render_report(corpus=REPORT_CORPUS, as_of=dt.date(9999, 12, 31), out=out, progress=None)
    with pytest.raises(ReportError, match="--as-of must be a day from 1900-01-01 to 2100-12-31"):
        reports.render_report(corpus=REPORT_CORPUS, as_of="9999-12-31", out=out, progress=None)
    assert time.perf_counter() - tick < 2
    assert not out.exists()


def test_the_report_command_refuses_an_absurd_as_of_at_once(tmp_path, capsys):
    tick = time.perf_counter()
    assert main(["report", str(REPORT_CORPUS), "--as-of", "9999-12-31", "--out", str(tmp_path / "out")]) == 2
    assert time.perf_counter() - tick < 2
    assert "--as-of must be a day from 1900-01-01 to 2100-12-31, got '9999-12-31'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("as_of", ["9999-12-31", dt.date(1899, 12, 31), dt.datetime(2101, 1, 1, 8, 0)])
def test_load_corpus_refuses_a_day_outside_the_year_range(as_of, tmp_path):
    with pytest.raises(InvalidArgumentError, match="as_of must be a day from 1900-01-01 to 2100-12-31"):
        rr.load_corpus(tmp_path / "not even read", as_of=as_of)
