"""`sitegen new`: bundles, drafts of every kind, placeholders, taken slugs, any title."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.base.errors import UsageError
from sitegen.base.typography import ascii_slug
from sitegen.commands.scaffold import MAX_SLUG, new_file, shorten_slug
from sitegen.content import kinds
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.placeholders import SAMPLE_TEXTS
from tests.conftest import LOCALITY, NOW, Run, make_site, sample_file
from tests.htmlpages import parse_page

PRAGUE = ZoneInfo("Europe/Prague")
NEWS = "---\ntitle: Zpráva\ndate: 2020-01-01\nnational: true\n---\nText.\n"


def uncomment(path: Path, *keys: str) -> None:
    """Remove the '# ' before each of keys in path, as an author does."""
    text = path.read_text("utf-8")
    for key in keys:
        text = text.replace(f"# {key}", key, 1)
    path.write_text(text, "utf-8")


def test_a_bundle_gets_its_photo_and_document_as_the_readme_says(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    made = run_cli("new", "news", "Podpis memoranda", "--bundle", "--source", site)
    assert made.status == 0, made.err
    index = Path(made.out.strip())
    assert index == site / "content/news/2026-11-18-podpis-memoranda/index.md"
    (index.parent / "foto.jpg").write_bytes(sample_file("foto.jpg"))
    (index.parent / "tiskova-zprava.pdf").write_bytes(sample_file("a.pdf"))
    text = index.read_text("utf-8").replace("foto.jpg  #", "foto.jpg\n#")
    text = text.replace("draft: true", "national: true")
    for sample in SAMPLE_TEXTS:  # written over, as the README's step 3 says
        text = text.replace(sample, "Kraj a agentura podepsaly memorandum.")
    index.write_text(text, "utf-8")
    uncomment(index, "image:", "image_alt:", "documents:", "  - title:", "    file:")
    built = run_cli("build", "--source", site)
    assert built.status == 0, built.err
    page = parse_page(site / "public/aktuality/podpis-memoranda/index.html")
    assert "/aktuality/podpis-memoranda/foto-4w.jpg" in page.srcs  # resized (4 × 3 pixels)
    assert (site / "public/aktuality/podpis-memoranda/foto.jpg").is_file()
    assert "/aktuality/podpis-memoranda/tiskova-zprava.pdf" in page.hrefs
    assert (site / "public/aktuality/podpis-memoranda/tiskova-zprava.pdf").is_file()


@pytest.mark.parametrize(
    ("kind", "title", "url"),
    [
        ("locality", "Horní Lhota", "lokality/horni-lhota/"),
        ("partnership", "Horní Lhota a okolí", "partnerstvi/horni-lhota-a-okoli/"),
        ("page", "Kariéra", "kariera/"),
    ],
)
def test_a_new_item_of_every_kind_is_a_draft_shown_only_in_the_preview(
    kind: str, title: str, url: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY})
    assert run_cli("new", kind, title, "--source", site).status == 0
    published = run_cli("build", "--source", site, "--output", tmp_path / "public")
    assert published.status == 0, published.err
    assert not (tmp_path / "public" / url).exists()
    sitemap = (tmp_path / "public/sitemap.xml").read_text("utf-8")
    assert url not in sitemap
    preview = run_cli("build", "--source", site, "--drafts", "--output", tmp_path / "preview")
    assert preview.status == 0, preview.err
    page = parse_page(tmp_path / "preview" / url / "index.html")
    assert page.titles[0].startswith(title)
    assert "Koncept" in page.text


def test_a_draft_published_with_its_placeholder_stops_the_build(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    for kind in ("locality", "partnership"):
        path = Path(run_cli("new", kind, "Horní Lhota", "--source", site).out.strip())
        text = path.read_text("utf-8")
        path.write_text(text.replace("draft: true", "# draft: true"), "utf-8")
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert result.problems == [
        "content/localities/horni-lhota.md:4: region: 'DOPLNIT' is to be filled in: write "
        "the region id, e.g. 'karlovarsky' (the ids are listed in the comment), or keep "
        "'draft: true'",
        "content/partnerships/horni-lhota.md:4: localities[0]: 'DOPLNIT' is to be filled in: "
        "write the file name of a locality from content/localities/ without .md, or keep "
        "'draft: true'",
    ]


def test_a_published_item_naming_a_draft_is_an_error(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    draft_locality = LOCALITY.replace("kind:", "draft: true\nkind:")
    news = NEWS.replace("national: true", "localities: [zlutice]").replace(
        "Text.", "Viz [kontakty](../pages/kontakty.md)."
    )
    site = make_site(
        tmp_path / "site",
        {
            "content/localities/zlutice.md": draft_locality,
            "content/pages/kontakty.md": "---\ntitle: Kontakty\ndraft: true\n---\nText.\n",
            "content/news/2020-01-01-zprava.md": news,
        },
    )
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert result.problems == [
        "content/news/2020-01-01-zprava.md:4: localities[0]: locality 'zlutice' is a draft "
        "('draft: true' in content/localities/zlutice.md), so it is not published; publish "
        "it first, or remove it from here",
        "content/news/2020-01-01-zprava.md:6: link '../pages/kontakty.md': that item is a "
        "draft or dated in the future, so the link would be broken; link to it once it is "
        "published",
    ]
    assert run_cli("build", "--source", site, "--drafts").status == 0


def test_new_refuses_a_slug_that_a_file_has_and_names_the_file(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/news/2020-01-01-memorandum.md": NEWS,
            "content/pages/o-nas.md": "---\ntitle: O nás\nslug: kariera\n---\nText.\n",
        },
    )
    same_slug = run_cli("new", "news", "Memorandum", "--source", site)
    assert same_slug.status == 2
    assert same_slug.err == (
        f"sitegen: {site}/content/news/2020-01-01-memorandum.md: already has the slug "
        "'memorandum' (its address would be the same); choose another title or edit that "
        "file\n"
    )
    declared = run_cli("new", "page", "Kariéra", "--source", site)
    assert declared.status == 2
    assert f"{site}/content/pages/o-nas.md: already has the slug 'kariera'" in declared.err
    reserved = run_cli("new", "page", "Aktuality", "--source", site)
    assert reserved.err == (
        "sitegen: 'aktuality' is the address of a section of the site; choose another title\n"
    )
    archive = run_cli("new", "news", "Archiv", "--source", site)
    assert archive.status == 2
    assert "'archiv' is the address of a section of the site" in archive.err
    assert sorted(p.name for p in (site / "content/news").iterdir()) == ["2020-01-01-memorandum.md"]


def _is_refused_clearly(title: str, kind: kinds.Kind, message: str) -> bool:
    """Return True when message is a refusal `new` gives for title: not one line, no
    letters, or a slug that is the address of a section of the site."""
    if message.startswith(f"{title!r}: the title "):
        return "write it on one line" in message or "needs letters or digits" in message
    slug = shorten_slug(ascii_slug(title), MAX_SLUG)
    return slug in kind.reserved_slugs and message == (
        f"{slug!r} is the address of a section of the site; choose another title"
    )


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=80), kind=st.sampled_from(kinds.NEW_KINDS))
# Titles whose slug is the address of a section: found by random runs, kept for every run.
@example(title="AKTUALITY", kind=kinds.PAGE)
@example(title="Strana", kind=kinds.NEWS)
@example(title="archiv", kind=kinds.NEWS)
@example(title="Odběr", kind=kinds.PAGE)
@example(title="Témata", kind=kinds.PAGE)
@example(title="PARTNERSTVÍ", kind=kinds.PAGE)
@example(title="\n", kind=kinds.NEWS)
@example(title="!!!", kind=kinds.LOCALITY)
@example(title="0E0", kind=kinds.NEWS)  # a number to YAML 1.2 only: it was written bare
@example(title="1e5", kind=kinds.PAGE)
@example(title="0o17", kind=kinds.PAGE)
def test_any_title_is_refused_clearly_or_reads_back_the_same(title: str, kind: kinds.Kind) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        try:
            path = new_file(kind, title, content, NOW, PRAGUE)
        except UsageError as error:
            assert _is_refused_clearly(title, kind, str(error)), str(error)
            return
        front = split_front_matter(path.read_text("utf-8"), path.name, None)
        assert front.data["title"] == title
        assert front.data["draft"] is True


def test_a_title_with_quotes_colons_and_a_hash_is_valid_yaml() -> None:
    with tempfile.TemporaryDirectory() as folder:
        title = "Kraj: „nové“ memorandum # 2 'A' \"B\" - [x] {y} & *z"
        path = new_file(kinds.NEWS, title, Path(folder), NOW, PRAGUE)
        front = split_front_matter(path.read_text("utf-8"), path.name, None)
        assert front.data["title"] == title
