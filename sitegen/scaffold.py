"""`sitegen new news "Titulek"`: write a new content file that builds as it is.

The file lists every front-matter key of its kind: the required ones filled in, the
optional ones commented out with an example value, so an author sees all that can be
said and uncomments what applies. A new news item is a draft until its author removes
`draft: true`.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from sitegen.content.sources import KIND_FOLDERS
from sitegen.errors import UsageError
from sitegen.regions import all_regions
from sitegen.typography import ascii_slug

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
region: {region}  # {regions}
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
localities: [{locality}]
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


def new_file(kind: str, title: str, content_path: Path, now: datetime, tz: ZoneInfo) -> Path:
    """Write a new content file of kind with title; return its path.

    Raises:
        UsageError: when the title gives no slug, the file exists, or a partnership
            has no locality to name.
    """
    bad = _BAD_TITLE.search(title)
    if bad is not None:
        raise UsageError(
            f"{title!r}: the title must be one line of text without control characters "
            f"(found U+{ord(bad.group()):04X}); write it on one line"
        )
    slug = shorten_slug(ascii_slug(title), MAX_SLUG)
    if not slug:
        raise UsageError(f"{title!r}: the title needs letters or digits to make a file name")
    local = now.astimezone(tz)
    name = f"{local:%Y-%m-%d}-{slug}.md" if kind == "news" else f"{slug}.md"
    path = content_path / FOLDERS[kind] / name
    if path.exists() or path.with_suffix("").is_dir():
        raise UsageError(f"{path}: already exists; choose another title or edit that file")
    localities = _slugs(content_path / "localities")
    if kind == "partnership" and not localities:
        raise UsageError("a partnership needs a locality: run `new locality` first")
    text = TEMPLATES[kind].format(
        title=_yaml_text(title),
        now=local,
        slug=slug,
        region=all_regions()[0].id,
        regions=", ".join(region.id for region in all_regions()),
        locality=(localities or ["zlutice"])[0],
        partnership=(_slugs(content_path / "partnerships") or ["zluticko"])[0],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # never overwrite, even in a race
        file.write(text)
    return path


def _slugs(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.stem if p.is_file() else p.name for p in folder.iterdir() if p.name[0] != ".")


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
