"""The web editor at /admin/ (docs/webovy-editor.md): written only with site.yaml's `cms:`
block, its config.yml made from the table of kinds and the front-matter schemas, its
script the pinned one, and what its form can produce is what sitegen accepts.

The editor in a real browser is in tests/test_admin_browser.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.base.config import load_config
from sitegen.base.errors import ContentError
from sitegen.base.urls import Urls
from sitegen.content import kinds
from sitegen.content.schema import NewsFrontMatter
from sitegen.engine.pipeline import build
from sitegen.plan.admin import (
    DECAP_FOLDER,
    DECAP_SCRIPT,
    DECAP_SHA256,
    TEST_BACKEND,
    config_yml,
    editor_config,
)
from sitegen.plan.editor_fields import fields_of, label_of
from tests.conftest import LOCALITY, REPO, SITE_YAML, make_site, options_for

GITLAB = """\
cms:
  backend: gitlab
  repo: mmr/socialni-zaclenovani-web
  app_id: 0123456789abcdef
"""
NEWS = """\
---
title: Nová výzva
date: 2026-11-10T09:00
localities: [zlutice]
---
Text zprávy o výzvě.
"""


def editor_site(root: Path, cms: str = GITLAB) -> Path:
    return make_site(
        root,
        {
            "site.yaml": SITE_YAML + cms,
            "content/localities/zlutice.md": LOCALITY,
            "content/news/2026-11-10-nova-vyzva.md": NEWS,
        },
    )


def built_config(output: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((output / "admin" / "config.yml").read_text("utf-8"))
    return data


def collection(config: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in config["collections"] if c["name"] == name)
    return found


def field(fields: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in fields if f["name"] == name)
    return found


def test_without_a_cms_block_the_site_has_no_admin(tmp_path: Path) -> None:
    site = editor_site(tmp_path / "site", cms="")
    build(options_for(site))
    assert (site / "public" / "index.html").is_file()
    assert not (site / "public" / "admin").exists()


def test_with_a_cms_block_the_build_writes_the_editor(tmp_path: Path) -> None:
    site = editor_site(tmp_path / "site")
    build(options_for(site))
    admin = site / "public" / "admin"
    assert sorted(path.name for path in admin.iterdir()) == [
        "config.yml",
        "decap-cms.js",
        "index.html",
    ]
    script = (admin / "decap-cms.js").read_bytes()
    assert hashlib.sha256(script).hexdigest() == DECAP_SHA256
    page = (admin / "index.html").read_text("utf-8")
    assert '<script src="decap-cms.js?v=' in page
    assert "http" not in page.replace('href="https://example.cz/admin/"', "")
    config = built_config(site / "public")
    assert config["backend"] == {
        "name": "gitlab",
        "repo": "mmr/socialni-zaclenovani-web",
        "branch": "main",
        "auth_type": "pkce",
        "app_id": "0123456789abcdef",
    }
    assert config["locale"] == "cs"
    assert config["publish_mode"] == "editorial_workflow"
    assert config["site_url"] == "https://example.cz/"


def test_the_vendored_script_is_the_pinned_one_with_its_licence() -> None:
    script = (DECAP_FOLDER / DECAP_SCRIPT).read_bytes()
    assert hashlib.sha256(script).hexdigest() == DECAP_SHA256
    licence = (DECAP_FOLDER / "LICENSE.txt").read_text("utf-8")
    assert licence.startswith("decap-cms@3.16.3: MIT licence")
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "DECAP_PACKAGE := decap-cms@3.16.3" in makefile


def test_a_github_backend_signs_in_through_its_proxy(tmp_path: Path) -> None:
    cms = "cms:\n  backend: github\n  repo: mmr/web\n  branch: web\n  base_url: https://auth.example.cz\n"
    site = editor_site(tmp_path / "site", cms)
    config = load_config(site, None)
    data = editor_config(config, Urls(config.base_url), {"name": "x"})
    assert data["backend"] == {"name": "x"}
    build(options_for(site))
    assert built_config(site / "public")["backend"] == {
        "name": "github",
        "repo": "mmr/web",
        "branch": "web",
        "base_url": "https://auth.example.cz",
    }


@pytest.mark.parametrize(
    ("cms", "expected"),
    [
        (
            "cms:\n  backend: gitlub\n  repo: mmr/web\n",
            "site.yaml:14: cms.backend: 'gitlub' is not allowed; "
            "write one of: 'gitlab' or 'github'",
        ),
        (
            "cms:\n  backend: gitlab\n  repo: mmr/web\n",
            "site.yaml:13: cms: GitLab needs app_id: the Application ID of the OAuth "
            "application (GitLab → Edit profile → Applications), see docs/webovy-editor.md",
        ),
        (
            "cms:\n  backend: github\n  repo: mmr/web\n",
            "site.yaml:13: cms: GitHub needs base_url: the address of the OAuth proxy that "
            "signs editors in, see docs/webovy-editor.md",
        ),
        (
            "cms:\n  backend: gitlab\n  repo: web\n  app_id: x\n",
            "site.yaml:15: cms.repo: 'web' is not a repository; write its path on the Git "
            "host, e.g. mmr/socialni-zaclenovani-web",
        ),
        (
            "cms:\n  backend: gitlab\n  repo: mmr/web\n  app_id: x\n  branche: main\n",
            "site.yaml:17: cms.branche: unknown key (did you mean 'branch'?)",
        ),
    ],
)
def test_a_wrong_cms_block_says_where_and_what_to_write(
    tmp_path: Path, cms: str, expected: str
) -> None:
    site = editor_site(tmp_path / "site", cms)
    with pytest.raises(ContentError) as error:
        load_config(site, None)
    assert [str(problem) for problem in error.value.problems] == [expected]


def test_config_follows_site_yaml_in_an_incremental_build(tmp_path: Path) -> None:
    site = editor_site(tmp_path / "site")
    build(options_for(site))
    (site / "site.yaml").write_text(SITE_YAML + GITLAB.replace("0123456789abcdef", "fedcba"))
    build(options_for(site))
    assert built_config(site / "public")["backend"]["app_id"] == "fedcba"
    (site / "site.yaml").write_text(SITE_YAML)
    build(options_for(site))
    assert not (site / "public" / "admin").exists()


def test_every_front_matter_key_of_every_kind_has_a_czech_label() -> None:
    missing = [
        f"{kind.name}.{key}"
        for kind in kinds.all_kinds()
        for key in kind.schema.model_fields
        if label_of(key) is None
    ]
    assert missing == []


def test_a_new_front_matter_key_appears_in_the_form_by_itself() -> None:
    class WithSubtitle(NewsFrontMatter):
        subtitle: str | None = None

    subtitle = field(fields_of(WithSubtitle), "subtitle")
    assert subtitle["required"] is False
    assert subtitle["widget"] == "string"


def sample_config() -> dict[str, Any]:
    config = load_config(REPO, None)
    data: dict[str, Any] = yaml.safe_load(config_yml(config, Urls(config.base_url), TEST_BACKEND))
    return data


def test_news_are_folders_named_by_date_with_their_files_beside() -> None:
    config = sample_config()
    news = collection(config, "news")
    assert news["folder"] == "content/news"
    assert news["slug"] == "{{year}}-{{month}}-{{day}}-{{slug}}"
    assert news["path"] == "{{slug}}/index"
    assert (news["media_folder"], news["public_folder"]) == ("", "")
    assert news["preview_path"] == "aktuality/{{fields.title}}/"
    older = collection(config, "news_files")
    assert older["folder"] == "content/news" and "path" not in older
    assert older["create"] is False
    assert collection(config, "localities")["preview_path"] == "lokality/{{slug}}/"
    assert config["slug"] == {
        "encoding": "ascii",
        "clean_accents": True,
        "sanitize_replacement": "-",
    }


def test_every_item_of_the_sample_site_is_in_a_collection() -> None:
    config = sample_config()
    listed = set()
    for entry in config["collections"]:
        folder = REPO / entry["folder"]
        pattern = "*/index.md" if "path" in entry else "*.md"
        listed |= {path for path in folder.glob(pattern)}
    items = set((REPO / "content").glob("*/**/*.md"))
    czech = {path for path in items if not path.name.endswith(".en.md")}
    assert czech <= listed
    # The English translations (X.en.md) are not the web editor's yet: a single file's
    # shows in its folder's collection (Decap lists every .md file there).
    assert listed - czech <= items - czech


def test_the_news_form_has_the_right_widgets() -> None:
    fields = collection(sample_config(), "news")["fields"]
    assert [f["name"] for f in fields[:3]] == ["title", "date", "updated"]
    assert fields[-1] == {
        "name": "body",
        "label": "Text",
        "widget": "markdown",
        "required": False,
        "hint": "Odstavce oddělte prázdným řádkem; nadpisy začínejte úrovní 2.",
    }
    title = field(fields, "title")
    assert "required" not in title and "65 znaků" in title["hint"]
    assert field(fields, "date")["format"] == "YYYY-MM-DDTHH:mm"
    assert "160 znaků" in field(fields, "summary")["hint"]
    regions = field(fields, "regions")
    assert regions["widget"] == "select" and regions["multiple"] is True
    assert len(regions["options"]) == 14
    assert {"label": "Karlovarský kraj", "value": "karlovarsky"} in regions["options"]
    localities = field(fields, "localities")
    assert localities["widget"] == "relation"
    assert (localities["collection"], localities["value_field"]) == ("localities", "{{slug}}")
    assert localities["multiple"] is True
    assert field(fields, "image")["widget"] == "image"
    documents = field(fields, "documents")
    assert [(f["name"], f["widget"]) for f in documents["fields"]] == [
        ("title", "string"),
        ("file", "file"),
    ]
    assert field(fields, "draft") == {
        "name": "draft",
        "label": "Koncept",
        "hint": "Zapnuté: položka se nezveřejní, ukáže se jen v náhledu.",
        "required": False,
        "default": False,
        "widget": "boolean",
    }


def test_config_is_the_same_every_time() -> None:
    config = load_config(REPO, None)
    urls = Urls(config.base_url)
    assert config_yml(config, urls, TEST_BACKEND) == config_yml(config, urls, TEST_BACKEND)


def test_front_matter_reads_words_and_numbers_as_yaml_1_2(tmp_path: Path) -> None:
    """The editor writes `title: yes` and `source: 1_000` without quotes: they are text."""
    news = NEWS.replace("title: Nová výzva", "title: yes\nplace: on\nsource: 1_000\nauthor: 9:30")
    site = editor_site(tmp_path / "site")
    (site / "content/news/2026-11-10-nova-vyzva.md").write_text(news)
    build(dataclasses.replace(options_for(site), use_cache=False))
    page = (site / "public/aktuality/nova-vyzva/index.html").read_text("utf-8")
    assert "<h1>yes</h1>" in page or ">yes</h1>" in page
