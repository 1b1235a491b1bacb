"""`manage.py demo_company`: the demo company on first run, or a large one for benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from ruche.accounts.models import User
from ruche.demo import company as demo


class Command(BaseCommand):
    help = "Create the demo company (Ruche Industries): people, follows, a few weeks of posts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if anyone already has an account."
        )
        parser.add_argument("--employees", type=int, default=40, help="How many people (default 40).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: same seed, same company.")
        parser.add_argument("--weeks", type=int, default=3, help="Weeks of content (default 3).")

    def handle(self, *args, if_empty, employees, seed, weeks, **options):
        if User.objects.exists():
            if if_empty:
                self.stdout.write("People already exist: the demo company is not loaded again.")
                return
            raise CommandError("The database already has people: demo_company needs an empty one.")
        if employees < 1 or weeks < 1:
            raise CommandError("--employees and --weeks must be positive.")
        result = demo.generate(employees=employees, seed=seed, weeks=weeks, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"{demo.COMPANY}: {result.people} people and {result.posts} posts and replies "
                f"in {result.seconds:.1f} s."
            )
        )
        self.stdout.write(
            "Sign in at /accounts/login/ with the password "
            f"{result.password!r} as:\n"
            f"  {result.admin_email}  (administrator)\n"
            f"  {result.employee_email}  (an ordinary employee)"
        )
