"""Single sign-on through the company's identity provider (OpenID Connect or SAML 2.0, by allauth).

What the provider says of a person (OIDC claims, SAML attributes) is read here into a `PersonRecord`;
`person_sso_match` decides who that is in Ruche: an existing person found by verified e-mail, or a
new one when administrators let SSO create accounts (`DirectorySettings.sso_provision_unknown`).
The configuration comes from the environment only (config/settings.py, docs/sso.md).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ruche.accounts import policies
from ruche.accounts.models import DirectorySettings, Source, User
from ruche.accounts.provisioning import PersonRecord, person_provision

OIDC = "oidc"
SAML = "saml"
DEFAULT_LABEL = gettext_lazy("Sign in with your company account")


class SSORefused(Exception):
    """The provider vouched for someone Ruche does not let in: the message says why, to them."""


@dataclass(frozen=True)
class Button:
    label: str
    url: str


def buttons() -> list[Button]:
    """One button per configured provider, for the log-in page (none: SSO is off)."""
    found = []
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        url = reverse("openid_connect_login", kwargs={"provider_id": app["provider_id"]})
        found.append(Button(label=settings.SSO_OIDC_BUTTON_LABEL or str(DEFAULT_LABEL), url=url))
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("saml", {}).get("APPS", []):
        url = reverse("saml_login", kwargs={"organization_slug": app["client_id"]})
        found.append(Button(label=settings.SSO_SAML_BUTTON_LABEL or str(DEFAULT_LABEL), url=url))
    return found


def kind_of(provider_type: str) -> str:
    """ "oidc" or "saml" from allauth's provider type ("openid_connect", "saml")."""
    return SAML if provider_type == "saml" else OIDC


def _first(value):
    """SAML attributes are lists; OIDC claims are mostly single values."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    return str(value).strip()


def flat_claims(kind: str, extra_data: dict) -> dict:
    """One dict of single values: for OIDC the ID token's claims completed by the userinfo's."""
    if kind == OIDC:
        data = {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}
        if not data:  # allauth < 65.11 stored the claims flat
            data = dict(extra_data)
    else:
        data = dict(extra_data)
    return {key: (value if isinstance(value, bool) else _first(value)) for key, value in data.items()}


def _claim(kind: str, claims: dict, field: str):
    """A field's value: OIDC names one claim (SSO_CLAIMS), SAML a list of attributes, first present wins."""
    if kind == OIDC:
        return claims.get(settings.SSO_CLAIMS[field]) or None
    for name in settings.SSO_SAML_ATTRIBUTES[field]:
        if claims.get(name) not in (None, ""):
            return claims[name]
    return None


def email_verified(kind: str, claims: dict) -> bool:
    """OIDC: the provider says so (`email_verified`), or it is trusted for every address it gives
    (RUCHE_OIDC_TRUST_EMAIL). SAML: the address comes in an assertion the company's IdP signed,
    and counts as verified unless an attribute says it is not."""
    if kind == SAML:
        verified = _claim(kind, claims, "email_verified")
        return verified is None or str(verified).lower() in {"true", "1"}
    if settings.SSO_OIDC_TRUST_EMAIL:
        return True
    verified = claims.get("email_verified")
    return verified is True or str(verified).lower() == "true"


def record_from(kind: str, claims: dict, *, email: str, uid: str) -> PersonRecord:
    """`email` is the address allauth read (OIDC's `email` claim; SAML's mapped attribute, or the
    NameID when it is an address)."""
    fields = ("first_name", "last_name", "job_title", "department", "site", "manager_email")
    return PersonRecord(
        email=(email or "").strip().lower(),
        directory_id=uid,
        **{field: _claim(kind, claims, field) for field in fields},
    )


@transaction.atomic
def person_sso_match(*, kind: str, claims: dict, email: str, uid: str, user: User | None = None) -> User:
    """The Ruche person the provider vouched for: `user` when their account is already connected,
    else found by verified e-mail, else created if administrators allow it. Raises SSORefused.

    People kept by single sign-on get their profile refreshed from the claims at each sign-in;
    people kept by SCIM or LDAP (or by hand) are matched only, their record left to its keeper."""
    record = record_from(kind, claims, email=email, uid=uid)
    if not record.email:
        raise SSORefused(_("Your identity provider did not give an e-mail address."))
    if not email_verified(kind, claims):
        raise SSORefused(_("Your identity provider does not vouch for your e-mail address."))
    if not policies.sso_email_allowed(record.email):
        raise SSORefused(_("Addresses of this domain may not sign in to Ruche."))
    if user is None:
        user = User.objects.filter(email__iexact=record.email).first()
    if user is None:
        user = _provision(record)
    elif not policies.can_sign_in_by_sso(user):
        raise SSORefused(_("Your account is deactivated: ask your administrator."))
    elif user.source == Source.SSO:
        user = _refresh(record)
    if user.activated_at is None:
        user.activated_at = timezone.now()
        User.objects.filter(pk=user.pk).update(activated_at=user.activated_at)
    return user


def _provision(record: PersonRecord) -> User:
    if not DirectorySettings.current().sso_provision_unknown:
        raise SSORefused(
            _("You have no account in Ruche yet: ask your administrator to invite you (%(email)s).")
            % {"email": record.email}
        )
    return _refresh(record)


def _refresh(record: PersonRecord) -> User:
    """Create or update the person kept by single sign-on (`person_provision`, the directories' one
    write). An address that is someone else's is refused, nothing written."""
    try:
        return person_provision(record=record, source=Source.SSO).user
    except ValidationError as exc:
        raise SSORefused(" ".join(exc.messages)) from None
