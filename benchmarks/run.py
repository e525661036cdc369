"""Time ``load_corpus`` on synthetic corpora against the trivial baseline of just reading the bytes.

For each size N (default 500, 5,000 and 50,000 articles) this script generates a corpus with
:mod:`benchmarks.generate` and measures, each in a fresh Python process so peak memory does not mix:

* ``floor``        the read floor: list the files, read them and decode them with
                   :func:`reex_research.read.decode.decode_bytes` (nothing else: the "do nothing" baseline);
* ``fresh``        ``load_corpus(root)``: no cache, default workers, every extractor on;
* ``cache_build``  ``load_corpus(root, cache=folder)`` into an empty cache folder (fresh + writing);
* ``cached``       the same call again: every file comes from the cache;
* ``incremental``  one new article file added, the same call again: one file processed.

Before the first size, the toolkit is built twice in fresh processes (:func:`prepare`): a first use
on a machine also builds the reference data actor discovery reads, a one-off cost no fresh load
should carry.

Results go to ``benchmarks/results/benchmark-<N>.json`` and ``benchmarks/results/summary.md``
(the summary covers every ``benchmark-*.json`` present). ``--profile`` runs pyinstrument on a
fresh, serial 500-article load and writes ``benchmarks/results/profile.txt``. See README.md.

    python benchmarks/run.py --quick
    python benchmarks/run.py --sizes 500,5000,50000
    python benchmarks/run.py --profile
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:  # run as a script: make `benchmarks.generate` importable, last so that
    sys.path.append(str(REPO))  # a snapshot of the package on PYTHONPATH wins over the working copy

RESULTS = HERE / "results"
DEFAULT_SIZES = (500, 5_000, 50_000)
PROFILE_SIZE = 500
TOP_HOTSPOTS = 15
TARGET_SIZE = 5_000
MEMORY_SIZE = 50_000
TARGETS = {
    "fresh_articles_per_s": 1_000.0,  # at least, for 5,000 articles
    "cached_speedup": 20.0,           # at least, for 5,000 articles
    "incremental_pct_of_fresh": 5.0,  # at most, for 5,000 articles
}


# ---------------------------------------------------------------- child side: one measurement


def child(spec: dict) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    started = time.perf_counter()
    task = spec["task"]
    if task == "setup":
        from reex_research.pipeline import build_toolkit

        import_s = time.perf_counter() - started
        rss_before = _maxrss_mb()
        t0 = time.perf_counter()
        build_toolkit()
        seconds = time.perf_counter() - t0
        out = {}
    elif task == "floor":
        from reex_research.read.decode import decode_bytes
        from reex_research.read.ingest import list_corpus_files

        import_s = time.perf_counter() - started
        rss_before = _maxrss_mb()
        t0 = time.perf_counter()
        files = list_corpus_files(Path(spec["root"]))
        size = 0
        chars = 0
        for path in files:
            data = path.read_bytes()
            size += len(data)
            chars += len(decode_bytes(data, html=path.suffix.lower() in (".html", ".htm"))[0])
        seconds = time.perf_counter() - t0
        out = {"files": len(files), "bytes": size, "chars": chars}
    elif task in ("load", "profile"):
        import reex_research as rr
        from reex_research.engine import local as local_engine

        import_s = time.perf_counter() - started
        rss_before = _maxrss_mb()
        kwargs = {"cache": spec.get("cache"), "workers": spec.get("workers")}
        processed: list[int] = []
        original = local_engine.run_files

        def run_files(tasks, *args, **kw):  # count the files really processed (not taken from the cache)
            processed.append(len(tasks))
            return original(tasks, *args, **kw)

        local_engine.run_files = run_files
        profiler = None
        if task == "profile":
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        t0 = time.perf_counter()
        corpus = rr.load_corpus(spec["root"], **kwargs)
        seconds = time.perf_counter() - t0
        if profiler is not None:
            profiler.stop()
            Path(spec["profile_out"]).write_text(_profile_report(profiler, seconds, spec), encoding="utf-8")
        problems = corpus.problems["kind"].value_counts().to_dict()
        out = {"files_processed": sum(processed) if original is not None else None,
               "toolkit_version": corpus.toolkit_version, "articles": len(corpus.articles),
               "unique_article_ids": int(corpus.articles["article_id"].nunique()),
               "sentences": len(corpus.sentences), "mentions": len(corpus.mentions), "events": len(corpus.events),
               "figures": len(corpus.figures), "problems": {str(k): int(v) for k, v in problems.items()},
               "summary": corpus.summary()}
    else:
        raise ValueError(f"unknown task {task!r}")
    cpu = os.times()
    out.update(
        task=task, seconds=seconds, import_seconds=import_s, source_digest=source_digest(),
        package=str(Path(sys.modules["reex_research"].__file__).resolve().parent)
        if "reex_research" in sys.modules else None,
        peak_rss_mb=_maxrss_mb(), rss_after_import_mb=rss_before,
        peak_rss_worker_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        cpu_seconds=cpu.user + cpu.system, cpu_seconds_workers=cpu.children_user + cpu.children_system,
    )
    return out


def source_digest() -> str:
    """A digest of the package's source files and its kb and rules data: the code a result measured."""
    import hashlib

    import reex_research

    package = Path(reex_research.__file__).resolve().parent
    digest = hashlib.sha256()
    files = [*package.rglob("*.py"), *(package.parent / "data" / "kb").glob("*"),
             *(package.parent / "data" / "rules").glob("*")]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(path.relative_to(package.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _maxrss_mb() -> float:
    """This process's RSS high-water mark in MB (Linux reports KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _profile_report(profiler, seconds: float, spec: dict) -> str:
    """Top functions by cumulative and by self time, then pyinstrument's call tree."""
    from pyinstrument.renderers import ConsoleRenderer

    session = profiler.last_session
    root = session.root_frame()
    cumulative: dict[str, float] = {}
    own: dict[str, float] = {}

    def walk(frame, stack: frozenset[str]) -> None:
        key = _frame_key(frame)
        if key is not None and not _is_own(frame):
            if key not in stack:  # recursion: count a function once per stack
                cumulative[key] = cumulative.get(key, 0.0) + frame.time
            own[key] = own.get(key, 0.0) + frame.total_self_time
            stack = stack | {key}
        for child_frame in frame.children:
            walk(child_frame, stack)

    walk(root, frozenset())
    lines = [
        f"pyinstrument profile of load_corpus on {spec['n']} synthetic articles "
        f"(workers={spec.get('workers')}, "
        f"{'reload from a warm cache' if spec.get('cache') else 'fresh: no cache'}, all extractors)",
        f"load_corpus wall time: {seconds:.2f} s; sampled: {session.duration:.2f} s; "
        f"samples: {session.sample_count}; machine: {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "Serial on purpose: with workers the parent only waits, and the work happens in processes "
        "pyinstrument does not see.",
        "",
        "Functions of this benchmark script (run.py) are left out of the tables; each function is counted "
        "once per stack, so recursion does not double count.",
        "",
        f"Top {TOP_HOTSPOTS} functions by cumulative time (time inside the function and its callees):",
    ]
    lines += _table(cumulative, seconds)
    package = {k: v for k, v in cumulative.items() if "reex_research/" in k}
    lines += ["", f"Top {2 * TOP_HOTSPOTS} reex_research functions by cumulative time:"]
    lines += _table(package, seconds, 2 * TOP_HOTSPOTS)
    lines += ["", f"Top {2 * TOP_HOTSPOTS} functions by self time (time in the function's own code):"]
    lines += _table(own, seconds, 2 * TOP_HOTSPOTS)
    lines += ["", "Call tree:", ""]
    lines.append(ConsoleRenderer(unicode=False, color=False, show_all=False, short_mode=False).render(session))
    return "\n".join(lines) + "\n"


def _frame_key(frame) -> str | None:
    if frame.is_synthetic or not frame.function:
        return None
    return f"{frame.function}  ({frame.file_path_short}:{frame.line_no})"


def _is_own(frame) -> bool:
    """True for frames of this script (the child wrapper), which are not the package's cost."""
    return bool(frame.file_path) and Path(frame.file_path).name == Path(__file__).name and \
        Path(frame.file_path).resolve() == Path(__file__).resolve()


def _table(values: dict[str, float], total: float, top_n: int = TOP_HOTSPOTS) -> list[str]:
    top = sorted(values.items(), key=lambda kv: kv[1], reverse=True)[:top_n]
    rows = [f"  {'rank':>4}  {'seconds':>8}  {'% wall':>6}  function (file:line)"]
    for rank, (key, value) in enumerate(top, start=1):
        rows.append(f"  {rank:>4}  {value:8.2f}  {100 * value / total if total else 0:6.1f}  {key}")
    return rows


# ---------------------------------------------------------------- parent side


def run_child(spec: dict, *, timeout: float) -> dict:
    """Run ``child(spec)`` in a new Python process; return its numbers plus the load average."""
    load_before = os.getloadavg()
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as handle:
        out_path = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec), "--child-out",
               str(out_path)]
    env = dict(os.environ)
    if SNAPSHOT["path"]:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [SNAPSHOT["path"], env.get("PYTHONPATH")]))
        env.pop("REEX_DATA_DIR", None)  # the snapshot's data/ beside its package
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True, env=env)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the child and its worker processes
        process.wait()
        out_path.unlink(missing_ok=True)
        raise TimeoutError(f"{spec['task']} on {spec.get('root')} took longer than {timeout:.0f} s") from None
    try:
        if code != 0:
            raise RuntimeError(f"benchmark child failed (exit {code}): {spec}")
        result = json.loads(out_path.read_text(encoding="utf-8"))
    finally:
        out_path.unlink(missing_ok=True)
    result["loadavg_before"] = [round(x, 2) for x in load_before]
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


SNAPSHOT: dict[str, str | None] = {"path": None}


def take_snapshot(workdir: Path) -> Path:
    """Copy reex_research/ and data/ as they are now, so every measurement runs the same code.

    Other people edit the working copy while benchmarks run; without a snapshot one size's fresh and
    cached loads can measure different code (and a changed rule file empties the cache).
    """
    folder = workdir / "snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "reex_research", folder / "reex_research", ignore=ignore)
    shutil.copytree(REPO / "data", folder / "data", ignore=ignore)
    (folder / "snapshot.json").write_text(json.dumps({**code_state(), "taken": dt.datetime.now().isoformat(
        timespec="seconds")}, indent=2), encoding="utf-8")
    SNAPSHOT["path"] = str(folder)
    return folder


def ensure_corpus(workdir: Path, n: int, seed: int) -> tuple[Path, float | None]:
    """The generated corpus of ``n`` articles (reused when already there); and generation seconds."""
    from benchmarks.generate import MANIFEST, generate_corpus, read_manifest

    root = workdir / f"corpus-{n}-seed{seed}"
    shutil.rmtree(root / "extra", ignore_errors=True)  # left over from an interrupted run
    if (root / MANIFEST).exists():
        manifest = read_manifest(root)
        if manifest.get("n") == n and manifest.get("seed") == seed:
            return root, None
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    generate_corpus(root, n, seed)
    return root, time.perf_counter() - t0


STEPS = ("floor", "fresh", "cache")  # cache = cache build, cached reload, one-file update


def bench_size(n: int, *, seed: int, workdir: Path, repeat: int, timeout: float, workers: int | None,
               steps: tuple[str, ...] = STEPS) -> dict:
    """Every measurement for one corpus size; the result dict written to benchmark-<n>.json."""
    from benchmarks.generate import add_article, read_manifest

    root, gen_seconds = ensure_corpus(workdir, n, seed)
    manifest = read_manifest(root)
    cache = workdir / f"cache-{n}-seed{seed}"
    shutil.rmtree(cache, ignore_errors=True)
    runs: dict[str, list[dict]] = {"floor": [], "fresh": [], "cache_build": [], "cached": [], "incremental": []}
    base = {"root": str(root), "workers": workers}
    say = lambda text: print(f"[N={n}] {text}", flush=True)  # noqa: E731
    say(f"corpus {root} ({manifest['files']} files, {manifest['bytes'] / 1e6:.1f} MB)"
        + (f", generated in {gen_seconds:.1f} s" if gen_seconds is not None else ", reused"))
    try:
        for _ in range(repeat if "floor" in steps else 0):
            runs["floor"].append(run_child({**base, "task": "floor"}, timeout=timeout))
            say(f"read floor {runs['floor'][-1]['seconds']:.2f} s")
        for _ in range(repeat if "fresh" in steps else 0):
            runs["fresh"].append(run_child({**base, "task": "load"}, timeout=timeout))
            say(f"fresh load {runs['fresh'][-1]['seconds']:.2f} s, peak RSS {runs['fresh'][-1]['peak_rss_mb']:.0f} MB")
        extra = n
        for _ in range(repeat if "cache" in steps else 0):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(root / "extra", ignore_errors=True)
            runs["cache_build"].append(run_child({**base, "task": "load", "cache": str(cache)}, timeout=timeout))
            say(f"cache build {runs['cache_build'][-1]['seconds']:.2f} s")
            runs["cached"].append(run_child({**base, "task": "load", "cache": str(cache)}, timeout=timeout))
            say(f"cached reload {runs['cached'][-1]['seconds']:.2f} s")
            added = add_article(root, extra, seed)
            extra += 1
            result = run_child({**base, "task": "load", "cache": str(cache)}, timeout=timeout)
            result["added_file"] = added.relative_to(root).as_posix()
            runs["incremental"].append(result)
            say(f"one-file update {result['seconds']:.2f} s")
    finally:
        shutil.rmtree(root / "extra", ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return summarise(n, seed, manifest, runs, gen_seconds, workers)


def summarise(n: int, seed: int, manifest: dict, runs: dict[str, list[dict]], gen_seconds: float | None,
              workers: int | None) -> dict:
    """Medians of the runs and the derived rates and ratios (None where a step was not run)."""
    med = {name: statistics.median(r["seconds"] for r in rs) if rs else None for name, rs in runs.items()}
    mb = manifest["bytes"] / 1e6

    def ratio(a: float | None, b: float | None, scale: float = 1.0) -> float | None:
        return None if a is None or b is None or not b else scale * a / b

    first = {name: rs[0] if rs else None for name, rs in runs.items()}
    loaded = []
    if first["fresh"]:
        f = first["fresh"]
        loaded.append(f["articles"] == n and f["unique_article_ids"] == n and not f["problems"])
    if first["cached"]:
        loaded.append(first["cached"]["articles"] == n and not first["cached"]["problems"])

    if first["incremental"]:
        loaded.append(first["incremental"]["articles"] == n + 1 and not first["incremental"]["problems"])
    checks = {
        "articles": {name: r["articles"] for name, r in first.items() if r and "articles" in r},
        "unique_article_ids": {name: r["unique_article_ids"] for name, r in first.items()
                               if r and "unique_article_ids" in r},
        "problems": {name: r["problems"] for name, r in first.items() if r and "problems" in r},
        "source_digests": sorted({r["source_digest"] for rs in runs.values() for r in rs}),
        "files_processed": {name: [r.get("files_processed") for r in rs] for name, rs in runs.items()
                            if rs and name != "floor"},
        "cache_worked": (all(r.get("files_processed") == 0 for r in runs["cached"])
                         and all(r.get("files_processed") == 1 for r in runs["incremental"]))
        if runs["cached"] else None,
        "all_loaded": all(loaded) if loaded else None,
    }
    derived = {
        "floor_articles_per_s": ratio(n, med["floor"]), "floor_mb_per_s": ratio(mb, med["floor"]),
        "fresh_articles_per_s": ratio(n, med["fresh"]), "fresh_mb_per_s": ratio(mb, med["fresh"]),
        "fresh_over_floor": ratio(med["fresh"], med["floor"]),
        "cache_build_over_fresh": ratio(med["cache_build"], med["fresh"]),
        "cached_speedup": ratio(med["fresh"], med["cached"]),
        "incremental_pct_of_fresh": ratio(med["incremental"], med["fresh"], 100.0),
        "peak_rss_mb": {name: max(r["peak_rss_mb"] for r in rs) for name, rs in runs.items() if rs},
        "peak_rss_worker_mb": {name: max(r["peak_rss_worker_mb"] for r in rs) for name, rs in runs.items() if rs},
    }
    return {
        "n": n, "seed": seed, "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(), "workers": workers if workers is not None else "default",
        "corpus": {**manifest, "mb": mb, "generation_seconds": gen_seconds},
        "median_seconds": med, "derived": derived, "checks": checks, "runs": runs,
    }


def code_state() -> dict:
    """The git commit and the uncommitted files of reex_research/ and data/ right now."""
    dirty = _git("status", "--porcelain", "--", "reex_research", "data")
    return {"git_commit": _git("rev-parse", "--short", "HEAD"), "reex_research_uncommitted_changes": bool(dirty),
            "uncommitted": dirty.splitlines()}


def machine() -> dict:
    """What the numbers were measured on (the code state as of the snapshot, if one was measured)."""
    import reex_research

    state = code_state()
    if SNAPSHOT["path"]:
        recorded = Path(SNAPSHOT["path"]) / "snapshot.json"
        state = json.loads(recorded.read_text(encoding="utf-8")) if recorded.exists() else {}
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "reex_research": getattr(reex_research, "__version__", "?"), **state, "snapshot": SNAPSHOT["path"]}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# ---------------------------------------------------------------- summary


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "—" if value is None else format(value, spec) + suffix


def write_summary(results_dir: Path) -> Path:
    """Write summary.md from every benchmark-<N>.json in ``results_dir``."""
    results = sorted((json.loads(p.read_text(encoding="utf-8")) for p in results_dir.glob("benchmark-*.json")),
                     key=lambda r: r["n"])
    lines = ["# reex-research load benchmarks", "",
             "Generated by `python benchmarks/run.py`; what each column means: `benchmarks/README.md`. "
             "Times are medians over the runs, in seconds; each measurement ran in a fresh process; "
             "— means not measured. MB = 10^6 bytes of corpus files.", ""]
    if not results:
        lines.append("No results yet.")
    else:
        lines += [
            "| articles | files | MB | read floor s (art/s, MB/s) | fresh load s | fresh art/s | fresh MB/s "
            "| fresh ÷ floor | fresh CPU s: parent + workers (ms/article) "
            "| cache build s | cached reload s | cached speed-up | +1 file s | +1 file % of fresh "
            "| peak RSS fresh MB (largest worker) | peak RSS cached MB | runs | load avg (1 min) | all loaded "
            "| cache hit |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
        ]
        for r in results:
            m, d = r["median_seconds"], r["derived"]
            loads = [x["loadavg_before"][0] for rs in r["runs"].values() for x in rs]
            rss, worker = d["peak_rss_mb"], d["peak_rss_worker_mb"]
            floor = ("—" if m["floor"] is None else
                     f"{m['floor']:.2f} ({d['floor_articles_per_s']:,.0f}, {d['floor_mb_per_s']:.0f})")
            fresh_runs = r["runs"]["fresh"]
            cpu = "—"
            if fresh_runs:
                parent = statistics.median(x["cpu_seconds"] for x in fresh_runs)
                workers = statistics.median(x["cpu_seconds_workers"] for x in fresh_runs)
                total = statistics.median(x["cpu_seconds"] + x["cpu_seconds_workers"] for x in fresh_runs)
                cpu = f"{parent:.1f} + {workers:.1f} ({1000 * total / r['n']:.1f})"
            fresh_rss = ("—" if "fresh" not in rss else f"{rss['fresh']:,.0f} ({worker['fresh']:,.0f})")
            loaded = {True: "yes", False: "**NO**", None: "—"}[r["checks"]["all_loaded"]]
            cache_hit = {True: "yes", False: "**NO**", None: "—"}[r["checks"].get("cache_worked")]
            lines.append(
                f"| {r['n']:,} | {r['corpus']['files']:,} | {r['corpus']['mb']:.1f} | {floor} "
                f"| {_fmt(m['fresh'], '.2f')} | {_fmt(d['fresh_articles_per_s'], ',.0f')} "
                f"| {_fmt(d['fresh_mb_per_s'], '.2f')} | {_fmt(d['fresh_over_floor'], ',.0f', '×')} | {cpu} "
                f"| {_fmt(m['cache_build'], '.2f')} | {_fmt(m['cached'], '.2f')} "
                f"| {_fmt(d['cached_speedup'], '.1f', '×')} | {_fmt(m['incremental'], '.2f')} "
                f"| {_fmt(d['incremental_pct_of_fresh'], '.1f', '%')} | {fresh_rss} "
                f"| {_fmt(rss.get('cached'), ',.0f')} | {max(len(rs) for rs in r['runs'].values())} "
                f"| {_fmt(min(loads) if loads else None, '.1f')}–{_fmt(max(loads) if loads else None, '.1f')} "
                f"| {loaded} | {cache_hit} |")
        lines += ["", *targets_section(results), "", *machine_section(results)]
    path = results_dir / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def targets_section(results: list[dict]) -> list[str]:
    """Targets as met / not met, with the measured value; not measured is said so."""
    by_n = {r["n"]: r for r in results}
    target = by_n.get(TARGET_SIZE)
    lines = ["## Targets", "", f"Measured on {TARGET_SIZE:,} articles, all extractors on, this machine "
             f"({os.cpu_count()} CPUs). Status is computed from the medians above, no allowance for noise.", "",
             "| target | measured | status |", "|---|---:|---|"]

    def row(label: str, value: float | None, fmt: str, ok: bool | None) -> str:
        shown = "not measured" if value is None else fmt.format(value)
        status = "not measured" if ok is None else ("met" if ok else "**not met**")
        return f"| {label} | {shown} | {status} |"

    d = target["derived"] if target else {}
    rate = d.get("fresh_articles_per_s")
    speed = d.get("cached_speedup")
    pct = d.get("incremental_pct_of_fresh")
    lines.append(row(f"fresh load ≥ {TARGETS['fresh_articles_per_s']:,.0f} articles/s", rate, "{:,.0f} articles/s",
                     None if rate is None else rate >= TARGETS["fresh_articles_per_s"]))
    lines.append(row(f"cached reload ≥ {TARGETS['cached_speedup']:.0f}× faster than fresh", speed, "{:.1f}×",
                     None if speed is None else speed >= TARGETS["cached_speedup"]))
    lines.append(row(f"adding one file ≤ {TARGETS['incremental_pct_of_fresh']:.0f}% of a fresh load", pct,
                     "{:.1f}%", None if pct is None else pct <= TARGETS["incremental_pct_of_fresh"]))
    big = by_n.get(MEMORY_SIZE)
    rss = big["derived"]["peak_rss_mb"] if big else {}
    peak = rss.get("fresh")
    shown = (None if peak is None else
             f"{peak:,.0f} MB (largest worker {big['derived']['peak_rss_worker_mb']['fresh']:,.0f} MB)")
    lines.append(f"| peak memory reported for {MEMORY_SIZE:,} articles (fresh load) | {shown or 'not measured'} "
                 f"| {'met (reported)' if peak is not None else 'not measured'} |")
    return lines


def machine_section(results: list[dict]) -> list[str]:
    lines = ["## Runs", ""]
    for r in results:
        m = r["machine"]
        lines.append(f"- N={r['n']:,}: {r['when']}, seed {r['seed']}, workers {r['workers']}, {m['cpus']} CPUs, "
                     f"Python {m['python']}, reex-research {m['reex_research']} at {m.get('git_commit') or '?'}"
                     + (" with uncommitted changes in reex_research/ or data/"
                        if m.get("reex_research_uncommitted_changes")
                        else "") + f"; package source digest {', '.join(r['checks']['source_digests'])}"
                     + (" (the code changed between measurements!)" if len(r["checks"]["source_digests"]) > 1
                        else "")
                     + ("; measured a snapshot taken at the start" if m.get("snapshot") else "; measured the live "
                        "working copy")
                     + (f"; toolkit built in {r['setup']['first_seconds']:.2f} s, then {r['setup']['seconds']:.2f} s"
                        if r.get("setup") else "") + ".")
    lines += ["", "Fresh CPU: CPU seconds (user + system) of the loading process and of its worker processes; "
              "unlike wall time it hardly depends on what else runs on the machine.",
              "", "Toolkit built: before measuring, the toolkit is built twice in fresh processes. The first "
              "build on a machine also builds the reference data actor discovery reads (gazetteer, given names) "
              "into the user cache folder, once; every load, fresh ones included, then reads it.",
              "", "All loaded: the fresh, cached and one-file loads gave N, N and N+1 articles with unique ids "
              "and no problems. Cache hit: the cached reload processed no file and the one-file update exactly one.",
              "", "The load average column is the 1-minute load average before each measurement; above "
              f"{os.cpu_count()} means other processes competed for the CPUs and the times are inflated."]
    return lines


# ---------------------------------------------------------------- profile


def profile(*, seed: int, workdir: Path, timeout: float, results_dir: Path) -> Path:
    """pyinstrument on a fresh serial load of PROFILE_SIZE articles (profile.txt), then on a cached
    reload of it (profile-cached.txt)."""
    import importlib.util

    if importlib.util.find_spec("pyinstrument") is None:
        raise SystemExit("pyinstrument is not installed: pip install pyinstrument (or pip install -e .[bench])")
    root, _ = ensure_corpus(workdir, PROFILE_SIZE, seed)
    out = results_dir / "profile.txt"
    result = run_child({"task": "profile", "root": str(root), "workers": 1, "n": PROFILE_SIZE,
                        "profile_out": str(out)}, timeout=timeout)
    print(f"profiled a fresh serial load of {PROFILE_SIZE} articles: {result['seconds']:.2f} s; wrote {out}")
    # The cached reload too: what is left when nothing is processed.
    cache = workdir / f"cache-profile-{PROFILE_SIZE}-seed{seed}"
    shutil.rmtree(cache, ignore_errors=True)
    try:
        run_child({"task": "load", "root": str(root), "cache": str(cache)}, timeout=timeout)
        cached_out = results_dir / "profile-cached.txt"
        result = run_child({"task": "profile", "root": str(root), "workers": 1, "n": PROFILE_SIZE,
                            "cache": str(cache), "profile_out": str(cached_out)}, timeout=timeout)
        print(f"profiled a cached reload of {PROFILE_SIZE} articles: {result['seconds']:.2f} s; wrote {cached_out}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return out


def prepare(*, timeout: float) -> dict:
    """Build the toolkit twice, each in a fresh process, before anything is measured.

    The first build on a machine (or after a data package is upgraded) also builds the reference
    data discovery reads (gazetteer and given names) and keeps it in the user cache folder; every
    later load only reads it. Without this step the first fresh load would carry that one-off cost.
    Both times are kept: ``first_seconds`` is what a first use pays, ``seconds`` what every load pays.
    """
    first = run_child({"task": "setup"}, timeout=timeout)
    again = run_child({"task": "setup"}, timeout=timeout)
    print(f"[setup] toolkit built in {first['seconds']:.2f} s, then {again['seconds']:.2f} s "
          "(a first use on a machine also builds the reference data)", flush=True)
    return {"first_seconds": first["seconds"], "seconds": again["seconds"]}


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmarks and write the results."""
    parser = argparse.ArgumentParser(description="Benchmark load_corpus on synthetic corpora.")
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES),
                        help="comma-separated corpus sizes (default 500,5000,50000)")
    parser.add_argument("--quick", action="store_true", help="500 articles only")
    parser.add_argument("--profile", action="store_true",
                        help=f"only profile a fresh {PROFILE_SIZE}-article load with pyinstrument (profile.txt)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is reported")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help="which measurements: floor, fresh, cache (cache build + cached reload + one-file "
                             "update); default all")
    parser.add_argument("--workers", type=int, default=None, help="workers for load_corpus (default: its own)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "reex-bench",
                        help="where generated corpora and caches live (default: $TMPDIR/reex-bench; "
                             "corpora are reused between runs)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="results folder (default benchmarks/results)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before one measurement is killed")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="measure the working copy as it is at each measurement instead of a copy of "
                             "reex_research/ and data/ taken at the start")
    parser.add_argument("--reuse-snapshot", action="store_true",
                        help="measure the snapshot an earlier run left in --workdir (same code across runs)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = child(json.loads(args.child))
        Path(args.child_out).write_text(json.dumps(result), encoding="utf-8")
        return 0

    args.results.mkdir(parents=True, exist_ok=True)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.reuse_snapshot and (args.workdir / "snapshot" / "reex_research").is_dir():
        SNAPSHOT["path"] = str(args.workdir / "snapshot")
        print(f"measuring the snapshot taken by an earlier run: {SNAPSHOT['path']}", flush=True)
    elif not args.no_snapshot:
        print(f"measuring a snapshot of reex_research/ and data/: {take_snapshot(args.workdir)}", flush=True)
    if args.profile:
        profile(seed=args.seed, workdir=args.workdir, timeout=args.timeout, results_dir=args.results)
        return 0
    steps = tuple(step.strip() for step in args.steps.split(",") if step.strip())
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps {', '.join(sorted(unknown))}; choose from {', '.join(STEPS)}")
    sizes = [500] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    setup = prepare(timeout=args.timeout) if {"fresh", "cache"} & set(steps) else None
    for n in sizes:
        result = bench_size(n, seed=args.seed, workdir=args.workdir, repeat=max(1, args.repeat),
                            timeout=args.timeout, workers=args.workers, steps=steps)
        result["setup"] = setup
        path = args.results / f"benchmark-{n}.json"
        path.write_text(json.dumps(result, indent=2), encoding="utf-8")
        d = result["derived"]
        print(f"[N={n}] fresh {_fmt(d['fresh_articles_per_s'], ',.0f')} articles/s "
              f"({_fmt(d['fresh_mb_per_s'], '.2f')} MB/s), {_fmt(d['fresh_over_floor'], ',.0f')}× the read floor; "
              f"cached {_fmt(d['cached_speedup'], '.1f')}× faster; "
              f"+1 file {_fmt(d['incremental_pct_of_fresh'], '.1f')}% of fresh; "
              f"peak RSS {_fmt(d['peak_rss_mb'].get('fresh'), ',.0f')} MB"
              + ("; WARNING: not every article loaded cleanly, see checks"
                 if result["checks"]["all_loaded"] is False else ""), flush=True)
        write_summary(args.results)
    print(f"wrote {write_summary(args.results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
