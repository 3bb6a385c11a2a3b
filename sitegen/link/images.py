"""Image stage: an image of the content → the bytes published for it.

Input: the Asset of an image. Output: a Picture naming every variant of a news photo
with its URL and pixel size, read from the image's header alone (no pixels are decoded
to plan a page); and, for an image the build must write, its bytes made with Pillow:
the resized variants, and the image itself cleaned of everything but its pixels.

Every published image is made anew from its decoded pixels, turned upright as its
EXIF orientation says, with its colour profile and nothing else: no EXIF (a camera
records where the photo was taken, on what camera, by whom), no XMP, no comments, no
text chunks, no bytes after its end. A JPEG keeps the quantisation tables and the
chroma subsampling it had (Pillow's quality="keep"), so saving it again changes next to
nothing; PNG and GIF are lossless anyway.

An image is decoded once for all that is made of it (a 6,320 × 6,320 PNG took 4.9 s
and 728 MB when each of six variants decoded it again), and never when it holds more
pixels than the memory it would take allows (see filetypes.pixel_limit).

What is made is kept in the build cache (`.sitegen-cache/images/`) under a digest of
sitegen's code and of the source's bytes, so an image that another build already made,
into this output folder or another one (`check`, the preview), or on another machine
whose cache was restored here (a CI runner), is not made again. What is taken from the
cache is decoded first and must be an image of the format and size it stands for: a
file planted there is made again, never published.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.base.cache import Cache, code_fingerprint, digest
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _
from sitegen.base.imagelimits import (
    MAX_FRAMES,
    PUBLISHED_FORMATS,
    ImageRefused,
    opened,
    size_problem,
)
from sitegen.content.models import Asset, Picture, Variant

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

WIDTHS = (320, 640, 1024)
"""Widths of the variants in pixels: a list's thumbnail at 1x and 2x, and an article's
photo on phones and desktops. An image narrower than one gets a variant of its width."""
MODERN_TYPE = "image/webp"
FALLBACK_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
"""Formats sitegen resizes, each with the type of its fallback variants."""
SUFFIXES = {"image/webp": "webp", "image/jpeg": "jpg", "image/png": "png"}
PIL_FORMATS = {"image/webp": "WEBP", "image/jpeg": "JPEG", "image/png": "PNG"}
QUALITY = 80
"""Quality of the lossy variants."""
LOSSY_QUALITY = 90
"""Quality of a lossy WebP or AVIF published again (neither can keep its own tables)."""
ORIENTATION = 0x0112
"""The EXIF tag that says how a camera was held; 5 to 8 mean turned by 90 degrees."""
CACHE_KIND = "variant"
ORIGINAL_KIND = "original"
_ANIMATION_KEYS = ("duration", "loop", "disposal", "background", "transparency", "blend")
"""What an animated image keeps of Pillow's info: how its frames play, nothing else."""


def plan_picture(asset: Asset) -> Picture | None:
    """Return the variants of a JPEG or PNG image; None for other or unreadable images."""
    fallback_type = FALLBACK_TYPES.get(asset.source_path.suffix.lower())
    size = pixel_size(asset.source_path) if fallback_type else None
    if fallback_type is None or size is None:
        return None
    stem = asset.url.rsplit(".", 1)[0]

    def variants(media_type: str) -> tuple[Variant, ...]:
        return tuple(
            Variant(f"{stem}-{width}w.{SUFFIXES[media_type]}", width, height, media_type)
            for width, height in variant_sizes(*size)
        )

    return Picture(asset.source_path, variants(MODERN_TYPE), variants(fallback_type))


def variant_sizes(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """Return the (width, height) of each variant of an image of that size, never larger."""
    widths = sorted({min(target, width) for target in WIDTHS})
    return tuple((target, max(1, round(height * target / width))) for target in widths)


def pixel_size(path: Path) -> tuple[int, int] | None:
    """Return the size of the image at path as shown (turned by its EXIF orientation)."""
    from PIL import Image as PILImage  # Pillow is loaded by the builds that need it

    too_large = (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as image:
                width, height = image.size
                orientation = orientation_of(image)
                problem = size_problem(width, height, image.mode)
    except (OSError, ValueError, *too_large):
        return None
    if problem is not None:
        return None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def orientation_of(image: PILImage) -> int:
    """Return the EXIF orientation of the opened image, read without decoding it.

    A PNG's is read from an eXIf chunk before its pixels only (Pillow would decode the
    whole image to look for one after them: planning a 6,320 × 6,320 PNG took seconds).
    """
    if image.format == "GIF" or (image.format == "PNG" and "exif" not in image.info):
        return 1
    try:
        orientation = image.getexif().get(ORIENTATION, 1)
    except Exception:  # EXIF that Pillow cannot parse says nothing: shown as stored
        return 1
    return orientation if isinstance(orientation, int) else 1


def clean(data: bytes, suffix: str) -> bytes:
    """Return the image in data (a file named *suffix) made anew: its pixels turned
    upright, its colour profile, and nothing else.

    Raises:
        ImageRefused, OSError, ValueError: when the image cannot be decoded.
    """
    return make_images(data, suffix, None, original=True)[0] or b""


def make_images(
    data: bytes, suffix: str, picture: Picture | None, *, original: bool
) -> tuple[bytes | None, dict[Variant, bytes]]:
    """Return the cleaned image of data (when original) and picture's variants, all
    made from one decoding of it.

    A JPEG is decoded at the smallest scale that still covers the widest variant
    (draft) when only variants are made of it.

    Raises:
        ImageRefused, OSError, ValueError: when the image cannot be decoded.
    """
    from PIL import ImageOps

    image_format = PUBLISHED_FORMATS[suffix.lower()]
    with opened(data, image_format) as image:
        profile = image.info.get("icc_profile")
        if picture is not None and not original:
            longest = max(max(v.width, v.height) for v in picture.variants)
            image.draft("RGB", (longest, longest))  # JPEG: decode at a fraction of the size
        orientation = orientation_of(image)
        image.load()
        shown = ImageOps.exif_transpose(image) if orientation != 1 else image  # one copy
        cleaned = _cleaned(image, shown, image_format, data) if original else None
        if picture is None:
            return cleaned, {}
        return cleaned, _resized(shown, picture.variants, profile)


def _cleaned(image: PILImage, shown: PILImage, image_format: str, data: bytes) -> bytes:
    """Return image (decoded; shown: turned upright) saved anew with its colour profile
    and nothing else."""
    profile = image.info.get("icc_profile")
    buffer = io.BytesIO()
    if getattr(image, "n_frames", 1) > 1:
        _save_animation(image, image_format, buffer, profile, data)
        return buffer.getvalue()
    options: dict[str, object] = {"icc_profile": profile} if profile else {}
    if image_format == "JPEG":
        from PIL import JpegImagePlugin

        # Optimised Huffman tables, as cameras and editors write them: the size it had.
        options["optimize"] = True
        options["progressive"] = bool(image.info.get("progressive"))
        if shown is not image:  # turned: saved with the tables it had, next to no loss
            options["qtables"] = image.quantization  # type: ignore[attr-defined]
            options["subsampling"] = JpegImagePlugin.get_sampling(image)
        else:
            options["quality"] = "keep"  # its own tables and subsampling
    elif image_format in ("WEBP", "AVIF"):
        options.update(_lossy_options(image_format, data))
    elif "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    info, shown.info = shown.info, {}  # Pillow writes a JPEG's comment from info
    try:
        shown.save(buffer, format=image_format, **options)
    finally:
        shown.info = info
    return buffer.getvalue()


def _lossy_options(image_format: str, data: bytes) -> dict[str, object]:
    """Return how a WebP or AVIF is saved again: a lossless WebP losslessly."""
    if image_format == "WEBP" and _is_lossless_webp(data):
        return {"lossless": True}
    return {"quality": LOSSY_QUALITY}


def _is_lossless_webp(data: bytes) -> bool:
    """Return True when the WebP in data is coded losslessly (VP8L), frame or frames."""
    position = 12
    while position + 8 <= len(data):
        fourcc = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        payload = data[position + 8 : position + 8 + size]
        if fourcc == b"VP8L" or (fourcc == b"ANMF" and b"VP8L" in payload[16:40]):
            return True
        if fourcc == b"VP8 " or fourcc == b"ANMF":
            return False
        position += 8 + size + size % 2
    return False


def _save_animation(
    image: PILImage, image_format: str, buffer: io.BytesIO, profile: bytes | None, data: bytes
) -> None:
    from PIL import ImageSequence

    if getattr(image, "n_frames", 1) > MAX_FRAMES:
        raise ImageRefused(
            _("the animation has more than {count} frames; shorten it").format(count=MAX_FRAMES)
        )
    frames = []
    for frame in ImageSequence.Iterator(image):
        copy = frame.copy()
        copy.info = {key: frame.info[key] for key in _ANIMATION_KEYS if key in frame.info}
        frames.append(copy)
    first, rest = frames[0], frames[1:]
    options: dict[str, object] = {"save_all": True, "append_images": rest}
    options |= {key: first.info[key] for key in ("duration", "loop") if key in first.info}
    if profile and image_format != "GIF":
        options["icc_profile"] = profile
    if image_format != "GIF":
        options.update(_lossy_options(image_format, data))
    first.save(buffer, format=image_format, **options)


def _resized(
    shown: PILImage, variants: tuple[Variant, ...], profile: bytes | None
) -> dict[Variant, bytes]:
    """Return the bytes of each variant, resized from the decoded image shown (upright).

    An image more than twice as wide as the widest variant is first reduced once (by
    averaging whole blocks of pixels, as Pillow's thumbnail does) to at least twice
    its width, and each colour mode the variants need is converted once.
    """
    has_alpha = shown.mode in ("RGBA", "LA", "PA") or "transparency" in shown.info
    if shown.mode in ("1", "P") or shown.mode.startswith("I;16"):  # cannot be reduced
        shown = shown.convert("RGBA" if has_alpha else "RGB")
    factor = shown.width // (2 * max(variant.width for variant in variants))
    if factor >= 2:
        shown = shown.reduce(factor)
    converted: dict[str, PILImage] = {}
    made = {}
    for variant in variants:
        mode = "RGBA" if has_alpha and variant.media_type != "image/jpeg" else "RGB"
        if mode not in converted:
            # Resized with premultiplied alpha (RGBa), as Pillow resizes RGBA, once.
            converted[mode] = shown.convert("RGBa" if mode == "RGBA" else mode)
        made[variant] = resize(converted[mode], variant, profile)
    return made


def resize(shown: PILImage, variant: Variant, profile: bytes | None) -> bytes:
    """Return the bytes of variant, made from the decoded image shown (upright, in the
    colour mode of the variant; RGBa for one with transparency)."""
    from PIL import Image as PILImage

    resized = shown.resize((variant.width, variant.height), PILImage.Resampling.LANCZOS)
    if resized.mode == "RGBa":
        resized = resized.convert("RGBA")
    resized.info = {}
    buffer = io.BytesIO()
    options: dict[str, object] = {"icc_profile": profile} if profile else {}
    if variant.media_type == "image/png":
        options["optimize"] = True
    else:
        options["quality"] = QUALITY
    resized.save(buffer, format=PIL_FORMATS[variant.media_type], **options)
    return buffer.getvalue()


class VariantStore:
    """Makes the published images, keeping them in the build cache; VariantStore(None)
    keeps nothing.

    The cache is opened at the first image a build must make, so a build that writes
    none does not touch it. Whatever is made of an image is made from one decoding of
    it: the cleaned image and the variants of its picture (see expect) together, kept
    in memory until asked for.
    """

    def __init__(self, cache_path: Path | None) -> None:
        self._folder = cache_path / "images" if cache_path is not None else None
        self._cache: Cache | None = None
        self._pictures: dict[Path, Picture] = {}
        self._made: dict[tuple[str, str], bytes] = {}
        """Made but not yet asked for, by (kind, cache key)."""
        self._checked: set[tuple[str, str]] = set()
        """Keys whose bytes in the cache were found to be the image they stand for."""

    def expect(self, picture: Picture) -> None:
        """Make picture's variants whenever its image is decoded (for the image itself)."""
        self._pictures[picture.source_path] = picture

    def make(self, picture: Picture, variant: Variant, origin: str) -> bytes:
        """Return the bytes of variant of picture (see _get).

        Raises:
            ContentError: when the image cannot be decoded (origin names the item).
        """
        self.expect(picture)
        return self._get(picture.source_path, variant, origin)

    def original(self, source_path: Path, origin: str) -> bytes:
        """Return the bytes published for the image at source_path: made anew (see
        clean), from the cache or just now.

        Raises:
            ContentError: when the image cannot be decoded (origin names the file).
        """
        return self._get(source_path, None, origin)

    def published_size(self, source_path: Path, origin: str) -> int:
        """Return the size in bytes of what is published for the image at source_path
        (what original returns, which stays kept for it).

        Raises:
            ContentError: when the image cannot be decoded (origin names the file).
        """
        return len(self._get(source_path, None, origin, peek=True))

    def _get(
        self, source_path: Path, variant: Variant | None, origin: str, *, peek: bool = False
    ) -> bytes:
        """Return what the cache (or this store) keeps of source_path's bytes; else make
        it, with whatever else of that image is not kept, from one decoding."""
        try:
            data = source_path.read_bytes()
            code = code_fingerprint()
            picture = self._pictures.get(source_path)
            items: list[Variant | None] = [None, *(picture.variants if picture else ())]
            keys = {item: self._key(code, data, source_path, item) for item in items}
            looks = {item: _look_of(source_path, item) for item in items}
            found = self._kept(keys[variant], looks[variant], peek=peek)
            if found is None:
                missing = [
                    item for item in items if self._kept(keys[item], looks[item], peek=True) is None
                ]
                wanted = [item for item in missing if item is not None]
                original, variants = make_images(
                    data, source_path.suffix, picture if wanted else None, original=None in missing
                )
                if original is not None:
                    self._keep(keys[None], original)
                for item, made in variants.items():
                    self._keep(keys[item], made)
                found = self._kept(keys[variant], looks[variant], peek=peek)
        except Exception as error:  # any failure of a decoder: Pillow raises many kinds
            raise ContentError([_unreadable(origin, error)]) from None
        assert found is not None  # just made
        self._open().save()  # at once: the build has no later moment that would save it
        return found

    @staticmethod
    def _key(code: str, data: bytes, source_path: Path, item: Variant | None) -> tuple[str, str]:
        if item is None:
            return ORIGINAL_KIND, digest(code, source_path.suffix.lower(), data)
        return CACHE_KIND, digest(code, data, repr(item))

    def _kept(self, key: tuple[str, str], look: Look, *, peek: bool = False) -> bytes | None:
        """Return what was made under key: in memory (then forgotten) or in the cache,
        there only when it is an image that looks as look says."""
        if key in self._made:
            return self._made[key] if peek else self._made.pop(key)
        cache = self._open()
        kept = cache.blob(*key)
        if kept is None or digest(kept[1]) != kept[0]:
            return None
        if key not in self._checked:
            if not _is_image(kept[1], *look):
                return None
            self._checked.add(key)
        cache.mark_used(*key)
        return kept[1]

    def _keep(self, key: tuple[str, str], data: bytes) -> None:
        self._made[key] = data
        self._checked.add(key)  # made here: what the cache keeps of it is known good
        self._open().put_blob(*key, digest(data), data)

    def _open(self) -> Cache:
        if self._cache is None:
            self._cache = Cache(self._folder)
        return self._cache


Look = tuple[str, tuple[int, int] | None]
"""What a published image must be: its format (Pillow's name), and its size when known."""


def _look_of(source_path: Path, item: Variant | None) -> Look:
    """Return what the image published for source_path (item None) or its variant is."""
    if item is None:
        return PUBLISHED_FORMATS[source_path.suffix.lower()], None
    return PIL_FORMATS[item.media_type], (item.width, item.height)


def _is_image(data: bytes, image_format: str, size: tuple[int, int] | None) -> bool:
    """Return True when data decodes as an image of image_format (and size, if given)."""
    try:
        with opened(data, image_format) as image:
            if size is not None and image.size != size:
                return False
            image.load()
    except Exception:  # any failure of a decoder: Pillow raises many kinds
        return False
    return True


def _unreadable(origin: str, error: Exception) -> Problem:
    if isinstance(error, ImageRefused):
        return Problem(origin, 0, "image", str(error))
    return Problem(
        origin,
        0,
        "image",
        _("the image cannot be read ({reason}); export it again as JPEG or PNG").format(
            reason=error
        ),
    )
