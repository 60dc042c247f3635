from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo unions and users. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a known password; with DEBUG off, pass --force.")
        unions = demo.seed_unions()
        users = demo.seed_users(unions)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(unions)} unions, {len(users)} users."))
        self.stdout.write(f"Demo logins (password: {demo.demo_password()}):")
        for user in users:
            self.stdout.write(f"  {user.username:<20} {user.role.label} @ {user.organization.name}")
