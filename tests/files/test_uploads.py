"""Uploading a file: what is accepted, what is refused (with a message naming the file), what is
stored (images re-encoded without their metadata, under names nobody can guess)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from ruche.files.models import Attachment, FileSettings
from ruche.files.names import clean_name
from ruche.files.services import attachment_upload, file_settings_update
from tests.files.conftest import PDF, png, upload
from tests.images import spy_jpeg


def stored_files(media) -> list[str]:
    folder = media / "attachments"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_photo_is_re_encoded_without_its_metadata_resized_and_given_a_thumbnail(alice):
    attachment = attachment_upload(uploader=alice, upload=upload("IMG_0042.JPG", spy_jpeg((4000, 3000))))
    assert attachment.kind == Attachment.Kind.IMAGE
    assert attachment.name == "IMG_0042.jpg"
    with default_storage.open(attachment.file.name) as stored:
        data = stored.read()
    assert b"Spycam" not in data
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert image.size == (2048, 1536) == (attachment.width, attachment.height)
    assert attachment.size == len(data)
    with default_storage.open(attachment.thumbnail.name) as thumb:
        assert max(Image.open(thumb).size) == 640
    # The stored names say nothing of the original name, and cannot be guessed.
    assert "IMG" not in attachment.file.name and len(attachment.file.name) > len("attachments/") + 20


def test_a_png_stays_lossless_and_a_transparent_one_keeps_its_transparency(alice):
    attachment = attachment_upload(uploader=alice, upload=upload("capture.png", png()))
    assert attachment.file.name.endswith(".png") and attachment.content_type == "image/png"
    with default_storage.open(attachment.file.name) as stored:
        assert Image.open(stored).mode == "RGBA"


def test_a_pdf_is_kept_as_it_is_with_its_name_type_and_size(alice):
    attachment = attachment_upload(uploader=alice, upload=upload("Rapport Q3.pdf", PDF))
    assert (attachment.kind, attachment.name, attachment.content_type) == (
        "document",
        "Rapport Q3.pdf",
        "application/pdf",
    )
    assert attachment.size == len(PDF) and attachment.thumbnail.name == ""
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "this type of file is not accepted"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "this type of file is not accepted"),
        ("setup.exe", b"MZ\x90\x00", "this type of file is not accepted"),
        ("../../etc/passwd", b"root:x:0:0", "this type of file is not accepted"),
        ("rapport.pdf", b"<html><script>alert(1)</script></html>", "is not a real PDF file"),
        ("photo.jpg", b"GIF89a not a jpeg", "is not a real JPEG file"),
        ("tableau.xlsx", b"\x00\x01 not a zip", "is not a real Excel file"),
        ("notes.txt", b"binary\x00\x00\x00", "is not a real Text file"),
        ("vide.pdf", b"", "is empty"),
    ],
)
def test_what_is_not_allowed_or_not_what_its_name_says_is_refused_and_nothing_is_stored(
    alice, media, name, content, message
):
    with pytest.raises(ValidationError) as refused:
        attachment_upload(uploader=alice, upload=upload(name, content))
    assert message in refused.value.message_dict["file"][0]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_an_image_that_is_not_one_is_refused(alice, media):
    with pytest.raises(ValidationError) as refused:
        attachment_upload(uploader=alice, upload=upload("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50))
    assert "not an image" in refused.value.message_dict["file"][0]
    assert stored_files(media) == []


def test_a_name_is_only_a_label(alice):
    assert clean_name("../../etc/passwd") == ("passwd", "")
    assert clean_name("C:\\Users\\léa\\Devis.PDF") == ("Devis.pdf", "pdf")
    assert clean_name("facture\u202egpj.exe") == ("facturegpj.exe", "exe")  # no right-to-left trick
    assert clean_name("  .pdf") == ("pdf", "")
    long_name, extension = clean_name("a" * 400 + ".docx")
    assert len(long_name) <= 150 and long_name.endswith(".docx") and extension == "docx"
    attachment = attachment_upload(uploader=alice, upload=upload("<script>alert(1)</script>.txt", b"hello"))
    assert attachment.name == "script>.txt"  # what follows the last slash; escaped where shown
    assert attachment.file.name.startswith("attachments/") and "script" not in attachment.file.name


def test_the_admins_choose_the_size_limit_and_the_types(alice, admin):
    file_settings_update(by=admin, max_size_mb=1, groups=["pdf"])
    with pytest.raises(ValidationError, match="too large: 1 MB at most"):
        attachment_upload(uploader=alice, upload=upload("gros.pdf", PDF + b"0" * (1024 * 1024)))
    with pytest.raises(ValidationError, match=r"not accepted here \(PDF\)"):
        attachment_upload(uploader=alice, upload=upload("photo.jpg", spy_jpeg()))
    assert attachment_upload(uploader=alice, upload=upload("petit.pdf", PDF)).pk


def test_only_admins_change_the_rules_and_bad_values_change_nothing(alice, admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        file_settings_update(by=alice, max_size_mb=200, groups=["archive"])
    for size, groups in [(0, ["pdf"]), (500, ["pdf"]), (10, []), (10, ["html"])]:
        with pytest.raises(ValidationError):
            file_settings_update(by=admin, max_size_mb=size, groups=groups)
    rules = FileSettings.current()
    assert rules.max_size_mb == 20 and "archive" not in rules.groups


def test_a_person_cannot_pile_up_uploads_they_never_attach(alice, monkeypatch):
    from ruche.files import policies

    monkeypatch.setattr(policies, "MAX_WAITING_PER_PERSON", 2)
    attachment_upload(uploader=alice, upload=upload("a.txt", b"a"))
    attachment_upload(uploader=alice, upload=upload("b.txt", b"b"))
    with pytest.raises(ValidationError, match="Publish or remove"):
        attachment_upload(uploader=alice, upload=upload("c.txt", b"c"))


def test_a_storage_that_fails_is_a_clear_refusal_and_leaves_nothing(alice, media, settings):
    media.mkdir(parents=True)
    (media / "a-file").write_bytes(b"")
    settings.MEDIA_ROOT = media / "a-file"  # no folder can be made under a file, even by root
    with pytest.raises(ValidationError, match="cannot be stored right now"):
        attachment_upload(uploader=alice, upload=upload("plan.pdf", PDF))
    assert not Attachment.objects.exists()
