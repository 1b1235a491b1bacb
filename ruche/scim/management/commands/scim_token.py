from django.core.management.base import BaseCommand, CommandError

from ruche.accounts.models import User
from ruche.scim import services


class Command(BaseCommand):
    help = "Create a SCIM bearer token for an identity provider and print it once (only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="What the token is for, e.g. 'Entra ID'")
        parser.add_argument(
            "--by",
            default="",
            help="An administrator's e-mail: SCIM acts in their name on communities (groups as communities)",
        )

    def handle(self, *args, name, by, **options):
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by, is_staff=True, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active administrator has the address {by}.")
        if not name.strip():
            raise CommandError("Give the token a name.")
        _token, secret = services.token_create(name=name, by=actor)
        self.stdout.write(secret)
