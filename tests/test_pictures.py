"""News photos: resized variants made at build time, shown in <picture>, resized only once."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import io
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import ExifTags, ImageChops, ImageFile, ImageStat
from PIL import Image as PILImage

from sitegen.base.options import BuildOptions
from sitegen.content.models import Variant
from sitegen.engine.pipeline import build
from sitegen.link import images
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


# --- issue 19: what is published of a photo -----------------------------------------

PLANTED = (b"PlantedMakeQ7", b"PlantedModelQ7", b"PlantedDatumQ7", b"PlantedCreatorQ7")
PLANTED_JPEG = (b"PlantedCommentQ7",)
PLANTED_PNG = (b"PlantedAuthorQ7", b"PlantedPlaceQ7")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
    b"PlantedCreatorQ7</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _camera_exif(orientation: int) -> PILImage.Exif:
    """Return EXIF as a phone writes it: camera, where the photo was taken, how held."""
    exif = PILImage.Exif()
    exif[0x010F] = "PlantedMakeQ7"
    exif[0x0110] = "PlantedModelQ7"
    exif[images.ORIENTATION] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        1: "N",
        2: (50.0, 5.0, 12.5),
        3: "E",
        4: (14.0, 25.0, 7.5),
        0x12: "PlantedDatumQ7",
    }
    return exif


@functools.cache
def _profile() -> bytes:
    """Return an sRGB colour profile (one: a profile records when it was made)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _noise(mode: str, size: tuple[int, int]) -> PILImage.Image:
    """Return an image of varied pixels (a flat one would hide a lossy save)."""
    return PILImage.frombytes(
        mode, size, bytes(range(256)) * (len(mode) * size[0] * size[1] // 256 + 1)
    )


def camera_jpeg(orientation: int) -> bytes:
    buffer = io.BytesIO()
    _noise("RGB", (300, 200)).save(
        buffer,
        "JPEG",
        exif=_camera_exif(orientation),
        icc_profile=_profile(),
        comment=b"PlantedCommentQ7",
        xmp=XMP,
    )
    return buffer.getvalue()


def annotated_png() -> bytes:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "PlantedAuthorQ7")
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add_text("Location", "PlantedPlaceQ7")
    buffer = io.BytesIO()
    _noise("RGBA", (120, 80)).save(
        buffer, "PNG", pnginfo=text, exif=_camera_exif(1), icc_profile=_profile()
    )
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", [1, 6])
def test_no_published_file_carries_the_photos_metadata(tmp_path: Path, orientation: int) -> None:
    photo, chart = camera_jpeg(orientation), annotated_png()
    assert all(planted in photo for planted in PLANTED + PLANTED_JPEG)
    assert all(planted in chart for planted in PLANTED + PLANTED_PNG)
    options = photo_site(tmp_path, photo)
    (options.content_path / "news/2024-01-10-foto/graf.png").write_bytes(chart)
    (options.site_path / "static/img").mkdir(parents=True)
    (options.site_path / "static/img/mapa.png").write_bytes(chart)
    build(options)
    published = [path for path in options.output_path.rglob("*") if path.is_file()]
    for path in published:
        data = path.read_bytes()
        found = [s for s in PLANTED + PLANTED_JPEG + PLANTED_PNG if s in data]
        assert found == [], path
    shown_size = (200, 300) if orientation == 6 else (300, 200)
    for path in published:
        if path.suffix not in (".jpg", ".png", ".webp"):
            continue
        with PILImage.open(path) as image:
            assert len(image.getexif()) == 0, path  # no orientation, camera or position
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info), path
            assert getattr(image, "text", {}) == {}, path
            assert image.info.get("icc_profile") == _profile(), path
            if path.stem in ("foto", "graf", "mapa"):
                assert image.size == (shown_size if path.stem == "foto" else (120, 80)), path


def test_the_published_photo_keeps_its_pixels_and_jpeg_tables(tmp_path: Path) -> None:
    photo, chart = camera_jpeg(1), annotated_png()
    options = photo_site(tmp_path, photo)
    (options.content_path / "news/2024-01-10-foto/graf.png").write_bytes(chart)
    build(options)
    folder = options.output_path / "aktuality/foto"
    with PILImage.open(io.BytesIO(chart)) as source, PILImage.open(folder / "graf.png") as made:
        assert made.mode == source.mode and made.tobytes() == source.tobytes()  # lossless
    with PILImage.open(io.BytesIO(photo)) as source, PILImage.open(folder / "foto.jpg") as made:
        assert made.quantization == source.quantization  # type: ignore[attr-defined]
        difference = ImageChops.difference(made.convert("RGB"), source.convert("RGB"))
        # Saved again with its own tables: a quarter of a level on average (0.26 measured;
        # saving it at quality 95 would change it by 0.66, at 80 by 1.64).
        assert max(ImageStat.Stat(difference).mean) < 0.4


def test_the_feeds_enclosure_and_json_ld_name_the_published_photo(tmp_path: Path) -> None:
    options = photo_site(tmp_path, camera_jpeg(6))
    build(options)
    published = options.output_path / "aktuality/foto/foto.jpg"
    for feed in ("feed.xml", "atom.xml"):
        text = (options.output_path / feed).read_text("utf-8")
        assert f'length="{published.stat().st_size}"' in text, feed
        assert 'type="image/jpeg"' in text, feed
    page = (options.output_path / "aktuality/foto/index.html").read_text("utf-8")
    assert '"image": ["https://example.cz/aktuality/foto/foto.jpg"]' in page.replace("\\/", "/")


def test_the_variants_and_the_photo_come_from_one_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodings: list[str] = []
    real_load = ImageFile.ImageFile.load

    def load(image: ImageFile.ImageFile) -> object:
        if image.tile and any(
            "sitegen/link/images.py" in frame.filename for frame in inspect.stack()
        ):
            decodings.append(image.format or "")
        return real_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    buffer = io.BytesIO()
    _noise("RGBA", (2100, 1400)).save(buffer, "PNG")
    options = photo_site(tmp_path, buffer.getvalue(), "foto.png")
    build(options)
    assert len(list((options.output_path / "aktuality/foto").glob("foto-*w.*"))) == 6
    assert decodings == ["PNG"]  # the photo itself and its six variants
