"""Every uploaded image goes through here before it is stored: decoded as a real image (not trusted
by its name), turned upright, resized, and re-encoded as a fresh file, so that no metadata (EXIF,
GPS position, camera serial, comments) survives, and stored under an unguessable name."""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000


def upright_image(upload, *, field: str, max_bytes: int = MAX_BYTES) -> Image.Image:
    """The decoded picture of `upload`, turned upright (RGB, or RGBA when it has transparency). A
    ValidationError on `field` for what is not an image, or too big."""
    if upload.size > max_bytes:
        raise ValidationError(
            {field: _("The image must be smaller than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}}
        )
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError({field: _("This image is too large.")})
            image.load()
            transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            return ImageOps.exif_transpose(image).convert("RGBA" if transparent else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError({field: _("This file is not an image (JPEG, PNG, GIF or WebP).")}) from None


def encoded(image: Image.Image, *, lossless: bool = False) -> ContentFile:
    """A new file of `image` (PNG when `lossless`, else JPEG): nothing of the original's metadata."""
    out = io.BytesIO()
    if lossless:
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        if image.mode != "RGB":  # JPEG has no transparency: flatten on white
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
            image = flat
        image.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(16)}.{extension}")


def fitted(image: Image.Image, max_side: int) -> Image.Image:
    """A copy no larger than `max_side` on either side (never enlarged)."""
    image = image.copy()
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def reencoded_image(upload, *, field: str, square: int | None = None, max_side: int = 1600) -> ContentFile:
    """A clean JPEG of `upload`: cropped to a `square` of that many pixels, or fitted within
    `max_side`. A ValidationError on `field` for what is not an image, or too big."""
    image = upright_image(upload, field=field)
    if square:
        image = ImageOps.fit(image, (square, square), Image.Resampling.LANCZOS)
    else:
        image = fitted(image, max_side)
    return encoded(image)
