from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo
from cases import demo as cases_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo unions and users. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument("--no-households", action="store_true", help="Only the unions and users (for tests).")

    def handle(self, *args, force=False, no_households=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a known password; with DEBUG off, pass --force.")
        unions = demo.seed_unions()
        users = demo.seed_users(unions)
        cases_demo.seed_standards(unions["330000"])
        households = 0 if no_households else cases_demo.seed_households()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(unions)} unions, {len(users)} users, {households} new households."
            )
        )
        self.stdout.write(f"Demo logins (password: {demo.demo_password()}):")
        for user in users:
            self.stdout.write(f"  {user.username:<20} {user.role.label} @ {user.organization.name}")
