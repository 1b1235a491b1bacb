from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ruche.ldap.directory import configured
from ruche.ldap.models import SyncRun

# What a report's reasons mean, for administrators.
REASONS = {
    "no_email": _("no e-mail address"),
    "invalid_email": _("not a valid e-mail address"),
    "duplicate_email": _("an address another entry already has"),
    "rejected": _("refused"),
    "manager_unknown": _("manager not found in this sync (left as it was)"),
    "photo": _("photo not read (left as it was)"),
}

ACTIONS = {"created": _("created"), "updated": _("updated"), "deactivated": _("deactivated")}
# The fields a change names, as the profile and the people pages name them.
FIELDS = {
    "email": _("e-mail"),
    "first_name": _("first name"),
    "last_name": _("last name"),
    "job_title": _("job title"),
    "phone": _("phone"),
    "department": _("department"),
    "site": _("site"),
    "manager": _("manager"),
    "photo": _("photo"),
    "active": _("active"),
    "directory_id": _("directory id"),
    "source": _("kept by"),
    "language": _("language"),
}


def configuration() -> dict:
    """The directory's configuration that is not secret (the password only says whether it is set)."""
    return {
        "configured": configured(),
        "url": settings.LDAP_URL,
        "bind_dn": settings.LDAP_BIND_DN,
        "password_set": bool(settings.LDAP_BIND_PASSWORD),
        "base_dn": settings.LDAP_BASE_DN,
        "filter": settings.LDAP_FILTER,
        "start_tls": settings.LDAP_START_TLS,
        "attributes": [(key, value) for key, value in settings.LDAP_ATTRIBUTES.items() if value],
        "minutes": settings.LDAP_SYNC_MINUTES,
    }


def recent_runs(*, limit: int = 10) -> list[SyncRun]:
    runs = list(SyncRun.objects.select_related("requested_by")[:limit])
    for run in runs:
        for error in run.errors:
            error["label"] = REASONS.get(error.get("reason"), error.get("reason"))
        for change in run.changes:
            change["label"] = ACTIONS.get(change.get("action"), change.get("action"))
            if change.get("action") != "deactivated":  # the action says it all
                change["field_labels"] = [FIELDS.get(name, name) for name in change.get("fields", [])]
    return runs
