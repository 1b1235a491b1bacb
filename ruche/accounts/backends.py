"""Authentication backends that load the signed-in person with their profile, in one query:
every page shows their photo, and a second query on every request was pure overhead."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class WithProfile:
    def get_user(self, user_id):
        from ruche.accounts.models import User

        user = User._default_manager.select_related("profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(WithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(WithProfile, AllauthBackend):
    pass
