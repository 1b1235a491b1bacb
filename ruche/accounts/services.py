"""Writes about people: invitations, activation, profiles, photos, follows."""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from ruche.accounts import policies
from ruche.accounts.completeness import MIN_SKILLS
from ruche.accounts.events import PeopleChanged, PersonFollowed
from ruche.accounts.models import (
    AdminLogEntry,
    Department,
    DirectorySettings,
    Follow,
    Profile,
    ProfileSettings,
    SignIn,
    Site,
    Skill,
    User,
)
from ruche.core.events import publish
from ruche.core.images import reencoded_image
from ruche.core.text import fold, slugify_handle

PHOTO_SIZE = 512
MAX_SKILLS = 30


RESERVED_HANDLES = {"admin", "me", "all", "everyone"}  # words that are URLs or would mention many


def unique_handle(name: str) -> str:
    base = slugify_handle(name)[:56]
    taken = set(User.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    taken |= RESERVED_HANDLES
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _named(model, name: str):
    name = name.strip()
    if not name:
        return None
    found = model.objects.filter(name__iexact=name).first()
    return found or model.objects.create(name=name)


@transaction.atomic
def org_unit_rename(*, unit: Department | Site, name: str, by: User | None = None) -> Department | Site:
    """Rename a department or a site: its people are found under the new name at once."""
    if by is not None and not policies.can_manage_organisation(by):
        raise PermissionDenied(_("Only administrators can change departments and sites."))
    before = type(unit).objects.filter(pk=unit.pk).values_list("name", flat=True).first() or unit.name
    name = _unit_name(type(unit), name, exclude_pk=unit.pk)
    unit.name = name
    unit.save(update_fields=["name"])
    publish(PeopleChanged(user_ids=tuple(unit.profiles.values_list("user_id", flat=True))))
    if before != name:
        admin_log(actor=by, action=f"{unit._meta.model_name}_rename", target=name, previous=before)
    return unit


@transaction.atomic
def user_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    invited_by: User | None,
    job_title: str = "",
    department: str = "",
    site: str = "",
    manager: User | None = None,
    language: str = "",
    send: bool = True,
) -> User:
    """Create an invited colleague (no usable password yet) and e-mail them an activation link."""
    if invited_by is not None and not policies.can_invite(invited_by):
        raise PermissionDenied(_("Only administrators can invite people."))
    email = email.strip().lower()
    first_name, last_name = first_name.strip(), last_name.strip()
    try:
        validate_email(email)
    except ValidationError:
        message = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
        raise ValidationError({"email": message}) from None
    if not first_name or not last_name:
        raise ValidationError({"first_name": _("First and last name are required.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s has already been invited.") % {"email": email}})
    user = User(
        email=email,
        first_name=first_name[:80],
        last_name=last_name[:80],
        handle=unique_handle(f"{first_name} {last_name}"),
        language=language,
        invited_at=timezone.now(),
        invited_by=invited_by,
    )
    user.set_unusable_password()
    user.save()
    Profile.objects.create(
        user=user,
        job_title=job_title.strip()[:120],
        department=_named(Department, department),
        site=_named(Site, site),
        manager=manager,
    )
    publish(PeopleChanged(user_ids=(user.pk,), directory=True))
    if invited_by is not None:  # a directory's provisioning logs its own entries
        admin_log(actor=invited_by, action="user_invite", target_user=user)
    if send:
        from ruche.accounts.tasks import send_invitation

        send_invitation.enqueue(user_id=user.pk)
    return user


@transaction.atomic
def invitation_resend(*, user: User, by: User) -> bool:
    """E-mail the invitation again (a fresh link) to someone who has not activated their account.
    A new invitation, so a new e-mail (`invited_at` keys it: ruche.accounts.tasks)."""
    from ruche.accounts.tasks import send_invitation

    if not policies.can_invite(by):
        raise PermissionDenied(_("Only administrators can invite people."))
    if user.activated_at is not None or not user.is_active:
        return False
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    send_invitation.enqueue(user_id=user.pk)
    admin_log(actor=by, action="invitation_resend", target_user=user)
    return True


@dataclass
class ImportReport:
    created: list[User] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    unknown_units: set[tuple[str, str]] = field(default_factory=set)  # ("department" | "site", name)

    @property
    def unknown_names(self) -> list[str]:
        return sorted({name for _unit, name in self.unknown_units}, key=str.lower)


CSV_COLUMNS = {
    "email": ("email", "e-mail", "courriel", "mail"),
    "first_name": ("first_name", "first name", "prénom", "prenom"),
    "last_name": ("last_name", "last name", "nom"),
    "job_title": ("job_title", "job title", "title", "poste", "fonction"),
    "department": ("department", "service", "département", "departement", "direction"),
    "site": ("site", "location", "lieu"),
    "manager_email": ("manager_email", "manager e-mail", "manager", "responsable"),
}


def _csv_header_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        for column, aliases in CSV_COLUMNS.items():
            if name in aliases and column not in found:
                found[column] = index
    return found


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not a text (CSV) file."))


def _unknown_unit_message(unit: str, name: str) -> str:
    if unit == "department":
        return _(
            "Unknown department “%(name)s”: check its spelling, or import again asking to create it."
        ) % {"name": name}
    return _("Unknown site “%(name)s”: check its spelling, or import again asking to create it.") % {
        "name": name
    }


def users_import_csv(*, data: bytes, invited_by: User, create_units: bool = False) -> ImportReport:
    """Invite everyone in an HR export. Each row stands alone: a bad row is reported, never half-made.
    A department or a site the company does not have yet is created only when asked (`create_units`):
    otherwise its rows are reported, so that a typo never becomes a new department."""
    if not policies.can_invite(invited_by):
        raise PermissionDenied(_("Only administrators can invite people."))
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    # (line where the row starts, row): a quoted cell may span lines, the report must not drift.
    rows, start = [], 1
    for row in reader:
        rows.append((start, row))
        start = reader.line_num + 1
    if not rows:
        raise ValidationError(_("The file is empty."))
    columns = _csv_header_map(rows[0][1])
    missing = [c for c in ("email", "first_name", "last_name") if c not in columns]
    if missing:
        raise ValidationError(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    report = ImportReport()
    managers: list[tuple[int, User, str]] = []
    known = {
        "department": {name.lower() for name in Department.objects.values_list("name", flat=True)},
        "site": {name.lower() for name in Site.objects.values_list("name", flat=True)},
    }
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        values = {c: (row[i].strip() if i < len(row) else "") for c, i in columns.items()}
        unknown = [
            (unit, values[unit])
            for unit in ("department", "site")
            if values.get(unit, "").lower() not in known[unit] | {""}
        ]
        if unknown and not create_units:
            report.errors.append(
                (line, " ".join(_unknown_unit_message(unit, name) for unit, name in unknown))
            )
            report.unknown_units.update(unknown)
            continue
        try:
            user = user_invite(
                invited_by=invited_by,
                email=values["email"],
                first_name=values["first_name"],
                last_name=values["last_name"],
                job_title=values.get("job_title", ""),
                department=values.get("department", ""),
                site=values.get("site", ""),
            )
        except ValidationError as error:
            report.errors.append((line, " ".join(error.messages)))
            continue
        report.created.append(user)
        if values.get("manager_email"):
            managers.append((line, user, values["manager_email"].lower()))
    # Managers are linked once everyone exists: a manager may come later in the file.
    for line, user, manager_email in managers:
        manager = User.objects.filter(email__iexact=manager_email).first()
        if manager is None:
            report.errors.append(
                (
                    line,
                    _("Manager %(email)s not found; imported without manager.") % {"email": manager_email},
                )
            )
            continue
        Profile.objects.filter(pk=user.pk).update(manager=manager)
    return report


@transaction.atomic
def user_activate(*, user: User, password: str) -> User:
    if user.activated_at or not user.is_active:
        raise ValidationError(_("This activation link has already been used."))
    user.set_password(password)
    user.activated_at = timezone.now()
    user.last_seen_at = user.activated_at
    user.save(update_fields=["password", "activated_at", "last_seen_at"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """They left the company: no more login, their words stay, shown as a former colleague."""
    if not policies.can_deactivate(by, user):
        raise PermissionDenied(_("You cannot deactivate this person."))
    _keep_an_administrator(losing=user, field="is_active")
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    publish(PeopleChanged(user_ids=(user.pk,), directory=True))
    admin_log(actor=by, action="user_deactivate", target_user=user)
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> User:
    if not policies.can_deactivate(by, user):
        raise PermissionDenied(_("You cannot reactivate this person."))
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    publish(PeopleChanged(user_ids=(user.pk,), directory=True))
    admin_log(actor=by, action="user_reactivate", target_user=user)
    return user


ROLES = ("is_staff", "is_animator", "is_announcer", "is_analyst")


@transaction.atomic
def user_set_roles(*, user: User, by: User, **roles: bool) -> User:
    """Give or take company-wide roles: `is_staff` (administrator), `is_animator`, `is_announcer`,
    `is_analyst`; those not named are kept."""
    if not policies.can_change_roles(by, user):
        raise PermissionDenied(_("Only an administrator can change someone else's roles."))
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    if "is_staff" in roles and not roles["is_staff"]:
        _keep_an_administrator(losing=user, field="is_staff")
    changed = {name: bool(value) for name, value in roles.items() if getattr(user, name) != bool(value)}
    for name, value in roles.items():
        setattr(user, name, bool(value))
    user.save(update_fields=list(roles))
    for name, value in changed.items():
        admin_log(actor=by, action="role_give" if value else "role_take", target_user=user, role=name)
    return user


def _distinct_skill_names(names: list[str]) -> dict[str, str]:
    """{folded key: name as typed first}: `Lean, lean, LÉAN` is one skill."""
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:60]
        if name:
            wanted.setdefault(fold(name), name)
    return wanted


def skills_from_names(names: list[str]) -> list[Skill]:
    """The shared vocabulary: an existing skill is reused whatever its case or accents."""
    wanted = _distinct_skill_names(names)
    if len(wanted) > MAX_SKILLS:
        raise ValidationError({"skills": _("At most %(n)d skills.") % {"n": MAX_SKILLS}})
    existing = {s.key: s for s in Skill.objects.filter(key__in=wanted)}
    for key, name in wanted.items():
        if key not in existing:
            existing[key], _created = Skill.objects.get_or_create(key=key, defaults={"name": name})
    return [existing[key] for key in wanted]


PROFILE_FIELDS = {
    "job_title",
    "phone",
    "bio",
    "ask_me_about",
    "languages",
    "department",
    "site",
    "manager",
}


MANDATORY_MESSAGE = _lazy("Your company asks everyone to fill this in.")


def _check_mandatory(*, profile: Profile, by: User, fields: dict, skills: list[str] | None) -> None:
    """A person cannot empty, on their own profile, what the company made mandatory.

    Only what this call edits is checked: changing one's phone number never fails because of
    another field. Admins editing someone else's profile are not held to it.
    """
    if by.pk != profile.user_id:
        return
    mandatory = set(ProfileSettings.current().mandatory)
    errors = {}
    for name in mandatory & set(fields):
        value = fields[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = MANDATORY_MESSAGE
    if "skills" in mandatory and skills is not None:
        given = len(_distinct_skill_names(skills))
        if given < MIN_SKILLS:
            errors["skills"] = _("Give at least %(min)d different skills (you gave %(given)d).") % {
                "min": MIN_SKILLS,
                "given": given,
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def profile_update(*, profile: Profile, by: User, skills: list[str] | None = None, **fields) -> Profile:
    if not policies.can_edit_profile(by, profile.user):
        raise PermissionDenied(_("You cannot edit this profile."))
    unknown = set(fields) - PROFILE_FIELDS - {"first_name", "last_name", "language"}
    if unknown:
        raise TypeError(f"unknown profile fields: {unknown}")
    _check_mandatory(profile=profile, by=by, fields=fields, skills=skills)
    if fields.get("manager") is not None and fields["manager"].pk == profile.user_id:
        raise ValidationError({"manager": _("You cannot be your own manager.")})
    user = profile.user
    for name in ("first_name", "last_name", "language"):
        if name in fields:
            setattr(user, name, fields.pop(name))
    user.full_clean(exclude=["password", "handle", "email"])
    user.save(update_fields=["first_name", "last_name", "language"])
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["photo", "skills"])
    profile.save(update_fields=list(fields) or None)  # only what was edited: no stale overwrite
    if skills is not None:
        profile.skills.set(skills_from_names(skills))
    # Name, job, place, skills, bio: all indexed; a department or a site decides some memberships.
    publish(PeopleChanged(user_ids=(user.pk,), directory=bool({"department", "site"} & set(fields))))
    return profile


@transaction.atomic
def profile_set_photo(*, profile: Profile, by: User, upload) -> Profile:
    if not policies.can_edit_profile(by, profile.user):
        raise PermissionDenied(_("You cannot edit this profile."))
    _store_photo(profile, reencoded_image(upload, field="photo", square=PHOTO_SIZE))
    return profile


@transaction.atomic
def profile_set_directory_photo(*, profile: Profile, data: bytes | None) -> Profile:
    """The photo the company's directory holds (LDAP's jpegPhoto), re-encoded as an upload is;
    None removes it. The directory speaks for the company: no one's permission to check.
    Raises ValidationError on "photo" for bytes that are not an image."""
    if data is not None:
        _store_photo(
            profile, reencoded_image(ContentFile(data, name="photo.jpg"), field="photo", square=PHOTO_SIZE)
        )
    elif profile.photo:
        old = profile.photo.name
        profile.photo = ""
        profile.save(update_fields=["photo"])
        transaction.on_commit(lambda: profile.photo.storage.delete(old))
    return profile


def _store_photo(profile: Profile, content: ContentFile) -> None:
    old = profile.photo.name if profile.photo else None
    profile.photo.save(content.name, content, save=False)
    profile.save(update_fields=["photo"])
    if old:
        transaction.on_commit(lambda: profile.photo.storage.delete(old))


@transaction.atomic
def profile_remove_photo(*, profile: Profile, by: User) -> Profile:
    if not policies.can_edit_profile(by, profile.user):
        raise PermissionDenied(_("You cannot edit this profile."))
    if by.pk == profile.user_id and "photo" in ProfileSettings.current().mandatory:
        raise ValidationError(
            {"photo": _("Your company asks everyone to show a photo: upload another one instead.")}
        )
    if profile.photo:
        old = profile.photo.name
        profile.photo = ""
        profile.save(update_fields=["photo"])
        transaction.on_commit(lambda: profile.photo.storage.delete(old))
    return profile


@transaction.atomic
def user_follow(*, follower: User, followed: User) -> Follow | None:
    """Follow someone; following twice is the same as following once."""
    if not policies.can_follow(follower, followed):
        raise PermissionDenied(_("You cannot follow this person."))
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followed=followed)
    except IntegrityError:
        return None
    User.objects.filter(pk=followed.pk).update(follower_count=F("follower_count") + 1)
    publish(PersonFollowed(follow_id=follow.pk, follower_id=follower.pk, followed_id=followed.pk))
    return follow


@transaction.atomic
def user_unfollow(*, follower: User, followed: User) -> None:
    deleted, _rows = Follow.objects.filter(follower=follower, followed=followed).delete()
    if deleted:
        User.objects.filter(pk=followed.pk).update(follower_count=F("follower_count") - 1)


def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def profile_onboard(
    *, profile: Profile, by: User, photo=None, skills: list[str] | None = None, **fields
) -> Profile:
    """Fill in, at first login, what the company made mandatory: all of it, or nothing.

    The same checks as the profile page (profile_update, the photo rules); every problem is reported
    at once, so the person fixes everything in one go.
    """
    if by.pk != profile.user_id:
        raise PermissionDenied(_("You cannot edit this profile."))
    errors: dict[str, list] = {}
    content = None
    if photo is not None:
        try:
            content = reencoded_image(photo, field="photo", square=PHOTO_SIZE)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        profile_update(profile=profile, by=by, skills=skills, **fields)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors:
        if content is not None:
            _store_photo(profile, content)
        from ruche.accounts.selectors import missing_mandatory

        for key in missing_mandatory(profile.user, ProfileSettings.current().mandatory):
            errors[key] = [str(MANDATORY_MESSAGE)]
    if errors:
        raise ValidationError(errors)
    return profile


@transaction.atomic
def profile_settings_update(*, by: User, mandatory: list[str]) -> ProfileSettings:
    """Choose which profile items everyone must fill in (see ruche.accounts.completeness.ITEMS)."""
    from django.core.cache import cache

    from ruche.accounts.completeness import ITEM_KEYS

    if not policies.can_manage_profile_settings(by):
        raise PermissionDenied(_("Only administrators can change the profile rules."))
    unknown = set(mandatory) - set(ITEM_KEYS)
    if unknown:
        raise ValidationError({"mandatory": _("Unknown profile item.")})
    current = ProfileSettings.objects.select_for_update().get_or_create(pk=1)[0]
    for key in ITEM_KEYS:
        setattr(current, f"require_{key}", key in mandatory)
    current.version += 1
    current.save()
    transaction.on_commit(lambda: cache.delete(ProfileSettings.CACHE_KEY))
    return current


def signin_record(*, user: User, request, method: str = SignIn.Method.PASSWORD) -> SignIn:
    """Write one sign-in to the person's history (shown to them, exported, kept for a while)."""
    meta = getattr(request, "META", {})
    return SignIn.objects.create(
        user=user,
        method=method,
        ip=meta.get("REMOTE_ADDR") or None,
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:300],
    )


def admin_log(*, actor: User | None, action: str, target_user: User | None = None, **detail) -> AdminLogEntry:
    """Record what an administrator (or a directory, with no actor) did to people or organisation."""
    return AdminLogEntry.objects.create(
        actor=actor,
        action=action,
        target=str(target_user)[:200] if target_user is not None else str(detail.pop("target", ""))[:200],
        target_user=target_user,
        detail=detail,
    )


# The administrators' pages: organisation, roles, directory settings (ruche/web, /manage/...) ---------


def _keep_an_administrator(*, losing: User, field: str) -> None:
    """A company keeps one active administrator: refuse to take the last one's role or account.
    The administrators' rows are locked, so that two administrators removing each other at the same
    moment cannot both pass."""
    admins = list(
        User.objects.select_for_update().filter(is_active=True, is_staff=True).values_list("pk", flat=True)
    )
    if admins == [losing.pk]:
        raise ValidationError(
            {
                field: _("%(name)s is the last administrator: give the role to someone else first.")
                % {"name": losing.full_name}
            }  # fmt: skip
        )


def _unit_name(model, name: str, *, exclude_pk: int | None = None) -> str:
    """A department's or a site's name, checked: given, not too long, not another's (any case)."""
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError({"name": _("Give a name.")})
    limit = model._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError({"name": _("At most %(n)d characters.") % {"n": limit}})
    if model.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("This name is already used.")})
    return name


def _check_organiser(by: User) -> None:
    if not policies.can_manage_organisation(by):
        raise PermissionDenied(_("Only administrators can change departments and sites."))


@transaction.atomic
def org_unit_create(*, model: type[Department] | type[Site], name: str, by: User) -> Department | Site:
    """A new, empty department or site, ready to be chosen on profiles and in audiences."""
    _check_organiser(by)
    unit = model.objects.create(name=_unit_name(model, name))
    admin_log(actor=by, action=f"{model._meta.model_name}_create", target=unit.name)
    return unit


def _references(unit) -> list:
    """What else than profiles names this unit (communities' membership rules, campaigns' and
    announcements' audiences...): found from the models' relations, so that accounts needs not
    know the apps above it. Each item: (model, field name)."""
    found = []
    for relation in unit._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.related_model is Profile:
            continue
        if relation.many_to_many:
            through = relation.through
            found.append((through, relation.field.m2m_reverse_field_name()))
        elif not relation.related_model._meta.auto_created:  # an M2M's table is counted above
            found.append((relation.related_model, relation.field.name))
    return found


@transaction.atomic
def org_unit_merge(*, unit: Department | Site, into: Department | Site, by: User) -> int:
    """Merge `unit` into `into`: its people, membership rules and audiences move there, then it is
    gone. Returns how many people moved."""
    _check_organiser(by)
    if type(into) is not type(unit):
        raise ValidationError({"into": _("Merge a department into a department, a site into a site.")})
    if into.pk == unit.pk:
        raise ValidationError({"into": _("Choose another one to merge into.")})
    moved = list(unit.profiles.values_list("user_id", flat=True))
    unit.profiles.update(**{unit._meta.model_name: into})
    for model, name in _references(unit):
        rows = model.objects.filter(**{name: unit})
        if model._meta.auto_created:  # an M2M's table: a row already naming `into` would be twice
            (other,) = _other_keys(model, name)
            rows.filter(**{f"{other}__in": model.objects.filter(**{name: into}).values(other)}).delete()
        rows.update(**{name: into})
    label = unit.name
    unit.delete()
    # Everyone now in `into`: the rules that named `unit` apply to them again, with the moved people.
    people = tuple(into.profiles.values_list("user_id", flat=True))
    if people:
        publish(PeopleChanged(user_ids=people, directory=True))
    admin_log(
        actor=by, action=f"{into._meta.model_name}_merge", target=into.name, merged=label, people=len(moved)
    )
    return len(moved)


def _other_keys(model, name: str) -> list[str]:
    """An M2M table's other column (the announcement of an announcement-department row)."""
    return [f.name for f in model._meta.fields if f.is_relation and f.name != name]


@transaction.atomic
def org_unit_delete(*, unit: Department | Site, by: User) -> None:
    """Delete an empty department or site. One with people, or named by a community's rule or an
    audience, is refused: deleting it would change who is where; merge it instead."""
    _check_organiser(by)
    people = unit.profiles.count()
    if people:
        raise ValidationError(
            {"unit": ngettext(
                "%(name)s still has %(n)d person: merge it into another one instead.",
                "%(name)s still has %(n)d people: merge it into another one instead.",
                people,
            ) % {"name": unit.name, "n": people}}
        )  # fmt: skip
    if any(model.objects.filter(**{name: unit}).exists() for model, name in _references(unit)):
        raise ValidationError(
            {"unit": _("%(name)s is named by a community's membership rule or an audience: merge it "
                       "into another one instead.") % {"name": unit.name}}
        )  # fmt: skip
    label = unit.name
    unit.delete()
    admin_log(actor=by, action=f"{unit._meta.model_name}_delete", target=label)


DIRECTORY_FIELDS = ("sso_provision_unknown", "scim_groups_as", "erasure_keeps_contributions")


@transaction.atomic
def directory_settings_update(*, by: User, **fields) -> DirectorySettings:
    """How Ruche plugs into the directory (accounts.models.DirectorySettings); read everywhere
    through a cache, replaced after commit."""
    from django.core.cache import cache

    if not policies.can_manage_directory(by):
        raise PermissionDenied(_("Only administrators can change the directory settings."))
    unknown = set(fields) - set(DIRECTORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown directory settings: {sorted(unknown)}")
    if "scim_groups_as" in fields and fields["scim_groups_as"] not in DirectorySettings.GroupsAs.values:
        raise ValidationError({"scim_groups_as": _("Choose departments or communities.")})
    current = DirectorySettings.objects.select_for_update().get_or_create(pk=1)[0]
    changes = {}
    for name, value in fields.items():
        if getattr(current, name) != value:
            changes[name] = [getattr(current, name), value]
            setattr(current, name, value)
    current.save()
    transaction.on_commit(lambda: cache.delete(DirectorySettings.CACHE_KEY))
    if changes:
        admin_log(actor=by, action="directory_settings_change", changes=changes)
    return current
