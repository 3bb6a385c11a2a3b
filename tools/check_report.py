"""Turn what `sitegen check` printed into a report where a press officer will look.

The publishing workflows (.github/workflows/publish.yml, .gitlab-ci.yml) keep the
check's output in a file. When the check fails, this writes its problems, each as
`soubor:řádek: …`, either as Markdown for GitHub's job summary, or as a GitLab Code
Quality report, which GitLab shows on the merge request the web editor opened:

    python tools/check_report.py check.log --markdown >> "$GITHUB_STEP_SUMMARY"
    python tools/check_report.py check.log --codequality gl-code-quality-report.json

Standard library only: it runs before anything else is installed, or after a failed
install.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^(?P<path>[^\s:]+\.[^\s:]+)(?::(?P<line>\d+))?: (?P<message>.+)$")
"""`content/news/x.md:12: title: …`, `site.yaml:3: …`, `public/x/index.html: …`."""
_WARNINGS = ("varování: ", "warning: ")
_SUMMARIES = ("Kontrola ", "Check ", "Sestavení ", "Build ", "Načteno ", "Loaded ")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem line of the check: its file, line (0: the whole file) and text."""

    path: str
    line: int
    text: str
    warning: bool


def problems_in(output: str) -> list[Problem]:
    """Return the problem and warning lines of the check's output, in its order."""
    found = []
    for raw in output.splitlines():
        warning = raw.startswith(_WARNINGS)
        line = raw.split(": ", 1)[1] if warning else raw
        match = _LINE.match(line)
        if match is None or line.startswith(_SUMMARIES):
            continue
        number = int(match["line"]) if match["line"] else 0
        found.append(Problem(match["path"], number, line, warning))
    return found


def markdown(output: str) -> str:
    """Return the job summary: the problems first, then the warnings, and what to do."""
    problems = problems_in(output)
    errors = [p.text for p in problems if not p.warning]
    warnings = [p.text for p in problems if p.warning]
    parts = ["## Kontrola webu selhala", ""]
    if errors:
        parts += ["Web se nezveřejnil. Opravte tato místa (soubor:řádek) a uložte znovu:", ""]
        parts += ["```", *errors, "```", ""]
    else:
        parts += ["Kontrola skončila chybou; celý její výpis je v záznamu úlohy.", ""]
    if warnings:
        parts += ["Upozornění (web nezastaví):", "", "```", *warnings, "```", ""]
    return "\n".join(parts)


def codequality(output: str) -> list[dict[str, object]]:
    """Return a GitLab Code Quality report of the problems and warnings."""
    report: list[dict[str, object]] = []
    for problem in problems_in(output):
        fingerprint = hashlib.sha256(problem.text.encode()).hexdigest()
        report.append(
            {
                "description": problem.text,
                "check_name": "sitegen-check",
                "fingerprint": fingerprint,
                "severity": "minor" if problem.warning else "major",
                "location": {"path": problem.path, "lines": {"begin": max(problem.line, 1)}},
            }
        )
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, help="the check's output")
    shape = parser.add_mutually_exclusive_group(required=True)
    shape.add_argument("--markdown", action="store_true", help="print a job summary")
    shape.add_argument("--codequality", type=Path, help="write a Code Quality report here")
    args = parser.parse_args(argv)
    output = args.log.read_text("utf-8", errors="replace") if args.log.exists() else ""
    if args.markdown:
        print(markdown(output))  # noqa: T201 (its output is the summary)
    else:
        args.codequality.write_text(json.dumps(codequality(output), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
