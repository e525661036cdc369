"""Dated reports: load the corpus once, run the notebooks on it with papermill, write the digest.

:func:`render_report` validates its inputs, loads the corpus once (through the cache) and writes it
into the report as ``tables/corpus/`` (Parquet and CSV), then runs every ``NN_*.ipynb`` of the
notebooks folder in order (kernel ``python3``, working directory = the report folder) with the
parameters ``corpus_path``, ``as_of``, ``themes``, ``actors``, ``min_mentions`` and ``tables_path``.
Each notebook reads the corpus from ``tables/`` (:func:`reex_research.notebook.start`) and writes the
full tables behind its pages there. ``OUT/YYYY-MM-DD/`` (the ``as_of`` date) holds:

- ``NN_name.ipynb``: the executed notebook, without papermill's timings, paths and execution
  timestamps, so the same corpus and parameters give the same file;
- ``NN_name.html``: the notebook's outputs (code hidden) with charts embedded and interactive
  tables, readable without Jupyter; bounded in size at any corpus size. A page loads no script,
  style or font from the network (no require.js, no MathJax: "$5 … $10" in article text stays text);
- ``index.html``: the digest (:mod:`reex_research.index_page`): corpus health, rising and falling
  themes, most-named and new actors, what comes due next, headline figures, what changed since the
  last report of the same corpus, links to the pages and full tables, and provenance;
- ``tables/``: every full table; ``state/``: the small tables the next report compares with;
  ``report.json``: which corpus and day.

Everything is written into a hidden staging folder ``OUT/.YYYY-MM-DD.partial-HOST-PID-XXXX`` and
moved into place whole; an existing day folder of the same corpus is replaced only after every
notebook succeeded, one of another corpus only with ``force``. A failing notebook raises
:class:`~reex_research.errors.NotebookExecutionError` naming the notebook and the cell, and leaves
no folder behind. So does an interrupted report: Ctrl-C raises ``KeyboardInterrupt`` as usual, and
while a report renders in the main thread SIGTERM raises ``SystemExit(143)``, so the staging folder
is removed on the way out. One left by a report that could not clean up (killed outright) is
removed by the next report into ``OUT`` once its process (``PID`` on this ``HOST``) is gone; the
folders of running reports and of other machines are kept.
The date must be from 1900-01-01 to 2100-12-31 (the package's year range), which is checked before
anything runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .corpus import Corpus, load_corpus
from .digest import ReportState, report_state
from .errors import CorpusNotFoundError, NotebookExecutionError, ReportError
from .index_page import digest_page, digest_sections
from .read.datetext import YEAR_MAX, YEAR_MIN

KERNEL = "python3"
NOTEBOOK_NAME = re.compile(r"^\d{2}_[^/\\]+\.ipynb$")
START_TIMEOUT_S = 180  # kernel start-up on a busy 2-core machine
CELL_TIMEOUT_S = 900
#: Cell metadata that changes on every run (papermill timings, nbclient timestamps).
VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")
#: Notebook metadata papermill writes that names temporary paths or timings.
VOLATILE_PAPERMILL_METADATA = ("start_time", "end_time", "duration", "exception",
                               "input_path", "output_path", "environment_variables")

Progress = Callable[[str], Any]
TABLES = "tables"
"""Folder of a report holding its full tables (the corpus's and each page's)."""
STATE = "state"
"""Folder of a report holding the small tables the next report compares itself with."""
REPORT_INFO = "report.json"
"""What a report folder says of itself: which corpus (as the notebooks name it) and which day."""
FIRST_DAY = dt.date(YEAR_MIN, 1, 1)
LAST_DAY = dt.date(YEAR_MAX, 12, 31)
"""The days a report may be dated: the package's year range."""
STAGING_NAME = re.compile(r"^\.\d{4}-\d{2}-\d{2}\.partial-(?P<host>.+)-(?P<pid>\d+)-[a-z0-9_]+$")
"""A report's staging folder in ``OUT``: ``.DAY.partial-HOST-PID-RANDOM``, named after the process
that writes it so that a later report can tell whether it is still being written."""
#: nbconvert's ``lab`` page without what it loads from the network: require.js (no page needs it:
#: the table library is inside the page), MathJax (article text such as "$5 … $10" stays text and
#: is never typeset as maths), mermaid.js and the widget manager (no page has diagrams or widgets).
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def parse_as_of(text: str) -> dt.date:
    """Return the date of ``text`` written as ``YYYY-MM-DD``, from :data:`FIRST_DAY` to :data:`LAST_DAY`;
    raise ReportError otherwise."""
    value = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return _within_range(day, text, "--as-of")
    raise ReportError(f"--as-of must be YYYY-MM-DD, got {text!r}")


def default_notebooks() -> Path:
    """Return the bundled notebooks folder (``notebooks/`` beside the package)."""
    from .paths import notebooks_dir

    return notebooks_dir()


def find_notebooks(folder: Path) -> list[Path]:
    """Return the report notebooks ``NN_*.ipynb`` of ``folder``, in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"notebooks folder not found: {folder} — pass notebooks= a folder of NN_name.ipynb files")
    found = sorted(p for p in folder.iterdir() if p.is_file() and NOTEBOOK_NAME.match(p.name))
    if not found:
        raise ReportError(f"no NN_name.ipynb notebooks in {folder} — report notebooks are named like 01_overview.ipynb")
    return found


def corpus_fingerprint(corpus: Path) -> str:
    """Return a sha256 hex digest over the sorted relative file names and bytes of ``corpus``.

    Hidden files and folders (names starting with ``.``) are left out, as the loader ignores them.
    """
    root = Path(corpus)
    digest = hashlib.sha256()
    files = sorted(
        (p.relative_to(root).as_posix(), p)
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    for rel, path in files:
        data = path.read_bytes()
        digest.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0")
        digest.update(data)
    return digest.hexdigest()


def kb_version() -> str:
    """Return the version of the default knowledge base, from its files' bytes (nothing is parsed)."""
    from .kb import kb_version as version_of

    return version_of()


def render_report(
    *,
    corpus: Path,
    as_of: dt.date | str | None = None,
    out: Path = Path("reports"),
    notebooks: Path | None = None,
    themes: Sequence[str] = (),
    actors: Sequence[str] = (),
    min_mentions: int = 1,
    force: bool = False,
    cache: bool | Path = True,
    progress: Progress | None = print,
) -> Path:
    """Render every notebook for ``corpus`` into ``out/YYYY-MM-DD/``; return that folder.

    The corpus is loaded once (through the cache, ``cache``) and written beside the report as
    ``tables/corpus/`` (Parquet and CSV); every notebook reads it from there. ``as_of`` (default:
    today; a ``YYYY-MM-DD`` string is parsed with :func:`parse_as_of`) is the date the "what comes
    due next" tables count from, and names the folder. ``themes``, ``actors`` and ``min_mentions``
    are the notebooks' parameters. A folder holding a report of another corpus is not replaced
    unless ``force``. ``progress`` receives one line per step (``None``: silent).

    A failed or interrupted render (Ctrl-C; SIGTERM, which raises ``SystemExit(143)`` while this runs
    in the main thread) removes its staging folder; staging folders in ``out`` of reports whose
    process is gone are removed before rendering.
    """
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise CorpusNotFoundError(corpus)
    as_of = _report_day(as_of)
    if min_mentions < 1:
        raise ReportError(f"min_mentions must be at least 1, got {min_mentions}")
    sources = find_notebooks(Path(notebooks) if notebooks is not None else default_notebooks())
    say = progress or (lambda _line: None)
    out = Path(out)
    final = out / as_of.isoformat()
    corpus_path = _path_from(final, corpus)
    _refuse_other_corpus(final, corpus_path, force)
    previous = _previous_report(out, corpus_path, before=as_of)
    _warm_up_matplotlib()
    started = time.perf_counter()
    say(f"loading {corpus} as of {as_of.isoformat()}")
    loaded = load_corpus(corpus, as_of=as_of, cache=cache)
    loaded.root = Path(corpus_path)  # as the report names it: no machine's folders in the pages
    say(loaded.summary())
    parameters: dict[str, Any] = {
        "corpus_path": corpus_path, "as_of": as_of.isoformat(), "themes": list(themes),
        "actors": list(actors), "min_mentions": int(min_mentions), "tables_path": TABLES,
    }
    provenance = {
        "package version": _package_version(),
        "corpus fingerprint (sha256)": corpus_fingerprint(corpus),
        "knowledge-base version": kb_version(),
    }
    for left in _remove_stale_staging(out):
        say(f"removed {left}, left behind by an interrupted report")
    say(f"rendering {len(sources)} notebooks into {final}")
    with (_sigterm_exits(), _staging(out, final.name) as staging,
          ThreadPoolExecutor(max_workers=1) as beside):
        loaded.export(staging / TABLES / "corpus", format="parquet")
        # the kernels run in their own processes: meanwhile this one writes the CSV copies and the digest
        side = beside.submit(_beside_the_notebooks, loaded, as_of, staging, previous)
        pages: list[tuple[str, str]] = []
        for number, source in enumerate(sources, start=1):
            tick = time.perf_counter()
            title = _run(source, staging, parameters)
            pages.append((source.stem, title))
            say(f"[{number}/{len(sources)}] {source.stem} … {time.perf_counter() - tick:.1f} s")
        sections = side.result()
        rendered_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        (staging / "index.html").write_text(
            digest_page(loaded, as_of, pages=pages, tables=_table_files(staging), previous=None,
                        provenance=provenance, parameters=parameters, rendered_at=rendered_at,
                        sections=sections),
            encoding="utf-8",
        )
        (staging / REPORT_INFO).write_text(json.dumps(
            {"corpus_path": corpus_path, "as_of": as_of.isoformat(),
             "corpus_fingerprint": provenance["corpus fingerprint (sha256)"]}, indent=2) + "\n", encoding="utf-8")
        _move_into_place(staging, final)
    say(f"report written to {final} ({len(sources)} notebooks, {time.perf_counter() - started:.1f} s)")
    return final


def _beside_the_notebooks(loaded: Corpus, as_of: dt.date, staging: Path, previous: Path | None) -> str:
    """The report's work that needs no notebook: CSV copies of the tables, the state, the digest."""
    loaded.export(staging / TABLES / "corpus", format="csv")
    report_state(loaded, as_of).write(staging / STATE)
    earlier = (previous.name, ReportState.read(previous / STATE)) if previous is not None else None
    return digest_sections(loaded, as_of, earlier)


def _report_day(as_of: dt.date | str | None) -> dt.date:
    """The report's date: today by default, a ``YYYY-MM-DD`` string parsed, a date as it is."""
    if as_of is None:
        from .corpus import today

        return today()
    if isinstance(as_of, str):
        return parse_as_of(as_of)
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise ReportError(f"as_of must be a date (YYYY-MM-DD), got {as_of!r}")
    return _within_range(as_of, as_of, "as_of")


def _within_range(day: dt.date, given: object, name: str) -> dt.date:
    """``day`` when a report may be dated so (:data:`FIRST_DAY` to :data:`LAST_DAY`); ReportError otherwise."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ReportError(f"{name} must be a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}, "
                          f"got {given!r}")
    return day


def _refuse_other_corpus(final: Path, corpus_path: str, force: bool) -> None:
    """Stop before anything runs when ``final`` holds a report of another corpus (unless ``force``)."""
    if force or not final.exists():
        return
    info = _report_info(final)
    if info is not None and info.get("corpus_path") == corpus_path:
        return  # the same corpus again: the new report replaces the old one
    held = f"a report of {info['corpus_path']}" if info is not None else "something that is not a report"
    raise ReportError(f"{final} already holds {held}; pass another --out folder, or --force to replace it")


def _previous_report(out: Path, corpus_path: str, *, before: dt.date) -> Path | None:
    """The latest report in ``out`` of the same corpus dated before ``before`` that kept its state."""
    if not out.is_dir():
        return None
    found = []
    for folder in out.iterdir():
        if not (folder.is_dir() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", folder.name)):
            continue
        info = _report_info(folder)
        if (info is not None and info.get("corpus_path") == corpus_path and folder.name < before.isoformat()
                and (folder / STATE).is_dir()):
            found.append(folder)
    return max(found, default=None)


def _report_info(folder: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((folder / REPORT_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _path_from(folder: Path, target: Path) -> str:
    """``target`` as a path relative to ``folder`` where one exists, so a report names no machine's
    absolute folders; otherwise absolute."""
    try:
        return Path(os.path.relpath(Path(target).resolve(), Path(folder).resolve())).as_posix()
    except ValueError:  # another drive
        return Path(target).resolve().as_posix()


def _table_files(staging: Path) -> list[str]:
    """The full tables written beside the report, as paths relative to it."""
    folder = staging / TABLES
    return sorted(p.relative_to(staging).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.suffix in (".csv", ".parquet"))


def refresh_notebooks(notebooks: Path | None = None, *, progress: Progress | None = print) -> list[Path]:
    """Re-run every ``NN_*.ipynb`` in place with its own parameters; return the notebooks run.

    This refreshes the outputs stored in the repository (which ``pytest --nbval`` compares) after
    the pipeline or the bundled corpus changed; per-run metadata is stripped as in a report. A
    failing notebook raises :class:`~reex_research.errors.NotebookExecutionError` and is left as
    it was.
    """
    import nbformat

    sources = find_notebooks(Path(notebooks) if notebooks is not None else default_notebooks())
    say = progress or (lambda _line: None)
    _warm_up_matplotlib()
    for number, source in enumerate(sources, start=1):
        tick = time.perf_counter()
        with _sigterm_exits(), tempfile.TemporaryDirectory(prefix=".refresh-", dir=source.parent) as scratch:
            target = Path(scratch) / source.name
            _execute(source, target, None, cwd=source.parent)
            nb = clean_notebook(nbformat.read(target, as_version=4))
            nb.metadata.pop("papermill", None)
            nbformat.write(nb, source)
        say(f"[{number}/{len(sources)}] {source.stem} … {time.perf_counter() - tick:.1f} s")
    return sources


def clean_notebook(nb: Any) -> Any:
    """Remove per-run metadata (timings, temporary paths, timestamps, random ids) from ``nb`` in place; return it."""
    papermill = nb.metadata.get("papermill")
    if isinstance(papermill, dict):
        for key in VOLATILE_PAPERMILL_METADATA:
            papermill.pop(key, None)
    for index, cell in enumerate(nb.cells):
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = f"injected-parameters-{index}"  # papermill gives it a random id
        for output in cell.get("outputs", ()):
            if isinstance(output.get("metadata"), dict):
                output["metadata"].pop("execution", None)
    return nb


# ------------------------------------------------------------------------------------- helpers


def _run(source: Path, staging: Path, parameters: Mapping[str, Any]) -> str:
    """Execute ``source`` into ``staging`` and export it to HTML; return the page title."""
    import nbformat

    target = staging / source.name
    _execute(source, target, parameters, cwd=staging)
    nb = clean_notebook(nbformat.read(target, as_version=4))
    title = _title(nb, source.stem)
    nb.metadata["title"] = title
    nbformat.write(nb, target)
    (staging / f"{source.stem}.html").write_text(_html(nb, title), encoding="utf-8")
    return title


def _execute(source: Path, target: Path, parameters: Mapping[str, Any] | None, *, cwd: Path) -> None:
    """Run ``source`` with papermill into ``target`` in the working folder ``cwd``; wrap failures."""
    import papermill as pm

    try:
        pm.execute_notebook(
            str(source),
            str(target),
            parameters=dict(parameters) if parameters is not None else None,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            start_timeout=START_TIMEOUT_S,
            execution_timeout=CELL_TIMEOUT_S,
        )
    except pm.PapermillExecutionError as exc:
        cell = _source_cell(target, exc.cell_index)
        raise NotebookExecutionError(
            source.name, cell, f"{exc.ename}: {exc.evalue} (In [{exc.exec_count}]; "
            f"open {source} and run it to see the traceback)"
        ) from exc
    except Exception as exc:  # kernel died, no such kernel, timeout: wrap where it enters our code
        raise NotebookExecutionError(source.name, None, f"{type(exc).__name__}: {exc}") from exc


def _html(nb: Any, title: str) -> str:
    """The notebook's outputs as one page that loads nothing from the network (:data:`PAGE_TEMPLATE`)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(raw_template=PAGE_TEMPLATE, exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _title(nb: Any, fallback: str) -> str:
    """Return the first Markdown heading of ``nb`` (without ``#``), else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip() or fallback
    return fallback


def _source_cell(executed: Path, cell_index: int | None) -> int | None:
    """Return the 1-based number of the failing cell in the source notebook (no injected cell)."""
    if cell_index is None:
        return None
    try:
        import nbformat

        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):  # the partial output may be unreadable: report papermill's index
        return cell_index + 1
    injected = sum(1 for cell in cells[:cell_index] if "injected-parameters" in cell.metadata.get("tags", []))
    return cell_index + 1 - injected


def _warm_up_matplotlib() -> None:
    """Build matplotlib's font cache here, once, so no notebook prints "building the font cache"."""
    import matplotlib.font_manager  # noqa: F401  (importing builds the cache on a fresh machine)


def _package_version() -> str:
    from .version import __version__

    return str(__version__)


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM raises SystemExit, so that the block's cleanup
    runs on the way out; the previous handler is restored afterwards. Other threads change nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # the status a shell shows for a process the signal ended


def _host() -> str:
    """This machine's name as it may appear in a folder name."""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", socket.gethostname()) or "localhost"


def _remove_stale_staging(out: Path) -> list[str]:
    """Remove the staging folders in ``out`` of report processes of this machine that are gone;
    return their names. Anything else (another machine's, a running report's, any other folder) stays."""
    if not out.is_dir():
        return []
    removed = []
    for folder in sorted(out.iterdir()):
        match = STAGING_NAME.match(folder.name)
        if (match is None or match["host"] != _host() or not folder.is_dir() or folder.is_symlink()
                or _process_alive(int(match["pid"]))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder.name)
    return removed


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine may still run (True when it cannot be told)."""
    if os.name == "nt":  # signal 0 is CTRL_C_EVENT there: no safe test without more packages
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # it runs as another user, or the number is no process id to test
        return True
    return True


@contextlib.contextmanager
def _staging(out: Path, name: str) -> Iterator[Path]:
    """Yield a fresh hidden folder inside ``out`` named after this process (:data:`STAGING_NAME`);
    remove it (and ``out`` if we made it) when the block fails or is interrupted."""
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the reports folder {out}: {exc}") from exc
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.partial-{_host()}-{os.getpid()}-", dir=out))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the report is meant to be read
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty
        raise
    finally:
        if staging.exists() and not any(staging.iterdir()):
            staging.rmdir()


def _move_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging``; the old folder is removed only once the new one is in place."""
    old: Path | None = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        old.rmdir()
        os.replace(final, old)
    try:
        os.replace(staging, final)
    except OSError as exc:
        if old is not None:
            os.replace(old, final)
        raise ReportError(f"cannot move the report into {final}: {exc}") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


__all__ = [
    "clean_notebook",
    "corpus_fingerprint",
    "default_notebooks",
    "find_notebooks",
    "kb_version",
    "parse_as_of",
    "refresh_notebooks",
    "render_report",
]
