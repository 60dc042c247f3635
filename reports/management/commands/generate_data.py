import time

from django.core.management.base import BaseCommand

from cases.generate import generate


class Command(BaseCommand):
    help = "Generate realistic households at scale (bulk inserts, history included) under a generated province."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", default="G33", help="Code of the generated province union.")

    def handle(self, *args, households, seed, code, **options):
        started = time.monotonic()
        count = generate(households=households, seed=seed, code=code)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Generated {count} households in {elapsed:.1f} s."))
