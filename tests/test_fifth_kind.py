"""A fifth kind of content, registered from this module alone, is read, checked, linked,
planned, rendered and listed in the sitemap like sitegen's own kinds.

The kind `report` (annual reports: one field, a title) brings its schema, folder, URL,
model, make function, planner and templates (tests/fifth_kind/templates); the
registration is undone when a test ends, so the other tests do not see it.
"""

from __future__ import annotations

import dataclasses
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from sitegen.base.errors import ContentError
from sitegen.base.typography import sorted_czech
from sitegen.base.urls import Urls
from sitegen.content import kinds
from sitegen.content.kinds import Kind
from sitegen.content.load import Entry
from sitegen.content.models import Asset, Body, Making
from sitegen.content.schema import ItemFrontMatter
from sitegen.engine.pipeline import build
from sitegen.link.site import Site
from sitegen.plan import kinds as plans
from sitegen.plan.contexts import Context, Route, SearchEntry
from sitegen.plan.kinds import KindPlan
from sitegen.plan.titles import shorten
from tests.conftest import make_site, options_for
from tests.htmlpages import parse_page

TEMPLATES = Path(__file__).parent / "fifth_kind" / "templates"
SECTION = "vyrocni-zpravy"
"""Where the reports are published: /vyrocni-zpravy/ lists them, /vyrocni-zpravy/<slug>/."""


class ReportFrontMatter(ItemFrontMatter):
    """Front matter of a report: a title (and the keys of every item: draft, aliases, slug)."""


@dataclass(frozen=True, slots=True)
class Report:
    """A report, as its templates receive it."""

    source: str
    slug: str
    url: str
    title: str
    body: Body
    assets: tuple[Asset, ...]


def make_report(entry: Entry[ReportFrontMatter], making: Making) -> Report:
    body = making.body(entry)
    meta = entry.meta
    return Report(entry.source.rel_path, entry.slug, entry.url, meta.title, body, entry.assets)


def report_url(urls: Urls, slug: str) -> str:
    return f"{urls.base_path}{SECTION}/{slug}/"


def by_title(reports: Sequence[Report]) -> list[Report]:
    return sorted_czech(reports, lambda report: report.title)


REPORT: Kind[ReportFrontMatter, Report] = Kind(
    "report",
    "reports",
    ReportFrontMatter,
    report_url,
    has_date_prefix=False,
    model=Report,
    make=make_report,
    listed=by_title,
)


@dataclass(frozen=True, slots=True)
class ReportsContext(Context):
    template: ClassVar[str] = "reports.html"

    reports: tuple[Report, ...]


@dataclass(frozen=True, slots=True)
class ReportContext(Context):
    template: ClassVar[str] = "report.html"

    report: Report


def report_pages(site: Site) -> list[Route]:
    reports = site.items(REPORT)
    listing = Route(
        f"{site.urls.base_path}{SECTION}/",
        "Výroční zprávy",
        "Výroční zprávy agentury.",
        ReportsContext(reports),
    )
    return [listing] + [
        Route(
            report.url,
            report.title,
            shorten(report.body.first_paragraph or report.title),
            ReportContext(report),
            search=SearchEntry("Výroční zpráva"),
        )
        for report in reports
    ]


def report_urls(site: Site) -> tuple[str, ...]:
    return tuple(report.url for report in site.items(REPORT))


@pytest.fixture
def report_kind() -> Iterator[Kind[ReportFrontMatter, Report]]:
    """Register the kind report for one test."""
    with plans.registered(KindPlan(REPORT, report_pages, searched=report_urls)):
        yield REPORT


def report_site(root: Path, files: dict[str, str | bytes]) -> Path:
    site = make_site(root, files)
    for template in TEMPLATES.iterdir():
        shutil.copy(template, site / "templates" / template.name)
    return site


REPORTS: dict[str, str | bytes] = {
    "content/reports/zprava-2025.md": "---\ntitle: Výroční zpráva 2025\n---\nRok 2025.\n",
    "content/reports/zprava-2024.md": "---\ntitle: Výroční zpráva 2024\n---\nRok 2024.\n",
}


def test_a_registered_kind_is_built_listed_and_in_the_sitemap(
    report_kind: Kind, tmp_path: Path
) -> None:
    site = report_site(tmp_path / "site", REPORTS)
    options = dataclasses.replace(options_for(site), search=False)
    build(options)
    public = site / "public"

    listing = parse_page(public / SECTION / "index.html")
    assert listing.titles[0].startswith("Výroční zprávy")
    assert f"/{SECTION}/zprava-2024/" in listing.hrefs
    assert f"/{SECTION}/zprava-2025/" in listing.hrefs
    for year in ("2024", "2025"):
        page = parse_page(public / SECTION / f"zprava-{year}" / "index.html")
        assert page.titles[0].startswith(f"Výroční zpráva {year}")
        assert f"Rok {year}." in page.text

    sitemap = ET.parse(public / "sitemap.xml").getroot()
    listed = {loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {
        f"https://example.cz/{SECTION}/",
        f"https://example.cz/{SECTION}/zprava-2024/",
        f"https://example.cz/{SECTION}/zprava-2025/",
    } <= listed


def test_a_wrong_key_in_a_report_names_its_file_line_and_field(
    report_kind: Kind, tmp_path: Path
) -> None:
    wrong = "---\ntitle: Výroční zpráva 2023\nyear: 2023\n---\nRok 2023.\n"
    site = report_site(tmp_path / "site", {**REPORTS, "content/reports/zprava-2023.md": wrong})
    with pytest.raises(ContentError) as raised:
        build(dataclasses.replace(options_for(site), search=False))
    [problem] = raised.value.problems
    assert (problem.path, problem.line, problem.field) == (
        "content/reports/zprava-2023.md",
        3,
        "year",
    )


def test_the_kind_is_gone_when_its_registration_ends(tmp_path: Path) -> None:
    assert kinds.kind_in_folder("reports") is None
    assert REPORT not in kinds.all_kinds()
    assert all(plan.kind is not REPORT for plan in plans.kind_plans())
    with plans.registered(KindPlan(REPORT, report_pages)):
        assert kinds.kind_in_folder("reports") is REPORT
        with pytest.raises(ValueError), plans.registered(KindPlan(REPORT, report_pages)):
            pass
    assert kinds.kind_in_folder("reports") is None
