from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


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
