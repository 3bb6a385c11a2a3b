"""Time builds of synthetic sites: `python bench/run.py 1000 10000 [--runs 3]`.

For each size it measures, as the median of --runs runs:
- cold: no cache and no previous output;
- warm: nothing changed since the last build;
- one edit: one news item's text changed;
- serve: the rebuild `sitegen serve` runs after one edit (drafts shown, no search index),
  in a process that has built the site once before, as the preview's does.
Each build runs in a fresh process with a fixed SOURCE_DATE_EPOCH, so its peak memory is
its own: "peak MB" is the build process, "helper MB" its largest worker or Pagefind
(their maximum resident sizes, which count twice the memory a forked worker shares
with the build), and "total MB" the most the build and all its workers and Pagefind
processes used together, sampled every 100 ms as the sum of their proportional set
sizes (Linux's Pss: memory shared by processes is split between them).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus
from sitegen.base.config import BuildOptions, build_time
from sitegen.base.options import CACHE_FOLDER
from sitegen.engine.memory import Memory
from sitegen.engine.pipeline import build

EPOCH = "1795000000"
KINDS = ("cold", "warm", "one edit", "serve")
EDITED = "content/news/2008-01-23-zprava-0.md"


class TreeMemory:
    """The most memory this process and its descendants used together (Pss, in MB)."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._measure()  # a build shorter than one interval is measured at its end

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self._measure()

    def _measure(self) -> None:
        self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(os.getpid())))


def _tree(pid: int) -> list[int]:
    """Return pid and all its descendants."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child_pid in children:
            found += _tree(int(child_pid))
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def child(site: str, output: str, serve: bool) -> None:
    """Build site into output in this process and print the figures as JSON."""
    options = BuildOptions(
        Path(site), Path(site) / "content", Path(output), None, serve, build_time(os.environ)
    )
    memory = None
    if serve:
        # As the preview does: one process that has built the site once, then a save.
        options = dataclasses.replace(options, search=False)
        memory = Memory()
        build(options, memory=memory)
        edit(Path(site), int(time.time()))
    started = time.perf_counter()
    with TreeMemory() as together:
        report = build(options, memory=memory)
    seconds = time.perf_counter() - started
    figures = {
        "pages": report.pages,
        "written": report.written,
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "helper_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "total_mb": together.peak_mb,
    }
    print(json.dumps(figures))


def run_build(site: Path, output: Path, *, serve: bool = False) -> dict[str, float]:
    """Build site into output in a fresh process; return its figures."""
    args = [sys.executable, __file__, "--child", str(site), str(output)]
    result = subprocess.run(
        [*args, *(["--serve"] if serve else [])],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def edit(site: Path, run: int) -> None:
    """Change the text of one news item."""
    path = site / EDITED
    path.write_text(path.read_text("utf-8") + f"\nDoplněno podruhé číslo {run}.\n", "utf-8")


def measure(items: int, workdir: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    """Return the figures of every run of every kind for a corpus of items news items."""
    site = write_corpus(workdir / f"site-{items}", items)
    output = workdir / f"public-{items}"
    results: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    for _ in range(runs):
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(site / CACHE_FOLDER, ignore_errors=True)
        results["cold"].append(run_build(site, output))
    for _ in range(runs):
        results["warm"].append(run_build(site, output))
    for run in range(runs):
        edit(site, run)
        results["one edit"].append(run_build(site, output))
    serve_output = workdir / f"serve-{items}"
    run_build(site, serve_output, serve=True)
    for _ in range(runs):
        results["serve"].append(run_build(site, serve_output, serve=True))
    return results


def median(runs: list[dict[str, float]], key: str) -> float:
    """Return the median of one figure over runs."""
    return statistics.median(run[key] for run in runs)


def main() -> None:
    """Run the benchmark for each size given on the command line and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--child", nargs=2, metavar=("SITE", "OUTPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.serve)
        return
    print(f"Medians of {args.runs} runs on {os.cpu_count()} cores.")
    header = (
        "items",
        "build",
        "pages",
        "seconds",
        "pages/s",
        "rewritten",
        "peak MB",
        "helper MB",
        "total MB",
    )
    print(f"{header[0]:>6} {header[1]:<9}" + "".join(f"{h:>10}" for h in header[2:]))
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        for items in args.sizes:
            for kind, runs in measure(items, Path(tmp), args.runs).items():
                seconds = median(runs, "seconds")
                pages = median(runs, "pages")
                print(
                    f"{items:>6} {kind:<9}{pages:>10.0f}{seconds:>10.2f}"
                    f"{pages / seconds:>10.0f}{median(runs, 'written'):>10.0f}"
                    f"{median(runs, 'peak_mb'):>10.0f}{median(runs, 'helper_mb'):>10.0f}"
                    f"{median(runs, 'total_mb'):>10.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
