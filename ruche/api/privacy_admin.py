"""Erasure for administrators' scripts: the same service as the erasure page
(ruche/privacy/services/erasure.py). The person's own export lives in api/privacy.py."""

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from ruche.accounts.policies import is_admin
from ruche.accounts.selectors import access_person
from ruche.api.common import WRITE_ERRORS
from ruche.privacy.services.erasure import person_erase

router = Router(tags=["people"])


class ErasedOut(Schema):
    handle: str  # what the person's row is now called: former-<id>
    kept_contributions: bool


@router.delete(
    "/{handle}/personal-data",
    response={200: ErasedOut, **WRITE_ERRORS},
    summary="Erase a person's personal data (administrators)",
)
def erase(request, handle: str):
    """Final: the person's profile, photo, tokens, sessions, settings and history are deleted, their
    name is gone from logs, notifications, e-mails and search; their posts are kept under "a former
    colleague" or deleted, as the company's directory settings say. Refused (403) for oneself, for
    the last active administrator, for a person already erased, and for anyone but an administrator."""
    if not is_admin(request.auth):
        raise PermissionDenied
    person = access_person(request.auth, handle)
    erased = person_erase(user=person, by=request.auth)
    person.refresh_from_db(fields=["handle"])
    return {"handle": person.handle, "kept_contributions": erased.kept_contributions}
