from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join Ruche through an invitation from an administrator."""

    def is_open_for_signup(self, request):
        return False
