"""Images for upload and fetch tests."""

import io

from PIL import ExifTags, Image


def spy_jpeg(size=(1200, 800), colour=(200, 30, 30)) -> bytes:
    """A JPEG carrying what must never survive an upload: a camera name and a GPS position."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Spycam"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
