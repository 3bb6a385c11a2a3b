"""News photos: resized variants made at build time, shown in <picture>, resized only once."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image as PILImage

from sitegen import images
from sitegen.content.models import Variant
from sitegen.options import BuildOptions
from sitegen.pipeline import build
from tests.conftest import make_site, options_for
from tests.test_golden import tree

MEMORANDUM = "aktuality/memorandum-stredocesky-kraj/"
WEBP_SRCSET = ", ".join(
    f"/{MEMORANDUM}podpis-memoranda-{width}w.webp {width}w" for width in (320, 640, 1024)
)
JPEG_SRCSET = WEBP_SRCSET.replace(".webp", ".jpg")


class _Pictures(HTMLParser):
    """Collects every <picture>: the attributes of its <source> and <img> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pictures: list[list[tuple[str, dict[str, str]]]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "picture":
            self.inside = True
            self.pictures.append([])
        elif self.inside and tag in ("source", "img"):
            self.pictures[-1].append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self.inside = False


def pictures_of(path: Path) -> list[list[tuple[str, dict[str, str]]]]:
    parser = _Pictures()
    parser.feed(path.read_text("utf-8"))
    return parser.pictures


def jpeg(width: int, height: int, colour: str = "steelblue", orientation: int = 1) -> bytes:
    buffer = io.BytesIO()
    exif = PILImage.Exif()
    exif[images.ORIENTATION] = orientation
    PILImage.new("RGB", (width, height), colour).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def news_with_photo(name: str) -> str:
    return (
        f"---\ntitle: Zpráva s fotografií\ndate: 2024-01-10\nimage: {name}\n"
        "image_alt: Lidé u stolu\nimage_caption: Jednání v Žluticích\n---\nText.\n"
    )


NEWS = "---\ntitle: Zpráva bez fotografie\ndate: 2024-02-10\n---\nText.\n"


@pytest.fixture
def count_resizes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the URL of every variant Pillow resizes."""
    made: list[str] = []
    real: Callable[[PILImage.Image, Variant, bytes | None], bytes] = images.resize

    def counting(shown: PILImage.Image, variant: Variant, profile: bytes | None) -> bytes:
        made.append(variant.url)
        return real(shown, variant, profile)

    monkeypatch.setattr(images, "resize", counting)
    return made


def photo_site(root: Path, photo: bytes, name: str = "foto.jpg") -> BuildOptions:
    site = make_site(
        root / "site",
        {
            f"content/news/2024-01-10-foto/{name}": photo,
            "content/news/2024-01-10-foto/index.md": news_with_photo(name),
            "content/news/2024-02-10-bez-fotky.md": NEWS,
        },
    )
    return dataclasses.replace(options_for(site), search=False, jobs=1)


def test_every_variant_has_the_declared_pixel_size_and_format(sample_site: Path) -> None:
    [picture] = pictures_of(sample_site / MEMORANDUM / "index.html")
    (_, source), (_, img) = picture
    for srcset in (source["srcset"], img["srcset"]):
        for candidate in srcset.split(", "):
            url, width = candidate.split()
            with PILImage.open(sample_site / url.lstrip("/")) as variant:
                assert variant.width == int(width.removesuffix("w"))
                assert variant.height == round(800 * variant.width / 1200)
                assert variant.format == ("WEBP" if url.endswith(".webp") else "JPEG")
    with PILImage.open(sample_site / img["src"].lstrip("/")) as largest:
        assert largest.size == (int(img["width"]), int(img["height"])) == (1024, 683)


def test_the_news_item_shows_its_photo_in_a_picture_loaded_at_once(sample_site: Path) -> None:
    [picture] = pictures_of(sample_site / MEMORANDUM / "index.html")
    assert [tag for tag, _ in picture] == ["source", "img"]
    source, img = picture[0][1], picture[1][1]
    assert source == {
        "type": "image/webp",
        "srcset": WEBP_SRCSET,
        "sizes": "(min-width: 48rem) 44rem, 100vw",
    }
    assert img["srcset"] == JPEG_SRCSET and img["sizes"] == source["sizes"]
    assert img["src"] == f"/{MEMORANDUM}podpis-memoranda-1024w.jpg"
    assert img["alt"].startswith("Ilustrace podpisu memoranda")
    assert "loading" not in img


def test_news_lists_show_thumbnails_lazily_after_the_first_item(sample_site: Path) -> None:
    [thumbnail] = pictures_of(sample_site / "aktuality/index.html")
    img = thumbnail[1][1]
    assert img["sizes"] == "(min-width: 40rem) 10rem, 8rem"
    assert img["loading"] == "lazy"  # the memorandum is not the newest item
    [first] = pictures_of(sample_site / "temata/memorandum/index.html")
    assert "loading" not in first[1][1]  # the newest item of the topic: above the fold


def test_an_image_is_resized_once_and_again_only_when_it_changes(
    tmp_path: Path, count_resizes: list[str]
) -> None:
    options = photo_site(tmp_path, jpeg(1500, 1000))
    build(options)
    assert sorted(count_resizes) == sorted(
        f"/aktuality/foto/foto-{width}w.{suffix}"
        for width in (320, 640, 1024)
        for suffix in ("webp", "jpg")
    )
    other = options.content_path / "news/2024-02-10-bez-fotky.md"
    other.write_text(NEWS + "Další věta.\n")
    count_resizes.clear()
    assert build(options).pages_rendered > 0
    assert count_resizes == []  # another item changed: no image is resized
    elsewhere = dataclasses.replace(options, output_path=tmp_path / "elsewhere")
    build(elsewhere)
    assert count_resizes == []  # a cold build into another folder takes them from the cache
    assert tree(elsewhere.output_path) == tree(options.output_path)
    before = (options.output_path / "aktuality/foto/foto-320w.webp").read_bytes()
    (options.content_path / "news/2024-01-10-foto/foto.jpg").write_bytes(jpeg(1500, 1000, "red"))
    build(options)
    assert len(count_resizes) == 6  # the changed photo, all of its variants
    assert (options.output_path / "aktuality/foto/foto-320w.webp").read_bytes() != before


def test_an_incremental_build_after_a_changed_photo_equals_a_cold_one(tmp_path: Path) -> None:
    options = photo_site(tmp_path, jpeg(800, 600))
    build(options)
    (options.content_path / "news/2024-01-10-foto/foto.jpg").write_bytes(jpeg(400, 300, "red"))
    build(options)
    cold = dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False)
    build(cold)
    assert tree(options.output_path) == tree(cold.output_path)
    assert not (options.output_path / "aktuality/foto/foto-640w.jpg").exists()  # now too wide


def test_a_small_photo_is_never_enlarged_and_a_turned_one_is_upright(tmp_path: Path) -> None:
    options = photo_site(tmp_path, jpeg(300, 200, orientation=6))  # camera held upright
    build(options)
    [picture] = pictures_of(options.output_path / "aktuality/foto/index.html")
    img = picture[1][1]
    assert img["srcset"] == "/aktuality/foto/foto-200w.jpg 200w"
    assert (img["width"], img["height"]) == ("200", "300")
    with PILImage.open(options.output_path / "aktuality/foto/foto-200w.webp") as variant:
        assert variant.size == (200, 300)


def test_a_transparent_png_keeps_its_transparency(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    PILImage.new("RGBA", (400, 100), (0, 80, 160, 0)).save(buffer, "PNG")
    options = photo_site(tmp_path, buffer.getvalue(), "logo.png")
    build(options)
    for name in ("logo-320w.png", "logo-320w.webp"):
        with PILImage.open(options.output_path / "aktuality/foto" / name) as variant:
            assert variant.size == (320, 80)
            assert variant.getpixel((0, 0))[3] == 0, name  # type: ignore[index]
