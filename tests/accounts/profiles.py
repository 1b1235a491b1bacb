"""Helpers the accounts tests share: a photo to upload, a profile filled in, an activation link."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ruche.accounts import services
from ruche.accounts.models import Department, Profile, Site
from ruche.accounts.tokens import activation_tokens, activation_uid


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 120, 0)).save(out, format="PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


def fresh(user) -> Profile:
    return Profile.objects.select_related("user").get(pk=user.pk)


def fill(user, *, manager=None, photo=False, skills=("Lean", "Excel", "Achats"), **fields):
    """Everything of a complete profile, unless told otherwise."""
    department, _ = Department.objects.get_or_create(name=fields.pop("department", "Qualité"))
    site, _ = Site.objects.get_or_create(name=fields.pop("site", "Lyon"))
    values = {"job_title": "Auditrice", "bio": "Douze ans à la qualité.", "department": department,
              "site": site, "manager": manager, **fields}  # fmt: skip
    services.profile_update(profile=fresh(user), by=user, skills=list(skills), **values)
    if photo:
        services.profile_set_photo(profile=fresh(user), by=user, upload=png())
    return fresh(user)


def activation_path(user) -> str:
    return f"/activate/{activation_uid(user)}/{activation_tokens.make_token(user)}/"
