"""A file name as the uploader's computer gave it is only a label: cleaned here for display and for
the download's name, never used to build a storage path."""

import unicodedata

MAX_LENGTH = 150


def clean_name(raw: str) -> tuple[str, str]:
    """(display name, lower-case extension) of an uploaded file's name: the last path segment
    only, without control or format characters, at most MAX_LENGTH characters, extension kept."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # controls, bidi overrides
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()
    if len(name) > MAX_LENGTH:
        stem = stem[: MAX_LENGTH - len(extension) - 2].rstrip(" .") + "…"
    stem = stem or "file"
    return (f"{stem}.{extension}" if extension else stem), extension
