"""Attachments: upload a file (it waits for you to attach it by id to a post, a reply, a question,
an answer, an idea or an announcement, within a day), or take back an upload not attached yet."""

from django.http import HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from ruche.api.common import WRITE_ERRORS
from ruche.api.schemas import AttachmentOut, Id
from ruche.files import services
from ruche.files.forms import refuse_cut_off_upload
from ruche.files.models import Attachment

router = Router(tags=["files"])


@router.post("/", response={201: AttachmentOut, **WRITE_ERRORS}, summary="Upload a file")
def upload(request, file: File[UploadedFile]):
    """Multipart, field `file`. Images are re-encoded (metadata removed) and given a thumbnail; other
    files must be of a type the administrators allow and be what their name says. Send the returned
    `id` in `attachments` when you publish."""
    refuse_cut_off_upload(request)
    return Status(201, services.attachment_upload(uploader=request.auth, upload=file))


@router.delete("/{id:file_id}", response={204: None, **WRITE_ERRORS}, summary="Take back an upload")
def discard(request, file_id: Id):
    """Only an upload of yours not attached yet (edit the post to remove an attached file)."""
    attachment = Attachment.objects.filter(pk=file_id, uploader=request.auth, holder_kind="").first()
    if attachment is not None:
        services.attachment_discard(attachment=attachment, by=request.auth)
    return HttpResponse(status=204)
