from django.core.management.base import BaseCommand, CommandError

from accounts.errors import DomainError
from accounts.models import Organization
from reports.exports import ledger_export
from reports.models import LedgerKind


class Command(BaseCommand):
    help = (
        "Write a ledger (households, disbursements or assessment) of a union and its subtree for a year to an .xlsx "
        "file: the same workbook as the ledgers page. ID numbers, phones, bank accounts and health data are masked "
        "unless --unmasked is given; every export is logged (via 'command', no user)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=LedgerKind.values)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--org", help="The union's code; default the root union.")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--unmasked", action="store_true", help="Full ID numbers, phones, accounts and health data (logged)."
        )

    def handle(self, *args, kind, year, output, org=None, unmasked=False, **options):
        union = self._union(org)
        try:
            rows = ledger_export(
                kind=kind, organization=union, year=year, user=None, target=output, via="command", masked=not unmasked
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{union.code} {union.name} {year} {kind}: {rows} rows written to {output}")

    def _union(self, code: str | None) -> Organization:
        if code:
            union = Organization.objects.filter(code=code).first()
            if union is None:
                raise CommandError(f"No union with code {code}.")
            return union
        roots = list(Organization.objects.filter(parent__isnull=True, is_active=True)[:2])
        if len(roots) != 1:
            raise CommandError("There is not exactly one root union: choose one with --org CODE.")
        return roots[0]
