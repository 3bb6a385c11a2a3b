"""`sitegen new news "Titulek"`: write a new content file that builds as it is.

The file lists every front-matter key of its kind: the required ones filled in, the
optional ones commented out with an example value, so an author sees all that can be
said and uncomments what applies. Every new item is a draft until its author removes
`draft: true`; a reference the author must choose (a locality's region, a partnership's
localities) is written as the placeholder DOPLNIT, which stops the build once the
draft line is gone and the placeholder is still there.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from sitegen.content.schema import PLACEHOLDER
from sitegen.content.sources import BUNDLE_INDEX, KIND_FOLDERS
from sitegen.errors import UsageError
from sitegen.i18n import _
from sitegen.regions import all_regions
from sitegen.typography import ascii_slug
from sitegen.urls import ARCHIVE_SEGMENT, PAGE_SEGMENT, RESERVED_ROOT_NAMES

KINDS = ("news", "locality", "partnership", "page")
FOLDERS = {kind: folder for folder, kind in KIND_FOLDERS.items()}

_NEWS = """\
---
title: {title}
date: {now:%Y-%m-%dT%H:%M}
draft: true  # smažte, až má být zpráva zveřejněná
# updated: {now:%Y-%m-%d}
# summary: Perex: jedna nebo dvě věty o tom, co se stalo.
# place: Praha
# tags: [bydlení, zaměstnanost]
# regions: [{region}]
# localities: [{locality}]
# partnerships: [{partnership}]
# national: true  # zpráva se týká celé republiky, ne jednoho kraje
# image: foto.jpg  # soubor ve složce zprávy (složka s index.md) nebo /img/... ze static/
# image_alt: Co je na fotografii
# image_caption: Popisek pod fotografií
# documents:
#   - title: Tisková zpráva
#     file: tiskova-zprava.pdf
# source: Tisková zpráva Ministerstva pro místní rozvoj
# author: Jméno Příjmení
# slug: {slug}
---
Úvodní odstavec zprávy.

## Podrobnosti

Text zprávy.
"""

_LOCALITY = """\
---
title: {title}
draft: true  # smažte, až má být lokalita zveřejněná
region: {placeholder}  # id kraje: {regions}
status: planned  # active (probíhá), planned (připravuje se), ended (ukončena)
# kind: obec  # město, obec, mikroregion, městská část
# population: 5000
# cooperation_since: {now:%Y-%m-%d}
# cooperation_until: {now:%Y-%m-%d}
# partnership: {partnership}
# coordinates: [50.08, 14.42]
# slug: {slug}
---
Popis lokality.
"""

_PARTNERSHIP = """\
---
title: {title}
draft: true  # smažte, až má být partnerství zveřejněné
localities: [{placeholder}]  # názvy souborů z content/localities/ bez .md, např. [{locality}]
# founded: {now:%Y-%m-%d}
# convener: Agentura pro sociální začleňování
# contact:
#   name: Jméno Příjmení
#   email: jmeno.prijmeni@example.cz
#   phone: +420 224 002 000
# members:
#   - name: Město
#     roles: [starosta]
# documents:
#   - title: Strategický plán
#     file: strategicky-plan.pdf
# slug: {slug}
---
Popis partnerství.
"""

_PAGE = """\
---
title: {title}
draft: true  # smažte, až má být stránka zveřejněná
# menu: 50  # pořadí v hlavní nabídce; bez klíče stránka v nabídce není
# summary: Jedna věta o obsahu stránky.
# slug: {slug}
---
Text stránky.
"""

MAX_SLUG = 60
"""Longest slug made from a title: file names and addresses stay readable."""

_BAD_TITLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Line breaks, control characters and bytes that are not UTF-8 (lone surrogates)."""

TEMPLATES = {"news": _NEWS, "locality": _LOCALITY, "partnership": _PARTNERSHIP, "page": _PAGE}


def new_file(
    kind: str, title: str, content_path: Path, now: datetime, tz: ZoneInfo, *, bundle: bool = False
) -> Path:
    """Write a new content file of kind with title; return its path.

    With bundle, the file is index.md in a new folder, where photos and documents go.

    Raises:
        UsageError: when the title is not one line of text, gives no slug, or gives a
            slug that another file or a section of the site already has.
    """
    bad = _BAD_TITLE.search(title)
    if bad is not None:
        raise UsageError(
            _(
                "{title!r}: the title must be one line of text without control characters "
                "(found U+{code:04X}); write it on one line"
            ).format(title=title, code=ord(bad.group()))
        )
    slug = shorten_slug(ascii_slug(title), MAX_SLUG)
    if not slug:
        raise UsageError(
            _("{title!r}: the title needs letters or digits to make a file name").format(
                title=title
            )
        )
    _refuse_taken(kind, slug, content_path / FOLDERS[kind])
    local = now.astimezone(tz)
    name = f"{local:%Y-%m-%d}-{slug}" if kind == "news" else slug
    path = content_path / FOLDERS[kind] / (f"{name}/{BUNDLE_INDEX}" if bundle else f"{name}.md")
    text = TEMPLATES[kind].format(
        title=_yaml_text(title),
        now=local,
        slug=slug,
        placeholder=PLACEHOLDER,
        region=all_regions()[0].id,
        regions=", ".join(region.id for region in all_regions()),
        locality=(_slugs(content_path / "localities") or ["zlutice"])[0],
        partnership=(_slugs(content_path / "partnerships") or ["zluticko"])[0],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # never overwrite, even in a race
        file.write(text)
    return path


RESERVED_SLUGS = {
    "news": frozenset({PAGE_SEGMENT, ARCHIVE_SEGMENT}),
    "page": RESERVED_ROOT_NAMES,
}
"""Slugs whose address belongs to a generated page: the lists' pages and archives."""


def _refuse_taken(kind: str, slug: str, folder: Path) -> None:
    """Refuse a slug that is reserved or that a file of the same kind already has.

    Raises:
        UsageError: naming the file that has the slug.
    """
    if slug in RESERVED_SLUGS.get(kind, frozenset()):
        raise UsageError(
            _("{slug!r} is the address of a section of the site; choose another title").format(
                slug=slug
            )
        )
    for existing, taken in _slugs_in_use(kind, folder):
        if taken == slug:
            raise UsageError(
                _(
                    "{file}: already has the slug {slug!r} (its address would be the "
                    "same); choose another title or edit that file"
                ).format(file=existing, slug=slug)
            )


_SLUG_LINE = re.compile(r"^slug:[ \t]*['\"]?([a-z0-9-]+)['\"]?[ \t]*(#.*)?$", re.MULTILINE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def _slugs_in_use(kind: str, folder: Path) -> list[tuple[Path, str]]:
    """Return (file, slug) of every item in folder: from its name and its slug: line."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        name = path.stem if path.is_file() else path.name
        found.append((path, _DATE_PREFIX.sub("", name) if kind == "news" else name))
        text_path = path / BUNDLE_INDEX if path.is_dir() else path
        if text_path.is_file() and text_path.suffix == ".md":
            declared = _SLUG_LINE.search(_front_matter(text_path))
            if declared:
                found.append((text_path, declared.group(1)))
    return found


def _slugs(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.stem if p.is_file() else p.name for p in folder.iterdir() if p.name[0] != ".")


def _front_matter(path: Path) -> str:
    """Return the text between the file's two --- lines ("" when it has none)."""
    text = path.read_text("utf-8", errors="replace")
    if not text.startswith("---"):
        return ""
    end = text.find("\n---", 3)
    return text[3:end] if end >= 0 else ""


def shorten_slug(slug: str, limit: int) -> str:
    """Return slug cut to at most limit characters, at a dash when there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:limit]


def _yaml_text(text: str) -> str:
    """Return text as a one-line YAML scalar that reads back as the same text: as it
    is when YAML reads it so, else in double quotes with YAML's own escapes."""
    if _dump_scalar(text, None) == text:
        return text
    return _dump_scalar(text, '"')


def _dump_scalar(text: str, style: str | None) -> str:
    dumped = yaml.safe_dump({"t": text}, allow_unicode=True, width=2**31 - 1, default_style=style)
    return dumped.removeprefix('"t": ').removeprefix("t: ").rstrip("\n")
