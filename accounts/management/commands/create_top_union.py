from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization, OrganizationKind
from accounts.services import organization_create


class Command(BaseCommand):
    help = (
        "A fresh install's top union, which createsuperuser then files the first administrator under "
        "(everything below it is set up in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 浙江省总工会")
        parser.add_argument("--code", required=True, help="e.g. 330000")
        parser.add_argument("--kind", default=OrganizationKind.PROVINCIAL, choices=OrganizationKind.values)

    def handle(self, *args, name, code, kind, **options):
        existing = Organization.objects.filter(parent=None, code=code).first()
        if existing is None and Organization.objects.filter(code=code).exists():
            raise CommandError(f"The code {code} belongs to a union that is not at the top.")
        union = existing or organization_create(name=name, code=code, kind=kind)
        self.stdout.write(f"{union.name} (code {union.code}): createsuperuser --organization {union.pk}")
