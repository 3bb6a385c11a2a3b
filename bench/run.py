"""Time full builds of synthetic sites: `python bench/run.py 1000 10000`.

Each build runs in a fresh process (so its peak memory is its own) with a fixed
SOURCE_DATE_EPOCH; the table gives pages, files, seconds, pages per second and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus
from sitegen.config import BuildOptions, build_time
from sitegen.pipeline import build

EPOCH = "1795000000"


def child(site: str, output: str) -> None:
    """Build site into output in this process and print the figures as JSON."""
    started = time.perf_counter()
    report = build(
        BuildOptions(
            Path(site), Path(site) / "content", Path(output), None, False, build_time(os.environ)
        )
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"pages": report.pages, "files": report.files, "seconds": seconds, "peak_mb": peak_mb}
        )
    )


def measure(items: int, workdir: Path) -> dict[str, float]:
    """Generate a corpus of items news items and build it in a fresh process."""
    site = write_corpus(workdir / f"site-{items}", items)
    output = workdir / f"public-{items}"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(site), str(output)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["items"] = items
    return figures


def main() -> None:
    """Run the benchmark for each size given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--child", nargs=2, metavar=("SITE", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(
        f"{'news items':>10} {'pages':>7} {'files':>7} {'seconds':>8} {'pages/s':>8} {'peak MB':>8}"
    )
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        for items in args.sizes:
            f = measure(items, Path(tmp))
            print(
                f"{items:>10} {f['pages']:>7.0f} {f['files']:>7.0f} {f['seconds']:>8.2f} "
                f"{f['pages'] / f['seconds']:>8.0f} {f['peak_mb']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
