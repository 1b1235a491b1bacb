"""Ruche's OAuth 2 server for Mastodon apps, on django-oauth-toolkit (DOT).

- `/oauth/authorize`: DOT's authorization view with Ruche's consent page. An app's redirect URI
  may use its own scheme (`tusky://…`, `elk://…`): the schemes allowed for a redirect are those of
  the URIs it registered. The out-of-band URI (`urn:ietf:wg:oauth:2.0:oob`) shows the code on a page.
- `/oauth/token`: DOT's token view (authorization_code with optional PKCE S256, client_credentials),
  answering Mastodon's token JSON (with `created_at`). DOT deletes a code once used; oauthlib answers
  `invalid_grant` to a second use.
- `/oauth/revoke`: DOT's revocation view.
"""

import json
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from ruche.mastodon import scopes

OOB = "urn:ietf:wg:oauth:2.0:oob"


class MastodonScopes(BaseScopes):
    def get_all_scopes(self):
        return scopes.SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return list(scopes.SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return [scopes.DEFAULT]


class Validator(OAuth2Validator):
    """A Mastodon app uses both the authorization code and client credentials; it may ask only for
    the scopes it registered (a parent registered covers its children)."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type in {"authorization_code", "client_credentials"}:
            return True
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes_asked, client, request, *args, **kwargs):
        if not super().validate_scopes(client_id, scopes_asked, client, request, *args, **kwargs):
            return False
        details = getattr(client, "mastodon", None)
        registered = set((details.scopes if details else scopes.DEFAULT).split())
        return all(scopes.grants(registered, scope) for scope in scopes_asked)


def redirect_schemes(application) -> list[str]:
    """http and https, and the schemes of the app's own registered redirect URIs (not `urn`)."""
    own = {uri.split(":", 1)[0].lower() for uri in application.redirect_uris.split() if ":" in uri}
    return sorted({"http", "https"} | (own - {"urn", "javascript", "data", "file", "vbscript"}))


def _csp_source(uri: str) -> str:
    """`https://app.example` for a web address, `tusky:` for an app's own scheme."""
    parts = urlsplit(uri)
    if parts.scheme in {"http", "https"}:
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:"


class AuthorizeView(dot.AuthorizationView):
    template_name = "mastodon/authorize.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["described_scopes"] = scopes.described(" ".join(kwargs.get("scopes") or []))
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        target = self.oauth2_data.get("redirect_uri") if response.status_code == 200 else None
        if target and not target.startswith(OOB):
            # A browser applies the consent page's form-action to the redirect its form leads to:
            # let it reach the app's (already validated) redirect address, and nothing else.
            response._csp_config = {
                **settings.SECURE_CSP,
                "form-action": [*settings.SECURE_CSP.get("form-action", []), _csp_source(target)],
            }
        return response

    def redirect(self, redirect_to, application):
        if redirect_to.startswith(OOB):
            query = parse_qs(urlsplit(redirect_to).query)
            return render(
                self.request,
                "mastodon/oob.html",
                {
                    "application": application,
                    "code": query.get("code", [""])[0],
                    "error": query.get("error", [""])[0],
                },
            )
        if application is None:
            return super().redirect(redirect_to, application)
        return OAuth2ResponseRedirect(redirect_to, redirect_schemes(application))


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(dot.TokenView):
    """DOT's token endpoint, with Mastodon's `created_at` in a successful answer."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            body = json.loads(response.content)
            body["created_at"] = int(timezone.now().timestamp())
            body.setdefault("token_type", "Bearer")
            response.content = json.dumps(body)
            response["Content-Type"] = "application/json"
        return response


RevokeView = dot.RevokeTokenView
