"""The OpenID Connect callback, with the ID token's signature always checked.

allauth skips the signature of an ID token that came straight from the token endpoint (OpenID
Connect Core 3.1.3.7 allows it over TLS). Ruche checks it every time against the provider's published
keys (JWKS), with its issuer, audience and expiry: a token signed with another key, or made for
another client, is refused even if a proxy, a plain-HTTP intranet link or a misrouted DNS name sits
between Ruche and the provider. This view answers allauth's own callback address (same path, listed
before allauth's URLs), so the redirect URI given to the provider does not change.
"""

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404

# Signatures by a key pair only: an HMAC "signed" with the public key must not pass.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class SignedIDTokenAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        id_token = (kwargs.get("response") or {}).get("id_token")
        if not id_token:
            raise OAuth2Error("the provider sent no ID token")
        verify_id_token(
            id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
        )
        return super().complete_login(request, app, token, **kwargs)


def verify_id_token(id_token: str, *, keys_url: str, issuer: str, audience: str) -> dict:
    """The token's claims, or OAuth2Error when its signature, issuer, audience or expiry is wrong."""
    try:
        header = jwt.get_unverified_header(id_token)
        with get_adapter().get_requests_session() as session:
            response = session.get(keys_url)
            response.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(response.json()).keys
        candidates = [key for key in keys if key.key_id == header.get("kid")] or (
            keys if header.get("kid") is None else []
        )
        if not candidates:
            raise OAuth2Error("the ID token's key is not among the provider's")
        return jwt.decode(
            id_token,
            key=candidates[0],
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise OAuth2Error(f"invalid ID token: {exc}") from exc


@login_not_required
def oidc_callback(request, provider_id):
    try:
        view = OAuth2CallbackView.adapter_view(SignedIDTokenAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
