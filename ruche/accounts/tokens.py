from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Stateless activation links: they expire, and die once used (the hash covers activated_at)."""

    key_salt = "ruche.accounts.activation"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.activated_at}{user.is_active}{timestamp}"


activation_tokens = ActivationTokenGenerator()


def activation_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_from_uid(uid: str) -> int | None:
    try:
        return int(urlsafe_base64_decode(uid).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
