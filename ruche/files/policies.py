"""Who may see an attachment: its uploader while it waits to be attached, then whoever may read
what holds it (asked of the holder's app, at every download)."""

from ruche.files.holders import holder
from ruche.files.models import Attachment

MAX_PER_HOLDER = 10
MAX_WAITING_PER_PERSON = 50  # uploaded and not yet attached: enough for a few messages at once


def can_download(user, attachment: Attachment) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if not attachment.holder_kind:
        return attachment.uploader_id == user.pk
    return holder(attachment.holder_kind).may_read(user, attachment.holder_id)


def readable_file(user, name: str):
    """The media rule of the "attachments" folder: how to serve the stored file `name` (an
    attachment or its thumbnail) to `user`, or None (404, as for a file that does not exist)."""
    from django.db.models import Q

    from ruche.core.media import Served

    attachment = Attachment.objects.filter(Q(file=name) | Q(thumbnail=name)).first()
    if attachment is None or not can_download(user, attachment):
        return None
    if name == attachment.thumbnail.name or attachment.is_image:
        return Served(content_type="image/png" if name.endswith(".png") else "image/jpeg")
    return Served(filename=attachment.name, inline=False, content_type=attachment.content_type)
