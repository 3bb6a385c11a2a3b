"""The preview's builds: each build with drafts into the preview folder, its report on
the terminal, and the problems of the last one that failed.

A failing build leaves the last good site in place; its problems are kept until a
build succeeds (pages.py shows them over every page).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

from sitegen.base.config import BuildOptions
from sitegen.base.errors import ContentError, Problem, SitegenError
from sitegen.base.i18n import _, decimal
from sitegen.engine.memory import Memory
from sitegen.engine.pipeline import BuildReport, build


def _print_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclasses.dataclass(slots=True)
class Preview:
    """The preview's state: where it builds, and the problems of the last failed build."""

    options: BuildOptions
    problems: list[str] = dataclasses.field(default_factory=list)
    warnings: list[Problem] = dataclasses.field(default_factory=list)
    """What the last good builds found wrong with drafts (a broken link, say): the site
    builds, but each becomes an error once its draft is published."""
    builds: int = 0
    """Builds finished, good or not."""
    good_builds: int = 0
    log: Callable[[str], None] = _print_line
    memory: Memory = dataclasses.field(default_factory=Memory)
    """Entries parsed by earlier builds: a save re-reads only the files that changed."""
    search_stale: bool = False
    """The last build left the search index behind its pages (refresh_search catches up)."""

    def rebuild(self) -> BuildReport | None:
        """Build again; on failure keep the last good site and remember the problems."""
        try:
            report = build(self.options, memory=self.memory)
        except ContentError as error:
            self._fail([str(problem) for problem in error.problems])
            return None
        except SitegenError as error:
            self._fail([f"sitegen: {error}"])  # already in the user's language
            return None
        self.problems = []
        self.builds += 1
        self.good_builds += 1
        # Later builds leave the search index as it is, so that a save shows at once;
        # refresh_search brings the changed shards up to date when the author pauses.
        self.options = dataclasses.replace(self.options, search=False)
        self.search_stale = report.search_stale
        done = (
            _("Built: {written} files written, {rendered} pages rendered in {seconds} s")
            if self.good_builds == 1
            else _("Rebuilt: {written} files written, {rendered} pages rendered in {seconds} s")
        )
        self.log(
            done.format(
                written=report.written,
                rendered=report.pages_rendered,
                seconds=decimal(report.seconds, 2),
            )
        )
        for note in report.warnings:
            self.log(_("warning: {warning}").format(warning=note))
        self._keep_warnings(report)
        return report

    def _keep_warnings(self, report: BuildReport) -> None:
        """Take the drafts' warnings of a build that loaded the site; after a quick
        build, drop those of the texts it rendered again (they have none now)."""
        if report.site is not None:
            self.warnings = sorted(report.site.draft_warnings)
            for warning in self.warnings:
                self.log(_("warning: {warning}").format(warning=warning))
        else:
            self.warnings = [item for item in self.warnings if item.path not in report.texts]

    def refresh_search(self) -> None:
        """Index the search shards whose pages changed since they were indexed."""
        self.search_stale = False
        try:
            options = dataclasses.replace(self.options, search=True, compact_in_background=True)
            report = build(options, memory=self.memory)
        except SitegenError:
            return  # the next save builds again, and reports the problem
        self.search_stale = report.search_stale
        self.log(
            _("Search index updated in {seconds} s").format(seconds=decimal(report.seconds, 2))
        )

    def _fail(self, problems: list[str]) -> None:
        self.problems = problems
        self.builds += 1
        for line in problems:
            self.log(line)
        if self.good_builds:
            self.log(_("Build failed; still serving the last good site. Fix the file and save."))
        else:
            self.log(_("Build failed; the preview shows the problems. Fix the file and save."))
