"""What each code of the administrators' log (`AdminLogEntry.action`) means, in one place: the log
page and Django's admin show these labels. An app that logs a new code adds its label here; a code
without one is shown as it is, never hidden."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "user_invite": _("Person invited"),
    "invitation_resend": _("Invitation sent again"),
    "user_deactivate": _("Person deactivated"),
    "user_reactivate": _("Person reactivated"),
    "role_give": _("Role given"),
    "role_take": _("Role taken away"),
    "department_create": _("Department created"),
    "department_rename": _("Department renamed"),
    "department_merge": _("Departments merged"),
    "department_delete": _("Department deleted"),
    "site_create": _("Site created"),
    "site_rename": _("Site renamed"),
    "site_merge": _("Sites merged"),
    "site_delete": _("Site deleted"),
    "directory_settings_change": _("Directory settings changed"),
    "scim_token_create": _("SCIM token created"),
    "scim_token_revoke": _("SCIM token revoked"),
    "ldap_sync": _("LDAP directory synchronised"),
    "person_erase": _("Person erased"),
}

# The company-wide roles, by the name a log entry's `detail["role"]` gives them.
ROLES = {
    "is_staff": _("Administrator"),
    "is_animator": _("Community animator"),
    "is_announcer": _("Announcer"),
    "is_analyst": _("Analyst"),
    "innovation_manager": _("Innovation manager"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def role_label(code: str) -> str:
    return str(ROLES.get(code, code))


def describe(entry) -> str:
    """What an entry's detail says, in words: the role, the former name, what was merged."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    detail = entry.detail or {}
    if "role" in detail:
        return role_label(detail["role"])
    if "previous" in detail:
        return _("formerly “%(name)s”") % {"name": detail["previous"]}
    if "merged" in detail:
        people = int(detail.get("people", 0))
        return ngettext(
            "“%(name)s” merged in, %(n)d person moved", "“%(name)s” merged in, %(n)d people moved", people
        ) % {"name": detail["merged"], "n": people}
    if "kept_contributions" in detail:
        if detail["kept_contributions"]:
            return _("contributions kept, signed by a former colleague")
        return _("contributions deleted")
    if detail.get("message"):  # a directory's sync: what it reported
        return str(detail["message"])[:300]
    if "changes" in detail:
        from django.core.exceptions import FieldDoesNotExist

        from ruche.accounts.models import DirectorySettings

        names = []
        for field in detail["changes"]:
            try:
                names.append(str(DirectorySettings._meta.get_field(field).verbose_name))
            except FieldDoesNotExist:  # a setting removed since: its name as it was
                names.append(field)
        return ", ".join(names)
    return ""
