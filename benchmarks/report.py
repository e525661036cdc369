"""Benchmark ``reex-research report`` at three corpus sizes: time, peak memory, page sizes.

For the bundled five articles and for generated corpora (``generate.py``) of each size, in a fresh
process each:

* ``cold``: a report with an empty cache (the corpus is loaded once, then five notebooks run);
* ``warm``: a second report of the same corpus (the cache holds every file);

and records wall time, the peak memory of the report process (which loads the corpus) and of the
largest notebook kernel, and the size of every HTML page. Targets (2 cores): the 3,000-article
report within 3× the 5-article time and under 1.5 GB; a warm report within 1.5× the 5-article
time; every page under 3 MB at 30,000 articles.

    python benchmarks/report.py                  # 5, 3000 and 30000 articles
    python benchmarks/report.py --sizes 3000     # the generated sizes to run (5 always runs)

Results: ``benchmarks/results/report.json`` and ``benchmarks/results/report.md``; a size not run
keeps the numbers of its last run (the 5-article report always runs, as the reference).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
AS_OF = "2026-11-23"
PAGE_LIMIT_MB = 3.0
TARGET_RATIO, TARGET_WARM_RATIO, TARGET_MEMORY_MB = 3.0, 1.5, 1536.0

CHILD = """
import json, resource, sys, time
from pathlib import Path
from reex_research.reports import render_report
corpus, out, cache = (Path(a) for a in sys.argv[1:4])
started = time.perf_counter()
folder = render_report(corpus=corpus, as_of="{as_of}", out=out, cache=cache, progress=None, force=True)
seconds = time.perf_counter() - started
pages = {{p.name: p.stat().st_size for p in sorted(folder.glob("*.html"))}}
print(json.dumps({{
    "seconds": round(seconds, 2),
    "report_process_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "largest_kernel_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    "pages": pages,
}}))
"""


def measure(corpus: Path, out: Path, cache: Path) -> dict:
    """Render one report in a fresh process; its numbers."""
    code = CHILD.format(as_of=AS_OF)
    done = subprocess.run([sys.executable, "-c", code, str(corpus), str(out), str(cache)], check=True,
                          capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def corpus_of(size: int, workdir: Path) -> Path:
    """The bundled corpus for 5, else a generated corpus of ``size`` articles (kept for reuse)."""
    if size == 5:
        return ROOT / "data" / "corpus"
    folder = workdir / f"corpus-{size}"
    if not folder.is_dir():
        sys.path.insert(0, str(ROOT))
        from benchmarks.generate import generate_corpus

        generate_corpus(folder, size, seed=0)
    return folder


def run(sizes: list[int], workdir: Path) -> dict:
    """Cold and warm reports for every size; the results as one dict."""
    results: dict[str, dict] = {}
    for size in [5, *sizes]:
        corpus = corpus_of(size, workdir)
        cache = workdir / f"cache-{size}"
        out = workdir / f"reports-{size}"
        for path in (cache, out):
            subprocess.run(["rm", "-rf", str(path)], check=True)
        cold = measure(corpus, out, cache)
        warm = measure(corpus, out, cache)
        results[str(size)] = {"cold": cold, "warm": warm}
        print(f"{size:>6} articles: cold {cold['seconds']:.1f} s, warm {warm['seconds']:.1f} s, "
              f"report process {cold['report_process_mb']:.0f} MB, largest kernel "
              f"{cold['largest_kernel_mb']:.0f} MB, largest page {max(cold['pages'].values()) / 2**20:.2f} MB",
              flush=True)
    return results


def summary(results: dict) -> str:
    """The results as a Markdown table, with the targets as met or not."""
    base = results["5"]["cold"]["seconds"]
    lines = ["# Report benchmark", "",
             f"`python benchmarks/report.py`, as of {AS_OF}, {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores. Cold: empty cache; warm: a second report of the same corpus.", "",
             "| articles | cold | × 5-article | warm | × 5-article | report process | largest kernel | largest page |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, run_ in results.items():
        cold, warm = run_["cold"], run_["warm"]
        lines.append(f"| {int(size):,} | {cold['seconds']:.1f} s | {cold['seconds'] / base:.2f}× | "
                     f"{warm['seconds']:.1f} s | {warm['seconds'] / base:.2f}× | {cold['report_process_mb']:,.0f} MB | "
                     f"{cold['largest_kernel_mb']:,.0f} MB | {max(cold['pages'].values()) / 2**20:.2f} MB |")
    lines += ["", "Page sizes (cold report, MB):", "", "| articles | " + " | ".join(results["5"]["cold"]["pages"]) + " |",
              "|---:|" + "---:|" * len(results["5"]["cold"]["pages"])]
    for size, run_ in results.items():
        lines.append(f"| {int(size):,} | " + " | ".join(f"{v / 2**20:.2f}" for v in run_["cold"]["pages"].values()) + " |")
    lines += ["", "Targets:", ""]
    if "3000" in results:
        r = results["3000"]
        lines.append(f"- 3,000 articles within {TARGET_RATIO:.0f}× the 5-article time: "
                     f"{r['cold']['seconds'] / base:.2f}× — {'met' if r['cold']['seconds'] / base <= TARGET_RATIO else 'not met'}")
        lines.append(f"- 3,000 articles under {TARGET_MEMORY_MB / 1024:.1f} GB: report process "
                     f"{r['cold']['report_process_mb']:,.0f} MB, largest kernel {r['cold']['largest_kernel_mb']:,.0f} MB — "
                     f"{'met' if max(r['cold']['report_process_mb'], r['cold']['largest_kernel_mb']) < TARGET_MEMORY_MB else 'not met'}")
        lines.append(f"- a warm 3,000-article report within {TARGET_WARM_RATIO}× the 5-article time: "
                     f"{r['warm']['seconds'] / base:.2f}× — {'met' if r['warm']['seconds'] / base <= TARGET_WARM_RATIO else 'not met'}")
    largest = max(results, key=int)
    page = max(results[largest]["cold"]["pages"].values()) / 2**20
    lines.append(f"- every page under {PAGE_LIMIT_MB:.0f} MB at {int(largest):,} articles: largest {page:.2f} MB — "
                 f"{'met' if page < PAGE_LIMIT_MB else 'not met'}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``results/report.json`` and ``results/report.md``."""
    parser = argparse.ArgumentParser(description="Benchmark the report at several corpus sizes.")
    parser.add_argument("--sizes", default="3000,30000", help="generated corpus sizes (default 3000,30000)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "reex-report-bench")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = run(sizes, args.workdir)
    RESULTS.mkdir(parents=True, exist_ok=True)
    earlier = RESULTS / "report.json"
    if earlier.is_file():  # sizes not run this time keep their last numbers
        kept = json.loads(earlier.read_text(encoding="utf-8"))
        results = {**{k: v for k, v in kept.items() if k not in results}, **results}
        results = dict(sorted(results.items(), key=lambda kv: int(kv[0])))
    (RESULTS / "report.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "report.md").write_text(summary(results), encoding="utf-8")
    print(f"wrote {RESULTS / 'report.md'} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
