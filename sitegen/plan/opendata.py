"""Plan stage, the open data on the localities: the dataset and the page that explains it.

Input: Site. Output: a Dataset (one row per published locality, with what its catalogue
record says: licence, publisher, contact point, temporal coverage, date of the last
change) that render/opendata.py writes as /data/lokality.csv, lokality.json, the CSV's
CSV on the Web metadata and katalog.jsonld (DCAT-AP-CZ); and the Route of
/otevrena-data/, which explains the files in Czech.

Everything here comes from the localities' front matter and site.yaml, never from a
body or the clock, so the files change exactly when those do (an edit of a body keeps
them; changes.py then plans only pages) and the same input gives the same bytes. The
date of the last change is the newest start or end of a cooperation up to the build's
"now", which is SOURCE_DATE_EPOCH in reproducible builds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from sitegen.base.config import SiteConfig
from sitegen.base.licences import LICENCES, Licence
from sitegen.content.kinds import LOCALITY
from sitegen.content.models import Locality
from sitegen.link.site import Site
from sitegen.plan.contexts import Context, Route

CSV_FILE = "lokality.csv"
JSON_FILE = "lokality.json"
METADATA_FILE = "lokality.csv-metadata.json"
"""CSV on the Web metadata; the name a CSVW processor looks for beside the CSV."""
CATALOG_FILE = "katalog.jsonld"
"""The local catalogue (DCAT-AP-CZ) that the national catalogue harvests."""

STATUS_WORDS = {"active": "probíhající", "planned": "plánovaná", "ended": "ukončená"}
"""A locality's status as the files write it."""
RPP_BODY = "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/"
"""Where the register of rights and duties (RPP) names a public body by its IČO: the
publisher's address that the national catalogue expects."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the CSV (and a key of the JSON objects)."""

    name: str
    """Its header in the CSV and key in the JSON: ASCII, snake case."""
    title: str
    """Its Czech title."""
    datatype: str
    """Its CSV on the Web datatype: string, date, decimal or anyURI."""
    description: str
    """What it holds, in Czech."""
    required: bool = False
    """Every row has a value."""


COLUMNS: tuple[Column, ...] = (
    Column("slug", "Identifikátor", "string", "Zkratka lokality v adrese jejího profilu.", True),
    Column("nazev", "Název", "string", "Název obce, města, mikroregionu či městské části.", True),
    Column("typ", "Typ", "string", "Obec, město, mikroregion nebo městská část.", True),
    Column("kraj_id", "Identifikátor kraje", "string", "Zkratka kraje v adresách webu.", True),
    Column("kraj", "Kraj", "string", "Název kraje.", True),
    Column("kraj_nuts", "Kód kraje NUTS 3", "string", "Kód kraje podle klasifikace NUTS.", True),
    Column("stav", "Stav spolupráce", "string", "Probíhající, plánovaná nebo ukončená.", True),
    Column("spoluprace_od", "Spolupráce od", "date", "První den spolupráce s agenturou."),
    Column("spoluprace_do", "Spolupráce do", "date", "Poslední den spolupráce s agenturou."),
    Column("partnerstvi", "Lokální partnerství", "string", "Název lokálního partnerství."),
    Column("partnerstvi_url", "Stránka partnerství", "anyURI", "Adresa stránky partnerství."),
    Column("zemepisna_sirka", "Zeměpisná šířka", "decimal", "Zeměpisná šířka (WGS 84)."),
    Column("zemepisna_delka", "Zeměpisná délka", "decimal", "Zeměpisná délka (WGS 84)."),
    Column("url", "Stránka lokality", "anyURI", "Adresa profilu lokality na webu.", True),
)
"""The columns, in the order of the CSV."""

Cell = str | date | float | None
"""A value of the dataset: text, a date, a coordinate, or nothing."""


@dataclass(frozen=True, slots=True)
class LocalityRow:
    """One row of the dataset: a published locality. Its fields are COLUMNS, in order."""

    slug: str
    nazev: str
    typ: str
    kraj_id: str
    kraj: str
    kraj_nuts: str
    stav: str
    spoluprace_od: date | None
    spoluprace_do: date | None
    partnerstvi: str | None
    partnerstvi_url: str | None
    zemepisna_sirka: float | None
    zemepisna_delka: float | None
    url: str

    def cells(self) -> tuple[Cell, ...]:
        """Return the row's values in the order of COLUMNS."""
        return tuple(getattr(self, column.name) for column in COLUMNS)


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """Whom users of the data write or call (the catalogue's contact point)."""

    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class DataFile:
    """One file of the dataset as the page lists it."""

    name: str
    url: str
    format: str
    """As readers know it: "CSV", "JSON", "JSON-LD"."""
    description: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """The open data on the localities and what their catalogue record says."""

    title: str
    description: str
    catalog_title: str
    """The title of the local catalogue that holds the dataset."""
    rows: tuple[LocalityRow, ...]
    licence: Licence
    publisher: str
    publisher_iri: str | None
    """The publisher in the register of rights and duties (from site.yaml's IČO)."""
    contact: ContactPoint
    modified: date | None
    """The newest start or end of a cooperation up to the build's "now"."""
    coverage_start: date | None
    """The first day of the earliest cooperation."""
    coverage_end: date | None
    """The last day of the latest cooperation; None while one has no end."""


@dataclass(frozen=True, slots=True)
class OpenDataContext(Context):
    """The page that explains the open data and links its files."""

    template: ClassVar[str] = "open_data.html"

    files: tuple[DataFile, ...]
    columns: tuple[Column, ...]
    count: int
    """Rows (published localities)."""
    licence: Licence
    modified: date | None
    localities_url: str


def plan_dataset(site: Site) -> Dataset:
    """Return the open data of site's published localities, in the site's order."""
    localities = [
        item for item in site.items(LOCALITY) if not item.is_draft and LOCALITY.published(item)
    ]
    rows = tuple(_row(site, locality) for locality in localities)
    starts = [row.spoluprace_od for row in rows if row.spoluprace_od]
    config = site.config
    return Dataset(
        f"Lokality, se kterými spolupracuje {config.title}",
        "Obce, města, mikroregiony a městské části se sociálně vyloučenými lokalitami, se "
        "kterými agentura spolupracuje, spolupracovala nebo spolupráci plánuje: kraj, stav "
        "a období spolupráce, lokální partnerství, poloha a adresa profilu na webu.",
        f"Otevřená data {config.title_genitive or config.title}",
        rows,
        LICENCES[site.config.open_data.licence],
        site.config.publisher,
        _publisher_iri(site.config),
        _contact(site.config),
        _last_change(rows, site.now.astimezone(site.config.tz).date()),
        min(starts, default=None),
        _coverage_end(rows),
    )


def _row(site: Site, locality: Locality) -> LocalityRow:
    region = locality.region
    partnership = _partnership(site, locality.partnership_slug)
    latitude, longitude = locality.coordinates or (None, None)
    return LocalityRow(
        slug=locality.slug,
        nazev=locality.title,
        typ=locality.kind,
        kraj_id=region.id,
        kraj=region.name,
        kraj_nuts=region.nuts,
        stav=STATUS_WORDS[locality.status],
        spoluprace_od=locality.cooperation_since,
        spoluprace_do=locality.cooperation_until,
        partnerstvi=partnership[0] if partnership else None,
        partnerstvi_url=site.urls.absolute(partnership[1]) if partnership else None,
        zemepisna_sirka=latitude,
        zemepisna_delka=longitude,
        url=site.urls.absolute(locality.url),
    )


def _partnership(site: Site, slug: str | None) -> tuple[str, str] | None:
    """Return the title and URL of the published partnership slug, or None."""
    partnership = site.partnership_by_slug.get(slug) if slug else None
    if partnership is None or partnership.is_draft:  # a preview's draft is no open data
        return None
    return partnership.title, partnership.url


def _publisher_iri(config: SiteConfig) -> str | None:
    ico = config.contact.ico if config.contact else None
    return f"{RPP_BODY}{ico}" if ico else None


def _contact(config: SiteConfig) -> ContactPoint:
    contact = config.contact
    if contact is None:
        return ContactPoint(config.publisher, None, None)
    return ContactPoint(contact.department or config.publisher, contact.email, contact.phone)


def _last_change(rows: Iterable[LocalityRow], today: date) -> date | None:
    """Return the newest day a cooperation started or ended (the day after its last),
    up to today; None when none has."""
    days = [row.spoluprace_od for row in rows if row.spoluprace_od]
    days += [row.spoluprace_do + timedelta(days=1) for row in rows if row.spoluprace_do]
    return max((day for day in days if day <= today), default=None)


def _coverage_end(rows: Iterable[LocalityRow]) -> date | None:
    """Return the last day of the latest cooperation, or None while one has no end."""
    dated = [row for row in rows if row.spoluprace_od]
    if not dated or any(row.spoluprace_do is None for row in dated):
        return None
    return max(row.spoluprace_do for row in dated if row.spoluprace_do)


def data_files(site: Site) -> tuple[DataFile, ...]:
    """Return the files of the dataset, as the page lists them."""
    url = site.urls.data_file
    return (
        DataFile(CSV_FILE, url(CSV_FILE), "CSV", "Tabulka lokalit, jeden řádek na lokalitu."),
        DataFile(JSON_FILE, url(JSON_FILE), "JSON", "Tytéž údaje jako seznam objektů."),
        DataFile(
            METADATA_FILE,
            url(METADATA_FILE),
            "JSON-LD",
            "Popis sloupců tabulky podle standardu CSV on the Web (názvy, datové typy).",
        ),
        DataFile(
            CATALOG_FILE,
            url(CATALOG_FILE),
            "JSON-LD",
            "Katalogizační záznam datové sady podle DCAT-AP-CZ pro Národní katalog otevřených dat.",
        ),
    )


def open_data_page(site: Site, dataset: Dataset) -> Route:
    """Return /otevrena-data/: what the dataset holds, its files, licence and columns."""
    context = OpenDataContext(
        data_files(site),
        COLUMNS,
        len(dataset.rows),
        dataset.licence,
        dataset.modified,
        site.urls.locality_index(),
    )
    return Route(
        site.urls.open_data(),
        "Otevřená data o lokalitách",
        "Seznam lokalit, se kterými agentura spolupracuje, jako otevřená data: tabulka CSV, "
        "JSON a katalogizační záznam pro Národní katalog otevřených dat.",
        context,
    )
