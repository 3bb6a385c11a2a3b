"""The floor of a cold build on this machine: `python bench/floor.py CONTENT OUTPUT [HUGO_SITE]`.

A cold build must at least convert every body with Python-Markdown (the given Markdown
library) and run Pagefind over the searchable pages. This prints the CPU seconds of
each, measured here on CONTENT (a content folder) and OUTPUT (the site sitegen built
from it), and the shortest wall time the two could take together on this machine's
cores if nothing else ran and both used every core all the time: a lower bound that
leaves out the page templates, the feeds, reading and checking the front matter,
sanitising, writing the files and starting Python.

With HUGO_SITE (the public/ folder Hugo built from the same corpus, as
../shared/bench-peers/side_by_side.sh leaves it in /tmp/bench-peers/out/hugo/public),
it also runs Pagefind over Hugo's pages, so that the floor can be read against the peers'
own figures of the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import markdown

from sitegen.link.markup import EXTENSION_CONFIGS, EXTENSIONS
from sitegen.render.search import pagefind_command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("hugo", type=Path, nargs="?")
    arguments = parser.parse_args()
    bodies = _bodies(arguments.content)
    plain = _cpu(lambda: _convert(bodies, []))
    ours = _cpu(lambda: _convert(bodies, list(EXTENSIONS)))
    pagefind = _pagefind_cpu(arguments.output, "cs")
    cores = os.cpu_count() or 1
    print(f"bodies: {len(bodies)}, cores: {cores}")
    print(f"Python-Markdown, no extension:     {plain:6.2f} s CPU")
    print(f"Python-Markdown, sitegen's five:   {ours:6.2f} s CPU")
    print(f"Pagefind over sitegen's pages:     {pagefind[0]:6.2f} s CPU ({pagefind[1]:.2f} s wall)")
    if arguments.hugo:
        hugo = _pagefind_cpu(arguments.hugo, None)
        print(f"Pagefind over Hugo's pages:        {hugo[0]:6.2f} s CPU ({hugo[1]:.2f} s wall)")
    floor = (plain + pagefind[0]) / cores
    print(f"floor (no-extension Markdown and Pagefind on every core): {floor:.2f} s wall")


def _bodies(content: Path) -> list[str]:
    bodies: list[str] = []
    for path in sorted(content.rglob("*.md")):
        text = path.read_text("utf-8")
        bodies.append(text.split("---\n", 2)[2])
    return bodies


def _convert(bodies: list[str], extensions: list[str]) -> None:
    configs = {name: EXTENSION_CONFIGS[name] for name in extensions if name in EXTENSION_CONFIGS}
    renderer = markdown.Markdown(extensions=extensions, extension_configs=configs)
    for body in bodies:
        renderer.reset()
        renderer.convert(body)


def _cpu(work: object) -> float:
    start = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - start


def _pagefind_cpu(site: Path, language: str | None) -> tuple[float, float]:
    """Run Pagefind over site into a new folder; return its CPU and wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as bundle:
        command = [*pagefind_command(), "--site", str(site), "--output-path", bundle, "--silent"]
        if language:
            command += ["--force-language", language]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


if __name__ == "__main__":
    main()
