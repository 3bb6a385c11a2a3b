"""Image stage: a lead photo → its resized variants, planned and then made.

Input: the Asset of a JPEG or PNG image. Output: a Picture naming every variant with
its URL and pixel size, read from the image's header alone (no pixels are decoded to
plan a page), and, for a variant the build must write, its bytes, resized with Pillow.

Made variants are kept in the build cache (`.sitegen-cache/images/`) under a digest of
the source's bytes and of the variant, so an image that another build already resized,
into this output folder or another one (`check`, the preview), is not resized again.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from sitegen.cache import Cache, digest
from sitegen.content.models import Asset, Picture, Variant
from sitegen.errors import ContentError, Problem
from sitegen.i18n import _

WIDTHS = (320, 640, 1024)
"""Widths of the variants in pixels: a list's thumbnail at 1x and 2x, and an article's
photo on phones and desktops. An image narrower than one gets a variant of its width."""
MAX_PIXELS = 40_000_000
"""Larger images are shown as they are, never decoded (a 10 MB PNG can hold billions)."""
MODERN_TYPE = "image/webp"
FALLBACK_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
"""Formats sitegen resizes, each with the type of its fallback variants."""
SUFFIXES = {"image/webp": "webp", "image/jpeg": "jpg", "image/png": "png"}
PIL_FORMATS = {"image/webp": "WEBP", "image/jpeg": "JPEG", "image/png": "PNG"}
QUALITY = 80
ORIENTATION = 0x0112
"""The EXIF tag that says how a camera was held; 5 to 8 mean turned by 90 degrees."""
CACHE_KIND = "variant"


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
                orientation = image.getexif().get(ORIENTATION, 1)
    except (OSError, ValueError, *too_large):
        return None
    if width * height > MAX_PIXELS:
        return None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def resize(source_path: Path, variant: Variant) -> bytes:
    """Return the bytes of variant, made from the image at source_path.

    Raises:
        OSError: when the image cannot be decoded.
    """
    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(source_path) as image:
        longest = max(variant.width, variant.height)
        image.draft("RGB", (longest, longest))  # JPEG: decode at a fraction of the size
        shown = ImageOps.exif_transpose(image)
        has_alpha = shown.mode in ("RGBA", "LA", "PA") or "transparency" in shown.info
        mode = "RGBA" if has_alpha and variant.media_type != "image/jpeg" else "RGB"
        resized = shown.convert(mode).resize(
            (variant.width, variant.height), PILImage.Resampling.LANCZOS
        )
        profile = image.info.get("icc_profile")
    buffer = io.BytesIO()
    options: dict[str, object] = {"icc_profile": profile} if profile else {}
    if variant.media_type == "image/png":
        options["optimize"] = True
    else:
        options["quality"] = QUALITY
    resized.save(buffer, format=PIL_FORMATS[variant.media_type], **options)
    return buffer.getvalue()


class VariantStore:
    """Makes variants, keeping them in the build cache; VariantStore(None) keeps nothing.

    The cache is opened at the first variant a build must make, so a build that writes
    none does not touch it.
    """

    def __init__(self, cache_path: Path | None) -> None:
        self._folder = cache_path / "images" if cache_path is not None else None
        self._cache: Cache | None = None

    def make(self, source_path: Path, variant: Variant, origin: str) -> bytes:
        """Return the bytes of variant: from the cache, or resized and then kept there.

        Raises:
            ContentError: when the image cannot be decoded (origin names the item).
        """
        from PIL import UnidentifiedImageError
        from PIL import __version__ as pillow_version

        cache = self._open()
        try:
            key = digest(pillow_version, str(QUALITY), source_path.read_bytes(), repr(variant))
            kept = cache.blob(CACHE_KIND, key)
            if kept is not None and digest(kept[1]) == kept[0]:
                data = kept[1]
                cache.mark_used(CACHE_KIND, key)
            else:
                data = resize(source_path, variant)
                cache.put_blob(CACHE_KIND, key, digest(data), data)
        except (OSError, ValueError, UnidentifiedImageError) as error:
            raise ContentError([_unreadable(origin, error)]) from None
        cache.save()  # at once: the build has no later moment that would save it
        return data

    def _open(self) -> Cache:
        if self._cache is None:
            self._cache = Cache(self._folder)
        return self._cache


def _unreadable(origin: str, error: Exception) -> Problem:
    return Problem(
        origin,
        0,
        "image",
        _("the image cannot be read ({reason}); export it again as JPEG or PNG").format(
            reason=error
        ),
    )
