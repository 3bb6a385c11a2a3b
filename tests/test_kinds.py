"""The table of kinds (sitegen/content/kinds.py) is the one source: the folder a file is
read from, what `new` writes and where, and the address of the built item all follow it."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen.base.urls import Urls
from sitegen.commands import cli
from sitegen.content import kinds
from sitegen.content.load import EntriesByKind, load_entries
from sitegen.content.sources import read_sources
from tests.conftest import LOCALITY, NOW, REPO, Run, make_site
from tests.htmlpages import parse_page

URLS = Urls("https://example.cz/")
"""The addresses of make_site's site.yaml."""
TODAY = NOW.astimezone(ZoneInfo("Europe/Prague")).date()

PUBLISHED = {
    "news": ("news", "2026-11-18-zkusebni-titulek.md", "/aktuality/zkusebni-titulek/"),
    "locality": ("localities", "zkusebni-titulek.md", "/lokality/zkusebni-titulek/"),
    "partnership": ("partnerships", "zkusebni-titulek.md", "/partnerstvi/zkusebni-titulek/"),
    "page": ("pages", "zkusebni-titulek.md", "/zkusebni-titulek/"),
}
"""What readers and press officers know of each kind `new` writes: its folder, the name
of a new file titled "Zkušební titulek" on the tests' day, and the item's address."""


def test_the_table_has_the_published_folders_and_addresses() -> None:
    assert [kind.name for kind in kinds.NEW_KINDS] == list(PUBLISHED)
    for kind in kinds.NEW_KINDS:
        folder, file_name, url = PUBLISHED[kind.name]
        assert kind.folder == folder
        assert kind.file_name("zkusebni-titulek", TODAY) + ".md" == file_name
        assert kind.url(URLS, "zkusebni-titulek") == url
    assert (kinds.REGION.folder, kinds.REGION.url(URLS, "karlovarsky")) == (
        "regions",
        "/kraje/karlovarsky/",
    )


@pytest.mark.parametrize("kind", kinds.NEW_KINDS, ids=lambda kind: kind.name)
def test_new_writes_into_the_kinds_folder_and_the_item_builds_at_its_address(
    kind: kinds.Kind, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY})
    written = run_cli("new", kind.name, "Zkušební titulek", "--source", site)
    assert written.status == 0, written.err
    name = kind.file_name("zkusebni-titulek", TODAY) + ".md"
    assert Path(written.out.strip()) == site / "content" / kind.folder / name

    built = run_cli("build", "--source", site, "--drafts")
    assert built.status == 0, built.err
    url = kind.url(URLS, "zkusebni-titulek")
    page = parse_page(site / "public" / URLS.output_path(url))
    assert page.titles[0].startswith("Zkušební titulek")
    assert kind.skeleton is not None
    first_paragraph = kind.skeleton.split("---\n")[2].splitlines()[0]
    assert first_paragraph in page.text


def test_the_date_in_a_file_name_is_left_out_of_the_slug_only_where_the_table_says(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/news/2020-01-01-den.md": "---\ntitle: Zpráva\ndate: 2020-01-01\n"
        "national: true\n---\nText zprávy.\n",
        "content/pages/2020-01-01-den.md": "---\ntitle: Stránka\n---\nText stránky.\n",
    }
    site = make_site(tmp_path / "site", files)
    built = run_cli("build", "--source", site)
    assert built.status == 0, built.err
    for kind, title in ((kinds.NEWS, "Zpráva"), (kinds.PAGE, "Stránka")):
        url = kind.url(URLS, kind.slug_of("2020-01-01-den"))
        page = parse_page(site / "public" / URLS.output_path(url))
        assert page.titles[0].startswith(title)
    assert (site / "public/aktuality/den/index.html").is_file()
    assert (site / "public/2020-01-01-den/index.html").is_file()


def test_each_folder_is_read_as_its_kind_and_its_text_shown_at_its_address(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/news/2020-01-01-zprava.md": "---\ntitle: Zpráva\ndate: 2020-01-01\n"
        "localities: [zlutice]\n---\nText zprávy.\n",
        "content/localities/zlutice.md": LOCALITY,
        "content/partnerships/zluticko.md": "---\ntitle: Žluticko\n"
        "localities: [zlutice]\n---\nText partnerství.\n",
        "content/regions/karlovarsky.md": "---\nsummary: Kraj lázní.\n---\nText o kraji.\n",
    }
    site = make_site(tmp_path / "site", files)
    sources = read_sources(site / "content", site)
    assert {source.kind for source in sources} == set(kinds.KINDS)
    for source in sources:
        assert source.rel_path.startswith(f"content/{source.kind.folder}/")
    built = run_cli("build", "--source", site)
    assert built.status == 0, built.err
    texts: dict[kinds.Kind, tuple[str, str]] = {
        kinds.NEWS: ("zprava", "Text zprávy."),
        kinds.LOCALITY: ("zlutice", "Malé město."),
        kinds.PARTNERSHIP: ("zluticko", "Text partnerství."),
        kinds.PAGE: ("prohlaseni-o-pristupnosti", "Starší dokumenty PDF"),
        kinds.REGION: ("karlovarsky", "Text o kraji."),
    }
    for kind, (slug, text) in texts.items():
        assert text in parse_page(site / "public" / URLS.output_path(kind.url(URLS, slug))).text


def test_an_unknown_folder_is_answered_with_the_tables_folders(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/page/o-nas.md": "---\ntitle: O nás\n---\n"})
    result = run_cli("build", "--source", site)
    assert result.status == 1
    folders = ", ".join(f"{kind.folder}/" for kind in kinds.KINDS)
    assert result.problems == [
        f"content/page: unknown content folder (did you mean 'pages'?); use one of {folders}"
    ]


def test_new_offers_the_kinds_the_table_can_write(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.new_kinds() == tuple(kind.name for kind in kinds.NEW_KINDS)
    assert kinds.REGION not in kinds.NEW_KINDS
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["new", "region", "Karlovarský kraj"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "sitegen new: error: argument KIND: invalid choice: 'region' "
        "(choose from 'news', 'locality', 'partnership', 'page')"
    )


def test_a_kind_is_pickled_by_name_and_unpickled_as_the_tables_kind(tmp_path: Path) -> None:
    for kind in kinds.KINDS:
        data = pickle.dumps(kind)
        assert kind.name.encode() in data
        assert kind.schema.__name__.encode() not in data
        assert pickle.loads(data) is kind
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY})
    sources = read_sources(site / "content", site)
    entries = load_entries(sources, URLS, site / "static", ZoneInfo("Europe/Prague"))
    kept = pickle.loads(pickle.dumps(entries))
    assert [(entry.kind, entry.meta, entry.url) for entry in kept] == [
        (entry.kind, entry.meta, entry.url) for entry in entries
    ]
    grouped = EntriesByKind.of_entries(kept)
    assert [entry.meta.region for entry in grouped.of(kinds.LOCALITY)] == ["karlovarsky"]
    assert [entry.meta.title for entry in grouped.of(kinds.PAGE)] == ["Prohlášení o přístupnosti"]


def test_every_page_context_names_a_template_of_the_theme() -> None:
    from sitegen.plan import contexts

    named = {
        cls.__name__: cls.template
        for cls in vars(contexts).values()
        if isinstance(cls, type)
        and issubclass(cls, contexts.Context)
        and cls is not contexts.Context
    }
    assert len(named) == 17
    for name, template in named.items():
        assert (REPO / "templates" / template).is_file(), name
    assert named["PageContext"] == "page.html"
    assert named["StatementContext"] == "accessibility.html"
