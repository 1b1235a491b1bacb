"""Your data: ask for an export of everything Ruche holds about you, see its state, download it;
your sign-in history."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.errors import Error
from ruche.core.media import media_headers
from ruche.privacy import selectors
from ruche.privacy.models import DataExport
from ruche.privacy.policies import access_ready_export, served_export
from ruche.privacy.services.export import export_request

router = Router(tags=["my data"])


class ExportOut(Schema):
    id: int
    status: str  # pending, ready, failed, expired
    requested_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    size: int
    download_url: str | None

    @staticmethod
    def resolve_download_url(obj):
        if obj.status != DataExport.Status.READY:
            return None
        return settings.SITE_URL + reverse("api:privacy_export_download")


class ExportState(Schema):
    export: ExportOut | None


class SignInOut(Schema):
    at: datetime
    method: str
    ip: str | None
    user_agent: str


class SignInList(Schema):
    items: list[SignInOut]


@router.post(
    "/export", response={202: ExportOut, 409: Error, **WRITE_ERRORS}, summary="Ask for my data export"
)
def export_ask(request):
    """Prepared in the background; you are notified when it is ready. While one is being prepared,
    another request is refused (409)."""
    try:
        return Status(202, export_request(user=request.auth))
    except ValidationError as error:
        if error.code != "pending":
            raise
        return Status(409, {"detail": " ".join(error.messages), "field": None})


@router.get("/export", response={200: ExportState, **READ_ERRORS}, summary="My latest data export")
def export_state(request):
    return {"export": selectors.latest_export(user=request.auth)}


@router.get(
    "/export/download",
    response={200: None, **READ_ERRORS},
    url_name="privacy_export_download",
    summary="Download my data export (a ZIP)",
)
def export_download(request):
    export = access_ready_export(request.auth)
    response = FileResponse(default_storage.open(export.file.name, "rb"))
    for name, value in media_headers(export.file.name, served_export(request.auth)).items():
        response[name] = value
    return response


@router.get("/signins", response={200: SignInList, **READ_ERRORS}, summary="My last sign-ins")
def signins(request):
    """The last 50: date, method (password, oidc, saml, token), IP address and browser."""
    return {"items": selectors.my_signins(user=request.auth)}
