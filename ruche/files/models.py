from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.core.uploads import unguessable_name
from ruche.files.types import DEFAULT_GROUPS, GROUPS


def attachment_path(instance, filename: str) -> str:
    return unguessable_name("attachments", filename)


class Attachment(models.Model):
    """A file someone attached, or is about to attach, to what they write (a post, a reply, an
    announcement...). Uploaded first, while the text is still being written, with no holder: only its
    uploader may see it then; attached when the text is published; swept if never attached.

    `holder_kind` + `holder_id` name what it is attached to ("post", 12): the holder's app registers,
    with `ruche.files.holders.register_holder`, who may read it. Its storage name is random: a file's
    address cannot be guessed, and every download asks the holder's rule."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    holder_kind = models.CharField(max_length=20, blank=True)
    holder_id = models.PositiveBigIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(upload_to=attachment_path, max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=150)  # the uploader's file name, cleaned
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["holder_kind", "holder_id", "position"], name="attachment_holder"),
            models.Index(fields=["file"], name="attachment_file"),
            models.Index(fields=["thumbnail"], name="attachment_thumbnail"),
            models.Index(fields=["holder_kind", "created"], name="attachment_unattached"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower()


def _default_groups():
    return list(DEFAULT_GROUPS)


class FileSettings(models.Model):
    """Company-wide rules for attachments, one row, edited by admins. Read on every upload, cached."""

    max_size_mb = models.PositiveIntegerField(_("largest file (MB)"), default=20)
    groups = models.JSONField(_("allowed types"), default=_default_groups)

    CACHE_KEY = "files:settings"
    GROUPS = GROUPS

    class Meta:
        verbose_name = _("attachment settings")

    @classmethod
    def current(cls) -> "FileSettings":
        from ruche.core.singletons import cached_row

        return cached_row(cls, cls.CACHE_KEY)

    @property
    def max_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024
