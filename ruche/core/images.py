"""Every uploaded image goes through here before it is stored: decoded as a real image (not trusted
by its name), turned upright, resized, and re-encoded as a fresh JPEG, so that no metadata (EXIF,
GPS position, camera serial, comments) survives, and stored under an unguessable name."""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000


def reencoded_image(upload, *, field: str, square: int | None = None, max_side: int = 1600) -> ContentFile:
    """A clean JPEG of `upload`: cropped to a `square` of that many pixels, or fitted within
    `max_side`. A ValidationError on `field` for what is not an image, or too big."""
    if upload.size > MAX_BYTES:
        raise ValidationError({field: _("The image must be smaller than 5 MB.")})
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError({field: _("This image is too large.")})
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({field: _("This file is not an image (JPEG, PNG, GIF or WebP).")}) from None
    if square:
        image = ImageOps.fit(image, (square, square), Image.Resampling.LANCZOS)
    else:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # a new file: no EXIF, no GPS
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(16)}.jpg")
