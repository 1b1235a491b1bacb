"""A person's data export: a ZIP of JSON files (one per kind of data, ruche/privacy/registry.py), their
uploaded files and photo, and a README in their language. Asked for on the My data page or by the
API, built by the worker (streamed into a temporary file, then into the private storage), told by a
notification, downloadable by its owner only (register_media("exports")), deleted after
RUCHE_EXPORT_DAYS days by the periodic sweep.

One export is prepared at a time per person (a second request while one is pending is refused, and
the database says so too: `privacy_one_pending_export`); a new export, once ready, replaces the
previous one."""

import datetime
import io
import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ruche.accounts.models import User
from ruche.notifications.services import Event, notify_each
from ruche.privacy import registry
from ruche.privacy.models import DataExport
from ruche.privacy.registry import attachment_name, iso, person, url

log = logging.getLogger(__name__)

Status = DataExport.Status
KIND = "data_export_ready"  # the notification kind (registered in PrivacyConfig.ready)
BATCH = 500  # rows read at a time: a person with 100,000 reactions is streamed, not loaded

# What each file holds, for the README (in the person's language). tests/privacy check that every
# file of the registry has its line.
DESCRIPTIONS = {
    "profile.json": gettext_lazy(
        "Your account and profile: names, e-mail, job, department, site, manager, skills, roles, dates"
    ),
    "following.json": gettext_lazy("The people you follow, and since when"),
    "followers.json": gettext_lazy("The people who follow you (their handle and name), and since when"),
    "signins.json": gettext_lazy("Your sign-ins: date, method, IP address and browser"),
    "email_addresses.json": gettext_lazy("Your e-mail addresses known to the sign-in"),
    "authorised_apps.json": gettext_lazy("The apps you allowed to use your account, and what each may do"),
    "sso_identities.json": gettext_lazy(
        "Your accounts at the company's identity provider linked to Ruche, with what it last said of you"
    ),
    "files.json": gettext_lazy("The files you uploaded; their contents are in files/attachments/"),
    "posts.json": gettext_lazy(
        "Your posts, replies, shares, questions, answers and the text of your ideas, with their earlier "
        "versions; other people's posts appear by link only"
    ),
    "reactions.json": gettext_lazy("Your reactions to posts"),
    "bookmarks.json": gettext_lazy("The posts you saved"),
    "hashtags_followed.json": gettext_lazy("The hashtags you follow"),
    "communities_created.json": gettext_lazy("The communities you created"),
    "memberships.json": gettext_lazy("Your communities and your role in each"),
    "join_requests.json": gettext_lazy("Your requests to join communities"),
    "community_invitations.json": gettext_lazy("Your invitations to communities"),
    "community_departures.json": gettext_lazy("The communities you left, and the reason you gave"),
    "reports_made.json": gettext_lazy("The posts and people you reported, and why"),
    "notifications.json": gettext_lazy("Your notifications"),
    "notification_settings.json": gettext_lazy(
        "Your notification choices where they differ from the defaults"
    ),
    "notification_community_settings.json": gettext_lazy("How much you hear from each community"),
    "muted_conversations.json": gettext_lazy("The conversations you muted"),
    "digest_settings.json": gettext_lazy("How often you receive the digest"),
    "emails.json": gettext_lazy("The e-mails Ruche sent you: subject, kind and date"),
    "answers_accepted.json": gettext_lazy("The answers you accepted to your questions"),
    "answer_votes.json": gettext_lazy("Your votes on answers"),
    "expertise_asked.json": gettext_lazy("The questions on which colleagues asked for your expertise"),
    "experts_asked.json": gettext_lazy("The experts you asked to answer your questions"),
    "campaigns_created.json": gettext_lazy("The innovation campaigns you created"),
    "campaigns_managed.json": gettext_lazy("The innovation campaigns you manage"),
    "campaigns_reviewed.json": gettext_lazy("The innovation campaigns whose review committee you sit on"),
    "campaigns_targeted.json": gettext_lazy("The innovation campaigns put to you by name"),
    "ideas.json": gettext_lazy("Your ideas (their text is in posts.json)"),
    "idea_coauthors.json": gettext_lazy("The ideas you were invited to co-author"),
    "idea_votes.json": gettext_lazy("Your votes on ideas"),
    "ideas_followed.json": gettext_lazy("The ideas you follow"),
    "idea_decisions.json": gettext_lazy("The ideas you moved from one stage to another, and why"),
    "idea_reviews.json": gettext_lazy("Your reviews of ideas: your scores and comments"),
    "announcements.json": gettext_lazy("The announcements you published"),
    "announcements_received.json": gettext_lazy("The announcements you received, opened and confirmed"),
    "video_rooms.json": gettext_lazy("The video meetings you started"),
    "news_sources.json": gettext_lazy("The news feeds you added to communities"),
    "alerts.json": gettext_lazy("Your keyword alerts"),
    "activities.json": gettext_lazy("What you did, as activities (posted, reacted, followed, joined...)"),
    "webhooks.json": gettext_lazy("The webhooks you registered (without their secrets)"),
    "integrations.json": gettext_lazy("The incoming webhooks (integrations) you created in communities"),
    "activity_days.json": gettext_lazy("Your activity figures, day by day (as on the My activity page)"),
    "activity_community_days.json": gettext_lazy("Your activity figures in each community, day by day"),
    "activity_weeks.json": gettext_lazy("Whether you contributed or took part, week by week"),
    "activity_months.json": gettext_lazy("Whether you contributed or took part, month by month"),
    "analytics_summary.json": gettext_lazy(
        "Your subscription to the weekly summary of the company's figures"
    ),
    "api_tokens.json": gettext_lazy(
        "Your API tokens: name, first characters, dates (never the token itself)"
    ),
}


def export_days() -> int:
    return settings.EXPORT_DAYS


# Requests


@transaction.atomic
def export_request(*, user) -> DataExport:
    """Ask for an export: a pending row and its task, in one transaction. Refused while one is being
    prepared (ValidationError, code "pending"): the person is told when it is ready."""
    from ruche.privacy.tasks import data_export_build

    if DataExport.objects.filter(user=user, status=Status.PENDING).exists():
        raise _pending()
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
    except IntegrityError:  # a second request in the same instant: the constraint is the last word
        raise _pending() from None
    data_export_build.enqueue(export_id=export.pk)
    return export


def _pending() -> ValidationError:
    return ValidationError(
        _("Your export is being prepared; we'll tell you when it's ready."), code="pending"
    )


# Building


def export_build(*, export_id: int) -> DataExport | None:
    """Build a pending export. Safe to run twice: the ZIP is written outside any transaction, then
    recorded only if the row is still pending (another run may have finished first: its file stays,
    ours is deleted). None when there was nothing to do."""
    export = DataExport.objects.select_related("user").filter(pk=export_id, status=Status.PENDING).first()
    if export is None:
        return None
    try:
        with tempfile.TemporaryFile(suffix=".zip") as temporary:
            zip_write(user=export.user, out=temporary)
            size = temporary.tell()
            temporary.seek(0)
            name = default_storage.save(
                DataExport.file.field.generate_filename(export, "export.zip"), File(temporary)
            )
    except Exception as error:  # recorded for the person and the administrators, never half-applied
        log.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id, status=Status.PENDING).update(
            status=Status.FAILED, finished_at=timezone.now(), error=str(error)[:300]
        )
        return None
    return _export_ready(export_id=export_id, name=name, size=size)


@transaction.atomic
def _export_ready(*, export_id: int, name: str, size: int) -> DataExport | None:
    export = DataExport.objects.select_for_update().filter(pk=export_id).first()
    if export is None or export.status != Status.PENDING:
        transaction.on_commit(lambda: default_storage.delete(name))  # another run recorded its own
        return None
    now = timezone.now()
    export.status, export.file.name, export.size = Status.READY, name, size
    export.finished_at, export.expires_at = now, now + datetime.timedelta(days=export_days())
    export.save(update_fields=["status", "file", "size", "finished_at", "expires_at"])
    # One ready export at a time: the new one replaces the previous ones.
    older = DataExport.objects.filter(user_id=export.user_id, status=Status.READY).exclude(pk=export.pk)
    _expire(older)
    notify_each(
        Event(kind=KIND, actor_id=export.user_id, key=f"export:{export.pk}", own=True), [export.user_id]
    )
    return export


STUCK_AFTER = datetime.timedelta(days=1)


def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """The periodic sweep: ready exports past their date lose their file and say "expired"; an
    export still pending after a day (its task failed for good) says "failed", so that the person
    may ask again (a late run of its task then finds nothing to do)."""
    now = now or timezone.now()
    with transaction.atomic():
        DataExport.objects.filter(status=Status.PENDING, requested_at__lt=now - STUCK_AFTER).update(
            status=Status.FAILED, finished_at=now, error="not built within a day"
        )
        return _expire(DataExport.objects.filter(status=Status.READY, expires_at__lte=now))


def _expire(exports) -> int:
    rows = list(exports.select_for_update().values_list("pk", "file"))
    names = [name for _pk, name in rows if name]
    DataExport.objects.filter(pk__in=[pk for pk, _name in rows]).update(
        status=Status.EXPIRED, file="", size=0
    )
    # After commit: a rollback must not leave a ready row without its file.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return len(rows)


# The ZIP


def zip_write(*, user: User, out) -> None:
    """Write the person's export into the binary file `out`."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        photo = _photo_write(archive, user)
        _json_write(archive, "profile.json", profile_data(user, photo=photo))
        for entry in registry.PERSONAL_DATA:
            if entry.serialize is not None:
                _json_list_write(archive, entry.file, (entry.serialize(row) for row in _rows(entry, user)))
        _attachments_write(archive, user)
        _readme_write(archive, user)


def _rows(entry: registry.PersonalData, user) -> Iterable:
    model = apps.get_model(entry.label)
    rows = model._default_manager.filter(**{entry.field: user}).order_by("pk")
    if entry.select:
        rows = rows.select_related(*entry.select)
    return rows.prefetch_related(*entry.prefetch).iterator(chunk_size=BATCH)


def profile_data(user: User, *, photo: str | None) -> dict:
    from ruche.accounts.models import Profile
    from ruche.ideas.models import InnovationManager

    profile = Profile.objects.select_related("department", "site", "manager").filter(user=user).first()
    data = {
        "handle": user.handle,
        "url": url(user.get_absolute_url()),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "active": user.is_active,
        "roles": {
            "administrator": user.is_staff,
            "community_animator": user.is_animator,
            "announcer": user.is_announcer,
            "analyst": user.is_analyst,
            "innovation_manager": InnovationManager.objects.filter(user=user).exists(),
        },
        "kept_by": user.source,
        "directory_id": user.directory_id,
        "joined": iso(user.date_joined),
        "invited_at": iso(user.invited_at),
        "invited_by": person(user.invited_by),
        "activated_at": iso(user.activated_at),
        "deactivated_at": iso(user.deactivated_at),
        "last_seen_at": iso(user.last_seen_at),
    }
    if profile is not None:
        data |= {
            "job_title": profile.job_title,
            "department": profile.department.name if profile.department else None,
            "site": profile.site.name if profile.site else None,
            "manager": person(profile.manager),
            "phone": profile.phone,
            "about_me": profile.bio,
            "ask_me_about": profile.ask_me_about,
            "languages_spoken": profile.languages,
            "skills": [skill.name for skill in profile.skills.order_by("name")],
        }
    data["photo"] = photo
    return data


def _text(archive: zipfile.ZipFile, name: str):
    return io.TextIOWrapper(archive.open(name, "w", force_zip64=True), encoding="utf-8", newline="\n")


def _json_write(archive: zipfile.ZipFile, name: str, data) -> None:
    with _text(archive, name) as out:
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")


def _json_list_write(archive: zipfile.ZipFile, name: str, items: Iterable[dict]) -> None:
    """A pretty-printed JSON list, one item at a time (an empty list stays `[]`)."""
    with _text(archive, name) as out:
        out.write("[")
        separator = "\n  "
        for item in items:
            out.write(separator + json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  "))
            separator = ",\n  "
        out.write("]\n" if separator == "\n  " else "\n]\n")


def _copy(archive: zipfile.ZipFile, stored_name: str, name: str) -> bool:
    try:
        with (
            default_storage.open(stored_name, "rb") as source,
            archive.open(name, "w", force_zip64=True) as out,
        ):
            shutil.copyfileobj(source, out, 1024 * 1024)
    except FileNotFoundError:
        log.warning("data export: %s is missing from the storage", stored_name)
        return False
    return True


def _photo_write(archive: zipfile.ZipFile, user) -> str | None:
    from ruche.accounts.models import Profile

    photo = Profile.objects.filter(user=user).values_list("photo", flat=True).first()
    if not photo:
        return None
    extension = photo.rsplit(".", 1)[-1].lower() if "." in photo else "jpg"
    name = f"files/photo.{extension}"
    return name if _copy(archive, photo, name) else None


def _attachments_write(archive: zipfile.ZipFile, user) -> None:
    from ruche.files.models import Attachment

    rows = Attachment.objects.filter(uploader=user).order_by("pk").values_list("pk", "name", "file")
    for pk, name, stored in rows.iterator(chunk_size=BATCH):
        _copy(archive, stored, attachment_name(pk, name))


def _readme_write(archive: zipfile.ZipFile, user) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        files = [(name, str(DESCRIPTIONS[name])) for name in export_files()]
        text = render_to_string(
            "privacy/export_readme.txt",
            {"user": user, "files": files, "site_url": settings.SITE_URL, "made": timezone.now()},
        )
    with _text(archive, "README.txt") as out:
        out.write(text)


def export_files() -> list[str]:
    """The JSON files of an export, in order (every one is written, empty or not)."""
    return ["profile.json", *(entry.file for entry in registry.PERSONAL_DATA if entry.serialize)]
