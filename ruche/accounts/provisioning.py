"""People kept by the company's directory: one write for every way a directory speaks to Ruche
(SCIM, LDAP sync, a single sign-on's claims). The directory is the truth for what it says; what it
does not say (`None`) is left as the person or an administrator set it.

A directory creates people without sending an invitation (they sign in through the company's
identity provider; an administrator may still send one), updates them, and deactivates only the
people it keeps (`User.source`): an administrator invited by hand is never deactivated by a sync.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.events import PeopleChanged
from ruche.accounts.models import Department, Profile, Site, Source, User
from ruche.core.events import publish

# What a directory may say of a profile, and the longest each field holds.
PROFILE_FIELDS = {"job_title": 120, "phone": 40}


@dataclass(frozen=True)
class PersonRecord:
    """What a directory says of one person. `None`: the directory does not say; leave as is."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    department: str | None = None
    site: str | None = None
    phone: str | None = None
    # The manager, by e-mail address (each directory resolves its own references to an address).
    manager_email: str | None = None
    active: bool = True
    directory_id: str | None = None
    language: str | None = None


@dataclass
class Provisioned:
    user: User
    created: bool = False
    # The fields that changed, by name ("first_name", "department", "active", ...): a sync's report.
    changes: list[str] = field(default_factory=list)


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(email)s” is not a valid e-mail address.") % {"email": email}}
        ) from None
    return email


def _unit(model, name: str | None):
    name = (name or "").strip()[:120]
    if not name:
        return None
    return model.objects.filter(name__iexact=name).first() or model.objects.create(name=name)


def _manager(email: str | None, user: User | None) -> User | None:
    email = (email or "").strip().lower()
    found = User.objects.filter(email__iexact=email).first() if email else None
    return None if found is not None and user is not None and found.pk == user.pk else found


def _names(record: PersonRecord, email: str) -> tuple[str, str]:
    """A new person needs a name: the directory's, else the address's local part."""
    first = (record.first_name or "").strip()[:80]
    last = (record.last_name or "").strip()[:80]
    if not first and not last:
        first = email.split("@", 1)[0]
    return first, last


@transaction.atomic
def person_provision(
    *, record: PersonRecord, source: str, dry_run: bool = False, user: User | None = None
) -> Provisioned:
    """Create or update the person `record` describes, found by directory id then by e-mail, or
    given as `user` by a directory that knows them by its own id (SCIM), so that a new address is
    written on them rather than taken for someone new.

    Raises ValidationError naming the field for an address that is not one, or an address already
    used by someone else. With `dry_run`, nothing is written: the report says what would change.
    """
    from ruche.accounts.services import unique_handle

    if source not in Source.values or source == Source.LOCAL:
        raise ValueError(f"Unknown directory source: {source!r}")
    email = _clean_email(record.email)
    if user is None and record.directory_id:
        user = User.objects.filter(source=source, directory_id=record.directory_id).first()
    by_email = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = by_email
    elif by_email is not None and by_email.pk != user.pk:
        raise ValidationError({"email": _("%(email)s is already someone else's address.") % {"email": email}})
    if user is None:
        return _create(record, source, email, unique_handle, dry_run)
    return _update(user, record, source, email, dry_run)


def _create(record, source, email, unique_handle, dry_run) -> Provisioned:
    first, last = _names(record, email)
    user = User(
        email=email,
        first_name=first,
        last_name=last,
        handle=unique_handle(f"{first} {last}"),
        language=record.language or "",
        invited_at=timezone.now(),
        source=source,
        directory_id=(record.directory_id or "")[:255],
        is_active=record.active,
        deactivated_at=None if record.active else timezone.now(),
    )
    user.set_unusable_password()
    changes = ["created"]
    if dry_run:
        return Provisioned(user=user, created=True, changes=changes)
    user.save()
    Profile.objects.create(
        user=user,
        job_title=(record.job_title or "").strip()[:120],
        phone=(record.phone or "").strip()[:40],
        department=_unit(Department, record.department),
        site=_unit(Site, record.site),
        manager=_manager(record.manager_email, user),
    )
    publish(PeopleChanged(user_ids=(user.pk,), directory=True))
    return Provisioned(user=user, created=True, changes=changes)


def _update(user: User, record: PersonRecord, source: str, email: str, dry_run: bool) -> Provisioned:
    profile, _created = Profile.objects.get_or_create(user=user)
    user_changes, profile_changes = {}, {}
    if user.email != email:
        user_changes["email"] = email
    for name in ("first_name", "last_name"):
        value = getattr(record, name)
        if value is not None and value.strip() and value.strip()[:80] != getattr(user, name):
            user_changes[name] = value.strip()[:80]
    if record.directory_id is not None and record.directory_id[:255] != user.directory_id:
        user_changes["directory_id"] = record.directory_id[:255]
    if record.language is not None and record.language != user.language:
        user_changes["language"] = record.language
    if user.source == Source.LOCAL and source != Source.SSO:
        user_changes["source"] = source  # a provisioning directory takes over the record
    for name, length in PROFILE_FIELDS.items():
        value = getattr(record, name)
        if value is not None and value.strip()[:length] != getattr(profile, name):
            profile_changes[name] = value.strip()[:length]
    for name, model in (("department", Department), ("site", Site)):
        value = getattr(record, name)
        current = getattr(profile, name)
        if value is not None and (value.strip().lower() != (current.name.lower() if current else "")):
            profile_changes[name] = model  # resolved below, not created in a dry run
    if record.manager_email is not None:
        manager = _manager(record.manager_email, user)
        if (manager.pk if manager else None) != profile.manager_id:
            profile_changes["manager"] = manager
    active_changed = record.active != user.is_active
    changes = [*user_changes, *profile_changes] + (["active"] if active_changed else [])
    if dry_run or not changes:
        return Provisioned(user=user, changes=changes)
    for name, value in user_changes.items():
        setattr(user, name, value)
    if active_changed:
        _set_active(user, record.active)
    user.save(update_fields=[*user_changes, *(["is_active", "deactivated_at"] if active_changed else [])])
    for name, value in profile_changes.items():
        if name in ("department", "site"):
            value = _unit(value, getattr(record, name))
        setattr(profile, name, value)
    if profile_changes:
        profile.save(update_fields=list(profile_changes))
    publish(PeopleChanged(user_ids=(user.pk,), directory=True))
    return Provisioned(user=user, changes=changes)


def _set_active(user: User, active: bool) -> None:
    user.is_active = active
    user.deactivated_at = None if active else (user.deactivated_at or timezone.now())


@transaction.atomic
def person_deprovision(*, user: User, source: str, dry_run: bool = False) -> bool:
    """The directory no longer lists this person: deactivated (a former colleague, their words stay)
    if the directory keeps them. True when something changed (or would, in a dry run)."""
    if user.source != source or not user.is_active:
        return False
    if not dry_run:
        _set_active(user, False)
        user.save(update_fields=["is_active", "deactivated_at"])
        publish(PeopleChanged(user_ids=(user.pk,), directory=True))
    return True
