"""Every write SCIM makes. A person is always written through the one provisioning write of the
accounts app (`person_provision`, `person_deprovision`, source SCIM); a department is renamed or
removed here; a community's members change through the communities app's services, in the name of
the administrator who made the token. Each service is one transaction: a refused step leaves nothing."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import ForbiddenException, InvalidValueException, UniquenessException

from ruche.accounts.models import Department, Source, User
from ruche.accounts.provisioning import PersonRecord, person_deprovision, person_provision
from ruche.accounts.services import admin_log
from ruche.communities import services as communities
from ruche.communities.models import Community, Membership
from ruche.scim import schema, selectors
from ruche.scim.models import ScimGroup, ScimToken, ScimUser

TOKEN_PREFIX = "ruche_scim_"  # noqa: S105 -- a recognisable prefix (secret scanners), not a secret


# Tokens -----------------------------------------------------------------------------------------


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, name: str, by: User | None) -> tuple[ScimToken, str]:
    """A new token and its secret, which is shown once and never stored (only its SHA-256)."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the identity provider's.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(name=name, token_hash=token_digest(secret), created_by=by)
    admin_log(actor=by, action="scim_token_create", target=name, token=token.pk)
    return token, secret


@transaction.atomic
def token_revoke(*, token: ScimToken, by: User | None) -> bool:
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    admin_log(actor=by, action="scim_token_revoke", target=token.name, token=token.pk)
    return True


def token_authenticate(*, secret: str) -> ScimToken | None:
    """The live token this secret is (compared by its hash: a database lookup on a SHA-256 of a
    high-entropy secret leaks nothing usable by timing), its last use noted at most once a minute."""
    if not secret:
        return None
    token = ScimToken.objects.filter(token_hash=token_digest(secret), revoked_at__isnull=True).first()
    if token is None or not secrets.compare_digest(token.token_hash, token_digest(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# People -----------------------------------------------------------------------------------------


def _text(value) -> str:
    return str(value or "").strip()


def _primary(values):
    """The value Ruche keeps of a multi-valued attribute: the one the client marked primary (read
    from what it sent, as the schema has no "primary"), else the first."""
    values = values or []
    marked = [v for v in values if (v.unknown_attributes or {}).get("primary") is True]
    return marked[0] if marked else (values[0] if values else None)


def _language(value: str | None) -> str:
    code = _text(value).lower().replace("_", "-").split("-", 1)[0]
    return code if code in schema.LANGUAGES else ""


def _manager_email(ext, user: User | None) -> str:
    manager_id = _text(ext.manager.value) if ext and ext.manager else ""
    if not manager_id:
        return ""
    manager = selectors.person(manager_id)
    if manager is None:
        raise InvalidValueException(detail=f"manager: no user has the id {manager_id}")
    if user is not None and manager.pk == user.pk:
        raise InvalidValueException(detail="manager: a person cannot be their own manager")
    return manager.email


def _record(
    resource: schema.UserResource, user: User | None, *, creating: bool = False
) -> tuple[PersonRecord, str, str]:
    """The provisioning record of a full representation (what it leaves out is cleared), with the
    userName and employee number Ruche keeps beside the profile."""
    user_name = _text(resource.user_name)
    email = _primary(resource.emails)
    email = _text(email.value if email else "") or (user_name if "@" in user_name else "")
    if not user_name:
        raise InvalidValueException(detail="userName is required")
    if not email:
        raise InvalidValueException(detail="emails: Ruche needs an e-mail address for everyone")
    ext = resource[schema.EnterpriseUser]
    phone, address = _primary(resource.phone_numbers), _primary(resource.addresses)
    # Unsaid: a POST (a new assignment) makes them active; a replacement leaves them as they are.
    active = resource.active if resource.active is not None else (creating or user is None or user.is_active)
    record = PersonRecord(
        email=email,
        first_name=resource.name.given_name if resource.name else None,
        last_name=resource.name.family_name if resource.name else None,
        job_title=_text(resource.title),
        department=_text(ext.department if ext else ""),
        site=_text(address.locality if address else ""),
        phone=_text(phone.value if phone else ""),
        manager_email=_manager_email(ext, user),
        active=active,
        directory_id=_text(resource.external_id),
        language=_language(resource.preferred_language),
    )
    return record, user_name, _text(ext.employee_number if ext else "")[:64]


def _claimed_user_name(user_name: str, user: User | None) -> bool:
    """Whether another person SCIM sees already answers to this userName (their own, kept beside
    the profile, or their address when they have none): two indexed lookups, not a scan."""
    lowered = user_name.lower()
    kept = (
        ScimUser.objects.alias(lowered=Lower("user_name"))  # the unique index's expression
        .filter(lowered=lowered, deleted_at__isnull=True)
        .values_list("user_id", flat=True)
    )
    by_address = User.objects.filter(email=lowered).filter(
        Q(scim__isnull=True) | Q(scim__user_name="", scim__deleted_at__isnull=True)
    )
    others = [*kept, *by_address.values_list("pk", flat=True)]
    return any(pk != (user.pk if user else None) for pk in others)


def _write(resource: schema.UserResource, user: User | None, *, creating: bool = False) -> User:
    record, user_name, employee_number = _record(resource, user, creating=creating)
    if _claimed_user_name(user_name, user):
        raise UniquenessException(detail=f"userName {user_name} is already taken")
    try:
        user = person_provision(record=record, source=Source.SCIM, user=user).user
    except ValidationError as error:
        raise UniquenessException(detail=" ".join(error.messages)) from None
    kept = {
        # Blank when it is the address: a change of address then changes the userName too.
        "user_name": "" if user_name.lower() == user.email else user_name,
        "employee_number": employee_number,
        "deleted_at": None,
    }
    row = ScimUser.objects.filter(user=user).first()
    if row is not None and all(getattr(row, name) == value for name, value in kept.items()):
        return user  # a change of the profile moved lastModified already (reactions.people_changed)
    try:
        with transaction.atomic():  # two clients racing for one userName: the second one is told so
            ScimUser.objects.update_or_create(user=user, defaults={**kept, "last_modified": timezone.now()})
    except IntegrityError:
        raise UniquenessException(detail=f"userName {user_name} is already taken") from None
    return user


@transaction.atomic
def scim_user_create(*, resource: schema.UserResource) -> User:
    """A POST: a new person, or someone Ruche already knows by this address (invited by hand, or
    deleted by SCIM earlier) taken over by the directory. Someone SCIM already sees under another
    userName is a conflict (409)."""
    record, _user_name, _number = _record(resource, None)
    existing = User.objects.filter(email__iexact=record.email).first()
    if existing is not None and existing.source == Source.SCIM and selectors.person(str(existing.pk)):
        raise UniquenessException(detail=f"{record.email} is already provisioned")
    return _write(resource, existing, creating=True)


@transaction.atomic
def scim_user_replace(*, user: User, resource: schema.UserResource) -> User:
    """A PUT, or the result of a PATCH: the representation as a whole; what it leaves out is cleared."""
    return _write(resource, user)


@transaction.atomic
def scim_user_delete(*, user: User) -> None:
    """A DELETE: the person is deactivated (a former colleague; what they wrote stays) and SCIM no
    longer sees them (404). A later POST with their address brings them back."""
    if not person_deprovision(user=user, source=Source.SCIM) and user.is_active:
        # Kept by hand until now: what SCIM deletes is deactivated all the same, and becomes SCIM's.
        person_provision(record=PersonRecord(email=user.email, active=False), source=Source.SCIM, user=user)
    ScimUser.objects.update_or_create(
        user=user, defaults={"deleted_at": timezone.now(), "last_modified": timezone.now()}
    )


# Groups -----------------------------------------------------------------------------------------


def _member_users(resource: schema.Group) -> list[User]:
    users = []
    for member in resource.members or []:
        value = _text(member.value)
        user = selectors.person(value)
        if user is None:
            raise InvalidValueException(
                detail=f"members: no user has the id {value} (groups hold people only)"
            )
        users.append(user)
    return users


def _touch(kind: str, unit, external_id: str | None) -> None:
    defaults = {"last_modified": timezone.now()}
    if external_id is not None:
        defaults["external_id"] = external_id[:255]
    ScimGroup.objects.update_or_create(kind=kind, object_id=unit.pk, defaults=defaults)


def _set_department(user: User, name: str) -> None:
    person_provision(
        record=PersonRecord(email=user.email, department=name, active=user.is_active),
        source=Source.SCIM,
        user=user,
    )


def _department_write(department: Department | None, resource: schema.Group) -> Department:
    name = " ".join(_text(resource.display_name).split())[:120]
    if not name:
        raise InvalidValueException(detail="displayName is required")
    clash = Department.objects.filter(name__iexact=name).exclude(pk=department.pk if department else None)
    if clash.exists():
        raise UniquenessException(detail=f"A group named {name} already exists")
    if department is None:
        department = Department.objects.create(name=name)
    elif department.name != name:
        department.name = name
        department.save(update_fields=["name"])
        for user in User.objects.filter(profile__department=department):
            _set_department(user, name)  # their search text and directory rules follow the new name
    wanted = {user.pk: user for user in _member_users(resource)}
    for user in User.objects.filter(profile__department=department).exclude(pk__in=wanted):
        if selectors.person(str(user.pk)) is not None:
            _set_department(user, "")
    for user in wanted.values():
        if getattr(getattr(user, "profile", None), "department_id", None) != department.pk:
            _set_department(user, name)
    return department


def _actor(token: ScimToken) -> User:
    actor = token.created_by
    if actor is None or not (actor.is_active and actor.is_staff):
        raise ForbiddenException(
            detail="Groups are communities: they are changed in the name of the administrator who made "
            "the token, and this token has none (make one at /manage/scim/)."
        )
    return actor


def _community_write(community: Community | None, resource: schema.Group, token: ScimToken) -> Community:
    actor = _actor(token)
    name = " ".join(_text(resource.display_name).split())[:80]
    try:
        if community is None:
            # Public: the company's rule keeps closed communities few (an administrator may close it).
            community = communities.community_create(
                by=actor, name=name, visibility=Community.Visibility.PUBLIC
            )
            communities._remove_member(community, actor)
        elif community.name != name:
            communities.community_update(community=community, by=actor, name=name)
    except ValidationError as error:
        raise UniquenessException(detail=" ".join(error.messages)) from None
    wanted = {user.pk: user for user in _member_users(resource)}
    current = set(Membership.objects.filter(community=community).values_list("user_id", flat=True))
    for membership in (
        Membership.objects.filter(community=community).exclude(user_id__in=wanted).select_related("user")
    ):
        if selectors.person(str(membership.user_id)) is not None:
            communities._remove_member(community, membership.user)
            communities.audit(
                actor, "remove_member", community=community, target=membership.user, detail="SCIM"
            )
    for pk, user in wanted.items():
        if pk not in current:
            communities._add_member(community, user)
            communities.audit(actor, "join", community=community, target=user, detail="SCIM")
    return community


@transaction.atomic
def scim_group_write(*, unit, resource: schema.Group, token: ScimToken):
    """A POST (`unit` None), a PUT, or the result of a PATCH: the group's name and members as a whole."""
    kind = selectors._kind()
    if kind == ScimGroup.Kind.COMMUNITY:
        unit = _community_write(unit, resource, token)
    else:
        unit = _department_write(unit, resource)
    _touch(kind, unit, _text(resource.external_id))
    return unit


@transaction.atomic
def scim_group_delete(*, unit, token: ScimToken) -> None:
    """A department is removed (its people keep their profile, without it); a community is archived,
    never deleted: what was written there stays."""
    kind = selectors._kind()
    if kind == ScimGroup.Kind.COMMUNITY:
        communities.community_archive(community=unit, by=_actor(token))
    else:
        for user in User.objects.filter(profile__department=unit):
            _set_department(user, "")
        unit.delete()
    ScimGroup.objects.filter(kind=kind, object_id=unit.pk).delete()
