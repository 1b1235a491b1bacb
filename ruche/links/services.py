"""Link previews: one per normalised address, asked for when a post is written, fetched by the
task worker through the outbound door, refreshed when a later post shares a stale one."""

import json
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.core import outbound
from ruche.core.images import reencoded_image
from ruche.links import pages
from ruche.links.addresses import address_hash, normalised
from ruche.links.models import LinkPreview

PAGE_BYTES = 512 * 1024  # a page's head is near its start; the rest is not read
OEMBED_BYTES = 64 * 1024
PREVIEW_IMAGE_SIDE = 800
URL_MAX = LinkPreview._meta.get_field("url").max_length
ACCEPT_PAGE = "text/html,application/xhtml+xml;q=0.9,image/*;q=0.8"


def preview_for(url: str) -> LinkPreview | None:
    """The shared preview of `url`, made if new; a fetch is enqueued (in the caller's transaction)
    when it is new or stale. None for what is not a web address."""
    from ruche.links.tasks import preview_fetch

    normal = normalised(url)
    if normal is None or len(normal) > URL_MAX:
        return None  # an address longer than any real page's stays a plain link
    preview, created = LinkPreview.objects.get_or_create(
        url_hash=address_hash(normal), defaults={"url": normal}
    )
    if created or preview.is_stale:
        preview_fetch.enqueue(preview_id=preview.pk)
    return preview


def preview_fetch(preview_id: int) -> str:
    """Fetch the page and its image, then store what they say; a page that cannot be fetched
    leaves a preview with nothing to show and the reason. The network is never waited on inside
    a transaction. Returns the status; a fresh preview is left alone (the task may run twice)."""
    preview = LinkPreview.objects.filter(pk=preview_id).first()
    if preview is None or not preview.is_stale:
        return preview.status if preview else "gone"
    try:
        summary = _summary(preview.url)
    except outbound.FetchError as error:
        return _store(preview, LinkPreview.Status.FAILED, pages.Summary(), None, error=str(error))
    image = _image(summary.image_url) if summary.image_url else None
    status = (
        LinkPreview.Status.READY
        if (summary.title or summary.description or image)
        else LinkPreview.Status.FAILED
    )
    return _store(
        preview, status, summary, image, error="" if status == "ready" else _("The page says nothing.")
    )


def _summary(url: str) -> pages.Summary:
    response = outbound.fetch(url, headers={"Accept": ACCEPT_PAGE}, max_bytes=PAGE_BYTES, truncate=True)
    if not response.ok:
        raise outbound.FetchError(
            _("The page answered with the error %(status)s.") % {"status": response.status}
        )
    if response.content_type.startswith("image/"):
        return pages.Summary(site_name=pages.host_of(response.url), image_url=response.url)
    if response.content_type not in ("text/html", "application/xhtml+xml"):
        raise outbound.FetchError(_("This address is not a web page."))
    charset = response.headers.get("content-type", "").partition("charset=")[2].strip(' "') or None
    summary = pages.html_summary(response.body, response.url, charset)
    if summary.oembed_url and not (summary.title and summary.image_url):
        summary = pages.oembed_summary(_oembed(summary.oembed_url), summary)
    return replace(summary, site_name=summary.site_name or pages.host_of(response.url))


def _oembed(url: str) -> object:
    try:
        response = outbound.fetch(url, headers={"Accept": "application/json"}, max_bytes=OEMBED_BYTES)
        return json.loads(response.body) if response.ok else None
    except (outbound.FetchError, ValueError):
        return None  # the page's own tags are enough


def _image(url: str) -> ContentFile | None:
    """The preview image, downloaded through the door and re-encoded like a profile photo (no
    metadata survives); None for what cannot be fetched or is not an image."""
    try:
        response = outbound.fetch(url, headers={"Accept": "image/*"})
        if not response.ok:
            return None
        return reencoded_image(ContentFile(response.body), field="image", max_side=PREVIEW_IMAGE_SIDE)
    except (outbound.FetchError, ValidationError):
        return None


def _store(
    preview: LinkPreview, status: str, summary: pages.Summary, image: ContentFile | None, *, error: str
):
    with transaction.atomic():
        preview = LinkPreview.objects.select_for_update().get(pk=preview.pk)
        if not preview.is_stale:  # another copy of the task stored it meanwhile: keep theirs
            return preview.status
        old_image = preview.image.name
        preview.status = status
        preview.title, preview.description, preview.site_name = (
            summary.title,
            summary.description,
            summary.site_name,
        )
        preview.error = error[:300]
        preview.fetched_at = timezone.now()
        if image is not None:
            preview.image.save(image.name, image, save=False)
        elif status == LinkPreview.Status.FAILED:
            preview.image = ""
        preview.save()
        if old_image and old_image != preview.image.name:
            storage = preview.image.storage
            transaction.on_commit(lambda: storage.delete(old_image))
    return preview.status
