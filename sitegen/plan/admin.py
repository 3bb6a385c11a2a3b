"""Plan stage, the web editor at /admin/ (docs/webovy-editor.md): Decap CMS, configured
from the table of kinds and their front-matter schemas, never by hand.

Input: the site's settings (site.yaml's `cms:` block) and the table of kinds. Output:
the files of /admin/ — index.html (the editor's page, which loads only the site's own
script), config.yml (a collection per kind, a field per front-matter key: see
editor_fields.py) and decap-cms.js (the pinned script vendored by `make vendor-decap`,
checked against DECAP_SHA256 before it is published). Without `cms:`, no files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import yaml

from sitegen.base.config import Cms, SiteConfig
from sitegen.base.urls import Urls
from sitegen.content.kinds import Kind, all_kinds
from sitegen.plan.editor_fields import Field, fields_of

ADMIN = "admin"
"""The editor's folder in the built site."""
DECAP_FOLDER = Path(__file__).resolve().parent.parent / "vendor" / "decap-cms"
DECAP_SCRIPT = "decap-cms.js"
DECAP_VERSION = "3.16.3"
DECAP_SHA256 = "7c1efd6b616b4786e279aeef194dd21649a72058d3bc8d1f78901b574610dfb8"
"""The digest of the script `make vendor-decap` copies (it prints it)."""
MEDIA_FOLDER = "static/files"
"""Where the editor puts files of an item that is a single file (published at /files/)."""
STYLES = ("css/theme.css", "css/site.css")
"""The theme's style sheets, which the editor's preview pane uses."""
TEST_BACKEND: dict[str, Any] = {"name": "test-repo"}
"""Decap's in-browser backend, which saves nowhere: for tests and screenshots only."""


@dataclass(frozen=True, slots=True)
class Shelf:
    """One collection of the editor: the items of a kind in one layout."""

    kind: str
    """The name of its kind in the table of kinds."""
    name: str
    label: str
    label_singular: str
    bundle: bool
    """Each item is a folder with index.md and its files beside (photos, PDFs)."""
    create: bool = True
    """New items are made here (a kind with two layouts makes them in one)."""


SHELVES = (
    Shelf("news", "news", "Aktuality", "Aktualita", bundle=True),
    Shelf("news", "news_files", "Aktuality bez příloh", "Aktualita", bundle=False, create=False),
    Shelf("locality", "localities", "Lokality", "Lokalita", bundle=False),
    Shelf("partnership", "partnerships", "Lokální partnerství", "Partnerství", bundle=False),
    Shelf("page", "pages", "Stránky", "Stránka", bundle=False),
    Shelf("region", "regions", "Texty krajů", "Text kraje", bundle=False, create=False),
)
"""The collections of each kind. News items are written as folders (a photo and a PDF
go beside index.md); the older ones that are single files are listed too, to edit.
Items that other items name (localities, partnerships) are single files, because the
editor's relation field gives a folder's item the value "name/index"; their files go
to static/files/. A kind the table does not name gets a collection of single files
named by its folder."""


def shelves_of(kind: Kind) -> list[Shelf]:
    """Return the collections of a kind."""
    named = [shelf for shelf in SHELVES if shelf.kind == kind.name]
    return named or [Shelf(kind.name, kind.folder, kind.folder, kind.name, bundle=False)]


def backend_of(cms: Cms) -> dict[str, Any]:
    """Return the backend block of config.yml for the `cms:` block of site.yaml."""
    backend: dict[str, Any] = {"name": cms.backend, "repo": cms.repo, "branch": cms.branch}
    if cms.backend == "gitlab":
        backend |= {"auth_type": "pkce", "app_id": cms.app_id}
        if cms.base_url:
            backend |= {"base_url": cms.base_url, "api_root": f"{cms.base_url}/api/v4"}
    else:
        backend["base_url"] = cms.base_url
    return backend


def editor_config(config: SiteConfig, urls: Urls, backend: dict[str, Any]) -> dict[str, Any]:
    """Return config.yml's data: the backend, Czech, drafts as merge requests, a
    collection per kind and layout."""
    return {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "locale": "cs",
        "site_url": config.base_url,
        "display_url": config.base_url,
        "media_folder": MEDIA_FOLDER,
        "public_folder": urls.file("files"),
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            _collection(kind, shelf, urls) for kind in all_kinds() for shelf in shelves_of(kind)
        ],
    }


def _collection(kind: Kind, shelf: Shelf, urls: Urls) -> dict[str, Any]:
    name = "{{year}}-{{month}}-{{day}}-{{slug}}" if kind.has_date_prefix else "{{slug}}"
    collection: dict[str, Any] = {
        "name": shelf.name,
        "label": shelf.label,
        "label_singular": shelf.label_singular,
        "folder": f"content/{kind.folder}",
        "extension": "md",
        "format": "frontmatter",
        "create": shelf.create,
        "slug": name,
    }
    fields = fields_of(kind.schema)
    if shelf.bundle:
        collection |= {"path": "{{slug}}/index", "media_folder": "", "public_folder": ""}
    if not any(field["name"] == "title" for field in fields):
        collection["summary"] = "{{filename}}"
        collection["identifier_field"] = fields[0]["name"] if fields else "body"
    collection["preview_path"] = _preview_path(kind, shelf, urls)
    collection["fields"] = [*fields, _body()]
    return collection


def _preview_path(kind: Kind, shelf: Shelf, urls: Urls) -> str:
    """Return where an item is on the site: by its file name, or (a dated name or a
    folder) by its title, which gave the name its slug."""
    slug = "{{fields.title}}" if kind.has_date_prefix or shelf.bundle else "{{slug}}"
    return kind.url(urls, "SLUG").removeprefix(urls.base_path).replace("SLUG", slug)


def _body() -> Field:
    return {
        "name": "body",
        "label": "Text",
        "widget": "markdown",
        "required": False,
        "hint": "Odstavce oddělte prázdným řádkem; nadpisy začínejte úrovní 2.",
    }


def config_yml(config: SiteConfig, urls: Urls, backend: dict[str, Any]) -> bytes:
    """Return the text of /admin/config.yml, the same for the same settings and schema."""
    data = editor_config(config, urls, backend)
    header = "# Made by sitegen from the table of kinds and site.yaml's cms: block; do not edit.\n"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return (header + text).encode()


def index_html(config: SiteConfig, urls: Urls) -> bytes:
    """Return the editor's page: Decap's script from the site, in Czech, with the
    theme's styles in its preview and empty optional fields left out of the files."""
    styles = "\n".join(f"CMS.registerPreviewStyle({urls.file(css)!r});" for css in STYLES)
    canonical = escape(config.base_url + urls.file(f"{ADMIN}/").removeprefix(urls.base_path))
    return _PAGE.format(
        title=escape(config.title), canonical=canonical, version=DECAP_SHA256[:12], styles=styles
    ).encode()


_PAGE = """<!doctype html>
<html lang="cs">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<title>Webový editor – {title}</title>
<meta name="description" content="Webový editor obsahu webu {title}.">
<link rel="canonical" href="{canonical}">
</head>
<body>
<script src="decap-cms.js?v={version}"></script>
<script>
{styles}
// An optional field left empty is left out of the file: sitegen reads a key that is
// there as filled in, and refuses "" (the editor would write it for a cleared field).
// Empty lists stay: sitegen reads them as none, and the form makes them again.
function sitegenIsEmpty(value) {{
  return value === null || value === undefined || value === "" ||
    (typeof value === "object" && typeof value.filter === "function" &&
     typeof value.push !== "function" && value.size === 0);
}}
function sitegenPrune(value) {{
  if (value !== null && typeof value === "object" && typeof value.filter === "function") {{
    return value.map(sitegenPrune).filter(function (item) {{ return !sitegenIsEmpty(item); }});
  }}
  return value;
}}
CMS.registerEventListener({{
  name: "preSave",
  handler: function (event) {{ return sitegenPrune(event.entry.get("data")); }},
}});
</script>
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class EditorFile:
    """A file of /admin/: its output path and bytes, or the vendored file it copies."""

    path: str
    data: bytes | None
    source: Path | None = None


class VendoredScriptChanged(Exception):
    """The vendored editor script is not the one `make vendor-decap` checked."""


def vendored_script() -> bytes:
    """Return Decap's script, checked against DECAP_SHA256.

    Raises:
        VendoredScriptChanged: when its digest differs (run `make vendor-decap`).
    """
    data = (DECAP_FOLDER / DECAP_SCRIPT).read_bytes()
    if hashlib.sha256(data).hexdigest() != DECAP_SHA256:
        raise VendoredScriptChanged(str(DECAP_FOLDER / DECAP_SCRIPT))
    return data


def editor_files(config: SiteConfig, urls: Urls) -> list[EditorFile]:
    """Return the files of /admin/; none without a `cms:` block."""
    if config.cms is None:
        return []
    folder = urls.output_path(urls.file(f"{ADMIN}/")).removesuffix("index.html")
    return [
        EditorFile(f"{folder}index.html", index_html(config, urls)),
        EditorFile(f"{folder}config.yml", config_yml(config, urls, backend_of(config.cms))),
        EditorFile(f"{folder}{DECAP_SCRIPT}", None, DECAP_FOLDER / DECAP_SCRIPT),
    ]
