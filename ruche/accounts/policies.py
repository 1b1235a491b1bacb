"""Who may do what with people and profiles."""

from django.conf import settings


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_see_photo(user, name: str) -> bool:
    """Profile photos are for colleagues, like the directory."""
    return bool(user.is_authenticated and user.is_active)


def can_invite(user) -> bool:
    return is_admin(user)


def can_edit_profile(user, owner) -> bool:
    return user.is_authenticated and user.is_active and (user.pk == owner.pk or is_admin(user))


def can_deactivate(user, target) -> bool:
    return is_admin(user) and user.pk != target.pk


def can_change_roles(user, target) -> bool:
    """Company-wide roles (administrator, animator, announcer, analyst) are given by administrators;
    nobody changes their own (an administrator cannot lock the company out by mistake)."""
    return is_admin(user) and user.pk != target.pk


def can_follow(user, target) -> bool:
    return user.is_authenticated and user.is_active and target.is_active and user.pk != target.pk


def can_manage_profile_settings(user) -> bool:
    """Which profile fields are mandatory: a company-wide rule, for admins."""
    return is_admin(user)


def can_view_completeness_report(user) -> bool:
    return is_admin(user)


def can_view_completeness(user, owner) -> bool:
    """The meter is the person's own business: shown to them only."""
    return user.is_authenticated and user.pk == owner.pk


def can_view_skill(user) -> bool:
    """Skill pages list colleagues, like the directory: any signed-in colleague."""
    return user.is_authenticated and user.is_active


def can_manage_organisation(user) -> bool:
    """Departments and sites: created, renamed, merged and deleted by administrators."""
    return is_admin(user)


def can_manage_directory(user) -> bool:
    """How Ruche plugs into the company's directory (single sign-on, SCIM, erasure policy)."""
    return is_admin(user)


def can_read_admin_log(user) -> bool:
    """What administrators did: read by administrators."""
    return is_admin(user)


def can_sign_in_with_password(user) -> bool:
    """Passwords may be turned off for single sign-on (RUCHE_PASSWORD_LOGIN=false); superusers keep
    theirs, the way back in when the identity provider is down or misconfigured."""
    return bool(settings.PASSWORD_LOGIN or (user is not None and user.is_superuser))


def can_sign_in_by_sso(user) -> bool:
    """The identity provider vouches for someone; a deactivated person stays out all the same."""
    return bool(user.is_active)


def sso_email_allowed(email: str) -> bool:
    """RUCHE_SSO_ALLOWED_DOMAINS, when set, lists the only domains that may sign in through SSO."""
    domains = settings.SSO_ALLOWED_DOMAINS
    return not domains or email.rsplit("@", 1)[-1].lower() in domains


def can_view_org_chart(user) -> bool:
    """Who reports to whom is for colleagues, like the directory: any signed-in colleague."""
    return bool(user.is_authenticated and user.is_active)
