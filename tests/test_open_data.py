"""Open data on the localities: /data/lokality.csv read with its CSV on the Web metadata
(csvw), lokality.json, the DCAT-AP-CZ catalogue expanded as JSON-LD (pyld) with the terms
a harvester needs, the licence setting, incremental builds, and /otevrena-data/ in Czech
without axe or Nu HTML Checker errors.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from csvw import CSVW, Table
from playwright.sync_api import Browser
from pyld import jsonld

from sitegen.base.errors import ContentError
from sitegen.base.licences import LICENCES, LicenceId
from sitegen.base.options import BuildOptions
from sitegen.engine.pipeline import build
from tests.conftest import SITE_YAML, Run, make_site, options_for
from tests.htmlpages import html_pages, parse_page
from tests.test_browser import base_url, describe, run_axe, run_vnu  # noqa: F401
from tests.test_golden import tree

DATA = ("lokality.csv", "lokality.json", "lokality.csv-metadata.json", "katalog.jsonld")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
PU = "https://data.gov.cz/slovník/podmínky-užití/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"

ZLUTICE = """\
---
title: Žlutice
kind: město
region: karlovarsky
population: 2350
cooperation_since: 2015-03-24
cooperation_until: 2024-06-30
partnership: zluticko
coordinates: [50.0921, 13.1631]
---
Malé město.
"""
VALEC = """\
---
title: Valeč
region: karlovarsky
cooperation_since: 2016-01-01
---
Obec u Žlutic.
"""
HODONIN = """\
---
title: Hodonín
kind: město
region: jihomoravsky
cooperation_since: 2030-03-01
---
Spolupráce se připravuje.
"""
SMRZOVKA = """\
---
title: Smržovka
kind: město
region: liberecky
draft: true
---
Zatím koncept.
"""
ZLUTICKO = """\
---
title: Žluticko a okolí
localities: [zlutice, valec]
---
Lokální partnerství.
"""
CONTACT = """\
contact:
  department: Odbor sociálního začleňování
  phone: +420 777 787 974
  email: data@example.cz
"""


def write_site(root: Path, site_yaml: str = SITE_YAML + CONTACT) -> Path:
    return make_site(
        root,
        {
            "site.yaml": site_yaml,
            "content/localities/zlutice.md": ZLUTICE,
            "content/localities/valec.md": VALEC,
            "content/localities/hodonin.md": HODONIN,
            "content/localities/smrzovka.md": SMRZOVKA,
            "content/partnerships/zluticko.md": ZLUTICKO,
        },
    )


def no_search(options: BuildOptions) -> BuildOptions:
    return dataclasses.replace(options, search=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the mini-site once; return its output folder."""
    site = write_site(tmp_path_factory.mktemp("open-data"))
    build(no_search(options_for(site)))
    return site / "public"


def read_table(output: Path) -> Table:
    return Table.from_file(output / "data/lokality.csv-metadata.json")


def expanded_catalog(output: Path) -> dict[str, Any]:
    """Return the catalogue record expanded by a JSON-LD processor (its one node)."""
    document = json.loads((output / "data/katalog.jsonld").read_text("utf-8"))
    nodes: list[dict[str, Any]] = jsonld.expand(document)
    assert len(nodes) == 1
    return nodes[0]


def values(node: dict[str, Any], term: str) -> list[Any]:
    """Return the @value or @id of each object of term in an expanded node."""
    return [item.get("@value", item.get("@id")) for item in node.get(term, [])]


def czech(node: dict[str, Any], term: str) -> str:
    [text] = [item["@value"] for item in node[term] if item.get("@language") == "cs"]
    return str(text)


# The CSV and its metadata -------------------------------------------------------------


def test_the_csv_read_with_its_metadata_has_one_typed_row_per_published_locality(
    built: Path,
) -> None:
    rows = {row["slug"]: row for row in read_table(built).iterdicts()}
    assert sorted(rows) == ["hodonin", "valec", "zlutice"]  # the draft is left out
    zlutice = rows["zlutice"]
    assert zlutice["nazev"] == "Žlutice" and zlutice["typ"] == "město"
    assert (zlutice["kraj_id"], zlutice["kraj"], zlutice["kraj_nuts"]) == (
        "karlovarsky",
        "Karlovarský kraj",
        "CZ041",
    )
    assert zlutice["stav"] == "ukončená"
    assert zlutice["spoluprace_od"].date() == date(2015, 3, 24)
    assert zlutice["spoluprace_do"].date() == date(2024, 6, 30)
    assert zlutice["partnerstvi"] == "Žluticko a okolí"
    assert zlutice["partnerstvi_url"].unsplit() == "https://example.cz/partnerstvi/zluticko/"
    assert (zlutice["zemepisna_sirka"], zlutice["zemepisna_delka"]) == (
        Decimal("50.0921"),
        Decimal("13.1631"),
    )
    assert zlutice["url"].unsplit() == "https://example.cz/lokality/zlutice/"
    assert (rows["valec"]["stav"], rows["valec"]["typ"], rows["valec"]["spoluprace_do"]) == (
        "probíhající",
        "obec",
        None,
    )
    assert rows["hodonin"]["stav"] == "plánovaná" and rows["hodonin"]["zemepisna_sirka"] is None


def test_the_preview_with_drafts_still_leaves_drafts_out_of_the_data(tmp_path: Path) -> None:
    site = write_site(tmp_path)
    build(no_search(options_for(site, drafts=True)))
    assert (site / "public/lokality/smrzovka/index.html").is_file()  # the preview shows it
    slugs = [row["slug"] for row in read_table(site / "public").iterdicts()]
    assert slugs == ["hodonin", "valec", "zlutice"]


def test_the_metadata_gives_every_column_a_czech_title_and_a_datatype(built: Path) -> None:
    columns = {
        column.name: (str(column.titles), column.datatype.base)
        for column in read_table(built).tableSchema.columns
    }
    assert columns["nazev"] == ("Název", "string")
    assert columns["kraj"] == ("Kraj", "string")
    assert columns["stav"] == ("Stav spolupráce", "string")
    assert columns["spoluprace_od"] == ("Spolupráce od", "date")
    assert columns["zemepisna_sirka"] == ("Zeměpisná šířka", "decimal")
    assert columns["url"] == ("Stránka lokality", "anyURI")
    header = (built / "data/lokality.csv").read_text("utf-8").splitlines()[0]
    assert header.split(",") == list(columns)


def test_a_csvw_processor_validates_the_table_and_names_each_row_by_its_page(
    built: Path,
) -> None:
    processed = CSVW(str(built / "data/lokality.csv-metadata.json"), validate=True)
    assert processed.is_valid
    rows = processed.to_json(minimal=True)
    ids = sorted(row["@id"] for row in rows)
    assert ids == [
        f"https://example.cz/lokality/{slug}/" for slug in ("hodonin", "valec", "zlutice")
    ]


def test_the_json_holds_the_csvs_rows_as_objects(built: Path) -> None:
    objects = json.loads((built / "data/lokality.json").read_text("utf-8"))
    assert [item["slug"] for item in objects] == ["hodonin", "valec", "zlutice"]  # Czech order
    zlutice = objects[2]
    assert zlutice["spoluprace_od"] == "2015-03-24" and zlutice["zemepisna_sirka"] == 50.0921
    assert objects[1]["spoluprace_do"] is None
    table = {row["slug"]: row for row in read_table(built).iterdicts()}
    assert all(list(item) == list(table[item["slug"]]) for item in objects)


def test_the_sample_site_has_a_row_for_each_locality_page(sample_site: Path) -> None:
    pages = sorted(
        f"https://www.socialni-zaclenovani.cz/lokality/{path.parent.name}/"
        for path in (sample_site / "lokality").glob("*/index.html")
    )
    rows = list(read_table(sample_site).iterdicts())
    assert sorted(row["url"].unsplit() for row in rows) == pages
    assert len(pages) == 17


# The catalogue --------------------------------------------------------------------------


def test_the_catalogue_describes_the_dataset_and_its_two_distributions(built: Path) -> None:
    catalog = expanded_catalog(built)
    assert catalog["@id"] == "https://example.cz/data/katalog.jsonld"
    assert catalog["@type"] == [DCAT + "Catalog"]
    assert czech(catalog, DCT + "title") == "Otevřená data Testovací web"
    [dataset] = catalog[DCAT + "dataset"]
    assert dataset["@type"] == [DCAT + "Dataset"]
    assert czech(dataset, DCT + "title") == "Lokality, se kterými spolupracuje Testovací web"
    assert "sociálně vyloučenými lokalitami" in czech(dataset, DCT + "description")
    assert values(dataset, DCT + "spatial") == ["https://linked.cuzk.cz/resource/ruian/stat/1"]
    assert values(dataset, DCT + "accrualPeriodicity") == [
        "http://publications.europa.eu/resource/authority/frequency/IRREG"
    ]
    downloads = {
        values(item, DCAT + "downloadURL")[0]: values(item, DCAT + "mediaType")[0]
        for item in dataset[DCAT + "distribution"]
    }
    media = "http://www.iana.org/assignments/media-types/"
    assert downloads == {
        "https://example.cz/data/lokality.csv": media + "text/csv",
        "https://example.cz/data/lokality.json": media + "application/json",
    }


def test_the_catalogue_names_publisher_contact_coverage_and_the_last_change(
    built: Path,
) -> None:
    [dataset] = expanded_catalog(built)[DCAT + "dataset"]
    [publisher] = dataset[DCT + "publisher"]
    assert czech(publisher, "http://xmlns.com/foaf/0.1/name") == "Testovací odbor"
    [contact] = dataset[DCAT + "contactPoint"]
    assert czech(contact, VCARD + "fn") == "Odbor sociálního začleňování"
    assert values(contact, VCARD + "hasEmail") == ["mailto:data@example.cz"]
    assert values(contact, VCARD + "hasTelephone") == ["tel:+420777787974"]
    [period] = dataset[DCT + "temporal"]
    assert values(period, DCAT + "startDate") == ["2015-03-24"]
    assert DCAT + "endDate" not in period  # Valeč's cooperation has no end
    # The newest start or end up to "now" (2026-11-18): Žlutice's end, the day after
    # its last day; Hodonín's start in 2030 has not come.
    assert values(dataset, DCT + "modified") == ["2024-07-01"]


def test_each_distribution_carries_the_conditions_of_use_of_the_czech_rules(
    built: Path,
) -> None:
    [dataset] = expanded_catalog(built)[DCAT + "dataset"]
    for distribution in dataset[DCAT + "distribution"]:
        [terms] = distribution[PU + "specifikace"]
        assert terms["@type"] == [PU + "Specifikace"]
        assert values(terms, PU + "autorské-dílo") == [
            "https://data.gov.cz/podmínky-užití/neobsahuje-autorská-díla/"
        ]
        assert values(terms, PU + "databáze-jako-autorské-dílo") == [CC_BY]
        assert values(terms, PU + "databáze-chráněná-zvláštními-právy") == [CC_BY]
        assert values(terms, PU + "osobní-údaje") == [
            "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/"
        ]
        assert values(distribution, DCT + "license") == [CC_BY]
        assert czech(distribution, DCT + "title").startswith("Lokality, se kterými")


def test_a_publisher_with_an_ico_is_named_by_the_register_of_public_bodies(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path, SITE_YAML + CONTACT + "  ico: 66002222\n")
    build(no_search(options_for(site)))
    [dataset] = expanded_catalog(site / "public")[DCAT + "dataset"]
    assert values(dataset, DCT + "publisher") == [
        "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/66002222"
    ]


# The licence setting --------------------------------------------------------------------


def test_site_yaml_may_choose_cc0(tmp_path: Path) -> None:
    site = write_site(tmp_path, SITE_YAML + "open_data:\n  licence: CC0-1.0\n")
    build(no_search(options_for(site)))
    [dataset] = expanded_catalog(site / "public")[DCAT + "dataset"]
    for distribution in dataset[DCAT + "distribution"]:
        assert values(distribution, DCT + "license") == [CC0]
    page = parse_page(site / "public/otevrena-data/index.html")
    assert CC0 in page.hrefs and "bez jakýchkoli podmínek" in page.text


def test_an_unknown_licence_is_an_error_naming_the_ones_allowed(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = write_site(tmp_path, SITE_YAML + "open_data:\n  licence: CC-BY\n")
    run = run_cli("build", "--source", site)
    assert run.status == 1
    assert run.problems == [
        "site.yaml:14: open_data.licence: 'CC-BY' is not allowed; write one of: "
        "'CC-BY-4.0' or 'CC0-1.0'"
    ]
    assert not (site / "public").exists()
    czech = run_cli("build", "--source", site, "--lang", "cs")
    assert czech.err.splitlines()[0] == (
        "site.yaml:14: open_data.licence: 'CC-BY' zde není dovoleno; napište jedno z: "
        "'CC-BY-4.0' nebo 'CC0-1.0'"
    )


def test_every_licence_site_yaml_allows_has_its_address_and_czech_name() -> None:
    assert sorted(get_args(LicenceId)) == sorted(LICENCES)
    for spdx, licence in LICENCES.items():
        assert licence.spdx == spdx and licence.url.startswith("https://creativecommons.org/")


# Builds -------------------------------------------------------------------------------


def test_the_same_input_gives_the_same_bytes(built: Path, tmp_path: Path) -> None:
    site = write_site(tmp_path)
    build(dataclasses.replace(no_search(options_for(site)), use_cache=False))
    for name in DATA:
        assert (site / "public/data" / name).read_bytes() == (built / "data" / name).read_bytes()


def test_a_locality_edit_remakes_the_data_files_on_an_incremental_build(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path / "site")
    options = no_search(options_for(site))
    build(options)
    path = site / "content/localities/valec.md"
    path.write_text(VALEC.replace("title: Valeč", "title: Obec Valeč"), "utf-8")
    report = build(options)
    assert report.written > 0
    assert "Obec Valeč" in (site / "public/data/lokality.csv").read_text("utf-8")
    assert '"nazev": "Obec Valeč"' in (site / "public/data/lokality.json").read_text("utf-8")
    build(dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False))
    assert tree(site / "public") == tree(tmp_path / "cold")


def test_a_text_edit_is_a_quick_build_that_keeps_the_data_files(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    options = no_search(options_for(site))
    build(options)
    before = {name: (site / "public/data" / name).stat().st_mtime_ns for name in DATA}
    path = site / "content/localities/valec.md"
    path.write_text(VALEC + "\nVěta přidaná při testu.\n", "utf-8")
    messages: list[str] = []
    build(options, report=messages.append)
    assert any(message.startswith("Quick build") for message in messages)
    assert {name: (site / "public/data" / name).stat().st_mtime_ns for name in DATA} == before
    build(dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False))
    assert tree(site / "public") == tree(tmp_path / "cold")


def test_a_cooperation_that_starts_changes_the_files_when_its_day_comes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    options = no_search(options_for(site))
    build(options)
    later = datetime(2030, 3, 2, 12, tzinfo=UTC)
    build(dataclasses.replace(options, now=later))
    rows = {row["slug"]: row for row in read_table(site / "public").iterdicts()}
    assert rows["hodonin"]["stav"] == "probíhající"
    [dataset] = expanded_catalog(site / "public")[DCAT + "dataset"]
    assert values(dataset, DCT + "modified") == ["2030-03-01"]


# The page --------------------------------------------------------------------------------


def test_the_page_explains_the_data_in_czech_and_links_every_file(built: Path) -> None:
    page = parse_page(built / "otevrena-data/index.html")
    assert page.lang == "cs"
    assert page.titles == ["Otevřená data o lokalitách | Testovací web"]
    assert {f"/data/{name}" for name in DATA} <= set(page.hrefs)
    assert CC_BY in page.hrefs and "/lokality/" in page.hrefs
    for words in ("Soubory ke stažení", "Podmínky užití", "Sloupce tabulky", "3 řádky"):
        assert words in page.text
    assert "Údaje se naposledy změnily 1. července 2024." in page.text
    cells = [[" ".join(cell.split()) for cell in row[1:]] for row in page.rows]
    assert ["Zeměpisná šířka", "Zeměpisná šířka (WGS 84). Nemusí být vyplněn."] in cells
    assert ["Název", "Název obce, města, mikroregionu či městské části."] in cells


def test_every_page_links_the_open_data_in_its_footer(built: Path) -> None:
    pages = html_pages(built)
    assert all("/otevrena-data/" in page.hrefs for page in pages.values())
    sitemap = (built / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.cz/otevrena-data/</loc>" in sitemap


def test_a_page_may_not_take_the_address_of_the_open_data(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/pages/otevrena-data.md": "---\ntitle: Data\n---\nText.\n"})
    with pytest.raises(ContentError, match="otevrena-data"):
        build(no_search(options_for(site)))


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_no_serious_violation_on_the_page(
    browser: Browser,
    base_url: str,  # noqa: F811
    width: int,
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="cs-CZ")
    page = context.new_page()
    page.goto(base_url + "/otevrena-data/")
    violations = run_axe(page)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert describe([v for v in violations if v["impact"] in ("critical", "serious")]) == []
    assert scroll <= width


@pytest.mark.browser
def test_the_nu_html_checker_finds_no_error_on_the_page(sample_site: Path) -> None:
    messages = run_vnu(sample_site / "otevrena-data/index.html")
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in errors] == []
