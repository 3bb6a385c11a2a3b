"""Render stage, the open data on the localities: the Dataset → the bytes of its files.

Input: a Dataset (plan/opendata.py) and the build's Urls. Output: lokality.csv (UTF-8,
RFC 4180), lokality.json (the same rows as a list of objects), lokality.csv-metadata.json
(CSV on the Web: columns, Czech titles, datatypes) and katalog.jsonld, the local catalogue
of the Czech open-data rules (OFN "Rozhraní katalogů otevřených dat", DCAT-AP-CZ): a
catalogue holding the dataset and its two distributions, which the national catalogue
harvests from a static host. Its context is written inline, so the record is complete
in itself; the dataset's and distributions' IRIs are fragments of the record's own
address, which serves them.

Every mapping is written with sorted keys and every list in a fixed order, so the same
Dataset gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sitegen.base.urls import Urls
from sitegen.plan.opendata import (
    CATALOG_FILE,
    COLUMNS,
    CSV_FILE,
    JSON_FILE,
    METADATA_FILE,
    Cell,
    Dataset,
)

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]

KEYWORDS = ("sociální začleňování", "sociálně vyloučené lokality", "obce", "lokální partnerství")
CONTEXT: dict[str, JsonValue] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "pu": "https://data.gov.cz/slovník/podmínky-užití/",
}
EU = "http://publications.europa.eu/resource/authority/"
CZECHIA = "https://linked.cuzk.cz/resource/ruian/stat/1"
"""The Czech Republic in RÚIAN: the spatial coverage."""
TERMS = "https://data.gov.cz/podmínky-užití/"
THEMES = ("SOCI", "REGI", "GOVE")
"""EU data themes: population and society, regions and cities, government."""


def render_csv(dataset: Dataset) -> bytes:
    """Return lokality.csv: a header of the column names, then one row per locality."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(column.name for column in COLUMNS)
    writer.writerows([_text(cell) for cell in row.cells()] for row in dataset.rows)
    return buffer.getvalue().encode("utf-8")


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def render_json(dataset: Dataset) -> bytes:
    """Return lokality.json: the rows as objects keyed by the column names."""
    names = [column.name for column in COLUMNS]
    rows: list[JsonValue] = [
        {name: _json(cell) for name, cell in zip(names, row.cells(), strict=True)}
        for row in dataset.rows
    ]
    return _dump(rows, sort_keys=False)  # the keys in the order of the CSV's columns


def _json(cell: Cell) -> JsonValue:
    return cell.isoformat() if isinstance(cell, date) else cell


def _dump(value: JsonValue, *, sort_keys: bool = True) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys)
    return (text + "\n").encode()


def render_csv_metadata(dataset: Dataset, urls: Urls) -> bytes:
    """Return lokality.csv-metadata.json: the CSV's columns described by CSV on the Web."""
    columns: list[JsonValue] = [
        {
            "name": column.name,
            "titles": {"cs": column.title},
            "dc:description": {"@language": "cs", "@value": column.description},
            "datatype": column.datatype,
            "required": column.required,
        }
        for column in COLUMNS
    ]
    return _dump(
        {
            "@context": ["http://www.w3.org/ns/csvw", {"@language": "cs"}],
            "url": CSV_FILE,
            "dc:title": _cs(dataset.title),
            "dc:description": _cs(dataset.description),
            "dc:license": {"@id": dataset.licence.url},
            "dc:publisher": dataset.publisher,
            "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
            "tableSchema": {
                "columns": columns,
                "primaryKey": "slug",
                "aboutUrl": urls.absolute(urls.locality("{slug}")),
            },
        }
    )


def render_catalog(dataset: Dataset, urls: Urls) -> bytes:
    """Return katalog.jsonld: the local catalogue with the dataset and its distributions."""
    record = urls.absolute(urls.data_file(CATALOG_FILE))
    catalog: dict[str, JsonValue] = {
        "@context": CONTEXT,
        "@id": record,
        "@type": "dcat:Catalog",
        "dcterms:title": _cs(dataset.catalog_title),
        "dcterms:description": _cs("Otevřená data, která zveřejňuje " + dataset.publisher + "."),
        "dcterms:publisher": _publisher(dataset),
        "dcat:contactPoint": _contact(dataset),
        "foaf:homepage": {"@id": urls.absolute(urls.open_data())},
        "dcat:dataset": _dataset(dataset, urls, record),
    }
    return _dump(catalog)


def _cs(text: str) -> JsonValue:
    return {"@language": "cs", "@value": text}


def _day(day: date) -> JsonValue:
    return {"@type": "xsd:date", "@value": day.isoformat()}


def _ids(iris: list[str]) -> JsonValue:
    return [{"@id": iri} for iri in iris]


def _publisher(dataset: Dataset) -> JsonValue:
    if dataset.publisher_iri:
        return {"@id": dataset.publisher_iri}
    return {"@type": "foaf:Agent", "foaf:name": _cs(dataset.publisher)}


def _contact(dataset: Dataset) -> JsonValue:
    contact = dataset.contact
    point: dict[str, JsonValue] = {"@type": "vcard:Organization", "vcard:fn": _cs(contact.name)}
    if contact.email:
        point["vcard:hasEmail"] = {"@id": "mailto:" + contact.email}
    if contact.phone:
        point["vcard:hasTelephone"] = {"@id": "tel:" + contact.phone.replace(" ", "")}
    return point


def _dataset(dataset: Dataset, urls: Urls, record: str) -> JsonValue:
    described: dict[str, JsonValue] = {
        "@id": record + "#lokality",
        "@type": "dcat:Dataset",
        "dcterms:title": _cs(dataset.title),
        "dcterms:description": _cs(dataset.description),
        "dcat:keyword": [_cs(word) for word in KEYWORDS],
        "dcat:theme": _ids([f"{EU}data-theme/{theme}" for theme in THEMES]),
        "dcterms:publisher": _publisher(dataset),
        "dcat:contactPoint": _contact(dataset),
        "dcterms:accrualPeriodicity": {"@id": f"{EU}frequency/IRREG"},
        "dcterms:spatial": {"@id": CZECHIA},
        "foaf:page": {"@id": urls.absolute(urls.open_data())},
        "dcat:distribution": [
            _distribution(dataset, urls, record, CSV_FILE, "CSV", "text/csv"),
            _distribution(dataset, urls, record, JSON_FILE, "JSON", "application/json"),
        ],
    }
    if dataset.coverage_start:
        period: dict[str, JsonValue] = {"@type": "dcterms:PeriodOfTime"}
        period["dcat:startDate"] = _day(dataset.coverage_start)
        if dataset.coverage_end:
            period["dcat:endDate"] = _day(dataset.coverage_end)
        described["dcterms:temporal"] = period
    if dataset.modified:
        described["dcterms:modified"] = _day(dataset.modified)
    return described


def _distribution(
    dataset: Dataset, urls: Urls, record: str, name: str, file_type: str, media_type: str
) -> JsonValue:
    address = urls.absolute(urls.data_file(name))
    licence: JsonValue = {"@id": dataset.licence.url}
    described: dict[str, JsonValue] = {
        "@id": f"{record}#{name}",
        "@type": "dcat:Distribution",
        "dcterms:title": _cs(f"{dataset.title} ({file_type})"),
        "dcat:accessURL": {"@id": address},
        "dcat:downloadURL": {"@id": address},
        "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media_type}"},
        "dcterms:format": {"@id": f"{EU}file-type/{file_type}"},
        "dcterms:license": licence,
        "pu:specifikace": {
            "@type": "pu:Specifikace",
            "pu:autorské-dílo": {"@id": TERMS + "neobsahuje-autorská-díla/"},
            "pu:databáze-jako-autorské-dílo": licence,
            "pu:databáze-chráněná-zvláštními-právy": licence,
            "pu:osobní-údaje": {"@id": TERMS + "neobsahuje-osobní-údaje/"},
        },
    }
    if name == CSV_FILE:
        described["dcterms:conformsTo"] = {"@id": urls.absolute(urls.data_file(METADATA_FILE))}
    return described
