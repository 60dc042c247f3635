from django.core.management.base import BaseCommand, CommandError

from accounts.errors import DomainError
from accounts.models import Organization, OrganizationKind
from assessment.models import AssessmentRun
from assessment.services import assessment_execute, assessment_start


class Command(BaseCommand):
    help = "Year-end assessment of a union and its subtree (default: every provincial union)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--org", help="The union's code; default every provincial union.")
        parser.add_argument("--sync", action="store_true", help="Run here and now instead of queueing a job.")

    def handle(self, *args, year, org=None, sync=False, **options):
        if org:
            unions = list(Organization.objects.filter(code=org))
            if not unions:
                raise CommandError(f"No union with code {org}.")
        else:
            unions = list(Organization.objects.filter(kind=OrganizationKind.PROVINCIAL, is_active=True))
        for union in unions:
            try:
                run = assessment_start(organization=union, year=year, queue=not sync)
            except DomainError as error:
                raise CommandError(error.message) from error
            if sync:
                run = assessment_execute(run=AssessmentRun.objects.get(pk=run.pk))
            self.stdout.write(
                f"{union.code} {union.name} {year}: run {run.pk} {run.status}, {run.done}/{run.total} files"
            )
