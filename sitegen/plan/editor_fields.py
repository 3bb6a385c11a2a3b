"""Plan stage, the web editor's form fields: one Decap CMS field per front-matter key.

The keys every item takes but rarely needs (draft, aliases, slug) come last.

Input: a kind's front-matter schema (content/schema.py). Output: the `fields` of its
collection in /admin/config.yml, each with the widget that can only produce what the
schema accepts: its type, its required flag, its pattern (anchored, a subset of the
schema's rule), its options (regions, the Literal values), and a Czech label and hint.
A key the table of labels does not name still gets a field, labelled with its key
(tests/test_admin.py asks for a label for every key of every kind).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sitegen.base.regions import all_regions
from sitegen.base.urls import MACHINERY_NAMES, MAX_ALIAS_PART, SEARCH_FOLDER
from sitegen.content import schema

Field = dict[str, Any]
"""One field of config.yml, as PyYAML writes it."""

RELATIONS = {
    "localities": ("localities", "{{slug}}"),
    "partnerships": ("partnerships", "{{slug}}"),
    "partnership": ("partnerships", "{{slug}}"),
}
"""Keys whose values name items of another kind → the editor collection they name (of
single files: the editor gives a bundle's slug as "name/index") and its value."""

DATE_FORMAT = "D. M. YYYY"
TIME_FORMAT = "H:mm"
MOMENT_FORMAT = "YYYY-MM-DDTHH:mm"
"""What the editor writes for a date and time: without an offset, which sitegen reads
in the site's timezone (the editor's clock is the press officer's, in Prague)."""
DAY_FORMAT = "YYYY-MM-DD"

FILLED = "\\S"
"""Text that is not only spaces (sitegen strips spaces; an empty text is refused)."""
SLUG_RULE = "^[a-z0-9]+(-[a-z0-9]+)*$"
EMAIL_RULE = "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"
PHONE_RULE = "^(\\+\\d{3} ?)?\\d{3} ?\\d{3} ?\\d{3}$"
TAG_RULE = "[0-9A-Za-zÀ-ÖØ-öø-ž]"
"""A topic needs a letter or digit that gives it an address (ASCII or a Latin letter)."""
COORDINATES_RULE = (
    "^(48\\.[6-9]\\d*|49\\.\\d+|50\\.\\d+), ?(12\\.[1-9]\\d*|1[3-7]\\.\\d+|18\\.[0-7]\\d*)$"
)
"""Latitude, longitude inside the Czech Republic (a little inside the schema's box)."""


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


def alias_rule() -> str:
    """Return the pattern of an old address: /parts/ of letters, digits, - _ . ~, no
    hidden part, and not at or under a name the site's own files take."""
    taken = "|".join(_any_case(name) for name in sorted(MACHINERY_NAMES))
    part = f"[A-Za-z0-9_~-][A-Za-z0-9._~-]{{0,{MAX_ALIAS_PART - 1}}}"
    return f"^(?!/({_any_case(SEARCH_FOLDER)}|({taken})(/|$)))(/{part})+/?$"


_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Titulek", "Nejvýš asi 65 znaků: delší titulek vyhledávače zkrátí."),
    "date": (
        "Datum a čas zveřejnění",
        "Čas v Praze. Budoucí datum zprávu naplánuje: vyjde sama v tento okamžik.",
    ),
    "updated": ("Datum poslední úpravy", "Jen při podstatné opravě už zveřejněné zprávy."),
    "summary": (
        "Perex",
        "Jedna až dvě věty, nejvýš asi 160 znaků; ukáže se v seznamech a ve vyhledávačích. "
        "Prázdný: použije se první odstavec textu.",
    ),
    "place": ("Místo", "Kde se událost konala, např. Žlutice."),
    "tags": ("Témata", "Každé téma zvlášť (Přidat), např. bydlení."),
    "regions": (
        "Kraje",
        "Kraje, kterých se zpráva týká; kraje vybraných lokalit se doplní samy.",
    ),
    "region": ("Kraj", ""),
    "localities": ("Lokality", "Začněte psát název obce nebo města a vyberte ho."),
    "partnerships": ("Lokální partnerství", "Začněte psát název a vyberte ho."),
    "partnership": ("Lokální partnerství", "Partnerství, do kterého lokalita patří."),
    "image": (
        "Fotografie",
        "JPEG nebo PNG do 1 MB. S fotografií je povinný i její popis pro nevidomé.",
    ),
    "image_alt": (
        "Popis fotografie pro nevidomé",
        "Povinný, je-li fotografie: co na ní je, pro čtenáře, kteří ji nevidí.",
    ),
    "image_caption": ("Popisek pod fotografií", "Např. co se na ní děje a kdo ji pořídil."),
    "documents": ("Dokumenty ke stažení", "Např. memorandum nebo výroční zpráva v PDF."),
    "file": ("Soubor", "PDF, dokument Office nebo tabulka."),
    "source": ("Zdroj", "Odkud zpráva pochází, převzala-li ji redakce."),
    "author": ("Autor", ""),
    "national": (
        "Celostátní zpráva",
        "Zapněte, týká-li se zpráva celé republiky: pak nevyžaduje kraj ani lokalitu.",
    ),
    "draft": ("Koncept", "Zapnuté: položka se nezveřejní, ukáže se jen v náhledu."),
    "aliases": (
        "Staré adresy",
        "Cesty od kořene webu, které na položku přesměrují, např. /clanky/123/.",
    ),
    "slug": (
        "Adresa (slug)",
        "Jen má-li být adresa jiná než z titulku: malá písmena bez diakritiky, číslice a pomlčky.",
    ),
    "kind": ("Typ", ""),
    "status": (
        "Stav spolupráce",
        "Prázdný: určí se z dat začátku a konce spolupráce.",
    ),
    "population": ("Počet obyvatel", ""),
    "cooperation_since": ("Spolupráce od", ""),
    "cooperation_until": ("Spolupráce do", ""),
    "coordinates": (
        "Souřadnice",
        "Zeměpisná šířka, délka, např. 50.0843, 13.0101 (šířka první).",
    ),
    "contact": ("Kontakt", ""),
    "name": ("Jméno nebo název", ""),
    "email": ("E-mail", "Např. jana.novakova@mmr.gov.cz."),
    "phone": ("Telefon", "Devět číslic po trojicích, např. +420 296 153 318."),
    "role": ("Funkce", "Např. lokální konzultantka."),
    "founded": ("Založeno", ""),
    "convener": ("Svolavatel", ""),
    "members": ("Členové", ""),
    "roles": ("Role zástupců", "Každou roli zvlášť (Přidat)."),
    "menu": ("Pořadí v hlavním menu", "Prázdné: stránka v menu není."),
}
"""Czech label and hint of each front-matter key, whatever kind holds it."""

_INNER_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("DocumentRef", "title"): ("Název dokumentu", "Např. Memorandum o spolupráci."),
    ("Member", "name"): ("Organizace", "Např. Město Žlutice."),
}
"""Labels of keys inside a list's items, where the key alone says too little."""

_OPTION_LABELS = {
    "active": "probíhá",
    "planned": "připravuje se",
    "ended": "skončila",
}
"""Czech labels of Literal values that are not Czech words already."""


def label_of(key: str) -> tuple[str, str] | None:
    """Return the Czech label and hint of a front-matter key, or None when it has none."""
    return _LABELS.get(key)


def fields_of(model: type[BaseModel]) -> list[Field]:
    """Return the editor fields of a front-matter model, in the model's key order."""
    hints = typing.get_type_hints(model, include_extras=True)
    last = [key for key in schema.ItemFrontMatter.model_fields if key != "title"]
    keys = [key for key in model.model_fields if key not in last]
    keys += [key for key in last if key in model.model_fields]
    return [_field(key, hints[key], model.model_fields[key], model.__name__) for key in keys]


def _field(key: str, hint: Any, info: FieldInfo, model: str) -> Field:
    required, default = info.is_required(), info.default
    label, help_text = _INNER_LABELS.get((model, key)) or _LABELS.get(key, (key, ""))
    field: Field = {"name": key, "label": label}
    if help_text:
        field["hint"] = help_text
    if not required:
        field["required"] = False
    if isinstance(default, bool):
        field["default"] = default
    inner = _without_none(hint)
    field |= _widget(key, inner, required)
    if field.get("widget") == "number":
        field |= _minimum(info.metadata)
    fewest = next((rule.min_length for rule in info.metadata if hasattr(rule, "min_length")), 0)
    if field.get("multiple") or field.get("widget") == "list":
        field |= {"min": fewest} if fewest else {}
    return field


def _without_none(hint: Any) -> Any:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return args[0]
    return hint


def _widget(key: str, hint: Any, required: bool) -> Field:
    """Return the widget options of a key whose value the schema reads as hint."""
    if typing.get_origin(hint) is tuple and hint not in (schema.Coordinates,):
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return _list_widget(key, args[0])
    for known, make in _KNOWN:
        if hint == known:
            return make(key, required)
    base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
    if typing.get_origin(base) is typing.Literal:
        return _select(typing.get_args(base))
    if base is bool:
        return {"widget": "boolean"}
    if base is int:
        metadata = typing.get_args(hint)[1:] if typing.get_origin(hint) is typing.Annotated else ()
        return {"widget": "number", "value_type": "int", **_minimum(metadata)}
    if isinstance(base, type) and issubclass(base, BaseModel):
        return {"widget": "object", "collapsed": True, "fields": fields_of(base)}
    return _text(key, required)


def _minimum(metadata: Sequence[object]) -> Field:
    """Return the number widget's lowest value from the schema's ge= rule."""
    for rule in metadata:
        lowest = getattr(rule, "ge", None)
        if lowest is not None:
            return {"min": lowest}
    return {}


def _list_widget(key: str, item: Any) -> Field:
    """Return a list's widget: a relation or select of many, or a list of its items."""
    if key in RELATIONS and item in (schema.Slug, schema.SlugRef):
        return _relation(*RELATIONS[key], multiple=True)
    if item in (schema.RegionId, schema.RegionRef):
        return {**_regions(), "multiple": True}
    inner = _widget(key, item, required=True)
    if inner.get("widget") == "object":
        return {"widget": "list", "collapsed": True, "fields": inner["fields"]}
    return {"widget": "list", "field": {"name": key, "label": _LABELS.get(key, (key,))[0], **inner}}


def _relation(collection: str, value: str, *, multiple: bool) -> Field:
    relation: Field = {
        "widget": "relation",
        "collection": collection,
        "value_field": value,
        "search_fields": ["title"],
        "display_fields": ["title"],
    }
    return relation | {"multiple": True} if multiple else relation


def _regions() -> Field:
    options = [{"label": region.name, "value": region.id} for region in all_regions()]
    return {"widget": "select", "options": options}


def _select(values: tuple[Any, ...]) -> Field:
    options = [{"label": _OPTION_LABELS.get(value, value), "value": value} for value in values]
    return {"widget": "select", "options": options}


def _pattern(rule: str, message: str) -> Field:
    return {"pattern": [rule, message]}


def _text(key: str, required: bool) -> Field:
    if key in ("image", "file"):
        return {"widget": key}  # a file beside index.md, or one in static/
    widget = "text" if key in ("summary", "image_alt") else "string"
    return {"widget": widget, **_pattern(FILLED, "Vyplňte text, nejen mezery.")}


def _slug(key: str, required: bool) -> Field:
    if key in RELATIONS:
        return _relation(*RELATIONS[key], multiple=False)
    return {
        "widget": "string",
        **_pattern(SLUG_RULE, "Malá písmena bez diakritiky, číslice a jednotlivé pomlčky."),
    }


def _moment(key: str, required: bool) -> Field:
    return {
        "widget": "datetime",
        "format": MOMENT_FORMAT,
        "date_format": DATE_FORMAT,
        "time_format": TIME_FORMAT,
    }


def _day(key: str, required: bool) -> Field:
    return {
        "widget": "datetime",
        "format": DAY_FORMAT,
        "date_format": DATE_FORMAT,
        "time_format": False,
    }


def _tag(key: str, required: bool) -> Field:
    return {"widget": "string", **_pattern(TAG_RULE, "Téma potřebuje písmeno nebo číslici.")}


def _alias(key: str, required: bool) -> Field:
    return {
        "widget": "string",
        **_pattern(alias_rule(), "Cesta od kořene webu, např. /clanky/123/ (bez ? a #)."),
    }


def _coordinates(key: str, required: bool) -> Field:
    return {"widget": "string", **_pattern(COORDINATES_RULE, "Např. 50.0843, 13.0101.")}


def _email(key: str, required: bool) -> Field:
    return {"widget": "string", **_pattern(EMAIL_RULE, "Např. jana.novakova@mmr.gov.cz.")}


def _phone(key: str, required: bool) -> Field:
    return {"widget": "string", **_pattern(PHONE_RULE, "Např. +420 296 153 318.")}


def _region(key: str, required: bool) -> Field:
    return _regions()


_KNOWN: tuple[tuple[Any, Callable[[str, bool], Field]], ...] = (
    (schema.Slug, _slug),
    (schema.SlugRef, _slug),
    (schema.Moment, _moment),
    (schema.Day, _day),
    (schema.Tag, _tag),
    (schema.AliasPath, _alias),
    (schema.Coordinates, _coordinates),
    (schema.Email, _email),
    (schema.Phone, _phone),
    (schema.RegionId, _region),
    (schema.RegionRef, _region),
    (schema.Text, _text),
)
"""The schema's named value types and the widget of each."""
