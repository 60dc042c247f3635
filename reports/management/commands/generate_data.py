import time

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.generate import Report
from cases.generate import generate as generate_cases
from programs.generate import generate as generate_programs


class Command(BaseCommand):
    help = (
        "Generate realistic data at provincial scale under a generated province: households with three years of "
        "files, incomes, plans and visits, then aid programs, budgets, applications and payments (bulk inserts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", default="G33", help="Code of the generated province union.")

    def handle(self, *args, households, seed, code, **options):
        started = time.monotonic()
        report = Report()
        # One transaction: the data is there complete, or not at all.
        with transaction.atomic():
            generated = generate_cases(households=households, seed=seed, code=code, report=report)
            generate_programs(province=generated.province, household_ids=generated.household_ids, seed=seed,
                              report=report)  # fmt: skip
        elapsed = time.monotonic() - started
        self.stdout.write("phase                                                       seconds")
        for phase, seconds in report.phases.items():
            self.stdout.write(f"  {phase:<58}{seconds:>7.1f}")
        self.stdout.write("table                                 rows    history   seconds writing (history)")
        for table in report.tables:
            self.stdout.write(f"  {table.label:<30}{table.count:>10,}{table.history_count:>11,}{table.seconds:>10.1f}"
                              f"{table.history_seconds:>10.1f}")  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(f"Generated {len(generated.household_ids)} households in {elapsed:.1f} s.")
        )
