from django.core.management.base import BaseCommand, CommandError

from accounts.errors import DomainError
from accounts.models import Organization, User
from accounts.roles import Role
from reports.importing import roster_read, roster_write


class Command(BaseCommand):
    help = "Check a household roster (.xlsx) and import it into a union: every household, or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roster workbook, as the template or the household ledger lays it out")
        parser.add_argument("--org", required=True, help="code of the union that receives the households")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--user", help="username of the caseworker recorded as registering (default: the nearest)")

    def handle(self, *args, file, org, dry_run, user, **options):
        organization = Organization.objects.filter(code=org, is_active=True).first()
        if organization is None:
            raise CommandError(f"No active union with code {org}.")
        try:
            with open(file, "rb") as workbook:
                roster = roster_read(workbook)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except DomainError as error:
            raise CommandError(error.message) from error
        for error in roster.errors:
            self.stderr.write(f"{error['sheet']}\t{error['row'] or ''}\t{error['column']}\t{error['message']}")
        if roster.errors:
            raise CommandError(f"{len(roster.errors)} errors; nothing was imported.")
        summary = f"{len(roster.households)} households, {roster.member_count} members"
        if dry_run:
            self.stdout.write(f"No errors: {summary} would be imported into {organization.name} (dry run).")
            return
        try:
            roster_write(roster=roster, organization=organization, by=self._caseworker(organization, user))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {summary} into {organization.name}."))

    def _caseworker(self, organization: Organization, username: str | None) -> User:
        """The household services record a caseworker of the union or of a union above it as registering."""
        caseworkers = User.objects.filter(
            is_active=True, groups__name=Role.CASEWORKER.value, organization__path__in=organization.ancestor_paths()
        )
        if username:
            caseworkers = caseworkers.filter(username=username)
        caseworker = caseworkers.order_by("-organization__path", "pk").first()
        if caseworker is None:
            raise CommandError(f"No active caseworker of {organization.name} or a union above it to register as.")
        return caseworker
