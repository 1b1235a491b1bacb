"""Activation links: signed, timestamped (django.core.signing), valid INVITATION_DAYS and only until
used. Password-reset links are Django's and allauth's, with their own short lifetime
(PASSWORD_RESET_TIMEOUT): the two must not share one."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class ActivationTokens:
    salt = "ruche.accounts.activation"

    def make_token(self, user) -> str:
        return signing.dumps(self._state(user), salt=self.salt)

    def check_token(self, user, token: str) -> bool:
        if user is None or not token:
            return False
        try:
            state = signing.loads(token, salt=self.salt, max_age=timedelta(days=settings.INVITATION_DAYS))
        except signing.BadSignature:  # tampered, or expired (SignatureExpired is a BadSignature)
            return False
        return isinstance(state, str) and constant_time_compare(state, self._state(user))

    def _state(self, user) -> str:
        """Changes when the link has been used (activated_at, the password) or the person has left."""
        value = f"{user.pk}|{user.password}|{user.activated_at}|{user.is_active}"
        return salted_hmac(self.salt, value, algorithm="sha256").hexdigest()[:32]


activation_tokens = ActivationTokens()


def activation_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_from_uid(uid: str) -> int | None:
    try:
        return int(urlsafe_base64_decode(uid).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
