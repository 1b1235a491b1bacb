import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from ruche.accounts import policies, sso


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join Ruche through an invitation from an administrator."""

    def is_open_for_signup(self, request):
        return False

    def login(self, request, user):
        """From the moment they are signed in, people read their own language: allauth writes the
        "signed in" message right after this, and it must not stay in the log-in page's language."""
        super().login(request, user)
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language

    def authenticate(self, request, **credentials):
        """With passwords turned off (RUCHE_PASSWORD_LOGIN=false) only superusers may use one; the
        refusal reads the same whether the password was right or not."""
        user = super().authenticate(request, **credentials)
        if not policies.can_sign_in_with_password(user):
            raise ValidationError(
                _("Passwords are turned off: sign in with your company account."), code="password_off"
            )
        return user

    def send_password_reset_mail(self, user, email, context):
        """No reset link for someone who may not sign in with a password (the page still says that
        a mail was sent if the address is known: it tells nobody who has an account)."""
        if policies.can_sign_in_with_password(user):
            super().send_password_reset_mail(user, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: the company's identity provider vouches for a person, `sso.person_sso_match`
    decides who that is in Ruche (or refuses), and their account is connected before allauth logs
    them in. Nobody reaches allauth's sign-up form: unknown people are refused or provisioned."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A company account is connected by signing in with it, never to whoever is signed in.
            messages.error(request, _("Your company account is connected when you sign in with it."))
            raise ImmediateHttpResponse(redirect("home"))
        kind = sso.kind_of(sociallogin.account.get_provider(request).id)
        claims = sso.flat_claims(kind, sociallogin.account.extra_data)
        known = sociallogin.user if sociallogin.is_existing else None
        # The address the provider gave, as allauth read it (the claim, the attribute or the NameID).
        email = next((address.email for address in sociallogin.email_addresses), "")
        try:
            user = sso.person_sso_match(
                kind=kind, claims=claims, email=email, uid=sociallogin.account.uid, user=known
            )
        except sso.SSORefused as refusal:
            messages.error(request, str(refusal))
            raise ImmediateHttpResponse(redirect("account_login")) from None
        request.ruche_signin_method = kind  # the sign-in history says how (accounts.apps)
        if known is None:
            sociallogin.connect(request, user)
        else:
            sociallogin.user = user

    def validate_disconnect(self, account, accounts):
        raise ValidationError(_("Your company account stays connected: it is how you sign in."))

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """A refused token or assertion (wrong signature, audience, replay...): the error page says
        it in Ruche's words; the details go to the log, not to the person."""
        logging.getLogger("ruche.sso").warning(
            "single sign-on refused by %s: %s %r", getattr(provider, "id", provider), error, exception
        )
