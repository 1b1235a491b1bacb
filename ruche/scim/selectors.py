"""Every read SCIM makes: people and groups as SCIM resources, the lists a filter selects, the
tokens' page. The ETag of a resource is a hash of its representation: whatever changes it (a SCIM
write, an administrator, the person themselves) changes the version, with no counter to keep."""

import hashlib
import json

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf

from ruche.accounts.models import ERASED_DOMAIN, PEOPLE, Department, DirectorySettings, User
from ruche.communities.models import Community
from ruche.scim import schema
from ruche.scim.models import ScimGroup, ScimToken, ScimUser

BASE = "/scim/v2"


def tokens():
    return ScimToken.objects.select_related("created_by").order_by("revoked_at", "-created", "-id")


# People ----------------------------------------------------------------------------------------


def people():
    """Everyone SCIM sees (not those it deleted, nor those erased), with what filters compare
    already computed."""
    return (
        User.objects.filter(PEOPLE, Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True))
        .exclude(email__endswith="@" + ERASED_DOMAIN)
        .select_related("profile__department", "profile__site", "profile__manager", "scim")
        .annotate(
            scim_user_name=Coalesce(
                NullIf(F("scim__user_name"), Value("")), F("email"), output_field=CharField()
            ),
            scim_last_modified=Coalesce(F("scim__last_modified"), F("date_joined")),
            scim_display_name=Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField()),
        )
        .alias(scim_user_name_lower=Lower("scim__user_name"))
        .order_by("pk")
    )


def person(scim_id: str) -> User | None:
    if not scim_id.isdigit() or len(scim_id) > 18:
        return None
    return people().filter(pk=int(scim_id)).first()


def _scim_row(user: User) -> ScimUser | None:
    try:
        return user.scim
    except ScimUser.DoesNotExist:
        return None


def _versioned(resource, dump) -> None:
    body = json.dumps(dump(resource), sort_keys=True, default=str)
    resource.meta.version = 'W/"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'


def _meta(kind: str, scim_id: str, created, last_modified, base_url: str) -> dict:
    return {
        "resourceType": kind,
        "created": created,
        "lastModified": last_modified or created,
        "location": f"{base_url}{BASE}/{kind}s/{scim_id}",
    }


def user_resource(user: User, base_url: str) -> schema.UserResource:
    row = _scim_row(user)
    profile = getattr(user, "profile", None)
    scim_id = str(user.pk)
    body = {
        "schemas": [str(schema.User.__schema__)],
        "id": scim_id,
        "externalId": user.directory_id or None,
        "userName": (row.user_name if row and row.user_name else user.email),
        "name": {"givenName": user.first_name or None, "familyName": user.last_name or None},
        "displayName": user.full_name,
        "title": (profile.job_title if profile else "") or None,
        "preferredLanguage": user.language or None,
        "active": user.is_active,
        "emails": [{"value": user.email, "type": "work"}],
    }
    if profile and profile.phone:
        body["phoneNumbers"] = [{"value": profile.phone, "type": "work"}]
    if profile and profile.site_id:
        body["addresses"] = [{"locality": profile.site.name, "type": "work"}]
    enterprise = {
        "employeeNumber": (row.employee_number if row else "") or None,
        "department": profile.department.name if profile and profile.department_id else None,
    }
    if profile and profile.manager_id:
        enterprise["manager"] = {
            "value": str(profile.manager_id),
            "$ref": f"{base_url}{BASE}/Users/{profile.manager_id}",
        }
    if any(enterprise.values()):
        body["schemas"].append(str(schema.EnterpriseUser.__schema__))
        body[str(schema.EnterpriseUser.__schema__)] = enterprise
    last = getattr(user, "scim_last_modified", None) or (row.last_modified if row else None)
    body["meta"] = _meta("User", scim_id, user.date_joined, last, base_url)
    resource = schema.UserResource.model_validate(body, scim_ctx=None)
    _versioned(resource, _plain_dump)
    return resource


def _plain_dump(resource) -> dict:
    data = resource.model_dump(scim_ctx=None, exclude_none=True, mode="json")
    data.pop("meta", None)
    return data


# Groups ------------------------------------------------------------------------------------------


def groups_mode() -> str:
    return DirectorySettings.current().scim_groups_as


def _kind() -> str:
    return (
        ScimGroup.Kind.COMMUNITY
        if groups_mode() == DirectorySettings.GroupsAs.COMMUNITIES
        else ScimGroup.Kind.DEPARTMENT
    )


def _units():
    if _kind() == ScimGroup.Kind.COMMUNITY:
        return Community.objects.filter(
            archived_at__isnull=True, is_company_wide=False, approved=True
        ).order_by("pk")
    return Department.objects.order_by("pk")


def group_units() -> list:
    """The departments, or the communities, as SCIM groups, in a stable order."""
    return list(_units())


def group_unit(scim_id: str):
    """The department or community a group id names, if it is one of the current mode's."""
    kind, _sep, pk = scim_id.partition("-")
    if kind != _kind() or not pk.isdigit() or len(pk) > 18:
        return None
    return _units().filter(pk=int(pk)).first()


def group_id(unit) -> str:
    return f"{_kind()}-{unit.pk}"


def group_members(unit) -> list[int]:
    """The ids of the people in a department or community that SCIM sees."""
    visible = (
        PEOPLE  # an integration's seat in a community (ruche.integrations) is nobody to provision
        & (Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True))
        & ~Q(email__endswith="@" + ERASED_DOMAIN)
    )
    if isinstance(unit, Community):
        users = User.objects.filter(visible, memberships__community=unit)
    else:
        users = User.objects.filter(visible, profile__department=unit)
    return list(users.order_by("pk").values_list("pk", flat=True))


def group_resource(unit, base_url: str, rows: dict | None = None) -> schema.Group:
    scim_id = group_id(unit)
    if rows is None:
        rows = {r.object_id: r for r in ScimGroup.objects.filter(kind=_kind(), object_id=unit.pk)}
    row = rows.get(unit.pk)
    members = [
        {"value": str(pk), "$ref": f"{base_url}{BASE}/Users/{pk}", "type": "User"}
        for pk in group_members(unit)
    ]
    created = getattr(unit, "created", None) or (row.last_modified if row else None)
    body = {
        "schemas": [str(schema.Group.__schema__)],
        "id": scim_id,
        "externalId": (row.external_id if row else "") or None,
        "displayName": unit.name,
        "members": members or None,
        "meta": _meta("Group", scim_id, created, row.last_modified if row else None, base_url),
    }
    if body["meta"]["created"] is None:
        del body["meta"]["created"], body["meta"]["lastModified"]
    resource = schema.Group.model_validate(body, scim_ctx=None)
    _versioned(resource, _plain_dump)
    return resource


def group_rows() -> dict:
    return {r.object_id: r for r in ScimGroup.objects.filter(kind=_kind())}
