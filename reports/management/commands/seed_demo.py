from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo
from assessment import demo as assessment_demo
from cases import demo as cases_demo
from programs import demo as programs_demo
from programs.models import Budget, Program


class Command(BaseCommand):
    help = "Create (or refresh) the demo unions, users, households and aid programs. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument(
            "--no-households", action="store_true", help="Only the unions, users and programs (for tests)."
        )

    def handle(self, *args, force=False, no_households=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a known password; with DEBUG off, pass --force.")
        unions = demo.seed_unions()
        users = demo.seed_users(unions)
        cases_demo.seed_standards(unions["330000"])
        households = 0 if no_households else cases_demo.seed_households()
        programs_demo.seed_tiers()
        new_programs = programs_demo.seed_programs()
        applications = 0 if no_households else programs_demo.seed_applications()
        assessed_years = 0 if no_households else assessment_demo.seed_assessments()
        alerts = 0 if no_households else assessment_demo.seed_alerts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(unions)} unions, {len(users)} users, {households} new households, "
                f"{Program.objects.count()} programs ({new_programs} new), {Budget.objects.count()} budget lines, "
                f"{applications} new aid applications, {programs_demo.disbursement_count()} disbursements, "
                f"{assessed_years} years assessed, {alerts} new alerts."
            )
        )
        counts = programs_demo.application_counts()
        if counts:
            self.stdout.write("Aid applications by status: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
        self.stdout.write(f"Demo logins (password: {demo.demo_password()}):")
        for user in users:
            self.stdout.write(f"  {user.username:<20} {user.role.label} @ {user.organization.name}")
