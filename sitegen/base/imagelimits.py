"""Image limits: which images sitegen decodes, by pixels, memory and frames.

An image past a limit is refused before Pillow decodes it (ImageRefused), so a small
file that says it holds billions of pixels cannot exhaust the build's memory.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sitegen.base.i18n import _, decimal

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

MAX_PIXELS = 40_000_000
"""The most pixels of an image in any mode."""
MAX_DECODED_BYTES = 160_000_000
"""The most memory one image may take while sitegen makes what it publishes of it
(see bytes_per_pixel): a colour photo may have 40 million pixels, one with
transparency 20 million, a palette image 32 million."""
MAX_FRAMES = 1000
"""The most frames of an animated GIF or WebP."""
PUBLISHED_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".avif": "AVIF",
}
"""Extension → Pillow's format: the images sitegen publishes, each made anew in its format."""


class ImageRefused(ValueError):
    """An image sitegen will not decode; its message says why and what to do."""


def bytes_per_pixel(mode: str) -> int:
    """Return the bytes of memory one pixel of mode takes while its variants are made.

    That is the pixel as Pillow keeps it (1 byte for bilevel, grey and palette images,
    2 for 16-bit grey, 4 for the others), and 4 more where it is copied in colour: with
    premultiplied transparency to be resized (RGBA, LA, PA), or converted to colour
    because Pillow cannot reduce it as it is (bilevel, palette, 16-bit grey).
    """
    stored = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    copied = mode in ("RGBA", "LA", "PA", "1", "P") or mode.startswith("I;16")
    return stored + (4 if copied else 0)


def pixel_limit(mode: str) -> int:
    """Return the most pixels an image of mode may have (its memory, see MAX_DECODED_BYTES)."""
    return min(MAX_PIXELS, MAX_DECODED_BYTES // bytes_per_pixel(mode))


def size_problem(width: int, height: int, mode: str) -> str | None:
    """Return why an image of this size and mode is not decoded, or None when it may be."""
    limit = pixel_limit(mode)
    if width * height <= limit:
        return None
    return _(
        "the image has {width} × {height} pixels ({megapixels} million), more than the "
        "{limit} million pixels allowed for its kind; make it smaller (3,000 pixels wide "
        "is plenty for the web)"
    ).format(
        width=width,
        height=height,
        megapixels=decimal(width * height / 1_000_000, 1),
        limit=decimal(limit / 1_000_000, 0),
    )


@contextmanager
def opened(data: bytes, image_format: str | None = None) -> Iterator[PILImage]:
    """Open the image in data (of image_format when given), refusing one too large.

    Raises:
        ImageRefused: when the image has more pixels than pixel_limit allows.
        OSError, ValueError: when Pillow cannot read it.
    """
    from PIL import Image

    formats = (image_format,) if image_format else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked below
        try:
            image = Image.open(io.BytesIO(data), formats=formats)
        except Image.DecompressionBombError:  # billions of pixels, said in a few bytes
            message = _(
                "the image has more pixels than sitegen decodes ({limit} million at most); "
                "make it smaller (3,000 pixels wide is plenty for the web)"
            )
            raise ImageRefused(message.format(limit=MAX_PIXELS // 1_000_000)) from None
    with image:
        problem = size_problem(image.width, image.height, image.mode)
        if problem is not None:
            raise ImageRefused(problem)
        yield image
