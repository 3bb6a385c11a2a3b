"""`sitegen new news "Titulek"`: write a new content file that builds as it is.

The file lists every front-matter key of its kind: the required ones filled in, the
optional ones commented out with an example value, so an author sees all that can be
said and uncomments what applies. Every new item is a draft until its author removes
`draft: true`; a reference the author must choose (a locality's region, a partnership's
localities) is written as the placeholder DOPLNIT, which stops the build once the
draft line is gone and the placeholder is still there. What a kind's file says, where
it goes and how it is named come from the table of kinds (content/kinds.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from sitegen.base.errors import ContentError, UsageError
from sitegen.base.i18n import _
from sitegen.base.regions import all_regions
from sitegen.base.typography import ascii_slug
from sitegen.base.yamldoc import reads_as_text
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.kinds import LOCALITY, PARTNERSHIP, Kind
from sitegen.content.schema import PLACEHOLDER
from sitegen.content.skeletons import TRANSLATION_SKELETON, TRANSLATION_SUMMARY
from sitegen.content.sources import BUNDLE_INDEX, translation_index, translation_of

MAX_SLUG = 60
"""Longest slug made from a title: file names and addresses stay readable."""

_BAD_TITLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Line breaks, control characters and bytes that are not UTF-8 (lone surrogates)."""


def new_file(
    kind: Kind, title: str, content_path: Path, now: datetime, tz: ZoneInfo, *, bundle: bool = False
) -> Path:
    """Write a new content file of kind (one of content/kinds.py's NEW_KINDS) with title;
    return its path.

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
    assert kind.skeleton is not None, kind.name  # the CLI offers only NEW_KINDS
    folder = content_path / kind.folder
    _refuse_taken(kind, slug, folder)
    local = now.astimezone(tz)
    name = kind.file_name(slug, local.date())
    path = folder / (f"{name}/{BUNDLE_INDEX}" if bundle else f"{name}.md")
    text = kind.skeleton.format(
        title=_yaml_text(title),
        now=local,
        slug=slug,
        placeholder=PLACEHOLDER,
        region=all_regions()[0].id,
        regions=", ".join(region.id for region in all_regions()),
        locality=(_slugs(content_path / LOCALITY.folder) or ["zlutice"])[0],
        partnership=(_slugs(content_path / PARTNERSHIP.folder) or ["zluticko"])[0],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # never overwrite, even in a race
        file.write(text)
    return path


def _refuse_taken(kind: Kind, slug: str, folder: Path) -> None:
    """Refuse a slug that is reserved or that a file of the same kind already has.

    Raises:
        UsageError: naming the file that has the slug.
    """
    if slug in kind.reserved_slugs:
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


def _slugs_in_use(kind: Kind, folder: Path) -> list[tuple[Path, str]]:
    """Return (file, slug) of every item in folder: from its name and its slug: line."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or translation_of(path.name)[1] is not None:
            continue
        name = path.stem if path.is_file() else path.name
        found.append((path, kind.slug_of(name)))
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
    is when the front matter's reader reads it so, else in double quotes with YAML's own
    escapes."""
    if _dump_scalar(text, None) == text and reads_as_text(text, text):
        return text
    return _dump_scalar(text, '"')


def _dump_scalar(text: str, style: str | None) -> str:
    dumped = yaml.safe_dump({"t": text}, allow_unicode=True, width=2**31 - 1, default_style=style)
    return dumped.removeprefix('"t": ').removeprefix("t: ").rstrip("\n")


def new_translation(kind: Kind, original: str, content_path: Path, language: str) -> Path:
    """Write the skeleton of the translation into language of the item of kind that
    original names (its slug or file name) beside it; return its path.

    Raises:
        UsageError: when no item of kind has that name, or it has the translation already.
    """
    found = _original_file(kind, original, content_path / kind.folder)
    if found.name == BUNDLE_INDEX:
        path = found.parent / translation_index(language)
    else:
        path = found.with_name(f"{found.stem}.{language}.md")
    shown = f"{content_path.name}/{path.relative_to(content_path).as_posix()}"
    if path.exists():
        raise UsageError(
            _("{file} exists already: edit it, or remove it to start again").format(file=shown)
        )
    original_shown = f"{content_path.name}/{found.relative_to(content_path).as_posix()}"
    text = TRANSLATION_SKELETON.format(
        original=original_shown,
        original_title=_title_of(found),
        placeholder=PLACEHOLDER,
        summary=TRANSLATION_SUMMARY if "summary" in kind.schema.model_fields else "",
        slug="english-title",
    )
    with path.open("x", encoding="utf-8") as file:  # never overwrite, even in a race
        file.write(text)
    return path


def _original_file(kind: Kind, original: str, folder: Path) -> Path:
    """Return the Markdown file of the item of kind that original names (its slug, its
    file name with or without .md, or its bundle folder's name).

    Raises:
        UsageError: naming the folder, when there is none.
    """
    wanted = original.removesuffix("/").removesuffix(".md")
    for path, slug in _slugs_in_use(kind, folder):
        text_path = path / BUNDLE_INDEX if path.is_dir() else path
        name = path.name if path.is_dir() else translation_of(path.name)[0]
        if wanted in (slug, name) and text_path.is_file():
            return text_path
    raise UsageError(
        _(
            "no {kind} called {original!r} in content/{folder}/: give the file name of the "
            "Czech original (without .md), e.g. {example!r}"
        ).format(
            kind=kind.name,
            original=original,
            folder=kind.folder,
            example=(_slugs(folder) or ["o-agenture"])[0],
        )
    )


def _title_of(path: Path) -> str:
    """Return the title of the content file at path ("" when it has none)."""
    try:
        title = split_front_matter(path.read_text("utf-8"), str(path)).data.get("title")
    except (OSError, UnicodeDecodeError, ContentError):
        return ""
    return title if isinstance(title, str) else ""
