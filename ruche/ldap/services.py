"""The LDAP / Active Directory sync: the directory's people created, updated and deactivated through
the one provisioning write (ruche.accounts.provisioning), with a report of what it did or would do.

The sync is not one transaction: people are written a hundred at a time, each in a savepoint of
their own, so that one bad entry does not undo the others and a sync of thousands of people never
holds the database's write lock for minutes. Running it twice leaves the same state (the second run finds everything unchanged).
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import Profile, Source, User
from ruche.accounts.provisioning import PROFILE_FIELDS, PersonRecord, person_deprovision, person_provision
from ruche.accounts.services import admin_log, profile_set_directory_photo
from ruche.ldap import directory, policies
from ruche.ldap.directory import Config, DirectoryError, Entry
from ruche.ldap.models import DirectoryPhoto, SyncRun

# A run that finds fewer people than this share of those the directory keeps is refused: a wrong
# filter or base DN must not deactivate the company.
SAFETY_SHARE = 0.5
# People written per transaction: each is a savepoint (one bad entry is rolled back alone), and a
# commit per person would cost a disk flush each.
BATCH = 100
# The changes a run keeps for its report (the counts are always complete).
CHANGES_KEPT = 2_000
ERRORS_KEPT = 2_000
# Active Directory's userAccountControl: bit 2 (ACCOUNTDISABLE) set means the account is disabled.
ACCOUNT_DISABLED = 0x2
FALSE_WORDS = {"false", "0", "no", "off", "disabled", "inactive"}


@dataclass
class Person:
    """One valid entry: what the directory says, and what it holds besides (the photo)."""

    dn: str
    record: PersonRecord
    photo: bytes | None  # None: the mapping reads no photo, or the entry has none
    photo_read: bool = True  # the mapping reads photos: an entry without one removes the old one


@dataclass
class Report:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("entries", "created", "updated", "deactivated", "unchanged", "skipped"), 0
        )
    )
    changes: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def change(self, action: str, email: str, dn: str, fields: list[str]) -> None:
        self.counts[action] += 1
        if len(self.changes) < CHANGES_KEPT:
            self.changes.append({"action": action, "email": email, "dn": dn, "fields": fields})

    def error(self, dn: str, reason: str, detail: str = "", skipped: bool = True) -> None:
        self.counts["skipped"] += int(skipped)
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"dn": dn, "reason": reason, "detail": detail})


def ldap_sync(
    *, dry_run: bool = False, force: bool = False, actor: User | None = None, config: Config | None = None
) -> SyncRun:
    """Read every person from the directory and bring Ruche in line (or, in a dry run, say what
    would change). Returns the run, its report stored; a run that could not read the directory,
    or that was refused for safety, has nothing written but its report."""
    config = config or Config.from_settings()
    run = SyncRun.objects.create(dry_run=dry_run, forced=force, requested_by=actor)
    report = Report()
    try:
        return _sync(run, report, config, dry_run=dry_run, force=force, actor=actor)
    except Exception as error:  # recorded for the page, then raised for the worker to retry
        _finish(run, report, SyncRun.Status.FAILED, f"{type(error).__name__}: {error}", actor)
        raise


def _sync(run: SyncRun, report: Report, config: Config, *, dry_run, force, actor) -> SyncRun:
    try:
        if not config.url:
            raise DirectoryError(_("No directory is configured (RUCHE_LDAP_URL)."))
        entries = list(directory.read_people(config))
    except DirectoryError as error:
        return _finish(run, report, SyncRun.Status.FAILED, str(error), actor)
    report.counts["entries"] = len(entries)
    people, protected = _people(entries, config, report)
    existing = _Existing.load()
    kept = existing.kept_count()
    if not force and kept and len(people) < kept * SAFETY_SHARE:
        message = _(
            "The directory returned %(found)s people, fewer than half of the %(kept)s it keeps in "
            "Ruche: nothing was changed. Check the base DN and the filter, or force the sync."
        ) % {"found": len(people), "kept": kept}
        return _finish(run, report, SyncRun.Status.REFUSED, message, actor)
    seen = existing.kept_ids(protected)
    for start in range(0, len(people), BATCH):
        with transaction.atomic():  # one commit per batch; each person in a savepoint of their own
            for one in people[start : start + BATCH]:
                seen.add(_apply(one, existing, report, dry_run))
    for user in existing.leavers(seen):
        if person_deprovision(user=user, source=Source.LDAP, dry_run=dry_run):
            report.change("deactivated", user.email, "", ["active"])
    return _finish(run, report, SyncRun.Status.DONE, "", actor)


def _finish(run: SyncRun, report: Report, status: str, message: str, actor: User | None) -> SyncRun:
    run.status, run.message, run.finished = status, message, timezone.now()
    run.counts, run.changes, run.errors = report.counts, report.changes, report.errors
    run.save()
    if not run.dry_run:
        admin_log(
            actor=actor, action="ldap_sync", target="LDAP", status=status, message=message, **report.counts
        )
    return run


# Reading the entries -----------------------------------------------------------------------------


def _dn_key(dn: str) -> str:
    """A DN as a lookup key: the directory may spell a manager's DN with other case or spaces."""
    return ",".join(part.strip() for part in dn.split(",")).lower()


def _email(entry: Entry) -> str | None:
    email = (entry.text("email") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def _people(entries: list[Entry], config: Config, report: Report) -> tuple[list[Person], set[str]]:
    """The valid entries as records, managers ordered before their reports, and the directory ids
    of the entries skipped. Two passes: the first learns every DN's address, the second resolves
    the managers' DNs to addresses, so that a manager listed after their report is found."""
    emails, valid, protected = {}, [], set()
    for entry in entries:
        email = _email(entry)
        if email is None:
            raw = (entry.text("email") or "").strip()
            report.error(entry.dn, "invalid_email" if raw else "no_email", raw)
            protected.add((entry.text("id") or "")[:255])
        elif email in emails.values():
            report.error(entry.dn, "duplicate_email", email)
        else:
            emails[_dn_key(entry.dn)] = email
            valid.append((entry, email))
    people = []
    for entry, email in valid:
        manager_dn = entry.text("manager")
        manager_email = None
        if manager_dn is not None:  # the mapping reads managers: none in the entry clears it
            manager_email = emails.get(_dn_key(manager_dn), "") if manager_dn else ""
            if manager_dn and not manager_email:
                report.error(entry.dn, "manager_unknown", manager_dn, skipped=False)
                manager_email = None  # outside the filter, or skipped: left as it is
        record = PersonRecord(
            email=email,
            first_name=entry.text("first_name"),
            last_name=entry.text("last_name"),
            job_title=entry.text("job_title"),
            department=entry.text("department"),
            site=entry.text("site"),
            phone=entry.text("phone"),
            manager_email=manager_email,
            active=_active(entry),
            directory_id=entry.text("id") or None,
        )
        photo = entry.raw("photo") if "photo" in config.attributes else None
        people.append(Person(entry.dn, record, photo or None, photo_read="photo" in config.attributes))
    return _managers_first(people), protected - {""}


def _active(entry: Entry) -> bool:
    value = (entry.text("active") or "").strip()
    if not value:
        return True
    if value.lstrip("-").isdigit():  # Active Directory's userAccountControl flags
        return not int(value) & ACCOUNT_DISABLED
    return value.lower() not in FALSE_WORDS


def _managers_first(people: list[Person]) -> list[Person]:
    """Ordered by depth in the reporting lines, so that a manager exists before their reports
    name them (a loop in the directory's lines is cut, not followed)."""
    manager_of = {p.record.email: p.record.manager_email for p in people}

    def depth(email: str) -> int:
        seen = set()
        while (manager := manager_of.get(email)) and manager not in seen:
            seen.add(email)
            email = manager
        return len(seen)

    return sorted(people, key=lambda p: depth(p.record.email))


# What Ruche holds, loaded once per sync ----------------------------------------------------------


@dataclass
class _Existing:
    """Every person, as the sync compares them, by address and by directory id: one query for
    the whole sync instead of several per entry. Only people who differ go to person_provision."""

    by_email: dict[str, dict]
    by_directory_id: dict[str, dict]
    photos: dict[int, str]
    # People created by this sync, by address: the managers their reports name.
    created: dict[str, int] = field(default_factory=dict)

    FIELDS = (
        "pk", "email", "first_name", "last_name", "directory_id", "source", "is_active",
        "profile__pk", "profile__job_title", "profile__phone", "profile__department__name",
        "profile__site__name", "profile__manager__email",
    )  # fmt: skip

    @classmethod
    def load(cls) -> "_Existing":
        by_email, by_directory_id = {}, {}
        for row in User.objects.values(*cls.FIELDS).iterator(chunk_size=5_000):
            by_email[row["email"].lower()] = row
            if row["source"] == Source.LDAP and row["directory_id"]:
                by_directory_id[row["directory_id"]] = row
        photos = dict(DirectoryPhoto.objects.values_list("user_id", "sha256"))
        return cls(by_email, by_directory_id, photos)

    def pk_of(self, email: str) -> int | None:
        row = self.by_email.get(email)
        return row["pk"] if row else self.created.get(email)

    def find(self, record: PersonRecord) -> dict | None:
        return (record.directory_id and self.by_directory_id.get(record.directory_id[:255])) or (
            self.by_email.get(record.email)
        )

    def kept_count(self) -> int:
        return sum(1 for row in self.by_email.values() if row["source"] == Source.LDAP and row["is_active"])

    def kept_ids(self, directory_ids: set[str]) -> set[int]:
        """The people whose entry was skipped this time (its address missing or wrong) are still
        in the directory: a typo there must not deactivate them."""
        return {self.by_directory_id[key]["pk"] for key in directory_ids if key in self.by_directory_id}

    def leavers(self, seen: set[int]) -> list[User]:
        pks = [
            row["pk"]
            for row in self.by_email.values()
            if row["source"] == Source.LDAP and row["is_active"] and row["pk"] not in seen
        ]
        return list(User.objects.filter(pk__in=pks)) if pks else []

    def differs(self, record: PersonRecord, row: dict) -> bool:
        """Whether person_provision could change anything for this row: its own comparisons,
        made on the loaded rows. A "yes" too many costs a few queries (person_provision then finds
        nothing to do); a "no" too many would miss a change, so every field it writes is here."""
        if row["profile__pk"] is None or row["source"] == Source.LOCAL:
            return True
        if row["email"] != record.email or record.active != row["is_active"]:
            return True
        if record.directory_id is not None and record.directory_id[:255] != row["directory_id"]:
            return True
        for name in ("first_name", "last_name"):
            value = (getattr(record, name) or "").strip()
            if value and value[:80] != row[name]:
                return True
        for name, length in PROFILE_FIELDS.items():
            value = getattr(record, name)
            if value is not None and value.strip()[:length] != row[f"profile__{name}"]:
                return True
        for name in ("department", "site"):
            value = getattr(record, name)
            if value is not None and value.strip().lower() != (row[f"profile__{name}__name"] or "").lower():
                return True
        if record.manager_email is not None:
            manager_pk = self.pk_of(record.manager_email)
            wanted = record.manager_email if manager_pk is not None and manager_pk != row["pk"] else ""
            if wanted != (row["profile__manager__email"] or "").lower():
                return True
        return False


# Applying one person -----------------------------------------------------------------------------


def _apply(person: Person, existing: _Existing, report: Report, dry_run: bool) -> int | None:
    """Provision one person (and their photo) in their own transaction; returns their pk."""
    record = person.record
    row = existing.find(record)
    digest = hashlib.sha256(person.photo).hexdigest() if person.photo else None
    photo_changed = person.photo_read and digest != (existing.photos.get(row["pk"]) if row else None)
    if row is not None and not photo_changed and not existing.differs(record, row):
        report.counts["unchanged"] += 1
        return row["pk"]
    try:
        with transaction.atomic():
            done = person_provision(record=record, source=Source.LDAP, dry_run=dry_run)
            fields = [name for name in done.changes if name != "created"]
            if photo_changed and _photo(done.user, person, digest, dry_run, report):
                fields.append("photo")
    except ValidationError as error:
        report.error(person.dn, "rejected", "; ".join(error.messages))
        return row["pk"] if row else None
    except DatabaseError as error:  # a concurrent sync wrote the same person first
        report.error(person.dn, "rejected", str(error))
        return row["pk"] if row else None
    _count(report, done, record, person.dn, fields)
    if done.created and done.user.pk is not None:
        existing.created[record.email] = done.user.pk
    return done.user.pk


def _count(report: Report, done, record: PersonRecord, dn: str, fields: list[str]) -> None:
    if done.created:
        report.change("created", record.email, dn, fields)
    elif "active" in fields and not record.active:
        report.change("deactivated", record.email, dn, fields)
    elif fields:
        report.change("updated", record.email, dn, fields)
    else:
        report.counts["unchanged"] += 1


def _photo(user: User, person: Person, digest: str | None, dry_run: bool, report: Report) -> bool:
    """Store the directory's photo if its bytes changed (or remove the one it gave before).
    Bytes that are not an image are reported; the rest of the person is still applied."""
    if dry_run:
        return True
    profile = Profile.objects.get(user=user)
    try:
        with transaction.atomic():
            profile_set_directory_photo(profile=profile, data=person.photo)
    except ValidationError as error:
        report.error(person.dn, "photo", "; ".join(error.messages), skipped=False)
        return False
    if digest:
        DirectoryPhoto.objects.update_or_create(user=user, defaults={"sha256": digest})
    else:
        DirectoryPhoto.objects.filter(user=user).delete()
    return True


@transaction.atomic
def ldap_sync_request(*, actor: User, dry_run: bool) -> bool:
    """Queue a sync (or a dry run) for the worker on an administrator's behalf. False when no
    directory is configured: nothing is queued."""
    from ruche.ldap.tasks import ldap_sync_run

    if not policies.can_manage_ldap(actor):
        raise PermissionDenied(_("Only administrators can sync the directory."))
    if not directory.configured():
        return False
    ldap_sync_run.enqueue(dry_run=dry_run, actor_id=actor.pk)
    return True
