"""The kinds of file people may attach: a closed catalogue, from which administrators choose.

A file is recognised by its extension and must then prove it by its first bytes (a `.pdf` that is
not a PDF is refused). HTML, SVG, scripts and executables are not in the catalogue at all: an
administrator cannot allow what a browser would run."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument are zip archives
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # Office 97-2003


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str  # shown on the document's tile
    group: str  # "image", "pdf", "office", "opendocument", "text"
    signatures: tuple[bytes, ...] = ()  # the file must start with one of these; () = text, checked apart


TYPES = {
    t.extension: t
    for t in [
        FileType("jpg", "image/jpeg", "JPEG", "image", (b"\xff\xd8\xff",)),
        FileType("jpeg", "image/jpeg", "JPEG", "image", (b"\xff\xd8\xff",)),
        FileType("png", "image/png", "PNG", "image", (b"\x89PNG\r\n\x1a\n",)),
        FileType("gif", "image/gif", "GIF", "image", (b"GIF87a", b"GIF89a")),
        FileType("webp", "image/webp", "WebP", "image", (b"RIFF",)),
        FileType("pdf", "application/pdf", "PDF", "pdf", (b"%PDF-",)),
        FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", "office", ZIP),
        FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", "office", ZIP),
        FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint", "office", ZIP),
        FileType("doc", "application/msword", "Word", "office", OLE),
        FileType("xls", "application/vnd.ms-excel", "Excel", "office", OLE),
        FileType("ppt", "application/vnd.ms-powerpoint", "PowerPoint", "office", OLE),
        FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument", "opendocument", ZIP),
        FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument", "opendocument", ZIP),
        FileType("odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument", "opendocument", ZIP),
        FileType("rtf", "application/rtf", "RTF", "text", (b"{\\rtf",)),
        FileType("txt", "text/plain", "Text", "text"),
        FileType("csv", "text/csv", "CSV", "text"),
        FileType("md", "text/markdown", "Markdown", "text"),
        FileType("zip", "application/zip", "ZIP", "archive", ZIP + (b"PK\x05\x06",)),
    ]
}  # fmt: skip

GROUPS = {
    "image": _("Images (JPEG, PNG, GIF, WebP)"),
    "pdf": _("PDF"),
    "office": _("Microsoft Office (Word, Excel, PowerPoint)"),
    "opendocument": _("OpenDocument (LibreOffice)"),
    "text": _("Text (TXT, CSV, Markdown, RTF)"),
    "archive": _("ZIP archives"),
}
DEFAULT_GROUPS = ["image", "pdf", "office", "opendocument", "text"]  # a ZIP hides what it holds


def is_text(head: bytes) -> bool:
    """Plain text in any encoding (a CSV from a French spreadsheet is often Windows-1252), that is,
    no NUL byte in the first block: what binary formats nearly always have."""
    return b"\x00" not in head


def proves(file_type: FileType, head: bytes) -> bool:
    if not file_type.signatures:
        return is_text(head)
    if file_type.extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return head.startswith(file_type.signatures)
