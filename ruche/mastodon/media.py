"""Mastodon's media (docs.joinmastodon.org/methods/media/) through Ruche's attachments (ruche.files):
the same type and content checks, images re-encoded with a thumbnail, the same size limit. An
upload waits, unattached, until `media_ids[]` on a status attaches it (ruche.files' attach service),
and is swept if never attached. Processing is synchronous: the answer is 200 with the file's URL.

Only its uploader sees an upload here: anyone else's id is 404. Ruche keeps no alt text apart from
the file's name: `description` is accepted and not stored (docs/api.md).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ruche.files.selectors import waiting_uploads
from ruche.files.services import attachment_upload
from ruche.mastodon import serializers
from ruche.mastodon.endpoint import endpoint


@endpoint(methods=("POST",), scopes=("write:media",))
def media_upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError(_("Choose a file to upload."))
    attachment = attachment_upload(uploader=request.user, upload=upload)
    return JsonResponse(serializers.attachment(attachment, request))


def _own(request, media_id: int):
    found = waiting_uploads(request.user, [media_id])
    if not found:
        raise Http404
    return found[0]


@endpoint(scopes=("write:media",))
def media_get(request, media_id: int):
    return JsonResponse(serializers.attachment(_own(request, media_id), request))


@endpoint(methods=("PUT",), scopes=("write:media",))
def media_update(request, media_id: int):
    return JsonResponse(serializers.attachment(_own(request, media_id), request))


@csrf_exempt
def media_detail(request, media_id: int):
    view = media_update if request.method == "PUT" else media_get
    return view(request, media_id)


def routes() -> list:
    from ruche.mastodon.urls import api

    return [
        *api("api/v2/media", media_upload, "media_v2"),
        *api("api/v1/media", media_upload, "media_v1"),
        *api("api/v1/media/<id:media_id>", media_detail, "media"),
    ]
