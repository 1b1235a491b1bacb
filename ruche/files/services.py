"""Writes on attachments: upload (checked, images cleaned), attach to what was written, replace on
an edit, delete with their holder, sweep what was never attached."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.core.images import encoded, fitted, upright_image
from ruche.files import policies
from ruche.files.holders import holder, holder_kinds
from ruche.files.models import Attachment, FileSettings
from ruche.files.names import clean_name
from ruche.files.types import GROUPS, TYPES, proves

log = logging.getLogger(__name__)
FIELD = "file"
IMAGE_SIDE = 2048  # shown full size, and downloaded
THUMBNAIL_SIDE = 640  # in cards: a grid of two columns on a wide screen
HEAD_BYTES = 8192
WAITING_HOURS = 24  # an upload never attached is swept after this
SWEEP_BATCH = 500


def attachment_upload(*, uploader, upload) -> Attachment:
    """Store one uploaded file, not yet attached to anything: refused whole, with a message naming
    the file, when its type is not allowed, its content is not what its name says, or it is too big."""
    if not (uploader.is_authenticated and uploader.is_active):
        raise PermissionDenied(_("Your account is deactivated."))
    name, extension = clean_name(getattr(upload, "name", ""))
    rules = FileSettings.current()
    file_type = TYPES.get(extension)
    if file_type is None or file_type.group not in rules.groups:
        raise ValidationError({FIELD: _("“%(name)s”: this type of file is not accepted here (%(types)s).")
                               % {"name": name, "types": allowed_extensions(rules)}})  # fmt: skip
    if upload.size > rules.max_bytes:
        raise ValidationError({FIELD: _("“%(name)s” is too large: %(max)d MB at most.")
                               % {"name": name, "max": rules.max_size_mb}})  # fmt: skip
    if upload.size == 0:
        raise ValidationError({FIELD: _("“%(name)s” is empty.") % {"name": name}})
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not proves(file_type, head):
        raise ValidationError({FIELD: _("“%(name)s” is not a real %(type)s file.")
                               % {"name": name, "type": file_type.label}})  # fmt: skip
    waiting = Attachment.objects.filter(uploader=uploader, holder_kind="").count()
    if waiting >= policies.MAX_WAITING_PER_PERSON:
        raise ValidationError({FIELD: _("Publish or remove the files you already added before adding more.")})
    if file_type.group == "image":
        return _store_image(uploader, upload, name)
    return _store(
        uploader,
        {"file": (f"document.{extension}", upload)},
        name=name,
        kind=Attachment.Kind.DOCUMENT,
        content_type=file_type.content_type,
        size=upload.size,
    )


def _store_image(uploader, upload, name: str) -> Attachment:
    """Re-encoded (metadata gone), at most IMAGE_SIDE, with a thumbnail; PNG stays lossless
    (screenshots stay sharp), every other image becomes a JPEG."""
    image = upright_image(upload, field=FIELD, max_bytes=FileSettings.current().max_bytes)
    lossless = name.lower().endswith(".png")
    big = fitted(image, IMAGE_SIDE)
    full = encoded(big, lossless=lossless)
    extension = "png" if lossless else "jpg"
    return _store(
        uploader,
        {
            "file": (f"image.{extension}", full),
            "thumbnail": ("thumbnail.jpg", encoded(fitted(image, THUMBNAIL_SIDE))),
        },
        name=f"{name.rsplit('.', 1)[0]}.{extension}",
        kind=Attachment.Kind.IMAGE,
        content_type="image/png" if lossless else "image/jpeg",
        size=full.size,
        width=big.width,
        height=big.height,
    )


def _store(uploader, files: dict[str, tuple[str, object]], **fields) -> Attachment:
    """Write the files, then the row; a failure after a file was written removes it again. A storage
    that fails (disk full, bucket unreachable) is a clear refusal, not an error page."""
    saved = []
    try:
        for field, (name, content) in files.items():
            path = Attachment._meta.get_field(field).generate_filename(None, name)  # random, in attachments/
            saved.append(_saved(path, content))
            fields[field] = saved[-1]
        return Attachment.objects.create(uploader=uploader, **fields)
    except BaseException:
        for name in saved:
            _forget(name)
        raise


def _saved(path: str, content) -> str:
    try:
        return default_storage.save(path, content)
    except Exception:  # OSError from a disk, botocore's errors from a bucket: any storage's failure
        log.exception("Storing an attachment failed")
        raise ValidationError(
            {FIELD: _("Files cannot be stored right now. Try again in a moment.")}
        ) from None


def _forget(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        log.exception("Removing a half-stored attachment failed: %s", name)  # swept as an orphan file later


def allowed_extensions(rules: FileSettings | None = None) -> str:
    rules = rules or FileSettings.current()
    return ", ".join(sorted({t.extension.upper() for t in TYPES.values() if t.group in rules.groups}))


def accepted_types(rules: FileSettings | None = None) -> str:
    """The picker's `accept` attribute: the extensions the admins allow."""
    rules = rules or FileSettings.current()
    return ",".join(f".{t.extension}" for t in TYPES.values() if t.group in rules.groups)


def attachments_attach(*, kind: str, holder_id: int, ids, by) -> list[Attachment]:
    """Attach the files `by` uploaded (ids, in this order) to the holder, in the caller's transaction.
    A file that is not theirs, already attached, or swept is refused: nothing is attached."""
    return attachments_replace(kind=kind, holder_id=holder_id, ids=ids, by=by)


@transaction.atomic
def attachments_replace(*, kind: str, holder_id: int, ids, by) -> list[Attachment]:
    """The holder's attachments become `ids`: files it already holds stay, new uploads of `by` are
    attached, the others it held are deleted. Returns them in order."""
    holder(kind)  # an unknown kind raises
    ids = list(dict.fromkeys(int(i) for i in ids))
    if len(ids) > policies.MAX_PER_HOLDER:
        raise ValidationError(
            {"attachments": _("%(max)d files at most per message.") % {"max": policies.MAX_PER_HOLDER}}
        )
    held = list(Attachment.objects.select_for_update().filter(holder_kind=kind, holder_id=holder_id))
    new = Attachment.objects.select_for_update().filter(pk__in=ids, uploader=by, holder_kind="")
    found = {a.pk: a for a in [*held, *new]}
    if missing := [i for i in ids if i not in found]:
        raise ValidationError(
            {"attachments": _("A file is no longer available (%(n)d): add it again.") % {"n": len(missing)}}
        )
    for position, pk in enumerate(ids):
        attachment = found[pk]
        attachment.holder_kind, attachment.holder_id, attachment.position = kind, holder_id, position
    Attachment.objects.bulk_update([found[pk] for pk in ids], ["holder_kind", "holder_id", "position"])
    _delete([a for a in held if a.pk not in set(ids)])
    return [found[pk] for pk in ids]


def attachments_delete(*, kind: str, holder_ids) -> int:
    """Delete the attachments of these holders (their holder was deleted): rows now, stored files by
    the worker once the transaction commits."""
    return _delete(list(Attachment.objects.filter(holder_kind=kind, holder_id__in=list(holder_ids))))


def attachment_discard(*, attachment: Attachment, by) -> None:
    """Take back an upload not yet attached (the × on its chip in the composer)."""
    if attachment.uploader_id != by.pk or attachment.holder_kind:
        raise PermissionDenied(_("You cannot remove this file."))
    _delete([attachment])


def _delete(attachments: list[Attachment]) -> int:
    from ruche.files.tasks import stored_files_delete

    if not attachments:
        return 0
    names = [n for a in attachments for n in (a.file.name, a.thumbnail.name) if n]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    stored_files_delete.enqueue(names=names)
    return len(attachments)


def stored_files_delete(names: list[str]) -> None:
    """Remove stored files whose rows are gone (a file already removed is no error: safe twice)."""
    still_used = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
    still_used |= set(Attachment.objects.filter(thumbnail__in=names).values_list("thumbnail", flat=True))
    for name in names:
        if name.startswith("attachments/") and name not in still_used:
            default_storage.delete(name)


def attachments_sweep(now=None) -> int:
    """Delete uploads never attached within WAITING_HOURS, and attachments whose holder is gone
    (a hard delete that took the holder without asking this app)."""
    now = now or timezone.now()
    stale = list(Attachment.objects.filter(holder_kind="", created__lt=now - timedelta(hours=WAITING_HOURS)))
    for kind in holder_kinds():
        held = sorted(set(Attachment.objects.filter(holder_kind=kind).values_list("holder_id", flat=True)))
        for start in range(0, len(held), SWEEP_BATCH):
            batch = held[start : start + SWEEP_BATCH]
            if gone := set(batch) - holder(kind).alive(batch):
                stale += Attachment.objects.filter(holder_kind=kind, holder_id__in=gone)
    with transaction.atomic():
        return _delete(stale)


@transaction.atomic
def file_settings_update(*, by, max_size_mb: int, groups: list[str]) -> FileSettings:
    from django.core.cache import cache

    from ruche.accounts.policies import is_admin

    if not is_admin(by):
        raise PermissionDenied(_("Only administrators change these settings."))
    if not 1 <= max_size_mb <= 200:
        raise ValidationError({"max_size_mb": _("Choose a size between 1 and 200 MB.")})
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        raise ValidationError({"groups": _("Choose at least one type of file.")})
    current = FileSettings.objects.select_for_update().get_or_create(pk=1)[0]
    current.max_size_mb, current.groups = max_size_mb, [g for g in GROUPS if g in groups]
    current.save()
    for forget in (lambda: cache.delete(FileSettings.CACHE_KEY), forget_rules):
        forget()  # now, for this request
        transaction.on_commit(forget)  # and after commit, for a request that read them meanwhile
    return current


def forget_rules() -> None:
    """The pickers' copy of the rules (ruche.files.display) is read again at once in this process."""
    from ruche.files.display import _rules_memo

    _rules_memo.clear()
