"""Authentication backends that load the signed-in person with their profile, in one query:
every page shows their photo, and a second query on every request was pure overhead."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from ruche.core.prepared import prepared


@prepared("pk")
def _person_with_profile(pk):
    from ruche.accounts.models import User

    return User._default_manager.select_related("profile").filter(pk=pk)[:1]


class WithProfile:
    def get_user(self, user_id):
        from ruche.accounts.models import User

        try:
            pk = User._meta.pk.to_python(user_id)  # the session keeps it as text
        except ValidationError:
            return None
        user = next(iter(_person_with_profile(pk=pk)), None)  # every request: compiled once
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user):
        """An integration's account (ruche.integrations) never signs in, whatever its password."""
        return super().user_can_authenticate(user) and not getattr(user, "is_bot", False)


class ModelBackend(WithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(WithProfile, AllauthBackend):
    pass
