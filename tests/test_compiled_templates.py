"""Compiled templates are shared by every site one process builds with the same templates
(a test run, a preview), and each site's errors still name its own template files."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sitegen.base.errors import ContentError
from sitegen.base.options import CACHE_FOLDER, BuildOptions
from sitegen.engine import make
from sitegen.engine.pipeline import build
from sitegen.render import compiled as compiled_code
from sitegen.render import languages
from tests.conftest import make_site, options_for


def no_cache(site: Path) -> BuildOptions:
    return dataclasses.replace(options_for(site), use_cache=False)


NEWS = "---\ntitle: Zpráva\ndate: 2020-01-01\n---\nText.\n"


def counting_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_counted(self: jinja2.Environment, source: str, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(args[0] if args else kwargs.get("name")))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_counted)
    return compiled


def test_a_second_site_with_the_same_templates_compiles_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled_code._COMPILED.clear()
    compiled = counting_compiles(monkeypatch)
    first = make_site(tmp_path / "first", {"content/news/2020-01-01-zprava.md": NEWS})
    build(no_cache(first))
    assert "news_item.html" in compiled
    compiled.clear()
    second = make_site(tmp_path / "second", {"content/news/2020-01-01-zprava.md": NEWS})
    build(no_cache(second))
    assert compiled == []
    one = (tmp_path / "first/public/aktuality/zprava/index.html").read_bytes()
    assert (tmp_path / "second/public/aktuality/zprava/index.html").read_bytes() == one


def test_a_template_changed_in_one_site_is_compiled_for_it_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled_code._COMPILED.clear()
    first = make_site(tmp_path / "first", {"content/news/2020-01-01-zprava.md": NEWS})
    build(no_cache(first))
    second = make_site(tmp_path / "second", {"content/news/2020-01-01-zprava.md": NEWS})
    page = second / "templates/news_item.html"
    text = page.read_text()
    assert "{% block content %}" in text
    page.write_text(
        text.replace("{% block content %}", "{% block content %}<p>Jiná šablona</p>", 1)
    )
    compiled = counting_compiles(monkeypatch)
    build(no_cache(second))
    assert compiled == ["news_item.html"]
    assert "Jiná šablona" in (second / "public/aktuality/zprava/index.html").read_text()
    assert "Jiná šablona" not in (first / "public/aktuality/zprava/index.html").read_text()


def test_an_error_in_shared_code_names_the_template_of_the_site_being_built(
    tmp_path: Path,
) -> None:
    compiled_code._COMPILED.clear()
    failing = "{% extends 'base.html' %}{% block content %}{{ 1 // 0 }}{% endblock %}\n"
    for name in ("first", "second"):
        site = make_site(
            tmp_path / name,
            {"content/news/2020-01-01-zprava.md": NEWS, "templates/news_item.html": failing},
        )
        with pytest.raises(ContentError) as raised:
            build(no_cache(site))
        problem = next(iter(raised.value.problems))
        assert (problem.path, problem.line) == ("templates/news_item.html", 1)
    env = next(iter(make._ENVIRONMENTS.values()))  # the second site's
    template = env.get_template("base.html")
    assert template.filename == str(tmp_path / "second/templates/base.html")


def test_the_themes_catalogues_are_compiled_once_and_kept_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later process takes the compiled catalogues from the cache, never a planted file."""
    compiles: list[str] = []
    original = languages._compile

    def counted(source: bytes, lang: str, shown: str) -> bytes:
        compiles.append(lang)
        return original(source, lang, shown)

    monkeypatch.setattr(languages, "_compile", counted)
    site = make_site(tmp_path / "site", {"content/news/2020-01-01-zprava.md": NEWS})
    options = options_for(site)
    languages._COMPILED.clear()
    build(dataclasses.replace(options, output_path=tmp_path / "first"))
    assert sorted(compiles) == ["cs", "en"]
    first = (tmp_path / "first/aktuality/zprava/index.html").read_bytes()

    compiles.clear()
    languages._COMPILED.clear()  # a new process
    make._ENVIRONMENTS.clear()
    build(dataclasses.replace(options, output_path=tmp_path / "second"))
    assert compiles == []
    assert (tmp_path / "second/aktuality/zprava/index.html").read_bytes() == first

    kept = sorted(path for path in (site / CACHE_FOLDER / "templates").rglob("*") if path.is_file())
    for path in kept:  # planted: the cache's files replaced, signatures and all
        path.write_bytes(bytes(32) + b"\x95\x04\x12\xde")
    languages._COMPILED.clear()
    make._ENVIRONMENTS.clear()
    build(dataclasses.replace(options, output_path=tmp_path / "third"))
    assert sorted(compiles) == ["cs", "en"]
    assert (tmp_path / "third/aktuality/zprava/index.html").read_bytes() == first
